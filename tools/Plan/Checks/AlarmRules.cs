using Infra.Components.Shared;
using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Plan.Checks;

/// <summary>CW001: an alarm's dimensions name resources of the graph that publish the metric: a target group a
/// listener forwards to (and its balancer), a group of the stack, a queue of the stack. A dimension that matches
/// nothing has no data points, and with treatMissingData notBreaching the alarm never fires.</summary>
public sealed class AlarmDimensions : IPlanRule
{
    public string Id => "CW001";
    public Severity Severity => Severity.Error;
    public string Title => "Alarm dimensions name a resource that receives the metric";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var forwarded = graph.Forwards.ToList();
        foreach (var alarm in graph.OfType(Types.Alarm))
        foreach (var (metricNamespace, metricName, dimensions, _) in MetricsOf(alarm))
        {
            if (!metricNamespace.StartsWith("AWS/", StringComparison.Ordinal) || dimensions is null)
                continue;
            foreach (var (key, node) in dimensions)
            {
                var value = Text(node);
                var problem = key switch
                {
                    "TargetGroup" when graph.Referenced(value) is not { Type: Types.TargetGroup } targetGroup => "no target group of the stack",
                    "TargetGroup" when !forwarded.Any(pair => Text(pair.TargetGroup.Outputs["arnSuffix"]) == value) =>
                        "a target group no listener forwards to, so it serves no requests",
                    "LoadBalancer" when graph.Referenced(value) is not { Type: Types.LoadBalancer } => "no load balancer of the stack",
                    "LoadBalancerName" when graph.Referenced(value) is not { Type: Types.ClassicLoadBalancer } => "no classic load balancer of the stack",
                    "AutoScalingGroupName" when graph.Named(Types.Group, value) is null && graph.Referenced(value) is not { Type: Types.Group } =>
                        "no auto-scaling group of the stack",
                    "QueueName" when graph.Named(Types.Queue, value) is null && graph.Referenced(value) is not { Type: Types.Queue } => "no queue of the stack",
                    _ => null,
                };
                if (problem is not null)
                    yield return new Finding(Id, Severity, [alarm.Urn],
                        $"{alarm.Name}: {metricNamespace}/{metricName} dimension {key}={value} is {problem}; the alarm never sees data",
                        "point the dimension at the resource that gets the traffic (the target group behind the forwarding listener)");
            }
        }
    }
}

/// <summary>CW002: an alarm's period is one the metric is published at (<see cref="MetricResolution"/>): EC2 metrics
/// of instances without detailed monitoring come every 5 minutes, so a 1-minute alarm sees gaps and flaps.</summary>
public sealed class AlarmPeriod : IPlanRule
{
    public string Id => "CW002";
    public Severity Severity => Severity.Error;
    public string Title => "Alarm period fits the metric's resolution";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        foreach (var alarm in graph.OfType(Types.Alarm))
        foreach (var (metricNamespace, _, dimensions, metricPeriod) in MetricsOf(alarm))
        {
            var group = graph.Named(Types.Group, Text(dimensions?["AutoScalingGroupName"]));
            var detailed = group is not null && Text(graph.LaunchTemplateOf(group)?.Inputs["monitoring"]?["enabled"]) == "true";
            if (metricPeriod is { } period && MetricResolution.PeriodProblem(metricNamespace, period, detailed) is { } problem)
                yield return new Finding(Id, Severity, group is null ? [alarm.Urn] : [alarm.Urn, group.Urn],
                    $"{alarm.Name}: period {period} s: {problem}",
                    "set the tier's alarms.periodSeconds to a period the metric is published at");
        }
    }
}

/// <summary>CW003: an alarm watches a metric that can have data. A balancer publishes only its own namespace's
/// metrics (AWS/ApplicationELB, AWS/NetworkELB, AWS/ELB: an NLB measures no TargetResponseTime); and a metric of
/// the instances (EC2, the CloudWatch agent's, a balancer's response time) has no datapoint while a group has no
/// instance, so a scale-out on it never fires for a group that may shrink to 0.</summary>
public sealed class AlarmData : IPlanRule
{
    /// <summary>Metrics each balancer type publishes (CloudWatch metrics of the Application, Network and Classic
    /// Load Balancer guides), enough to tell one type's metric on another's balancer.</summary>
    static readonly IReadOnlyDictionary<string, string[]> Published = new Dictionary<string, string[]>
    {
        ["AWS/ApplicationELB"] =
        [
            "ActiveConnectionCount", "ClientTLSNegotiationErrorCount", "ConsumedLCUs", "HTTPCode_ELB_3XX_Count", "HTTPCode_ELB_4XX_Count",
            "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_2XX_Count", "HTTPCode_Target_3XX_Count", "HTTPCode_Target_4XX_Count",
            "HTTPCode_Target_5XX_Count", "HealthyHostCount", "NewConnectionCount", "ProcessedBytes", "RejectedConnectionCount", "RequestCount",
            "RequestCountPerTarget", "TargetConnectionErrorCount", "TargetResponseTime", "TargetTLSNegotiationErrorCount", "UnHealthyHostCount",
        ],
        ["AWS/NetworkELB"] =
        [
            "ActiveFlowCount", "ActiveFlowCount_TCP", "ActiveFlowCount_TLS", "ActiveFlowCount_UDP", "ClientTLSNegotiationErrorCount",
            "ConsumedLCUs", "HealthyHostCount", "NewFlowCount", "NewFlowCount_TCP", "NewFlowCount_TLS", "NewFlowCount_UDP", "PeakPacketsPerSecond",
            "PortAllocationErrorCount", "ProcessedBytes", "ProcessedBytes_TCP", "ProcessedBytes_TLS", "ProcessedBytes_UDP", "ProcessedPackets",
            "TCP_Client_Reset_Count", "TCP_ELB_Reset_Count", "TCP_Target_Reset_Count", "TargetTLSNegotiationErrorCount", "UnHealthyHostCount",
        ],
        ["AWS/ELB"] =
        [
            "BackendConnectionErrors", "EstimatedALBActiveConnectionCount", "EstimatedALBConsumedLCUs", "EstimatedALBNewConnectionCount",
            "EstimatedProcessedBytes", "HTTPCode_Backend_2XX", "HTTPCode_Backend_3XX", "HTTPCode_Backend_4XX", "HTTPCode_Backend_5XX",
            "HTTPCode_ELB_4XX", "HTTPCode_ELB_5XX", "HealthyHostCount", "Latency", "RequestCount", "SpilloverCount", "SurgeQueueLength",
            "UnHealthyHostCount",
        ],
    };

    static readonly IReadOnlyDictionary<string, string> NamespaceOf = new Dictionary<string, string>
    {
        ["application"] = "AWS/ApplicationELB", ["network"] = "AWS/NetworkELB", ["classic"] = "AWS/ELB",
    };

    /// <summary>Balancer metrics measured on the way to or from a registered instance.</summary>
    static readonly string[] InstanceMetrics = ["AWS/ApplicationELB/TargetResponseTime", "AWS/ApplicationELB/RequestCountPerTarget", "AWS/ELB/Latency"];

    public string Id => "CW003";
    public Severity Severity => Severity.Error;
    public string Title => "Alarms watch metrics that can have data";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var forwarded = graph.Forwards.ToList();
        foreach (var alarm in graph.OfType(Types.Alarm))
        {
            var metricNamespace = Text(alarm.Inputs["namespace"]) ?? "";
            var metric = Text(alarm.Inputs["metricName"]) ?? "";
            var dimensions = alarm.Inputs["dimensions"];
            var balancer = graph.Referenced(Text(dimensions?["LoadBalancer"])) ?? graph.Referenced(Text(dimensions?["LoadBalancerName"]))
                ?? forwarded.Where(pair => Text(pair.TargetGroup.Outputs["arnSuffix"]) == Text(dimensions?["TargetGroup"]))
                    .Select(pair => graph.Referenced(Text(pair.Listener.Inputs["loadBalancerArn"]))).FirstOrDefault();
            if (balancer is { Type: Types.LoadBalancer or Types.ClassicLoadBalancer } && Published.ContainsKey(metricNamespace))
            {
                var type = BalancerType(balancer);
                var expected = NamespaceOf[type];
                if (expected != metricNamespace)
                    yield return new Finding(Id, Severity, [alarm.Urn, balancer.Urn],
                        $"{alarm.Name}: {metricNamespace}/{metric} watches {balancer.Name}, a {type} load balancer, which publishes in {expected} only; the alarm never sees data",
                        $"watch a metric of {expected}, or scale the tier on CPU");
                else if (!Published[expected].Contains(metric) && Published.Any(pair => pair.Value.Contains(metric)))
                    yield return new Finding(Id, Severity, [alarm.Urn, balancer.Urn],
                        $"{alarm.Name}: a {type} load balancer publishes no {metric} ({string.Join(", ", Published.Where(pair => pair.Value.Contains(metric)).Select(pair => pair.Key))} does); the alarm never sees data",
                        $"watch a metric of {expected}, or scale the tier on CPU");
            }

            if (metricNamespace is not ("AWS/EC2" or "CWAgent") && !InstanceMetrics.Contains($"{metricNamespace}/{metric}"))
                continue;
            foreach (var group in ScaledOutGroups(graph, alarm).Where(group => Number(group.Inputs["minSize"]) == 0))
                yield return new Finding(Id, Severity, [alarm.Urn, group.Urn],
                    $"{alarm.Name}: {metricNamespace}/{metric} has no data while {group.Name} has no instance, and at minSize 0 it may have none, so this scale-out never fires",
                    $"set infra:{group.Name}.minSize to 1 or more, or scale on a metric that exists without instances (a queue's backlog)");
        }
    }

    /// <summary>The groups whose step policies in the alarm's actions add instances.</summary>
    static IEnumerable<PlannedResource> ScaledOutGroups(PlanGraph graph, PlannedResource alarm) =>
        from action in Items(alarm.Inputs["alarmActions"])
        let policy = graph.Referenced(Text(action))
        where policy is { Type: Types.ScalingPolicy }
            && (Number(policy.Inputs["scalingAdjustment"]) > 0 || Items(policy.Inputs["stepAdjustments"]).Any(step => Number(step["scalingAdjustment"]) > 0))
        let scaled = graph.Named(Types.Group, Text(policy.Inputs["autoscalingGroupName"]))
        where scaled is not null
        select scaled;
}

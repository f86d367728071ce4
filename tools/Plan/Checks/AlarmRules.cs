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

using Infra.Plan.Checks;
using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Plan.Simulate;

public sealed record Step(double? Lower, double? Upper, int Adjustment);

/// <summary>Target tracking: the metric (backlog per instance, cpu, requests per target, or custom: not modelled) and its target.</summary>
public sealed record Tracking(string Metric, double Target)
{
    public const string Backlog = "backlog", Cpu = "cpu", Requests = "requests", Custom = "custom";

    public static Tracking? Of(System.Text.Json.Nodes.JsonNode? configuration)
    {
        if (configuration is null || !double.TryParse(Text(configuration["targetValue"]), System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out var target))
            return null;
        var metric = Text(configuration["predefinedMetricSpecification"]?["predefinedMetricType"]) switch
        {
            "ASGAverageCPUUtilization" => Cpu,
            "ALBRequestCountPerTarget" => Requests,
            _ when Items(configuration["customizedMetricSpecification"]?["metrics"]).Any(metric => Text(metric["expression"]) == Infra.Components.Compute.AutoScaledTier.BacklogExpression) => Backlog,
            _ => Custom,
        };
        return new Tracking(metric, target);
    }
}

/// <summary>A scaling policy as the plan registers it: step adjustments, or target tracking;
/// WarmupSeconds is its own estimatedInstanceWarmup, which overrides the group's default for what it launches.</summary>
public sealed record PolicyModel(string Name, string AdjustmentType, int? MinAdjustmentMagnitude, IReadOnlyList<Step> Steps, Tracking? Tracking,
    int? WarmupSeconds = null);

/// <summary>A CloudWatch alarm as registered, with the policy it invokes.</summary>
public sealed record AlarmModel(string Name, string Namespace, string Metric, string Statistic, int Period, int EvaluationPeriods, int DatapointsToAlarm,
    string Comparison, double Threshold, string TreatMissingData, PolicyModel? Policy)
{
    public bool Breaches(double value) => Comparison switch
    {
        "GreaterThanThreshold" => value > Threshold,
        "GreaterThanOrEqualToThreshold" => value >= Threshold,
        "LessThanThreshold" => value < Threshold,
        _ => value <= Threshold,
    };
}

public sealed record ScheduleModel(string Name, string Recurrence, string TimeZone, int? Min, int? Max, int? Desired);

/// <summary>One auto-scaling group and everything around it that decides its capacity, read from the planned graph.
/// WarmupSeconds: the group's default instance warm-up, else its default cooldown (AWS's fallback for step and
/// target-tracking policies), else 300 s.</summary>
public sealed record TierModel(string Name, bool Web, string InstanceType, bool DetailedMonitoring, int Min, int Max, int Desired, int WarmupSeconds,
    int HealthCheckInterval, int DeregistrationDelay, int DrainSeconds, IReadOnlyList<string> TerminationPolicies,
    IReadOnlyList<AlarmModel> Alarms, IReadOnlyList<PolicyModel> TargetTracking, IReadOnlyList<ScheduleModel> Schedules)
{
    public static IReadOnlyList<TierModel> From(PlanDocument plan)
    {
        var graph = new PlanGraph(plan);
        return [.. graph.OfType(Types.Group).Select(group => Of(graph, group))];
    }

    static TierModel Of(PlanGraph graph, PlannedResource group)
    {
        var name = Text(group.Inputs["name"]) ?? group.Name;
        bool Mine(PlannedResource resource) => Text(resource.Inputs["autoscalingGroupName"]) == name;
        var template = graph.LaunchTemplateOf(group);
        var targetGroup = Items(group.Inputs["targetGroupArns"]).Select(arn => graph.Referenced(Text(arn))).OfType<PlannedResource>().FirstOrDefault();
        var hook = graph.OfType("aws:autoscaling/lifecycleHook:LifecycleHook").FirstOrDefault(Mine);
        var classic = Items(group.Inputs["loadBalancers"]).Select(value => graph.Referenced(Text(value))).OfType<PlannedResource>().FirstOrDefault();
        var health = targetGroup?.Inputs["healthCheck"] ?? classic?.Inputs["healthCheck"];

        var policies = graph.OfType("aws:autoscaling/policy:Policy").Where(Mine).ToDictionary(policy => Text(policy.Outputs["arn"]) ?? policy.Name, policy => new PolicyModel(
            policy.Name, Text(policy.Inputs["adjustmentType"]) ?? "ChangeInCapacity", Number(policy.Inputs["minAdjustmentMagnitude"]),
            [.. Items(policy.Inputs["stepAdjustments"]).Select(step => new Step(Double(step["metricIntervalLowerBound"]), Double(step["metricIntervalUpperBound"]),
                Number(step["scalingAdjustment"]) ?? 0))],
            Tracking.Of(policy.Inputs["targetTrackingConfiguration"]), Number(policy.Inputs["estimatedInstanceWarmup"])));
        var alarms = graph.OfType(Types.Alarm).Select(alarm => (alarm, policy: Items(alarm.Inputs["alarmActions"]).Select(Text)
                .Select(arn => arn is null ? null : policies.GetValueOrDefault(arn)).FirstOrDefault(policy => policy is not null)))
            .Where(pair => pair.policy is not null)
            .Select(pair => new AlarmModel(pair.alarm.Name, Text(pair.alarm.Inputs["namespace"]) ?? "", Text(pair.alarm.Inputs["metricName"]) ?? "",
                Text(pair.alarm.Inputs["statistic"]) ?? "Average", Number(pair.alarm.Inputs["period"]) ?? 300, Number(pair.alarm.Inputs["evaluationPeriods"]) ?? 1,
                Number(pair.alarm.Inputs["datapointsToAlarm"]) ?? Number(pair.alarm.Inputs["evaluationPeriods"]) ?? 1,
                Text(pair.alarm.Inputs["comparisonOperator"]) ?? "GreaterThanThreshold", Double(pair.alarm.Inputs["threshold"]) ?? 0,
                Text(pair.alarm.Inputs["treatMissingData"]) ?? "missing", pair.policy)).ToList();
        var schedules = graph.OfType("aws:autoscaling/schedule:Schedule").Where(Mine).Select(schedule => new ScheduleModel(schedule.Name,
            Text(schedule.Inputs["recurrence"]) ?? "", Text(schedule.Inputs["timeZone"]) ?? "UTC", Number(schedule.Inputs["minSize"]),
            Number(schedule.Inputs["maxSize"]), Number(schedule.Inputs["desiredCapacity"]))).ToList();

        return new TierModel(group.Name, targetGroup is not null || classic is not null, Text(template?.Inputs["instanceType"]) ?? "t3.micro",
            Text(template?.Inputs["monitoring"]?["enabled"]) == "true", Number(group.Inputs["minSize"]) ?? 0, Number(group.Inputs["maxSize"]) ?? 1,
            Number(group.Inputs["desiredCapacity"]) ?? 1, Number(group.Inputs["defaultInstanceWarmup"]) ?? Number(group.Inputs["defaultCooldown"]) ?? 300,
            Number(health?["interval"]) ?? 30,
            Number(targetGroup?.Inputs["deregistrationDelay"]) ?? Number(classic?.Inputs["connectionDrainingTimeout"]) ?? 300, Number(hook?.Inputs["heartbeatTimeout"]) ?? 0,
            [.. Items(group.Inputs["terminationPolicies"]).Select(Text).OfType<string>()],
            alarms, [.. policies.Values.Where(policy => policy.Tracking is not null)], schedules);
    }

    static double? Double(System.Text.Json.Nodes.JsonNode? node) =>
        double.TryParse(Text(node), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>vCPUs by instance size (nano to large have 2 in the t3, m7i, c7g families).</summary>
    public int Vcpus => InstanceType.Split('.').Last() switch
    {
        "nano" or "micro" or "small" or "medium" or "large" => 2,
        "xlarge" => 4,
        var size when size.EndsWith("xlarge", StringComparison.Ordinal) && int.TryParse(size[..^"xlarge".Length], out var times) => 4 * times,
        _ => 2,
    };
}

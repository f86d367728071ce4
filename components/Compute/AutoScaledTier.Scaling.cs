using System.Globalization;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Compute;

/// <summary>How a tier scales: step policies driven by their alarms (which drive scaling only: no human is mailed on
/// their ALARM and OK), and target tracking on the balancer's requests per target, CPU, or the queue backlog per
/// instance. Both may be combined: Auto Scaling scales out when any policy asks and in only when all agree.</summary>
public sealed partial class AutoScaledTier
{
    sealed record Scaling(Dictionary<string, Output<string>> Policies, List<Output<string>> Alarms);

    Scaling Scale(string name, AutoScaledTierArgs args, Aws.AutoScaling.Group group)
    {
        var child = new CustomResourceOptions { Parent = this };
        var scaling = new Scaling([], []);
        foreach (var rule in args.ScalingRules)
        {
            var policy = new Aws.AutoScaling.Policy($"{name}-{rule.Name}", new Aws.AutoScaling.PolicyArgs
            {
                Name = $"{name}-{rule.Name}",
                AutoscalingGroupName = group.Name,
                PolicyType = "StepScaling",
                AdjustmentType = rule.AdjustmentType,
                MinAdjustmentMagnitude = rule.MinAdjustmentMagnitude!,
                MetricAggregationType = rule.MetricAggregationType,
                EstimatedInstanceWarmup = rule.EstimatedInstanceWarmupSeconds!,
                StepAdjustments = rule.Steps.Select(step => new Aws.AutoScaling.Inputs.PolicyStepAdjustmentArgs
                {
                    ScalingAdjustment = step.Adjustment,
                    MetricIntervalLowerBound = step.LowerBound?.ToString(CultureInfo.InvariantCulture)!,
                    MetricIntervalUpperBound = step.UpperBound?.ToString(CultureInfo.InvariantCulture)!,
                }).ToArray(),
            }, child);
            scaling.Policies[rule.Name] = policy.Arn;

            foreach (var (suffix, dimensions) in Dimensions(rule, group, args))
            {
                var alarmName = $"{name}-{rule.Name}{suffix}";
                var alarm = new Aws.CloudWatch.MetricAlarm(alarmName, new Aws.CloudWatch.MetricAlarmArgs
                {
                    AlarmDescription = $"{rule.Metric.Namespace}/{rule.Metric.Name} {rule.Comparison} {rule.Threshold}: step scaling of {name}",
                    Namespace = rule.Metric.Namespace,
                    MetricName = rule.Metric.Name,
                    Dimensions = dimensions,
                    Statistic = rule.Statistic,
                    Period = rule.PeriodSeconds,
                    EvaluationPeriods = rule.EvaluationPeriods,
                    ComparisonOperator = rule.Comparison,
                    Threshold = rule.Threshold,
                    TreatMissingData = rule.TreatMissingData,
                    AlarmActions = { policy.Arn },
                    Tags = Tagging.Named(args.Tags, alarmName),
                }, child);
                scaling.Alarms.Add(alarm.Name);
            }
        }

        if (args.BacklogTarget is { } backlog)
            scaling.Policies["backlog"] = BacklogTracking(name, backlog, args.Queue ?? throw Wiring.Missing(nameof(args.Queue)), group).Arn;
        if (args.TargetTracking is { } tracking)
            scaling.Policies[tracking.PolicyName] = new Aws.AutoScaling.Policy($"{name}-{tracking.PolicyName}", new Aws.AutoScaling.PolicyArgs
            {
                Name = $"{name}-{tracking.PolicyName}",
                AutoscalingGroupName = group.Name,
                PolicyType = "TargetTrackingScaling",
                EstimatedInstanceWarmup = args.DefaultInstanceWarmupSeconds,
                TargetTrackingConfiguration = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationArgs
                {
                    TargetValue = tracking.Target,
                    PredefinedMetricSpecification = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationPredefinedMetricSpecificationArgs
                    {
                        PredefinedMetricType = tracking.PredefinedMetricType,
                        ResourceLabel = tracking.Metric == TrackedMetric.RequestsPerTarget ? RequestLabel(args) : null!,
                    },
                },
            }, child).Arn;
        return scaling;
    }

    /// <summary>ALBRequestCountPerTarget names one target group as app/&lt;balancer&gt;/&lt;id&gt;/targetgroup/&lt;name&gt;/&lt;id&gt;:
    /// the first that receives traffic (by port).</summary>
    static Output<string> RequestLabel(AutoScaledTierArgs args)
    {
        var balancer = args.LoadBalancerArnSuffix ?? throw Wiring.Missing(nameof(args.LoadBalancerArnSuffix));
        var targetGroup = args.TargetGroupArnSuffixes?.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value).FirstOrDefault()
            ?? throw Wiring.Missing(nameof(args.TargetGroupArnSuffixes));
        return Output.Format($"{balancer}/{targetGroup}");
    }

    /// <summary>Target tracking's own scale-out alarm waits for 3 one-minute data points.</summary>
    const int TargetTrackingAlarmSeconds = 3 * 60;

    internal static int? ReactionSeconds(AutoScaledTierArgs args) =>
        args.ScalingRules.Where(rule => rule.ScalesOut)
            .Select(rule => rule.PeriodSeconds * rule.EvaluationPeriods + (rule.EstimatedInstanceWarmupSeconds ?? args.DefaultInstanceWarmupSeconds))
            .Concat(args.BacklogTarget is null && args.TargetTracking is null ? [] : [TargetTrackingAlarmSeconds + args.DefaultInstanceWarmupSeconds])
            .Cast<int?>().Min();

    /// <summary>Jobs per in-service instance, counting those in progress (not visible) with those waiting: on visible
    /// messages alone a group that keeps up sees an empty queue, scales in below the work it does and falls behind again.</summary>
    public const string BacklogExpression = "(visible + inFlight) / instances";

    /// <summary>AWS's recommended worker scaling: keep the backlog per in-service instance at the target (metric math over
    /// the queue and the group's own GroupInServiceInstances, which the group publishes).</summary>
    Aws.AutoScaling.Policy BacklogTracking(string name, BacklogTargetArgs backlog, QueueAccess queue, Aws.AutoScaling.Group group)
    {
        Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricArgs Metric(
            string id, string metricNamespace, string metricName, string dimension, Input<string> value, string stat) => new()
        {
            Id = id,
            ReturnData = false,
            MetricStat = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatArgs
            {
                Stat = stat,
                Metric = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatMetricArgs
                {
                    Namespace = metricNamespace,
                    MetricName = metricName,
                    Dimensions =
                    {
                        new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArgs
                        {
                            Name = dimension, Value = value,
                        },
                    },
                },
            },
        };

        return new Aws.AutoScaling.Policy($"{name}-backlog", new Aws.AutoScaling.PolicyArgs
        {
            Name = $"{name}-backlog",
            AutoscalingGroupName = group.Name,
            PolicyType = "TargetTrackingScaling",
            TargetTrackingConfiguration = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationArgs
            {
                TargetValue = backlog.BacklogPerInstance,
                CustomizedMetricSpecification = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationArgs
                {
                    Metrics =
                    {
                        Metric("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue.Name, "Sum"),
                        Metric("inFlight", "AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", queue.Name, "Sum"),
                        Metric("instances", "AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", group.Name, "Average"),
                        new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricArgs
                        {
                            Id = "backlog", Label = "Jobs waiting or in progress per in-service instance", Expression = BacklogExpression, ReturnData = true,
                        },
                    },
                },
            },
        }, new CustomResourceOptions { Parent = this });
    }

    /// <summary>The alarms a rule needs, each with its name suffix: one for group metrics, one per target group that
    /// receives traffic for load-balancer metrics (a group that gets none reports nothing, so its alarm never fires).</summary>
    static IEnumerable<(string Suffix, InputMap<string> Dimensions)> Dimensions(ScalingRule rule, Aws.AutoScaling.Group group, AutoScaledTierArgs args)
    {
        if (rule.Metric.Dimensions is { } given)
            return [("", (InputMap<string>)given.ToDictionary(pair => pair.Key, pair => pair.Value))];
        if (rule.Metric.Namespace == "AWS/ELB")
            return [("", new InputMap<string> { { "LoadBalancerName", args.ClassicLoadBalancerName ?? throw Wiring.Missing(nameof(args.ClassicLoadBalancerName)) } })];
        if (rule.Metric.Namespace == "AWS/SQS")
            return [("", new InputMap<string> { { "QueueName", args.Queue?.Name ?? throw Wiring.Missing(nameof(args.Queue)) } })];
        if (rule.Metric.Namespace != "AWS/ApplicationELB")
            return [("", new InputMap<string> { { "AutoScalingGroupName", group.Name } })];
        var loadBalancer = args.LoadBalancerArnSuffix ?? throw BehindNoBalancer(rule);
        var targetGroups = args.TargetGroupArnSuffixes is { Count: > 0 } suffixes ? suffixes : throw BehindNoBalancer(rule);
        return targetGroups.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair =>
            (targetGroups.Count == 1 ? "" : $"-{pair.Key}", new InputMap<string> { { "TargetGroup", pair.Value }, { "LoadBalancer", loadBalancer } }));
    }

    static ArgumentException BehindNoBalancer(ScalingRule rule) =>
        new($"scaling rule '{rule.Name}' watches a load-balancer metric, but the tier has no TargetGroupArnSuffixes and LoadBalancerArnSuffix");
}

using System.Net.Mail;
using Infra.Components.Shared;
using Pulumi;

namespace Infra.Components.Compute;

/// <summary>One step: the adjustment applied while the metric is between the bounds, which are relative
/// to the alarm threshold (null is unbounded).</summary>
public sealed record StepArgs(double? LowerBound, double? UpperBound, int Adjustment);

/// <summary>A CloudWatch metric; dimensions are filled in by the tier for its own metrics.</summary>
public sealed record MetricArgs(string Namespace, string Name, IReadOnlyDictionary<string, string>? Dimensions = null);

/// <summary>An alarm and the step-scaling policy it triggers.</summary>
public sealed record ScalingRule
{
    public static readonly IReadOnlyList<string> Comparisons =
        ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];
    public static readonly IReadOnlyList<string> AdjustmentTypes = ["ChangeInCapacity", "PercentChangeInCapacity", "ExactCapacity"];
    public static readonly IReadOnlyList<string> Statistics = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];
    public static readonly IReadOnlyList<string> MissingData = ["missing", "ignore", "breaching", "notBreaching"];

    /// <summary>Names the alarm and the policy (e.g. cpu-high).</summary>
    public required string Name { get; init; }

    public required MetricArgs Metric { get; init; }
    public string Statistic { get; init; } = "Average";
    public required string Comparison { get; init; }
    public required double Threshold { get; init; }
    public int PeriodSeconds { get; init; } = 300;
    public int EvaluationPeriods { get; init; } = 2;
    public string TreatMissingData { get; init; } = "missing";
    public string AdjustmentType { get; init; } = "ChangeInCapacity";

    /// <summary>Only with PercentChangeInCapacity: the smallest number of instances a step changes.</summary>
    public int? MinAdjustmentMagnitude { get; init; }

    public required IReadOnlyList<StepArgs> Steps { get; init; }
    public string MetricAggregationType { get; init; } = "Average";
    public int? EstimatedInstanceWarmupSeconds { get; init; }

    internal bool ScalesOut => Steps.Any(step => step.Adjustment > 0);
    internal bool BreachesUpward => Comparison.StartsWith("Greater", StringComparison.Ordinal);

    public static MetricArgs Cpu => new("AWS/EC2", "CPUUtilization");

    /// <summary>Add one instance while the group's average CPU is at or above the threshold.</summary>
    public static ScalingRule CpuHigh(double percent = 70, int periodSeconds = 300) => new()
    {
        Name = "cpu-high", Metric = Cpu, Comparison = "GreaterThanOrEqualToThreshold", Threshold = percent,
        PeriodSeconds = periodSeconds, EvaluationPeriods = 2, Steps = [new(0, null, 1)],
    };

    /// <summary>Remove one instance while the group's average CPU stays below the threshold.</summary>
    public static ScalingRule CpuLow(double percent = 30, int periodSeconds = 300) => new()
    {
        Name = "cpu-low", Metric = Cpu, Comparison = "LessThanThreshold", Threshold = percent,
        PeriodSeconds = periodSeconds, EvaluationPeriods = 3, Steps = [new(null, 0, -1)],
    };

    /// <summary>Add one instance while the balancer's average response time is over the threshold; an idle
    /// balancer reports nothing, which is not a breach.</summary>
    public static ScalingRule LatencyHigh(double seconds = 1.0, int periodSeconds = 60) => new()
    {
        Name = "latency-high", Metric = new MetricArgs("AWS/ApplicationELB", "TargetResponseTime"),
        Comparison = "GreaterThanThreshold", Threshold = seconds, PeriodSeconds = periodSeconds, EvaluationPeriods = 3,
        TreatMissingData = "notBreaching", Steps = [new(0, null, 1)],
    };

    /// <summary>Jobs waiting in the tier's SQS queue (the tier fills in QueueName); SQS publishes it every minute.</summary>
    public static MetricArgs QueueBacklog => new("AWS/SQS", "ApproximateNumberOfMessagesVisible");

    /// <summary>The seeds' job servers: one more while more than 20 jobs have waited for 2 minutes.</summary>
    public static ScalingRule QueueHigh(double jobs = 20, int minutes = 2, MetricArgs? metric = null) => new()
    {
        Name = "queue-high", Metric = metric ?? QueueBacklog, Comparison = "GreaterThanThreshold", Threshold = jobs,
        PeriodSeconds = 60, EvaluationPeriods = minutes, TreatMissingData = "notBreaching", Steps = [new(0, null, 1)],
    };

    /// <summary>One fewer once fewer than 5 jobs have waited for 45 minutes: one-minute periods, so the minutes are
    /// exactly the evaluation periods. No data (an idle queue SQS stopped reporting) counts as low.</summary>
    public static ScalingRule QueueLow(double jobs = 5, int minutes = 45, MetricArgs? metric = null) => new()
    {
        Name = "queue-low", Metric = metric ?? QueueBacklog, Comparison = "LessThanThreshold", Threshold = jobs,
        PeriodSeconds = 60, EvaluationPeriods = minutes, TreatMissingData = "breaching", Steps = [new(null, 0, -1)],
    };
}

public enum TrackedMetric
{
    /// <summary>ALBRequestCountPerTarget: requests per minute per registered target (application balancers only).</summary>
    RequestsPerTarget,
    /// <summary>ASGAverageCPUUtilization: the group's average CPU percentage.</summary>
    Cpu,
}

/// <summary>Target tracking on a predefined metric: Auto Scaling creates and owns its alarms (out after 3 minutes
/// above the target, in after 15 below 90 % of it).</summary>
public sealed record TargetTrackingArgs(TrackedMetric Metric, double Target)
{
    public string PredefinedMetricType => Metric == TrackedMetric.Cpu ? "ASGAverageCPUUtilization" : "ALBRequestCountPerTarget";
    public string PolicyName => Metric == TrackedMetric.Cpu ? "cpu-target" : "requests-target";
}

public sealed record ScheduleArgs(string Name, string Recurrence, string TimeZone, int Min, int Max, int Desired);

public sealed record NotificationArgs
{
    /// <summary>An existing topic (e.g. another tier's); a new one is created when null.</summary>
    public Output<string>? TopicArn { get; init; }

    /// <summary>A customer-managed KMS key for the new topic. Not the AWS-managed alias/aws/sns: CloudWatch
    /// alarms and Auto Scaling cannot publish to a topic encrypted with it.</summary>
    public string? KmsKeyId { get; init; }

    public IReadOnlyList<string> Emails { get; init; } = [];

    public void Validate(Checks checks)
    {
        foreach (var (email, index) in Emails.Select((email, index) => (email, index)))
            checks.Require(IsEmail(email), $"emails[{index}]", email, "must be an email address such as ops@example.com");
        if (KmsKeyId is { } key)
            checks.Require(!key.EndsWith("alias/aws/sns", StringComparison.Ordinal), "kmsKeyId", key,
                "must be a customer-managed key: CloudWatch alarms and Auto Scaling cannot publish to a topic encrypted with alias/aws/sns");
    }

    static bool IsEmail(string email) =>
        MailAddress.TryCreate(email, out var address) && address.Address == email && email.Contains('.', StringComparison.Ordinal);
}

using System.Collections.Immutable;
using Cronos;
using System.Text.RegularExpressions;
using Infra.Components.Shared;
using Pulumi;

namespace Infra.Components.Compute;

public enum TierKind
{
    /// <summary>Behind the load balancer: ELB health checks, registered in the target groups.</summary>
    Web,
    /// <summary>Background jobs: EC2 health checks, no load balancer.</summary>
    Worker,
}

/// <summary>The image: a pinned id, or a Systems Manager parameter that EC2 resolves at each launch. Either way the
/// launch template stays the same when AWS publishes a new image, so no deploy rolls the instances by surprise.</summary>
public sealed record AmiArgs
{
    public const string AmazonLinux2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}";

    public string? Id { get; init; }

    /// <summary>Used when no id is pinned; {arch} becomes x86_64 or arm64 to match the instance type.</summary>
    public string SsmParameter { get; init; } = AmazonLinux2023;

    /// <summary>The launch template's imageId: the id, or the resolve:ssm: form EC2 accepts there.</summary>
    public string ImageReference(string architecture) => Id ?? $"resolve:ssm:{SsmParameter.Replace("{arch}", architecture)}";
}

/// <summary>What a tier does with the job queue: the workers consume it, the web servers only send to it.</summary>
public enum QueueUse
{
    Consume,
    Send,
}

/// <summary>The job queue a tier uses: its instances get QUEUE_URL and exactly the permissions of their use.</summary>
public sealed record QueueAccess(Output<string> Arn, Output<string> Url, Output<string> Name, string? KmsKeyArn, QueueUse Use)
{
    /// <summary>The dead-letter queue: a consumer alarms (to its notifications) when a job lands there.</summary>
    public Output<string>? DeadLetterName { get; init; }
}

/// <summary>Target tracking on the jobs waiting or in progress per in-service instance (AWS recommends backlog per instance for workers).</summary>
public sealed record BacklogTargetArgs(double BacklogPerInstance);

public sealed record UserDataArgs
{
    public string? DbHost { get; init; }
    public Output<string>? AssetHost { get; init; }
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

public sealed record AutoScaledTierArgs
{
    public static readonly IReadOnlyList<string> AllTerminationPolicies =
    [
        "OldestInstance", "NewestInstance", "OldestLaunchTemplate", "OldestLaunchConfiguration", "ClosestToNextInstanceHour",
        "AllocationStrategy", "Default",
    ];

    /// <summary>Variables the tier writes to /etc/app/app.env itself.</summary>
    public static readonly IReadOnlyList<string> ReservedEnvironment = ["ROLE", "DB_HOST", "ASSET_HOST", "QUEUE_URL", "ASG_NAME", "LIFECYCLE_HOOK"];

    public required TierKind Kind { get; init; }

    // Wiring from the network and load balancer; required to build, not part of the validated configuration.
    public Output<ImmutableArray<string>>? SubnetIds { get; init; }
    public Output<string>? SecurityGroupId { get; init; }

    /// <summary>Web: the target groups the instances join once healthy (application and network balancers).</summary>
    public Output<ImmutableArray<string>>? TargetGroupArns { get; init; }

    /// <summary>Web: the classic balancers the group attaches its instances to, by name.</summary>
    public Output<ImmutableArray<string>>? LoadBalancerNames { get; init; }

    /// <summary>Web behind a classic balancer: the LoadBalancerName dimension of AWS/ELB alarms.</summary>
    public Output<string>? ClassicLoadBalancerName { get; init; }

    /// <summary>Web: the TargetGroup dimension of load-balancer alarms, one alarm per group that receives traffic,
    /// keyed by a short name (the target port).</summary>
    public IReadOnlyDictionary<string, Output<string>>? TargetGroupArnSuffixes { get; init; }
    public Output<string>? LoadBalancerArnSuffix { get; init; }

    /// <summary>The job queue this tier sends to or consumes; its alarms' AWS/SQS metrics get the queue's name.</summary>
    public QueueAccess? Queue { get; init; }

    /// <summary>Workers: scale by target tracking on backlog per instance instead of step rules.</summary>
    public BacklogTargetArgs? BacklogTarget { get; init; }

    /// <summary>Target tracking on a predefined metric (requests per target, CPU), beside any step rules.</summary>
    public TargetTrackingArgs? TargetTracking { get; init; }

    /// <summary>Several instance types and Spot instead of the one instance type on demand.</summary>
    public MixedInstancesArgs? MixedInstances { get; init; }

    public RolloutArgs Rollout { get; init; } = new();

    public AmiArgs Ami { get; init; } = new();
    public string InstanceType { get; init; } = "t3.micro";

    /// <summary>Burstable types: standard (throttled to the baseline once credits are spent) or unlimited (surplus
    /// billed per vCPU-hour). Set on the launch template explicitly; ignored for other types.</summary>
    public string CreditSpecification { get; init; } = CpuCredits.Standard;
    public string? KeyName { get; init; }
    public int RootVolumeGb { get; init; } = 20;
    public bool DetailedMonitoring { get; init; }

    public int MinSize { get; init; } = 1;
    public int MaxSize { get; init; } = 3;
    public int DesiredCapacity { get; init; } = 1;
    public int HealthCheckGracePeriodSeconds { get; init; } = 300;
    public int DefaultCooldownSeconds { get; init; } = 120;
    public int DefaultInstanceWarmupSeconds { get; init; } = 120;
    public IReadOnlyList<string> TerminationPolicies { get; init; } = ["OldestLaunchTemplate", "OldestInstance"];
    public int InstanceRefreshMinHealthyPercentage { get; init; } = 90;

    /// <summary>Seconds a terminating instance may drain before it goes (lifecycle hook heartbeat).</summary>
    public int TerminationDrainSeconds { get; init; } = 300;

    /// <summary>Replace instances older than this many seconds; never when null.</summary>
    public int? MaxInstanceLifetimeSeconds { get; init; }

    public UserDataArgs UserData { get; init; } = new();
    public IReadOnlyList<ScalingRule> ScalingRules { get; init; } = [];
    public IReadOnlyList<ScheduleArgs> Schedules { get; init; } = [];
    public NotificationArgs? Notifications { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The form of an instance type's name (family, generation, options, a dot, a size).</summary>
    public const string InstanceTypePattern = @"^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9-]+$";

    /// <summary>The catalogue's architecture; for a type it does not list, Graviton naming (t4g, m7g, c7gn: a g
    /// after the generation) means arm64.</summary>
    public string Architecture => ArchitectureOf(InstanceType);

    internal static string ArchitectureOf(string instanceType) => InstanceTypes.Find(instanceType)?.Architecture
        ?? (Regex.IsMatch(instanceType, @"^[a-z]+\d+[a-z]*g[a-z]*\.") ? "arm64" : "x86_64");

    /// <summary>How image names spell each architecture (Amazon Linux x86_64/arm64, Ubuntu amd64, Bottlerocket aarch64).</summary>
    static readonly IReadOnlyDictionary<string, string[]> ArchitectureSpellings = new Dictionary<string, string[]>
    {
        ["x86_64"] = ["x86_64", "amd64"],
        ["arm64"] = ["arm64", "aarch64"],
    };

    public IReadOnlyList<Problem> Validate(string scope)
    {
        var checks = new Checks(scope);
        checks.Require(MinSize >= 0, "minSize", MinSize, "must be 0 or more");
        checks.Require(MaxSize is >= 1 and <= 1000, "maxSize", MaxSize, "must be between 1 and 1000");
        checks.Require(MinSize <= DesiredCapacity && DesiredCapacity <= MaxSize, "desiredCapacity", DesiredCapacity,
            $"must satisfy minSize ({MinSize}) <= desiredCapacity <= maxSize ({MaxSize})");
        checks.Require(Regex.IsMatch(InstanceType, InstanceTypePattern), "instanceType", InstanceType,
            "must be an EC2 instance type such as t3.micro or m7g.large");
        checks.Require(CpuCredits.Modes.Contains(CreditSpecification), "creditSpecification", CreditSpecification,
            $"must be one of {string.Join(", ", CpuCredits.Modes)}");
        if (Ami.Id is { } id)
        {
            checks.Require(Regex.IsMatch(id, "^ami-([0-9a-f]{8}|[0-9a-f]{17})$"), "ami.id", id, "must be an AMI id such as ami-0123456789abcdef0");
            checks.Require(Ami.SsmParameter == AmiArgs.AmazonLinux2023, "ami.ssmParameter", Ami.SsmParameter,
                "cannot be given with ami.id: pin an image or name a parameter, not both");
        }
        else
        {
            checks.Require(Regex.IsMatch(Ami.SsmParameter, @"^/[A-Za-z0-9_.\-/{}]+$"), "ami.ssmParameter", Ami.SsmParameter,
                "must be a Systems Manager parameter name such as /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}");
            var other = Architecture == "arm64" ? "x86_64" : "arm64";
            checks.Require(!ArchitectureSpellings[other].Any(spelling => Ami.SsmParameter.Contains(spelling, StringComparison.Ordinal)),
                "ami.ssmParameter", Ami.SsmParameter,
                $"names {other} images but {InstanceType} runs {Architecture}: choose an {Architecture} image or use {{arch}} in the name");
        }

        if (KeyName is { } key)
            checks.Require(Regex.IsMatch(key, @"^[\x20-\x7E]{1,255}$"), "keyName", key, "must be an EC2 key pair name (printable ASCII)");
        checks.InRange("rootVolumeGb", RootVolumeGb, 8, 16384);
        checks.InRange("healthCheckGracePeriodSeconds", HealthCheckGracePeriodSeconds, 0, 7200);
        checks.InRange("defaultCooldownSeconds", DefaultCooldownSeconds, 0, 3600);
        checks.InRange("defaultInstanceWarmupSeconds", DefaultInstanceWarmupSeconds, 0, 3600);
        checks.InRange("instanceRefreshMinHealthyPercentage", InstanceRefreshMinHealthyPercentage, 0, 100);
        checks.InRange("terminationDrainSeconds", TerminationDrainSeconds, 30, 7200);
        if (MaxInstanceLifetimeSeconds is { } lifetime)
            checks.Require(lifetime == 0 || lifetime is >= 86400 and <= 31536000, "maxInstanceLifetimeSeconds", lifetime,
                "must be 0 (off) or between 86400 (1 day) and 31536000 (365 days)");
        checks.Require(TerminationPolicies.Count > 0, "terminationPolicies", TerminationPolicies, "needs at least one policy");
        foreach (var (policy, index) in TerminationPolicies.Select((policy, index) => (policy, index)).Where(pair => !AllTerminationPolicies.Contains(pair.policy)))
            checks.Add($"terminationPolicies[{index}]", policy, $"must be one of {string.Join(", ", AllTerminationPolicies)}");

        foreach (var name in UserData.Environment.Keys.Intersect(ReservedEnvironment))
            checks.Add($"userData.environment.{name}", name, $"is set by the tier itself ({string.Join(", ", ReservedEnvironment)})");
        foreach (var (name, _) in UserData.Environment.Where(pair => !Regex.IsMatch(pair.Key, "^[A-Z_][A-Z0-9_]*$")))
            checks.Add($"userData.environment.{name}", name, "names must be upper-case shell variable names (A-Z, 0-9, _)");
        foreach (var (name, value) in UserData.Environment.Where(pair => pair.Value.Any(char.IsControl)))
            checks.Add($"userData.environment.{name}", value, "values are written to /etc/app/app.env: no line breaks or other control characters");
        if (UserData.DbHost is { } dbHost)
            checks.Require(!dbHost.Any(char.IsControl) && dbHost.Length > 0, "userData.dbHost", dbHost,
                "is written to /etc/app/app.env: a host name without line breaks or other control characters");

        ValidateRules(checks);
        ValidateSchedules(checks);
        if (BacklogTarget is { } backlog)
        {
            checks.Require(double.IsFinite(backlog.BacklogPerInstance) && backlog.BacklogPerInstance > 0, "backlogPerInstance",
                backlog.BacklogPerInstance, "must be a positive number of messages per instance");
            // The metric divides by in-service instances: with none it has no value and the group never scales out.
            checks.Require(MinSize >= 1, "minSize", MinSize, "must be at least 1 when scaling on backlog per instance");
        }

        if (TargetTracking is { } tracking)
        {
            checks.Require(double.IsFinite(tracking.Target) && tracking.Target > 0 && (tracking.Metric != TrackedMetric.Cpu || tracking.Target <= 100),
                "targetTracking.target", tracking.Target, tracking.Metric == TrackedMetric.Cpu ? "must be a CPU percentage above 0, at most 100" : "must be above 0");
            if (tracking.Metric == TrackedMetric.RequestsPerTarget)
                checks.Require(Kind == TierKind.Web, "targetTracking.metric", "requestCountPerTarget",
                    "is the balancer's metric of the web tier (ALBRequestCountPerTarget); use cpu");
        }

        MixedInstances?.Validate(checks.Scoped("mixedInstances"), InstanceType, Architecture, MaxSize);
        Rollout.Validate(checks.Scoped("instanceRefresh"));
        Notifications?.Validate(checks.Scoped("notifications"));
        return checks.Problems;
    }

    void ValidateRules(Checks checks)
    {
        foreach (var duplicate in ScalingRules.GroupBy(rule => rule.Name).Where(group => group.Count() > 1))
            checks.Add("scalingRules", duplicate.Key, "rule names must be unique");
        // On one metric, scaling in above the scale-out threshold would add and remove instances in turn.
        foreach (var scaleIn in ScalingRules.Where(rule => !rule.ScalesOut))
            foreach (var scaleOut in ScalingRules.Where(rule => rule.ScalesOut && rule.Metric == scaleIn.Metric && rule.Threshold <= scaleIn.Threshold))
                checks.Add($"scalingRules.{scaleIn.Name}.threshold", scaleIn.Threshold,
                    $"must be below the threshold of {scaleOut.Name} ({scaleOut.Threshold}), or the group scales out and in in turn");
        foreach (var rule in ScalingRules)
        {
            var at = checks.Scoped($"scalingRules.{rule.Name}");
            at.Require(Regex.IsMatch(rule.Name, "^[a-z0-9][a-z0-9-]{0,62}$"), "name", rule.Name, "must be lower-case letters, digits and dashes");
            at.OneOf("comparison", rule.Comparison, [.. ScalingRule.Comparisons]);
            at.OneOf("statistic", rule.Statistic, [.. ScalingRule.Statistics]);
            at.OneOf("treatMissingData", rule.TreatMissingData, [.. ScalingRule.MissingData]);
            at.OneOf("metricAggregationType", rule.MetricAggregationType, ["Average", "Minimum", "Maximum"]);
            at.Require(double.IsFinite(rule.Threshold), "threshold", rule.Threshold, "must be a finite number");
            at.Require(rule.Metric.Namespace.Length > 0 && rule.Metric.Name.Length > 0, "metric", $"{rule.Metric.Namespace}/{rule.Metric.Name}",
                "needs a namespace and a metric name");
            ValidatePeriod(at, rule);
            // PutMetricAlarm: period x evaluation periods at most 1 day for periods under an hour, else 7 days.
            var longest = rule.PeriodSeconds < 3600 ? 86_400 : 604_800;
            at.Require(rule.EvaluationPeriods >= 1 && (long)rule.PeriodSeconds * rule.EvaluationPeriods <= longest, "evaluationPeriods",
                rule.EvaluationPeriods, $"must be 1 or more, and periodSeconds x evaluationPeriods at most {longest} s");
            if (at.OneOf("adjustmentType", rule.AdjustmentType, [.. ScalingRule.AdjustmentTypes]) && rule.MinAdjustmentMagnitude is { } magnitude)
            {
                at.Require(rule.AdjustmentType == "PercentChangeInCapacity", "minAdjustmentMagnitude", magnitude,
                    "only applies to PercentChangeInCapacity");
                at.Require(magnitude >= 1, "minAdjustmentMagnitude", magnitude, "must be 1 or more");
            }

            if (rule.EstimatedInstanceWarmupSeconds is { } warmup)
                at.InRange("estimatedInstanceWarmupSeconds", warmup, 0, 3600);
            ValidateSteps(at, rule);
        }
    }

    void ValidatePeriod(Checks at, ScalingRule rule)
    {
        if (MetricResolution.PeriodProblem(rule.Metric.Namespace, rule.PeriodSeconds, DetailedMonitoring) is { } problem)
            at.Add("periodSeconds", rule.PeriodSeconds, problem);
    }

    static void ValidateSteps(Checks at, ScalingRule rule)
    {
        if (rule.Steps.Count == 0)
        {
            at.Add("steps", "[]", "needs at least one step");
            return;
        }

        var ordered = rule.Steps.OrderBy(step => step.LowerBound ?? double.NegativeInfinity).ToList();
        var describe = string.Join(" ", ordered.Select(step => $"[{step.LowerBound?.ToString() ?? "-inf"}, {step.UpperBound?.ToString() ?? "+inf"}): {step.Adjustment:+0;-0;0}"));
        for (var i = 0; i < ordered.Count; i++)
        {
            var step = ordered[i];
            if (step.LowerBound is { } lower && step.UpperBound is { } upper && upper <= lower)
                at.Add("steps", describe, "each step's upper bound must be above its lower bound");
            if (i > 0 && ordered[i - 1].UpperBound != step.LowerBound)
                at.Add("steps", describe, "steps must be contiguous and must not overlap: each lower bound is the previous upper bound");
        }

        var first = ordered[0].LowerBound;
        var last = ordered[^1].UpperBound;
        if (rule.BreachesUpward && (first != 0 || last is not null))
            at.Add("steps", describe, "for a Greater... alarm the steps must cover [0, +inf) above the threshold");
        if (!rule.BreachesUpward && (last != 0 || first is not null))
            at.Add("steps", describe, "for a Less... alarm the steps must cover (-inf, 0] below the threshold");
        if (rule.AdjustmentType == "ExactCapacity" && rule.Steps.Any(step => step.Adjustment < 0))
            at.Add("steps", describe, "ExactCapacity steps give a capacity, which cannot be negative");
    }

    void ValidateSchedules(Checks checks)
    {
        foreach (var (schedule, index) in Schedules.Select((schedule, index) => (schedule, index)))
        {
            var at = checks.Scoped($"schedules[{index}]");
            at.Require(Regex.IsMatch(schedule.Name, "^[A-Za-z0-9][A-Za-z0-9-]{0,62}$"), "name", schedule.Name, "must be letters, digits and dashes");
            if (Schedules.Take(index).Any(earlier => earlier.Name == schedule.Name))
                at.Add("name", schedule.Name, "schedule names must be unique");
            // AWS recurrences are Unix cron: minute 0-59, hour 0-23, day 1-31, month 1-12 or JAN-DEC, weekday 0-6 or SUN-SAT.
            at.Require(Regex.IsMatch(schedule.Recurrence, @"^(\S+\s+){4}\S+$") && Regex.IsMatch(schedule.Recurrence, @"^[0-9*/,\-\sA-Za-z]+$")
                    && CronExpression.TryParse(schedule.Recurrence, CronFormat.Standard, out _),
                "recurrence", schedule.Recurrence,
                "must be a five-field cron expression (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-6) such as '0 8 * * MON-FRI'");
            at.Require(IsTimeZone(schedule.TimeZone), "timeZone", schedule.TimeZone, "must be an IANA time zone such as Europe/Berlin or UTC");
            // A scheduled action sets the group's bounds while it is active, so it may go beyond the group's own
            // (PutScheduledUpdateGroupAction): only its own min <= desired <= max must hold.
            at.Require(schedule.Min <= schedule.Max, "maxSize", schedule.Max, $"must be at least the schedule's minSize ({schedule.Min})");
            if (schedule.Min <= schedule.Max)
                at.Require(schedule.Min <= schedule.Desired && schedule.Desired <= schedule.Max, "desiredCapacity", schedule.Desired,
                    $"must satisfy the schedule's minSize ({schedule.Min}) <= desiredCapacity <= maxSize ({schedule.Max})");
        }
    }

    static bool IsTimeZone(string zone) =>
        zone.Length > 0 && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var found) && (found.HasIanaId || zone == "UTC");

}

using Infra.Components.Compute;
using Infra.Components.Shared;

namespace Infra.Configuration;

/// <summary>infra:web and infra:worker: the same tier settings, with alarm thresholds for the web tier and
/// the queue backlog rule for the workers.</summary>
public static class TierConfig
{
    public static AutoScaledTierArgs Read(Section section, TierKind kind, EnvironmentKind environment, IReadOnlyDictionary<string, string> tags)
    {
        var prod = environment == EnvironmentKind.Prod;
        var defaults = new AutoScaledTierArgs { Kind = kind };
        var ami = section.Object("ami");
        var detailed = section.Bool("detailedMonitoring", prod);
        var minSize = section.Int("minSize", prod && kind == TierKind.Web ? 2 : 1);
        var args = new AutoScaledTierArgs
        {
            Kind = kind,
            InstanceType = section.String("instanceType", prod ? "m7i.large" : "t3.small"),
            KeyName = section.OptionalString("keyName"),
            RootVolumeGb = section.Int("rootVolumeGb", defaults.RootVolumeGb),
            DetailedMonitoring = detailed,
            MinSize = minSize,
            MaxSize = section.Int("maxSize", kind == TierKind.Worker ? minSize + 2 : prod ? 6 : 3),
            DesiredCapacity = section.Int("desiredCapacity", minSize),
            HealthCheckGracePeriodSeconds = section.Int("healthCheckGracePeriodSeconds", defaults.HealthCheckGracePeriodSeconds),
            DefaultCooldownSeconds = section.Int("defaultCooldownSeconds", defaults.DefaultCooldownSeconds),
            DefaultInstanceWarmupSeconds = section.Int("defaultInstanceWarmupSeconds", defaults.DefaultInstanceWarmupSeconds),
            TerminationPolicies = section.Strings("terminationPolicies") ?? defaults.TerminationPolicies,
            InstanceRefreshMinHealthyPercentage = section.Int("instanceRefreshMinHealthyPercentage", defaults.InstanceRefreshMinHealthyPercentage),
            TerminationDrainSeconds = section.Int("terminationDrainSeconds", defaults.TerminationDrainSeconds),
            MaxInstanceLifetimeSeconds = section.OptionalInt("maxInstanceLifetimeSeconds"),
            Ami = ami is null ? new AmiArgs() : new AmiArgs
            {
                Id = ami.OptionalString("id"),
                SsmParameter = ami.String("ssmParameter", AmiArgs.AmazonLinux2023),
            },
            UserData = new UserDataArgs
            {
                DbHost = section.OptionalString("dbHost"),
                Environment = section.StringMap("environment") ?? new Dictionary<string, string>(),
            },
            ScalingRules = kind == TierKind.Web ? WebRules(section.Object("alarms"), detailed) : QueueRules(section.Object("queue")),
            Schedules = ReadSchedules(section),
            Tags = tags,
        };
        ami?.RejectUnknownKeys();
        section.RejectUnknownKeys();
        return args;
    }

    /// <summary>CPU high/low every minute with detailed monitoring (else every 5), and response time.</summary>
    static IReadOnlyList<ScalingRule> WebRules(Section? section, bool detailed)
    {
        var period = section?.Int("periodSeconds", detailed ? 60 : 300) ?? (detailed ? 60 : 300);
        IReadOnlyList<ScalingRule> rules =
        [
            ScalingRule.CpuHigh(section?.Double("cpuHighPercent", 70) ?? 70, period),
            ScalingRule.CpuLow(section?.Double("cpuLowPercent", 30) ?? 30, period),
            ScalingRule.LatencyHigh(section?.Double("latencySeconds", 1.0) ?? 1.0),
        ];
        section?.RejectUnknownKeys();
        return rules;
    }

    /// <summary>The seeds' job servers: one more above the backlog threshold, one fewer once it stayed
    /// below the lower one for scaleInAfterMinutes (in 5-minute periods).</summary>
    static IReadOnlyList<ScalingRule> QueueRules(Section? section)
    {
        var metric = new MetricArgs(section?.String("namespace", "App") ?? "App", section?.String("metricName", "QueueBacklog") ?? "QueueBacklog",
            section?.StringMap("dimensions"));
        var minutes = section?.Int("scaleInAfterMinutes", 45) ?? 45;
        IReadOnlyList<ScalingRule> rules =
        [
            ScalingRule.QueueHigh(metric, section?.Double("scaleOutAbove", 20) ?? 20),
            ScalingRule.QueueLow(metric, section?.Double("scaleInBelow", 5) ?? 5) with { EvaluationPeriods = Math.Max(1, minutes / 5) },
        ];
        if (section is not null && (minutes < 5 || minutes % 5 != 0))
            section.Report("scaleInAfterMinutes", minutes, "must be a multiple of 5 minutes (the low-backlog alarm's period)");
        section?.RejectUnknownKeys();
        return rules;
    }

    static IReadOnlyList<ScheduleArgs> ReadSchedules(Section section) =>
        section.Objects("schedules")?.Select(item =>
        {
            var schedule = new ScheduleArgs(item.String("name", ""), item.String("recurrence", ""), item.String("timeZone", "UTC"),
                item.Int("minSize", 0), item.Int("maxSize", 0), item.Int("desiredCapacity", 0));
            item.RejectUnknownKeys();
            return schedule;
        }).ToList() ?? [];

    /// <summary>Component checks of scaling rules, renamed to the config keys they come from.</summary>
    public static IEnumerable<Problem> AsConfigProblems(IEnumerable<Problem> problems, string scope) =>
        problems.Select(problem => problem with
        {
            Key = problem.Key
                .Replace($"{scope}.scalingRules.cpu-high.", $"{scope}.alarms.", StringComparison.Ordinal)
                .Replace($"{scope}.scalingRules.cpu-low.", $"{scope}.alarms.", StringComparison.Ordinal)
                .Replace($"{scope}.scalingRules.latency-high.", $"{scope}.alarms.", StringComparison.Ordinal)
                .Replace($"{scope}.scalingRules.queue-high.", $"{scope}.queue.", StringComparison.Ordinal)
                .Replace($"{scope}.scalingRules.queue-low.", $"{scope}.queue.", StringComparison.Ordinal),
        }).Distinct();
}

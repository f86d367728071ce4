using Infra.Components.LoadBalancing;
using Infra.Components.Compute;
using Infra.Components.Shared;

namespace Infra.Configuration;

/// <summary>infra:web and infra:worker: the same tier settings, with alarm thresholds for the web tier and
/// the queue scaling (QueueConfig) for the workers.</summary>
public static class TierConfig
{
    /// <param name="queue">Workers: the scaling read from infra:worker.queue.</param>
    /// <param name="balancer">Web: the balancer in front, whose metrics the latency rule watches.</param>
    public static AutoScaledTierArgs Read(Section section, TierKind kind, EnvironmentKind environment, IReadOnlyDictionary<string, string> tags,
        QueueConfig.Settings? queue = null, LoadBalancerType balancer = LoadBalancerType.Application)
    {
        var prod = environment == EnvironmentKind.Prod;
        var defaults = new AutoScaledTierArgs { Kind = kind };
        var ami = section.Object("ami");
        var detailed = section.Bool("detailedMonitoring", prod);
        var minSize = section.Int("minSize", prod && kind == TierKind.Web ? 2 : 1);
        return new AutoScaledTierArgs
        {
            Kind = kind,
            InstanceType = section.String("instanceType", prod ? "m7i.large" : "t3.small"),
            CreditSpecification = section.String("creditSpecification", defaults.CreditSpecification),
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
            ScalingRules = kind == TierKind.Web ? WebRules(section.Object("alarms"), detailed, balancer) : queue?.Rules ?? [],
            BacklogTarget = queue?.BacklogTarget,
            TargetTracking = kind == TierKind.Web ? ReadTargetTracking(section.Object("targetTracking"), balancer) : null,
            MixedInstances = ReadMixedInstances(section.Object("mixedInstances")),
            Rollout = ReadRollout(section.Object("instanceRefresh")),
            Schedules = ReadSchedules(section),
            Tags = tags,
        };
    }

    /// <summary>CPU high/low every minute with detailed monitoring (else every 5), and response time where the
    /// balancer measures it: TargetResponseTime (application), Latency (classic); a network balancer passes bytes
    /// and measures no response time, so its web tier scales on CPU alone.</summary>
    static IReadOnlyList<ScalingRule> WebRules(Section? section, bool detailed, LoadBalancerType balancer)
    {
        var period = section?.Int("periodSeconds", detailed ? 60 : 300) ?? (detailed ? 60 : 300);
        var latency = section?.Double("latencySeconds", 1.0) ?? 1.0;
        return
        [
            ScalingRule.CpuHigh(section?.Double("cpuHighPercent", 70) ?? 70, period),
            ScalingRule.CpuLow(section?.Double("cpuLowPercent", 30) ?? 30, period),
            .. balancer switch
            {
                LoadBalancerType.Network => [],
                LoadBalancerType.Classic => new[] { ScalingRule.LatencyHigh(latency) with { Metric = new MetricArgs("AWS/ELB", "Latency") } },
                _ => [ScalingRule.LatencyHigh(latency)],
            },
        ];
    }

    /// <summary>requestCountPerTarget needs the application balancer's ALBRequestCountPerTarget; cpu works behind any.</summary>
    static TargetTrackingArgs? ReadTargetTracking(Section? section, LoadBalancerType balancer)
    {
        if (section is null)
            return null;
        var metric = section.String("metric", "cpu") == "requestCountPerTarget" ? TrackedMetric.RequestsPerTarget : TrackedMetric.Cpu;
        if (metric == TrackedMetric.RequestsPerTarget && balancer != LoadBalancerType.Application)
            section.Report("metric", "requestCountPerTarget", $"needs an application load balancer (ALBRequestCountPerTarget); the {balancer.ToString().ToLowerInvariant()} balancer has none: use cpu");
        return new TargetTrackingArgs(metric, section.Double("target", metric == TrackedMetric.Cpu ? 50 : 1000));
    }

    static MixedInstancesArgs? ReadMixedInstances(Section? section)
    {
        if (section is null)
            return null;
        var defaults = new MixedInstancesArgs();
        return new MixedInstancesArgs
        {
            InstanceTypes = section.Strings("instanceTypes") ?? [],
            OnDemandBaseCapacity = section.Int("onDemandBaseCapacity", defaults.OnDemandBaseCapacity),
            OnDemandPercentageAboveBaseCapacity = section.Int("onDemandPercentageAboveBaseCapacity", defaults.OnDemandPercentageAboveBaseCapacity),
            SpotAllocationStrategy = section.String("spotAllocationStrategy", defaults.SpotAllocationStrategy),
            CapacityRebalance = section.Bool("capacityRebalance", defaults.CapacityRebalance),
        };
    }

    static RolloutArgs ReadRollout(Section? section)
    {
        var defaults = new RolloutArgs();
        return section is null ? defaults : new RolloutArgs
        {
            CheckpointPercentages = section.Ints("checkpointPercentages") ?? defaults.CheckpointPercentages,
            CheckpointDelaySeconds = section.Int("checkpointDelaySeconds", defaults.CheckpointDelaySeconds),
        };
    }

    static IReadOnlyList<ScheduleArgs> ReadSchedules(Section section) =>
        section.Objects("schedules")?.Select(item => new ScheduleArgs(item.String("name", ""), item.String("recurrence", ""),
            item.String("timeZone", "UTC"), item.Int("minSize", 0), item.Int("maxSize", 0), item.Int("desiredCapacity", 0))).ToList() ?? [];

    /// <summary>The instance type against the catalogue (components/Shared/instance-types.json): a type it does not
    /// list, or one the stack's region does not offer, is refused with the nearest known names, unless
    /// infra:acceptUnlistedInstanceType says AWS has added it since. A name of the wrong form is the tier's to report.</summary>
    public static IEnumerable<Problem> InstanceTypeProblems(string key, string instanceType, string region, bool acceptUnlisted)
    {
        if (acceptUnlisted || !System.Text.RegularExpressions.Regex.IsMatch(instanceType, AutoScaledTierArgs.InstanceTypePattern))
            yield break;
        const string hatch = $"set {StackSettings.Namespace}:acceptUnlistedInstanceType to true";
        var family = instanceType.Split('.')[0];
        if (InstanceTypes.Find(instanceType) is null)
        {
            var hint = Names.Nearest(InstanceTypes.Listed, instanceType, 3) is { Count: > 0 } nearest ? $"did you mean {string.Join(" or ", nearest)}? "
                : InstanceTypes.SizesOf(family) is { Count: > 0 } sizes ? $"{family} comes in {string.Join(", ", sizes)}; "
                : "";
            yield return new Problem(key, instanceType,
                $"is not an EC2 instance type this project knows (catalogue of {InstanceTypes.AsOf}); {hint}if AWS added it since, {hatch}");
        }
        else if (InstanceTypes.Offered(region, instanceType) == false)
        {
            var there = InstanceTypes.SizesOf(family).Select(size => $"{family}.{size}").Where(name => InstanceTypes.Offered(region, name) == true).ToList();
            yield return new Problem(key, instanceType,
                $"is not offered in {region} ({InstanceTypes.SourceOf(region)} in the catalogue); "
                + (there.Count > 0 ? $"{family} there: {string.Join(", ", there)}; " : $"no {family} type is offered there; ")
                + $"if AWS offers it there now, {hatch}");
        }
    }

    /// <summary>Component checks of scaling rules, renamed to the config keys they come from.</summary>
    public static IEnumerable<Problem> AsConfigProblems(IEnumerable<Problem> problems, string scope) =>
        problems.Select(problem => problem with
        {
            Key = QueueConfig.ConfigKey(problem.Key
                .Replace($"{scope}.scalingRules.cpu-high.threshold", $"{scope}.alarms.cpuHighPercent", StringComparison.Ordinal)
                .Replace($"{scope}.scalingRules.cpu-low.threshold", $"{scope}.alarms.cpuLowPercent", StringComparison.Ordinal)
                .Replace($"{scope}.scalingRules.latency-high.threshold", $"{scope}.alarms.latencySeconds", StringComparison.Ordinal)
                .Replace($"{scope}.userData.environment.", $"{scope}.environment.", StringComparison.Ordinal)
                .Replace($"{scope}.userData.dbHost", $"{scope}.dbHost", StringComparison.Ordinal)
                .Replace($"{scope}.scalingRules.cpu-high.", $"{scope}.alarms.", StringComparison.Ordinal)
                .Replace($"{scope}.scalingRules.cpu-low.", $"{scope}.alarms.", StringComparison.Ordinal)
                .Replace($"{scope}.scalingRules.latency-high.", $"{scope}.alarms.", StringComparison.Ordinal), scope),
        }).Distinct();
}

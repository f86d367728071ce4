using System.Text.RegularExpressions;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Compute;

/// <summary>Several instance types and Spot: an on-demand base, a percentage of on-demand above it, the Spot
/// allocation strategy, and capacity rebalancing (a replacement launches when EC2 signals a Spot instance is at risk,
/// before the two-minute interruption notice).</summary>
public sealed record MixedInstancesArgs
{
    public static readonly IReadOnlyList<string> SpotStrategies = ["price-capacity-optimized", "capacity-optimized", "capacity-optimized-prioritized", "lowest-price"];

    /// <summary>Besides the tier's own instance type, in order of preference (the launch template's type comes first).</summary>
    public IReadOnlyList<string> InstanceTypes { get; init; } = [];
    public int OnDemandBaseCapacity { get; init; }
    public int OnDemandPercentageAboveBaseCapacity { get; init; }

    /// <summary>AWS recommends price-capacity-optimized: pools least likely to be interrupted, then the cheapest.</summary>
    public string SpotAllocationStrategy { get; init; } = "price-capacity-optimized";
    public bool CapacityRebalance { get; init; } = true;

    /// <summary>The group's types: the tier's own first, then the others.</summary>
    public IReadOnlyList<string> TypesWith(string instanceType) => [instanceType, .. InstanceTypes.Where(type => type != instanceType)];

    public void Validate(Checks checks, string instanceType, string architecture, int maxSize)
    {
        var types = TypesWith(instanceType);
        // AWS: at least two types make a pool choice; at most 40 overrides per group.
        checks.Require(types.Count is >= 2 and <= 40, "instanceTypes", InstanceTypes, "give 1 to 39 more instance types (40 in all, the tier's own included)");
        foreach (var (type, index) in InstanceTypes.Select((type, index) => (type, index)))
        {
            checks.Require(Regex.IsMatch(type, AutoScaledTierArgs.InstanceTypePattern), $"instanceTypes[{index}]", type, "must be an EC2 instance type such as m6i.large");
            checks.Require(AutoScaledTierArgs.ArchitectureOf(type) == architecture, $"instanceTypes[{index}]", type,
                $"runs {AutoScaledTierArgs.ArchitectureOf(type)} but {instanceType} runs {architecture}: one launch template has one image");
        }

        checks.InRange("onDemandBaseCapacity", OnDemandBaseCapacity, 0, maxSize);
        checks.InRange("onDemandPercentageAboveBaseCapacity", OnDemandPercentageAboveBaseCapacity, 0, 100);
        checks.OneOf("spotAllocationStrategy", SpotAllocationStrategy, [.. SpotStrategies]);
    }

    /// <summary>The group's mixed instances policy over the tier's launch template (which the group then no longer names itself).</summary>
    internal static Aws.AutoScaling.Inputs.GroupMixedInstancesPolicyArgs Policy(MixedInstancesArgs mixed, string instanceType, Input<string> templateId, Input<string> version) => new()
    {
        InstancesDistribution = new Aws.AutoScaling.Inputs.GroupMixedInstancesPolicyInstancesDistributionArgs
        {
            OnDemandBaseCapacity = mixed.OnDemandBaseCapacity,
            OnDemandPercentageAboveBaseCapacity = mixed.OnDemandPercentageAboveBaseCapacity,
            SpotAllocationStrategy = mixed.SpotAllocationStrategy,
        },
        LaunchTemplate = new Aws.AutoScaling.Inputs.GroupMixedInstancesPolicyLaunchTemplateArgs
        {
            LaunchTemplateSpecification = new Aws.AutoScaling.Inputs.GroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecificationArgs
            {
                LaunchTemplateId = templateId,
                Version = version,
            },
            Overrides = mixed.TypesWith(instanceType).Select(type => new Aws.AutoScaling.Inputs.GroupMixedInstancesPolicyLaunchTemplateOverrideArgs { InstanceType = type }).ToArray(),
        },
    };
}

/// <summary>How a change of launch template rolls out: pause at each checkpoint (percent of the group replaced, the
/// last 100) for the delay, and stop on any of the alarms.</summary>
public sealed record RolloutArgs
{
    public IReadOnlyList<int> CheckpointPercentages { get; init; } = [50, 100];
    public int CheckpointDelaySeconds { get; init; } = 600;

    /// <summary>The paging alarms that stop the refresh (wired from the monitoring component).</summary>
    public Output<System.Collections.Immutable.ImmutableArray<string>>? StopOnAlarms { get; init; }

    public void Validate(Checks checks)
    {
        checks.Require(CheckpointPercentages.Count > 0 && CheckpointPercentages[^1] == 100 && CheckpointPercentages.All(p => p is >= 1 and <= 100)
                && CheckpointPercentages.Zip(CheckpointPercentages.Skip(1)).All(pair => pair.First < pair.Second),
            "checkpointPercentages", CheckpointPercentages, "must rise from 1 to 100 and end with 100");
        checks.InRange("checkpointDelaySeconds", CheckpointDelaySeconds, 0, 172_800);
    }
}

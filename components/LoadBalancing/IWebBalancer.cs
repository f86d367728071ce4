using System.Collections.Immutable;
using Pulumi;

namespace Infra.Components.LoadBalancing;

/// <summary>How the web tier joins a balancer and which of its metrics can scale the tier.</summary>
public sealed record BalancerAttachment
{
    /// <summary>Application and network balancers: the target groups the instances register in.</summary>
    public Output<ImmutableArray<string>>? TargetGroupArns { get; init; }

    /// <summary>Classic: the balancer the group attaches to by name.</summary>
    public Output<ImmutableArray<string>>? LoadBalancerNames { get; init; }

    /// <summary>Application and network: the TargetGroup dimension of alarms, by target port (forwarded groups only).</summary>
    public IReadOnlyDictionary<string, Output<string>> TargetGroupArnSuffixes { get; init; } = new Dictionary<string, Output<string>>();

    /// <summary>Application and network: the LoadBalancer dimension.</summary>
    public Output<string>? LoadBalancerArnSuffix { get; init; }

    /// <summary>Classic: the LoadBalancerName dimension of AWS/ELB Latency.</summary>
    public Output<string>? ClassicName { get; init; }
}

/// <summary>What the stack needs of any of the three balancers.</summary>
public interface IWebBalancer
{
    Output<string> DnsName { get; }

    /// <summary>The balancer's Route 53 hosted zone, for alias records to it.</summary>
    Output<string> ZoneId { get; }

    /// <summary>The address users should use: the DNS alias when given, else the balancer's name.</summary>
    Output<string> Url { get; }

    BalancerAttachment Attachment { get; }
}

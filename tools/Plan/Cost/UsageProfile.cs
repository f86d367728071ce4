using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Infra.Plan.Cost;

/// <summary>What the usage-based prices are multiplied by, per resource and month. Conservative defaults (no free
/// tier is subtracted); override any of them in a YAML file given with --usage.</summary>
public sealed record UsageProfile
{
    /// <summary>Average load-balancer capacity units an ALB uses each hour.</summary>
    public double LoadBalancerCapacityUnits { get; init; } = 1;

    /// <summary>GB the balancer sends to the internet each month.</summary>
    public double LoadBalancerEgressGb { get; init; } = 100;

    /// <summary>GB each NAT gateway processes each month (package updates, AWS APIs, outbound calls).</summary>
    public double NatGatewayGb { get; init; } = 50;

    /// <summary>GB each interface endpoint processes each month (agent traffic, logs, metrics, queue messages).</summary>
    public double InterfaceEndpointGb { get; init; } = 5;

    public double CloudFrontGb { get; init; } = 100;
    public double CloudFrontHttpsRequests { get; init; } = 1_000_000;

    public double BucketStorageGb { get; init; } = 5;
    public double BucketGetRequests { get; init; } = 100_000;
    public double BucketPutRequests { get; init; } = 10_000;

    /// <summary>GB each log group takes in each month.</summary>
    public double LogIngestionGb { get; init; } = 5;

    public double EmailNotifications { get; init; } = 1_000;

    public double QueueRequests { get; init; } = 1_000_000;

    /// <summary>Requests the web ACL inspects each month.</summary>
    public double WebAclRequests { get; init; } = 10_000_000;

    /// <summary>Spot instances at this fraction of the on-demand price. An assumption: Spot prices follow supply and demand
    /// per pool; AWS quotes savings of up to 90 %, and 0.35 (65 % off) is a cautious middle for current general-purpose types.</summary>
    public double SpotPriceFraction { get; init; } = 0.35;

    public static UsageProfile Load(string? path)
    {
        if (path is null)
            return new UsageProfile();
        var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
        return Mocks.YamlFile.Read(path, parser => deserializer.Deserialize<UsageProfile?>(parser)) ?? new UsageProfile();
    }
}

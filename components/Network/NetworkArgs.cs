using Infra.Components.Shared;

namespace Infra.Components.Network;

public enum NatStrategy
{
    /// <summary>Private subnets get no route to the internet.</summary>
    None,
    /// <summary>One NAT gateway in the first public subnet serves every zone (cheaper, one zone's fate).</summary>
    Single,
    /// <summary>Each zone's private subnets go out through the NAT gateway in the same zone.</summary>
    OnePerAz,
}

public sealed record FlowLogArgs
{
    public int RetentionDays { get; init; } = 30;

    /// <summary>ALL records accepted traffic too (what an investigation needs); REJECT costs less.</summary>
    public string TrafficType { get; init; } = "ALL";

    /// <summary>A customer-managed key for the log group (its key policy must let CloudWatch Logs use it).</summary>
    public string? KmsKeyArn { get; init; }
}

public sealed record NetworkArgs
{
    public string VpcCidr { get; init; } = "10.0.0.0/16";

    /// <summary>Explicit zones; when null, the first <see cref="AvailabilityZoneCount"/> available ones.</summary>
    public IReadOnlyList<string>? AvailabilityZones { get; init; }

    public int AvailabilityZoneCount { get; init; } = 2;

    /// <summary>Allows a single zone, for throwaway stacks only.</summary>
    public bool Throwaway { get; init; }

    public int PublicSubnetPrefix { get; init; } = 24;
    public int PrivateSubnetPrefix { get; init; } = 20;

    /// <summary>Adds a tier without any internet route (databases) when set.</summary>
    public int? IsolatedSubnetPrefix { get; init; }

    public NatStrategy Nat { get; init; } = NatStrategy.Single;
    public bool Ipv6 { get; init; }
    public FlowLogArgs? FlowLogs { get; init; }
    public bool S3GatewayEndpoint { get; init; } = true;
    public IReadOnlyList<int> AppPorts { get; init; } = [8080, 8443];

    /// <summary>What the load balancer's group accepts from the internet: its listeners' ports and protocols.</summary>
    public IReadOnlyList<(int Port, string Protocol)> ListenerPorts { get; init; } = [(80, "tcp"), (443, "tcp")];
    public IReadOnlyList<string> AdminCidrs { get; init; } = [];
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public static readonly IReadOnlyList<string> FlowLogTrafficTypes = ["ACCEPT", "REJECT", "ALL"];
    public static readonly IReadOnlyList<int> LogRetentionDays =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    /// <summary>Every problem with these args, keys under <paramref name="scope"/>. Zone availability is
    /// checked once the region's zones are known (<see cref="Network.CreateAsync"/>).</summary>
    public IReadOnlyList<Problem> Validate(string scope = "network")
    {
        var checks = new Checks(scope);
        var zones = AvailabilityZones?.Count ?? AvailabilityZoneCount;
        var minimumZones = Throwaway ? 1 : 2;
        checks.Require(zones >= minimumZones && zones <= 6, AvailabilityZones is null ? "availabilityZoneCount" : "availabilityZones",
            AvailabilityZones is null ? zones : AvailabilityZones,
            Throwaway ? "needs 1 to 6 zones" : "needs 2 to 6 zones (1 only for a throwaway stack)");
        if (AvailabilityZones is { } explicitZones && explicitZones.Distinct().Count() != explicitZones.Count)
            checks.Add("availabilityZones", explicitZones, "zones must be distinct");

        var vpcOk = Cidr.TryParse(VpcCidr, out var vpc);
        if (!vpcOk)
            checks.Add("vpcCidr", VpcCidr, "must be an IPv4 CIDR block such as 10.0.0.0/16 (network address, no host bits)");
        else
            vpcOk = checks.Require(vpc.Prefix is >= 16 and <= 28, "vpcCidr", VpcCidr, "prefix must be between /16 and /28");

        var prefixesOk = checks.InRange("publicSubnetPrefix", PublicSubnetPrefix, 16, 28)
            & checks.InRange("privateSubnetPrefix", PrivateSubnetPrefix, 16, 28)
            & (IsolatedSubnetPrefix is not { } isolated || checks.InRange("isolatedSubnetPrefix", isolated, 16, 28));
        if (vpcOk && prefixesOk && zones > 0 && SubnetPrefixes(zones) is var prefixes && vpc.Allocate(prefixes) is null)
        {
            var needed = prefixes.Sum(prefix => (long)(1UL << (32 - prefix)));
            checks.Add("vpcCidr", VpcCidr,
                $"too small for {prefixes.Count} subnets ({zones} zones x {Tiers} tiers): they need {needed} addresses, the VPC has {vpc.Size}");
        }

        if (Nat == NatStrategy.OnePerAz && zones < 2)
            checks.Add("nat", Nat.ToString(), "OnePerAz needs at least 2 zones; use Single or None");
        if (AppPorts.Count == 0)
            checks.Add("appPorts", AppPorts.Select(p => p.ToString()), "needs at least one port");
        foreach (var (port, index) in AppPorts.Select((port, index) => (port, index)).Where(pair => pair.port is < 1 or > 65535))
            checks.Add($"appPorts[{index}]", port, "ports must be between 1 and 65535");
        foreach (var (port, index) in AppPorts.Select((port, index) => (port, index)).Where(pair => AppPorts.Take(pair.index).Contains(pair.port)))
            checks.Add($"appPorts[{index}]", port, "is listed twice; list each port once");
        foreach (var cidr in AdminCidrs)
        {
            if (cidr is "0.0.0.0/0" or "::/0")
                checks.Add("adminCidrs", cidr, "SSH from the whole internet is refused; list your office or VPN ranges");
            else if (!Cidr.TryParse(cidr, out _) && !IsIpv6Cidr(cidr))
                checks.Add("adminCidrs", cidr, "must be an IPv4 or IPv6 CIDR block such as 203.0.113.0/24");
        }

        if (FlowLogs is { } flowLogs)
        {
            checks.Require(LogRetentionDays.Contains(flowLogs.RetentionDays), "flowLogs.retentionDays", flowLogs.RetentionDays,
                $"must be one of {string.Join(", ", LogRetentionDays)}");
            checks.OneOf("flowLogs.trafficType", flowLogs.TrafficType, [.. FlowLogTrafficTypes]);
        }

        return checks.Problems;
    }

    int Tiers => IsolatedSubnetPrefix is null ? 2 : 3;

    /// <summary>Subnet prefixes in allocation order: every public subnet, then private, then isolated.</summary>
    internal IReadOnlyList<int> SubnetPrefixes(int zones) =>
        [.. Enumerable.Repeat(PublicSubnetPrefix, zones), .. Enumerable.Repeat(PrivateSubnetPrefix, zones),
            .. IsolatedSubnetPrefix is { } isolated ? Enumerable.Repeat(isolated, zones) : []];

    static bool IsIpv6Cidr(string text) =>
        text.Split('/') is [var address, var prefix] && System.Net.IPAddress.TryParse(address, out var ip)
        && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && int.TryParse(prefix, out var bits) && bits is >= 0 and <= 128;
}

using Infra.Components.Network;

namespace Infra.Configuration;

/// <summary>infra:network. Defaults: dev 2 zones, one NAT; prod 3 zones, a NAT per zone; flow logs in both.</summary>
public static class NetworkConfig
{
    /// <param name="instancePorts">What the load balancer sends to the instances: the default of appPorts.</param>
    /// <param name="listenerPorts">What the load balancer listens on: what its security group opens to the internet.</param>
    public static NetworkArgs Read(Section section, EnvironmentKind environment, IReadOnlyDictionary<string, string> tags,
        IReadOnlyList<int> instancePorts, IReadOnlyList<(int Port, string Protocol)> listenerPorts)
    {
        var prod = environment == EnvironmentKind.Prod;
        var defaults = new NetworkArgs();
        var flowLogs = section.Object("flowLogs");
        var existing = ReadExistingVpc(section);
        return new NetworkArgs
        {
            VpcCidr = section.String("vpcCidr", defaults.VpcCidr),
            AvailabilityZones = section.Strings("availabilityZones"),
            AvailabilityZoneCount = section.Int("availabilityZoneCount", prod ? 3 : 2),
            Throwaway = section.Bool("throwaway", false),
            PublicSubnetPrefix = section.Int("publicSubnetPrefix", defaults.PublicSubnetPrefix),
            PrivateSubnetPrefix = section.Int("privateSubnetPrefix", defaults.PrivateSubnetPrefix),
            IsolatedSubnetPrefix = section.OptionalInt("isolatedSubnetPrefix"),
            Nat = section.Enum("nat", prod ? NatStrategy.OnePerAz : NatStrategy.Single),
            Ipv6 = section.Bool("ipv6", false),
            // An existing VPC's route tables are not the stack's to change.
            S3GatewayEndpoint = section.Bool("s3GatewayEndpoint", existing is null),
            InterfaceEndpoints = section.Strings("interfaceEndpoints") ?? [],
            ExistingVpc = existing,
            AppPorts = section.Ints("appPorts") ?? instancePorts,
            ListenerPorts = listenerPorts,
            AdminCidrs = section.Strings("adminCidrs") ?? [],
            FlowLogs = ReadFlowLogs(flowLogs),
            Tags = tags,
        };
    }

    /// <summary>Keys that shape a VPC the stack builds; an existing VPC already has its own.</summary>
    static readonly string[] OwnedVpcKeys =
        ["vpcCidr", "availabilityZoneCount", "availabilityZones", "publicSubnetPrefix", "privateSubnetPrefix", "isolatedSubnetPrefix", "nat", "ipv6"];

    static ExistingVpcArgs? ReadExistingVpc(Section network)
    {
        if (network.Object("existingVpc") is not { } section)
            return null;
        var vpcId = section.OptionalString("vpcId");
        var publicIds = section.Strings("publicSubnetIds");
        var privateIds = section.Strings("privateSubnetIds");
        foreach (var (key, value) in new (string, object?)[] { ("vpcId", vpcId), ("publicSubnetIds", publicIds), ("privateSubnetIds", privateIds) })
            if (value is null && !section.Has(key))
                section.Report(key, null, "an existing VPC needs vpcId, publicSubnetIds and privateSubnetIds (publicSubnetIds may be [] with an internal balancer)");
        if (OwnedVpcKeys.Where(network.Has).ToList() is { Count: > 0 } owned)
            network.Report("existingVpc", vpcId, $"an existing VPC has its own addresses, zones and routing: remove {string.Join(", ", owned)}");
        if (network.Bool("s3GatewayEndpoint", false))
            network.Report("existingVpc", vpcId,
                "the stack changes no route table of an existing VPC, so it adds no S3 gateway endpoint: add one to the VPC's private route tables yourself, and remove s3GatewayEndpoint");
        return new ExistingVpcArgs(vpcId ?? "", publicIds ?? [], privateIds ?? []);
    }

    static FlowLogArgs? ReadFlowLogs(Section? section) =>
        Section.Feature(section, onByDefault: true, flowLogs => new FlowLogArgs
        {
            KmsKeyArn = flowLogs.OptionalString("kmsKeyArn"),
            RetentionDays = flowLogs.Int("retentionDays", new FlowLogArgs().RetentionDays),
            TrafficType = flowLogs.String("trafficType", new FlowLogArgs().TrafficType),
        });
}

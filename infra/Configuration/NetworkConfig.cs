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
            S3GatewayEndpoint = section.Bool("s3GatewayEndpoint", true),
            AppPorts = section.Ints("appPorts") ?? instancePorts,
            ListenerPorts = listenerPorts,
            AdminCidrs = section.Strings("adminCidrs") ?? [],
            FlowLogs = ReadFlowLogs(flowLogs),
            Tags = tags,
        };
    }

    static FlowLogArgs? ReadFlowLogs(Section? section) =>
        Section.Feature(section, onByDefault: true, flowLogs => new FlowLogArgs
        {
            KmsKeyArn = flowLogs.OptionalString("kmsKeyArn"),
            RetentionDays = flowLogs.Int("retentionDays", new FlowLogArgs().RetentionDays),
            TrafficType = flowLogs.String("trafficType", new FlowLogArgs().TrafficType),
        });
}

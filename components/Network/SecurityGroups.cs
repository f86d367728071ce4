using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Network;

/// <summary>The three groups of the web application, the interface endpoints' group, and the default group of a VPC
/// the stack owns locked. Rules are separate resources so the groups can refer to each other without a cycle.</summary>
internal sealed class SecurityGroups
{
    /// <param name="ownsVpc">False for an existing VPC: its default group is not this stack's to empty.</param>
    public SecurityGroups(string name, Output<string> vpcId, NetworkArgs args, bool ownsVpc, CustomResourceOptions child)
    {
        Aws.Ec2.SecurityGroup Group(string role, string description) =>
            new($"{name}-{role}", new Aws.Ec2.SecurityGroupArgs
            {
                VpcId = vpcId,
                Description = description,
                RevokeRulesOnDelete = true,
                Tags = Tagging.Named(args.Tags, $"{name}-{role}"),
            }, child);

        // The VPC's own default group, emptied: anything attached to it by mistake can neither send nor receive.
        if (ownsVpc)
            new Aws.Ec2.DefaultSecurityGroup($"{name}-default", new Aws.Ec2.DefaultSecurityGroupArgs
            {
                VpcId = vpcId,
                Ingress = new InputList<Aws.Ec2.Inputs.DefaultSecurityGroupIngressArgs>(),
                Egress = new InputList<Aws.Ec2.Inputs.DefaultSecurityGroupEgressArgs>(),
                Tags = Tagging.Named(args.Tags, $"{name}-default"),
            }, child);

        LoadBalancer = Group("load-balancer", "Load balancer: its listener ports from the internet, out to the instances");
        Instances = Group("instances", "Web instances: app ports from the load balancer only");
        Workers = Group("workers", "Worker instances: no inbound traffic");

        var internet = args.Ipv6 ? new[] { "0.0.0.0/0", "::/0" } : ["0.0.0.0/0"];
        foreach (var (port, protocol) in args.ListenerPorts)
            foreach (var source in internet)
                Ingress($"lb-{port}{(protocol == "tcp" ? "" : $"-{protocol}")}-{(source.Contains(':') ? "ipv6" : "ipv4")}", LoadBalancer, port, cidr: source,
                    description: $"Listener {port}/{protocol} from the internet", protocol: protocol);

        foreach (var port in args.AppPorts)
        {
            Egress($"lb-to-instances-{port}", LoadBalancer, "tcp", port, target: Instances.Id, description: "To the web instances");
            Ingress($"instances-from-lb-{port}", Instances, port, source: LoadBalancer.Id, description: "From the load balancer");
        }

        foreach (var (cidr, index) in args.AdminCidrs.Select((cidr, index) => (cidr, index)))
            Ingress($"instances-ssh-{index}", Instances, 22, cidr: cidr, description: "SSH from an admin range");

        // The endpoints answer HTTPS from the instances and send nothing (the provider removes AWS's allow-all egress).
        if (args.InterfaceEndpoints.Count > 0)
        {
            Endpoints = Group("endpoints", "Interface endpoints: HTTPS from the web and worker instances only");
            foreach (var (source, role) in new[] { (Instances, "instances"), (Workers, "workers") })
                Ingress($"endpoints-from-{role}", Endpoints, 443, source: source.Id, description: $"HTTPS from the {role}");
        }

        foreach (var (group, role) in new[] { (Instances, "instances"), (Workers, "workers") })
            foreach (var destination in internet)
                Egress($"{role}-out-{(destination.Contains(':') ? "ipv6" : "ipv4")}", group, "-1", null,
                    cidr: destination, description: "Out to anywhere (through NAT from private subnets)");

        void Ingress(string ruleName, Aws.Ec2.SecurityGroup group, int port, string? cidr = null, Input<string>? source = null,
            string? description = null, string protocol = "tcp") =>
            new Aws.Vpc.SecurityGroupIngressRule($"{name}-{ruleName}", new Aws.Vpc.SecurityGroupIngressRuleArgs
            {
                SecurityGroupId = group.Id,
                IpProtocol = protocol,
                FromPort = port,
                ToPort = port,
                CidrIpv4 = Ipv4(cidr)!,
                CidrIpv6 = Ipv6(cidr)!,
                ReferencedSecurityGroupId = source!,
                Description = description!,
                Tags = Tagging.Named(args.Tags, $"{name}-{ruleName}"),
            }, child);

        void Egress(string ruleName, Aws.Ec2.SecurityGroup group, string protocol, int? port, Input<string>? target = null,
            string? cidr = null, string? description = null) =>
            new Aws.Vpc.SecurityGroupEgressRule($"{name}-{ruleName}", new Aws.Vpc.SecurityGroupEgressRuleArgs
            {
                SecurityGroupId = group.Id,
                IpProtocol = protocol,
                FromPort = port!,
                ToPort = port!,
                CidrIpv4 = Ipv4(cidr)!,
                CidrIpv6 = Ipv6(cidr)!,
                ReferencedSecurityGroupId = target!,
                Description = description!,
                Tags = Tagging.Named(args.Tags, $"{name}-{ruleName}"),
            }, child);
    }

    /// <summary>A rule's CIDR goes to the IPv4 or the IPv6 field by its family.</summary>
    static string? Ipv4(string? cidr) => cidr is not null && !cidr.Contains(':') ? cidr : null;

    static string? Ipv6(string? cidr) => cidr is not null && cidr.Contains(':') ? cidr : null;

    public Aws.Ec2.SecurityGroup LoadBalancer { get; }
    public Aws.Ec2.SecurityGroup Instances { get; }
    public Aws.Ec2.SecurityGroup Workers { get; }

    /// <summary>The interface endpoints' group; null without endpoints.</summary>
    public Aws.Ec2.SecurityGroup? Endpoints { get; }
}

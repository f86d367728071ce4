using System.Collections.Immutable;
using System.Net;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Network;

/// <summary>A multi-AZ VPC: public, private (and optionally isolated) subnets per zone, internet and NAT
/// routing, optional IPv6, flow logs, an S3 endpoint and interface endpoints, and the security groups of the web
/// application; or, given an existing VPC, only the groups, endpoints and flow logs inside it.</summary>
public sealed class Network : ComponentResource
{
    public const string Type = "infra:network:Network";

    [Output] public Output<string> VpcId { get; }
    [Output] public Output<string> VpcCidr { get; }
    [Output] public Output<ImmutableArray<string>> AvailabilityZones { get; }
    [Output] public Output<ImmutableArray<string>> PublicSubnetIds { get; }
    [Output] public Output<ImmutableArray<string>> PrivateSubnetIds { get; }
    [Output] public Output<ImmutableArray<string>> IsolatedSubnetIds { get; }
    [Output] public Output<ImmutableArray<string>> NatGatewayIds { get; }
    [Output] public Output<string> LoadBalancerSecurityGroupId { get; }
    [Output] public Output<string> InstanceSecurityGroupId { get; }
    [Output] public Output<string> WorkerSecurityGroupId { get; }

    /// <summary>Validates the args, looks up the region's zones when only a count is given, then builds.</summary>
    public static async Task<Network> CreateAsync(string name, NetworkArgs args, ComponentResourceOptions? options = null,
        string scope = "network")
    {
        Checks.ThrowIfAny(args.Validate(scope));
        if (args.ExistingVpc is { } existing)
            return new Network(name, args with { ExistingVpc = await Resolve(existing, options, scope) }, options);
        if (args.AvailabilityZones is null)
        {
            var zones = await Aws.GetAvailabilityZones.InvokeAsync(new Aws.GetAvailabilityZonesArgs { State = "available" },
                new InvokeOptions { Parent = options?.Parent, Provider = options?.Provider });
            var names = zones.Names.Order(StringComparer.Ordinal).ToList();
            if (names.Count < args.AvailabilityZoneCount)
                throw new ValidationException([new Problem($"{scope}.availabilityZoneCount", args.AvailabilityZoneCount,
                    $"the region has {names.Count} available zones ({string.Join(", ", names)})")]);
            args = args with { AvailabilityZones = names.Take(args.AvailabilityZoneCount).ToList() };
        }

        return new Network(name, args, options);
    }

    /// <summary>The zone of each subnet of an existing VPC (aws:ec2/getSubnet), checked against what AWS would refuse:
    /// subnets of another VPC, a VPC without the DNS support private endpoints need, instances in fewer than two zones.</summary>
    static async Task<ExistingVpcArgs> Resolve(ExistingVpcArgs existing, ComponentResourceOptions? options, string scope)
    {
        var invoke = new InvokeOptions { Parent = options?.Parent, Provider = options?.Provider };
        var subnets = await Task.WhenAll(existing.PublicSubnetIds.Concat(existing.PrivateSubnetIds)
            .Select(id => Aws.Ec2.GetSubnet.InvokeAsync(new Aws.Ec2.GetSubnetArgs { Id = id }, invoke)));
        var vpc = await Aws.Ec2.GetVpc.InvokeAsync(new Aws.Ec2.GetVpcArgs { Id = existing.VpcId }, invoke);
        var problems = new List<Problem>();
        foreach (var subnet in subnets.Where(subnet => subnet.VpcId != existing.VpcId))
            problems.Add(new Problem($"{scope}.existingVpc", subnet.Id, $"the subnet belongs to {subnet.VpcId}, not to vpcId {existing.VpcId}"));
        if (!vpc.EnableDnsSupport || !vpc.EnableDnsHostnames)
            problems.Add(new Problem($"{scope}.existingVpc.vpcId", existing.VpcId,
                "needs DNS support and DNS host names turned on (interface endpoints with private DNS and the instances' names rely on them)"));
        var resolved = existing with { SubnetZones = subnets.ToDictionary(subnet => subnet.Id, subnet => subnet.AvailabilityZone) };
        Checks.ThrowIfAny([.. problems, .. new NetworkArgs { ExistingVpc = resolved }.Validate(scope)]);
        return resolved;
    }

    /// <summary>Builds with explicit zones (<see cref="NetworkArgs.AvailabilityZones"/>), or in an existing VPC whose
    /// subnets' zones are known; see <see cref="CreateAsync"/>.</summary>
    public Network(string name, NetworkArgs args, ComponentResourceOptions? options = null)
        : base(Type, name, Checks.Valid(options, args switch
        {
            { ExistingVpc: { SubnetZones: null } } => [new Problem("network.existingVpc", null, "build with Network.CreateAsync to look up the subnets' zones")],
            { ExistingVpc: null, AvailabilityZones: null } => [new Problem("network.availabilityZones", null, "give the zones, or build with Network.CreateAsync to look them up")],
            _ => args.Validate(),
        }))
    {
        var child = new CustomResourceOptions { Parent = this };
        var layout = args.ExistingVpc is { } existing ? Existing(existing) : Owned(name, args, child);

        var groups = new SecurityGroups(name, layout.VpcId, args, ownsVpc: args.ExistingVpc is null, child);
        foreach (var service in args.InterfaceEndpoints)
            InterfaceEndpoint(name, InterfaceEndpointServices.Find(service)!, layout, groups.Endpoints!, args.Tags, child);
        if (args.FlowLogs is { } flowLogs)
            FlowLogs(name, layout.VpcId, flowLogs, args.Tags, child);

        VpcId = layout.VpcId;
        VpcCidr = layout.VpcCidr;
        AvailabilityZones = Output.Create(layout.Zones.ToImmutableArray());
        PublicSubnetIds = layout.PublicSubnetIds;
        PrivateSubnetIds = layout.PrivateSubnetIds;
        IsolatedSubnetIds = layout.IsolatedSubnetIds;
        NatGatewayIds = layout.NatGatewayIds;
        LoadBalancerSecurityGroupId = groups.LoadBalancer.Id;
        InstanceSecurityGroupId = groups.Instances.Id;
        WorkerSecurityGroupId = groups.Workers.Id;
        RegisterOutputs();
    }

    /// <summary>Where the groups and endpoints go: the VPC, its zones and subnets (EndpointSubnetIds: one private subnet per zone).</summary>
    sealed record Layout(Output<string> VpcId, Output<string> VpcCidr, IReadOnlyList<string> Zones, Output<ImmutableArray<string>> PublicSubnetIds,
        Output<ImmutableArray<string>> PrivateSubnetIds, Output<ImmutableArray<string>> EndpointSubnetIds)
    {
        public Output<ImmutableArray<string>> IsolatedSubnetIds { get; init; } = Output.Create(ImmutableArray<string>.Empty);
        public Output<ImmutableArray<string>> NatGatewayIds { get; init; } = Output.Create(ImmutableArray<string>.Empty);
    }

    /// <summary>The given VPC and subnets as they are: nothing of their routing is created or changed.</summary>
    Layout Existing(ExistingVpcArgs existing)
    {
        var zones = existing.SubnetZones!;
        var cidr = Aws.Ec2.GetVpc.Invoke(new Aws.Ec2.GetVpcInvokeArgs { Id = existing.VpcId }, new InvokeOptions { Parent = this }).Apply(vpc => vpc.CidrBlock);
        return new Layout(Output.Create(existing.VpcId), cidr,
            [.. existing.PrivateSubnetIds.Select(id => zones[id]).Distinct()],
            Output.Create(existing.PublicSubnetIds.ToImmutableArray()), Output.Create(existing.PrivateSubnetIds.ToImmutableArray()),
            Output.Create(existing.OnePrivateSubnetPerZone(zones).ToImmutableArray()));
    }

    /// <summary>A new VPC: subnets per zone, internet gateway, NAT, route tables, the S3 gateway endpoint.</summary>
    Layout Owned(string name, NetworkArgs args, CustomResourceOptions child)
    {
        var zones = args.AvailabilityZones!;
        var tags = args.Tags;

        Cidr.TryParse(args.VpcCidr, out var vpcBlock);
        var blocks = vpcBlock.Allocate(args.SubnetPrefixes(zones.Count))!;

        var vpc = new Aws.Ec2.Vpc($"{name}-vpc", new Aws.Ec2.VpcArgs
        {
            CidrBlock = args.VpcCidr,
            EnableDnsSupport = true,
            EnableDnsHostnames = true,
            AssignGeneratedIpv6CidrBlock = args.Ipv6,
            Tags = Tagging.Named(tags, $"{name}-vpc"),
        }, child);

        var ipv6Index = 0;
        Aws.Ec2.Subnet Subnet(string tier, int zone, Cidr block)
        {
            var subnetArgs = new Aws.Ec2.SubnetArgs
            {
                VpcId = vpc.Id,
                CidrBlock = block.ToString(),
                AvailabilityZone = zones[zone],
                MapPublicIpOnLaunch = false,
                Tags = new Dictionary<string, string>(Tagging.Named(tags, $"{name}-{tier}-{zones[zone]}")) { ["Tier"] = tier },
            };
            if (args.Ipv6)
            {
                subnetArgs.Ipv6CidrBlock = Ipv6Subnet(vpc.Ipv6CidrBlock, ipv6Index++);
                subnetArgs.AssignIpv6AddressOnCreation = true;
            }

            return new($"{name}-{tier}-{zones[zone]}", subnetArgs, child);
        }

        var publicSubnets = zones.Select((_, i) => Subnet("public", i, blocks[i])).ToList();
        var privateSubnets = zones.Select((_, i) => Subnet("private", i, blocks[zones.Count + i])).ToList();
        var isolatedSubnets = args.IsolatedSubnetPrefix is null
            ? []
            : zones.Select((_, i) => Subnet("isolated", i, blocks[2 * zones.Count + i])).ToList();

        var internetGateway = new Aws.Ec2.InternetGateway($"{name}-igw", new Aws.Ec2.InternetGatewayArgs
        {
            VpcId = vpc.Id,
            Tags = Tagging.Named(tags, $"{name}-igw"),
        }, child);

        var publicTable = RouteTable("public");
        Route("public-ipv4", publicTable, gatewayId: internetGateway.Id);
        if (args.Ipv6)
            Route("public-ipv6", publicTable, gatewayId: internetGateway.Id, ipv6: true);
        Associate(publicSubnets, publicTable);

        var natGateways = args.Nat switch
        {
            NatStrategy.None => [],
            NatStrategy.Single => [NatGateway(0)],
            _ => zones.Select((_, i) => NatGateway(i)).ToList(),
        };

        var egressOnly = args.Ipv6
            ? new Aws.Ec2.EgressOnlyInternetGateway($"{name}-eigw", new Aws.Ec2.EgressOnlyInternetGatewayArgs
            {
                VpcId = vpc.Id,
                Tags = Tagging.Named(tags, $"{name}-eigw"),
            }, child)
            : null;

        var privateTables = zones.Select((zone, i) =>
        {
            var table = RouteTable($"private-{zone}");
            if (natGateways.Count > 0)
                Route($"private-{zone}-ipv4", table, natGatewayId: natGateways[args.Nat == NatStrategy.OnePerAz ? i : 0].Id);
            if (egressOnly is not null)
                Route($"private-{zone}-ipv6", table, egressOnlyGatewayId: egressOnly.Id, ipv6: true);
            Associate([privateSubnets[i]], table);
            return table;
        }).ToList();

        if (isolatedSubnets.Count > 0)
            Associate(isolatedSubnets, RouteTable("isolated"));

        if (args.S3GatewayEndpoint)
        {
            var region = Policies.Region(this);
            new Aws.Ec2.VpcEndpoint($"{name}-s3", new Aws.Ec2.VpcEndpointArgs
            {
                VpcId = vpc.Id,
                ServiceName = Output.Format($"com.amazonaws.{region}.s3"),
                VpcEndpointType = "Gateway",
                RouteTableIds = privateTables.Select(table => table.Id).ToArray(),
                Policy = S3EndpointPolicy(region),
                Tags = Tagging.Named(tags, $"{name}-s3"),
            }, child);
        }

        var privateIds = Output.All(privateSubnets.Select(subnet => subnet.Id));
        return new Layout(vpc.Id, vpc.CidrBlock, zones, Output.All(publicSubnets.Select(subnet => subnet.Id)), privateIds, privateIds)
        {
            IsolatedSubnetIds = Output.All(isolatedSubnets.Select(subnet => subnet.Id)),
            NatGatewayIds = Output.All(natGateways.Select(nat => nat.Id)),
        };

        Aws.Ec2.RouteTable RouteTable(string tier) =>
            new($"{name}-{tier}", new Aws.Ec2.RouteTableArgs { VpcId = vpc.Id, Tags = Tagging.Named(tags, $"{name}-{tier}") }, child);

        void Route(string routeName, Aws.Ec2.RouteTable table, Input<string>? gatewayId = null, Input<string>? natGatewayId = null,
            Input<string>? egressOnlyGatewayId = null, bool ipv6 = false) =>
            new Aws.Ec2.Route($"{name}-{routeName}", new Aws.Ec2.RouteArgs
            {
                RouteTableId = table.Id,
                DestinationCidrBlock = ipv6 ? null : (Input<string>)"0.0.0.0/0",
                DestinationIpv6CidrBlock = ipv6 ? (Input<string>)"::/0" : null,
                GatewayId = gatewayId,
                NatGatewayId = natGatewayId,
                EgressOnlyGatewayId = egressOnlyGatewayId,
            }, child);

        void Associate(IEnumerable<Aws.Ec2.Subnet> subnets, Aws.Ec2.RouteTable table)
        {
            foreach (var subnet in subnets)
                new Aws.Ec2.RouteTableAssociation(subnet.GetResourceName(), new Aws.Ec2.RouteTableAssociationArgs
                {
                    SubnetId = subnet.Id,
                    RouteTableId = table.Id,
                }, child);
        }

        Aws.Ec2.NatGateway NatGateway(int zone)
        {
            var natName = $"{name}-nat-{zones[zone]}";
            var address = new Aws.Ec2.Eip(natName, new Aws.Ec2.EipArgs { Domain = "vpc", Tags = Tagging.Named(tags, natName) }, child);
            return new Aws.Ec2.NatGateway(natName, new Aws.Ec2.NatGatewayArgs
            {
                AllocationId = address.Id,
                SubnetId = publicSubnets[zone].Id,
                Tags = Tagging.Named(tags, natName),
            }, new CustomResourceOptions { Parent = this, DependsOn = { internetGateway } });
        }
    }

    /// <summary>Through the endpoint, instances reach the buckets of this account, and read the AWS-owned buckets they
    /// install from (Amazon Linux repositories, the SSM and CloudWatch agents): nothing can be copied out to another
    /// account's bucket this way.</summary>
    Output<string> S3EndpointPolicy(Output<string> region)
    {
        var anyone = new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "*", Identifiers = { "*" } };
        var awsBuckets = new[] { "al2023-repos-{0}-*", "amazonlinux-2-repos-{0}", "amazon-ssm-{0}", "amazon-ssm-packages-{0}", "aws-ssm-{0}",
            "{0}-birdwatcher-prod", "aws-ssm-document-attachments-{0}", "patch-baseline-snapshot-{0}", "amazoncloudwatch-agent-{0}" };
        var statement = new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
        {
            Sid = "AwsSoftwareRepositories",
            Actions = { "s3:GetObject" },
            Principals = { anyone },
        };
        foreach (var bucket in awsBuckets)
            statement.Resources.Add(region.Apply(name => $"arn:aws:s3:::{string.Format(System.Globalization.CultureInfo.InvariantCulture, bucket, name)}/*"));
        return Policies.Document(this,
            new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
            {
                Sid = "BucketsOfThisAccount",
                Actions = { "s3:*" },
                Resources = { "*" },
                Principals = { anyone },
                Conditions =
                {
                    new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs
                    {
                        Test = "StringEquals", Variable = "aws:ResourceAccount", Values = { Policies.Account(this) },
                    },
                },
            },
            statement);
    }

    /// <summary>An interface endpoint in one private subnet per zone with private DNS, so the service's own host name
    /// resolves to it; reachable on 443 from the instances only, and (where the service takes a policy) only for
    /// principals of this account.</summary>
    void InterfaceEndpoint(string name, InterfaceEndpointService service, Layout layout, Aws.Ec2.SecurityGroup group,
        IReadOnlyDictionary<string, string> tags, CustomResourceOptions child)
    {
        var endpoint = new Aws.Ec2.VpcEndpointArgs
        {
            VpcId = layout.VpcId,
            ServiceName = Output.Format($"com.amazonaws.{Policies.Region(this)}.{service.Name}"),
            VpcEndpointType = "Interface",
            SubnetIds = layout.EndpointSubnetIds,
            SecurityGroupIds = { group.Id },
            PrivateDnsEnabled = true,
            Tags = Tagging.Named(tags, $"{name}-{service.Name}"),
        };
        if (service.TakesPolicy)
            endpoint.Policy = Policies.Document(this, new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
            {
                Sid = "PrincipalsOfThisAccount",
                Actions = { $"{service.ActionPrefix}:*" },
                Resources = { "*" },
                Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "*", Identifiers = { "*" } } },
                Conditions =
                {
                    new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs
                    {
                        Test = "StringEquals", Variable = "aws:PrincipalAccount", Values = { Policies.Account(this) },
                    },
                },
            });
        new Aws.Ec2.VpcEndpoint($"{name}-{service.Name}", endpoint, child);
    }

    static void FlowLogs(string name, Output<string> vpcId, FlowLogArgs flowLogs, IReadOnlyDictionary<string, string> tags,
        CustomResourceOptions child)
    {
        var logGroup = new Aws.CloudWatch.LogGroup($"{name}-flow-logs", new Aws.CloudWatch.LogGroupArgs
        {
            NamePrefix = $"/vpc/{name}-flow-logs-",
            RetentionInDays = flowLogs.RetentionDays,
            KmsKeyId = flowLogs.KmsKeyArn!,
            Tags = Tagging.Named(tags, $"{name}-flow-logs"),
        }, child);
        var role = new Aws.Iam.Role($"{name}-flow-logs", new Aws.Iam.RoleArgs
        {
            Description = "Lets VPC flow logs write to their log group",
            AssumeRolePolicy = Policies.AssumedBy("vpc-flow-logs.amazonaws.com", child.Parent!, Policies.Account(child.Parent!)),
            Tags = Tagging.Named(tags, $"{name}-flow-logs"),
        }, child);
        new Aws.Iam.RolePolicy($"{name}-flow-logs", new Aws.Iam.RolePolicyArgs
        {
            Role = role.Id,
            Policy = Policies.Document(child.Parent!, new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
            {
                Actions = { "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams" },
                Resources = { logGroup.Arn, Output.Format($"{logGroup.Arn}:*") },
            }),
        }, child);
        new Aws.Ec2.FlowLog($"{name}-flow-logs", new Aws.Ec2.FlowLogArgs
        {
            VpcId = vpcId,
            TrafficType = flowLogs.TrafficType,
            LogDestinationType = "cloud-watch-logs",
            LogDestination = logGroup.Arn,
            IamRoleArn = role.Arn,
            MaxAggregationInterval = 60,
            Tags = Tagging.Named(tags, $"{name}-flow-logs"),
        }, child);
    }

    /// <summary>The /64 with the given index inside the VPC's Amazon-provided /56.</summary>
    internal static Output<string> Ipv6Subnet(Output<string> vpcBlock, int index) => vpcBlock.Apply(block =>
    {
        var network = IPNetwork.Parse(block);
        var bytes = network.BaseAddress.GetAddressBytes();
        bytes[7] = (byte)(bytes[7] + index);
        return $"{new IPAddress(bytes)}/64";
    });
}

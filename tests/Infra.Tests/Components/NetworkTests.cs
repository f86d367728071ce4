using System.Collections.Immutable;
using Infra.Components.Network;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Components;

public class NetworkTests
{
    const string Vpc = "aws:ec2/vpc:Vpc", Subnet = "aws:ec2/subnet:Subnet", RouteTable = "aws:ec2/routeTable:RouteTable",
        Route = "aws:ec2/route:Route", Association = "aws:ec2/routeTableAssociation:RouteTableAssociation",
        Eip = "aws:ec2/eip:Eip", Nat = "aws:ec2/natGateway:NatGateway", Igw = "aws:ec2/internetGateway:InternetGateway",
        Eigw = "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway", Endpoint = "aws:ec2/vpcEndpoint:VpcEndpoint",
        Group = "aws:ec2/securityGroup:SecurityGroup", Ingress = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        Egress = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", FlowLog = "aws:ec2/flowLog:FlowLog",
        LogGroup = "aws:cloudwatch/logGroup:LogGroup", Role = "aws:iam/role:Role", RolePolicy = "aws:iam/rolePolicy:RolePolicy";

    static async Task<(Graph Graph, Network Network)> Build(NetworkArgs args, FakeAws? aws = null)
    {
        var engine = new TestEngine(aws);
        Network? network = null;
        var graph = await engine.RunAsync(async () =>
        {
            network = await Network.CreateAsync("net", args, engine.Options());
            return new Dictionary<string, object?>();
        });
        return (graph, network!);
    }

    static string Str(ImmutableDictionary<string, object> inputs, string key) => (string)inputs[key];

    [Test]
    public async Task Two_zones_with_a_single_nat_create_exactly_the_expected_resources()
    {
        var (graph, _) = await Build(new NetworkArgs { AvailabilityZoneCount = 2, Nat = NatStrategy.Single });
        Assert.That(graph.CountsByType(), Is.EquivalentTo(new Dictionary<string, int>
        {
            [Network.Type] = 1, [Vpc] = 1, [Subnet] = 4, [Igw] = 1, [RouteTable] = 3, [Route] = 3, [Association] = 4,
            [Eip] = 1, [Nat] = 1, [Endpoint] = 1, [Group] = 3, ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"] = 1, [Ingress] = 4, [Egress] = 4,
        }));
    }

    [Test]
    public async Task Three_zones_with_a_nat_per_zone_create_exactly_the_expected_resources()
    {
        var (graph, _) = await Build(new NetworkArgs { AvailabilityZoneCount = 3, Nat = NatStrategy.OnePerAz });
        Assert.That(graph.CountsByType(), Is.EquivalentTo(new Dictionary<string, int>
        {
            [Network.Type] = 1, [Vpc] = 1, [Subnet] = 6, [Igw] = 1, [RouteTable] = 4, [Route] = 4, [Association] = 6,
            [Eip] = 3, [Nat] = 3, [Endpoint] = 1, [Group] = 3, ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"] = 1, [Ingress] = 4, [Egress] = 4,
        }));
    }

    [Test]
    public async Task The_s3_endpoint_reaches_only_this_accounts_buckets_and_the_aws_software_repositories()
    {
        var (graph, _) = await Build(new NetworkArgs());
        var endpoint = graph.OfType("aws:ec2/vpcEndpoint:VpcEndpoint").Single().Inputs;
        var statements = System.Text.Json.JsonDocument.Parse((string)endpoint["policy"]).RootElement.GetProperty("Statement").EnumerateArray()
            .ToDictionary(statement => statement.GetProperty("Sid").GetString()!);
        Assert.That(statements["BucketsOfThisAccount"].GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:ResourceAccount").GetString(),
            Is.EqualTo(FakeAws.AccountId));
        var repositories = statements["AwsSoftwareRepositories"];
        Assert.That(repositories.GetProperty("Action").GetString(), Is.EqualTo("s3:GetObject"));
        Assert.That(repositories.GetProperty("Resource").EnumerateArray().Select(r => r.GetString()),
            Does.Contain("arn:aws:s3:::al2023-repos-us-east-1-*/*").And.Contain("arn:aws:s3:::amazon-ssm-us-east-1/*"));
    }

    [Test]
    public async Task The_default_security_group_is_emptied_and_flow_logs_trust_only_this_account()
    {
        var (graph, _) = await Build(new NetworkArgs { FlowLogs = new FlowLogArgs() });
        var locked = graph.OfType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").Single().Inputs;
        Assert.That((((System.Collections.Immutable.ImmutableArray<object>)locked["ingress"]).Length, ((System.Collections.Immutable.ImmutableArray<object>)locked["egress"]).Length),
            Is.EqualTo((0, 0)));
        var trust = System.Text.Json.JsonDocument.Parse((string)graph.OfType("aws:iam/role:Role").Single().Inputs["assumeRolePolicy"]).RootElement.GetProperty("Statement")[0];
        Assert.That(trust.GetProperty("Condition").GetProperty("StringEquals").GetProperty("aws:SourceAccount").GetString(), Is.EqualTo(FakeAws.AccountId));
        Assert.That(graph.OfType("aws:ec2/flowLog:FlowLog").Single().Inputs["trafficType"], Is.EqualTo("ALL"));
    }

    [Test]
    public async Task A_zone_count_takes_the_first_zones_in_name_order_and_cannot_exceed_the_region()
    {
        var (_, network) = await Build(new NetworkArgs { AvailabilityZoneCount = 3 });
        Assert.That(await network.AvailabilityZones.ValueAsync(), Is.EqualTo(new[] { "us-east-1a", "us-east-1b", "us-east-1c" }));

        var error = Assert.ThrowsAsync<RunException>(() => Build(new NetworkArgs { AvailabilityZoneCount = 3 }, new FakeAws("eu-north-1", 2)));
        Assert.That(error!.Message, Does.Contain("network.availabilityZoneCount = 3: the region has 2 available zones"));
    }

    [Test]
    public async Task Under_one_nat_per_zone_each_private_table_routes_to_the_nat_in_its_own_zone()
    {
        var (graph, _) = await Build(new NetworkArgs { AvailabilityZoneCount = 3, Nat = NatStrategy.OnePerAz });
        var subnetZoneById = new Dictionary<string, string>();
        foreach (var subnet in graph.All<Aws.Ec2.Subnet>())
            subnetZoneById[await subnet.Id.ValueAsync()] = Str(graph.InputsOf(subnet), "availabilityZone");
        var natZoneById = new Dictionary<string, string>();
        foreach (var nat in graph.All<Aws.Ec2.NatGateway>())
            natZoneById[await nat.Id.ValueAsync()] = subnetZoneById[Str(graph.InputsOf(nat), "subnetId")];

        foreach (var zone in new[] { "us-east-1a", "us-east-1b", "us-east-1c" })
        {
            var table = graph.Single<Aws.Ec2.RouteTable>($"net-private-{zone}");
            var tableId = await table.Id.ValueAsync();
            var route = graph.OfType(Route).Single(r => Str(r.Inputs, "routeTableId") == tableId);
            Assert.That(Str(route.Inputs, "destinationCidrBlock"), Is.EqualTo("0.0.0.0/0"));
            Assert.That(natZoneById[Str(route.Inputs, "natGatewayId")], Is.EqualTo(zone));
        }
    }

    [Test]
    public async Task Without_nat_private_tables_have_no_internet_route()
    {
        var (graph, network) = await Build(new NetworkArgs { Nat = NatStrategy.None });
        Assert.That(graph.Count(Nat), Is.Zero);
        Assert.That(graph.OfType(Route).Select(r => r.Name), Is.EqualTo(new[] { "net-public-ipv4" }));
        Assert.That(await network.NatGatewayIds.ValueAsync(), Is.Empty);
    }

    [Test]
    public async Task Subnet_cidrs_lie_inside_the_vpc_and_never_overlap()
    {
        var (graph, _) = await Build(new NetworkArgs { VpcCidr = "10.1.0.0/16", AvailabilityZoneCount = 3, IsolatedSubnetPrefix = 24 });
        Cidr.TryParse("10.1.0.0/16", out var vpc);
        var blocks = graph.OfType(Subnet).Select(s => Cidr.TryParse(Str(s.Inputs, "cidrBlock"), out var c) ? c : throw new FormatException()).ToList();
        Assert.That(blocks, Has.Count.EqualTo(9));
        Assert.That(blocks.All(vpc.Contains), Is.True);
        for (var i = 0; i < blocks.Count; i++)
            for (var j = i + 1; j < blocks.Count; j++)
                Assert.That(blocks[i].Overlaps(blocks[j]), Is.False, $"{blocks[i]} overlaps {blocks[j]}");
    }

    [Test]
    public async Task Instances_accept_app_ports_only_from_the_load_balancer_group_and_ssh_only_from_admin_ranges()
    {
        var (graph, network) = await Build(new NetworkArgs { AdminCidrs = ["203.0.113.0/24"] });
        var lb = await network.LoadBalancerSecurityGroupId.ValueAsync();
        var instances = await network.InstanceSecurityGroupId.ValueAsync();
        var workers = await network.WorkerSecurityGroupId.ValueAsync();
        var ingress = graph.OfType(Ingress).Select(r => r.Inputs).ToList();

        var toInstances = ingress.Where(r => Str(r, "securityGroupId") == instances).ToList();
        Assert.That(toInstances.Where(r => r.ContainsKey("referencedSecurityGroupId")).Select(r => (Str(r, "referencedSecurityGroupId"), (double)r["fromPort"])),
            Is.EquivalentTo(new[] { (lb, 8080.0), (lb, 8443.0) }));
        Assert.That(toInstances.Where(r => r.ContainsKey("cidrIpv4")).Select(r => (Str(r, "cidrIpv4"), (double)r["fromPort"])),
            Is.EqualTo(new[] { ("203.0.113.0/24", 22.0) }));
        Assert.That(ingress.Where(r => Str(r, "securityGroupId") == lb).Select(r => ((double)r["fromPort"], Str(r, "cidrIpv4"))),
            Is.EquivalentTo(new[] { (80.0, "0.0.0.0/0"), (443.0, "0.0.0.0/0") }));
        Assert.That(ingress.Any(r => Str(r, "securityGroupId") == workers), Is.False);

        var lbEgress = graph.OfType(Egress).Select(r => r.Inputs).Where(r => Str(r, "securityGroupId") == lb).ToList();
        Assert.That(lbEgress.Select(r => Str(r, "referencedSecurityGroupId")).Distinct(), Is.EqualTo(new[] { instances }));
    }

    [Test]
    public async Task Ipv6_adds_exactly_its_gateway_routes_rules_and_subnet_blocks()
    {
        var (plain, _) = await Build(new NetworkArgs());
        var (dual, _) = await Build(new NetworkArgs { Ipv6 = true });
        var added = dual.CountsByType().Select(pair => (pair.Key, pair.Value - plain.CountsByType().GetValueOrDefault(pair.Key)))
            .Where(pair => pair.Item2 != 0).ToDictionary();
        Assert.That(added, Is.EquivalentTo(new Dictionary<string, int> { [Eigw] = 1, [Route] = 3, [Ingress] = 2, [Egress] = 2 }));
        var blocks = dual.OfType(Subnet).Select(s => Str(s.Inputs, "ipv6CidrBlock")).ToList();
        Assert.That(blocks, Is.Unique.And.All.EndsWith("/64"));
        Assert.That(dual.OfType(Route).Count(r => r.Inputs.ContainsKey("egressOnlyGatewayId")), Is.EqualTo(2));
    }

    [Test]
    public async Task Flow_logs_add_a_log_group_a_role_that_only_writes_to_it_and_the_flow_log()
    {
        var (plain, _) = await Build(new NetworkArgs());
        var (logged, _) = await Build(new NetworkArgs { FlowLogs = new FlowLogArgs { RetentionDays = 90 } });
        Assert.That(logged.Registrations.Count - plain.Registrations.Count, Is.EqualTo(4));
        var group = logged.OfType(LogGroup).Single().Inputs;
        Assert.That(group["retentionInDays"], Is.EqualTo(90.0));
        Assert.That(Str(logged.OfType(Role).Single().Inputs, "assumeRolePolicy"), Does.Contain("vpc-flow-logs.amazonaws.com"));
        var policy = Str(logged.OfType(RolePolicy).Single().Inputs, "policy");
        Assert.That(policy, Does.Contain("logs:PutLogEvents").And.Contain("arn:aws:logs:us-east-1:123456789012:log-group:"));
        Assert.That(policy, Does.Not.Contain("\"*\""));
        Assert.That(Str(logged.OfType(FlowLog).Single().Inputs, "logDestinationType"), Is.EqualTo("cloud-watch-logs"));
    }

    [Test]
    public async Task Every_child_is_parented_to_the_component_and_outputs_resolve()
    {
        var (graph, network) = await Build(new NetworkArgs());
        var children = graph.Resources.Where(r => r != network && graph.Capture.Saw(r)).ToList();
        Assert.That(children, Is.Not.Empty);
        Assert.That(children.All(r => graph.Capture.ParentOf(r) == network), Is.True);
        Assert.That(await network.VpcId.ValueAsync(), Does.StartWith("vpc-"));
        Assert.That(await network.VpcCidr.ValueAsync(), Is.EqualTo("10.0.0.0/16"));
        Assert.That(await network.PrivateSubnetIds.ValueAsync(), Has.Length.EqualTo(2).And.All.StartWith("subnet-"));
        Assert.That(await network.PublicSubnetIds.ValueAsync(), Has.Length.EqualTo(2));
        Assert.That(await network.IsolatedSubnetIds.ValueAsync(), Is.Empty);
    }

    [Test]
    public async Task Every_resource_is_tagged_with_a_name_and_the_common_tags()
    {
        var (graph, _) = await Build(new NetworkArgs { Tags = new Dictionary<string, string> { ["project"] = "infra" } });
        var tagged = graph.Registrations.Where(r => r.Type != Network.Type && r.Type != Route && r.Type != Association && r.Type != RolePolicy).ToList();
        foreach (var resource in tagged)
        {
            var tags = (ImmutableDictionary<string, object>)resource.Inputs["tags"];
            Assert.That(tags["project"], Is.EqualTo("infra"), resource.Name);
            Assert.That(tags.ContainsKey("Name"), Is.True, resource.Name);
        }
    }

    static IEnumerable<TestCaseData> InvalidArgs()
    {
        yield return new TestCaseData(new NetworkArgs { VpcCidr = "10.0.0.0/33" }, "network.vpcCidr = '10.0.0.0/33': must be an IPv4 CIDR block");
        yield return new TestCaseData(new NetworkArgs { VpcCidr = "10.0.0.1/16" }, "network.vpcCidr = '10.0.0.1/16': must be an IPv4 CIDR block");
        yield return new TestCaseData(new NetworkArgs { VpcCidr = "10.0.0.0/8" }, "network.vpcCidr = '10.0.0.0/8': prefix must be between /16 and /28");
        yield return new TestCaseData(new NetworkArgs { VpcCidr = "10.0.0.0/22" }, "network.vpcCidr = '10.0.0.0/22': too small for 4 subnets");
        yield return new TestCaseData(new NetworkArgs { AvailabilityZoneCount = 1 }, "network.availabilityZoneCount = 1: needs 2 to 6 zones");
        yield return new TestCaseData(new NetworkArgs { AvailabilityZones = ["us-east-1a", "us-east-1a"] }, "zones must be distinct");
        yield return new TestCaseData(new NetworkArgs { PrivateSubnetPrefix = 29 }, "network.privateSubnetPrefix = 29: must be between 16 and 28");
        yield return new TestCaseData(new NetworkArgs { AdminCidrs = ["0.0.0.0/0"] }, "network.adminCidrs = '0.0.0.0/0': SSH from the whole internet is refused");
        yield return new TestCaseData(new NetworkArgs { AdminCidrs = ["::/0"] }, "network.adminCidrs = '::/0': SSH from the whole internet is refused");
        yield return new TestCaseData(new NetworkArgs { AdminCidrs = ["office"] }, "network.adminCidrs = 'office': must be an IPv4 or IPv6 CIDR block");
        yield return new TestCaseData(new NetworkArgs { AppPorts = [0, 8080] }, "network.appPorts[0] = 0: ports must be between 1 and 65535");
        yield return new TestCaseData(new NetworkArgs { FlowLogs = new FlowLogArgs { RetentionDays = 10 } }, "network.flowLogs.retentionDays = 10: must be one of 1, 3, 5");
        yield return new TestCaseData(new NetworkArgs { FlowLogs = new FlowLogArgs { TrafficType = "SOME" } }, "network.flowLogs.trafficType = 'SOME': must be one of ACCEPT, REJECT, ALL");
    }

    [TestCaseSource(nameof(InvalidArgs))]
    public void Invalid_args_fail_before_anything_is_created(NetworkArgs args, string message)
    {
        var engine = new TestEngine();
        var error = Assert.ThrowsAsync<RunException>(() => engine.RunAsync(async () =>
        {
            await Network.CreateAsync("net", args, engine.Options());
            return new Dictionary<string, object?>();
        }));
        Assert.That(error!.Message, Does.Contain(message));
        Assert.That(engine.Registrations, Is.Empty);
    }

    [Test]
    public void A_single_zone_is_allowed_only_for_a_throwaway_stack_and_all_problems_come_together()
    {
        Assert.That(new NetworkArgs { AvailabilityZoneCount = 1, Throwaway = true, Nat = NatStrategy.Single }.Validate(), Is.Empty);
        var problems = new NetworkArgs { AvailabilityZoneCount = 1, VpcCidr = "nope", AdminCidrs = ["0.0.0.0/0"] }.Validate();
        Assert.That(problems.Select(p => p.Key), Is.EquivalentTo(new[] { "network.availabilityZoneCount", "network.vpcCidr", "network.adminCidrs" }));
    }
}

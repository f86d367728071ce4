using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Infra.Plan;
using Infra.Plan.Checks;
using Infra.Plan.Cost;
using Infra.Plan.Diff;
using Infra.Plan.Simulate;

namespace Infra.Tests.Stacks;

/// <summary>The accounts teams already have: the example stacks of an existing VPC and of a private-only network
/// (examples/), followed from the given subnets and the endpoints to the groups, and prod with a certificate it issues.</summary>
public class NetworkChoiceTests
{
    const string Endpoint = "aws:ec2/vpcEndpoint:VpcEndpoint";
    static readonly string[] PrivateOnlyServices = ["ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "autoscaling", "sqs"];

    static readonly Lazy<Task<(PlanDocument Plan, Graph Graph)>> ExistingVpc = new(() => ExampleStack.PlanAsync("existing-vpc"));
    static readonly Lazy<Task<(PlanDocument Plan, Graph Graph)>> PrivateOnly = new(() => ExampleStack.PlanAsync("private-only"));

    static ImmutableArray<object> List(object value) => (ImmutableArray<object>)value;

    static string[] Strings(object value) => [.. List(value).Cast<string>()];

    [Test]
    public async Task An_existing_vpc_gets_no_network_of_its_own_and_everything_uses_the_given_subnets()
    {
        var (plan, graph) = await ExistingVpc.Value;
        foreach (var type in new[] { "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway",
                     "aws:ec2/eip:Eip", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation",
                     "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", Endpoint })
            Assert.That(graph.Count(type), Is.Zero, type);

        const string vpc = "vpc-0a1b2c3d4e5f67890";
        string[] publicIds = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], privateIds = ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"];
        Assert.That(Strings(graph.OfType("aws:lb/loadBalancer:LoadBalancer").Single().Inputs["subnets"]), Is.EqualTo(publicIds));
        Assert.That(graph.OfType("aws:autoscaling/group:Group").Select(group => Strings(group.Inputs["vpcZoneIdentifiers"])), Is.All.EqualTo(privateIds));
        Assert.That(graph.OfType("aws:ec2/securityGroup:SecurityGroup").Select(group => group.Inputs["vpcId"]), Is.EqualTo(new[] { vpc, vpc, vpc }));
        Assert.That(graph.OfType("aws:lb/targetGroup:TargetGroup").Select(group => group.Inputs["vpcId"]), Is.All.EqualTo(vpc));
        Assert.That(graph.OfType("aws:ec2/flowLog:FlowLog").Single().Inputs["vpcId"], Is.EqualTo(vpc));
        Assert.That(PlanGraph.Text(plan.Outputs["vpcId"]), Is.EqualTo(vpc));

        // The subnets' routes are the VPC owner's: the plan says it cannot judge them instead of refusing or passing.
        Assert.That(plan.Findings.Select(finding => (finding.Rule, finding.Severity)), Is.EquivalentTo(new[] { ("NET001", Severity.Warning), ("NET001", Severity.Warning) }));
        Assert.That(plan.Findings[0].Message, Does.Contain("routes of its 2 existing subnet(s) are not in the plan"));
        using (var project = ProjectCopy.With("existing-vpc", ExampleStack.Yaml("existing-vpc")))
            Assert.That(CheckCommand.Run(plan, StackFile.Load(project.Path, "existing-vpc")).Summary, Is.EqualTo("existing-vpc: 0 error(s), 0 warning(s), 11 acknowledged"));
        Assert.That(new CostModel(PriceBook.Default, new UsageProfile()).Estimate(plan).Monthly("desired"), Is.GreaterThan(0));
        var web = TierModel.From(plan).Single(tier => tier.Name == "web");
        Assert.That((web.Min, web.Max), Is.EqualTo((2, 4)));
        Assert.That(PlanDiff.Between(plan, plan).Summary.Empty, Is.True);
    }

    [Test]
    public void An_existing_vpc_is_checked_before_anything_is_created()
    {
        string[] Given(string network) => [.. Problems("existing-vpc", config =>
        {
            config["infra:network"] = network;
            return config;
        })];
        Assert.That(Given("""{"existingVpc":{"vpcId":"vpc-1","publicSubnetIds":["subnet-0a1b2c3d"],"privateSubnetIds":["subnet-0a1b2c3d","sub-2"]}}"""),
            Is.EqualTo(new[]
            {
                "infra:network.existingVpc.vpcId = 'vpc-1': must match ^vpc-([0-9a-f]{8}|[0-9a-f]{17})$",
                "infra:network.existingVpc.privateSubnetIds[1] = 'sub-2': must match ^subnet-([0-9a-f]{8}|[0-9a-f]{17})$",
            }));
        var problems = Given("""{"vpcCidr":"10.0.0.0/16","existingVpc":{"vpcId":"vpc-0a1b2c3d","publicSubnetIds":["subnet-0a1b2c3d"],"privateSubnetIds":["subnet-0a1b2c3d","subnet-0a1b2c3e"]}}""");
        Assert.That(problems, Has.Some.Contains("an existing VPC has its own addresses, zones and routing: remove vpcCidr"), string.Join("\n", problems));
        Assert.That(problems, Has.Some.Contains("each subnet is either public or private, listed once"));
        Assert.That(problems, Has.Some.Contains("an internet-facing application balancer needs public subnets in at least 2 zones"));
    }

    static IReadOnlyList<string> Problems(string stack, Func<Dictionary<string, string>, Dictionary<string, string>> change)
    {
        using var project = ProjectCopy.With(stack, File.ReadAllText(Path.Combine(StackRun.ProjectDirectory, "examples", $"Pulumi.{stack}.yaml")));
        var file = StackFile.Load(project.Path, stack);
        try
        {
            Infra.Configuration.StackSettings.Load(new Infra.Configuration.ConfigSource("infra", stack, change(new Dictionary<string, string>(file.Config)), file.SecretKeys));
            return [];
        }
        catch (Infra.Components.Shared.ValidationException failure)
        {
            return [.. failure.Problems.Select(problem => problem.ToString())];
        }
    }

    [Test]
    public async Task A_private_only_network_reaches_aws_through_one_private_dns_endpoint_per_service_open_to_the_instances_only()
    {
        var (plan, graph) = await PrivateOnly.Value;
        Assert.That(plan.Findings, Is.Empty, "NET001 passes: every service the tiers call has an endpoint");
        Assert.That(graph.Count("aws:ec2/natGateway:NatGateway"), Is.Zero);
        var endpoints = graph.OfType(Endpoint).Where(endpoint => (string)endpoint.Inputs["vpcEndpointType"] == "Interface").ToList();
        Assert.That(endpoints.Select(endpoint => ((string)endpoint.Inputs["serviceName"]).Split('.').Last()), Is.EquivalentTo(PrivateOnlyServices));
        var privateSubnets = graph.OfType("aws:autoscaling/group:Group").Select(group => Strings(group.Inputs["vpcZoneIdentifiers"])).First();
        var endpointGroups = endpoints.Select(endpoint => Strings(endpoint.Inputs["securityGroupIds"]).Single()).Distinct().ToList();
        foreach (var endpoint in endpoints)
        {
            Assert.That(endpoint.Inputs["privateDnsEnabled"], Is.EqualTo(true));
            Assert.That(Strings(endpoint.Inputs["subnetIds"]), Is.EqualTo(privateSubnets));
        }

        // Their group admits HTTPS from the web and worker groups, nothing else.
        var launchGroups = graph.OfType("aws:ec2/launchTemplate:LaunchTemplate").SelectMany(template => Strings(template.Inputs["vpcSecurityGroupIds"])).ToHashSet();
        var ingress = graph.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").Where(rule => (string)rule.Inputs["securityGroupId"] == endpointGroups.Single()).ToList();
        Assert.That(ingress.Select(rule => ((double)rule.Inputs["fromPort"], (double)rule.Inputs["toPort"], rule.Inputs.ContainsKey("cidrIpv4"))), Is.All.EqualTo((443.0, 443.0, false)));
        Assert.That(ingress.Select(rule => (string)rule.Inputs["referencedSecurityGroupId"]), Is.EquivalentTo(launchGroups));

        // Least privilege where the service takes a policy: principals of this account only.
        var policies = endpoints.ToDictionary(endpoint => ((string)endpoint.Inputs["serviceName"]).Split('.').Last(), endpoint => endpoint.Inputs.GetValueOrDefault("policy") as string);
        Assert.That(policies.Where(pair => pair.Value is null).Select(pair => pair.Key), Is.EquivalentTo(new[] { "ssmmessages", "ec2messages" }));
        var sqs = JsonNode.Parse(policies["sqs"]!)!["Statement"]![0]!;
        Assert.That(((string?)sqs["Action"], (string?)sqs["Condition"]!["StringEquals"]!["aws:PrincipalAccount"]), Is.EqualTo(("sqs:*", FakeAws.AccountId)));

        var report = new CostModel(PriceBook.Default, new UsageProfile()).Estimate(plan);
        var priced = report.Resources.Where(resource => resource.Resource.Type == Endpoint && resource.Items.Count > 0).ToList();
        Assert.That(priced, Has.Count.EqualTo(PrivateOnlyServices.Length));
        Assert.That(priced[0].Monthly("desired"), Is.EqualTo(2 * 730 * 0.01 + 5 * 0.01).Within(1e-9), "two zone-hours a month plus 5 GB processed");
        Assert.That(report.Unpriced.Where(item => item.Urn.Contains(Endpoint, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task Without_nat_a_missing_endpoint_is_named_and_stops_the_plan()
    {
        var plan = await PlanRunner.RunAsync(StackRun.ProjectDirectory, "dev", StackRun.With(
            ("infra:network", """{"vpcCidr":"10.20.0.0/16","nat":"None","interfaceEndpoints":["ssm","ssmmessages","ec2messages","logs","monitoring"]}""")));
        var finding = plan.Findings.Where(finding => finding.Rule == "NET001").First();
        Assert.That((finding.Severity, finding.Fix), Is.EqualTo((Severity.Error,
            "set infra:network.nat to Single or OnePerAz, or add autoscaling, sqs to infra:network.interfaceEndpoints")));
    }

    [Test]
    public async Task Prod_can_issue_its_certificate_validated_in_its_zone_for_the_https_listener()
    {
        var plan = await PlanRunner.RunAsync(StackRun.ProjectDirectory, "prod", config =>
        {
            var balancer = JsonNode.Parse(config["infra:loadBalancer"])!.AsObject();
            balancer.Remove("certificateArn");
            balancer["issueCertificate"] = true;
            config["infra:loadBalancer"] = balancer.ToJsonString();
            return config;
        });
        Assert.That(plan.Findings, Is.Empty);
        var certificate = plan.Resources.Single(resource => resource is { Type: "aws:acm/certificate:Certificate", Name: "web-lb-certificate" });
        Assert.That((PlanGraph.Text(certificate.Inputs["domainName"]), PlanGraph.Text(certificate.Inputs["validationMethod"]), certificate.Provider),
            Is.EqualTo(("www.example.com", "DNS", (string?)null)), "in the stack's region: the default provider");
        var record = plan.Resources.Single(resource => resource is { Type: "aws:route53/record:Record", Name: "web-lb-validation-www.example.com" });
        Assert.That(PlanGraph.Text(record.Inputs["zoneId"]), Is.EqualTo("Z04517273VCLIDX9UFTAO"));
        var validation = plan.Resources.Single(resource => resource.Type == "aws:acm/certificateValidation:CertificateValidation" && resource.Name == "web-lb-certificate");
        Assert.That(PlanGraph.Text(validation.Inputs["certificateArn"]), Is.EqualTo(PlanGraph.Text(certificate.Outputs["arn"])));
        Assert.That(PlanGraph.Items(validation.Inputs["validationRecordFqdns"]).Select(PlanGraph.Text), Is.EqualTo(new[] { PlanGraph.Text(record.Outputs["fqdn"]) }));
        var https = plan.Resources.Single(resource => resource is { Type: Types.Listener, Name: "web-lb-443" });
        Assert.That(PlanGraph.Text(https.Inputs["certificateArn"]), Is.EqualTo(PlanGraph.Text(certificate.Outputs["arn"])));
        Assert.That(https.DependsOn, Does.Contain(validation.Urn), "the listener waits for the validation");
        Assert.That(PlanGraph.Items(plan.Outputs["certificateNames"]).Select(PlanGraph.Text), Is.EqualTo(new[] { "www.example.com" }),
            "exported for a global stack, like an uploaded certificate's names");
    }

    [Test]
    public async Task More_names_than_a_certificate_holds_become_further_certificates_served_by_sni_but_not_on_a_classic_balancer()
    {
        var names = Enumerable.Range(1, 12).Select(i => $"site{i}.example.com").ToList();
        var (_, graph) = await ExampleStack.PlanAsync("existing-vpc", StackRun.With(("infra:loadBalancer",
            $$"""{"issueCertificate":true,"dns":{"zoneId":"Z04517273VCLIDX9UFTAO","domainName":"app.example.com"},"certificateNames":["*.example.com","example.com",{{string.Join(",", names.Select(name => $"\"{name}\""))}}]}""")));
        var certificates = graph.OfType("aws:acm/certificate:Certificate").Where(certificate => certificate.Name!.StartsWith("web-lb", StringComparison.Ordinal))
            .ToDictionary(certificate => certificate.Name!, certificate => Strings(certificate.Inputs["subjectAlternativeNames"]).Length + 1);
        Assert.That(certificates, Is.EquivalentTo(new Dictionary<string, int> { ["web-lb-certificate"] = 10, ["web-lb-certificate-2"] = 5 }));
        var sni = graph.OfType("aws:lb/listenerCertificate:ListenerCertificate").Single();
        Assert.That(sni.Name, Is.EqualTo("web-lb-443-certificate-2"));
        Assert.That(graph.Count("aws:route53/record:Record"), Is.EqualTo(14 + 1), "a validation record per name, one for the wildcard and its apex; the alias");

        var args = new Infra.Components.LoadBalancing.WebLoadBalancerArgs
        {
            Listeners = [new(443, "HTTPS", 8080, "HTTP")], IssueCertificate = true, CertificateNames = names,
            Dns = new("Z0123456789ABCDEFGHIJ", "www.example.com"),
        };
        Assert.That(args.Validate(), Is.Empty);
        var classic = (args with { Type = Infra.Components.LoadBalancing.LoadBalancerType.Classic }).Validate().Select(problem => problem.ToString());
        Assert.That(classic, Has.Some.Contains("a classic balancer serves one certificate (no SNI)"));
        Assert.That((args with { Dns = null }).Validate().Select(problem => problem.ToString()), Has.Some.Contains("issueCertificate = true: needs dns.zoneId and dns.domainName"));
        Assert.That((args with { Certificate = new() { Arn = "arn:aws:acm:us-east-1:123456789012:certificate/6f1c2b9e-2d4a-4c8e-9b7a-3e5f1a2b4c6d" } }).Validate()
            .Select(problem => problem.ToString()), Has.Some.Contains("give one certificate source"));
    }
}

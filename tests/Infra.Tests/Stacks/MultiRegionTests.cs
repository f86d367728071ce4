using System.Text.Json.Nodes;
using Infra.Components.Dns;
using Infra.Components.Shared;
using Infra.Configuration;
using Infra.Plan;
using Infra.Stacks;

namespace Infra.Tests.Stacks;

/// <summary>The multi-region example (examples/Pulumi.site-us.yaml, site-eu, site-global): two regional stacks behind
/// latency records of a global stack that reads their outputs through StackReferences, planned as a user would.</summary>
public class MultiRegionTests
{
    static readonly string[] Stacks = ["site-global", "site-us", "site-eu"];

    static readonly Lazy<Task<PlanDocument>> Site = new(async () =>
    {
        using var project = ProjectCopy.WithExamples(Stacks);
        return await PlanRunner.RunAsync(project.Path, "site-global");
    });

    static PlannedResource Balancer(PlanDocument region) => region.Resources.Single(resource => resource.Type == "aws:lb/loadBalancer:LoadBalancer");

    [Test]
    public async Task Each_region_gets_a_latency_alias_record_to_its_own_balancer_that_evaluates_target_health()
    {
        var site = await Site.Value;
        Assert.That(site.Regions.Select(region => (region.Stack, region.Region)), Is.EqualTo(new[] { ("site-us", "us-east-1"), ("site-eu", "eu-west-1") }));
        Assert.That(site.Findings, Is.Empty);
        var records = site.Resources.Where(resource => resource.Type == "aws:route53/record:Record").ToList();
        Assert.That(records, Has.Count.EqualTo(2));
        foreach (var region in site.Regions)
        {
            var record = records.Single(candidate => candidate.Inputs["setIdentifier"]?.GetValue<string>() == region.Stack);
            var balancer = Balancer(region);
            var alias = record.Inputs["aliases"]![0]!;
            Assert.That((record.Inputs["name"]?.GetValue<string>(), record.Inputs["type"]?.GetValue<string>()), Is.EqualTo(("www.example.com", "A")));
            Assert.That(record.Inputs["latencyRoutingPolicies"]![0]!["region"]!.GetValue<string>(), Is.EqualTo(region.Region));
            Assert.That(alias["name"]!.GetValue<string>(), Is.EqualTo(balancer.Outputs["dnsName"]!.GetValue<string>()), "the alias follows the StackReference to this region's balancer");
            Assert.That(alias["zoneId"]!.GetValue<string>(), Is.EqualTo(balancer.Outputs["zoneId"]!.GetValue<string>()));
            Assert.That(alias["evaluateTargetHealth"]!.GetValue<bool>(), Is.True);
            Assert.That(balancer.Inputs["internal"]?.GetValue<bool>() ?? false, Is.False, "an alias target must be internet-facing");
        }

        var references = site.Resources.Where(resource => resource.Type == "pulumi:pulumi:StackReference").Select(resource => resource.Inputs["name"]?.GetValue<string>());
        Assert.That(references, Is.EqualTo(new[] { "organization/infra/site-us", "organization/infra/site-eu" }));
    }

    [Test]
    public async Task Changing_one_regions_stack_file_changes_nothing_in_the_other_regions_plan()
    {
        var before = await Site.Value;
        using var project = ProjectCopy.WithExamples(Stacks);
        File.WriteAllText(project.StackFile("site-eu"), ProjectCopy.Example("site-eu").Replace("instanceType: m5.large", "instanceType: t3.large", StringComparison.Ordinal));
        var after = await PlanRunner.RunAsync(project.Path, "site-global");

        Assert.That(JsonPlan.Render(after.Regions[0]), Is.EqualTo(JsonPlan.Render(before.Regions[0])), "site-us is planned from its own file alone");
        Assert.That(JsonPlan.Render(after.Regions[1]), Is.Not.EqualTo(JsonPlan.Render(before.Regions[1])), "the edit reached site-eu");
        static JsonNode? Record(PlanDocument site, string stack) =>
            site.Resources.Single(resource => resource.Type == "aws:route53/record:Record" && resource.Inputs["setIdentifier"]?.GetValue<string>() == stack).Inputs;
        Assert.That(JsonNode.DeepEquals(Record(after, "site-us"), Record(before, "site-us")), Is.True);
    }

    [Test]
    public async Task Failover_records_name_their_role_and_carry_a_health_check_of_their_own_balancer()
    {
        using var project = ProjectCopy.WithExamples(Stacks);
        File.WriteAllText(project.StackFile("site-global"), ProjectCopy.Example("site-global").Replace(
            "    routing: latency\n    regions:\n      - stack: site-us\n      - stack: site-eu\n",
            "    routing: failover\n    regions:\n      - { stack: site-us, failover: primary }\n      - { stack: site-eu, failover: secondary }\n    healthCheck: { path: /health }\n",
            StringComparison.Ordinal));
        var site = await PlanRunner.RunAsync(project.Path, "site-global");
        foreach (var (region, role) in site.Regions.Zip(new[] { "PRIMARY", "SECONDARY" }))
        {
            var record = site.Resources.Single(resource => resource.Type == "aws:route53/record:Record" && resource.Inputs["setIdentifier"]?.GetValue<string>() == region.Stack);
            Assert.That(record.Inputs["failoverRoutingPolicies"]![0]!["type"]!.GetValue<string>(), Is.EqualTo(role));
            Assert.That(record.Inputs["latencyRoutingPolicies"], Is.Null);
            var check = site.Resources.Single(resource => resource.Type == "aws:route53/healthCheck:HealthCheck" && resource.Outputs["id"]!.GetValue<string>() == record.Inputs["healthCheckId"]!.GetValue<string>());
            Assert.That((check.Inputs["type"]!.GetValue<string>(), check.Inputs["port"]!.GetValue<double>(), check.Inputs["resourcePath"]!.GetValue<string>()),
                Is.EqualTo(("HTTPS", 443.0, "/health")));
            Assert.That(check.Inputs["fqdn"]!.GetValue<string>(), Is.EqualTo(Balancer(region).Outputs["dnsName"]!.GetValue<string>()), "each region's check requests its own balancer");
        }
    }

    [Test]
    public async Task Cost_reports_each_region_and_the_site_in_total()
    {
        var site = await Site.Value;
        var model = new Infra.Plan.Cost.CostModel(Infra.Plan.Cost.PriceBook.Default, new Infra.Plan.Cost.UsageProfile());
        var cost = JsonNode.Parse(SiteSummary.CostJson("site-global", [.. site.Stacks.Select(model.Estimate)]))!;
        var stacks = cost["stacks"]!.AsArray();
        Assert.That(stacks.Select(stack => stack!["region"]!.GetValue<string>()), Is.EqualTo(new[] { "us-east-1", "eu-west-1", "us-east-1" }));
        var desired = stacks.Sum(stack => stack!["monthly"]!["desired"]!.GetValue<double>());
        Assert.That(cost["monthly"]!["desired"]!.GetValue<double>(), Is.EqualTo(desired).Within(0.02));
        Assert.That(stacks[1]!["monthly"]!["desired"]!.GetValue<double>(), Is.GreaterThan(100), "the EU region's own web tier");
    }

    [Test]
    public void An_internal_regional_balancer_is_refused_naming_the_global_key_that_lists_it()
    {
        var problems = RegionExports.Problems(TwoRegions, [Exports("us-east-1"), Exports("eu-west-1") with { Internal = true }]);
        Assert.That(problems.Select(problem => (problem.Key, problem.Value)), Is.EqualTo(new[] { ("infra:global.regions[1].stack", (object?)"site-eu") }));
        Assert.That(problems[0].Allowed, Does.Contain("internal"));
    }

    static IReadOnlyList<Problem> GlobalProblems(string global)
    {
        try
        {
            GlobalSettings.Load(new ConfigSource("infra", "site-global", new Dictionary<string, string> { ["aws:region"] = "us-east-1", ["infra:global"] = global },
                new HashSet<string>()));
            return [];
        }
        catch (ValidationException failure)
        {
            return failure.Problems;
        }
    }

    [TestCase("""{"domainName":"www.example.com","zoneId":"Z0123456789","routing":"failover","regions":[{"stack":"a","failover":"primary"},{"stack":"b","failover":"primary"}]}""",
        "infra:global.regions", "exactly one region with failover: primary")]
    [TestCase("""{"domainName":"www.example.com","zoneId":"Z0123456789","routing":"geolocation","regions":[{"stack":"a","continent":"EU"},{"stack":"b","country":"US"}]}""",
        "infra:global.regions", "default: true")]
    [TestCase("""{"domainName":"www.example.com","zoneId":"Z0123456789","regions":[{"stack":"a"},{"stack":"a"}]}""",
        "infra:global.regions[1].stack", "listed twice")]
    [TestCase("""{"domainName":"www.example.com","zoneId":"Z0123456789","regions":[{"stack":"a","continent":"EU"}]}""",
        "infra:global.regions[0]", "geolocation routing only")]
    public void A_site_Route_53_could_not_route_is_refused_with_one_problem_naming_the_key(string global, string key, string allowed)
    {
        var problems = GlobalProblems(global);
        Assert.That(problems.Select(problem => problem.Key), Is.EqualTo(new[] { key }), string.Join("\n", problems));
        Assert.That(problems[0].Allowed, Does.Contain(allowed));
    }

    [Test]
    public void A_global_stack_refuses_a_regional_section_naming_it()
    {
        var problems = new List<Problem>();
        try
        {
            GlobalSettings.Load(new ConfigSource("infra", "site-global", new Dictionary<string, string>
            {
                ["aws:region"] = "us-east-1",
                ["infra:global"] = """{"domainName":"www.example.com","zoneId":"Z0123456789","regions":[{"stack":"a"}]}""",
                ["infra:network"] = """{"nat":"Single"}""",
            }, new HashSet<string>()));
        }
        catch (ValidationException failure)
        {
            problems.AddRange(failure.Problems);
        }

        Assert.That(problems.Select(problem => problem.Key), Is.EqualTo(new[] { "infra:network" }));
    }

    static readonly SiteDnsArgs TwoRegions = new()
    {
        DomainName = "www.example.com",
        ZoneId = "Z0123456789",
        Regions = [new SiteRegionArgs { Stack = "site-us" }, new SiteRegionArgs { Stack = "site-eu" }],
    };

    static RegionExports Exports(string region, IReadOnlyList<string>? names = null, string? domain = null) =>
        new(region, $"web-lb.{region}.elb.amazonaws.com", "Z35SXDOTRQ7X7K", false, names, domain);

    [Test]
    public void Two_regions_in_the_same_AWS_region_are_refused() =>
        Assert.That(RegionExports.Problems(TwoRegions, [Exports("us-east-1"), Exports("us-east-1")]).Select(problem => problem.ToString()),
            Is.EqualTo(new[] { "infra:global.regions[1].stack = 'site-eu': is in us-east-1 like site-us: each region of the site is a different AWS region" }));

    [Test]
    public void A_regional_certificate_must_cover_the_shared_name_a_wildcard_of_its_parent_does()
    {
        var problems = RegionExports.Problems(TwoRegions, [Exports("us-east-1", ["*.example.com"]), Exports("eu-west-1", ["eu.example.com"])]);
        Assert.That(problems.Select(problem => problem.Key), Is.EqualTo(new[] { "infra:global.regions[1].stack" }));
        Assert.That(problems[0].Allowed, Does.Contain("eu.example.com, not www.example.com"));
    }

    [Test]
    public void A_region_with_its_own_simple_record_for_the_shared_name_and_one_not_deployed_are_refused()
    {
        var problems = RegionExports.Problems(TwoRegions, [Exports("us-east-1", domain: "www.example.com"), RegionExports.From(new Dictionary<string, object?>())]);
        Assert.That(problems.Select(problem => (problem.Key, problem.Allowed.Split(':')[0])), Is.EqualTo(new[]
        {
            ("infra:global.regions[0].stack", "already has a simple alias record for www.example.com (infra"),
            ("infra:global.regions[1].stack", "exports no region, loadBalancerDnsName and loadBalancerZoneId"),
        }));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Plan;
using Infra.Plan.Cost;
using Infra.Tests.Stacks;

namespace Infra.Tests.Tools;

/// <summary>The monthly estimate, checked by hand arithmetic against aws-prices.json (us-east-1, 730 hours).</summary>
public class CostTests
{
    static readonly Lazy<Task<PlanDocument>> Dev = new(() => PlanRunner.RunAsync(StackRun.ProjectDirectory, "dev"));
    static readonly Lazy<Task<PlanDocument>> Prod = new(() => PlanRunner.RunAsync(StackRun.ProjectDirectory, "prod"));

    static CostReport Estimate(PlanDocument plan) => new CostModel(PriceBook.Default, new UsageProfile()).Estimate(plan);

    static ResourceCost Resource(CostReport report, string type, string name) =>
        report.Resources.Single(resource => resource.Resource.Type == type && resource.Resource.Name == name);

    [Test]
    public async Task A_nat_gateway_for_a_month_is_its_hours_its_data_and_its_public_address()
    {
        var report = Estimate(await Dev.Value);
        var nat = Resource(report, "aws:ec2/natGateway:NatGateway", "network-nat-us-east-1a");
        Assert.That(nat.Monthly("desired", CostKind.Fixed), Is.EqualTo(0.045 * 730).Within(1e-9));
        Assert.That(nat.Monthly("desired", CostKind.Usage), Is.EqualTo(0.045 * 50).Within(1e-9), "50 GB processed by default");
        Assert.That(Resource(report, "aws:ec2/eip:Eip", "network-nat-us-east-1a").Monthly("desired"), Is.EqualTo(0.005 * 730).Within(1e-9));
    }

    [Test]
    public async Task Instances_cost_per_instance_at_each_capacity_of_the_group()
    {
        var web = Resource(Estimate(await Dev.Value), "aws:autoscaling/group:Group", "web");
        var perInstance = 0.0208 * 730 + 20 * 0.08; // t3.small hours and a 20 GB gp3 root volume
        Assert.That((web.Monthly("min"), web.Monthly("desired"), web.Monthly("max")),
            Is.EqualTo((perInstance * 1, perInstance * 1, perInstance * 3)).Using<(double, double, double)>((a, b) =>
                Math.Abs(a.Item1 - b.Item1) < 1e-9 && Math.Abs(a.Item2 - b.Item2) < 1e-9 && Math.Abs(a.Item3 - b.Item3) < 1e-9));
    }

    [Test]
    public async Task The_prod_schedule_runs_three_web_servers_on_weekday_business_hours_and_two_otherwise()
    {
        var web = Resource(Estimate(await Prod.Value), "aws:autoscaling/group:Group", "web");
        // 08:00 to 21:00 New York time, Monday to Friday: 5 x 13 = 65 hours at 3, the other 103 hours of the week at 2.
        Assert.That(web.Capacity.Scheduled, Is.EqualTo((65 * 3 + 103 * 2) / 168.0).Within(1e-9));
        var perInstance = 0.1008 * 730 + 20 * 0.08 + 2.10; // m7i.large, gp3 root, detailed monitoring
        Assert.That(web.Monthly("scheduled"), Is.EqualTo(perInstance * web.Capacity.Scheduled).Within(1e-6));
    }

    [Test]
    public async Task Components_and_the_stack_add_up_their_resources_and_fixed_plus_usage_is_the_whole()
    {
        var report = Estimate(await Prod.Value);
        foreach (var level in Capacity.Levels)
        {
            Assert.That(report.Components.Sum(component => component.Sum(resource => resource.Monthly(level))), Is.EqualTo(report.Monthly(level)).Within(1e-6));
            Assert.That(report.Monthly(level, CostKind.Fixed) + report.Monthly(level, CostKind.Usage), Is.EqualTo(report.Monthly(level)).Within(1e-6));
        }

        Assert.That(report.Monthly("min"), Is.LessThanOrEqualTo(report.Monthly("desired")));
        Assert.That(report.Monthly("scheduled"), Is.GreaterThan(report.Monthly("desired")).And.LessThan(report.Monthly("max")));
        var balancer = Resource(report, "aws:lb/loadBalancer:LoadBalancer", "web-lb");
        Assert.That(balancer.Monthly("desired", CostKind.Fixed), Is.EqualTo(0.0225 * 730 + 3 * 0.005 * 730).Within(1e-9), "an address per zone");
    }

    [Test]
    public async Task An_unknown_instance_type_is_named_as_unpriced_never_counted_as_zero()
    {
        var plan = await Dev.Value;
        plan = plan with
        {
            Resources = [.. plan.Resources.Select(resource => resource is { Type: "aws:ec2/launchTemplate:LaunchTemplate", Name: "web" }
                ? resource with { Inputs = new JsonObject(resource.Inputs.Select(pair => KeyValuePair.Create(pair.Key, pair.Key == "instanceType" ? JsonValue.Create("x9.huge") : pair.Value?.DeepClone()))) }
                : resource)],
        };
        var report = Estimate(plan);
        Assert.That(report.Unpriced.Select(missing => $"{missing.Name}: {missing.Item}: {missing.Why}"),
            Does.Contain("web: x9.huge instance-hours: no price for ec2.x9.huge.linux.onDemand in us-east-1 in the price book"));
        Assert.That(Resource(report, "aws:autoscaling/group:Group", "web").Items.Select(item => item.Name), Does.Not.Contain("x9.huge instance-hours"));
    }

    [Test]
    public async Task Another_region_uses_its_own_prices_and_a_region_without_prices_is_an_error()
    {
        var plan = (await Dev.Value) with { Region = "eu-west-1" };
        var report = Estimate(plan);
        Assert.That(Resource(report, "aws:ec2/natGateway:NatGateway", "network-nat-us-east-1a").Monthly("desired", CostKind.Fixed), Is.EqualTo(0.048 * 730).Within(1e-9));
        Assert.That(report.Unpriced.Select(missing => missing.Why), Has.Some.EqualTo("no price for ec2.t3.small.linux.onDemand in eu-west-1 in the price book"));
        var error = Assert.Throws<CostModel.UnknownRegion>(() => Estimate(plan with { Region = "ap-south-2" }))!;
        Assert.That(error.Message, Does.StartWith("no prices for region ap-south-2; the price book has us-east-1, eu-west-1"));
    }

    [Test]
    public async Task The_json_estimate_has_the_documented_shape()
    {
        var root = JsonDocument.Parse(CostRenderers.Json(Estimate(await Prod.Value))).RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "currency", "region", "pricesAsOf", "usage", "monthly", "components", "resources", "unpriced" }));
        Assert.That(root.GetProperty("monthly").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "min", "desired", "scheduled", "max" }));
        var nat = root.GetProperty("resources").EnumerateArray().First(r => r.GetProperty("type").GetString() == "aws:ec2/natGateway:NatGateway");
        var hours = nat.GetProperty("items")[0];
        Assert.That((hours.GetProperty("quantity").GetDouble(), hours.GetProperty("unitPrice").GetDouble(), hours.GetProperty("kind").GetString()),
            Is.EqualTo((730.0, 0.045, "fixed")));
        Assert.That(root.GetProperty("unpriced").EnumerateArray().Select(u => u.GetProperty("why").GetString()), Has.All.Contain("sqs.requests.standard").Or.Contain("cloudwatch.dashboard.month"), "the price book has neither");
    }

    [Test]
    public async Task The_cli_prints_a_table_per_component_and_the_plan_summary_carries_the_estimate()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.That(await Cli.RunAsync(["cost", "prod"], output, error), Is.Zero, error.ToString());
        var text = output.ToString();
        Assert.That(text, Does.Contain("fixed").And.Contain("usage").And.Contain("scheduled").And.Contain("Total"));
        Assert.That(text, Does.Contain("  network ").And.Contain("  web ").And.Contain("unpriced jobs: requests"));
        Assert.That(TreePlan.Summary(await Prod.Value), Does.Match(@", about \$\d{3} a month at desired capacity in "));
    }
}

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
    public async Task Another_region_uses_its_own_prices_and_a_partial_region_makes_the_total_incomplete_naming_what_is_missing()
    {
        var plan = (await Dev.Value) with { Region = "eu-west-1" };
        var report = Estimate(plan);
        Assert.That(Resource(report, "aws:ec2/natGateway:NatGateway", "network-nat-us-east-1a").Monthly("desired", CostKind.Fixed), Is.EqualTo(0.048 * 730).Within(1e-9));
        Assert.That(report.Unpriced.Select(missing => missing.Why), Has.Some.EqualTo("no price for ec2.t3.small.linux.onDemand in eu-west-1 in the price book"));
        Assert.That((report.Complete, report.PartialRegion), Is.EqualTo((false, PriceBook.Default.Partial("eu-west-1"))));
        Assert.That(report.Incompleteness, Does.StartWith("incomplete: ").And.Contain("ec2.t3.small.linux.onDemand").And.Contain("sqs.requests.standard"));
        // A region AWS opened after the book: only global services are priced, and the estimate says so.
        var unlisted = Estimate(plan with { Region = "xx-north-9" });
        Assert.That((unlisted.Complete, unlisted.PartialRegion), Is.EqualTo((false, "xx-north-9 is not in the price book (tools/Plan/Cost/aws-prices.json); only global services are priced")));
    }

    [Test]
    public void The_price_book_lists_every_project_region_and_marks_those_lacking_a_required_price_partial()
    {
        var book = PriceBook.Default;
        Assert.That(book.Regions, Is.EquivalentTo(Infra.Configuration.Regions.Known));
        foreach (var region in book.Regions)
        {
            var missing = book.Required.Where(item => book.Price(region, item) is null).ToList();
            Assert.That(book.Partial(region) is not null, Is.EqualTo(missing.Count > 0), $"{region} lacks {string.Join(", ", missing)}");
        }

        Assert.That(book.Partial("us-east-1"), Is.Null);
    }

    [Test]
    public async Task Every_price_the_committed_stacks_ask_for_is_one_a_complete_region_must_have()
    {
        var asked = new[] { Estimate(await Dev.Value), Estimate(await Prod.Value) }
            .SelectMany(report => report.Resources.SelectMany(resource => resource.Items.Select(item => item.PriceId))).ToHashSet();
        Assert.That(asked.Except(PriceBook.Default.Required), Is.Empty);
    }

    [Test]
    public async Task Queue_requests_are_priced_from_the_book_at_forty_cents_a_million_in_us_east_1()
    {
        // infracost sqs_queue_test.golden (us-east-1): standard queue requests $0.40 per 1M; the profile's 1 million a month.
        var queue = Resource(Estimate(await Dev.Value), "aws:sqs/queue:Queue", "jobs");
        Assert.That(queue.Monthly("desired", CostKind.Usage), Is.EqualTo(0.40).Within(1e-9));
    }

    [Test]
    public async Task An_unpriced_instance_type_makes_the_total_incomplete_everywhere_it_is_shown()
    {
        var plan = WithTemplate(await Dev.Value, "web", inputs => inputs["instanceType"] = "c7i.large");
        var report = Estimate(plan);
        Assert.That(report.Incompleteness, Is.EqualTo("incomplete: 1 price missing in us-east-1 (ec2.c7i.large.linux.onDemand), left out of the totals"));
        var json = JsonNode.Parse(CostRenderers.Json(report))!;
        Assert.That((json["complete"]!.GetValue<bool>(), json["unpriced"]![0]!["price"]!.GetValue<string>()), Is.EqualTo((false, "ec2.c7i.large.linux.onDemand")));
        var monthly = MonthlyCost.Of(plan);
        Assert.That(TreePlan.Summary(plan with { Cost = monthly }), Does.Contain("a month at desired capacity (incomplete: 1 price missing in us-east-1 (ec2.c7i.large.linux.onDemand)"));
        var diff = Infra.Plan.Diff.PlanDiff.Between(await Dev.Value, plan);
        Assert.That(diff.CostLine, Does.EndWith("; after incomplete: 1 price missing in us-east-1 (ec2.c7i.large.linux.onDemand), left out of the totals"));
        Assert.That(Infra.Plan.Diff.MarkdownDiff.Render(diff), Does.Contain("after incomplete: 1 price missing"));
        var table = new StringWriter();
        CostRenderers.Table(report, Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(table) }));
        Assert.That(table.ToString(), Does.Contain("Total (incomplete)").And.Contain("The total is incomplete: 1 price missing"));
    }

    [Test]
    public async Task Unlimited_credits_are_a_risk_line_beside_the_totals_at_the_surplus_credit_price()
    {
        var standard = Estimate(await Dev.Value);
        Assert.That(standard.Risks, Is.Empty, "dev's t3.small templates say standard");
        var unlimited = Estimate(WithTemplate(await Dev.Value, "web", inputs => inputs["creditSpecification"] = new JsonObject { ["cpuCredits"] = "unlimited" }));
        var risk = unlimited.Risks.Single();
        // t3.small: 2 vCPU, 20 % baseline each (AWS burstable baseline table); surplus credits $0.05 per vCPU-hour (infracost, us-east-1).
        Assert.That((risk.Name, risk.PerInstance), Is.EqualTo(("web", 2 * 0.8 * 730 * 0.05)).Using<(string, double?)>((a, b) => a.Item1 == b.Item1 && Math.Abs(a.Item2!.Value - b.Item2!.Value) < 1e-9));
        Assert.That(unlimited.Monthly("desired"), Is.EqualTo(standard.Monthly("desired")).Within(1e-9), "a risk is not in the totals");
        Assert.That(CostRenderers.RiskLine(risk), Does.StartWith("web: t3.small unlimited CPU credits: up to $58.40 a month per instance"));
        // A template that says nothing runs T3 unlimited, as AWS launches it.
        Assert.That(Estimate(WithTemplate(await Dev.Value, "web", inputs => inputs.Remove("creditSpecification"))).Risks, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task The_min_column_is_the_lowest_capacity_the_schedules_allow_through_the_week()
    {
        var plan = await Prod.Value;
        Assert.That(Resource(Estimate(plan), "aws:autoscaling/group:Group", "web").Capacity.Min, Is.EqualTo(2), "the evening schedule's minimum");
        // Without the evening schedule the weekday minimum of 3 holds all week: the group's own minSize of 2 is never reached.
        var raised = Estimate(PlanEdits.WithoutType(plan, "aws:autoscaling/schedule:Schedule", "web-weekday-evening"));
        Assert.That(Resource(raised, "aws:autoscaling/group:Group", "web").Capacity.Min, Is.EqualTo(3));
        // A schedule lowering the minimum below the group's is the floor.
        var lowered = Estimate(PlanEdits.Edit(plan, "aws:autoscaling/schedule:Schedule", "web-weekday-evening", inputs => inputs["minSize"] = 1));
        Assert.That(Resource(lowered, "aws:autoscaling/group:Group", "web").Capacity.Min, Is.EqualTo(1));
    }

    static PlanDocument WithTemplate(PlanDocument plan, string name, Action<JsonObject> edit) =>
        PlanEdits.Edit(plan, "aws:ec2/launchTemplate:LaunchTemplate", name, edit);

    [Test]
    public async Task The_json_estimate_has_the_documented_shape()
    {
        var root = JsonDocument.Parse(CostRenderers.Json(Estimate(await Prod.Value))).RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[]
            { "currency", "region", "pricesAsOf", "complete", "incomplete", "partialRegion", "usage", "monthly", "components", "resources", "unpriced", "risks" }));
        Assert.That(root.GetProperty("monthly").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "min", "desired", "scheduled", "max" }));
        var nat = root.GetProperty("resources").EnumerateArray().First(r => r.GetProperty("type").GetString() == "aws:ec2/natGateway:NatGateway");
        var hours = nat.GetProperty("items")[0];
        Assert.That((hours.GetProperty("quantity").GetDouble(), hours.GetProperty("unitPrice").GetDouble(), hours.GetProperty("kind").GetString()),
            Is.EqualTo((730.0, 0.045, "fixed")));
        Assert.That((root.GetProperty("complete").GetBoolean(), root.GetProperty("unpriced").GetArrayLength()), Is.EqualTo((true, 0)), "prod in us-east-1 is priced whole");
    }

    [Test]
    public async Task The_cli_prints_a_table_per_component_and_the_plan_summary_carries_the_estimate()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.That(await Cli.RunAsync(["cost", "prod"], output, error), Is.Zero, error.ToString());
        var text = output.ToString();
        Assert.That(text, Does.Contain("fixed").And.Contain("usage").And.Contain("scheduled").And.Contain("Total"));
        Assert.That(text, Does.Contain("  network ").And.Contain("  web ").And.Not.Contain("incomplete"));
        Assert.That(TreePlan.Summary(await Prod.Value), Does.Match(@", about \$\d{3} a month at desired capacity in "));
    }
}

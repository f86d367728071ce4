using Infra.Plan;
using Infra.Plan.Checks;
using Infra.Plan.Cost;
using Infra.Plan.Simulate;
using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Tests.Stacks;

/// <summary>The scaling and capacity example stacks (examples/), planned as a user would after copying one beside
/// Pulumi.yaml: Spot workers and request tracking for the web tier; prod on the seeds' step rules.</summary>
public class CapacityTests
{
    static async Task<PlanDocument> Example(string stack)
    {
        using var project = ProjectCopy.With(stack, File.ReadAllText(Path.Combine(StackRun.ProjectDirectory, "examples", $"Pulumi.{stack}.yaml")));
        return await PlanRunner.RunAsync(project.Path, stack);
    }

    [Test]
    public async Task Spot_workers_plan_a_mixed_instances_policy_priced_from_the_stated_spot_assumption()
    {
        var plan = await Example("spot-workers");
        Assert.That(plan.Findings, Is.Empty);
        var graph = new PlanGraph(plan);
        var worker = graph.OfType(Types.Group).Single(group => group.Name == "worker");
        var mixed = worker.Inputs["mixedInstancesPolicy"];
        Assert.That(worker.Inputs["launchTemplate"], Is.Null, "the policy names the template; AWS refuses both");
        Assert.That(Items(mixed?["launchTemplate"]?["overrides"]).Select(o => Text(o["instanceType"])), Is.EqualTo(new[] { "m7i.large", "m6i.large", "m5.large" }));
        Assert.That((Number(mixed?["instancesDistribution"]?["onDemandBaseCapacity"]), Number(mixed?["instancesDistribution"]?["onDemandPercentageAboveBaseCapacity"]),
            Text(mixed?["instancesDistribution"]?["spotAllocationStrategy"]), Text(worker.Inputs["capacityRebalance"])), Is.EqualTo(((int?)1, (int?)0, "price-capacity-optimized", "true")));
        Assert.That(graph.LaunchTemplateOf(worker)?.Name, Is.EqualTo("worker"));

        var report = new CostModel(PriceBook.Default, new UsageProfile()).Estimate(plan);
        var items = report.Resources.Single(resource => resource.Resource.Urn == worker.Urn).Items;
        var onDemand = PriceBook.Default.Price("us-east-1", "ec2.m7i.large.linux.onDemand")!.Value;
        var spot = items.Single(item => item.Name.Contains("Spot", StringComparison.Ordinal));
        Assert.That(spot.Name, Does.Contain("assumed at 35 % of on-demand"));
        // 1 on-demand base, 1 Spot at desired (1 of minSize 1 is the base), 5 Spot at max.
        var max = report.Resources.Single(resource => resource.Resource.Urn == worker.Urn).Monthly("max");
        Assert.That(items.Where(item => item.Name.Contains("instance-hours", StringComparison.Ordinal)).Sum(item => item.Monthly(new Capacity(1, 1, 1, 6), "max")),
            Is.EqualTo(730 * onDemand * (1 + 5 * 0.35)).Within(0.01));
        Assert.That(max, Is.GreaterThan(0));

        var web = graph.OfType("aws:autoscaling/policy:Policy").Single(policy => policy.Name == "web-requests-target");
        var tracking = web.Inputs["targetTrackingConfiguration"];
        Assert.That(Text(tracking?["predefinedMetricSpecification"]?["predefinedMetricType"]), Is.EqualTo("ALBRequestCountPerTarget"));
        var label = Text(tracking?["predefinedMetricSpecification"]?["resourceLabel"]);
        var forwarded = graph.Forwards.Single().TargetGroup;
        Assert.That(label, Is.EqualTo($"{Text(graph.OfType(Types.LoadBalancer).Single().Outputs["arnSuffix"])}/{Text(forwarded.Outputs["arnSuffix"])}"));
    }

    [Test]
    public async Task The_seeds_step_rules_leave_prods_workers_overloaded_where_backlog_tracking_keeps_up()
    {
        var plan = await Example("prod-seed-steps");
        var tiers = TierModel.From(plan);
        var result = new Simulator(new SimulationOptions()).Run("prod-seed-steps", tiers, Scenario.Weekday, _ => 0.1008);
        var findings = SimulationOutput.Findings(result, tiers, Scenario.Weekday, plan);
        Assert.That(findings.Where(finding => finding.Rule == "SIM001").Select(finding => finding.Message), Has.One.Contains("worker"));
        Assert.That(result.Summaries.Single(summary => summary.Tier == "worker").OverloadedSeconds, Is.GreaterThan(3600));
    }
}

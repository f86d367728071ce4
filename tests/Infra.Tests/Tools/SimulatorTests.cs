using Infra.Plan;
using Infra.Plan.Simulate;
using Infra.Tests.Stacks;

namespace Infra.Tests.Tools;

/// <summary>The simulator against timelines computed by hand.</summary>
public class SimulatorTests
{
    static readonly PolicyModel AddOne = new("web-cpu-high", "ChangeInCapacity", null, [new Step(0, null, 1)], null);

    /// <summary>One t3.small (2 vCPU, 200 requests/s at 100 % CPU) behind a balancer checking 3 x 20 s, basic monitoring.</summary>
    static TierModel Web(params AlarmModel[] alarms) => new("web", true, "t3.small", false, 1, 3, 1, 120, 3, 20, 30, 300, ["OldestInstance"], alarms, [], []);

    static AlarmModel CpuHigh => new("web-cpu-high", "AWS/EC2", "CPUUtilization", "Average", 300, 2, 2, "GreaterThanOrEqualToThreshold", 70, "missing", AddOne);

    static SimulationResult Run(TierModel tier, Scenario scenario, SimulationOptions? options = null) =>
        new Simulator(options ?? new SimulationOptions { BootSeconds = 180, Hours = 1 }).Run("test", [tier], scenario, _ => 0.0208);

    [Test]
    public void A_step_to_90_percent_cpu_with_basic_monitoring_serves_a_new_instance_when_the_arithmetic_says()
    {
        // From t = 600 s: 179 requests/s on 200 of capacity, CPU 5 + 95 x 0.895 = 90 %. The 300 s periods [600, 900) and
        // [900, 1200) breach; CloudWatch has the second at 1200 + 60 s publication delay: ALARM and +1 at t = 1260.
        // The new instance boots 180 s (InService at 1440), passes 3 health checks 20 s apart (serves at 1500), and
        // counts in the group's CPU after its 120 s warm-up (1560).
        var result = Run(Web(CpuHigh), new Scenario("step", t => t >= 600 ? 179 : 0, _ => 0));
        var events = result.Events.Where(e => e.Kind is "alarm" or "scale" or "launch" or "inService").Select(e => (e.T, e.Kind)).ToList();
        Assert.That(events, Does.Contain((1260.0, "scale")).And.Contain((1260.0, "launch")).And.Contain((1500.0, "inService")));
        Assert.That(result.Events.First(e => e.Kind == "alarm" && e.Detail.EndsWith("→ ALARM", StringComparison.Ordinal)).T, Is.EqualTo(1260));
        var minute25 = result.Timeline["web"].Single(sample => sample.T == 1500);
        Assert.That((minute25.Desired, minute25.InService, minute25.Serving), Is.EqualTo((2, 2, 2)));
    }

    [Test]
    public void Capacity_never_leaves_the_groups_bounds_under_any_scenario()
    {
        var lowAlarm = new AlarmModel("web-cpu-low", "AWS/EC2", "CPUUtilization", "Average", 300, 3, 3, "LessThanThreshold", 30, "missing",
            new PolicyModel("web-cpu-low", "ChangeInCapacity", null, [new Step(null, 0, -1)], null));
        foreach (var name in Scenario.Names)
        {
            var result = Run(Web(CpuHigh, lowAlarm), Scenario.Named(name), new SimulationOptions { Hours = 24 });
            Assert.That(result.Timeline["web"].Select(sample => sample.Desired), Has.All.InRange(1, 3), name);
        }
    }

    [Test]
    public void A_schedule_fires_at_8_local_time_across_the_spring_daylight_saving_change()
    {
        var schedule = new ScheduleModel("morning", "0 8 * * *", "America/New_York", 2, 3, 2);
        var tier = Web() with { Schedules = [schedule] };
        var result = Run(tier, new Scenario("quiet", _ => 10, _ => 0), new SimulationOptions { Hours = 7 * 24 });
        var fired = result.Events.Where(e => e.Kind == "schedule").Select(e => e.T).ToList();
        // The week starts at local midnight of Monday 2 March 2026 (EST, UTC-5); clocks move to EDT on Sunday 8 March
        // at 02:00, so that day's 08:00 comes 7 hours after its midnight in elapsed time, not 8.
        Assert.That(fired.Take(6), Is.EqualTo(Enumerable.Range(0, 6).Select(day => day * 86400.0 + 8 * 3600)));
        Assert.That(fired[6], Is.EqualTo(6 * 86400.0 + 7 * 3600));
    }

    [Test]
    public void A_queue_of_100_jobs_with_2_workers_drains_in_the_time_the_arithmetic_says()
    {
        // 100 jobs of 60 s each, 2 at a time: 50 rounds, 3,000 s.
        var workers = new TierModel("worker", false, "t3.small", false, 2, 2, 2, 120, 0, 0, 0, 300, ["OldestInstance"], [], [], []);
        var result = Run(workers, new Scenario("burst", _ => 0, t => t < 10 ? 10 : 0), new SimulationOptions { Hours = 1, JobSeconds = 60 });
        var drained = result.Timeline["worker"].First(sample => sample.Backlog < 1e-9).T;
        Assert.That(drained, Is.EqualTo(3060).Within(60), "3,000 s of work started in the first step");
    }

    [Test]
    public async Task The_prod_plan_is_simulated_from_its_own_resources()
    {
        var plan = await PlanRunner.RunAsync(StackRun.ProjectDirectory, "prod");
        var tiers = TierModel.From(plan);
        var web = tiers.Single(tier => tier.Name == "web");
        Assert.That((web.Web, web.InstanceType, web.DetailedMonitoring, web.Min, web.Max, web.WarmupSeconds, web.HealthyThreshold, web.HealthCheckInterval),
            Is.EqualTo((true, "m7i.large", true, 2, 6, 120, 3, 20)));
        Assert.That(web.Alarms.Select(alarm => (alarm.Name, alarm.Period, alarm.Policy!.Name)), Is.EquivalentTo(new[]
        {
            ("web-cpu-high", 60, "web-cpu-high"), ("web-cpu-low", 60, "web-cpu-low"), ("web-latency-high", 60, "web-latency-high"),
        }));
        Assert.That(web.Schedules.Select(schedule => schedule.Recurrence), Is.EquivalentTo(new[] { "0 8 * * MON-FRI", "0 21 * * MON-FRI" }));
        var worker = tiers.Single(tier => tier.Name == "worker");
        Assert.That((worker.Web, worker.DrainSeconds, worker.Alarms.Count), Is.EqualTo((false, 600, 0)), "the paging alarms scale nothing");
        Assert.That(worker.TargetTracking.Select(policy => policy.Tracking), Is.EqualTo(new[] { new Tracking(Tracking.Backlog, 1) }));

        var spike = new Simulator(new SimulationOptions()).Run("prod", tiers, Scenario.Spike, _ => 0.1008);
        var summary = spike.Summaries.Single(s => s.Tier == "web");
        Assert.That(summary.FirstOverloadAt, Is.EqualTo(10 * 3600), "750 requests/s exceed the 600 that the 3 scheduled m7i.large serve");
        Assert.That(summary.FirstNewServingAt - summary.FirstOverloadAt, Is.LessThan(600));
    }
}

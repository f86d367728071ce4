using Infra.Plan;
using Infra.Plan.Simulate;
using Infra.Tests.Stacks;

namespace Infra.Tests.Tools;

/// <summary>The simulator against timelines computed by hand.</summary>
public class SimulatorTests
{
    static readonly PolicyModel AddOne = new("web-cpu-high", "ChangeInCapacity", null, [new Step(0, null, 1)], null);

    /// <summary>One t3.small (2 vCPU, 200 requests/s at 100 % CPU) behind a balancer checking every 20 s, basic monitoring.</summary>
    static TierModel Web(params AlarmModel[] alarms) => new("web", true, "t3.small", false, 1, 3, 1, 120, 20, 30, 300, ["OldestInstance"], alarms, [], []);

    static AlarmModel CpuHigh => new("web-cpu-high", "AWS/EC2", "CPUUtilization", "Average", 300, 2, 2, "GreaterThanOrEqualToThreshold", 70, "missing", AddOne);

    static SimulationResult Run(TierModel tier, Scenario scenario, SimulationOptions? options = null) =>
        new Simulator(options ?? new SimulationOptions { BootSeconds = 180, Hours = 1 }).Run("test", [tier], scenario, _ => 0.0208);

    [Test]
    public void A_step_to_90_percent_cpu_with_basic_monitoring_serves_a_new_instance_when_the_arithmetic_says()
    {
        // From t = 600 s: 179 requests/s on 200 of capacity, CPU 5 + 95 x 0.895 = 90 %. The 300 s periods [600, 900) and
        // [900, 1200) breach; CloudWatch has the second at 1200 + 60 s publication delay: ALARM and +1 at t = 1260.
        // The new instance boots 180 s (InService at 1440) and serves after one passing health check, within the
        // 20 s interval (1460): a newly registered target needs one check, not the healthy threshold (ALB user
        // guide, "Health checks for Application Load Balancer target groups"). It counts in the group's CPU after
        // its 120 s warm-up (1560).
        var result = Run(Web(CpuHigh), new Scenario("step", t => t >= 600 ? 179 : 0, _ => 0));
        var events = result.Events.Where(e => e.Kind is "alarm" or "scale" or "launch" or "inService").Select(e => (e.T, e.Kind)).ToList();
        Assert.That(events, Does.Contain((1260.0, "scale")).And.Contain((1260.0, "launch")).And.Contain((1460.0, "inService")));
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
        var workers = new TierModel("worker", false, "t3.small", false, 2, 2, 2, 120, 0, 0, 300, ["OldestInstance"], [], [], []);
        var result = Run(workers, new Scenario("burst", _ => 0, t => t < 10 ? 10 : 0), new SimulationOptions { Hours = 1, JobSeconds = 60 });
        var drained = result.Timeline["worker"].First(sample => sample.Backlog < 1e-9).T;
        Assert.That(drained, Is.EqualTo(3060).Within(60), "3,000 s of work started in the first step");
    }

    [Test]
    public async Task The_prod_plan_is_simulated_from_its_own_resources()
    {
        var plan = await StackRun.CommittedPlanAsync("prod");
        var tiers = TierModel.From(plan);
        var web = tiers.Single(tier => tier.Name == "web");
        Assert.That((web.Web, web.InstanceType, web.DetailedMonitoring, web.Min, web.Max, web.WarmupSeconds, web.HealthCheckInterval),
            Is.EqualTo((true, "m7i.large", true, 2, 6, 120, 20)));
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

    static AlarmModel OneMinute(string name, string comparison, double threshold, PolicyModel policy) =>
        new(name, "AWS/EC2", "CPUUtilization", "Average", 60, 1, 1, comparison, threshold, "missing", policy);

    /// <summary>AWS blocks dynamic scale-in until instances launched by scale-out finish warming up, and a policy's own
    /// estimatedInstanceWarmup overrides the group's default for what it launches ("Set the default instance warmup
    /// for an Auto Scaling group" and PutScalingPolicy's EstimatedInstanceWarmup, EC2 Auto Scaling).</summary>
    [TestCase(null, 780.0, TestName = "Scale-in waits for the group's 600 s warm-up of the instance scale-out launched")]
    [TestCase(120, 300.0, TestName = "Scale-in waits for the launching policy's own 120 s warm-up, not the group's")]
    public void Scale_in_is_blocked_while_a_new_instance_warms_up(int? policyWarmup, double scaleIn)
    {
        // 180 requests/s on one instance: CPU 5 + 95 x 0.9 = 90.5 %. The one-minute period [0, 60) is published at 120:
        // cpu-high adds one (launched at 120, InService after the 60 s boot at 180, warm at 180 + warm-up). The load
        // drops to 10/s at 120, so [120, 180) averages 9.75 % and cpu-low is in ALARM from 240, every minute: it may
        // remove the instance only once the new one is warm (780 with the group's 600 s, 300 with the policy's 120 s).
        var high = OneMinute("web-cpu-high", "GreaterThanOrEqualToThreshold", 70, AddOne with { WarmupSeconds = policyWarmup });
        var low = OneMinute("web-cpu-low", "LessThanThreshold", 30, new PolicyModel("web-cpu-low", "ChangeInCapacity", null, [new Step(null, 0, -1)], null));
        var tier = Web(high, low) with { WarmupSeconds = 600 };
        var result = Run(tier, new Scenario("drop", t => t < 120 ? 180 : 10, _ => 0), new SimulationOptions { BootSeconds = 60, Hours = 1 });
        Assert.That(result.Events.Where(e => e.Kind == "scale").Select(e => (e.T, e.Detail[..e.Detail.IndexOf(':', StringComparison.Ordinal)])),
            Is.EqualTo(new[] { (120.0, "desired 1 → 2"), (scaleIn, "desired 2 → 1") }));
        Assert.That(result.Events.First(e => e.Kind == "alarm" && e.Detail.StartsWith("web-cpu-low", StringComparison.Ordinal) && e.Detail.EndsWith("→ ALARM", StringComparison.Ordinal)).T,
            Is.EqualTo(240), "cpu-low asks from 240 on");
    }

    static PlanDocument NoResources => new("infra", "test", "", "us-east-1", "urn:pulumi:test::infra::pulumi:pulumi:Stack::infra-test", [], new(), [], TimeSpan.Zero);

    static IReadOnlyList<Infra.Plan.Checks.Finding> Findings(TierModel tier, Scenario scenario)
    {
        var result = Run(tier, scenario);
        return SimulationOutput.Findings(result, [tier], scenario, NoResources);
    }

    [Test]
    public void At_its_maximum_the_finding_adds_up_and_names_the_maxSize_that_would_have_served()
    {
        // 300 requests/s all hour on one t3.small (200 at 100 % CPU) that may not grow: 60 min overloaded, all at the
        // maximum. Replayed with maxSize 2 (1.5 instances needed): cpu-high's 300 s periods [0, 300) and [300, 600) are
        // published at 660, the second instance is InService at 840 and serves at 860: 86 steps of 10 s overloaded.
        var findings = Findings(Web(CpuHigh) with { Max = 1 }, new Scenario("steady", _ => 300, _ => 0));
        Assert.That(findings.Select(f => f.Rule), Is.EqualTo(new[] { "SIM003" }), "no SIM001: it could not grow");
        Assert.That(findings[0].Message, Is.EqualTo("steady: web is overloaded 60 min in all, 60 min of it at its maximum size"));
        Assert.That(findings[0].Fix, Is.EqualTo("replayed with one change at a time (now 60 min overloaded): infra:web.maxSize: 2 → 14.3 min"),
            "a lower threshold or a shorter period cannot help a group at its maximum, so neither is named");
    }

    [Test]
    public void Below_its_maximum_the_finding_names_the_alarm_setting_that_would_have_scaled_sooner()
    {
        // As above with room to grow (max 3): overloaded until 860, all below the maximum, so SIM001, not SIM003.
        // Replayed with 60 s periods (detailed monitoring): [0, 60) and [60, 120) are published at 180, the new
        // instance serves at 180 + 180 + 20 = 380. A lower threshold changes nothing (CPU is at 100 %), nor does maxSize.
        var findings = Findings(Web(CpuHigh), new Scenario("steady", _ => 300, _ => 0));
        Assert.That(findings.Select(f => f.Rule), Is.EqualTo(new[] { "SIM001" }));
        Assert.That(findings[0].Message, Is.EqualTo("steady: web is overloaded from 00:00:00 and the first new instance serves 14.3 min later; 14.3 min overloaded below its maximum size"));
        Assert.That(findings[0].Fix, Is.EqualTo(
            "replayed with one change at a time (now 14.3 min overloaded): infra:web.alarms.periodSeconds: 60 with infra:web.detailedMonitoring: true → 6.3 min"));
    }

    static string Trace(string csv)
    {
        var path = Path.Combine(Path.GetTempPath(), $"trace-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        return path;
    }

    [TestCase("t,rps\n0,100\n60,-5\n", ":3: rps -5 is negative; a load is 0 or more")]
    [TestCase("t,rps\n0,NaN\n", ":2: rps 'NaN' is not a finite number")]
    [TestCase("t,jobs\n0,Infinity\n", ":2: jobs 'Infinity' is not a finite number")]
    [TestCase("t,rps\n60,100\n0,200\n", ":3: t 0 does not come after the previous row's 60; sort the trace by t, each t once")]
    [TestCase("t,rps\n0,100\n0,200\n", ":3: t 0 does not come after the previous row's 0; sort the trace by t, each t once")]
    [TestCase("t,rps\n0,100,7\n", ":2: 3 values where the header names 2 (t,rps)")]
    [TestCase("t,rps\n", ": a header and no rows; a trace needs at least one row of load")]
    [TestCase("\n\n", ": empty trace; expected a header naming t and rps and/or jobs, then rows of numbers")]
    [TestCase("time,rps\n0,1\n", ":1: the header must name t and rps and/or jobs (per second), e.g. t,rps,jobs")]
    public void A_trace_that_is_not_a_load_is_refused_with_its_line(string csv, string message)
    {
        var path = Trace(csv);
        var error = Assert.Throws<InvalidDataException>(() => Scenario.FromCsv(path))!;
        Assert.That(error.Message, Is.EqualTo(path + message));
        File.Delete(path);
    }

    [Test]
    public void A_trace_holds_each_value_until_the_next_row_and_nothing_before_the_first()
    {
        var path = Trace("t,rps,jobs\n60,100,0.5\n120,0,0\n600,250.5,1\n");
        var scenario = Scenario.FromCsv(path);
        File.Delete(path);
        Assert.That(new[] { 0, 59, 60, 119, 120, 599, 600, 86400 }.Select(t => scenario.RequestsPerSecond(t)),
            Is.EqualTo(new double[] { 0, 0, 100, 100, 0, 0, 250.5, 250.5 }));
        Assert.That(scenario.JobsPerSecond(90), Is.EqualTo(0.5));
    }

    [TestCase(-3.0)]
    [TestCase(0.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(745.0)]
    public void Hours_outside_a_minute_to_a_month_are_refused(double hours)
    {
        Assert.That(SimulationOptions.HoursProblem(hours), Is.EqualTo("must be a number of hours from 1/60 (a minute) to 744 (31 days)"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Simulator(new SimulationOptions { Hours = hours }));
    }

    [Test]
    public void A_negative_load_from_any_scenario_stops_the_run_instead_of_giving_negative_cpu()
    {
        var error = Assert.Throws<InvalidDataException>(() => Run(Web(CpuHigh), new Scenario("broken", t => t < 600 ? 100 : -1, _ => 0)))!;
        Assert.That(error.Message, Is.EqualTo("the scenario gives -1 requests per second at 00:10:00; a load is a finite number, 0 or more"));
    }

    /// <summary>One chart of a short run, with a scenario name XML must escape.</summary>
    static SimulationResult ChartRun() => Run(Web(CpuHigh), new Scenario("load & <spike>", t => t >= 600 ? 350 : 100, _ => 0));

    [Test]
    public void An_svg_chart_is_one_xml_document_that_rsvg_renders()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chart-{Guid.NewGuid():N}.svg");
        SimulationOutput.Chart(ChartRun(), path);
        var document = System.Xml.Linq.XDocument.Load(path);
        Assert.That(document.Root!.Name, Is.EqualTo((System.Xml.Linq.XName)"{http://www.w3.org/2000/svg}svg"));
        Assert.That((document.Root.Attribute("width")?.Value, document.Root.Attribute("height")?.Value), Is.EqualTo(("1100", "420")));
        Assert.That(document.Descendants().Select(element => element.Value), Has.Some.Contains("load & <spike>"), "the title, escaped in the file");
        var rsvg = new[] { "/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert" }.FirstOrDefault(File.Exists);
        if (rsvg is not null)
        {
            var png = path + ".png";
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(rsvg, ["-o", png, path]) { RedirectStandardError = true })!;
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.That((process.ExitCode, stderr), Is.EqualTo((0, "")));
            Assert.That(File.ReadAllBytes(png).Take(8), Is.EqualTo(PngSignature));
            File.Delete(png);
        }

        File.Delete(path);
    }

    [Test]
    public void The_json_of_an_overloaded_run_is_valid_json_with_the_overload_split_at_the_maximum()
    {
        var result = ChartRun();
        var summary = System.Text.Json.JsonDocument.Parse(SimulationOutput.Json(result, [])).RootElement.GetProperty("summary")[0];
        var web = result.Summaries[0];
        Assert.That(web.OverloadedSeconds, Is.GreaterThan(0), "350 requests/s need 2 instances; one serves at first");
        Assert.That((summary.GetProperty("overloadedSeconds").GetDouble(), summary.GetProperty("overloadedAtMaxSeconds").GetDouble(), summary.GetProperty("peakLatencySeconds").GetDouble()),
            Is.EqualTo((web.OverloadedSeconds, web.OverloadedAtMaxSeconds, 10.0)));
    }

    static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Test]
    public void A_png_chart_is_a_png_image_of_the_panels()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chart-{Guid.NewGuid():N}.png");
        SimulationOutput.Chart(ChartRun(), path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        Assert.That(bytes.Take(8), Is.EqualTo(PngSignature));
        // IHDR: width and height, big-endian, after the signature, the chunk length and its type.
        Assert.That((System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))),
            Is.EqualTo((1100, 420)));
    }

    [Test]
    public void A_chart_of_another_format_is_refused_not_written_as_svg()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chart-{Guid.NewGuid():N}.jpg");
        Assert.Throws<ArgumentException>(() => SimulationOutput.Chart(ChartRun(), path));
        Assert.That(File.Exists(path), Is.False);
    }
}

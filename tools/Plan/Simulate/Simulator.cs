using Cronos;

namespace Infra.Plan.Simulate;

/// <summary>What the simulation assumes where the plan says nothing (README, Will it scale in time).</summary>
public sealed record SimulationOptions
{
    public int StepSeconds { get; init; } = 10;
    public double Hours { get; init; } = 24;

    /// <summary>The longest simulation: a month of 10-second steps.</summary>
    public const double MaxHours = 31 * 24;

    /// <summary>Requests per second one vCPU serves at 100 % CPU.</summary>
    public double RequestsPerVcpu { get; init; } = 100;

    /// <summary>From launch until the instance runs its application (EC2 start and the boot script).</summary>
    public int BootSeconds { get; init; } = 90;

    public int JobSeconds { get; init; } = 60;

    /// <summary>How long after a period ends CloudWatch has its data point.</summary>
    public int PublishDelaySeconds { get; init; } = 60;

    /// <summary>The first day simulated, at local midnight in <see cref="TimeZone"/> (a Monday).</summary>
    public DateOnly StartDate { get; init; } = new(2026, 3, 2);

    /// <summary>The IANA zone of local midnight; null: the first schedule's zone, or UTC. A result names the one it used.</summary>
    public string? TimeZone { get; init; }

    /// <summary>What is wrong with a simulated duration in hours, or null when it can be simulated.</summary>
    public static string? HoursProblem(double hours) =>
        double.IsFinite(hours) && hours * 3600 >= 60 && hours <= MaxHours ? null : $"must be a number of hours from 1/60 (a minute) to {MaxHours} (31 days)";
}

public sealed record SimulationEvent(double T, string Tier, string Kind, string Detail);

/// <summary>One minute of a tier. Needed: the instances the load asks for (requests over one instance's capacity,
/// or job arrivals times the job time), to compare with those serving.</summary>
public sealed record TierSample(double T, double Load, double Needed, int Desired, int InService, int Serving, double? Cpu, double? Backlog, double? Latency,
    IReadOnlyDictionary<string, string> Alarms);

/// <summary>A tier over the whole run. OverloadedAtMaxSeconds is the part of OverloadedSeconds spent at the group's
/// maximum size (scaling could not help); SecondsAtMax counts all time at the maximum, overloaded or not.</summary>
public sealed record TierSummary(string Tier, double? FirstOverloadAt, double? FirstScaleOutAt, double? FirstNewServingAt, double OverloadedSeconds,
    double OverloadedAtMaxSeconds, double PeakLatency, double PeakCpu, double SecondsAtMax, double InstanceHours, double? Cost, int ScaleEvents, bool Flapping)
{
    public double OverloadedBelowMaxSeconds => OverloadedSeconds - OverloadedAtMaxSeconds;
}

public sealed record SimulationResult(string Stack, string Scenario, SimulationOptions Options, IReadOnlyList<TierSummary> Summaries,
    IReadOnlyDictionary<string, IReadOnlyList<TierSample>> Timeline, IReadOnlyList<SimulationEvent> Events, IReadOnlyList<string> Unmodelled);

/// <summary>A discrete-time replay of load through the stack's own alarms, policies and schedules: CloudWatch periods,
/// publication delay and M-of-N evaluation; Auto Scaling step adjustments with warm-up, clamping, schedules, launch
/// and drain times; an M/M/1-like latency per instance and a fluid job queue.</summary>
public sealed class Simulator
{
    readonly SimulationOptions options;

    public Simulator(SimulationOptions options)
    {
        if (SimulationOptions.HoursProblem(options.Hours) is { } problem)
            throw new ArgumentOutOfRangeException(nameof(options), options.Hours, $"Hours {problem}");
        if (options.StepSeconds <= 0 || 60 % options.StepSeconds != 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.StepSeconds, "StepSeconds must divide a minute");
        this.options = options;
    }

    sealed class Instance(double launched, double inService, double serving, double warm)
    {
        public double Launched { get; } = launched;
        public double InServiceAt { get; } = inService;
        public double ServingAt { get; } = serving;
        public double WarmAt { get; } = warm;
        public double? Terminating { get; set; }
        public double? GoneAt { get; set; }
    }

    sealed class Tier(TierModel model)
    {
        public TierModel Model { get; } = model;
        public List<Instance> Instances { get; } = [];
        public int Min = model.Min, Max = model.Max, Desired = model.Desired;
        public double Backlog, InFlight;
        public Dictionary<string, List<(double T, double Value)>> Samples { get; } = [];
        public Dictionary<string, string> AlarmStates { get; } = model.Alarms.ToDictionary(alarm => alarm.Name, _ => "INSUFFICIENT_DATA");
        public Dictionary<string, int> TrackingStreak { get; } = [];
        public List<TierSample> Timeline { get; } = [];
        public List<(double T, int Desired)> Changes { get; } = [];
        public double OverloadedSeconds, OverloadedAtMaxSeconds, SecondsAtMax, InstanceSeconds, PeakLatency, PeakCpu;

        /// <summary>The warm-up of the instances the next launch adds: the launching policy's own, else the group's.</summary>
        public int? LaunchWarmup;
        public double? FirstOverloadAt, FirstScaleOutAt, FirstNewServingAt;
        public int ScaleEvents;

        public IEnumerable<Instance> Active() => Instances.Where(i => i.Terminating is null);
        public int Serving(double t) => Instances.Count(i => i.Terminating is null && i.ServingAt <= t);
        public int InService(double t) => Instances.Count(i => i.Terminating is null && i.InServiceAt <= t);
        public int Stable(double t) => Instances.Count(i => i.Terminating is null && i.WarmAt <= t);

        /// <summary>An instance launched in the run is still warming up: AWS blocks dynamic scale-in until it is warm.</summary>
        public bool Warming(double t) => Instances.Any(i => i.Terminating is null && i.WarmAt > t);
    }

    public SimulationResult Run(string stack, IReadOnlyList<TierModel> models, Scenario scenario, Func<string, double?> hourlyPrice)
    {
        var tiers = models.Select(model => new Tier(model)).ToList();
        var events = new List<SimulationEvent>();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone
            ?? models.SelectMany(model => model.Schedules).Select(schedule => schedule.TimeZone).FirstOrDefault() ?? "UTC");
        var start = TimeZoneInfo.ConvertTimeToUtc(options.StartDate.ToDateTime(TimeOnly.MinValue), zone);
        var end = options.Hours * 3600;
        var unmodelled = new List<string>();

        var scheduled = tiers.SelectMany(tier => tier.Model.Schedules.SelectMany(schedule =>
                CronExpression.Parse(schedule.Recurrence).GetOccurrences(DateTime.SpecifyKind(start, DateTimeKind.Utc), start.AddSeconds(end), zone, fromInclusive: true)
                    .Select(at => (T: (at - start).TotalSeconds, Tier: tier, Schedule: schedule))))
            .OrderBy(item => item.T).ToList();
        var nextSchedule = 0;

        foreach (var tier in tiers)
        {
            for (var i = 0; i < tier.Desired; i++)
                tier.Instances.Add(new Instance(-3600, -3600, -3600, -3600));
            foreach (var alarm in tier.Model.Alarms.Where(alarm => Metric(alarm) is null))
                unmodelled.Add($"{tier.Model.Name}: alarm {alarm.Name} watches {alarm.Namespace}/{alarm.Metric}, which the simulation does not model");
            foreach (var policy in tier.Model.TargetTracking.Where(policy => policy.Tracking?.Metric == Tracking.Custom))
                unmodelled.Add($"{tier.Model.Name}: target tracking {policy.Name} follows a custom metric, which the simulation does not model");
        }

        for (double t = 0; t < end; t += options.StepSeconds)
        {
            while (nextSchedule < scheduled.Count && scheduled[nextSchedule].T <= t)
            {
                var (_, tier, schedule) = scheduled[nextSchedule++];
                tier.Min = schedule.Min ?? tier.Min;
                tier.Max = schedule.Max ?? tier.Max;
                tier.Desired = Math.Clamp(schedule.Desired ?? tier.Desired, tier.Min, tier.Max);
                events.Add(new(t, tier.Model.Name, "schedule", $"{schedule.Name}: min {tier.Min}, desired {tier.Desired}, max {tier.Max}"));
            }

            foreach (var tier in tiers)
            {
                Serve(tier, t, scenario, events);
                if (t % 60 == 0)
                {
                    Evaluate(tier, t, events);
                    Track(tier, t, scenario, events);
                }

                Reconcile(tier, t, events);
                if (t % 60 == 0)
                    tier.Timeline.Add(Sample(tier, t, scenario));
            }
        }

        var summaries = tiers.Select(tier => new TierSummary(tier.Model.Name, tier.FirstOverloadAt, tier.FirstScaleOutAt, tier.FirstNewServingAt,
            tier.OverloadedSeconds, tier.OverloadedAtMaxSeconds, tier.PeakLatency, tier.PeakCpu, tier.SecondsAtMax, tier.InstanceSeconds / 3600,
            hourlyPrice(tier.Model.InstanceType) is { } price ? price * tier.InstanceSeconds / 3600 : null, tier.ScaleEvents, Flapping(tier.Changes))).ToList();
        return new SimulationResult(stack, scenario.Name, options with { TimeZone = zone.Id }, summaries,
            tiers.ToDictionary(tier => tier.Model.Name, tier => (IReadOnlyList<TierSample>)tier.Timeline), events, unmodelled);
    }

    /// <summary>Serves the step's load with the instances serving now and records what CloudWatch would sample.</summary>
    void Serve(Tier tier, double t, Scenario scenario, List<SimulationEvent> events)
    {
        var dt = options.StepSeconds;
        var serving = tier.Serving(t);
        tier.InstanceSeconds += tier.Instances.Count(i => i.Launched <= t && (i.GoneAt is null || i.GoneAt > t)) * dt;
        double? cpu;
        bool overloaded;
        if (tier.Model.Web)
        {
            var load = Load(scenario.RequestsPerSecond, t, "requests per second");
            var capacity = serving * options.RequestsPerVcpu * tier.Model.Vcpus;
            var utilisation = capacity > 0 ? load / capacity : double.PositiveInfinity;
            overloaded = load > capacity;
            cpu = serving > 0 ? Math.Min(100, 5 + 95 * utilisation) : null;
            // Response time of a queue that grows as it fills: 50 ms at idle, 10 s (the timeout) at or over capacity.
            var latency = serving > 0 ? Math.Min(10, 0.05 / Math.Max(0.005, 1 - utilisation)) : 10;
            tier.PeakLatency = Math.Max(tier.PeakLatency, latency);
            if (serving > 0 && load > 0)
            {
                Record(tier, "AWS/ApplicationELB/TargetResponseTime", t, latency);
                Record(tier, "AWS/ELB/Latency", t, latency);
            }
        }
        else
        {
            tier.Backlog += Load(scenario.JobsPerSecond, t, "jobs per second") * dt;
            var done = Math.Min(tier.Backlog, serving * (double)dt / options.JobSeconds);
            // Workers busy this step: the messages they hold are in flight (not visible).
            tier.InFlight = Math.Min(serving, tier.Backlog * options.JobSeconds / dt);
            tier.Backlog -= done;
            cpu = serving > 0 ? 5 + 95 * done / (serving * (double)dt / options.JobSeconds) : null;
            overloaded = tier.Backlog > serving * 2;
            Record(tier, "AWS/SQS/ApproximateNumberOfMessagesVisible", t, tier.Backlog);
        }

        if (cpu is { } value && tier.Stable(t) > 0)
            Record(tier, "AWS/EC2/CPUUtilization", t, value);
        tier.PeakCpu = Math.Max(tier.PeakCpu, cpu ?? 0);
        if (overloaded)
        {
            tier.OverloadedSeconds += dt;
            tier.FirstOverloadAt ??= t;
            if (tier.Desired >= tier.Max)
                tier.OverloadedAtMaxSeconds += dt;
        }

        if (tier.Desired == tier.Max)
            tier.SecondsAtMax += dt;
        foreach (var instance in tier.Instances.Where(i => i.Launched >= 0 && i.ServingAt > t - dt && i.ServingAt <= t && i.Terminating is null))
        {
            events.Add(new(t, tier.Model.Name, "inService", $"an instance launched at {Clock(instance.Launched)} serves"));
            if (tier.FirstOverloadAt is not null)
                tier.FirstNewServingAt ??= t;
        }

        tier.Instances.RemoveAll(i => i.GoneAt <= t);
    }

    /// <summary>A scenario's load at t; a negative or non-finite one is a broken scenario, never replayed.</summary>
    static double Load(Func<double, double> load, double t, string what) =>
        load(t) is var value && double.IsFinite(value) && value >= 0 ? value
            : throw new InvalidDataException($"the scenario gives {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} {what} at {Clock(t)}; a load is a finite number, 0 or more");

    static void Record(Tier tier, string metric, double t, double value)
    {
        if (!tier.Samples.TryGetValue(metric, out var samples))
            tier.Samples[metric] = samples = [];
        samples.Add((t, value));
    }

    /// <summary>The samples with from &lt;= t &lt; to; samples are in time order, so two binary searches find them.</summary>
    static List<double> Window(List<(double T, double Value)> samples, double from, double to)
    {
        int First(double at)
        {
            var (low, high) = (0, samples.Count);
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (samples[middle].T < at) low = middle + 1;
                else high = middle;
            }

            return low;
        }

        var (start, end) = (First(from), First(to));
        return samples.GetRange(start, end - start).ConvertAll(sample => sample.Value);
    }

    static string? Metric(AlarmModel alarm) => $"{alarm.Namespace}/{alarm.Metric}" switch
    {
        "AWS/EC2/CPUUtilization" or "AWS/ApplicationELB/TargetResponseTime" or "AWS/ELB/Latency" or "AWS/SQS/ApproximateNumberOfMessagesVisible" => $"{alarm.Namespace}/{alarm.Metric}",
        _ => null,
    };

    /// <summary>Each minute: the last N periods whose data CloudWatch has, M of them breaching puts the alarm in ALARM;
    /// an alarm with an Auto Scaling action invokes it every minute it stays in ALARM.</summary>
    void Evaluate(Tier tier, double t, List<SimulationEvent> events)
    {
        foreach (var alarm in tier.Model.Alarms)
        {
            if (Metric(alarm) is not { } metric)
                continue;
            var samples = tier.Samples.GetValueOrDefault(metric) ?? [];
            var last = (int)Math.Floor((t - options.PublishDelaySeconds) / alarm.Period) - 1;
            var points = Enumerable.Range(0, alarm.EvaluationPeriods).Select(back => last - back).Where(index => index >= 0).Select(index =>
            {
                var window = Window(samples, index * alarm.Period, (index + 1) * alarm.Period);
                return window.Count == 0 ? (double?)null : alarm.Statistic switch { "Maximum" => window.Max(), "Minimum" => window.Min(), "Sum" => window.Sum(), _ => window.Average() };
            }).ToList();
            var present = points.OfType<double>().ToList();
            var breaching = present.Count(alarm.Breaches) + (alarm.TreatMissingData == "breaching" ? points.Count(point => point is null) : 0);
            var state = tier.AlarmStates[alarm.Name];
            var next = present.Count == 0 && alarm.TreatMissingData is "missing" ? "INSUFFICIENT_DATA"
                : present.Count == 0 && alarm.TreatMissingData == "ignore" ? state
                : breaching >= alarm.DatapointsToAlarm ? "ALARM" : "OK";
            if (next != state)
            {
                tier.AlarmStates[alarm.Name] = next;
                events.Add(new(t, tier.Model.Name, "alarm", $"{alarm.Name}: {state} → {next}"));
            }

            if (next == "ALARM" && alarm.Policy is { } policy)
                Step(tier, t, alarm, policy, points.FirstOrDefault(point => point is not null) ?? alarm.Threshold, events);
        }
    }

    /// <summary>Step scaling: the step whose bounds (relative to the threshold) hold the breach; new instances still
    /// warming count toward the result, so repeated breaches of one step launch once. Scale-in waits while any new
    /// instance warms up ("Set the default instance warmup for an Auto Scaling group", EC2 Auto Scaling User Guide:
    /// dynamic scaling blocks scale-in activities until the new instances finish warming up).</summary>
    static void Step(Tier tier, double t, AlarmModel alarm, PolicyModel policy, double value, List<SimulationEvent> events)
    {
        var delta = value - alarm.Threshold;
        var step = policy.Steps.FirstOrDefault(s => (s.Lower ?? double.NegativeInfinity) <= delta && delta < (s.Upper ?? double.PositiveInfinity))
            ?? policy.Steps.FirstOrDefault(s => s.Upper == 0 && delta <= 0);
        if (step is null)
            return;
        var stable = tier.Stable(t);
        var adjustment = policy.AdjustmentType switch
        {
            "PercentChangeInCapacity" => (int)(Math.Sign(step.Adjustment) * Math.Max(policy.MinAdjustmentMagnitude ?? 1, Math.Abs(Math.Round(stable * step.Adjustment / 100.0)))),
            _ => step.Adjustment,
        };
        var target = policy.AdjustmentType == "ExactCapacity" ? adjustment
            : adjustment > 0 ? Math.Max(tier.Desired, stable + adjustment) : tier.Desired + adjustment;
        if (target < tier.Desired && tier.Warming(t))
            return;
        SetDesired(tier, t, Math.Clamp(target, tier.Min, tier.Max), $"{policy.Name} ({alarm.Name} at {value:0.##})", events, policy.WarmupSeconds);
    }

    /// <summary>Target tracking as AWS runs it: out after 3 one-minute data points above the target, in after 15 below
    /// 90 % of it (the alarms AWS creates for the policy), to the capacity that brings the metric to the target. The
    /// metrics: jobs waiting or in flight per in-service instance, the group's average CPU of the last published minute, or
    /// ALBRequestCountPerTarget (requests per minute per serving target, a minute late).</summary>
    void Track(Tier tier, double t, Scenario scenario, List<SimulationEvent> events)
    {
        foreach (var policy in tier.Model.TargetTracking)
        {
            if (policy.Tracking is not { Metric: not Tracking.Custom } tracking)
                continue;
            var inService = Math.Max(1, tier.InService(t));
            var cpu = Window(tier.Samples.GetValueOrDefault("AWS/EC2/CPUUtilization") ?? [], t - options.PublishDelaySeconds - 60, t - options.PublishDelaySeconds);
            double? value = tracking.Metric switch
            {
                Tracking.Backlog => (tier.Backlog + tier.InFlight) / inService,
                Tracking.Cpu => cpu.Count > 0 ? cpu.Average() : null,
                _ => scenario.RequestsPerSecond(Math.Max(0, t - options.PublishDelaySeconds)) * 60 / Math.Max(1, tier.Serving(t)),
            };
            if (value is not { } current)
                continue;
            var streak = tier.TrackingStreak.GetValueOrDefault(policy.Name);
            streak = current > tracking.Target ? Math.Max(1, streak + 1) : current < 0.9 * tracking.Target ? Math.Min(-1, streak - 1) : 0;
            tier.TrackingStreak[policy.Name] = streak;
            var capacity = tracking.Metric == Tracking.Backlog ? (tier.Backlog + tier.InFlight) / tracking.Target : inService * current / tracking.Target;
            var wanted = Math.Clamp((int)Math.Ceiling(capacity), tier.Min, tier.Max);
            if (streak >= 3 && wanted > tier.Desired || streak <= -15 && wanted < tier.Desired && !tier.Warming(t))
                SetDesired(tier, t, wanted, $"{policy.Name} ({current:0.#} {Unit(tracking.Metric)}, target {tracking.Target})", events, policy.WarmupSeconds);
        }
    }

    static string Unit(string metric) => metric switch { Tracking.Backlog => "jobs per instance", Tracking.Cpu => "% CPU", _ => "requests per target" };

    static void SetDesired(Tier tier, double t, int desired, string reason, List<SimulationEvent> events, int? warmup)
    {
        if (desired == tier.Desired)
            return;
        if (desired > tier.Desired)
            tier.LaunchWarmup = warmup;
        if (desired > tier.Desired && tier.FirstOverloadAt is not null)
            tier.FirstScaleOutAt ??= t;
        events.Add(new(t, tier.Model.Name, "scale", $"desired {tier.Desired} → {desired}: {reason}"));
        tier.Desired = desired;
        tier.ScaleEvents++;
        tier.Changes.Add((t, desired));
    }

    /// <summary>Launches or terminates until the active instances match the desired capacity. A launch serves after
    /// its boot and, behind a balancer, one passing health check: a newly registered target needs one, not the healthy
    /// threshold, which only brings an unhealthy target back ("Health checks for Application Load Balancer target
    /// groups"; the same for network target groups and classic balancers); the check comes within one interval. It
    /// counts in the group's metrics after the warm-up of the policy that launched it (its estimatedInstanceWarmup),
    /// else the group's. A terminating instance stops serving at once and is gone after draining.</summary>
    void Reconcile(Tier tier, double t, List<SimulationEvent> events)
    {
        var active = tier.Active().ToList();
        var warmup = tier.LaunchWarmup ?? tier.Model.WarmupSeconds;
        tier.LaunchWarmup = null;
        for (var i = active.Count; i < tier.Desired; i++)
        {
            var inService = t + options.BootSeconds;
            var serving = tier.Model.Web ? inService + tier.Model.HealthCheckInterval : inService;
            tier.Instances.Add(new Instance(t, inService, serving, inService + warmup));
            events.Add(new(t, tier.Model.Name, "launch", $"serves at {Clock(serving)}"));
        }

        var newestFirst = tier.Model.TerminationPolicies.FirstOrDefault() == "NewestInstance";
        foreach (var instance in (newestFirst ? active.OrderByDescending(i => i.Launched) : active.OrderBy(i => i.Launched)).Take(Math.Max(0, active.Count - tier.Desired)))
        {
            instance.Terminating = t;
            var drain = tier.Model.Web ? tier.Model.DeregistrationDelay : Math.Min(options.JobSeconds, tier.Model.DrainSeconds);
            instance.GoneAt = t + drain;
            events.Add(new(t, tier.Model.Name, "terminate", $"drains for {drain} s"));
        }
    }

    TierSample Sample(Tier tier, double t, Scenario scenario)
    {
        double? Latest(string metric) => tier.Samples.GetValueOrDefault(metric) is { Count: > 0 } samples && samples[^1].T == t ? samples[^1].Value : null;
        var needed = tier.Model.Web ? scenario.RequestsPerSecond(t) / (options.RequestsPerVcpu * tier.Model.Vcpus) : scenario.JobsPerSecond(t) * options.JobSeconds;
        return new TierSample(t, tier.Model.Web ? scenario.RequestsPerSecond(t) : scenario.JobsPerSecond(t) * 60, needed, tier.Desired, tier.InService(t), tier.Serving(t),
            Latest("AWS/EC2/CPUUtilization"), tier.Model.Web ? null : tier.Backlog, tier.Model.Web ? Latest("AWS/ApplicationELB/TargetResponseTime") : null,
            new Dictionary<string, string>(tier.AlarmStates));
    }

    /// <summary>The direction of scaling turns twice within 30 minutes (out, in, out again, or the reverse): the two
    /// alarms answer each other instead of the load.</summary>
    static bool Flapping(IReadOnlyList<(double T, int Desired)> changes)
    {
        var turns = new List<double>();
        for (var i = 2; i < changes.Count; i++)
            if (Math.Sign(changes[i].Desired - changes[i - 1].Desired) == -Math.Sign(changes[i - 1].Desired - changes[i - 2].Desired))
                turns.Add(changes[i - 1].T);
        return turns.Zip(turns.Skip(1)).Any(pair => pair.Second - pair.First <= 1800);
    }

    public static string Clock(double t) => TimeSpan.FromSeconds(Math.Max(0, t)) is var span ? $"{(int)span.TotalHours:00}:{span.Minutes:00}:{span.Seconds:00}" : "";
}

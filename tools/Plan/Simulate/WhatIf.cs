using System.Globalization;

namespace Infra.Plan.Simulate;

/// <summary>Scale sooner (the scaling rule) or scale further (the group's size).</summary>
public enum ChangeKind { Sooner, Further }

/// <summary>One setting a stack could change, as the stack file spells it, and the tier's model with it applied.</summary>
public sealed record Change(ChangeKind Kind, string Setting, TierModel Tier);

/// <summary>A change replayed over the same load: how long the tier was overloaded with it.</summary>
public sealed record Remedy(Change Change, double OverloadedSeconds);

/// <summary>Replays an overloaded tier with one setting changed at a time, so a finding names the settings that would
/// have helped and by how much, instead of guessing. Settings are those of the project's stack files
/// (infra:&lt;tier&gt;.maxSize, .alarms.*, .queue.*), recognised by the metric each scaling alarm watches.</summary>
public static class WhatIf
{
    public static IEnumerable<Change> Changes(TierModel tier, double peakNeeded)
    {
        var key = $"infra:{tier.Name}";
        var max = Math.Clamp((int)Math.Ceiling(peakNeeded), tier.Max + 1, Math.Max(tier.Max + 1, 2 * tier.Max));
        var limitedBySchedule = tier.Schedules.Any(schedule => schedule.Max < max);
        yield return new(ChangeKind.Further, $"{key}.maxSize: {max}{(limitedBySchedule ? " (and the schedules' maxSize)" : "")}", tier with
        {
            Max = max,
            Schedules = [.. tier.Schedules.Select(schedule => schedule.Max < max ? schedule with { Max = max } : schedule)],
        });

        var scaleOut = tier.Alarms.Where(alarm => alarm.Comparison.StartsWith("Greater", StringComparison.Ordinal)
            && alarm.Policy?.Steps.Any(step => step.Adjustment > 0) == true).ToList();
        foreach (var alarm in scaleOut.DistinctBy(alarm => $"{alarm.Namespace}/{alarm.Metric}"))
        {
            switch ($"{alarm.Namespace}/{alarm.Metric}")
            {
                case "AWS/EC2/CPUUtilization":
                    var cpuLow = tier.Alarms.Where(other => other.Metric == alarm.Metric && other.Comparison.StartsWith("Less", StringComparison.Ordinal))
                        .Select(other => other.Threshold).DefaultIfEmpty(0).Max();
                    var lower = alarm.Threshold - 20;
                    if (lower > cpuLow)
                        yield return Threshold(ChangeKind.Sooner, tier, alarm, $"{key}.alarms.cpuHighPercent", lower);
                    if (alarm.Period > 60)
                        yield return new(ChangeKind.Sooner,
                            $"{key}.alarms.periodSeconds: 60{(tier.DetailedMonitoring ? "" : $" with {key}.detailedMonitoring: true")}", tier with
                            {
                                DetailedMonitoring = true,
                                Alarms = [.. tier.Alarms.Select(other => other.Metric == alarm.Metric && other.Namespace == alarm.Namespace ? other with { Period = 60 } : other)],
                            });
                    break;
                case "AWS/ApplicationELB/TargetResponseTime" or "AWS/ELB/Latency":
                    yield return Threshold(ChangeKind.Sooner, tier, alarm, $"{key}.alarms.latencySeconds", alarm.Threshold / 2);
                    break;
                case "AWS/SQS/ApproximateNumberOfMessagesVisible":
                    yield return Threshold(ChangeKind.Sooner, tier, alarm, $"{key}.queue.scaleOutAbove", Math.Floor(alarm.Threshold / 2));
                    if (alarm.EvaluationPeriods > 1)
                        yield return new(ChangeKind.Sooner, $"{key}.queue.scaleOutAfterMinutes: 1", tier with
                        {
                            Alarms = [.. tier.Alarms.Select(other => other == alarm ? other with { EvaluationPeriods = 1, DatapointsToAlarm = 1 } : other)],
                        });
                    // The stack's default target: 1 job waiting or in progress per instance (infra:<tier>.queue.backlogPerInstance).
                    yield return new(ChangeKind.Sooner, $"{key}.queue.scaling: targetTracking", tier with
                    {
                        Alarms = [.. tier.Alarms.Where(other => other.Metric != alarm.Metric)],
                        TargetTracking = [new PolicyModel($"{tier.Name}-backlog", "ChangeInCapacity", null, [], new Tracking(Tracking.Backlog, 1))],
                    });
                    break;
            }
        }
    }

    static Change Threshold(ChangeKind kind, TierModel tier, AlarmModel alarm, string setting, double threshold) =>
        new(kind, $"{setting}: {threshold.ToString("0.##", CultureInfo.InvariantCulture)}",
            tier with { Alarms = [.. tier.Alarms.Select(other => other == alarm ? other with { Threshold = threshold } : other)] });

    /// <summary>Each change replayed alone over the same load and time; those that cut the tier's overload by a tenth
    /// or more (and at least a minute), least overload first.</summary>
    public static IReadOnlyList<Remedy> Try(SimulationResult baseline, TierModel tier, Scenario scenario)
    {
        var before = baseline.Summaries.Single(summary => summary.Tier == tier.Name).OverloadedSeconds;
        var peakNeeded = baseline.Timeline[tier.Name].Select(sample => sample.Needed).DefaultIfEmpty(0).Max();
        var simulator = new Simulator(baseline.Options);
        return [.. Changes(tier, peakNeeded)
            .Select(change => new Remedy(change, simulator.Run(baseline.Stack, [change.Tier], scenario, _ => null).Summaries[0].OverloadedSeconds))
            .Where(remedy => before - remedy.OverloadedSeconds >= Math.Max(60, before / 10))
            .OrderBy(remedy => remedy.OverloadedSeconds)];
    }
}

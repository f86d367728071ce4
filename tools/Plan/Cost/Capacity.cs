using Cronos;
using System.Text.Json.Nodes;
using Infra.Plan.Checks;

namespace Infra.Plan.Cost;

/// <summary>Instances of a group: the lowest its schedules allow through a typical week (a schedule raising the
/// minimum on weekdays is the floor only then), its desired and maximum size, and on average through the week of its
/// schedules (each sets the minimum, maximum or desired capacity it names until the next one; scaling policies are
/// left out).</summary>
public sealed record Capacity(double Min, double Desired, double Scheduled, double Max)
{
    public static readonly Capacity One = new(1, 1, 1, 1);

    public double this[string level] => level switch
    {
        "min" => Min, "desired" => Desired, "scheduled" => Scheduled, _ => Max,
    };

    public static readonly IReadOnlyList<string> Levels = ["min", "desired", "scheduled", "max"];

    /// <summary>A week starting on a Monday at 00:00 UTC, after a warm-up week so the first state is the last
    /// schedule's of the week before.</summary>
    static readonly DateTime Week = new(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);

    sealed record Bounds(int Min, int Max, int Desired);

    public static Capacity Of(PlanGraph graph, PlannedResource group)
    {
        var min = PlanGraph.Number(group.Inputs["minSize"]) ?? 0;
        var max = PlanGraph.Number(group.Inputs["maxSize"]) ?? min;
        var desired = PlanGraph.Number(group.Inputs["desiredCapacity"]) ?? min;
        var name = PlanGraph.Text(group.Inputs["name"]) ?? PlanGraph.Text(group.Outputs["id"]);
        var schedules = graph.OfType("aws:autoscaling/schedule:Schedule")
            .Where(schedule => PlanGraph.Text(schedule.Inputs["autoscalingGroupName"]) == name).ToList();
        if (schedules.Count == 0)
            return new Capacity(min, desired, desired, max);
        var (lowest, average, highest) = ThroughTheWeek(new Bounds(min, max, desired), schedules);
        // A schedule may raise the group's maximum while it is active.
        return new Capacity(lowest, desired, average, Math.Max(max, highest));
    }

    /// <summary>Hour by hour through the week: the lowest minimum, the average desired capacity and the highest maximum. A scheduled action
    /// sets what it names; desired capacity then stays within the new bounds, as Auto Scaling keeps it.</summary>
    static (int Lowest, double Average, int Highest) ThroughTheWeek(Bounds initial, IReadOnlyList<PlannedResource> schedules)
    {
        var events = schedules.SelectMany(schedule =>
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(PlanGraph.Text(schedule.Inputs["timeZone"]) ?? "UTC");
            var change = (Min: PlanGraph.Number(schedule.Inputs["minSize"]), Max: PlanGraph.Number(schedule.Inputs["maxSize"]),
                Desired: PlanGraph.Number(schedule.Inputs["desiredCapacity"]));
            return CronExpression.Parse(PlanGraph.Text(schedule.Inputs["recurrence"])!)
                .GetOccurrences(Week.AddDays(-7), Week.AddDays(7), zone).Select(at => (At: at, Change: change));
        }).OrderBy(change => change.At).ToList();
        var current = initial;
        var (lowest, highest, total, next) = (int.MaxValue, 0, 0.0, 0);
        for (var hour = Week.AddDays(-7); hour < Week.AddDays(7); hour = hour.AddHours(1))
        {
            while (next < events.Count && events[next].At <= hour)
            {
                var (min, max, desired) = events[next++].Change;
                var (newMin, newMax) = (min ?? current.Min, max ?? current.Max);
                current = new Bounds(newMin, newMax, Math.Clamp(desired ?? current.Desired, newMin, Math.Max(newMin, newMax)));
            }

            if (hour < Week)
                continue;
            lowest = Math.Min(lowest, current.Min);
            highest = Math.Max(highest, current.Max);
            total += current.Desired;
        }

        return (lowest, total / (7 * 24), highest);
    }
}

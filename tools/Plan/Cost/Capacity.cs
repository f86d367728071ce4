using Cronos;
using System.Text.Json.Nodes;
using Infra.Plan.Checks;

namespace Infra.Plan.Cost;

/// <summary>Instances of a group at its bounds, and on average through a typical week of its schedules (each sets
/// the desired capacity until the next one; scaling policies are left out).</summary>
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

    public static Capacity Of(PlanGraph graph, PlannedResource group)
    {
        var min = PlanGraph.Number(group.Inputs["minSize"]) ?? 0;
        var max = PlanGraph.Number(group.Inputs["maxSize"]) ?? min;
        var desired = PlanGraph.Number(group.Inputs["desiredCapacity"]) ?? min;
        var name = PlanGraph.Text(group.Inputs["name"]) ?? PlanGraph.Text(group.Outputs["id"]);
        var schedules = graph.OfType("aws:autoscaling/schedule:Schedule")
            .Where(schedule => PlanGraph.Text(schedule.Inputs["autoscalingGroupName"]) == name).ToList();
        // A schedule may raise the group's maximum while it is active.
        var highest = schedules.Select(schedule => PlanGraph.Number(schedule.Inputs["maxSize"]) ?? max).Append(max).Max();
        return new Capacity(min, desired, WeeklyAverage(desired, min, max, schedules), highest);
    }

    static double WeeklyAverage(int desired, int min, int max, IReadOnlyList<PlannedResource> schedules)
    {
        if (schedules.Count == 0)
            return desired;
        var events = schedules.SelectMany(schedule =>
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(PlanGraph.Text(schedule.Inputs["timeZone"]) ?? "UTC");
            var value = Math.Clamp(PlanGraph.Number(schedule.Inputs["desiredCapacity"]) ?? desired,
                PlanGraph.Number(schedule.Inputs["minSize"]) ?? min, PlanGraph.Number(schedule.Inputs["maxSize"]) ?? max);
            return CronExpression.Parse(PlanGraph.Text(schedule.Inputs["recurrence"])!)
                .GetOccurrences(Week.AddDays(-7), Week.AddDays(7), zone).Select(at => (At: at, Value: value));
        }).OrderBy(change => change.At).ToList();
        var current = (double)desired;
        var total = 0.0;
        var next = 0;
        for (var hour = Week.AddDays(-7); hour < Week.AddDays(7); hour = hour.AddHours(1))
        {
            while (next < events.Count && events[next].At <= hour)
                current = events[next++].Value;
            if (hour >= Week)
                total += current;
        }

        return total / (7 * 24);
    }
}

using System.Globalization;

namespace Infra.Plan.Simulate;

/// <summary>The load a simulation replays: web requests per second and job arrivals per second, as functions of the
/// seconds since the start (local midnight of a Monday in the scenario's time zone).</summary>
public sealed record Scenario(string Name, Func<double, double> RequestsPerSecond, Func<double, double> JobsPerSecond)
{
    public static readonly IReadOnlyList<string> Names = ["weekday", "spike", "ramp", "queue-burst"];

    static double Hours(double t) => t / 3600.0;

    /// <summary>Linear between (hour, value) points, flat outside them.</summary>
    static Func<double, double> Curve(params (double Hour, double Value)[] points) => t =>
    {
        var hour = Hours(t) % 24;
        if (hour <= points[0].Hour)
            return points[0].Value;
        for (var i = 1; i < points.Length; i++)
            if (hour <= points[i].Hour)
                return points[i - 1].Value + (points[i].Value - points[i - 1].Value) * (hour - points[i - 1].Hour) / (points[i].Hour - points[i - 1].Hour);
        return points[^1].Value;
    };

    /// <summary>The seeds' office-hours day: quiet nights, a climb from 07:00 to a plateau from 09:00 to 17:00, down by 21:00.</summary>
    public static readonly Scenario Weekday = new("weekday",
        Curve((0, 20), (7, 20), (9, 300), (12, 340), (13, 300), (17, 300), (21, 20), (24, 20)),
        Curve((0, 0.002), (8, 0.002), (9, 0.03), (17, 0.03), (18, 0.002), (24, 0.002)));

    /// <summary>A steady 150 requests per second, five times that for 20 minutes from 10:00; a job every 200 s.</summary>
    public static readonly Scenario Spike = new("spike",
        t => Hours(t) is >= 10 and < 10 + 20 / 60.0 ? 750 : 150,
        _ => 0.005);

    /// <summary>From nothing to 1,000 requests per second over 12 hours, then flat.</summary>
    public static readonly Scenario Ramp = new("ramp", t => Math.Min(1000, 1000 * Hours(t) / 12), t => Math.Min(0.05, 0.05 * Hours(t) / 12));

    /// <summary>A trickle of jobs, and 200 more at 09:00 (within a minute).</summary>
    public static readonly Scenario QueueBurst = new("queue-burst", _ => 100, t => 0.005 + (t is >= 9 * 3600 and < 9 * 3600 + 60 ? 200 / 60.0 : 0));

    public static Scenario Named(string name) => name switch
    {
        "weekday" => Weekday,
        "spike" => Spike,
        "ramp" => Ramp,
        "queue-burst" => QueueBurst,
        _ => throw new InvalidDataException($"no scenario '{name}'; the scenarios are {string.Join(", ", Names)}"),
    };

    /// <summary>A CSV trace: a header naming t (seconds from the start) and rps and/or jobs (per second), then rows in
    /// ascending t, each value held until the next row (no load before the first). Every cell is a finite number and
    /// none is negative; anything else is refused with its line, never replayed as some other load.</summary>
    public static Scenario FromCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        List<string>? header = null;
        var rows = new List<(double T, double Rps, double Jobs)>();
        for (var number = 1; number <= lines.Length; number++)
        {
            var cells = lines[number - 1].Split(',').Select(cell => cell.Trim()).ToList();
            if (cells is [""])
                continue;
            if (header is null)
            {
                header = [.. cells.Select(cell => cell.ToLowerInvariant())];
                if (!header.Contains("t") || !header.Contains("rps") && !header.Contains("jobs"))
                    throw new InvalidDataException($"{path}:{number}: the header must name t and rps and/or jobs (per second), e.g. t,rps,jobs");
                continue;
            }

            if (cells.Count != header.Count)
                throw new InvalidDataException($"{path}:{number}: {cells.Count} values where the header names {header.Count} ({string.Join(",", header)})");
            double Cell(string column)
            {
                var index = header.IndexOf(column);
                if (index < 0)
                    return 0;
                var text = cells[index];
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                    throw new InvalidDataException($"{path}:{number}: {column} '{text}' is not a finite number");
                return value >= 0 ? value : throw new InvalidDataException($"{path}:{number}: {column} {text} is negative; a load is 0 or more");
            }

            var row = (T: Cell("t"), Rps: Cell("rps"), Jobs: Cell("jobs"));
            if (rows.Count > 0 && row.T <= rows[^1].T)
                throw new InvalidDataException($"{path}:{number}: t {row.T.ToString(CultureInfo.InvariantCulture)} does not come after the previous row's {rows[^1].T.ToString(CultureInfo.InvariantCulture)}; sort the trace by t, each t once");
            rows.Add(row);
        }

        if (header is null)
            throw new InvalidDataException($"{path}: empty trace; expected a header naming t and rps and/or jobs, then rows of numbers");
        if (rows.Count == 0)
            throw new InvalidDataException($"{path}: a header and no rows; a trace needs at least one row of load");

        var times = rows.ConvertAll(row => row.T);
        double At(double t, Func<(double T, double Rps, double Jobs), double> pick)
        {
            var index = times.BinarySearch(t);
            index = index >= 0 ? index : ~index - 1;
            return index >= 0 ? pick(rows[index]) : 0;
        }

        return new Scenario(Path.GetFileName(path), t => At(t, row => row.Rps), t => At(t, row => row.Jobs));
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Plan.Checks;
using Spectre.Console;

namespace Infra.Plan.Simulate;

/// <summary>The simulation as a summary table with findings, as JSON, and as an SVG chart per tier.</summary>
public static class SimulationOutput
{
    static string Minutes(double? seconds) => seconds is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value / 60:0.#} min") : "-";

    /// <summary>What the simulation says the stack should fix, as plan-check warnings (only from ./build.sh simulate).</summary>
    public static IReadOnlyList<Finding> Findings(SimulationResult result, PlanDocument plan)
    {
        var byName = plan.Resources.Where(resource => resource.Type == Types.Group).ToDictionary(resource => resource.Name, resource => resource.Urn);
        var findings = new List<Finding>();
        foreach (var summary in result.Summaries)
        {
            var urn = byName.TryGetValue(summary.Tier, out var found) ? new[] { found } : [];
            var late = (summary.FirstNewServingAt ?? double.PositiveInfinity) - (summary.FirstOverloadAt ?? double.PositiveInfinity);
            if (summary.FirstOverloadAt is { } overload && (summary.FirstNewServingAt is null || late > 300))
                findings.Add(new Finding("SIM001", Severity.Warning, urn,
                    $"{result.Scenario}: {summary.Tier} is overloaded from {Simulator.Clock(overload)} and {(summary.FirstNewServingAt is null ? "no new instance serves in the simulated time" : $"the first new instance serves {Minutes(late)} later")}",
                    "scale out sooner: shorter alarm periods (detailed monitoring), fewer evaluation periods, a lower threshold, or a schedule ahead of the load"));
            if (summary.Flapping)
                findings.Add(new Finding("SIM002", Severity.Warning, urn, $"{result.Scenario}: {summary.Tier} scales out and in again within 30 minutes (flapping)",
                    "widen the gap between the scale-out and scale-in thresholds, or lengthen the scale-in alarm"));
            if (summary.OverloadedSeconds > 1800 && summary.SecondsAtMax > 0)
                findings.Add(new Finding("SIM003", Severity.Warning, urn, $"{result.Scenario}: {summary.Tier} stays overloaded {Minutes(summary.OverloadedSeconds)}, {Minutes(summary.SecondsAtMax)} of it at its maximum size",
                    "raise maxSize or use a larger instance type"));
        }

        return findings;
    }

    public static void Text(SimulationResult result, IReadOnlyList<Finding> findings, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{result.Stack}, scenario {result.Scenario}: {result.Options.Hours:0.#} h in {result.Options.StepSeconds} s steps");
        foreach (var column in new[] { "tier", "first overload", "→ first scale-out", "→ new instance serves", "overloaded", "peak CPU", "peak latency", "at max", "instance-hours", "cost", "scale events", "flapping" })
            table.AddColumn(new TableColumn(column).RightAligned());
        foreach (var s in result.Summaries)
            table.AddRow(s.Tier, s.FirstOverloadAt is { } t ? Simulator.Clock(t) : "never",
                s.FirstOverloadAt is { } o && s.FirstScaleOutAt is { } a ? Minutes(a - o) : "-", s.FirstOverloadAt is { } o2 && s.FirstNewServingAt is { } n ? Minutes(n - o2) : "-",
                Minutes(s.OverloadedSeconds), $"{s.PeakCpu:0} %", $"{s.PeakLatency:0.00} s", Minutes(s.SecondsAtMax), $"{s.InstanceHours:0.0}",
                s.Cost is { } cost ? $"${cost:0.00}" : "unpriced", $"{s.ScaleEvents}", s.Flapping ? "yes" : "no");
        console.Write(table);
        console.MarkupLine(Markup.Escape($"{result.Events.Count} events (--format json lists them); times are from local midnight of {result.Options.StartDate:yyyy-MM-dd}."));
        foreach (var line in result.Unmodelled)
            console.MarkupLine($"[grey]not modelled: {Markup.Escape(line)}[/]");
        FindingList.Render(findings, console);
    }

    /// <summary>{stack, scenario, summary[], timeline{tier: [{t, load, desired, inService, serving, cpu, backlog, latency, alarms}]}, events[{t, tier, kind, detail}], findings[]}.</summary>
    public static string Json(SimulationResult result, IReadOnlyList<Finding> findings)
    {
        static JsonNode? Number(double? value) => value is { } v ? Math.Round(v, 3) : null;
        return new JsonObject
        {
            ["stack"] = result.Stack,
            ["scenario"] = result.Scenario,
            ["stepSeconds"] = result.Options.StepSeconds,
            ["summary"] = new JsonArray([.. result.Summaries.Select(s => (JsonNode)new JsonObject
            {
                ["tier"] = s.Tier, ["firstOverloadAt"] = Number(s.FirstOverloadAt), ["firstScaleOutAt"] = Number(s.FirstScaleOutAt),
                ["firstNewServingAt"] = Number(s.FirstNewServingAt), ["overloadedSeconds"] = s.OverloadedSeconds, ["peakLatencySeconds"] = Number(s.PeakLatency),
                ["peakCpu"] = Number(s.PeakCpu), ["secondsAtMax"] = s.SecondsAtMax, ["instanceHours"] = Number(s.InstanceHours), ["cost"] = Number(s.Cost),
                ["scaleEvents"] = s.ScaleEvents, ["flapping"] = s.Flapping,
            })]),
            ["timeline"] = new JsonObject([.. result.Timeline.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)new JsonArray([.. pair.Value.Select(sample => (JsonNode)new JsonObject
            {
                ["t"] = sample.T, ["load"] = Number(sample.Load), ["desired"] = sample.Desired, ["inService"] = sample.InService, ["serving"] = sample.Serving,
                ["cpu"] = Number(sample.Cpu), ["backlog"] = Number(sample.Backlog), ["latency"] = Number(sample.Latency),
                ["alarms"] = new JsonObject([.. sample.Alarms.Select(alarm => KeyValuePair.Create(alarm.Key, (JsonNode?)alarm.Value))]),
            })])))]),
            ["events"] = new JsonArray([.. result.Events.Select(e => (JsonNode)new JsonObject { ["t"] = e.T, ["tier"] = e.Tier, ["kind"] = e.Kind, ["detail"] = e.Detail })]),
            ["findings"] = new JsonArray([.. findings.Select(f => (JsonNode)new JsonObject { ["rule"] = f.Rule, ["severity"] = f.SeverityName, ["resources"] = new JsonArray([.. f.Resources.Select(u => (JsonNode)u)]), ["message"] = f.Message, ["fix"] = f.Fix })]),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>One panel per tier: load, desired and serving capacity, CPU or backlog, and ALARM periods shaded;
    /// SVG, or PNG when the file name ends in .png.</summary>
    public static void Chart(SimulationResult result, string path)
    {
        const int width = 1100, height = 420;
        var tiers = result.Timeline.Keys.ToList();
        var panels = new List<string>();
        var png = path.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
        using var surface = png ? SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(width, height * tiers.Count)) : null;
        for (var i = 0; i < tiers.Count; i++)
        {
            var samples = result.Timeline[tiers[i]];
            var hours = samples.Select(sample => sample.T / 3600).ToArray();
            var plot = new ScottPlot.Plot();
            var web = samples.Any(sample => sample.Latency is not null) || samples.All(sample => sample.Backlog is null);
            plot.Title($"{result.Stack} {tiers[i]}: scenario {result.Scenario}");
            plot.XLabel("hours from local midnight");
            plot.YLabel("instances");
            var desired = plot.Add.ScatterLine(hours, samples.Select(sample => (double)sample.Desired).ToArray());
            desired.LegendText = "desired";
            desired.LineStyle.Pattern = ScottPlot.LinePattern.Dashed;
            var serving = plot.Add.ScatterLine(hours, samples.Select(sample => (double)sample.Serving).ToArray());
            serving.LegendText = "serving";
            serving.LineWidth = 2;
            var needed = plot.Add.ScatterLine(hours, samples.Select(sample => sample.Needed).ToArray());
            needed.LegendText = web ? "needed for the load" : "needed for the arrivals";
            var secondary = plot.Add.ScatterLine(hours, samples.Select(sample => web ? sample.Cpu ?? double.NaN : sample.Backlog ?? 0).ToArray());
            secondary.LegendText = web ? "CPU % (right axis)" : "backlog, jobs (right axis)";
            secondary.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = web ? "CPU %" : "jobs waiting";
            plot.Axes.SetLimitsY(0, Math.Ceiling(samples.Max(sample => Math.Max(sample.Desired, sample.Needed))) + 1, plot.Axes.Left);
            plot.Axes.SetLimitsY(0, web ? 105 : Math.Max(10, samples.Max(sample => sample.Backlog ?? 0) * 1.1), plot.Axes.Right);
            plot.Axes.SetLimitsX(0, result.Options.Hours);
            foreach (var alarm in samples.FirstOrDefault()?.Alarms.Keys ?? [])
            {
                var color = (alarm.Contains("low", StringComparison.Ordinal) ? ScottPlot.Colors.Blue : ScottPlot.Colors.Red).WithAlpha(0.1);
                var first = true;
                foreach (var (from, to) in Spans(samples, sample => sample.Alarms.GetValueOrDefault(alarm) == "ALARM"))
                {
                    var span = plot.Add.HorizontalSpan(from / 3600, to / 3600);
                    span.FillStyle.Color = color;
                    span.LineStyle.Width = 0;
                    if (first)
                        span.LegendText = $"{alarm} in ALARM";
                    first = false;
                }
            }

            plot.Legend.IsVisible = true;
            plot.Legend.Alignment = ScottPlot.Alignment.UpperLeft;
            if (surface is not null)
            {
                var panel = Path.GetTempFileName() + ".png";
                plot.SavePng(panel, width, height);
                using (var image = SkiaSharp.SKBitmap.Decode(panel))
                    surface.Canvas.DrawBitmap(image, 0, i * height);
                File.Delete(panel);
            }
            else
            {
                // Each panel is an <svg> of its own, placed below the previous one.
                panels.Add(plot.GetSvgHtml(width, height).Replace("<svg ", $"<svg y=\"{i * height}\" ", StringComparison.Ordinal));
            }
        }

        if (surface is not null)
        {
            using var file = File.Create(path);
            surface.Snapshot().Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).SaveTo(file);
            return;
        }

        File.WriteAllText(path, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height * tiers.Count}\">\n{string.Join("\n", panels)}\n</svg>\n");
    }

    static IEnumerable<(double From, double To)> Spans(IReadOnlyList<TierSample> samples, Func<TierSample, bool> on)
    {
        double? start = null;
        foreach (var sample in samples)
        {
            if (on(sample))
                start ??= sample.T;
            else if (start is { } from)
            {
                yield return (from, sample.T);
                start = null;
            }
        }

        if (start is { } open)
            yield return (open, samples[^1].T);
    }
}

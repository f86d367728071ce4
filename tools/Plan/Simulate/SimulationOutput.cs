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

    /// <summary>What the simulation says the stack should fix, as plan-check warnings (only from ./build.sh simulate):
    /// SIM001 overloaded while the group could still grow (scaling too late), SIM002 flapping, SIM003 overloaded at
    /// the group's maximum. The fixes are measured: the tier replayed with each candidate setting (<see cref="WhatIf"/>).</summary>
    public static IReadOnlyList<Finding> Findings(SimulationResult result, IReadOnlyList<TierModel> models, Scenario scenario, PlanDocument plan)
    {
        var byName = plan.Resources.Where(resource => resource.Type == Types.Group).ToDictionary(resource => resource.Name, resource => resource.Urn);
        var findings = new List<Finding>();
        foreach (var summary in result.Summaries)
        {
            var urn = byName.TryGetValue(summary.Tier, out var found) ? new[] { found } : [];
            var late = summary.OverloadedBelowMaxSeconds > 300;
            var small = summary.OverloadedAtMaxSeconds > 300;
            var remedies = late || small ? WhatIf.Try(result, models.Single(model => model.Name == summary.Tier), scenario) : [];
            if (late && summary.FirstOverloadAt is { } overload)
                findings.Add(new Finding("SIM001", Severity.Warning, urn,
                    $"{result.Scenario}: {summary.Tier} is overloaded from {Simulator.Clock(overload)} and {(summary.FirstNewServingAt is { } serving ? $"the first new instance serves {Minutes(serving - overload)} later" : "no new instance serves in the simulated time")}; {Minutes(summary.OverloadedBelowMaxSeconds)} overloaded below its maximum size",
                    Fix(summary, remedies.Where(remedy => remedy.Change.Kind == ChangeKind.Sooner).ToList(),
                        "no lower threshold or shorter alarm shortens it in the simulation: a schedule ahead of the load")));
            if (summary.Flapping)
                findings.Add(new Finding("SIM002", Severity.Warning, urn, $"{result.Scenario}: {summary.Tier} scales out and in again within 30 minutes (flapping)",
                    "widen the gap between the scale-out and scale-in thresholds, or lengthen the scale-in alarm"));
            if (small)
                findings.Add(new Finding("SIM003", Severity.Warning, urn,
                    $"{result.Scenario}: {summary.Tier} is overloaded {Minutes(summary.OverloadedSeconds)} in all, {Minutes(summary.OverloadedAtMaxSeconds)} of it at its maximum size",
                    Fix(summary, remedies, "no single change of maxSize, threshold or alarm period shortens it in the simulation: a larger instance type")));
        }

        return findings;
    }

    /// <summary>The best three measured remedies, or what is left to try when none helped.</summary>
    static string Fix(TierSummary summary, IReadOnlyList<Remedy> remedies, string otherwise) => remedies.Count == 0 ? otherwise
        : $"replayed with one change at a time (now {Minutes(summary.OverloadedSeconds)} overloaded): "
          + string.Join("; ", remedies.Take(3).Select(remedy => $"{remedy.Change.Setting} → {Minutes(remedy.OverloadedSeconds)}"));

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
                ["firstNewServingAt"] = Number(s.FirstNewServingAt), ["overloadedSeconds"] = s.OverloadedSeconds, ["overloadedAtMaxSeconds"] = s.OverloadedAtMaxSeconds, ["peakLatencySeconds"] = Number(s.PeakLatency),
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

    /// <summary>The chart formats, by file extension.</summary>
    public static readonly IReadOnlyList<string> ChartExtensions = [".svg", ".png"];

    /// <summary>One panel per tier: load, desired and serving capacity, CPU or backlog, and ALARM periods shaded; one
    /// SVG document or one PNG image (by the extension, one of <see cref="ChartExtensions"/>), the panels drawn one
    /// below the other on a single canvas.</summary>
    public static void Chart(SimulationResult result, string path)
    {
        const int width = 1100, height = 420;
        var plots = result.Timeline.Keys.Select(tier => Panel(result, tier)).ToList();
        var size = new SkiaSharp.SKSizeI(width, height * plots.Count);
        void Draw(SkiaSharp.SKCanvas canvas)
        {
            canvas.Clear(SkiaSharp.SKColors.White);
            for (var i = 0; i < plots.Count; i++)
            {
                // ScottPlot clears the canvas before it draws: the clip keeps that to the panel's own rectangle.
                canvas.Save();
                canvas.ClipRect(SkiaSharp.SKRect.Create(0, i * height, width, height));
                plots[i].Render(canvas, new ScottPlot.PixelRect(new ScottPlot.Pixel(0, i * height), new ScottPlot.PixelSize(width, height)));
                canvas.Restore();
            }
        }

        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (!ChartExtensions.Contains(extension))
            throw new ArgumentException($"{path}: a chart is {string.Join(" or ", ChartExtensions)}", nameof(path));
        // Drawn in memory first, so a file is written whole or not at all.
        using var buffer = new MemoryStream();
        if (extension == ".png")
        {
            using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(size.Width, size.Height));
            Draw(surface.Canvas);
            using var image = surface.Snapshot();
            image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).SaveTo(buffer);
        }
        else
        {
            // The SVG canvas finishes the document as it is disposed.
            using var canvas = SkiaSharp.SKSvgCanvas.Create(SkiaSharp.SKRect.Create(size.Width, size.Height), buffer);
            Draw(canvas);
        }

        File.WriteAllBytes(path, buffer.ToArray());
    }

    static ScottPlot.Plot Panel(SimulationResult result, string tier)
    {
        var samples = result.Timeline[tier];
        var hours = samples.Select(sample => sample.T / 3600).ToArray();
        var plot = new ScottPlot.Plot();
        var web = samples.Any(sample => sample.Latency is not null) || samples.All(sample => sample.Backlog is null);
        plot.Title($"{result.Stack} {tier}: scenario {result.Scenario}");
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
        return plot;
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

using System.Text.Json;
using Infra.Plan.Checks;
using Infra.Plan.Simulate;

namespace Infra.Plan;

/// <summary>./build.sh dashboard: draws the stack's planned CloudWatch dashboard, widget by widget at its place on the
/// 24-column grid, with each metric the simulator models filled from its timeline (so reviewers see the layout and the
/// day it would show before deploying); a metric the simulator does not model is named as such in its widget.</summary>
public static class DashboardCommand
{
    const int CellWidth = 60, CellHeight = 60;

    public sealed record Widget(string Type, int X, int Y, int Width, int Height, JsonElement Properties);

    /// <summary>The planned dashboard's widgets; null when the plan has no dashboard.</summary>
    public static IReadOnlyList<Widget>? Widgets(PlanDocument plan)
    {
        var dashboard = plan.Resources.FirstOrDefault(resource => resource.Type == "aws:cloudwatch/dashboard:Dashboard");
        if (PlanGraph.Text(dashboard?.Inputs["dashboardBody"]) is not { } body)
            return null;
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("widgets").EnumerateArray().Select(widget => new Widget(widget.GetProperty("type").GetString() ?? "",
            widget.GetProperty("x").GetInt32(), widget.GetProperty("y").GetInt32(), widget.GetProperty("width").GetInt32(), widget.GetProperty("height").GetInt32(),
            widget.GetProperty("properties").Clone()))];
    }

    /// <summary>The simulated series of one dashboard metric line, or null when the simulator does not model it.</summary>
    static (string Label, double[] Values)? Series(JsonElement line, SimulationResult result, IReadOnlyList<TierModel> tiers)
    {
        var parts = line.EnumerateArray().Where(part => part.ValueKind == JsonValueKind.String).Select(part => part.GetString()!).ToList();
        if (parts.Count < 2)
            return null;
        var dimensions = Enumerable.Range(0, (parts.Count - 2) / 2).ToDictionary(i => parts[2 + 2 * i], i => parts[3 + 2 * i]);
        var stat = line.EnumerateArray().LastOrDefault().ValueKind == JsonValueKind.Object && line.EnumerateArray().Last().TryGetProperty("stat", out var given) ? given.GetString() : null;
        var group = dimensions.GetValueOrDefault("AutoScalingGroupName") is { } groupName
            ? tiers.FirstOrDefault(tier => groupName.EndsWith($"-{tier.Name}", StringComparison.Ordinal))
            : null;
        var web = tiers.FirstOrDefault(tier => tier.Web);
        var worker = tiers.FirstOrDefault(tier => !tier.Web);
        IReadOnlyList<TierSample>? Of(TierModel? tier) => tier is null ? null : result.Timeline.GetValueOrDefault(tier.Name);
        var label = stat is null ? parts[1] : $"{parts[1]} {stat}";
        double[]? Values(TierModel? tier, Func<TierSample, double?> value) => Of(tier)?.Select(sample => value(sample) ?? double.NaN).ToArray();
        var values = (parts[0], parts[1]) switch
        {
            ("AWS/ApplicationELB" or "AWS/ELB", "RequestCount") => Values(web, sample => sample.Load * 60),
            ("AWS/ApplicationELB", "TargetResponseTime") or ("AWS/ELB", "Latency") when stat == "p50" => Values(web, sample => sample.Latency),
            ("AWS/ApplicationELB" or "AWS/NetworkELB" or "AWS/ELB", "HealthyHostCount") => Values(web, sample => sample.Serving),
            ("AWS/EC2", "CPUUtilization") => Values(group, sample => sample.Cpu),
            ("AWS/AutoScaling", "GroupDesiredCapacity") => Values(group, sample => sample.Desired),
            ("AWS/AutoScaling", "GroupInServiceInstances") => Values(group, sample => sample.InService),
            ("AWS/AutoScaling", "GroupMaxSize") when group is not null => Values(group, _ => group.Max),
            ("AWS/SQS", "ApproximateNumberOfMessagesVisible") when dimensions.GetValueOrDefault("QueueName")?.Contains("dlq", StringComparison.Ordinal) != true =>
                Values(worker, sample => sample.Backlog),
            _ => null,
        };
        return values is null ? null : (stat == "p50" ? $"{parts[1]} (simulated mean)" : label, values);
    }

    /// <summary>Writes the dashboard as PNG, or SVG when the file name ends in .svg.</summary>
    public static void Draw(IReadOnlyList<Widget> widgets, SimulationResult result, IReadOnlyList<TierModel> tiers, string path)
    {
        var rows = widgets.Max(widget => widget.Y + widget.Height);
        var (width, height) = (24 * CellWidth, rows * CellHeight);
        var svg = path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);
        var panels = new List<string>();
        using var surface = svg ? null : SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(width, height));
        surface?.Canvas.Clear(SkiaSharp.SKColors.White);
        foreach (var widget in widgets)
        {
            var plot = new ScottPlot.Plot();
            var (w, h) = (widget.Width * CellWidth, widget.Height * CellHeight);
            if (widget.Type == "text")
            {
                plot.Layout.Frameless();
                plot.Axes.Frameless();
                plot.HideGrid();
                var text = plot.Add.Text(widget.Properties.GetProperty("markdown").GetString()!.TrimStart('#', ' '), 0, 0);
                text.LabelFontSize = 18;
                text.LabelBold = true;
                text.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
            }
            else
            {
                plot.Title(widget.Properties.GetProperty("title").GetString() ?? "");
                plot.XLabel("hours");
                var hours = result.Timeline.Values.First().Select(sample => sample.T / 3600).ToArray();
                var missing = new List<string>();
                foreach (var line in widget.Properties.GetProperty("metrics").EnumerateArray())
                {
                    if (Series(line, result, tiers) is { } series && series.Values.Length == hours.Length)
                        plot.Add.ScatterLine(hours, series.Values).LegendText = series.Label;
                    else
                        missing.Add(line.EnumerateArray().ElementAt(1).GetString() ?? "");
                }

                var drawn = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().Any();
                if (missing.Count > 0)
                    plot.Add.Annotation($"not simulated:\n{string.Join("\n", missing.Distinct())}", drawn ? ScottPlot.Alignment.LowerRight : ScottPlot.Alignment.MiddleCenter);
                plot.Axes.SetLimitsX(0, result.Options.Hours);
                if (!drawn)
                    plot.Axes.SetLimitsY(0, 1);
                plot.Legend.IsVisible = drawn;
                plot.Legend.Alignment = ScottPlot.Alignment.UpperLeft;
            }

            if (surface is not null)
            {
                using var image = SkiaSharp.SKBitmap.Decode(plot.GetImageBytes(w, h, ScottPlot.ImageFormat.Png));
                surface.Canvas.DrawBitmap(image, widget.X * CellWidth, widget.Y * CellHeight);
            }
            else
                // Each widget an <svg> of its own at its grid place; one XML declaration for the whole file.
                panels.Add(System.Text.RegularExpressions.Regex.Replace(plot.GetSvgHtml(w, h), @"<\?xml[^>]*\?>\s*", "")
                    .Replace("<svg ", $"<svg x=\"{widget.X * CellWidth}\" y=\"{widget.Y * CellHeight}\" ", StringComparison.Ordinal));
        }

        if (surface is not null)
        {
            using var file = File.Create(path);
            surface.Snapshot().Encode(SkiaSharp.SKEncodedImageFormat.Png, 100).SaveTo(file);
            return;
        }

        File.WriteAllText(path, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{string.Join("\n", panels)}\n</svg>\n");
    }
}

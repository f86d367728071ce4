using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Infra.Plan;

/// <summary>What the commands add for a global stack: its regions one by one and the site in total.</summary>
public static class SiteSummary
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Under the global stack's tree: one line per region (its own plan, `./build.sh plan &lt;region&gt;` shows it).</summary>
    public static void Plan(PlanDocument site, IAnsiConsole console)
    {
        if (site.Regions.Count == 0)
            return;
        foreach (var region in site.Regions)
            console.MarkupLine(Markup.Escape($"  region {region.Stack} ({region.Region}): {TreePlan.Summary(region)}"));
        var monthly = site.Stacks.Select(plan => plan.Cost?.Desired).ToList();
        var cost = monthly.All(value => value is not null)
            ? string.Create(CultureInfo.InvariantCulture, $", about ${monthly.Sum():#,0} a month at desired capacity")
            : "";
        console.MarkupLine(Markup.Escape($"site {site.Stack}: {site.Regions.Count} regions, {site.Stacks.Sum(plan => plan.Resources.Count)} resources in all{cost}"));
    }

    /// <summary>The regions of a JSON plan: stack, region, resource count and monthly estimate of each.</summary>
    public static JsonArray Regions(PlanDocument site) =>
        [.. site.Regions.Select(region => (JsonNode)new JsonObject
        {
            ["stack"] = region.Stack,
            ["region"] = region.Region,
            ["resources"] = region.Resources.Count,
            ["monthlyDesired"] = region.Cost is { } cost ? Math.Round(cost.Desired, 2) : null,
        })];

    /// <summary>{site, stacks: [each stack's own JSON document]}.</summary>
    public static string Json(string site, IEnumerable<string> stacks) =>
        new JsonObject { ["site"] = site, ["stacks"] = new JsonArray([.. stacks.Select(json => JsonNode.Parse(json))]) }.ToJsonString(Indented) + "\n";

    /// <summary>{site, currency, monthly: {min, desired, scheduled, max}, complete, stacks: [each stack's cost JSON]}.</summary>
    public static string CostJson(string site, IReadOnlyList<Cost.CostReport> reports) => new JsonObject
    {
        ["site"] = site,
        ["currency"] = "USD",
        ["monthly"] = new JsonObject([.. Cost.Capacity.Levels.Select(level =>
            KeyValuePair.Create(level, (JsonNode?)Math.Round(reports.Sum(report => report.Monthly(level)), 2)))]),
        ["complete"] = reports.All(report => report.Unpriced.Count == 0),
        ["stacks"] = new JsonArray([.. reports.Select(report => JsonNode.Parse(Cost.CostRenderers.Json(report)))]),
    }.ToJsonString(Indented) + "\n";

    /// <summary>The site's line under the per-stack tables: every region and the global stack summed.</summary>
    public static void CostTotal(string site, IReadOnlyList<Cost.CostReport> reports, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{site}: the site's monthly estimate, USD");
        table.AddColumn("stack");
        table.AddColumn("region");
        foreach (var level in Cost.Capacity.Levels)
            table.AddColumn(new TableColumn(level).RightAligned());
        static string Money(double value) => value.ToString("#,0.00", CultureInfo.InvariantCulture);
        foreach (var report in reports)
            table.AddRow([Markup.Escape(report.Stack), Markup.Escape(report.Region), .. Cost.Capacity.Levels.Select(level => Money(report.Monthly(level)))]);
        table.AddEmptyRow();
        table.AddRow(["[bold]Total[/]", "", .. Cost.Capacity.Levels.Select(level => $"[bold]{Money(reports.Sum(report => report.Monthly(level)))}[/]")]);
        console.Write(table);
        var unpriced = reports.Sum(report => report.Unpriced.Count);
        if (unpriced > 0)
            console.MarkupLine($"[yellow]incomplete[/]: {unpriced} unpriced item(s) left out of the total (listed under each stack above)");
    }
}

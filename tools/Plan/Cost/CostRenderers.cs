using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Infra.Plan.Cost;

/// <summary>The estimate as a table per component (fixed and usage parts at desired capacity, then the four
/// capacities), and as the documented JSON.</summary>
public static class CostRenderers
{
    static string Money(double value) => value.ToString("#,0.00", CultureInfo.InvariantCulture);

    static string Short(string type) => type.Split(':').Last();

    public static void Table(CostReport report, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"{report.Stack}: monthly estimate, USD, on-demand, {report.Region}");
        table.AddColumn("");
        foreach (var column in new[] { "fixed", "usage", "min", "desired", "scheduled", "max" })
            table.AddColumn(new TableColumn(column).RightAligned());
        void Row(string label, Func<string, Cost.CostKind?, double> monthly, bool bold)
        {
            string Cell(double value) => bold ? $"[bold]{Money(value)}[/]" : Money(value);
            table.AddRow([bold ? $"[bold]{Markup.Escape(label)}[/]" : Markup.Escape(label),
                Cell(monthly("desired", CostKind.Fixed)), Cell(monthly("desired", CostKind.Usage)),
                .. Capacity.Levels.Select(level => Cell(monthly(level, null)))]);
        }

        foreach (var component in report.Components)
        {
            Row(component.Key, (level, kind) => component.Sum(resource => resource.Monthly(level, kind)), bold: true);
            foreach (var resource in component.OrderByDescending(resource => resource.Monthly("desired")))
                Row($"  {resource.Resource.Name} ({Short(resource.Resource.Type)})", resource.Monthly, bold: false);
        }

        table.AddEmptyRow();
        Row(report.Complete ? "Total" : "Total (incomplete)", report.Monthly, bold: true);
        console.Write(table);
        console.MarkupLine(Markup.Escape("fixed and usage at desired capacity; min, desired and max are the groups' bounds, scheduled follows their " +
            "schedules through a typical week. 730 hours a month, list prices of " + report.PricesAsOf + ", no free tier."));
        console.MarkupLine(Markup.Escape("Usage is an assumption: " + string.Join(", ", UsageLines(report.Usage)) + " (override with --usage <file.yaml>)."));
        if (report.PartialRegion is { } partial)
            console.MarkupLine($"[yellow]partial prices[/] {Markup.Escape($"{report.Region}: {partial}")}");
        foreach (var missing in report.Unpriced)
            console.MarkupLine($"[yellow]unpriced[/] {Markup.Escape($"{missing.Name}: {missing.Item}: {missing.Why}")}");
        foreach (var risk in report.Risks)
            console.MarkupLine($"[yellow]risk[/] {Markup.Escape(RiskLine(risk))}");
        if (report.Incompleteness is { } incomplete)
            console.MarkupLine($"[bold yellow]{Markup.Escape($"The total is {incomplete}.")}[/]");
    }

    /// <summary>"web: t3.small unlimited CPU credits: up to $58.40 a month per instance, $58.40 at desired capacity (…)".</summary>
    public static string RiskLine(Risk risk) => risk.PerInstance is { } perInstance
        ? $"{risk.Name}: {risk.Item}: up to ${Money(perInstance)} a month per instance, ${Money(risk.Monthly("desired") ?? 0)} at desired capacity, " +
          $"${Money(risk.Monthly("max") ?? 0)} at max, not in the totals ({risk.Assumption})"
        : $"{risk.Name}: {risk.Item}: {risk.Assumption}";

    static IEnumerable<string> UsageLines(UsageProfile usage) =>
        typeof(UsageProfile).GetProperties().Select(property =>
            $"{char.ToLowerInvariant(property.Name[0])}{property.Name[1..]} {Convert.ToDouble(property.GetValue(usage), CultureInfo.InvariantCulture).ToString("#,0.##", CultureInfo.InvariantCulture)}");

    static JsonObject Monthly(Func<string, double> at) =>
        new(Capacity.Levels.Select(level => KeyValuePair.Create(level, (JsonNode?)Math.Round(at(level), 2))));

    /// <summary>{currency, region, pricesAsOf, complete, incomplete, partialRegion, usage, monthly, components[], resources[],
    /// unpriced[], risks[]}.</summary>
    public static string Json(CostReport report) => new JsonObject
    {
        ["currency"] = "USD",
        ["region"] = report.Region,
        ["pricesAsOf"] = report.PricesAsOf,
        ["complete"] = report.Complete,
        ["incomplete"] = report.Incompleteness,
        ["partialRegion"] = report.PartialRegion,
        ["usage"] = JsonSerializer.SerializeToNode(report.Usage, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }),
        ["monthly"] = Monthly(level => report.Monthly(level)),
        ["components"] = new JsonArray([.. report.Components.Select(component => (JsonNode)new JsonObject
        {
            ["name"] = component.Key,
            ["monthly"] = Monthly(level => component.Sum(resource => resource.Monthly(level))),
            ["fixed"] = Monthly(level => component.Sum(resource => resource.Monthly(level, CostKind.Fixed))),
            ["usage"] = Monthly(level => component.Sum(resource => resource.Monthly(level, CostKind.Usage))),
        })]),
        ["resources"] = new JsonArray([.. report.Resources.Select(resource => (JsonNode)new JsonObject
        {
            ["urn"] = resource.Resource.Urn,
            ["type"] = resource.Resource.Type,
            ["monthly"] = Monthly(level => resource.Monthly(level)),
            ["items"] = new JsonArray([.. resource.Items.Select(item => (JsonNode)new JsonObject
            {
                ["name"] = item.Name, ["price"] = item.PriceId, ["quantity"] = Math.Round(item.Quantity, 4), ["unit"] = item.Unit,
                ["unitPrice"] = item.UnitPrice, ["kind"] = item.Kind == CostKind.Fixed ? "fixed" : "usage", ["perInstance"] = item.PerInstance,
            })]),
        })]),
        ["unpriced"] = new JsonArray([.. report.Unpriced.Select(missing => (JsonNode)new JsonObject
        {
            ["urn"] = missing.Urn, ["item"] = missing.Item, ["price"] = missing.PriceId, ["why"] = missing.Why,
        })]),
        ["risks"] = new JsonArray([.. report.Risks.Select(risk => (JsonNode)new JsonObject
        {
            ["urn"] = risk.Urn, ["item"] = risk.Item,
            ["perInstance"] = risk.PerInstance is { } perInstance ? Math.Round(perInstance, 2) : null,
            ["monthly"] = risk.PerInstance is null ? null : Monthly(level => risk.Monthly(level) ?? 0),
            ["assumption"] = risk.Assumption,
        })]),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
}

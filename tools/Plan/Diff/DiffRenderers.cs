using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Infra.Plan.Diff;

/// <summary>The symbols of `pulumi preview`: + create, ~ update, +- replace, - delete.</summary>
internal static class Actions
{
    public static string Symbol(string action) => action switch { "create" => "+", "update" => "~", "replace" => "+-", _ => "-" };

    public static string Color(string action) => action switch { "create" => "green", "update" => "yellow", "replace" => "fuchsia", _ => "red" };

    /// <summary>A value on one line, whole (nested changes arrive as their leaves, so values are short).</summary>
    public static string Show(JsonNode? value) =>
        value is null ? "(unset)" : value is JsonValue plain && plain.TryGetValue<string>(out var s) ? $"\"{s}\"" : value.ToJsonString();

    /// <summary>The top-level component a change belongs to (its name), for grouping.</summary>
    public static string Component(PlanDiff diff, ResourceChange change)
    {
        // A deleted resource and its owner are only in the base.
        var byUrn = diff.Head.Resources.Concat(diff.Base.Resources).DistinctBy(resource => resource.Urn).ToDictionary(resource => resource.Urn);
        return PlanDocument.TopLevelName(byUrn, diff.Head.StackUrn, change.Urn) ?? change.Name;
    }
}

public static class TreeDiff
{
    public static void Render(PlanDiff diff, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]pulumi:pulumi:Stack[/] {Markup.Escape($"{diff.Head.Project}-{diff.Stack}")}");
        foreach (var group in diff.Changes.GroupBy(change => Actions.Component(diff, change)))
        {
            console.MarkupLine($"  [bold]{Markup.Escape(group.Key)}[/]");
            foreach (var change in group)
            {
                var color = Actions.Color(change.Action);
                console.MarkupLine($"    [{color}]{Actions.Symbol(change.Action),-2} {Markup.Escape(change.Type)} {Markup.Escape(change.Name)}[/]");
                foreach (var input in change.Inputs)
                {
                    var forces = input.ForcesReplacement ? " [fuchsia](forces replacement)[/]" : "";
                    var reason = input.Reason is null ? "" : $" [grey]({Markup.Escape(input.Reason)})[/]";
                    console.MarkupLine($"        {Markup.Escape(input.Shown)}: {Markup.Escape(Actions.Show(input.Old))} → {Markup.Escape(Actions.Show(input.New))}{forces}{reason}");
                }

                foreach (var note in change.Notes)
                    console.MarkupLine($"        [grey]note: {Markup.Escape(note)}[/]");
            }
        }

        console.WriteLine();
        console.MarkupLine(Markup.Escape($"{diff.Stack}: {diff.Summary}"));
        console.MarkupLine(Markup.Escape(diff.CostLine));
    }
}

public static class JsonDiff
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The documented shape: {stack, summary{create, update, replace, delete, same}, changes[]}.</summary>
    public static string Render(PlanDiff diff) => new JsonObject
    {
        ["stack"] = diff.Stack,
        ["summary"] = new JsonObject
        {
            ["create"] = diff.Summary.Create, ["update"] = diff.Summary.Update, ["replace"] = diff.Summary.Replace,
            ["delete"] = diff.Summary.Delete, ["same"] = diff.Summary.Same,
        },
        ["cost"] = new JsonObject
        {
            ["currency"] = "USD", ["desiredBefore"] = Math.Round(diff.Costs.Before.Desired, 2), ["desiredAfter"] = Math.Round(diff.Costs.After.Desired, 2),
            ["delta"] = Math.Round(diff.Costs.After.Desired - diff.Costs.Before.Desired, 2),
            ["complete"] = diff.Costs.Before.Complete && diff.Costs.After.Complete,
            ["unpricedBefore"] = new JsonArray([.. diff.Costs.Before.Unpriced.Select(price => (JsonNode)price)]),
            ["unpricedAfter"] = new JsonArray([.. diff.Costs.After.Unpriced.Select(price => (JsonNode)price)]),
        },
        ["changes"] = new JsonArray([.. diff.Changes.Select(change => (JsonNode)new JsonObject
        {
            ["urn"] = change.Urn,
            ["type"] = change.Type,
            ["name"] = change.Name,
            ["action"] = change.Action,
            ["inputs"] = new JsonArray([.. change.Inputs.Select(input => (JsonNode)new JsonObject
            {
                ["name"] = input.Name, ["path"] = input.Shown, ["old"] = input.Old?.DeepClone(), ["new"] = input.New?.DeepClone(),
                ["forcesReplacement"] = input.ForcesReplacement, ["reason"] = input.Reason,
            })]),
            ["notes"] = new JsonArray([.. change.Notes.Select(note => (JsonNode)note)]),
        })]),
    }.ToJsonString(Indented) + "\n";
}

/// <summary>For a pull-request comment: a summary line per stack, then the changes per component, folded.</summary>
public static class MarkdownDiff
{
    public static string Render(PlanDiff diff)
    {
        var text = new StringBuilder();
        var summary = diff.Summary;
        text.Append($"### `{diff.Stack}`: {summary}\n\n{diff.CostLine}\n\n");
        if (summary.Empty)
            return text.ToString();
        text.Append("| create | update | replace | delete | unchanged |\n|---:|---:|---:|---:|---:|\n");
        text.Append($"| {summary.Create} | {summary.Update} | {summary.Replace} | {summary.Delete} | {summary.Same} |\n\n");
        foreach (var group in diff.Changes.GroupBy(change => Actions.Component(diff, change)))
        {
            var changes = group.ToList();
            text.Append($"<details><summary><b>{group.Key}</b>: {string.Join(", ", changes.GroupBy(c => c.Action).Select(g => $"{g.Count()} {g.Key}"))}</summary>\n\n");
            text.Append("| | resource | what changes |\n|---|---|---|\n");
            foreach (var change in changes)
            {
                var inputs = change.Inputs.Select(input =>
                    $"`{input.Shown}`: `{Cell(Actions.Show(input.Old))}` → `{Cell(Actions.Show(input.New))}`{(input.ForcesReplacement ? " **forces replacement**" : "")}{(input.Reason is null ? "" : $" ({input.Reason})")}");
                var cell = string.Join("<br>", inputs.Concat(change.Notes.Select(note => $"_{note}_")));
                text.Append($"| `{Actions.Symbol(change.Action)}` | `{change.Type}` **{change.Name}** | {cell} |\n");
            }

            text.Append("\n</details>\n\n");
        }

        return text.ToString();
    }

    static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}

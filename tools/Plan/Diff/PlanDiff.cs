using System.Text.Json.Nodes;

namespace Infra.Plan.Diff;

/// <summary>One changed value: of the input Name, at Path within it when the change is nested (healthCheck.path,
/// policy.Statement[0].Action, userData line 12).</summary>
public sealed record InputChange(string Name, JsonNode? Old, JsonNode? New, bool ForcesReplacement, string? Reason = null, string? Path = null)
{
    public string Shown => Path ?? Name;
}

/// <summary>One resource that the change creates, updates, replaces or deletes.</summary>
public sealed record ResourceChange(string Urn, string Type, string Name, string? Parent, string Action, IReadOnlyList<InputChange> Inputs,
    IReadOnlyList<string> Notes);

public sealed record DiffSummary(int Create, int Update, int Replace, int Delete, int Same)
{
    public bool Empty => Create + Update + Replace + Delete == 0;

    public override string ToString() =>
        Empty ? $"no changes ({Same} resources unchanged)" : $"{Create} to create, {Update} to update, {Replace} to replace, {Delete} to delete, {Same} unchanged";
}

/// <summary>What a change does: two plans of a stack matched by URN (a renamed resource is a delete and a create).
/// An input that changes is old → new; a replaced resource gets a new id, so what refers to it changes too, and is
/// replaced in turn when that input forces it.</summary>
public sealed record PlanDiff(string Stack, PlanDocument Base, PlanDocument Head, IReadOnlyList<ResourceChange> Changes, DiffSummary Summary)
{
    /// <summary>The monthly estimates before and after (a stack that did not exist at the base costs nothing).</summary>
    public (Cost.MonthlyCost Before, Cost.MonthlyCost After) Costs { get; } = (Cost.MonthlyCost.Of(Base), Cost.MonthlyCost.Of(Head));

    /// <summary>The delta at desired capacity, and what either side leaves out: a delta between incomplete totals says so.</summary>
    public string CostLine
    {
        get
        {
            var (before, after) = (Costs.Before.Desired, Costs.After.Desired);
            var line = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"monthly estimate at desired capacity: ${before:#,0.00} → ${after:#,0.00} ({(after >= before ? "+" : "-")}${Math.Abs(after - before):#,0.00})");
            var missing = new[] { ("before", Costs.Before), ("after", Costs.After) }.Where(side => !side.Item2.Complete)
                .Select(side => $"{side.Item1} {side.Item2.Incompleteness}").ToList();
            return missing.Count == 0 ? line : $"{line}; {string.Join("; ", missing)}";
        }
    }

    public const string Changed = "[changed]";

    public static PlanDiff Between(PlanDocument before, PlanDocument after)
    {
        var old = before.Resources.ToDictionary(resource => resource.Urn);
        var current = after.Resources.ToDictionary(resource => resource.Urn);
        var changes = new Dictionary<string, (string Action, List<InputChange> Inputs)>();
        foreach (var resource in after.Resources)
        {
            if (!old.TryGetValue(resource.Urn, out var previous))
            {
                changes[resource.Urn] = ("create", []);
                continue;
            }

            var inputs = InputChanges(resource.Type, previous, resource).ToList();
            if (previous.Provider != resource.Provider)
                inputs.Add(new InputChange(ReplacementTriggers.Provider, previous.Provider, resource.Provider, true));
            if (inputs.Count > 0)
                changes[resource.Urn] = (inputs.Any(input => input.ForcesReplacement) ? "replace" : "update", inputs);
        }

        Cascade(after, old, changes);
        var ordered = after.Resources.Where(resource => changes.ContainsKey(resource.Urn))
            .Select(resource => Change(resource, changes[resource.Urn].Action, changes[resource.Urn].Inputs))
            .Concat(before.Resources.Where(resource => !current.ContainsKey(resource.Urn)).Select(resource => Change(resource, "delete", [])))
            .ToList();
        int Count(string action) => ordered.Count(change => change.Action == action);
        var summary = new DiffSummary(Count("create"), Count("update"), Count("replace"), Count("delete"),
            after.Resources.Count(resource => !changes.ContainsKey(resource.Urn)));
        return new PlanDiff(after.Stack, before, after, ordered, summary);
    }

    static ResourceChange Change(PlannedResource resource, string action, IReadOnlyList<InputChange> inputs) =>
        new(resource.Urn, resource.Type, resource.Name, resource.Parent, action, inputs,
            [.. ChangeEffects.Of(resource.Type, action, inputs.Select(input => input.Name))]);

    static IEnumerable<InputChange> InputChanges(string type, PlannedResource before, PlannedResource after)
    {
        foreach (var name in before.Inputs.Select(pair => pair.Key).Union(after.Inputs.Select(pair => pair.Key)).Order(StringComparer.Ordinal))
        {
            var (was, now) = (before.Inputs[name], after.Inputs[name]);
            // A plan from before digests were recorded says nothing about its secrets: compare only when both have one.
            var secretChanged = before.SecretDigests.TryGetValue(name, out var digestBefore) && after.SecretDigests.TryGetValue(name, out var digestAfter) && digestBefore != digestAfter;
            if (JsonNode.DeepEquals(was, now) && !secretChanged)
                continue;
            var forces = ReplacementTriggers.Forces(type, name) || ReplacementTriggers.ForcesInShape(type, name, after.Inputs, was, now);
            if (now?.ToString() == PlanDocument.Secret || was?.ToString() == PlanDocument.Secret)
            {
                yield return new InputChange(name, PlanDocument.Secret, Changed, forces);
                continue;
            }

            foreach (var (path, old, current) in ChangedLeaves.Of(name, was, now))
                yield return new InputChange(name, old?.DeepClone(), current?.DeepClone(), forces, Path: path == name ? null : path);
        }
    }

    /// <summary>A replaced resource comes back with a new id and ARN: every input that held one of them changes, and
    /// replaces its resource where it forces replacement, until nothing more changes. A subnet or security group
    /// replaced because its VPC is replaces what AWS keeps in one VPC with it (ReplacementTriggers.VpcBound).</summary>
    static void Cascade(PlanDocument after, Dictionary<string, PlannedResource> old, Dictionary<string, (string Action, List<InputChange> Inputs)> changes)
    {
        // A replaced resource is looked at again when it gains inputs (a subnet learns its VPC is replaced).
        var seen = new Dictionary<string, int>();
        while (changes.Where(pair => pair.Value.Action == "replace" && (!seen.TryGetValue(pair.Key, out var count) || count != pair.Value.Inputs.Count))
                   .Select(pair => pair.Key).ToList() is { Count: > 0 } replaced)
            foreach (var urn in replaced)
            {
                seen[urn] = changes[urn].Inputs.Count;
                var source = after.Resources.First(resource => resource.Urn == urn);
                var newVpc = changes[urn].Inputs.FirstOrDefault(input => input is { Name: "vpcId", ForcesReplacement: true }) is { } vpcChange
                    ? vpcChange.Reason ?? "its VPC is replaced" : null;
                var values = source.Outputs.Select(pair => pair.Value?.ToString()).Where(value => value is { Length: > 8 }).ToHashSet();
                foreach (var resource in after.Resources.Where(resource => resource.Urn != urn && old.ContainsKey(resource.Urn)))
                {
                    var refers = resource.Inputs.Where(pair => values.Any(value => pair.Value?.ToJsonString().Contains(value!, StringComparison.Ordinal) == true))
                        .Select(pair => pair.Key).ToList();
                    if (refers.Count == 0)
                        continue;
                    var entry = changes.TryGetValue(resource.Urn, out var existing) ? existing : ("update", new List<InputChange>());
                    foreach (var name in refers)
                    {
                        var binding = newVpc is null ? null : ReplacementTriggers.BoundToVpc(resource.Type, name);
                        var forces = ReplacementTriggers.Forces(resource.Type, name) || binding is not null;
                        var reason = binding is null ? $"{source.Name} is replaced" : $"{newVpc}: {source.Name} moves to the new VPC, and {binding.Why}";
                        var index = entry.Item2.FindIndex(input => input.Name == name);
                        if (index < 0)
                            entry.Item2.Add(new InputChange(name, resource.Inputs[name]?.DeepClone(), PlanDocument.Unknown, forces, reason));
                        else if (forces && !entry.Item2[index].ForcesReplacement)
                            entry.Item2[index] = entry.Item2[index] with { ForcesReplacement = true, Reason = reason };
                    }

                    changes[resource.Urn] = (entry.Item2.Any(input => input.ForcesReplacement) ? "replace" : entry.Item1, entry.Item2);
                }
            }
    }
}

/// <summary>The changed leaves of two values, each with its path, so a nested change reads as what changed
/// (healthCheck.path: "/health" → "/healthz") and nothing is cut: objects by key, lists of the same length by index,
/// JSON documents held as text (policies) as the documents, text of several lines (user data, also base64) by line.</summary>
public static class ChangedLeaves
{
    public static IEnumerable<(string Path, JsonNode? Old, JsonNode? New)> Of(string path, JsonNode? was, JsonNode? now)
    {
        if (JsonNode.DeepEquals(was, now))
            yield break;
        IEnumerable<(string, JsonNode?, JsonNode?)> nested = (was, now) switch
        {
            (JsonObject a, JsonObject b) => a.Select(pair => pair.Key).Union(b.Select(pair => pair.Key)).Order(StringComparer.Ordinal)
                .SelectMany(key => Of($"{path}.{key}", a[key], b[key])),
            (JsonArray a, JsonArray b) when a.Count == b.Count => a.Select((item, i) => Of($"{path}[{i}]", item, b[i])).SelectMany(leaves => leaves),
            _ when Document(was) is { } a && Document(now) is { } b => Of(path, a, b),
            _ when Lines(was) is { } a && Lines(now) is { } b => LineChanges(path, a, b),
            _ => [(path, was, now)],
        };
        foreach (var leaf in nested)
            yield return leaf;
    }

    static JsonNode? Document(JsonNode? value)
    {
        if (value is not JsonValue text || !text.TryGetValue<string>(out var s) || s.TrimStart() is not ['{' or '[', ..])
            return null;
        try
        {
            return JsonNode.Parse(s);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Text of several lines, as it is or decoded from base64 (EC2 user data).</summary>
    static string[]? Lines(JsonNode? value)
    {
        if (value is not JsonValue text || !text.TryGetValue<string>(out var s))
            return null;
        if (!s.Contains('\n', StringComparison.Ordinal) && s.Length > 0 && s.Length % 4 == 0)
        {
            var bytes = new byte[s.Length];
            if (Convert.TryFromBase64String(s, bytes, out var length))
            {
                try
                {
                    s = new System.Text.UTF8Encoding(false, true).GetString(bytes, 0, length);
                }
                catch (System.Text.DecoderFallbackException)
                {
                    return null;
                }
            }
        }

        return s.Contains('\n', StringComparison.Ordinal) ? s.Split('\n') : null;
    }

    /// <summary>Lines changed in place when the count is the same; otherwise the lines only one side has.</summary>
    static IEnumerable<(string, JsonNode?, JsonNode?)> LineChanges(string path, string[] was, string[] now)
    {
        if (was.Length == now.Length)
            return was.Select((line, i) => (line, i)).Where(pair => pair.line != now[pair.i])
                .Select(pair => ($"{path} line {pair.i + 1}", (JsonNode?)pair.line, (JsonNode?)now[pair.i]));
        var (kept, added) = (now.ToHashSet(), was.ToHashSet());
        return was.Select((line, i) => (line, i)).Where(pair => !kept.Contains(pair.line)).Select(pair => ($"{path} line {pair.i + 1}", (JsonNode?)pair.line, (JsonNode?)null))
            .Concat(now.Select((line, i) => (line, i)).Where(pair => !added.Contains(pair.line)).Select(pair => ($"{path} line {pair.i + 1}", (JsonNode?)null, (JsonNode?)pair.line)));
    }
}

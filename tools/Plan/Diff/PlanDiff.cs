using System.Text.Json.Nodes;

namespace Infra.Plan.Diff;

public sealed record InputChange(string Name, JsonNode? Old, JsonNode? New, bool ForcesReplacement, string? Reason = null);

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
    /// <summary>The monthly estimate at desired capacity before and after, when both regions are priced.</summary>
    public (double Before, double After)? DesiredCost =>
        Cost.MonthlyCost.Of(Base) is { } before && Cost.MonthlyCost.Of(Head) is { } after ? (before.Desired, after.Desired) : null;

    public string CostLine => DesiredCost is var (before, after)
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"monthly estimate at desired capacity: ${before:#,0.00} → ${after:#,0.00} ({(after >= before ? "+" : "-")}${Math.Abs(after - before):#,0.00})")
        : "monthly estimate: not priced in this region";

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
            var masked = now?.ToString() == PlanDocument.Secret || was?.ToString() == PlanDocument.Secret;
            yield return new InputChange(name, masked ? PlanDocument.Secret : was?.DeepClone(), masked ? Changed : now?.DeepClone(),
                ReplacementTriggers.Forces(type, name));
        }
    }

    /// <summary>A replaced resource comes back with a new id and ARN: every input that held one of them changes, and
    /// replaces its resource where it forces replacement, until nothing more changes.</summary>
    static void Cascade(PlanDocument after, Dictionary<string, PlannedResource> old, Dictionary<string, (string Action, List<InputChange> Inputs)> changes)
    {
        var done = new HashSet<string>();
        while (changes.Where(pair => pair.Value.Action == "replace" && done.Add(pair.Key)).Select(pair => pair.Key).ToList() is { Count: > 0 } replaced)
            foreach (var urn in replaced)
            {
                var source = after.Resources.First(resource => resource.Urn == urn);
                var values = source.Outputs.Select(pair => pair.Value?.ToString()).Where(value => value is { Length: > 8 }).ToHashSet();
                foreach (var resource in after.Resources.Where(resource => resource.Urn != urn && old.ContainsKey(resource.Urn)))
                {
                    var refers = resource.Inputs.Where(pair => values.Any(value => pair.Value?.ToJsonString().Contains(value!, StringComparison.Ordinal) == true))
                        .Select(pair => pair.Key).ToList();
                    if (refers.Count == 0)
                        continue;
                    var entry = changes.TryGetValue(resource.Urn, out var existing) ? existing : ("update", new List<InputChange>());
                    foreach (var name in refers.Where(name => entry.Item2.All(input => input.Name != name)))
                        entry.Item2.Add(new InputChange(name, resource.Inputs[name]?.DeepClone(), PlanDocument.Unknown,
                            ReplacementTriggers.Forces(resource.Type, name), $"{source.Name} is replaced"));
                    changes[resource.Urn] = (entry.Item2.Any(input => input.ForcesReplacement) ? "replace" : entry.Item1, entry.Item2);
                }
            }
    }
}

using System.Text.Json.Nodes;

namespace Infra.Plan;

/// <summary>One resource of the plan, as documented in README.md (JSON plan). Outputs are what AWS computes on
/// create (id, ARN, generated names), as the mocks answer them: the values other resources refer to.</summary>
public sealed record PlannedResource(
    string Urn,
    string Type,
    string Name,
    string? Parent,
    string? Provider,
    IReadOnlyList<string> DependsOn,
    bool Protect,
    JsonObject Inputs,
    JsonObject Outputs)
{
    /// <summary>For each secret input, a digest that changes when the secret does (of its ciphertext where the value
    /// comes from the stack file), so a diff can say "changed" without the value.</summary>
    public IReadOnlyDictionary<string, string> SecretDigests { get; init; } = new Dictionary<string, string>();
}

public sealed record Diagnostic(string Severity, string Key, string Message);

/// <summary>What a stack will create: resources in registration order, stack outputs, diagnostics, and the
/// findings of the plan checks over that graph.</summary>
public sealed record PlanDocument(
    string Project,
    string Stack,
    string Sdk,
    string Region,
    string StackUrn,
    IReadOnlyList<PlannedResource> Resources,
    JsonObject Outputs,
    IReadOnlyList<Diagnostic> Diagnostics,
    TimeSpan Elapsed)
{
    public IReadOnlyList<Checks.Finding> Findings { get; init; } = [];

    /// <summary>The monthly estimate with the default usage profile; null in a region the price book lacks.</summary>
    public Cost.MonthlyCost? Cost { get; init; }

    /// <summary>A global stack's regional stacks, each planned on its own from its stack file (README, More than one
    /// region); empty for a regional stack.</summary>
    public IReadOnlyList<PlanDocument> Regions { get; init; } = [];

    /// <summary>The regional stacks, then this one: what per-stack commands (cost, check, simulate, diff) go through.</summary>
    public IEnumerable<PlanDocument> Stacks => Regions.Append(this);

    public const string Secret = "[secret]";
    public const string Unknown = "[unknown]";

    public IEnumerable<PlannedResource> ChildrenOf(string urn) => Resources.Where(resource => resource.Parent == urn);

    /// <summary>The name of the top-level component that owns a resource (its own name at the top), for grouping.</summary>
    public string TopLevelName(PlannedResource resource) =>
        TopLevelName(Resources.ToDictionary(candidate => candidate.Urn), StackUrn, resource.Urn)!;

    /// <summary>Walks parents up to the stack over resources by URN; null for a URN not among them.</summary>
    public static string? TopLevelName(IReadOnlyDictionary<string, PlannedResource> byUrn, string stackUrn, string urn)
    {
        if (!byUrn.TryGetValue(urn, out var current))
            return null;
        while (current.Parent is { } parent && parent != stackUrn && byUrn.TryGetValue(parent, out var owner))
            current = owner;
        return current.Name;
    }
}

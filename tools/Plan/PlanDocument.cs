using System.Text.Json.Nodes;

namespace Infra.Plan;

/// <summary>One resource of the plan, as documented in README.md (JSON plan).</summary>
public sealed record PlannedResource(
    string Urn,
    string Type,
    string Name,
    string? Parent,
    string? Provider,
    IReadOnlyList<string> DependsOn,
    bool Protect,
    JsonObject Inputs);

public sealed record Diagnostic(string Severity, string Key, string Message);

/// <summary>What a stack will create: resources in registration order, stack outputs, diagnostics.</summary>
public sealed record PlanDocument(
    string Project,
    string Stack,
    string Sdk,
    string StackUrn,
    IReadOnlyList<PlannedResource> Resources,
    JsonObject Outputs,
    IReadOnlyList<Diagnostic> Diagnostics,
    TimeSpan Elapsed)
{
    public const string Secret = "[secret]";
    public const string Unknown = "[unknown]";

    public IEnumerable<PlannedResource> ChildrenOf(string urn) => Resources.Where(resource => resource.Parent == urn);
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Plan.Checks;

/// <summary>Reading the IAM policy documents the plan holds as JSON text, as AWS evaluates them: one value or a list,
/// the bare "*" principal, and wildcards in actions (case-insensitive) and resources.</summary>
public static class IamPolicy
{
    /// <summary>The Statement list of a policy document.</summary>
    public static IEnumerable<JsonNode> Statements(JsonNode? policy) =>
        Text(policy) is { } json && JsonNode.Parse(json)?["Statement"] is { } statements
            ? statements is JsonArray list ? list.OfType<JsonNode>() : [statements]
            : [];

    public static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray list ? list.Select(Text).OfType<string>() : Text(node) is { } one ? [one] : [];

    /// <summary>The statement's principals as (type, identifier); "*" is anyone, written ("*", "*").</summary>
    public static IEnumerable<(string Type, string Identifier)> Principals(JsonNode statement) => statement["Principal"] switch
    {
        JsonObject map => [.. map.SelectMany(pair => Strings(pair.Value).Select(identifier => (pair.Key, identifier)))],
        var node when Text(node) == "*" => [("*", "*")],
        _ => [],
    };

    /// <summary>An IAM pattern matches the value: * any run of characters, ? one.</summary>
    public static bool Matches(string pattern, string value, bool ignoreCase = false) =>
        Regex.IsMatch(value, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$",
            ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);

    /// <summary>An Allow statement lets this principal take the action on the resource (its conditions aside).</summary>
    public static bool Allows(JsonNode statement, (string Type, string Identifier) principal, string action, string resource) =>
        Text(statement["Effect"]) is null or "Allow"
        && Principals(statement).Contains(principal)
        && Strings(statement["Action"]).Any(pattern => Matches(pattern, action, ignoreCase: true))
        && Strings(statement["Resource"]).Any(pattern => Matches(pattern, resource));
}

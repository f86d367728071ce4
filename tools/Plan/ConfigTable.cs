using System.Text;
using System.Text.Json.Nodes;
using Infra.Configuration;

namespace Infra.Plan;

/// <summary>The README's configuration table, made from the schema (one row per key), so the two cannot drift.</summary>
public static class ConfigTable
{
    public const string Start = "<!-- configuration table: made by ./build.sh config-table from schema/stack.schema.json -->";
    public const string End = "<!-- end of configuration table -->";

    public static string Markdown()
    {
        var text = new StringBuilder($"{Start}\n| key | type | default (dev / prod) | allowed |\n|---|---|---|---|\n");
        foreach (var (key, schema) in ConfigSchema.ConfigProperties)
        {
            var node = Resolve(schema!.AsObject());
            if (node["properties"] is JsonObject properties && Type(node) == "object")
            {
                text.Append($"| **`{key}`** | object | | {Escape(node["description"]?.ToString() ?? "")} |\n");
                Rows(text, "", properties);
            }
            else
                text.Append(Row($"`{key}`", node));
        }

        return text.Append(End).Append('\n').ToString();
    }

    static void Rows(StringBuilder text, string prefix, JsonObject properties)
    {
        foreach (var (name, child) in properties)
        {
            var node = Resolve(child!.AsObject());
            var path = $"{prefix}.{name}";
            text.Append(Row($"`{path}`", node));
            if (node["properties"] is JsonObject nested && Type(node) == "object")
                Rows(text, path, nested);
            else if (node["items"] is JsonObject { } items && items["properties"] is JsonObject itemProperties)
                Rows(text, $"{path}[]", itemProperties);
        }
    }

    static string Row(string key, JsonObject node) =>
        $"| {key} | {Type(node)} | {Default(node)} | {Escape(Allowed(node))} |\n";

    /// <summary>The definition a key refers to, with what the key itself says (its description, default) on top.</summary>
    static JsonObject Resolve(JsonObject node) => node["$ref"] is null ? node : ConfigSchema.Deref(node)!.Merge(node);

    static JsonObject Merge(this JsonObject definition, JsonObject use)
    {
        var merged = definition.DeepClone().AsObject();
        foreach (var (key, value) in use.Where(pair => pair.Key != "$ref"))
            merged[key] = value?.DeepClone();
        return merged;
    }

    static string Type(JsonObject node) => node["type"]?.ToString() switch
    {
        "integer" => "int",
        "number" => "number",
        "boolean" => "bool",
        "string" => "string",
        "array" => $"list of {Type(node["items"]!.AsObject())}",
        "object" when node["properties"] is null => "map of strings",
        "object" when ConfigSchema.DescribesSecret(node) => "secret string",
        "object" => "object",
        _ => "any",
    };

    static string Default(JsonObject node) =>
        node["x-default"]?.ToString() is { } text ? Escape(text)
        : node["default"] is { } value ? $"`{value.ToJsonString()}`"
        : "unset";

    static string Allowed(JsonObject node)
    {
        var parts = new List<string>();
        if (node["description"]?.ToString() is { Length: > 0 } description)
            parts.Add(description);
        var range = (node["minimum"], node["maximum"], node["exclusiveMinimum"]) switch
        {
            ({ } min, { } max, _) => $"{min} to {max}",
            ({ } min, null, _) => $"at least {min}",
            (null, { } max, _) => $"at most {max}",
            (null, null, { } above) => $"above {above}",
            _ => null,
        };
        if (range is not null)
            parts.Add(range);
        var values = node["enum"] ?? node["items"]?["enum"];
        if (values is JsonArray allowed)
            parts.Add(string.Join(", ", allowed.Select(value => $"`{value}`")));
        return string.Join("; ", parts);
    }

    static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}

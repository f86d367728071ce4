using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Components.Shared;
using Json.Schema;

namespace Infra.Configuration;

/// <summary>The stack files' schema (schema/stack.schema.json, embedded): every key with its type, range, allowed
/// values, default and description. The configuration is checked against it first, with JsonSchema.Net; each failure
/// becomes one problem that names the key as written in the stack file, the value as written and what is allowed.</summary>
public static class ConfigSchema
{
    public static readonly string Text = ReadEmbedded();
    public static readonly JsonObject Document = JsonNode.Parse(Text)!.AsObject();
    static readonly JsonSchema Schema = JsonSchema.FromText(Text);

    /// <summary>The schema of the config: map (keys such as infra:network).</summary>
    public static JsonObject ConfigProperties => Document["properties"]!["config"]!["properties"]!.AsObject();

    /// <summary>Problems of a stack's configuration, one per key.</summary>
    /// <param name="values">Full keys (infra:network) and their values as Pulumi passes them: JSON for structured values.</param>
    /// <param name="secretKeys">Keys whose values were given encrypted (pulumi config set --secret).</param>
    public static IReadOnlyList<Problem> Validate(IReadOnlyDictionary<string, string> values, IReadOnlySet<string> secretKeys)
    {
        var config = new JsonObject();
        foreach (var (key, value) in values.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            config[key] = secretKeys.Contains(key) ? new JsonObject { ["secure"] = "[secret]" } : Parse(value);
        using var instance = JsonDocument.Parse(new JsonObject { ["config"] = config }.ToJsonString());
        // The usual case, a valid file, needs no details.
        if (Schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid)
            return [];
        var results = Schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var problems = new List<Problem>();
        foreach (var failure in (results.Details ?? []).Where(detail => detail.Errors is { Count: > 0 }))
        {
            var segments = Segments(failure.InstanceLocation.ToString());
            var path = segments.Skip(1).ToList();
            var keyword = failure.Errors!.Keys.First();
            var value = Resolve(instance.RootElement, segments);
            if (keyword == "required")
                problems.AddRange(Required(path, SchemaAt(path), value));
            else
                problems.Add(new Problem(Key(path), Shown(path, value), Allowed(keyword, path, SchemaAt(path))));
        }

        return [.. problems.DistinctBy(problem => problem.Key)];
    }

    /// <summary>The segments of a JSON Pointer (/config/infra:network/nat).</summary>
    static List<string> Segments(string pointer) =>
        [.. pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(segment => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    /// <summary>Whether the schema declares the key a secret (infra:certificatePrivateKey).</summary>
    public static bool IsSecret(string key) => ConfigProperties[key]?["$ref"]?.GetValue<string>() == "#/$defs/secret";

    /// <summary>A stack-file key from a path: infra:loadBalancer.listeners[0].port.</summary>
    static string Key(IReadOnlyList<string> path) =>
        path.Count == 0 ? "config" : path.Skip(1).Aggregate(path[0], (key, segment) => int.TryParse(segment, out _) ? $"{key}[{segment}]" : $"{key}.{segment}");

    /// <summary>Structured values arrive as JSON text; anything that is not JSON is the string as written.</summary>
    static JsonNode? Parse(string value)
    {
        try
        {
            return JsonNode.Parse(value) ?? JsonValue.Create(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(value);
        }
    }

    static JsonElement? Resolve(JsonElement root, IEnumerable<string> segments)
    {
        var current = root;
        foreach (var segment in segments)
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var child))
                current = child;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, out var index) && index < current.GetArrayLength())
                current = current[index];
            else
                return null;
        }

        return current;
    }

    /// <summary>The schema of the value at a config path (null for a key the schema does not know).</summary>
    static JsonObject? SchemaAt(IReadOnlyList<string> path)
    {
        JsonObject? node = new JsonObject { ["properties"] = ConfigProperties.DeepClone() };
        foreach (var segment in path)
        {
            node = Deref(node);
            node = node?["properties"]?[segment] as JsonObject
                ?? (int.TryParse(segment, out _) ? node?["items"] as JsonObject : node?["additionalProperties"] as JsonObject);
        }

        return Deref(node);
    }

    /// <summary>The definition a schema node refers to (its $ref into $defs), else the node itself.</summary>
    public static JsonObject? Deref(JsonObject? node) =>
        node?["$ref"]?.GetValue<string>() is { } reference
            ? Document["$defs"]![reference["#/$defs/".Length..]]!.AsObject()
            : node;

    /// <summary>Whether a schema node is a Pulumi secret: an object that must hold "secure".</summary>
    public static bool DescribesSecret(JsonObject? schema) =>
        schema?["required"] is JsonArray required && required.Any(name => name?.GetValue<string>() == "secure");

    /// <summary>The value as written; never a secret's.</summary>
    static object? Shown(IReadOnlyList<string> path, JsonElement? value) =>
        DescribesSecret(SchemaAt(path)) && value?.ValueKind == JsonValueKind.String
            ? "(plain text, not shown)"
            : value?.Clone();

    static IEnumerable<Problem> Required(IReadOnlyList<string> path, JsonObject? schema, JsonElement? value) =>
        from name in schema?["required"]?.AsArray().Select(name => name!.GetValue<string>()) ?? []
        where value is not { ValueKind: JsonValueKind.Object } given || !given.TryGetProperty(name, out _)
        select new Problem($"{Key(path)}.{name}", null, $"is required ({Describe(schema!["properties"]?[name] as JsonObject)})");

    static string Allowed(string keyword, IReadOnlyList<string> path, JsonObject? schema) => keyword switch
    {
        "" => Unknown(path),
        "type" when DescribesSecret(schema) =>
            $"must be a secret: pulumi config set --secret {path[0]} -- \"$(cat file.pem)\"",
        "minimum" or "maximum" or "exclusiveMinimum" or "type" => $"must be {Describe(schema)}",
        "enum" => $"must be one of {string.Join(", ", schema!["enum"]!.AsArray().Select(item => item!.ToString()))}",
        "pattern" when path is ["aws:region"] => "must be a region code such as us-east-1 or eu-west-1 (not a zone like us-east-1a, not a name)",
        "pattern" => $"must match {schema!["pattern"]}",
        "minItems" => $"needs at least {schema!["minItems"]} item(s)",
        "maxItems" => $"takes at most {schema!["maxItems"]} item(s)",
        "minLength" => "must not be empty",
        "uniqueItems" => "lists an item twice; list each once",
        _ => $"is not allowed here ({keyword})",
    };

    /// <summary>What a schema accepts, in words: "a whole number from 8 to 16384", "a list of strings".</summary>
    static string Describe(JsonObject? schema)
    {
        schema = Deref(schema);
        if (schema is null)
            return "anything";
        if (DescribesSecret(schema))
            return "a secret";
        var type = schema["type"]?.GetValue<string>();
        var range = (schema["minimum"], schema["maximum"], schema["exclusiveMinimum"]) switch
        {
            ({ } min, { } max, _) => $" from {min} to {max}",
            ({ } min, null, _) => $", at least {min}",
            (null, { } max, _) => $", at most {max}",
            (null, null, { } above) => $" above {above}",
            _ => "",
        };
        return type switch
        {
            "integer" => $"a whole number{range}",
            "number" => $"a number{range}",
            "boolean" => "true or false",
            "string" when schema["enum"] is JsonArray values => $"one of {string.Join(", ", values.Select(value => value!.ToString()))}",
            "string" => "a string",
            "array" => $"a list of {Plural(Describe(schema["items"] as JsonObject))}",
            "object" when schema["properties"] is null => "an object of string values",
            "object" => "an object of settings",
            _ => "anything",
        };
    }

    static string Plural(string description) => description switch
    {
        "a string" => "strings",
        "an object of settings" => "objects",
        _ when description.StartsWith("a whole number", StringComparison.Ordinal) => "whole numbers" + description["a whole number".Length..],
        _ => description,
    };

    static string Unknown(IReadOnlyList<string> path)
    {
        var known = (SchemaAt(path.Take(path.Count - 1).ToList())?["properties"] as JsonObject)?.Select(pair => pair.Key).ToList() ?? [];
        var name = path[^1];
        var hint = Names.Nearest(known, name) is [var nearest] ? $"did you mean {nearest}? " : "";
        return $"unknown key; {hint}known keys are {string.Join(", ", known)}";
    }

    static string ReadEmbedded()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("stack.schema.json")
            ?? throw new InvalidOperationException("stack.schema.json is not embedded in the infra assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

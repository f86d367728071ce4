using System.Text.Json;
using Infra.Components.Shared;

namespace Infra.Configuration;

/// <summary>One structured config value (e.g. infra:network) read strictly: every key it reads is known,
/// any other key is a typo; a value of the wrong type is a problem, and the default is used meanwhile,
/// so that every problem of every section is found in one pass.</summary>
public sealed class Section
{
    readonly JsonElement _element;
    readonly HashSet<string> _known = [];
    readonly List<Problem> _problems;

    Section(string key, JsonElement element, List<Problem> problems)
    {
        Key = key;
        _element = element;
        _problems = problems;
    }

    public string Key { get; }

    public bool IsSet => _element.ValueKind == JsonValueKind.Object;

    /// <summary>Parses a config value that holds a JSON object; absent means every default.</summary>
    public static Section Parse(string key, string? json, List<Problem> problems)
    {
        if (json is null)
            return new Section(key, default, problems);
        try
        {
            var element = JsonDocument.Parse(json).RootElement;
            if (element.ValueKind == JsonValueKind.Object)
                return new Section(key, element, problems);
            problems.Add(new Problem(key, json, "must be an object of settings"));
        }
        catch (JsonException)
        {
            problems.Add(new Problem(key, json, "must be an object of settings"));
        }

        return new Section(key, default, problems);
    }

    bool TryGet(string name, out JsonElement value)
    {
        _known.Add(name);
        value = default;
        return IsSet && _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    void Problem(string name, JsonElement value, string allowed) =>
        _problems.Add(new Problem($"{Key}.{name}", value.ToString(), allowed));

    public int Int(string name, int fallback) => OptionalInt(name) ?? fallback;

    public int? OptionalInt(string name)
    {
        if (!TryGet(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
            return number;
        Problem(name, value, "must be a whole number");
        return null;
    }

    public double Double(string name, double fallback)
    {
        if (!TryGet(name, out var value))
            return fallback;
        if (value.ValueKind == JsonValueKind.Number)
            return value.GetDouble();
        Problem(name, value, "must be a number");
        return fallback;
    }

    public bool Bool(string name, bool fallback)
    {
        if (!TryGet(name, out var value))
            return fallback;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return value.GetBoolean();
        Problem(name, value, "must be true or false");
        return fallback;
    }

    public string String(string name, string fallback) => OptionalString(name) ?? fallback;

    public string? OptionalString(string name)
    {
        if (!TryGet(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString();
        Problem(name, value, "must be a string");
        return null;
    }

    public TEnum Enum<TEnum>(string name, TEnum fallback) where TEnum : struct, Enum
    {
        if (!TryGet(name, out var value))
            return fallback;
        if (value.ValueKind == JsonValueKind.String && System.Enum.TryParse<TEnum>(value.GetString(), ignoreCase: false, out var parsed)
            && System.Enum.IsDefined(parsed))
            return parsed;
        Problem(name, value, $"must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}");
        return fallback;
    }

    public IReadOnlyList<string>? Strings(string name)
    {
        if (!TryGet(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String))
            return [.. value.EnumerateArray().Select(item => item.GetString()!)];
        Problem(name, value, "must be a list of strings");
        return null;
    }

    public IReadOnlyList<int>? Ints(string name)
    {
        if (!TryGet(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out _)))
            return [.. value.EnumerateArray().Select(item => item.GetInt32())];
        Problem(name, value, "must be a list of whole numbers");
        return null;
    }

    public IReadOnlyDictionary<string, string>? StringMap(string name)
    {
        if (!TryGet(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(item => item.Value.ValueKind == JsonValueKind.String))
            return value.EnumerateObject().ToDictionary(item => item.Name, item => item.Value.GetString()!);
        Problem(name, value, "must be an object of string values");
        return null;
    }

    /// <summary>The whole section as string values (e.g. infra:tags).</summary>
    public IReadOnlyDictionary<string, string> AsStringMap()
    {
        if (!IsSet)
            return new Dictionary<string, string>();
        var result = new Dictionary<string, string>();
        foreach (var property in _element.EnumerateObject())
        {
            _known.Add(property.Name);
            if (property.Value.ValueKind == JsonValueKind.String)
                result[property.Name] = property.Value.GetString()!;
            else
                Problem(property.Name, property.Value, "tag values must be strings");
        }

        return result;
    }

    /// <summary>A list of objects (e.g. listeners); null when absent.</summary>
    public IReadOnlyList<Section>? Objects(string name)
    {
        if (!TryGet(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Object))
            return [.. value.EnumerateArray().Select((item, index) => new Section($"{Key}.{name}[{index}]", item, _problems))];
        Problem(name, value, "must be a list of objects");
        return null;
    }

    /// <summary>A problem found while interpreting values that each had the right type.</summary>
    public void Report(string name, object? value, string allowed) => _problems.Add(new Problem($"{Key}.{name}", value, allowed));

    /// <summary>A nested object; null when absent.</summary>
    public Section? Object(string name)
    {
        if (!TryGet(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Object)
            return new Section($"{Key}.{name}", value, _problems);
        Problem(name, value, "must be an object of settings");
        return null;
    }

    /// <summary>An optional feature block: absent means the environment's default, {"enabled": false} turns it off,
    /// anything else is read by <paramref name="read"/>.</summary>
    public static T? Feature<T>(Section? section, bool onByDefault, Func<Section, T> read) where T : class, new()
    {
        if (section is null)
            return onByDefault ? new T() : null;
        var enabled = section.Bool("enabled", true);
        var value = read(section);
        section.RejectUnknownKeys();
        return enabled ? value : null;
    }

    /// <summary>Call after reading: every key not read is reported with the keys that exist.</summary>
    public void RejectUnknownKeys()
    {
        if (!IsSet)
            return;
        foreach (var property in _element.EnumerateObject().Where(property => !_known.Contains(property.Name)))
            _problems.Add(new Problem($"{Key}.{property.Name}", property.Value.ToString(),
                $"unknown key; known keys are {string.Join(", ", _known.Order(StringComparer.Ordinal))}"));
    }
}

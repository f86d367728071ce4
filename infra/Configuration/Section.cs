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

    /// <summary>The value under <paramref name="name"/>: false when absent; when present but not what
    /// <paramref name="accepts"/> wants, a problem saying what is <paramref name="allowed"/>, and false.</summary>
    bool TryRead<T>(string name, Func<JsonElement, bool> accepts, Func<JsonElement, T> convert, string allowed, out T result)
    {
        result = default!;
        if (!TryGet(name, out var value))
            return false;
        if (!accepts(value))
        {
            Problem(name, value, allowed);
            return false;
        }

        result = convert(value);
        return true;
    }

    static bool IsInt(JsonElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _);

    static bool IsArrayOf(JsonElement value, Func<JsonElement, bool> item) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item);

    public int Int(string name, int fallback) => OptionalInt(name) ?? fallback;

    public int? OptionalInt(string name) =>
        TryRead(name, IsInt, value => value.GetInt32(), "must be a whole number", out var number) ? number : null;

    public double Double(string name, double fallback) =>
        TryRead(name, value => value.ValueKind == JsonValueKind.Number, value => value.GetDouble(), "must be a number", out var number)
            ? number
            : fallback;

    public bool Bool(string name, bool fallback) =>
        TryRead(name, value => value.ValueKind is JsonValueKind.True or JsonValueKind.False, value => value.GetBoolean(),
            "must be true or false", out var flag)
            ? flag
            : fallback;

    public string String(string name, string fallback) => OptionalString(name) ?? fallback;

    public string? OptionalString(string name) =>
        TryRead(name, value => value.ValueKind == JsonValueKind.String, value => value.GetString(), "must be a string", out var text)
            ? text
            : null;

    public TEnum Enum<TEnum>(string name, TEnum fallback) where TEnum : struct, Enum =>
        TryRead(name,
            value => value.ValueKind == JsonValueKind.String && System.Enum.TryParse<TEnum>(value.GetString(), ignoreCase: false, out var parsed)
                && System.Enum.IsDefined(parsed),
            value => System.Enum.Parse<TEnum>(value.GetString()!),
            $"must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}", out var result)
            ? result
            : fallback;

    public IReadOnlyList<string>? Strings(string name) =>
        TryRead(name, value => IsArrayOf(value, item => item.ValueKind == JsonValueKind.String),
            value => (IReadOnlyList<string>)[.. value.EnumerateArray().Select(item => item.GetString()!)], "must be a list of strings", out var list)
            ? list
            : null;

    public IReadOnlyList<int>? Ints(string name) =>
        TryRead(name, value => IsArrayOf(value, IsInt),
            value => (IReadOnlyList<int>)[.. value.EnumerateArray().Select(item => item.GetInt32())], "must be a list of whole numbers", out var list)
            ? list
            : null;

    public IReadOnlyDictionary<string, string>? StringMap(string name) =>
        TryRead(name, value => value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(item => item.Value.ValueKind == JsonValueKind.String),
            value => (IReadOnlyDictionary<string, string>)value.EnumerateObject().ToDictionary(item => item.Name, item => item.Value.GetString()!),
            "must be an object of string values", out var map)
            ? map
            : null;

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
    public IReadOnlyList<Section>? Objects(string name) =>
        TryRead(name, value => IsArrayOf(value, item => item.ValueKind == JsonValueKind.Object),
            value => (IReadOnlyList<Section>)[.. value.EnumerateArray().Select((item, index) => new Section($"{Key}.{name}[{index}]", item, _problems))],
            "must be a list of objects", out var sections)
            ? sections
            : null;

    /// <summary>A problem found while interpreting values that each had the right type.</summary>
    public void Report(string name, object? value, string allowed) => _problems.Add(new Problem($"{Key}.{name}", value, allowed));

    /// <summary>A nested object; null when absent.</summary>
    public Section? Object(string name) =>
        TryRead(name, value => value.ValueKind == JsonValueKind.Object, value => new Section($"{Key}.{name}", value, _problems),
            "must be an object of settings", out var section)
            ? section
            : null;

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

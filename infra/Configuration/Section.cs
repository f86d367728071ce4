using System.Text.Json;
using Infra.Components.Shared;

namespace Infra.Configuration;

/// <summary>One structured config value (e.g. infra:network), read into typed arguments. The schema
/// (<see cref="ConfigSchema"/>) has already reported wrong types, bounds and unknown keys, so a value of the wrong type
/// is skipped here and the default used, and every remaining problem of every section is still found in one pass.</summary>
public sealed class Section
{
    readonly JsonElement _element;
    readonly List<Problem> _problems;
    readonly ISet<string>? _keysRead;
    readonly IReadOnlySet<string> _refused;

    Section(string key, JsonElement element, List<Problem> problems, ISet<string>? keysRead, IReadOnlySet<string> refused)
    {
        Key = key;
        _element = element;
        _problems = problems;
        _keysRead = keysRead;
        _refused = refused;
    }

    public string Key { get; }

    public bool IsSet => _element.ValueKind == JsonValueKind.Object;

    /// <summary>Parses a config value that holds a JSON object; absent (or not an object) means every default.</summary>
    /// <param name="refused">Keys the schema refused: read as absent, so their defaults stand in and no later check
    /// repeats the problem in other words.</param>
    /// <param name="keysRead">Collects every key the reader consults (items of lists as [], e.g. infra:web.schedules[].name).</param>
    public static Section Parse(string key, string? json, List<Problem> problems, IReadOnlySet<string> refused, ISet<string>? keysRead = null)
    {
        try
        {
            if (json is not null && !refused.Contains(key) && JsonDocument.Parse(json).RootElement is { ValueKind: JsonValueKind.Object } element)
                return new Section(key, element, problems, keysRead, refused);
        }
        catch (JsonException)
        {
            // The schema reports it.
        }

        return new Section(key, default, problems, keysRead, refused);
    }

    /// <summary>A config value that holds a list of objects (e.g. infra:acknowledgements), one section per item.</summary>
    public static IReadOnlyList<Section> ParseItems(string key, string? json, List<Problem> problems, IReadOnlySet<string> refused, ISet<string>? keysRead = null)
    {
        var wrapper = Parse(key, json is null ? null : $"{{\"items\":{json}}}", problems, refused, keysRead);
        return wrapper.Key == key && wrapper.IsSet && !refused.Contains(key)
            ? [.. wrapper._element.GetProperty("items") is { ValueKind: JsonValueKind.Array } items
                ? items.EnumerateArray().Where(item => item.ValueKind == JsonValueKind.Object).Select((item, index) => new Section($"{key}[{index}]", item, problems, keysRead, refused))
                : []]
            : [];
    }

    bool TryGet(string name, out JsonElement value)
    {
        _keysRead?.Add(System.Text.RegularExpressions.Regex.Replace($"{Key}.{name}", @"\[\d+\]", "[]"));
        value = default;
        return IsSet && !_refused.Contains($"{Key}.{name}") && _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    /// <summary>Whether the key is given at all (for keys that only apply in some combinations).</summary>
    public bool Has(string name) => IsSet && _element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>The value under <paramref name="name"/>: false when absent or not what <paramref name="accepts"/> wants.</summary>
    bool TryRead<T>(string name, Func<JsonElement, bool> accepts, Func<JsonElement, T> convert, out T result)
    {
        result = default!;
        if (!TryGet(name, out var value) || !accepts(value))
            return false;
        result = convert(value);
        return true;
    }

    static bool IsInt(JsonElement value) => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _);

    static bool IsArrayOf(JsonElement value, Func<JsonElement, bool> item) =>
        value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item);

    public int Int(string name, int fallback) => OptionalInt(name) ?? fallback;

    public int? OptionalInt(string name) =>
        TryRead(name, IsInt, value => value.GetInt32(), out var number) ? number : null;

    public double Double(string name, double fallback) =>
        TryRead(name, value => value.ValueKind == JsonValueKind.Number, value => value.GetDouble(), out var number)
            ? number
            : fallback;

    public bool Bool(string name, bool fallback) =>
        TryRead(name, value => value.ValueKind is JsonValueKind.True or JsonValueKind.False, value => value.GetBoolean(), out var flag)
            ? flag
            : fallback;

    public string String(string name, string fallback) => OptionalString(name) ?? fallback;

    public string? OptionalString(string name) =>
        TryRead(name, value => value.ValueKind == JsonValueKind.String, value => value.GetString(), out var text)
            ? text
            : null;

    public TEnum Enum<TEnum>(string name, TEnum fallback) where TEnum : struct, Enum =>
        TryRead(name,
            value => value.ValueKind == JsonValueKind.String && System.Enum.TryParse<TEnum>(value.GetString(), ignoreCase: false, out var parsed)
                && System.Enum.IsDefined(parsed),
            value => System.Enum.Parse<TEnum>(value.GetString()!),
            out var result)
            ? result
            : fallback;

    public IReadOnlyList<string>? Strings(string name) =>
        TryRead(name, value => IsArrayOf(value, item => item.ValueKind == JsonValueKind.String),
            value => (IReadOnlyList<string>)[.. value.EnumerateArray().Select(item => item.GetString()!)], out var list)
            ? list
            : null;

    public IReadOnlyList<int>? Ints(string name) =>
        TryRead(name, value => IsArrayOf(value, IsInt),
            value => (IReadOnlyList<int>)[.. value.EnumerateArray().Select(item => item.GetInt32())], out var list)
            ? list
            : null;

    public IReadOnlyDictionary<string, string>? StringMap(string name) =>
        TryRead(name, value => value.ValueKind == JsonValueKind.Object && value.EnumerateObject().All(item => item.Value.ValueKind == JsonValueKind.String),
            value => (IReadOnlyDictionary<string, string>)value.EnumerateObject().ToDictionary(item => item.Name, item => item.Value.GetString()!), out var map)
            ? map
            : null;

    /// <summary>The whole section as string values (e.g. infra:tags).</summary>
    public IReadOnlyDictionary<string, string> AsStringMap() =>
        IsSet
            ? _element.EnumerateObject().Where(property => property.Value.ValueKind == JsonValueKind.String)
                .ToDictionary(property => property.Name, property => property.Value.GetString()!)
            : new Dictionary<string, string>();

    /// <summary>A list of objects (e.g. listeners); null when absent.</summary>
    public IReadOnlyList<Section>? Objects(string name) =>
        TryRead(name, value => IsArrayOf(value, item => item.ValueKind == JsonValueKind.Object),
            value => (IReadOnlyList<Section>)[.. value.EnumerateArray().Select((item, index) => new Section($"{Key}.{name}[{index}]", item, _problems, _keysRead, _refused))], out var sections)
            ? sections
            : null;

    /// <summary>A problem found while interpreting values that each had the right type.</summary>
    public void Report(string name, object? value, string allowed) => _problems.Add(new Problem($"{Key}.{name}", value, allowed));

    /// <summary>A nested object; null when absent.</summary>
    public Section? Object(string name) =>
        TryRead(name, value => value.ValueKind == JsonValueKind.Object, value => new Section($"{Key}.{name}", value, _problems, _keysRead, _refused), out var section)
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
        return enabled ? value : null;
    }
}

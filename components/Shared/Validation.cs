using System.Globalization;
using Pulumi;

namespace Infra.Components.Shared;

/// <summary>One thing wrong with the configuration: which key, what it was, what is allowed.</summary>
public sealed record Problem(string Key, object? Value, string Allowed)
{
    public override string ToString() => $"{Key} = {Show(Value)}: {Allowed}";

    static string Show(object? value) => value switch
    {
        null => "(not set)",
        bool flag => flag ? "true" : "false",   // as YAML and JSON write it
        string text => $"'{Visible(text)}'",
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.String } element => $"'{Visible(element.GetString()!)}'",
        System.Text.Json.JsonElement element => element.GetRawText(),
        IEnumerable<string> items => $"[{string.Join(", ", items)}]",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Control characters written as escapes, so a value with a line break stays on its line.</summary>
    static string Visible(string text) =>
        string.Concat(text.Select(c => c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ when char.IsControl(c) => $"\\u{(int)c:x4}", _ => c.ToString() }));
}

/// <summary>Every problem found before anything is created, reported together. A RunException, so
/// Pulumi shows the message as it is, without a stack trace.</summary>
public sealed class ValidationException(IReadOnlyList<Problem> problems)
    : RunException(Describe(problems))
{
    public IReadOnlyList<Problem> Problems { get; } = problems;

    static string Describe(IReadOnlyList<Problem> problems) =>
        $"Invalid configuration ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):\n"
        + string.Join("\n", problems.Select(problem => $"  - {problem}"));
}

/// <summary>Collects problems under a key prefix (e.g. "infra:network") and throws them all at once.</summary>
public sealed class Checks
{
    readonly string _scope;
    readonly List<Problem> _problems;

    public Checks(string scope) : this(scope, [])
    {
    }

    Checks(string scope, List<Problem> problems)
    {
        _scope = scope;
        _problems = problems;
    }

    /// <summary>Every problem found so far, by this and every scope made from it.</summary>
    public IReadOnlyList<Problem> Problems => _problems;

    public string Key(string name) => $"{_scope}.{name}";

    /// <summary>Checks under a nested key that report into the same list.</summary>
    public Checks Scoped(string name) => new(Key(name), _problems);

    public void Add(string name, object? value, string allowed) => _problems.Add(new Problem(Key(name), value, allowed));

    public void AddRange(IEnumerable<Problem> problems) => _problems.AddRange(problems);

    public bool Require(bool condition, string name, object? value, string allowed)
    {
        if (!condition)
            Add(name, value, allowed);
        return condition;
    }

    public bool InRange(string name, int value, int min, int max) =>
        Require(value >= min && value <= max, name, value, $"must be between {min} and {max}");

    public bool InRange(string name, double value, double min, double max) =>
        Require(value >= min && value <= max, name, value,
            string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));

    public bool OneOf(string name, string value, IReadOnlyCollection<string> allowed) =>
        Require(allowed.Contains(value), name, value, $"must be one of {string.Join(", ", allowed)}");

    /// <summary>For a component's base-constructor call: throws before the component itself registers.</summary>
    public static T Valid<T>(T options, IEnumerable<Problem> problems)
    {
        ThrowIfAny(problems);
        return options;
    }

    public static void ThrowIfAny(IEnumerable<Problem> problems)
    {
        var list = problems.ToList();
        if (list.Count > 0)
            throw new ValidationException(list);
    }
}

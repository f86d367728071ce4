using System.Text.RegularExpressions;

namespace Infra.Components.Shared;

/// <summary>The tags every resource gets, and AWS's rules for them ("Tag naming limits and requirements", AWS
/// General Reference): at most 50 per resource (tags with the reserved aws: prefix excluded), keys of 1 to 128 and
/// values of 0 to 256 Unicode characters of letters, digits, spaces and _ . : / = + - @, and at most 10 tags on an
/// S3 object.</summary>
public static partial class Tagging
{
    public const int PerResource = 50;
    public const int PerObject = 10;

    /// <summary>The stack's own tags on every taggable resource (project, stack, managed-by), and what components add:
    /// Name on every named resource, Role on the tiers' resources.</summary>
    public static readonly IReadOnlyList<string> Automatic = ["project", "stack", "managed-by"];
    public static readonly IReadOnlyList<string> AddedByComponents = ["Name", "Role"];

    /// <summary>How many tags of its own a stack may add so that no resource exceeds AWS's 50.</summary>
    public static int UserLimit => PerResource - Automatic.Count - AddedByComponents.Count;

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex Allowed();

    /// <summary>Problems of the tags a stack adds (infra:tags), each under its key.</summary>
    public static IReadOnlyList<Problem> Validate(IReadOnlyDictionary<string, string> tags, string scope)
    {
        var checks = new Checks(scope);
        foreach (var (written, value) in tags)
        {
            var key = written.Length == 0 ? "\"\"" : written;
            if (Automatic.Contains(written) || AddedByComponents.Contains(written))
                checks.Add(key, value, $"is set by the stack itself ({string.Join(", ", Automatic.Concat(AddedByComponents))}); choose another key");
            else if (written.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                checks.Add(key, value, "keys starting with aws: are reserved for AWS");
            else if (written.Length is < 1 or > 128 || !Allowed().IsMatch(written))
                checks.Add(key, value, "keys are 1 to 128 letters, digits, spaces and _ . : / = + - @");
            if (value.Length > 256 || !Allowed().IsMatch(value))
                checks.Add(key, value, "values are 0 to 256 letters, digits, spaces and _ . : / = + - @");
        }

        if (tags.Count > UserLimit)
            checks.AddRange([new Problem(scope, $"{tags.Count} tags",
                $"at most {UserLimit}: AWS allows {PerResource} tags per resource and the stack adds {string.Join(", ", Automatic.Concat(AddedByComponents))}")]);
        return checks.Problems;
    }

    /// <summary>The common tags plus a Name, as AWS consoles show it.</summary>
    public static Dictionary<string, string> Named(IReadOnlyDictionary<string, string> common, string name) =>
        new(common) { ["Name"] = name };

    /// <summary>An uploaded object's tags: only the stack's own (who owns it), never more than S3's 10. Object tags
    /// are billed per tag and S3 reports cost per bucket, so the stack's other tags stay on the bucket.</summary>
    public static Dictionary<string, string> ForObjects(IReadOnlyDictionary<string, string> common) =>
        common.Where(pair => Automatic.Contains(pair.Key)).Take(PerObject).ToDictionary();
}

namespace Infra.Components.Shared;

internal static class Tagging
{
    /// <summary>The common tags plus a Name, as AWS consoles show it.</summary>
    public static Dictionary<string, string> Named(IReadOnlyDictionary<string, string> common, string name) =>
        new(common) { ["Name"] = name };
}

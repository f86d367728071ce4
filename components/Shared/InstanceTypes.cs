using System.Text.Json;

namespace Infra.Components.Shared;

/// <summary>What the catalogue says about one EC2 instance type.</summary>
/// <param name="Architecture">x86_64 or arm64: the image the type boots.</param>
/// <param name="Burstable">A T family: CPU credits, and a surplus charge when unlimited credits are spent.</param>
public sealed record InstanceTypeFacts(string Name, string Family, string Size, string Architecture, bool Burstable);

/// <summary>The EC2 instance-type catalogue (instance-types.json, embedded; its sources are named inside): families
/// with their sizes, architecture and burstable flag, and which types each recorded region offers.</summary>
public static class InstanceTypes
{
    sealed record Family(string Architecture, bool Burstable, IReadOnlyList<string> Sizes);

    sealed record Region(string Source, IReadOnlyDictionary<string, IReadOnlyList<string>> Offers);

    sealed record Catalogue(string AsOf, IReadOnlyDictionary<string, Family> Families, IReadOnlyDictionary<string, Region> Regions);

    static readonly Catalogue Data = Load();

    /// <summary>Every listed type name (t3.small, m7g.large, ...).</summary>
    public static readonly IReadOnlyList<string> Listed =
        [.. Data.Families.SelectMany(family => family.Value.Sizes.Select(size => $"{family.Key}.{size}"))];

    public static string AsOf => Data.AsOf;

    /// <summary>The regions whose offerings the catalogue records; any other region is not judged.</summary>
    public static IEnumerable<string> RecordedRegions => Data.Regions.Keys;

    /// <summary>The facts of a listed type; null for a type the catalogue does not list.</summary>
    public static InstanceTypeFacts? Find(string name) =>
        name.Split('.', 2) is [var family, var size] && Data.Families.TryGetValue(family, out var facts) && facts.Sizes.Contains(size)
            ? new InstanceTypeFacts(name, family, size, facts.Architecture, facts.Burstable)
            : null;

    /// <summary>The sizes of a listed family (for "t3 comes in nano, micro, ..."); empty for an unknown family.</summary>
    public static IReadOnlyList<string> SizesOf(string family) => Data.Families.TryGetValue(family, out var facts) ? facts.Sizes : [];

    /// <summary>Whether a region offers a type: null when the catalogue does not record that region.</summary>
    public static bool? Offered(string region, string name) =>
        !Data.Regions.TryGetValue(region, out var recorded) ? null
        : name.Split('.', 2) is [var family, var size] && recorded.Offers.TryGetValue(family, out var sizes) && (sizes is ["*"] || sizes.Contains(size));

    /// <summary>The source (a key of the file's sources) that lists a recorded region's types.</summary>
    public static string? SourceOf(string region) => Data.Regions.GetValueOrDefault(region)?.Source;

    static Catalogue Load()
    {
        using var stream = typeof(InstanceTypes).Assembly.GetManifestResourceStream("instance-types.json")
            ?? throw new InvalidOperationException("instance-types.json is not embedded in the components assembly");
        return JsonSerializer.Deserialize<Catalogue>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("instance-types.json is empty");
    }
}

using System.Reflection;
using System.Text.Json.Nodes;

namespace Infra.Plan.Cost;

/// <summary>The on-demand prices of aws-prices.json (embedded; each item names its source and date): global prices,
/// the prices of every region the project lists, what a complete region needs and which regions lack some of it.</summary>
public sealed class PriceBook
{
    readonly JsonObject _document;

    PriceBook(JsonObject document) => _document = document;

    public static readonly PriceBook Default = Load();

    public string AsOf => _document["asOf"]!.GetValue<string>();

    public double HoursPerMonth => _document["hoursPerMonth"]!.GetValue<double>();

    public IEnumerable<string> Regions => _document["regions"]!.AsObject().Select(pair => pair.Key);

    /// <summary>The price of an item in a region (or everywhere); null when the book has none (never a zero in its place).</summary>
    public double? Price(string region, string item) =>
        Entry(region, item)?["value"] is JsonValue value && value.TryGetValue<double>(out var price) ? price : null;

    public string? Unit(string region, string item) => Entry(region, item)?["unit"]?.GetValue<string>();

    JsonNode? Entry(string region, string item) => _document["regions"]?[region]?[item] ?? _document["global"]?[item];

    /// <summary>The item ids a region needs for a complete estimate: the offered instance types and every item the estimate uses.</summary>
    public IEnumerable<string> Required =>
        _document["required"]!["instanceTypes"]!.AsArray().Select(type => InstanceHours(type!.GetValue<string>()))
            .Concat(_document["required"]!["items"]!.AsArray().Select(item => item!.GetValue<string>()));

    /// <summary>Why the book's prices for a region are partial, or null when it prices everything required there.</summary>
    public string? Partial(string region) =>
        _document["partialRegions"]?[region]?.GetValue<string>()
        ?? (Regions.Contains(region) ? null : $"{region} is not in the price book (tools/Plan/Cost/aws-prices.json); only global services are priced");

    public static string InstanceHours(string instanceType) => $"ec2.{instanceType}.linux.onDemand";

    /// <summary>A burstable type's vCPUs, its baseline share of each, and the price id of its surplus credits; null for
    /// other types or a burstable type the book does not describe.</summary>
    public (int Vcpus, double BaselinePerVcpu, string SurplusCreditPrice)? Burstable(string instanceType)
    {
        var burstable = _document["burstable"]!;
        var family = instanceType.Split('.')[0];
        return burstable["types"]?[instanceType] is { } type && burstable["surplusCreditPrice"]?[family] is { } price
            ? (type["vcpus"]!.GetValue<int>(), type["baselinePerVcpu"]!.GetValue<double>(), price.GetValue<string>())
            : null;
    }

    static PriceBook Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("aws-prices.json")
            ?? throw new InvalidOperationException("aws-prices.json is not embedded in the tool");
        return new PriceBook(JsonNode.Parse(stream)!.AsObject());
    }
}

using System.Reflection;
using System.Text.Json.Nodes;

namespace Infra.Plan.Cost;

/// <summary>The on-demand prices of aws-prices.json (embedded; each item names its source and date).</summary>
public sealed class PriceBook
{
    readonly JsonObject _document;

    PriceBook(JsonObject document) => _document = document;

    public static readonly PriceBook Default = Load();

    public string AsOf => _document["asOf"]!.GetValue<string>();

    public double HoursPerMonth => _document["hoursPerMonth"]!.GetValue<double>();

    public IEnumerable<string> Regions => _document["regions"]!.AsObject().Select(pair => pair.Key);

    /// <summary>The price of an item in a region; null when the book has none (never a zero in its place).</summary>
    public double? Price(string region, string item) =>
        _document["regions"]?[region]?[item]?["value"] is JsonValue value && value.TryGetValue<double>(out var price) ? price : null;

    public string? Unit(string region, string item) => _document["regions"]?[region]?[item]?["unit"]?.GetValue<string>();

    static PriceBook Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("aws-prices.json")
            ?? throw new InvalidOperationException("aws-prices.json is not embedded in the tool");
        return new PriceBook(JsonNode.Parse(stream)!.AsObject());
    }
}

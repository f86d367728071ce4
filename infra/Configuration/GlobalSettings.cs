using Infra.Components.Dns;
using Infra.Components.Shared;

namespace Infra.Configuration;

/// <summary>A global stack's configuration (a stack file with infra:global): the shared name over regional stacks of
/// the same project. It owns no web tier, so the regional sections are refused here, each naming its key.</summary>
public sealed record GlobalSettings(string Region, IReadOnlyDictionary<string, string> Tags, SiteDnsArgs Site,
    IReadOnlyList<AcknowledgedFinding> Acknowledgements)
{
    public const string Key = $"{StackSettings.Namespace}:global";

    static readonly string[] AllowedKeys = ["aws:region", Key, $"{StackSettings.Namespace}:tags", $"{StackSettings.Namespace}:acknowledgements"];

    /// <summary>Whether a stack's configuration makes it a global stack.</summary>
    public static bool IsGlobal(IReadOnlyDictionary<string, string> values) => values.ContainsKey(Key);

    public static GlobalSettings Load() => Load(ConfigSource.FromEngine());

    /// <param name="keysRead">Collects every key the reader consults (the schema tests compare it with the schema).</param>
    public static GlobalSettings Load(ConfigSource source, ISet<string>? keysRead = null)
    {
        var schemaProblems = ConfigSchema.Validate(source.Values, source.SecretKeys);
        var refused = schemaProblems.Select(problem => problem.Key).ToHashSet();
        var problems = new List<Problem>();
        foreach (var key in source.Values.Keys.Where(key => key.StartsWith($"{StackSettings.Namespace}:", StringComparison.Ordinal)
                     && !AllowedKeys.Contains(key) && !refused.Contains(key)).Order(StringComparer.Ordinal))
            problems.Add(new Problem(key, source.SecretKeys.Contains(key) ? "[secret]" : source.Values[key],
                $"belongs in a regional stack: a stack with {Key} owns only the shared name (allowed here: {string.Join(", ", AllowedKeys)})"));

        var section = Section.Parse(Key, source.Values.GetValueOrDefault(Key), problems, refused, keysRead);
        var tags = Section.Parse($"{StackSettings.Namespace}:tags", source.Values.GetValueOrDefault($"{StackSettings.Namespace}:tags"), problems, refused, keysRead)
            .AsStringMap();
        var acknowledgements = StackSettings.ReadAcknowledgements(Section.ParseItems($"{StackSettings.Namespace}:acknowledgements",
            source.Values.GetValueOrDefault($"{StackSettings.Namespace}:acknowledgements"), problems, refused, keysRead));
        var site = Read(section, new Dictionary<string, string>(tags) { ["project"] = source.Project, ["stack"] = source.Stack, ["managed-by"] = "pulumi" });
        problems.AddRange(site.Validate(Key));
        Checks.ThrowIfAny([.. schemaProblems, .. problems.Where(problem => !refused.Any(key => problem.Key == key || problem.Key.StartsWith(key + ".", StringComparison.Ordinal)
            || problem.Key.StartsWith(key + "[", StringComparison.Ordinal))).DistinctBy(problem => (problem.Key, problem.Allowed))]);
        return new GlobalSettings(source.Values.GetValueOrDefault("aws:region") ?? "", site.Tags, site, acknowledgements);
    }

    static SiteDnsArgs Read(Section section, IReadOnlyDictionary<string, string> tags)
    {
        var routing = section.String("routing", "latency") switch
        {
            "geolocation" => SiteRouting.Geolocation,
            "failover" => SiteRouting.Failover,
            _ => SiteRouting.Latency,
        };
        var health = section.Object("healthCheck");
        return new SiteDnsArgs
        {
            DomainName = section.String("domainName", ""),
            ZoneId = section.String("zoneId", ""),
            Routing = routing,
            Regions = [.. (section.Objects("regions") ?? []).Select(region => new SiteRegionArgs
            {
                Stack = region.String("stack", ""),
                Continent = region.OptionalString("continent"),
                Country = region.OptionalString("country"),
                Default = region.Bool("default", false),
                Primary = region.OptionalString("failover") is { } role ? role == "primary" : null,
            })],
            HealthCheck = Section.Feature(health, onByDefault: false, check => new SiteHealthCheckArgs
            {
                Path = check.String("path", "/health"),
                Protocol = check.String("protocol", "HTTPS"),
                IntervalSeconds = check.Int("intervalSeconds", 30),
                FailureThreshold = check.Int("failureThreshold", 3),
            }),
            Tags = tags,
        };
    }
}

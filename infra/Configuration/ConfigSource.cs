using System.Text.Json;
using Pulumi;

namespace Infra.Configuration;

/// <summary>A stack's configuration as the program receives it: full keys (infra:network, aws:region) with their
/// values (JSON text for structured values), and which keys were given encrypted.</summary>
public sealed record ConfigSource(string Project, string Stack, IReadOnlyDictionary<string, string> Values, IReadOnlySet<string> SecretKeys)
{
    /// <summary>What the Pulumi CLI hands the program: PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS, keys written
    /// project:config:key (the Config API reads the same variables but cannot list keys or say which were secret).</summary>
    public static ConfigSource FromEngine()
    {
        static string Normal(string key) => key.Replace(":config:", ":", StringComparison.Ordinal);
        var values = Environment.GetEnvironmentVariable("PULUMI_CONFIG") is { Length: > 0 } raw
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(raw)!.ToDictionary(pair => Normal(pair.Key), pair => pair.Value)
            : [];
        // A CLI that does not say which keys were secret: trust the secret keys rather than refuse them.
        var secrets = Environment.GetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS") is { Length: > 0 } keys
            ? JsonSerializer.Deserialize<List<string>>(keys)!.Select(Normal).ToHashSet()
            : values.Keys.Where(ConfigSchema.IsSecret).ToHashSet();
        return new ConfigSource(Deployment.Instance.ProjectName, Deployment.Instance.StackName, values, secrets);
    }
}

using System.Text.Json;

namespace Infra.Plan.Mocks;

/// <summary>Sets the stack configuration the way the Pulumi CLI hands it to a program (PULUMI_CONFIG),
/// and restores the previous values when disposed. The variables are the process's: runs that set them take turns
/// (tests run in parallel).</summary>
public sealed class StackConfig : IDisposable
{
    static readonly SemaphoreSlim OneAtATime = new(1, 1);

    readonly string? _previousConfig;
    readonly string? _previousSecrets;

    StackConfig(IReadOnlyDictionary<string, string> values, IEnumerable<string> secretKeys)
    {
        OneAtATime.Wait();
        _previousConfig = Environment.GetEnvironmentVariable("PULUMI_CONFIG");
        _previousSecrets = Environment.GetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS");
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", JsonSerializer.Serialize(values));
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", JsonSerializer.Serialize(secretKeys));
    }

    /// <summary>Values are full keys ("infra:network", "aws:region"); objects are given as JSON text.</summary>
    public static StackConfig Set(IReadOnlyDictionary<string, string> values, IEnumerable<string>? secretKeys = null) =>
        new(values, secretKeys ?? []);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", _previousConfig);
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", _previousSecrets);
        OneAtATime.Release();
    }
}

using System.Globalization;
using System.Text.Json;

namespace Pulumi;

/// <summary>Reads the stack's configuration for one namespace (the project's by default).</summary>
public sealed partial class Config
{
    readonly string _name;

    public Config(string? name = null)
    {
        name ??= Deployment.Instance.ProjectName;
        _name = name.EndsWith(":config", StringComparison.Ordinal) ? name[..^":config".Length] : name;
    }

    string FullKey(string key) => $"{_name}:{key}";

    public string? Get(string key) => Deployment.InternalInstance.Engine.GetConfig(FullKey(key));

    public Output<string>? GetSecret(string key) => Get(key) is { } value ? Output.CreateSecret(value) : null;

    public bool? GetBoolean(string key) => Get(key) switch
    {
        null => null,
        "true" => true,
        "false" => false,
        var value => throw new ConfigTypeException(FullKey(key), value, nameof(Boolean)),
    };

    public Output<bool>? GetSecretBoolean(string key) => GetBoolean(key) is { } value ? Output.CreateSecret(value) : null;

    public int? GetInt32(string key) => Get(key) is { } value
        ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new ConfigTypeException(FullKey(key), value, nameof(Int32))
        : null;

    public Output<int>? GetSecretInt32(string key) => GetInt32(key) is { } value ? Output.CreateSecret(value) : null;

    public double? GetDouble(string key) => Get(key) is { } value
        ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new ConfigTypeException(FullKey(key), value, nameof(Double))
        : null;

    public Output<double>? GetSecretDouble(string key) => GetDouble(key) is { } value ? Output.CreateSecret(value) : null;

    public T GetObject<T>(string key) => GetObjectCore<T>(key, null);

    public T GetObject<T>(string key, JsonSerializerOptions options) => GetObjectCore<T>(key, options);

    public Output<T>? GetSecretObject<T>(string key) => Get(key) is null ? null : Output.CreateSecret(GetObject<T>(key));

    public Output<T>? GetSecretObject<T>(string key, JsonSerializerOptions options) =>
        Get(key) is null ? null : Output.CreateSecret(GetObject<T>(key, options));

    public string Require(string key) => Get(key) ?? throw new ConfigMissingException(FullKey(key));

    public Output<string> RequireSecret(string key) => Output.CreateSecret(Require(key));

    public bool RequireBoolean(string key) => GetBoolean(key) ?? throw new ConfigMissingException(FullKey(key));

    public Output<bool> RequireSecretBoolean(string key) => Output.CreateSecret(RequireBoolean(key));

    public int RequireInt32(string key) => GetInt32(key) ?? throw new ConfigMissingException(FullKey(key));

    public Output<int> RequireSecretInt32(string key) => Output.CreateSecret(RequireInt32(key));

    public double RequireDouble(string key) => GetDouble(key) ?? throw new ConfigMissingException(FullKey(key));

    public Output<double> RequireSecretDouble(string key) => Output.CreateSecret(RequireDouble(key));

    public T RequireObject<T>(string key) => Get(key) is null ? throw new ConfigMissingException(FullKey(key)) : GetObject<T>(key);

    public T RequireObject<T>(string key, JsonSerializerOptions options) =>
        Get(key) is null ? throw new ConfigMissingException(FullKey(key)) : GetObject<T>(key, options);

    public Output<T> RequireSecretObject<T>(string key) => Output.CreateSecret(RequireObject<T>(key));

    public Output<T> RequireSecretObject<T>(string key, JsonSerializerOptions options) =>
        Output.CreateSecret(RequireObject<T>(key, options));

    T GetObjectCore<T>(string key, JsonSerializerOptions? options)
    {
        if (Get(key) is not { } value)
            return default!;
        try
        {
            return JsonSerializer.Deserialize<T>(value, options)!;
        }
        catch (JsonException exception)
        {
            throw new ConfigTypeException(FullKey(key), value, typeof(T).FullName!, exception);
        }
    }

    sealed class ConfigMissingException(string key) : RunException(
        $"Missing Required configuration variable '{key}'\n\tplease set a value using the command `pulumi config set {key} <value>`");

    sealed class ConfigTypeException(string key, string value, string typeName, Exception? innerException = null)
        : RunException($"Configuration '{key}' value '{value}' is not a valid {typeName}", innerException);
}

using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Infra.Plan.Mocks;

/// <summary>A Pulumi.&lt;stack&gt;.yaml read the way the Pulumi CLI hands it to a program: full keys
/// (project:key), scalars as text, structured values as JSON. `secure:` values are never decrypted:
/// each gets a stand-in (a generated certificate for the certificate keys, a marker otherwise).</summary>
public sealed partial record StackFile(string Project, string Stack, IReadOnlyDictionary<string, string> Config, IReadOnlySet<string> SecretKeys)
{
    /// <summary>The encrypted text of each secure key as written in the file: a change of it is a change of the
    /// secret, which the plan can show without knowing the value.</summary>
    public IReadOnlyDictionary<string, string> Ciphertexts { get; init; } = new Dictionary<string, string>();

    public const string SecretMarker = "[secret]";

    /// <summary>The stand-in certificate used for secure certificate keys, so the plan can validate the rest.</summary>
    public static readonly Lazy<SelfSignedCertificates.Pair> PlaceholderCertificate = new(() => SelfSignedCertificates.Create("placeholder.example.com"));

    public static string ProjectName(string projectDirectory)
    {
        var yaml = Parse(Path.Combine(projectDirectory, "Pulumi.yaml"));
        return yaml.Children.TryGetValue(new YamlScalarNode("name"), out var name) && name is YamlScalarNode { Value: { } value }
            ? value
            : throw new InvalidDataException("Pulumi.yaml has no name");
    }

    public static StackFile Load(string projectDirectory, string stack)
    {
        var project = ProjectName(projectDirectory);
        var path = Path.Combine(projectDirectory, $"Pulumi.{stack}.yaml");
        if (!File.Exists(path))
            throw new FileNotFoundException($"no stack file {Path.GetFileName(path)} in {projectDirectory}", path);
        var root = Parse(path);
        var config = new Dictionary<string, string>();
        var secrets = new HashSet<string>();
        var ciphertexts = new Dictionary<string, string>();
        var file = Path.GetFileName(path);
        if (root.Children.TryGetValue(new YamlScalarNode("config"), out var node) && node is not YamlMappingNode and not YamlScalarNode { Value: null or "" })
            throw new InvalidDataException($"{file}:{node.Start.Line}:{node.Start.Column}: config must be a mapping of keys to values, not a {Describe(node)}");
        if (node is YamlMappingNode entries)
            foreach (var (keyNode, value) in entries.Children)
            {
                var key = keyNode is YamlScalarNode { Value: { Length: > 0 } text }
                    ? text
                    : throw new InvalidDataException($"{file}:{keyNode.Start.Line}:{keyNode.Start.Column}: a config key must be a name such as infra:network");
                var fullKey = key.Contains(':') ? key : $"{project}:{key}";
                if (value is YamlMappingNode map && map.Children.Count == 1 && map.Children.ContainsKey(new YamlScalarNode("secure")))
                {
                    secrets.Add(fullKey);
                    config[fullKey] = Placeholder(fullKey);
                    ciphertexts[fullKey] = (map.Children[new YamlScalarNode("secure")] as YamlScalarNode)?.Value ?? "";
                }
                else
                    config[fullKey] = value is YamlScalarNode scalar ? scalar.Value ?? "" : Json(value, file);
            }

        return new StackFile(project, stack, config, secrets) { Ciphertexts = ciphertexts };
    }

    /// <summary>The stand-in values that only a secret may contain, for scrubbing rendered output.</summary>
    public IEnumerable<string> SecretValues => SecretKeys.Select(key => Config[key]).Where(value => value.Length > 0);

    static string Placeholder(string key) => key switch
    {
        _ when key.EndsWith(":certificateBody", StringComparison.Ordinal) => PlaceholderCertificate.Value.CertificatePem,
        _ when key.EndsWith(":certificatePrivateKey", StringComparison.Ordinal) => PlaceholderCertificate.Value.PrivateKeyPem,
        _ => SecretMarker,
    };

    static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "list",
        YamlMappingNode => "mapping",
        _ => "single value",
    };

    /// <summary>The file's top mapping; a YAML error names the file, line and column.</summary>
    static YamlMappingNode Parse(string path)
    {
        var stream = YamlFile.Read(path, parser =>
        {
            var stream = new YamlStream();
            stream.Load(parser);
            return stream;
        });
        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new InvalidDataException($"{Path.GetFileName(path)} is not a YAML mapping");
    }

    /// <summary>A structured YAML value as JSON, as the Pulumi CLI hands it over: plain scalars that are JSON
    /// numbers or booleans become them, written as they were (1e20 stays 1e20).</summary>
    static string Json(YamlNode node, string file)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, node, file);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    static void Write(Utf8JsonWriter writer, YamlNode node, string file)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode { Value: var name } ? name ?? ""
                        : throw new InvalidDataException($"{file}:{key.Start.Line}:{key.Start.Column}: a key must be a name, not a {Describe(key)}"));
                    Write(writer, value, file);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode list:
                writer.WriteStartArray();
                foreach (var item in list.Children)
                    Write(writer, item, file);
                writer.WriteEndArray();
                break;
            case YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: null or "null" or "~" }:
                writer.WriteNullValue();
                break;
            case YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "true" or "false" } flag:
                writer.WriteBooleanValue(flag.Value == "true");
                break;
            case YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } plain when JsonNumber().IsMatch(plain.Value!):
                writer.WriteRawValue(plain.Value!);
                break;
            case YamlScalarNode scalar:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$")]
    private static partial System.Text.RegularExpressions.Regex JsonNumber();

    /// <summary>Puts this file's config in place for a run (see <see cref="StackConfig"/>).</summary>
    public StackConfig Apply(Func<Dictionary<string, string>, Dictionary<string, string>>? change = null) =>
        StackConfig.Set(change?.Invoke(new Dictionary<string, string>(Config)) ?? new Dictionary<string, string>(Config), SecretKeys);
}

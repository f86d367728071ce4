using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Infra.Plan.Mocks;

/// <summary>A Pulumi.&lt;stack&gt;.yaml read the way the Pulumi CLI hands it to a program: full keys
/// (project:key), scalars as text, structured values as JSON. `secure:` values are never decrypted:
/// each gets a stand-in (a generated certificate for the certificate keys, a marker otherwise).</summary>
public sealed record StackFile(string Project, string Stack, IReadOnlyDictionary<string, string> Config, IReadOnlySet<string> SecretKeys)
{
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
        if (root.Children.TryGetValue(new YamlScalarNode("config"), out var node) && node is YamlMappingNode entries)
            foreach (var (keyNode, value) in entries.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value!;
                var fullKey = key.Contains(':') ? key : $"{project}:{key}";
                if (value is YamlMappingNode map && map.Children.Count == 1 && map.Children.ContainsKey(new YamlScalarNode("secure")))
                {
                    secrets.Add(fullKey);
                    config[fullKey] = Placeholder(fullKey);
                }
                else
                    config[fullKey] = value is YamlScalarNode scalar ? scalar.Value ?? "" : JsonSerializer.Serialize(ToPlain(value));
            }

        return new StackFile(project, stack, config, secrets);
    }

    /// <summary>The stand-in values that only a secret may contain, for scrubbing rendered output.</summary>
    public IEnumerable<string> SecretValues => SecretKeys.Select(key => Config[key]).Where(value => value.Length > 0);

    static string Placeholder(string key) => key switch
    {
        _ when key.EndsWith(":certificateBody", StringComparison.Ordinal) => PlaceholderCertificate.Value.CertificatePem,
        _ when key.EndsWith(":certificatePrivateKey", StringComparison.Ordinal) => PlaceholderCertificate.Value.PrivateKeyPem,
        _ => SecretMarker,
    };

    static YamlMappingNode Parse(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
            stream.Load(reader);
        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw new InvalidDataException($"{Path.GetFileName(path)} is not a YAML mapping");
    }

    /// <summary>YAML to JSON-ready values: plain scalars that look like numbers or booleans become them.</summary>
    static object? ToPlain(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(pair => ((YamlScalarNode)pair.Key).Value!, pair => ToPlain(pair.Value)),
        YamlSequenceNode list => list.Children.Select(ToPlain).ToList(),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar => Scalar(scalar.Value),
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };

    static object? Scalar(string? text) => text switch
    {
        null or "null" or "~" => null,
        "true" => true,
        "false" => false,
        _ when long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var integer) => integer,
        _ when double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) => number,
        _ => text,
    };

    /// <summary>Puts this file's config in place for a run (see <see cref="StackConfig"/>).</summary>
    public StackConfig Apply(Func<Dictionary<string, string>, Dictionary<string, string>>? change = null) =>
        StackConfig.Set(change?.Invoke(new Dictionary<string, string>(Config)) ?? new Dictionary<string, string>(Config), SecretKeys);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Components.Shared;
using Infra.Configuration;
using Infra.Plan;
using Json.Schema;
using YamlDotNet.Serialization;

namespace Infra.Tests.Stacks;

/// <summary>The schema is the one declaration of the configuration: the committed stack files pass it under a standard
/// validator, the README table is made from it, the reader reads exactly its keys, and for every key a wrong type, a value
/// just outside each bound and an unknown sibling each give exactly one problem naming that key.</summary>
public class ConfigSchemaTests
{
    static readonly StackFile Dev = StackFile.Load(StackRun.ProjectDirectory, "dev");
    static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(StackRun.ProjectDirectory, "schema", "stack.schema.json"));

    /// <summary>The dev stack plus a valid value for every optional object the generated cases reach into.</summary>
    static readonly Dictionary<string, string> Base = Extend(new Dictionary<string, string>(Dev.Config),
        ("infra:loadBalancer", "dns", """{"zoneId":"Z0123456789ABCDEFGHIJ","domainName":"www.example.com"}"""),
        ("infra:assets", "hosts", """{"count":2,"domain":"example.com","hostedZoneId":"Z0123456789ABCDEFGHIJ"}"""),
        ("infra:assets", "geoRestriction", """{"type":"whitelist","locations":["US"]}"""),
        ("infra:global", "domainName", "\"www.example.com\""), ("infra:global", "zoneId", "\"Z0123456789ABCDEFGHIJ\""),
        ("infra:global", "regions", """[{"stack":"site-us"}]"""), ("infra:global", "healthCheck", """{"path":"/health"}"""));

    static Dictionary<string, string> Extend(Dictionary<string, string> values, params (string Key, string Name, string Json)[] additions)
    {
        foreach (var (key, name, json) in additions)
        {
            var root = values.TryGetValue(key, out var existing) ? JsonNode.Parse(existing)!.AsObject() : new JsonObject();
            root[name] = JsonNode.Parse(json);
            values[key] = root.ToJsonString();
        }

        return values;
    }

    static IReadOnlyList<Problem> Problems(IReadOnlyDictionary<string, string> values)
    {
        try
        {
            StackSettings.Load(new ConfigSource("infra", "dev", values, Dev.SecretKeys));
            return [];
        }
        catch (ValidationException failure)
        {
            return failure.Problems;
        }
    }

    [TestCase("dev")]
    [TestCase("prod")]
    public void The_committed_stack_file_passes_the_schema_and_names_it_for_editors(string stack)
    {
        var path = Path.Combine(StackRun.ProjectDirectory, $"Pulumi.{stack}.yaml");
        var text = File.ReadAllText(path);
        Assert.That(text, Does.StartWith("# yaml-language-server: $schema=./schema/stack.schema.json\n"));
        var yaml = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build().Deserialize<object>(text);
        using var instance = JsonDocument.Parse(JsonSerializer.Serialize(yaml));
        var result = Schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.That(result.IsValid, Is.True, string.Join("\n", (result.Details ?? []).Where(d => d.Errors is not null)
            .Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}")));
    }

    [Test]
    public void The_readme_configuration_table_is_the_one_made_from_the_schema()
    {
        var readme = File.ReadAllText(Path.Combine(StackRun.ProjectDirectory, "README.md"));
        var start = readme.IndexOf(ConfigTable.Start, StringComparison.Ordinal);
        var end = readme.IndexOf(ConfigTable.End, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README.md has the generated table");
        Assert.That(readme[start..(end + ConfigTable.End.Length)] + "\n", Is.EqualTo(ConfigTable.Markdown()), "run ./build.sh config-table and paste its output");
    }

    /// <summary>Every key a schema object declares, as the reader names them (list items as []).</summary>
    static IEnumerable<(string Key, JsonObject Schema)> Leaves(string prefix, JsonObject schema)
    {
        schema = Deref(schema);
        if (schema["properties"] is JsonObject properties && !ConfigSchema.DescribesSecret(schema))
        {
            foreach (var (name, child) in properties)
            {
                var key = $"{prefix}.{name}";
                var node = Deref(child!.AsObject());
                yield return (key, node);
                foreach (var leaf in Leaves(key, node))
                    yield return leaf;
            }
        }
        else if (schema["items"] is JsonObject items)
            foreach (var leaf in Leaves($"{prefix}[]", Deref(items)).Where(leaf => leaf.Key != $"{prefix}[]"))
                yield return leaf;
    }

    static JsonObject Deref(JsonObject node) => ConfigSchema.Deref(node)!;

    static IEnumerable<(string Key, JsonObject Schema)> SchemaKeys() =>
        ConfigSchema.ConfigProperties.Where(pair => pair.Key.StartsWith("infra:", StringComparison.Ordinal))
            .SelectMany(pair => Leaves(pair.Key, pair.Value!.AsObject()));

    /// <summary>Every object the schema declares present (empty), lists of objects with one empty item.</summary>
    static JsonNode Skeleton(JsonObject schema, Func<string, bool> include, string key)
    {
        schema = Deref(schema);
        var result = new JsonObject();
        foreach (var (name, child) in schema["properties"]?.AsObject() ?? [])
        {
            var node = Deref(child!.AsObject());
            if (!include($"{key}.{name}"))
                continue;
            if (node["type"]?.ToString() == "object" && node["properties"] is not null && !ConfigSchema.DescribesSecret(node))
                result[name] = Skeleton(node, include, $"{key}.{name}");
            else if (node["items"] is JsonObject { } items && Deref(items)["properties"] is not null)
                result[name] = new JsonArray(Skeleton(items, include, $"{key}.{name}[]"));
        }

        return result;
    }

    [Test]
    public void The_reader_reads_exactly_the_keys_the_schema_declares()
    {
        var read = new HashSet<string>();
        // The queue is read the same with and without a custom metric; every object present makes every key consulted.
        var config = ConfigSchema.ConfigProperties.Where(pair => pair.Key.StartsWith("infra:", StringComparison.Ordinal) && Deref(pair.Value!.AsObject())["properties"] is not null
                && !ConfigSchema.DescribesSecret(Deref(pair.Value!.AsObject())))
            .ToDictionary(pair => pair.Key, pair => Skeleton(pair.Value!.AsObject(), _ => true, pair.Key).ToJsonString());
        foreach (var (key, schema) in ConfigSchema.ConfigProperties.Where(pair => Deref(pair.Value!.AsObject())["items"] is JsonObject { } items && Deref(items)["properties"] is not null))
            config[key] = new JsonArray(Skeleton(Deref(schema!.AsObject())["items"]!.AsObject(), _ => true, $"{key}[]")).ToJsonString();
        config["aws:region"] = "us-east-1";
        try
        {
            StackSettings.Load(new ConfigSource("infra", "dev", config, new HashSet<string>()), read);
        }
        catch (ValidationException)
        {
            // Empty objects break combinations (e.g. a listener without a port); only the keys read matter here.
        }

        try
        {
            // infra:global is a global stack's; its reader reads it.
            GlobalSettings.Load(new ConfigSource("infra", "global", config, new HashSet<string>()), read);
        }
        catch (ValidationException)
        {
            // The regional sections are refused in a global stack; only the keys read matter here.
        }

        var declared = SchemaKeys().Select(leaf => leaf.Key).ToHashSet();
        Assert.That(read.Except(declared).Order(), Is.Empty, "read but not in the schema");
        Assert.That(declared.Except(read).Order(), Is.Empty, "in the schema but never read");
    }

    /// <summary>Sets a value at a dotted path inside the dev stack's config (creating objects on the way).</summary>
    static Dictionary<string, string> With(string key, JsonNode? value)
    {
        var values = new Dictionary<string, string>(Base);
        var path = key.Split('.');
        var root = values.TryGetValue(path[0], out var json) ? JsonNode.Parse(json)!.AsObject() : new JsonObject();
        var node = path[1..^1].Aggregate(root, (current, name) => (current[name] ??= new JsonObject()).AsObject());
        node[path[^1]] = value;
        values[path[0]] = root.ToJsonString();
        return values;
    }

    static IEnumerable<TestCaseData> Cases()
    {
        // Keys inside list items need an item to live in, and queue.metric turns the stack's own queue off: the
        // hand-written tests cover both.
        foreach (var (key, schema) in SchemaKeys().Where(leaf => !leaf.Key.Contains("[]", StringComparison.Ordinal) && !leaf.Key.Contains(".metric", StringComparison.Ordinal)))
        {
            var type = schema["type"]?.ToString();
            JsonNode wrong = type == "string" ? JsonValue.Create(7) : JsonValue.Create("seven");
            yield return new TestCaseData(key, wrong).SetName($"{key} of the wrong type");
            if (schema["minimum"] is { } min)
                yield return new TestCaseData(key, JsonValue.Create(min.GetValue<double>() - (type == "integer" ? 1 : 0.5))).SetName($"{key} below {min}");
            if (schema["exclusiveMinimum"] is { } above)
                yield return new TestCaseData(key, JsonValue.Create(above.GetValue<double>())).SetName($"{key} at its exclusive minimum {above}");
            if (schema["maximum"] is { } max)
                yield return new TestCaseData(key, JsonValue.Create(max.GetValue<double>() + (type == "integer" ? 1 : 0.5))).SetName($"{key} above {max}");
            if (type == "object" && schema["properties"] is not null)
                yield return new TestCaseData($"{key}.notAKey", JsonValue.Create(1)).SetName($"{key} with an unknown key");
        }
    }

    /// <summary>Its content is still checked, so the next run does not bring a new problem; the text is never shown.</summary>
    [Test]
    public void A_private_key_in_plain_text_that_does_not_match_is_refused_for_both_at_once()
    {
        using var other = System.Security.Cryptography.RSA.Create(2048);
        var pem = other.ExportPkcs8PrivateKeyPem();
        var values = new Dictionary<string, string>(Dev.Config) { ["infra:certificatePrivateKey"] = pem };
        var secrets = Dev.SecretKeys.Where(key => key != "infra:certificatePrivateKey").ToHashSet();
        var failure = Assert.Throws<ValidationException>(() => StackSettings.Load(new ConfigSource("infra", "dev", values, secrets)))!;
        Assert.That(failure.Problems.Select(problem => problem.ToString()), Is.EqualTo(new[]
        {
            "infra:certificatePrivateKey = '(plain text, not shown)': must be a secret: pulumi config set --secret infra:certificatePrivateKey -- \"$(cat file.pem)\"",
            "infra:certificatePrivateKey = '[secret]': the private key does not match the certificate's public key",
        }));
        Assert.That(failure.Message, Does.Not.Contain(pem.Split('\n')[1]));
    }

    [Test]
    public void A_private_key_in_plain_text_is_refused_as_not_secret_and_never_shown()
    {
        var pem = StackFile.PlaceholderCertificate.Value.PrivateKeyPem;
        var values = new Dictionary<string, string>(Dev.Config) { ["infra:certificatePrivateKey"] = pem };
        var secrets = Dev.SecretKeys.Where(key => key != "infra:certificatePrivateKey").ToHashSet();
        var failure = Assert.Throws<ValidationException>(() => StackSettings.Load(new ConfigSource("infra", "dev", values, secrets)))!;
        Assert.That(failure.Problems.Select(problem => problem.ToString()), Is.EqualTo(new[]
        {
            "infra:certificatePrivateKey = '(plain text, not shown)': must be a secret: pulumi config set --secret infra:certificatePrivateKey -- \"$(cat file.pem)\"",
        }));
        Assert.That(failure.Message, Does.Not.Contain(pem.Split('\n')[1]));
    }

    [Test]
    public void The_base_of_the_generated_cases_is_valid() => Assert.That(Problems(Base), Is.Empty);

    [TestCaseSource(nameof(Cases))]
    public void Each_bad_value_gives_exactly_one_problem_naming_its_key(string key, JsonNode value)
    {
        var problems = Problems(With(key, value));
        Assert.That(problems.Select(problem => problem.Key), Is.EqualTo(new[] { key }), string.Join("\n", problems));
    }
}

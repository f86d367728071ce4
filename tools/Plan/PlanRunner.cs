using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Harness;
using Infra.Stacks;
using Pulumi;
using Pulumi.Utilities;

namespace Infra.Plan;

/// <summary>Runs a stack under the project's realistic mocks with nothing but the public Pulumi testing API,
/// and turns what the engine received into a <see cref="PlanDocument"/>. Secret values never leave it.</summary>
public static class PlanRunner
{
    public static string Sdk => typeof(PlanRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(attribute => attribute.Key == "PulumiSdk")?.Value ?? "NuGet";

    /// <param name="change">Edits the stack's config before the run (the benchmark uses it).</param>
    public static async Task<PlanDocument> RunAsync(string projectDirectory, string stack,
        Func<Dictionary<string, string>, Dictionary<string, string>>? change = null)
    {
        var watch = Stopwatch.StartNew();
        var file = StackFile.Load(projectDirectory, stack);
        var engine = new TestEngine(new FakeAws(RegionOf(file)));
        Graph graph;
        using (file.Apply(change))
            graph = await engine.RunAsync(() => WebStack.RunAsync(engine.Options()),
                new Pulumi.Testing.TestOptions { ProjectName = file.Project, StackName = stack, IsPreview = false });

        var scrubber = new Scrubber(file.SecretValues);
        var stackUrn = $"urn:pulumi:{stack}::{file.Project}::pulumi:pulumi:Stack::{file.Project}-{stack}";
        var urns = new Dictionary<Resource, string>();
        foreach (var resource in graph.Resources)
            urns[resource] = await OutputUtilities.GetValueAsync(resource.Urn);

        var resources = new List<PlannedResource>();
        foreach (var resource in graph.Resources)
        {
            var registration = graph.RegistrationOf(resource);
            var resourceArgs = graph.Capture.ArgsOf(resource);
            var options = graph.Capture.OptionsOf(resource);
            var walk = await ArgsWalker.WalkAsync(resourceArgs);
            var explicitDependencies = await OutputUtilities.GetValueAsync((Output<ImmutableArray<Resource>>)options.DependsOn);
            var dependsOn = walk.Dependencies.Concat(explicitDependencies.IsDefault ? [] : explicitDependencies)
                .Where(dependency => dependency != resource && urns.ContainsKey(dependency))
                .Select(dependency => urns[dependency]).Distinct().Order(StringComparer.Ordinal).ToList();
            var parent = graph.Capture.ParentOf(resource);
            var inputs = scrubber.Inputs(registration.Inputs, walk.SecretPaths);
            resources.Add(new PlannedResource(urns[resource], resource.GetResourceType(), resource.GetResourceName(),
                parent is null ? stackUrn : urns[parent], string.IsNullOrEmpty(registration.Provider) ? null : registration.Provider,
                dependsOn, options.Protect ?? false, inputs));
        }

        var outputs = new JsonObject();
        foreach (var (name, value) in graph.Outputs.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            outputs[name] = await scrubber.OutputAsync(value);

        var diagnostics = file.SecretKeys.Order(StringComparer.Ordinal)
            .Select(key => new Diagnostic("info", key, "secure value not decrypted; the plan used a stand-in"))
            .ToList();
        return new PlanDocument(file.Project, stack, Sdk, stackUrn, resources, outputs, diagnostics, watch.Elapsed);
    }

    static string RegionOf(StackFile file) => file.Config.GetValueOrDefault("aws:region") is { Length: > 0 } region ? region : "us-east-1";

    /// <summary>Turns values into JSON, replacing secrets with [secret] and unknowns with [unknown].</summary>
    sealed class Scrubber(IEnumerable<string> secretValues)
    {
        readonly IReadOnlyList<string> _secrets = [.. secretValues.Where(value => value.Length >= 8)];

        public JsonObject Inputs(ImmutableDictionary<string, object> inputs, IReadOnlySet<string> secretPaths)
        {
            var result = new JsonObject();
            foreach (var (key, value) in inputs.OrderBy(pair => pair.Key, StringComparer.Ordinal))
                result[key] = secretPaths.Contains(key) ? PlanDocument.Secret : Node(value);
            foreach (var key in secretPaths.Where(path => !inputs.ContainsKey(path)))
                result[key] = PlanDocument.Secret;
            return result;
        }

        public async Task<JsonNode?> OutputAsync(object? value)
        {
            if (value is null || !value.GetType().IsGenericType || value.GetType().GetGenericTypeDefinition() != typeof(Output<>))
                return Node(value);
            var (known, secret, plain) = await OutputReader.ReadAsync(value);
            return secret ? PlanDocument.Secret : !known ? PlanDocument.Unknown : Node(plain);
        }

        JsonNode? Node(object? value) => value switch
        {
            null => null,
            string text => _secrets.Any(text.Contains) ? PlanDocument.Secret : text,
            bool flag => flag,
            double number => number,
            int number => number,
            AssetOrArchive => "[asset]",
            IDictionary map => new JsonObject(map.Keys.Cast<string>().Order(StringComparer.Ordinal)
                .Select(key => KeyValuePair.Create(key, Node(map[key])))),
            IEnumerable items => new JsonArray([.. items.Cast<object?>().Select(Node)]),
            _ => JsonSerializer.SerializeToNode(value),
        };
    }
}

using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Configuration;
using Infra.Plan.Mocks;
using Infra.Stacks;
using Pulumi;
using Pulumi.Utilities;

namespace Infra.Plan;

/// <summary>Runs a stack on Pulumi's test engine under the project's realistic mocks, with nothing but the public
/// Pulumi API, and turns what the engine received into a <see cref="PlanDocument"/>. Secret values never leave it.</summary>
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
        var config = change?.Invoke(new Dictionary<string, string>(file.Config)) ?? file.Config;
        var site = GlobalSettings.IsGlobal(config) ? await SitePlan.RegionsAsync(projectDirectory, file, config) : null;
        var engine = new PlanEngine(new FakeAws(RegionOf(file)) { StackOutputs = site?.StackOutputs ?? ImmutableDictionary<string, ImmutableDictionary<string, object>>.Empty });
        Graph graph;
        using (file.Apply(_ => new Dictionary<string, string>(config)))
            graph = await engine.RunAsync(() => site is null ? WebStack.RunAsync(engine.Options()) : GlobalStack.RunAsync(engine.Options()),
                new Pulumi.Testing.TestOptions { ProjectName = file.Project, StackName = stack, IsPreview = false });

        var scrubber = new Scrubber(file.SecretValues);
        var digests = new SecretDigests(file);
        var urns = new Urns(file.Project, stack, graph.Capture);
        var byEngineUrn = new Dictionary<string, string>();
        foreach (var resource in graph.Resources)
            byEngineUrn[await OutputUtilities.GetValueAsync(resource.Urn)] = urns.Of(resource);

        var resources = new List<PlannedResource>();
        foreach (var resource in graph.Resources)
        {
            var registration = graph.RegistrationOf(resource);
            var resourceArgs = graph.Capture.ArgsOf(resource);
            var options = graph.Capture.OptionsOf(resource);
            var walk = await ArgsWalker.WalkAsync(resourceArgs);
            var explicitDependencies = await OutputUtilities.GetValueAsync((Output<ImmutableArray<Resource>>)options.DependsOn);
            var dependsOn = walk.Dependencies.Concat(explicitDependencies.IsDefault ? [] : explicitDependencies)
                .Where(dependency => dependency != resource && graph.Capture.Saw(dependency))
                .Select(urns.Of).Distinct().Order(StringComparer.Ordinal).ToList();
            var parent = graph.Capture.ParentOf(resource);
            var inputs = scrubber.Inputs(registration.Inputs, walk.SecretPaths);
            resources.Add(new PlannedResource(urns.Of(resource), resource.GetResourceType(), resource.GetResourceName(),
                parent is null ? urns.Stack : urns.Of(parent), ProviderReference(registration.Provider, byEngineUrn),
                dependsOn, options.Protect ?? false, inputs, scrubber.Computed(engine.Mocks.StateOf(registration.Type!, registration.Name!), registration.Inputs))
            {
                SecretDigests = digests.Of(registration.Inputs, walk.SecretPaths),
            });
        }

        var outputs = new JsonObject();
        foreach (var (name, value) in graph.Outputs.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            outputs[name] = await scrubber.OutputAsync(value);

        var diagnostics = file.SecretKeys.Order(StringComparer.Ordinal)
            .Select(key => new Diagnostic("info", key, "secure value not decrypted: checks of its content (PEM, key match, expiry) were skipped"))
            .Concat(site?.Diagnostics ?? [])
            .ToList();
        var plan = new PlanDocument(file.Project, stack, Sdk, RegionOf(file), urns.Stack, resources, outputs, diagnostics, watch.Elapsed)
        {
            Regions = site?.Plans ?? [],
        };
        return plan with { Findings = Checks.PlanChecks.Run(plan), Cost = Cost.MonthlyCost.Of(plan), Elapsed = watch.Elapsed };
    }

    /// <summary>An explicit provider as the CLI names it ("urn::id"); null for the default provider.</summary>
    static string? ProviderReference(string? reference, Dictionary<string, string> byEngineUrn)
    {
        if (string.IsNullOrEmpty(reference))
            return null;
        var separator = reference.LastIndexOf("::", StringComparison.Ordinal);
        return byEngineUrn.TryGetValue(reference[..separator], out var urn) ? urn + reference[separator..] : reference;
    }

    /// <summary>URNs as the Pulumi CLI's engine builds them (what `pulumi preview` shows): the types of the parent
    /// chain without the root stack, joined by '$', then the resource's own type and name. The test engine's
    /// mock monitor builds them differently, so the plan does not use its URNs.</summary>
    sealed class Urns(string project, string stack, GraphCapture capture)
    {
        public string Stack { get; } = $"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}";

        public string Of(Resource resource)
        {
            var types = new List<string> { resource.GetResourceType() };
            for (var parent = capture.ParentOf(resource); parent is not null; parent = capture.ParentOf(parent))
                types.Insert(0, parent.GetResourceType());
            return $"urn:pulumi:{stack}::{project}::{string.Join("$", types)}::{resource.GetResourceName()}";
        }
    }

    internal static string RegionOf(StackFile file) => file.Config.GetValueOrDefault("aws:region") is { Length: > 0 } region ? region : "us-east-1";

    /// <summary>Digests of secret inputs: the stand-ins of undecrypted keys are replaced by their ciphertext first, so
    /// the digest follows the secret as written in the stack file and reveals nothing about it.</summary>
    sealed class SecretDigests(StackFile file)
    {
        public IReadOnlyDictionary<string, string> Of(ImmutableDictionary<string, object> inputs, IReadOnlySet<string> secretPaths) =>
            secretPaths.Where(inputs.ContainsKey).Order(StringComparer.Ordinal).ToDictionary(path => path, path =>
            {
                var text = JsonSerializer.Serialize(inputs[path]);
                foreach (var key in file.SecretKeys.Where(key => file.Config[key].Length > 0))
                    text = text.Replace(JsonSerializer.Serialize(file.Config[key]).Trim('"'), file.Ciphertexts.GetValueOrDefault(key, key), StringComparison.Ordinal);
                return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
            });
    }

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

        /// <summary>The id and the state keys AWS computed (those the inputs did not already give).</summary>
        public JsonObject Computed((string? Id, object State) answer, ImmutableDictionary<string, object> inputs)
        {
            var result = new JsonObject { ["id"] = answer.Id };
            if (answer.State is IDictionary<string, object> state)
                foreach (var (key, value) in state.Where(pair => !inputs.ContainsKey(pair.Key)).OrderBy(pair => pair.Key, StringComparer.Ordinal))
                    result[key] = Node(value);
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

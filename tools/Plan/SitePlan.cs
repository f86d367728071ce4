using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Infra.Components.Shared;
using Infra.Configuration;
using Infra.Plan.Mocks;
using Infra.Stacks;

namespace Infra.Plan;

/// <summary>A global stack's regions, offline: each regional stack is planned from its own stack file beside the
/// global one, exactly as on its own (so one region's file never changes another's plan), and its outputs become what
/// the global stack's StackReferences read. What the site cannot route to stops here, naming the infra:global key.</summary>
public sealed record SitePlan(IReadOnlyList<PlanDocument> Plans, ImmutableDictionary<string, ImmutableDictionary<string, object>> StackOutputs,
    IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>The organization the plan's engine runs in (Pulumi's test engine's default).</summary>
    public const string Organization = "organization";

    public static async Task<SitePlan> RegionsAsync(string projectDirectory, StackFile file, IReadOnlyDictionary<string, string> config)
    {
        var site = GlobalSettings.Load(new ConfigSource(file.Project, file.Stack, config, file.SecretKeys)).Site;
        var missing = new List<Problem>();
        foreach (var (region, index) in site.Regions.Select((region, index) => (region, index)))
        {
            var key = $"{GlobalSettings.Key}.regions[{index}].stack";
            if (!File.Exists(Path.Combine(projectDirectory, $"Pulumi.{region.Stack}.yaml")))
                missing.Add(new Problem(key, region.Stack, $"has no stack file Pulumi.{region.Stack}.yaml beside Pulumi.{file.Stack}.yaml"));
            else if (region.Stack == file.Stack || GlobalSettings.IsGlobal(StackFile.Load(projectDirectory, region.Stack).Config))
                missing.Add(new Problem(key, region.Stack, $"is a global stack ({GlobalSettings.Key}), not a region with a balancer"));
        }

        Components.Shared.Checks.ThrowIfAny(missing);
        var plans = new List<PlanDocument>();
        var outputs = ImmutableDictionary.CreateBuilder<string, ImmutableDictionary<string, object>>();
        var diagnostics = new List<Diagnostic>();
        var regions = new List<RegionExports>();
        foreach (var (region, index) in site.Regions.Select((region, index) => (region, index)))
        {
            var plan = await PlanRunner.RunAsync(projectDirectory, region.Stack);
            plans.Add(plan);
            var exported = plan.Outputs.Where(pair => pair.Value is not null).ToImmutableDictionary(pair => pair.Key, pair => Value(pair.Value!));
            var regionalFile = StackFile.Load(projectDirectory, region.Stack);
            var key = $"{GlobalSettings.Key}.regions[{index}].stack";
            // The offline stand-in certificate names no real host: judge only what the stack file shows.
            if (regionalFile.SecretKeys.Contains($"{StackSettings.Namespace}:certificateBody"))
            {
                exported = exported.Remove(RegionExports.CertificateNamesName);
                diagnostics.Add(new Diagnostic("info", key, $"{region.Stack}'s certificate is a secret not decrypted: whether it covers {site.DomainName} was not checked"));
            }
            else if (!exported.ContainsKey(RegionExports.CertificateNamesName))
                diagnostics.Add(new Diagnostic("info", key, $"{region.Stack}'s certificate is an ARN (ACM or IAM knows its names): check that it covers {site.DomainName}"));
            outputs[$"{Organization}/{file.Project}/{region.Stack}"] = exported;
            regions.Add(RegionExports.From(exported.ToDictionary(pair => pair.Key, pair => pair.Value is ImmutableArray<object> list ? (object?)list.ToList() : pair.Value)));
        }

        Components.Shared.Checks.ThrowIfAny(RegionExports.Problems(site, regions));
        return new SitePlan(plans, outputs.ToImmutable(), diagnostics);
    }

    /// <summary>A planned output as the engine hands a stack reference's outputs over.</summary>
    static object Value(JsonNode node) => node switch
    {
        JsonArray items => items.Where(item => item is not null).Select(item => Value(item!)).ToImmutableArray(),
        JsonObject map => map.Where(pair => pair.Value is not null).ToImmutableDictionary(pair => pair.Key, pair => Value(pair.Value!)),
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<double>(out var number) => number,
        _ => node.GetValue<string>(),
    };
}

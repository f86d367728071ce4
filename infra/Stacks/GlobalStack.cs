using System.Collections.Immutable;
using Infra.Components.Dns;
using Infra.Components.Shared;
using Infra.Configuration;
using Pulumi;

namespace Infra.Stacks;

/// <summary>The site's shared name over its regional stacks: each region is its own stack (deployed, replaced or lost
/// alone); this stack reads their outputs through StackReferences and owns only the Route 53 records.</summary>
public static class GlobalStack
{
    /// <param name="options">Merged into every top-level resource (tests and the plan use it to observe the graph).</param>
    public static Task<IDictionary<string, object?>> RunAsync(ComponentResourceOptions? options = null)
    {
        var settings = GlobalSettings.Load();
        var site = settings.Site;
        var referenceOptions = new CustomResourceOptions();
        referenceOptions.ResourceTransformations.AddRange(options?.ResourceTransformations ?? []);
        var references = site.Regions.Select(region => new StackReference(region.Stack,
            new StackReferenceArgs { Name = QualifiedName(region.Stack) }, referenceOptions)).ToList();

        // Every record waits for the checks of all regions: a site that cannot route to one of them gets no records.
        var exports = Output.All(references.Select(reference => reference.Outputs)).Apply(all =>
        {
            var regions = all.Select(outputs => RegionExports.From(outputs.ToDictionary(pair => pair.Key, pair => (object?)Plain(pair.Value)))).ToList();
            Checks.ThrowIfAny(RegionExports.Problems(site, regions));
            return regions.ToImmutableArray();
        });

        var dns = new SiteDns("site", site with
        {
            Regions = [.. site.Regions.Select((region, index) => region with
            {
                Region = exports.Apply(all => all[index].Region!),
                BalancerDnsName = exports.Apply(all => all[index].BalancerDnsName!),
                BalancerZoneId = exports.Apply(all => all[index].BalancerZoneId!),
            })],
        }, options, GlobalSettings.Key);

        return Task.FromResult<IDictionary<string, object?>>(new Dictionary<string, object?>
        {
            ["siteUrl"] = dns.DomainName.Apply(name => $"https://{name}"),
            ["regions"] = exports.Apply(all => all.Select(region => region.Region ?? "").ToImmutableArray()),
        });
    }

    /// <summary>A regional stack of this project in this organization, as the Pulumi CLI names it (org/project/stack).</summary>
    static string QualifiedName(string stack) =>
        $"{Deployment.Instance.OrganizationName}/{Deployment.Instance.ProjectName}/{stack}";

    /// <summary>Stack outputs arrive as engine values: immutable arrays for lists.</summary>
    static object? Plain(object? value) => value is ImmutableArray<object> items ? items.Select(Plain).ToList() : value;
}

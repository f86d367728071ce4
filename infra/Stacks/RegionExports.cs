using System.Collections;
using Infra.Components.Dns;
using Infra.Components.Shared;
using Infra.Configuration;

namespace Infra.Stacks;

/// <summary>What a regional stack exports for the global stack (read there through a StackReference), and the checks
/// the global stack makes of them before it writes a record: a region the site cannot route to is refused naming the
/// infra:global key that lists it.</summary>
public sealed record RegionExports(string? Region, string? BalancerDnsName, string? BalancerZoneId, bool? Internal,
    IReadOnlyList<string>? CertificateNames, string? DomainName)
{
    public const string RegionName = "region";
    public const string BalancerDnsNameName = "loadBalancerDnsName";
    public const string BalancerZoneIdName = "loadBalancerZoneId";
    public const string InternalName = "loadBalancerInternal";
    public const string CertificateNamesName = "certificateNames";
    public const string DomainNameName = "loadBalancerDomainName";

    /// <summary>From a stack's outputs as a StackReference (or the plan's JSON) gives them: strings, booleans, lists.</summary>
    public static RegionExports From(IReadOnlyDictionary<string, object?> outputs)
    {
        string? Text(string name) => outputs.GetValueOrDefault(name) as string;
        return new RegionExports(Text(RegionName), Text(BalancerDnsNameName), Text(BalancerZoneIdName),
            outputs.GetValueOrDefault(InternalName) as bool?,
            outputs.GetValueOrDefault(CertificateNamesName) is IEnumerable names and not string ? [.. names.OfType<string>()] : null,
            Text(DomainNameName));
    }

    /// <summary>Every reason the site cannot route to its regions, one problem each, named under infra:global.regions[i].stack.</summary>
    public static IReadOnlyList<Problem> Problems(SiteDnsArgs site, IReadOnlyList<RegionExports> regions)
    {
        var problems = new List<Problem>();
        for (var index = 0; index < site.Regions.Count; index++)
        {
            var stack = site.Regions[index].Stack;
            var exports = regions[index];
            var key = $"{GlobalSettings.Key}.regions[{index}].stack";
            void Refuse(string allowed) => problems.Add(new Problem(key, stack, allowed));
            if (exports.Region is null || exports.BalancerDnsName is null || exports.BalancerZoneId is null)
            {
                Refuse($"exports no {RegionName}, {BalancerDnsNameName} and {BalancerZoneIdName}: deploy it first (pulumi up --stack {stack}) with this project's program");
                continue;
            }

            if (exports.Internal == true)
                Refuse("its balancer is internal (infra:loadBalancer.internal: true): an alias to it cannot be reached from the internet; make it internet-facing");
            if (regions.Take(index).Select((other, earlier) => (other, earlier)).FirstOrDefault(pair => pair.other.Region == exports.Region) is { other: not null } twin)
                Refuse($"is in {exports.Region} like {site.Regions[twin.earlier].Stack}: each region of the site is a different AWS region");
            if (exports.DomainName == site.DomainName)
                Refuse($"already has a simple alias record for {site.DomainName} (infra:loadBalancer.dns.domainName): Route 53 refuses routed records beside it; remove it from {stack}");
            if (exports.CertificateNames is { Count: > 0 } names && !names.Any(name => Covers(name, site.DomainName)))
                Refuse($"its certificate names {string.Join(", ", names)}, not {site.DomainName}: browsers refuse the shared name there; add it to the certificate");
        }

        return problems;
    }

    /// <summary>A certificate name covers a host exactly, or as a wildcard for one label (*.example.com covers www.example.com).</summary>
    public static bool Covers(string certificateName, string host) =>
        string.Equals(certificateName, host, StringComparison.OrdinalIgnoreCase)
        || certificateName.StartsWith("*.", StringComparison.Ordinal) && host.IndexOf('.') is var dot and > 0
            && string.Equals(certificateName[2..], host[(dot + 1)..], StringComparison.OrdinalIgnoreCase);
}

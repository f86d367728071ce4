using System.Text.RegularExpressions;
using Infra.Components.Shared;
using Pulumi;

namespace Infra.Components.Dns;

/// <summary>How Route 53 chooses among the regions' records.</summary>
public enum SiteRouting
{
    /// <summary>The region with the lowest latency to the user.</summary>
    Latency,
    /// <summary>The record whose continent or country holds the user; the default record for everyone else.</summary>
    Geolocation,
    /// <summary>The primary while it is healthy, else the secondary.</summary>
    Failover,
}

/// <summary>Route 53 health checks of each region's balancer, beyond the balancer's own target health.</summary>
public sealed record SiteHealthCheckArgs
{
    public string Path { get; init; } = "/health";

    /// <summary>HTTPS (port 443) or HTTP (port 80).</summary>
    public string Protocol { get; init; } = "HTTPS";

    /// <summary>Route 53 accepts only 10 (fast, billed extra) or 30 seconds.</summary>
    public int IntervalSeconds { get; init; } = 30;

    public int FailureThreshold { get; init; } = 3;
}

/// <summary>One regional stack's place in the site: its routing attributes and what its stack exports.</summary>
public sealed record SiteRegionArgs
{
    /// <summary>The regional stack's name: the records' set identifier.</summary>
    public required string Stack { get; init; }

    /// <summary>Geolocation: a continent code (AF, AN, AS, EU, OC, NA, SA).</summary>
    public string? Continent { get; init; }

    /// <summary>Geolocation: an ISO 3166 alpha-2 country code.</summary>
    public string? Country { get; init; }

    /// <summary>Geolocation: the record for users no location matches (Route 53's country "*").</summary>
    public bool Default { get; init; }

    /// <summary>Failover: true for the primary, false for the secondary; null for other routings.</summary>
    public bool? Primary { get; init; }

    /// <summary>Set by the composition from the regional stack's outputs.</summary>
    public Input<string>? Region { get; init; }
    public Input<string>? BalancerDnsName { get; init; }
    public Input<string>? BalancerZoneId { get; init; }
}

/// <summary>The site's shared name in Route 53: one alias record per region to its balancer.</summary>
public sealed record SiteDnsArgs
{
    public required string DomainName { get; init; }
    public required string ZoneId { get; init; }
    public SiteRouting Routing { get; init; } = SiteRouting.Latency;
    public IReadOnlyList<SiteRegionArgs> Regions { get; init; } = [];

    /// <summary>Null: the records rely on the balancers' target health alone (evaluateTargetHealth).</summary>
    public SiteHealthCheckArgs? HealthCheck { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>What Route 53 would refuse, or what would route no one, named under <paramref name="scope"/>.</summary>
    public IReadOnlyList<Problem> Validate(string scope)
    {
        var checks = new Checks(scope);
        checks.Require(Regex.IsMatch(DomainName, @"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"),
            "domainName", DomainName, "must be a lower-case domain name such as www.example.com");
        checks.Require(Regex.IsMatch(ZoneId, "^Z[A-Z0-9]{1,31}$"), "zoneId", ZoneId, "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ");
        checks.Require(Regions.Count > 0, "regions", null, "list the regional stacks, e.g. [{stack: site-us}, {stack: site-eu}]");
        foreach (var (region, index) in Regions.Select((region, index) => (region, index)))
        {
            var at = $"regions[{index}]";
            if (Regions.Take(index).Any(earlier => earlier.Stack == region.Stack))
                checks.Add($"{at}.stack", region.Stack, "is listed twice; each regional stack gets one record");
            ValidateRouting(checks, region, at);
        }

        // A failover pair is one PRIMARY and one SECONDARY record of the same name and type.
        if (Routing == SiteRouting.Failover && Regions.Count != 2)
            checks.Add("regions", Regions.Count + " regions", "failover routing takes exactly two regions, a primary and a secondary");
        if (Routing == SiteRouting.Failover && Regions.Count(region => region.Primary == true) != 1)
            checks.Add("regions", Regions.Count(region => region.Primary == true) + " primary",
                "failover needs exactly one region with failover: primary (and the other with failover: secondary)");
        if (Routing == SiteRouting.Geolocation && !Regions.Any(region => region.Default))
            checks.Add("regions", null,
                "geolocation needs one region with default: true, or users whose location no record names get no answer");
        return checks.Problems;
    }

    void ValidateRouting(Checks checks, SiteRegionArgs region, string at)
    {
        var geo = region.Continent is not null || region.Country is not null || region.Default;
        switch (Routing)
        {
            case SiteRouting.Geolocation:
                // Route 53 takes one location per record: a continent, a country, or the default.
                var locations = new[] { region.Continent is not null, region.Country is not null, region.Default }.Count(given => given);
                if (locations != 1)
                    checks.Add(at, region.Stack, "geolocation: give exactly one of continent, country or default: true");
                if (Regions.TakeWhile(other => other != region).Any(other =>
                        other.Continent == region.Continent && other.Country == region.Country && other.Default == region.Default))
                    checks.Add(at, region.Stack, "geolocation: another region already serves this location");
                break;
            case SiteRouting.Failover:
                if (region.Primary is null)
                    checks.Add($"{at}.failover", null, "failover routing: set primary or secondary");
                break;
        }

        if (Routing != SiteRouting.Geolocation && geo)
            checks.Add(at, region.Stack, $"continent, country and default apply to geolocation routing only (routing is {Routing.ToString().ToLowerInvariant()})");
        if (Routing != SiteRouting.Failover && region.Primary is not null)
            checks.Add($"{at}.failover", region.Primary == true ? "primary" : "secondary",
                $"applies to failover routing only (routing is {Routing.ToString().ToLowerInvariant()})");
    }
}

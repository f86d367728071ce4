using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Dns;

/// <summary>The shared name of a site in several regions: per region an alias A record to its balancer with the
/// routing policy, the set identifier Route 53 requires of routed records, evaluateTargetHealth (a region whose
/// targets are all unhealthy drops out) and optionally a Route 53 health check of its own.</summary>
public sealed class SiteDns : ComponentResource
{
    public const string Type = "infra:dns:SiteDns";

    [Output] public Output<string> DomainName { get; }

    public SiteDns(string name, SiteDnsArgs args, ComponentResourceOptions? options = null, string? scope = null)
        : base(Type, name, Checks.Valid(options, args.Validate(scope ?? name)))
    {
        var child = new CustomResourceOptions { Parent = this };
        foreach (var region in args.Regions)
        {
            var recordName = $"{name}-{region.Stack}";
            var health = args.HealthCheck is { } check ? HealthCheck(recordName, region, check, args.Tags, child) : null;
            var record = new Aws.Route53.RecordArgs
            {
                ZoneId = args.ZoneId,
                Name = args.DomainName,
                Type = "A",
                SetIdentifier = region.Stack,
                Aliases =
                {
                    new Aws.Route53.Inputs.RecordAliasArgs
                    {
                        Name = region.BalancerDnsName ?? throw new ArgumentException($"region {region.Stack} has no balancer DNS name"),
                        ZoneId = region.BalancerZoneId ?? throw new ArgumentException($"region {region.Stack} has no balancer zone id"),
                        EvaluateTargetHealth = true,
                    },
                },
            };
            if (health is not null)
                record.HealthCheckId = health.Id;
            switch (args.Routing)
            {
                case SiteRouting.Latency:
                    record.LatencyRoutingPolicies.Add(new Aws.Route53.Inputs.RecordLatencyRoutingPolicyArgs
                    {
                        Region = region.Region ?? throw new ArgumentException($"region {region.Stack} has no AWS region"),
                    });
                    break;
                case SiteRouting.Geolocation:
                    var location = new Aws.Route53.Inputs.RecordGeolocationRoutingPolicyArgs();
                    if (region.Default)
                        location.Country = "*";   // Route 53's default location
                    else if (region.Country is { } country)
                        location.Country = country;
                    else if (region.Continent is { } continent)
                        location.Continent = continent;
                    record.GeolocationRoutingPolicies.Add(location);
                    break;
                case SiteRouting.Failover:
                    record.FailoverRoutingPolicies.Add(new Aws.Route53.Inputs.RecordFailoverRoutingPolicyArgs
                    {
                        Type = region.Primary == true ? "PRIMARY" : "SECONDARY",
                    });
                    break;
            }

            new Aws.Route53.Record(recordName, record, child);
        }

        DomainName = Output.Create(args.DomainName);
        RegisterOutputs();
    }

    /// <summary>Route 53 checkers in several locations request the balancer's own name; the record follows it. With SNI the
    /// balancer may answer with a certificate for the shared name only: Route 53 then retries the handshake without
    /// the name (Route 53 API, HealthCheckConfig EnableSNI), so the check still completes.</summary>
    static Aws.Route53.HealthCheck HealthCheck(string name, SiteRegionArgs region, SiteHealthCheckArgs check,
        IReadOnlyDictionary<string, string> tags, CustomResourceOptions child)
    {
        var https = check.Protocol == "HTTPS";
        return new Aws.Route53.HealthCheck(name, new Aws.Route53.HealthCheckArgs
        {
            Type = check.Protocol,
            Fqdn = region.BalancerDnsName!,
            Port = https ? 443 : 80,
            ResourcePath = check.Path,
            RequestInterval = check.IntervalSeconds,
            FailureThreshold = check.FailureThreshold,
            EnableSni = https,
            Tags = Tagging.Named(tags, name),
        }, child);
    }
}

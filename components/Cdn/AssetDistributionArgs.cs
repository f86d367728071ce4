using System.Text.RegularExpressions;
using Infra.Components.Shared;

namespace Infra.Components.Cdn;

/// <summary>Host names for the assets: a list, or assets0..N-1.&lt;domain&gt; as in the seeds.</summary>
public sealed record AssetHostsArgs
{
    public IReadOnlyList<string>? Aliases { get; init; }
    public int? Count { get; init; }
    public string? Domain { get; init; }

    /// <summary>An ACM certificate in us-east-1 covering the aliases; or give a zone to have one made.</summary>
    public string? CertificateArn { get; init; }

    /// <summary>Route 53 zone for DNS validation of a new certificate and for the alias records.</summary>
    public string? HostedZoneId { get; init; }

    public bool CreateRecords { get; init; } = true;

    internal IReadOnlyList<string> Names =>
        Aliases ?? (Count is { } count && Domain is { } domain ? [.. Enumerable.Range(0, count).Select(i => $"assets{i}.{domain}")] : []);
}

public sealed record GeoRestrictionArgs(string Type, IReadOnlyList<string> Locations);

public sealed record CdnLoggingArgs(string BucketDomainName, string Prefix = "cdn/");

public sealed record UploadArgs
{
    public required string Folder { get; init; }

    /// <summary>Glob patterns (relative paths or file names, * and **) of files to leave out.</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];
}

public sealed record AssetDistributionArgs
{
    public static readonly IReadOnlyList<string> PriceClasses = ["PriceClass_100", "PriceClass_200", "PriceClass_All"];

    public string? KmsKeyArn { get; init; }
    public bool Versioning { get; init; }
    public int NoncurrentVersionDays { get; init; } = 30;
    public bool Protect { get; init; }
    public string PriceClass { get; init; } = "PriceClass_100";
    public bool SecurityHeaders { get; init; } = true;

    /// <summary>S3 server access logs of the asset bucket, to a log bucket of their own (kept 90 days).</summary>
    public bool AccessLogs { get; init; } = true;
    public string? WebAclArn { get; init; }
    public CdnLoggingArgs? Logging { get; init; }
    public string? DefaultRootObject { get; init; }
    public GeoRestrictionArgs? GeoRestriction { get; init; }
    public AssetHostsArgs? Hosts { get; init; }
    public UploadArgs? Upload { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<Problem> Validate(string scope = "assets")
    {
        var checks = new Checks(scope);
        checks.OneOf("priceClass", PriceClass, [.. PriceClasses]);
        checks.InRange("noncurrentVersionDays", NoncurrentVersionDays, 1, 3650);
        if (KmsKeyArn is { } kms)
            checks.Require(Regex.IsMatch(kms, @"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)/.+$"), "kmsKeyArn", kms, "must be a KMS key or alias ARN");
        if (WebAclArn is { } acl)
            checks.Require(Regex.IsMatch(acl, @"^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global/webacl/.+$"), "webAclArn", acl,
                "must be a WAFv2 web ACL ARN with CLOUDFRONT scope (arn:aws:wafv2:us-east-1:...:global/webacl/...)");
        if (DefaultRootObject is { } root)
            checks.Require(root.Length > 0 && !root.StartsWith('/'), "defaultRootObject", root, "must be an object key without a leading slash, e.g. index.html");
        if (Logging is { } logging)
            checks.Require(logging.BucketDomainName.EndsWith(".s3.amazonaws.com", StringComparison.Ordinal), "logging.bucketDomainName",
                logging.BucketDomainName, "must be a bucket domain name such as logs.s3.amazonaws.com");
        if (GeoRestriction is { } geo)
        {
            checks.OneOf("geoRestriction.type", geo.Type, ["whitelist", "blacklist"]);
            foreach (var (location, index) in geo.Locations.Select((location, index) => (location, index)).Where(pair => !Regex.IsMatch(pair.location, "^[A-Z]{2}$")))
                checks.Add($"geoRestriction.locations[{index}]", location, "must be ISO 3166-1 alpha-2 country codes such as US or DE");
            checks.Require(geo.Locations.Count > 0, "geoRestriction.locations", geo.Locations, "needs at least one country");
        }

        if (Hosts is { } hosts)
            ValidateHosts(checks.Scoped("hosts"), hosts);
        if (Upload is { } upload)
            checks.Require(Directory.Exists(upload.Folder), "upload.folder", upload.Folder,
                $"folder not found (looked for {Path.GetFullPath(upload.Folder)})");
        return checks.Problems;
    }

    static void ValidateHosts(Checks checks, AssetHostsArgs hosts)
    {
        if (hosts.Aliases is not null && hosts.Count is not null)
            checks.Add("count", hosts.Count, "give either aliases or a count, not both");
        if (hosts.Count is { } count)
        {
            checks.InRange("count", count, 1, 10);
            checks.Require(hosts.Domain is not null, "domain", null, $"a count of {count} makes assets0..{count - 1}.<domain>: set domain");
        }

        foreach (var name in hosts.Names.Where(name => !Regex.IsMatch(name, @"^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")))
            checks.Add("aliases", name, "must be lower-case host names such as assets0.example.com");
        if (hosts.Domain is { } domain && !Regex.IsMatch(domain, @"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"))
            checks.Add("domain", domain, "must be a lower-case domain such as example.com");
        if (hosts.HostedZoneId is { } zone)
            checks.Require(Regex.IsMatch(zone, "^Z[A-Z0-9]{1,32}$"), "hostedZoneId", zone, "must be a Route 53 hosted zone id");

        if (hosts.CertificateArn is { } arn)
        {
            if (CertificateArns.AcmRegion(arn) is not { } region)
                checks.Add("certificateArn", arn, "must be an ACM certificate ARN");
            else
                checks.Require(region == "us-east-1", "certificateArn", arn,
                    $"CloudFront only uses certificates from us-east-1; this one is in {region}");
        }
        else if (hosts.Names.Count > 0 && hosts.HostedZoneId is null)
            checks.Add("certificateArn", null, "aliases need a certificate: an ACM ARN in us-east-1, or hostedZoneId to create one");
        if (hosts.Names.Count == 0)
            checks.Add("aliases", null, "give aliases, or a count and a domain");
    }
}

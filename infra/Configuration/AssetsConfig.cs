using Infra.Components.Cdn;

namespace Infra.Configuration;

/// <summary>infra:assets. Defaults: dev PriceClass_100, unversioned; prod PriceClass_All, versioned and protected.</summary>
public static class AssetsConfig
{
    public static AssetDistributionArgs Read(Section section, EnvironmentKind environment, Func<string, string> resolvePath,
        IReadOnlyDictionary<string, string> tags)
    {
        var prod = environment == EnvironmentKind.Prod;
        var hosts = section.Object("hosts");
        var upload = section.Object("upload");
        var geo = section.Object("geoRestriction");
        return new AssetDistributionArgs
        {
            Versioning = section.Bool("versioning", prod),
            Protect = section.Bool("protect", prod),
            NoncurrentVersionDays = section.Int("noncurrentVersionDays", 30),
            KmsKeyArn = section.OptionalString("kmsKeyArn"),
            PriceClass = section.String("priceClass", prod ? "PriceClass_All" : "PriceClass_100"),
            SecurityHeaders = section.Bool("securityHeaders", true),
            AccessLogs = section.Bool("accessLogs", true),
            WebAclArn = section.OptionalString("webAclArn"),
            DefaultRootObject = section.OptionalString("defaultRootObject"),
            GeoRestriction = geo is null ? null : new GeoRestrictionArgs(geo.String("type", ""), geo.Strings("locations") ?? []),
            Hosts = hosts is null ? null : new AssetHostsArgs
            {
                Aliases = hosts.Strings("aliases"),
                Count = hosts.OptionalInt("count"),
                Domain = hosts.OptionalString("domain"),
                CertificateArn = hosts.OptionalString("certificateArn"),
                HostedZoneId = hosts.OptionalString("hostedZoneId"),
                CreateRecords = hosts.Bool("createRecords", true),
            },
            Upload = upload is null ? null : new UploadArgs
            {
                Folder = resolvePath(upload.String("folder", "public")),
                Ignore = upload.Strings("ignore") ?? [],
            },
            Tags = tags,
        };
    }
}

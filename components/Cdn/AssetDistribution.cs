using System.Collections.Immutable;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;
using Random = Pulumi.Random;

namespace Infra.Components.Cdn;

/// <summary>Static assets on CloudFront from a private S3 bucket that only this distribution can read
/// (Origin Access Control), HTTPS only, compressed, optionally under several asset host names, with the
/// contents of a local folder uploaded with the right headers.</summary>
public sealed class AssetDistribution : ComponentResource
{
    public const string Type = "infra:cdn:AssetDistribution";
    const string OriginId = "assets-bucket";

    [Output] public Output<string> BucketName { get; }
    [Output] public Output<string> BucketArn { get; }
    [Output] public Output<string> DistributionId { get; }
    [Output] public Output<string> DistributionArn { get; }
    [Output] public Output<string> DomainName { get; }

    /// <summary>The host names the application should use for assets: the aliases, else the CloudFront domain.</summary>
    [Output] public Output<ImmutableArray<string>> AssetHosts { get; }

    [Output] public Output<int> ObjectCount { get; }

    public AssetDistribution(string name, AssetDistributionArgs args, ComponentResourceOptions? options = null, string scope = "assets")
        : base(Type, name, Checks.Valid(options, args.Validate(scope)))
    {
        var tags = args.Tags;
        var child = new CustomResourceOptions { Parent = this };
        var files = args.Upload is { } upload ? AssetFiles.Scan(upload.Folder, upload.Ignore) : [];

        var suffix = new Random.RandomId($"{name}-suffix", new Random.RandomIdArgs { ByteLength = 4 }, child);
        var store = new PrivateBucket($"{name}-bucket", new PrivateBucketArgs
        {
            NamePrefix = Output.Format($"{name}-{suffix.Hex}-"),
            KmsKeyArn = args.KmsKeyArn,
            Versioning = args.Versioning,
            NoncurrentVersionDays = args.NoncurrentVersionDays,
            ForceDestroy = !args.Protect,
            Protect = args.Protect,
            Tags = tags,
        }, this);
        var bucket = store.Bucket;
        var logs = args.AccessLogs ? AccessLogs(name, store, args) : default;

        var accessControl = new Aws.CloudFront.OriginAccessControl($"{name}-oac", new Aws.CloudFront.OriginAccessControlArgs
        {
            Name = Output.Format($"{name}-{suffix.Hex}"),
            Description = $"CloudFront reads the {name} bucket with signed requests",
            OriginAccessControlOriginType = "s3",
            SigningBehavior = "always",
            SigningProtocol = "sigv4",
        }, child);

        var invoke = new InvokeOptions { Parent = this };
        var cachePolicyId = Aws.CloudFront.GetCachePolicy.Invoke(
            new Aws.CloudFront.GetCachePolicyInvokeArgs { Name = "Managed-CachingOptimized" }, invoke).Apply(policy => policy.Id!);
        var headersPolicyId = args.SecurityHeaders
            ? Aws.CloudFront.GetResponseHeadersPolicy.Invoke(
                new Aws.CloudFront.GetResponseHeadersPolicyInvokeArgs { Name = "Managed-SecurityHeadersPolicy" }, invoke).Apply(policy => policy.Id)
            : null;

        var hosts = args.Hosts?.Names ?? [];
        var certificateArn = hosts.Count == 0 ? null : Certificate(name, args.Hosts!, hosts, tags);

        var distribution = new Aws.CloudFront.Distribution(name, new Aws.CloudFront.DistributionArgs
        {
            Enabled = true,
            IsIpv6Enabled = true,
            HttpVersion = "http2and3",
            Comment = $"{name} assets",
            DefaultRootObject = args.DefaultRootObject!,
            PriceClass = args.PriceClass,
            WebAclId = args.WebAclArn!,
            Aliases = hosts.ToArray(),
            Origins =
            {
                new Aws.CloudFront.Inputs.DistributionOriginArgs
                {
                    DomainName = bucket.BucketRegionalDomainName,
                    OriginId = OriginId,
                    OriginAccessControlId = accessControl.Id,
                },
            },
            DefaultCacheBehavior = new Aws.CloudFront.Inputs.DistributionDefaultCacheBehaviorArgs
            {
                TargetOriginId = OriginId,
                ViewerProtocolPolicy = "redirect-to-https",
                AllowedMethods = { "GET", "HEAD" },
                CachedMethods = { "GET", "HEAD" },
                Compress = true,
                CachePolicyId = cachePolicyId,
                ResponseHeadersPolicyId = headersPolicyId is null ? null : (Input<string>)headersPolicyId,
            },
            Restrictions = new Aws.CloudFront.Inputs.DistributionRestrictionsArgs
            {
                GeoRestriction = new Aws.CloudFront.Inputs.DistributionRestrictionsGeoRestrictionArgs
                {
                    RestrictionType = args.GeoRestriction?.Type ?? "none",
                    Locations = (args.GeoRestriction?.Locations ?? []).ToArray(),
                },
            },
            ViewerCertificate = certificateArn is null
                ? new Aws.CloudFront.Inputs.DistributionViewerCertificateArgs { CloudfrontDefaultCertificate = true }
                : new Aws.CloudFront.Inputs.DistributionViewerCertificateArgs
                {
                    AcmCertificateArn = certificateArn,
                    SslSupportMethod = "sni-only",
                    MinimumProtocolVersion = "TLSv1.2_2021",
                },
            LoggingConfig = args.Logging is { } logging
                ? (Input<Aws.CloudFront.Inputs.DistributionLoggingConfigArgs>)new Aws.CloudFront.Inputs.DistributionLoggingConfigArgs { Bucket = logging.BucketDomainName, Prefix = logging.Prefix, IncludeCookies = false }
                : null,
            Tags = Tagging.Named(tags, name),
        }, child);

        store.Allow(new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
        {
            Sid = "AllowThisDistributionToRead",
            Actions = { "s3:GetObject" },
            Resources = { Output.Format($"{bucket.Arn}/*") },
            Principals =
            {
                new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "Service", Identifiers = { "cloudfront.amazonaws.com" } },
            },
            Conditions =
            {
                new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs
                {
                    Test = "StringEquals", Variable = "AWS:SourceArn", Values = { distribution.Arn },
                },
            },
        });

        if (args.Hosts is { HostedZoneId: { } zone, CreateRecords: true })
            foreach (var host in hosts)
                foreach (var recordType in new[] { "A", "AAAA" })
                    new Aws.Route53.Record($"{name}-{host}-{recordType.ToLowerInvariant()}", new Aws.Route53.RecordArgs
                    {
                        ZoneId = zone,
                        Name = host,
                        Type = recordType,
                        Aliases =
                        {
                            new Aws.Route53.Inputs.RecordAliasArgs
                            {
                                Name = distribution.DomainName, ZoneId = distribution.HostedZoneId, EvaluateTargetHealth = false,
                            },
                        },
                    }, child);

        if (logs.Bucket is not null)
            CloudFrontLogs(name, distribution, logs.Bucket, logs.Policy!, tags);

        foreach (var file in files)
            new Aws.S3.BucketObjectv2($"{name}/{file.Key}", new Aws.S3.BucketObjectv2Args
            {
                Bucket = bucket.Id,
                Key = file.Key,
                Source = new FileAsset(file.Path),
                ContentType = file.ContentType,
                CacheControl = file.CacheControl,
                SourceHash = file.Sha256,
                Tags = Tagging.ForObjects(tags),
            }, child);

        BucketName = bucket.Id;
        BucketArn = bucket.Arn;
        DistributionId = distribution.Id;
        DistributionArn = distribution.Arn;
        DomainName = distribution.DomainName;
        AssetHosts = hosts.Count > 0 ? Output.Create(hosts.ToImmutableArray()) : distribution.DomainName.Apply(domain => ImmutableArray.Create(domain));
        ObjectCount = Output.Create(files.Count);
        RegisterOutputs();
    }

    /// <summary>The existing us-east-1 certificate, or a new DNS-validated one made through an explicit
    /// us-east-1 provider (CloudFront reads certificates only from there).</summary>
    Output<string> Certificate(string name, AssetHostsArgs hostsArgs, IReadOnlyList<string> hosts, IReadOnlyDictionary<string, string> tags)
    {
        if (hostsArgs.CertificateArn is { } arn)
            return Output.Create(arn);
        var inUsEast1 = InUsEast1(name);
        var certificate = new Aws.Acm.Certificate($"{name}-certificate", new Aws.Acm.CertificateArgs
        {
            DomainName = hosts[0],
            SubjectAlternativeNames = hosts.Skip(1).ToArray(),
            ValidationMethod = "DNS",
            Tags = Tagging.Named(tags, $"{name}-certificate"),
        }, inUsEast1);
        var fqdns = hosts.Select(host =>
        {
            var option = certificate.DomainValidationOptions.Apply(options => options.First(o => o.DomainName == host));
            // ACM fills the record of every name validated by DNS; the fields are optional in the provider's schema.
            Output<string> Record(Func<Aws.Acm.Outputs.CertificateDomainValidationOption, string?> field) =>
                option.Apply(o => field(o) ?? throw new InvalidOperationException($"ACM returned no DNS validation record for {host}"));
            return new Aws.Route53.Record($"{name}-validation-{host}", new Aws.Route53.RecordArgs
            {
                ZoneId = hostsArgs.HostedZoneId!,
                Name = Record(o => o.ResourceRecordName),
                Type = Record(o => o.ResourceRecordType),
                Records = { Record(o => o.ResourceRecordValue) },
                Ttl = 300,
                AllowOverwrite = true,
            }, new CustomResourceOptions { Parent = this }).Fqdn;
        }).ToArray();
        return new Aws.Acm.CertificateValidation($"{name}-certificate", new Aws.Acm.CertificateValidationArgs
        {
            CertificateArn = certificate.Arn,
            ValidationRecordFqdns = fqdns,
        }, inUsEast1).CertificateArn;
    }

    Aws.Provider? _usEast1;

    /// <summary>CloudFront's certificates and log delivery live in us-east-1: one explicit provider for both.</summary>
    CustomResourceOptions InUsEast1(string name)
    {
        _usEast1 ??= new Aws.Provider($"{name}-us-east-1", new Aws.ProviderArgs { Region = "us-east-1" }, new CustomResourceOptions { Parent = this });
        return new CustomResourceOptions { Parent = this, Provider = _usEast1 };
    }

    /// <summary>The request logs of the bucket (S3 server access logs, under s3/) and of the distribution (CloudFront
    /// standard logs v2 through CloudWatch log delivery, under AWSLogs/), in a bucket that itself logs nowhere; only
    /// those two log services, for this account, may write to it.</summary>
    (PrivateBucket? Bucket, Aws.S3.BucketPolicy? Policy) AccessLogs(string name, PrivateBucket store, AssetDistributionArgs args)
    {
        var logs = new PrivateBucket($"{name}-access-logs", new PrivateBucketArgs
        {
            NamePrefix = $"{name}-access-logs-",
            Versioning = true,
            ExpireAfterDays = 90,
            ForceDestroy = !args.Protect,
            Tags = args.Tags,
        }, this);
        var account = Policies.Account(this);
        var sameAccount = new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs { Test = "StringEquals", Variable = "aws:SourceAccount", Values = { account } };
        var policy = logs.Allow(
            new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
            {
                Sid = "AllowS3ServerAccessLogs",
                Actions = { "s3:PutObject" },
                Resources = { Output.Format($"{logs.Bucket.Arn}/s3/*") },
                Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "Service", Identifiers = { "logging.s3.amazonaws.com" } } },
                Conditions =
                {
                    new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs { Test = "ArnLike", Variable = "aws:SourceArn", Values = { store.Bucket.Arn } },
                    sameAccount,
                },
            },
            new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
            {
                Sid = "AllowCloudFrontLogDelivery",
                Actions = { "s3:PutObject" },
                Resources = { Output.Format($"{logs.Bucket.Arn}/AWSLogs/{account}/*") },
                Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "Service", Identifiers = { "delivery.logs.amazonaws.com" } } },
                Conditions =
                {
                    sameAccount,
                    new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs
                    {
                        Test = "ArnLike", Variable = "aws:SourceArn", Values = { Output.Format($"arn:aws:logs:us-east-1:{account}:delivery-source:*") },
                    },
                },
            });
        new Aws.S3.BucketLogging($"{name}-access-logs", new Aws.S3.BucketLoggingArgs
        {
            Bucket = store.Bucket.Id,
            TargetBucket = logs.Bucket.Id,
            TargetPrefix = "s3/",
        }, new CustomResourceOptions { Parent = this, DependsOn = { policy } });
        return (logs, policy);
    }

    /// <summary>CloudFront standard logs (v2): a delivery source for the distribution, the log bucket as destination,
    /// and the delivery between them, all in us-east-1 where CloudFront's logs originate.</summary>
    void CloudFrontLogs(string name, Aws.CloudFront.Distribution distribution, PrivateBucket logs, Aws.S3.BucketPolicy policy,
        IReadOnlyDictionary<string, string> tags)
    {
        var inUsEast1 = InUsEast1(name);
        var source = new Aws.CloudWatch.LogDeliverySource($"{name}-cloudfront", new Aws.CloudWatch.LogDeliverySourceArgs
        {
            Name = Output.Format($"{name}-cloudfront-{distribution.Id}"),
            LogType = "ACCESS_LOGS",
            ResourceArn = distribution.Arn,
            Tags = Tagging.Named(tags, $"{name}-cloudfront"),
        }, inUsEast1);
        var destination = new Aws.CloudWatch.LogDeliveryDestination($"{name}-cloudfront", new Aws.CloudWatch.LogDeliveryDestinationArgs
        {
            Name = Output.Format($"{name}-cloudfront-{distribution.Id}"),
            OutputFormat = "json",
            DeliveryDestinationConfiguration = new Aws.CloudWatch.Inputs.LogDeliveryDestinationDeliveryDestinationConfigurationArgs
            {
                DestinationResourceArn = logs.Bucket.Arn,
            },
            Tags = Tagging.Named(tags, $"{name}-cloudfront"),
        }, inUsEast1);
        new Aws.CloudWatch.LogDelivery($"{name}-cloudfront", new Aws.CloudWatch.LogDeliveryArgs
        {
            DeliverySourceName = source.Name,
            DeliveryDestinationArn = destination.Arn,
            Tags = Tagging.Named(tags, $"{name}-cloudfront"),
        }, CustomResourceOptions.Merge(inUsEast1, new CustomResourceOptions { DependsOn = { policy } }));
    }
}

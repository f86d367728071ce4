using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.LoadBalancing;

/// <summary>What the three balancers share: the certificate (an ARN, or the PEM pair uploaded to IAM), the access-log
/// bucket, and the DNS alias.</summary>
internal static class BalancerParts
{
    /// <summary>The ARN for TLS listeners: the given one, or the uploaded certificate's; null without a certificate.</summary>
    public static Output<string>? CertificateArn(string name, WebLoadBalancerArgs args, CustomResourceOptions child) => args.Certificate switch
    {
        { Arn: { } arn } => Output.Create(arn),
        { Body: { } body, PrivateKey: { } key } => UploadCertificate(name, body, key, args.Certificate.Chain, args.Tags, child).Arn,
        _ => null,
    };

    static Aws.Iam.ServerCertificate UploadCertificate(string name, PemSource body, PemSource key, PemSource? chain,
        IReadOnlyDictionary<string, string> tags, CustomResourceOptions options)
    {
        var certificateArgs = new Aws.Iam.ServerCertificateArgs
        {
            NamePrefix = $"{name}-",
            CertificateBody = Output.CreateSecret(body.Pem),
            PrivateKey = Output.CreateSecret(key.Pem),
            Tags = Tagging.Named(tags, name),
        };
        if (chain is not null)
            certificateArgs.CertificateChain = Output.CreateSecret(chain.Pem);
        return new Aws.Iam.ServerCertificate(name, certificateArgs, options);
    }

    /// <summary>A private bucket that only the balancer type's log writer may write to, under
    /// &lt;prefix&gt;/AWSLogs/&lt;account&gt;/, with the bucket policy AWS documents for that type (<see cref="LogDelivery"/>).</summary>
    public static (Aws.S3.Bucket Bucket, InputList<Resource> Ready) AccessLogs(ComponentResource parent, string name, AccessLogArgs logs, WebLoadBalancerArgs args)
    {
        var store = new PrivateBucket($"{name}-logs", new PrivateBucketArgs
        {
            NamePrefix = $"{name}-logs-",
            ExpireAfterDays = logs.RetentionDays,
            // Versions keep an overwritten or deleted log until the lifecycle expires it.
            Versioning = true,
            ForceDestroy = !args.DeletionProtection,
            Tags = args.Tags,
        }, parent);
        var account = Policies.Account(parent);
        var region = Policies.Region(parent);
        var logFiles = Output.Format($"{store.Bucket.Arn}/{args.AccessLogPrefix}/AWSLogs/{account}/*");
        var policy = args.Type == LoadBalancerType.Network
            ? store.Allow(LogDelivery.NetworkGrants(store.Bucket.Arn, logFiles, account, region, Policies.Partition(parent)))
            : store.Allow(LogDelivery.ElbGrant(logFiles, region));
        return (store.Bucket, new InputList<Resource> { policy, store.Ownership });
    }

    /// <summary>An alias A (and AAAA for dual stack) record for the balancer: never a fixed address.</summary>
    public static void Alias(string name, DnsArgs dns, bool ipv6, Output<string> dnsName, Output<string> zoneId, CustomResourceOptions child)
    {
        foreach (var recordType in ipv6 ? new[] { "A", "AAAA" } : ["A"])
            new Aws.Route53.Record($"{name}-{recordType.ToLowerInvariant()}", new Aws.Route53.RecordArgs
            {
                ZoneId = dns.ZoneId,
                Name = dns.DomainName,
                Type = recordType,
                Aliases =
                {
                    new Aws.Route53.Inputs.RecordAliasArgs { Name = dnsName, ZoneId = zoneId, EvaluateTargetHealth = true },
                },
            }, child);
    }
}

/// <summary>Who writes a balancer's access logs, and the bucket policy AWS documents for each type.
/// Application and classic: the region's Elastic Load Balancing account in regions opened before August 2022, the
/// logdelivery.elasticloadbalancing.amazonaws.com service principal in newer ones, s3:PutObject under the prefix
/// ("Enable access logs for your Application Load Balancer", Step 2: Attach a policy to your S3 bucket,
/// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html; the classic
/// balancer's guide gives the same policy). Network: delivery.logs.amazonaws.com with s3:GetBucketAcl on the bucket
/// and s3:PutObject (bucket-owner-full-control) under the prefix, both limited to the account and its log deliveries
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html).</summary>
public static class LogDelivery
{
    public const string NetworkService = "delivery.logs.amazonaws.com";
    public const string ElbService = "logdelivery.elasticloadbalancing.amazonaws.com";

    static readonly IReadOnlyDictionary<string, string> LegacyAccounts = new Dictionary<string, string>
    {
        ["us-east-1"] = "127311923021", ["us-east-2"] = "033677994240", ["us-west-1"] = "027434742980",
        ["us-west-2"] = "797873946194", ["af-south-1"] = "098369216593", ["ap-east-1"] = "754344448648",
        ["ap-southeast-3"] = "589379963580", ["ap-south-1"] = "718504428378", ["ap-northeast-3"] = "383597477331",
        ["ap-northeast-2"] = "600734575887", ["ap-southeast-1"] = "114774131450", ["ap-southeast-2"] = "783225319266",
        ["ap-northeast-1"] = "582318560864", ["ca-central-1"] = "985666609251", ["eu-central-1"] = "054676820928",
        ["eu-west-1"] = "156460612806", ["eu-west-2"] = "652711504416", ["eu-south-1"] = "635631232127",
        ["eu-west-3"] = "009996457667", ["eu-north-1"] = "897822967062", ["me-south-1"] = "076674570225",
        ["sa-east-1"] = "507241528517", ["us-gov-west-1"] = "048591011584", ["us-gov-east-1"] = "190560391635",
    };

    /// <summary>The principal that writes application and classic balancer logs in a region.</summary>
    public static (string Type, string Identifier) ElbPrincipal(string region) =>
        LegacyAccounts.TryGetValue(region, out var account)
            ? ("AWS", $"arn:{(region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov" : "aws")}:iam::{account}:root")
            : ("Service", ElbService);

    internal static Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs ElbGrant(Output<string> logs, Output<string> region)
    {
        var principal = region.Apply(ElbPrincipal);
        return new()
        {
            Sid = "AllowElbLogDelivery",
            Actions = { "s3:PutObject" },
            Resources = { logs },
            Principals =
            {
                new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs
                {
                    Type = principal.Apply(p => p.Type), Identifiers = { principal.Apply(p => p.Identifier) },
                },
            },
        };
    }

    internal static Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs[] NetworkGrants(Output<string> bucketArn, Output<string> logs,
        Output<string> account, Output<string> region, Output<string> partition)
    {
        Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs Grant(string sid, string action, Output<string> resource) => new()
        {
            Sid = sid,
            Actions = { action },
            Resources = { resource },
            Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "Service", Identifiers = { NetworkService } } },
            Conditions =
            {
                new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs { Test = "StringEquals", Variable = "aws:SourceAccount", Values = { account } },
                new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs
                {
                    Test = "ArnLike", Variable = "aws:SourceArn", Values = { Output.Format($"arn:{partition}:logs:{region}:{account}:*") },
                },
            },
        };

        var write = Grant("AWSLogDeliveryWrite", "s3:PutObject", logs);
        write.Conditions.Add(new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs
        {
            Test = "StringEquals", Variable = "s3:x-amz-acl", Values = { "bucket-owner-full-control" },
        });
        return [Grant("AWSLogDeliveryAclCheck", "s3:GetBucketAcl", bucketArn), write];
    }
}

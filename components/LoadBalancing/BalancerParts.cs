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

    /// <summary>A private bucket that only the regional ELB log-delivery principal may write to.</summary>
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
        var invoke = new InvokeOptions { Parent = parent };
        var region = Aws.GetRegion.Invoke(null, invoke).Apply(result => result.Region);
        var account = Aws.GetCallerIdentity.Invoke(null, invoke).Apply(result => result.AccountId);
        var principal = region.Apply(ElbLogDelivery.PrincipalFor);
        var policy = store.Allow(new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
        {
            Sid = "AllowElbLogDelivery",
            Actions = { "s3:PutObject" },
            Resources = { Output.Format($"{store.Bucket.Arn}/{logs.Prefix}/AWSLogs/{account}/*") },
            Principals =
            {
                new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs
                {
                    Type = principal.Apply(p => p.Type), Identifiers = { principal.Apply(p => p.Identifier) },
                },
            },
        });
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

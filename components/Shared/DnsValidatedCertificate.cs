using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Shared;

/// <summary>ACM certificates for host names, validated through CNAME records in a Route 53 zone. The ARNs are those of
/// the validations, so whatever uses them (listeners, distributions) waits until ACM has issued the certificates.</summary>
public static class DnsValidatedCertificate
{
    /// <summary>ACM's default quota of names per certificate (domain name plus subject alternative names).</summary>
    public const int NamesPerCertificate = 10;

    /// <summary>One certificate per ten names, in order: the first is the default, the others go to listeners as
    /// further certificates served by SNI.</summary>
    /// <param name="certificateOptions">Parent and provider of the certificates (CloudFront's live in us-east-1).</param>
    public static IReadOnlyList<Output<string>> Issue(Resource parent, string name, IReadOnlyList<string> hosts, Input<string> zoneId,
        IReadOnlyDictionary<string, string> tags, CustomResourceOptions certificateOptions)
    {
        var records = new Dictionary<string, Output<string>>();
        return [.. hosts.Chunk(NamesPerCertificate).Select((names, index) =>
            IssueOne(parent, name, index == 0 ? $"{name}-certificate" : $"{name}-certificate-{index + 1}", names, zoneId, tags, certificateOptions, records))];
    }

    /// <param name="records">The validation records made so far, by the name they validate: a record is made once.</param>
    static Output<string> IssueOne(Resource parent, string name, string certificateName, IReadOnlyList<string> hosts, Input<string> zoneId,
        IReadOnlyDictionary<string, string> tags, CustomResourceOptions certificateOptions, Dictionary<string, Output<string>> records)
    {
        var certificate = new Aws.Acm.Certificate(certificateName, new Aws.Acm.CertificateArgs
        {
            DomainName = hosts[0],
            SubjectAlternativeNames = hosts.Skip(1).ToArray(),
            ValidationMethod = "DNS",
            Tags = Tagging.Named(tags, certificateName),
        }, certificateOptions);
        // A wildcard and its apex (*.example.com, example.com) are validated by the same record: one record for both.
        var fqdns = hosts.GroupBy(host => host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host).Select(group =>
        {
            if (records.TryGetValue(group.Key, out var made))
                return made;
            var host = group.First();
            var option = certificate.DomainValidationOptions.Apply(options => options.FirstOrDefault(o => o.DomainName == host)
                ?? throw NoRecord(host));
            return records[group.Key] = new Aws.Route53.Record($"{name}-validation-{group.Key}", new Aws.Route53.RecordArgs
            {
                ZoneId = zoneId,
                Name = option.Apply(o => o.ResourceRecordName ?? throw NoRecord(host)),
                Type = option.Apply(o => o.ResourceRecordType ?? throw NoRecord(host)),
                Records = { option.Apply(o => o.ResourceRecordValue ?? throw NoRecord(host)) },
                Ttl = 300,
                AllowOverwrite = true,
            }, new CustomResourceOptions { Parent = parent }).Fqdn;
        }).ToArray();
        return new Aws.Acm.CertificateValidation(certificateName, new Aws.Acm.CertificateValidationArgs
        {
            CertificateArn = certificate.Arn,
            ValidationRecordFqdns = fqdns,
        }, certificateOptions).CertificateArn;
    }

    /// <summary>ACM fills the record of every name once it accepts a DNS-validated request; without it nothing can validate.</summary>
    static InvalidOperationException NoRecord(string host) => new($"ACM gave no DNS validation record for {host}");
}

using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Shared;

public sealed record PrivateBucketArgs
{
    /// <summary>Start of the generated, globally unique bucket name (at most 37 characters).</summary>
    public required Input<string> NamePrefix { get; init; }

    /// <summary>SSE-KMS with this key; SSE-S3 (AES256) when null.</summary>
    public string? KmsKeyArn { get; init; }

    public bool Versioning { get; init; }

    /// <summary>Days after which current objects expire; never when null.</summary>
    public int? ExpireAfterDays { get; init; }

    /// <summary>Days after which noncurrent versions expire (with versioning).</summary>
    public int NoncurrentVersionDays { get; init; } = 30;

    /// <summary>Lets `pulumi destroy` delete a bucket that still holds objects.</summary>
    public bool ForceDestroy { get; init; }

    public bool Protect { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>An S3 bucket nobody outside can reach: ACLs off (owner enforced), all four public-access
/// blocks on, encrypted at rest, optionally versioned, with lifecycle rules. Its policy is the caller's.</summary>
internal sealed class PrivateBucket
{
    public PrivateBucket(string name, PrivateBucketArgs args, Resource parent)
    {
        Bucket = new Aws.S3.Bucket(name, new Aws.S3.BucketArgs
        {
            BucketPrefix = args.NamePrefix,
            ForceDestroy = args.ForceDestroy,
            Tags = Tagging.Named(args.Tags, name),
        }, new CustomResourceOptions { Parent = parent, Protect = args.Protect });
        var child = new CustomResourceOptions { Parent = parent };

        var ownership = new Aws.S3.BucketOwnershipControls(name, new Aws.S3.BucketOwnershipControlsArgs
        {
            Bucket = Bucket.Id,
            Rule = new Aws.S3.Inputs.BucketOwnershipControlsRuleArgs { ObjectOwnership = "BucketOwnerEnforced" },
        }, child);
        PublicAccessBlock = new Aws.S3.BucketPublicAccessBlock(name, new Aws.S3.BucketPublicAccessBlockArgs
        {
            Bucket = Bucket.Id,
            BlockPublicAcls = true,
            BlockPublicPolicy = true,
            IgnorePublicAcls = true,
            RestrictPublicBuckets = true,
        }, child);
        new Aws.S3.BucketServerSideEncryptionConfiguration(name, new Aws.S3.BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = Bucket.Id,
            Rules =
            {
                new Aws.S3.Inputs.BucketServerSideEncryptionConfigurationRuleArgs
                {
                    ApplyServerSideEncryptionByDefault = new Aws.S3.Inputs.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
                    {
                        SseAlgorithm = args.KmsKeyArn is null ? "AES256" : "aws:kms",
                        KmsMasterKeyId = args.KmsKeyArn!,
                    },
                    BucketKeyEnabled = args.KmsKeyArn is not null,
                },
            },
        }, child);
        if (args.Versioning)
            new Aws.S3.BucketVersioning(name, new Aws.S3.BucketVersioningArgs
            {
                Bucket = Bucket.Id,
                VersioningConfiguration = new Aws.S3.Inputs.BucketVersioningVersioningConfigurationArgs { Status = "Enabled" },
            }, child);

        var rules = new InputList<Aws.S3.Inputs.BucketLifecycleConfigurationRuleArgs>
        {
            new Aws.S3.Inputs.BucketLifecycleConfigurationRuleArgs
            {
                Id = "abort-incomplete-uploads",
                Status = "Enabled",
                Filter = new Aws.S3.Inputs.BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
                AbortIncompleteMultipartUpload = new Aws.S3.Inputs.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs
                {
                    DaysAfterInitiation = 7,
                },
            },
        };
        if (args.ExpireAfterDays is { } days)
            rules.Add(new Aws.S3.Inputs.BucketLifecycleConfigurationRuleArgs
            {
                Id = "expire-objects",
                Status = "Enabled",
                Filter = new Aws.S3.Inputs.BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
                Expiration = new Aws.S3.Inputs.BucketLifecycleConfigurationRuleExpirationArgs { Days = days },
            });
        if (args.Versioning)
            rules.Add(new Aws.S3.Inputs.BucketLifecycleConfigurationRuleArgs
            {
                Id = "expire-noncurrent-versions",
                Status = "Enabled",
                Filter = new Aws.S3.Inputs.BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
                NoncurrentVersionExpiration = new Aws.S3.Inputs.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs
                {
                    NoncurrentDays = args.NoncurrentVersionDays,
                },
            });
        new Aws.S3.BucketLifecycleConfiguration(name, new Aws.S3.BucketLifecycleConfigurationArgs
        {
            Bucket = Bucket.Id,
            Rules = rules,
        }, child);
        Ownership = ownership;
        _name = name;
        _parent = parent;
    }

    readonly string _name;
    readonly Resource _parent;

    public Aws.S3.Bucket Bucket { get; }
    public Aws.S3.BucketPublicAccessBlock PublicAccessBlock { get; }
    public Aws.S3.BucketOwnershipControls Ownership { get; }

    /// <summary>The bucket's policy: the grants its users need, and a denial of every request without TLS.
    /// Applied after the public-access block so that S3 judges it with the block in place.</summary>
    public Aws.S3.BucketPolicy Allow(params Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs[] grants) =>
        new(_name, new Aws.S3.BucketPolicyArgs
        {
            Bucket = Bucket.Id,
            Policy = Policies.Document(_parent, [.. grants, Policies.DenyInsecureTransport("s3", Bucket.Arn, Output.Format($"{Bucket.Arn}/*"))]),
        }, new CustomResourceOptions { Parent = _parent, DependsOn = { PublicAccessBlock } });
}

using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Queue;

/// <summary>The jobs' SQS queue: encrypted at rest (SSE-SQS or a customer key) and refused without TLS, long
/// polling, and a dead-letter queue after maxReceiveCount failed receives (the consuming tier alarms on it).</summary>
public sealed class JobQueue : ComponentResource
{
    public const string Type = "infra:queue:JobQueue";

    [Output] public Output<string> Url { get; }
    [Output] public Output<string> Arn { get; }
    [Output] public Output<string> Name { get; }
    [Output] public Output<string> DeadLetterUrl { get; }
    [Output] public Output<string> DeadLetterArn { get; }
    [Output] public Output<string> DeadLetterName { get; }

    /// <summary>The key the queue is encrypted with, when it is a customer key (senders and receivers need it).</summary>
    public string? KmsKeyArn { get; }

    public JobQueue(string name, JobQueueArgs args, ComponentResourceOptions? options = null, string? scope = null)
        : base(Type, name, Checks.Valid(options, args.Validate(scope ?? name)))
    {
        var child = new CustomResourceOptions { Parent = this };

        var deadLetters = Queue($"{name}-dlq", args, JobQueueArgs.MaxRetentionSeconds, child);
        var queue = Queue(name, args, args.RetentionSeconds, child, queueArgs =>
        {
            queueArgs.VisibilityTimeoutSeconds = args.VisibilityTimeoutSeconds;
            queueArgs.ReceiveWaitTimeSeconds = args.ReceiveWaitTimeSeconds;
            queueArgs.RedrivePolicy = deadLetters.Arn.Apply(arn => System.Text.Json.JsonSerializer.Serialize(
                new { deadLetterTargetArn = arn, maxReceiveCount = args.MaxReceiveCount }));
        });

        Url = queue.Url;
        Arn = queue.Arn;
        Name = queue.Name;
        DeadLetterUrl = deadLetters.Url;
        DeadLetterArn = deadLetters.Arn;
        DeadLetterName = deadLetters.Name;
        KmsKeyArn = args.KmsKeyArn;
        RegisterOutputs();
    }

    Aws.Sqs.Queue Queue(string name, JobQueueArgs args, int retentionSeconds, CustomResourceOptions child,
        Action<Aws.Sqs.QueueArgs>? configure = null)
    {
        var queueArgs = new Aws.Sqs.QueueArgs
        {
            NamePrefix = $"{name}-",
            MessageRetentionSeconds = retentionSeconds,
            Tags = Tagging.Named(args.Tags, name),
        };
        if (args.KmsKeyArn is { } key)
            queueArgs.KmsMasterKeyId = key;
        else
            queueArgs.SqsManagedSseEnabled = true;
        configure?.Invoke(queueArgs);

        var queue = new Aws.Sqs.Queue(name, queueArgs, child);
        new Aws.Sqs.QueuePolicy(name, new Aws.Sqs.QueuePolicyArgs
        {
            QueueUrl = queue.Url,
            Policy = Policies.Document(this, Policies.DenyInsecureTransport("sqs", queue.Arn)),
        }, child);
        return queue;
    }
}

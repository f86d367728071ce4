using System.Text.RegularExpressions;
using Infra.Components.Shared;

namespace Infra.Components.Queue;

public sealed record JobQueueArgs
{
    /// <summary>SQS keeps messages at most 14 days; the dead-letter queue always keeps them that long.</summary>
    public const int MaxRetentionSeconds = 1_209_600;

    /// <summary>The longest a worker takes over one job: a received message stays hidden at least that long.</summary>
    public int JobTimeoutSeconds { get; init; } = 300;

    /// <summary>How long a received message stays hidden from other workers; at least the job timeout.</summary>
    public int VisibilityTimeoutSeconds { get; init; } = 360;

    public int RetentionSeconds { get; init; } = 345_600;

    /// <summary>Receives before a message that keeps failing moves to the dead-letter queue.</summary>
    public int MaxReceiveCount { get; init; } = 5;

    /// <summary>Long polling: a receive waits up to this long for a message (fewer empty, billed receives).</summary>
    public int ReceiveWaitTimeSeconds { get; init; } = 20;

    /// <summary>A customer-managed KMS key; SQS-managed encryption (SSE-SQS) when null.</summary>
    public string? KmsKeyArn { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<Problem> Validate(string scope)
    {
        var checks = new Checks(scope);
        checks.InRange("jobTimeoutSeconds", JobTimeoutSeconds, 1, 43_200);
        // SQS: a visibility timeout is 0 s to 12 hours.
        checks.InRange("visibilityTimeoutSeconds", VisibilityTimeoutSeconds, 0, 43_200);
        checks.Require(VisibilityTimeoutSeconds >= JobTimeoutSeconds, "visibilityTimeoutSeconds", VisibilityTimeoutSeconds,
            $"must be at least jobTimeoutSeconds ({JobTimeoutSeconds}), or a second worker gets the job while the first still works on it");
        // A dead letter keeps its original enqueue time, so the dead-letter queue must keep messages longer than the queue.
        checks.Require(RetentionSeconds is >= 60 and <= MaxRetentionSeconds - 86_400, "retentionSeconds", RetentionSeconds,
            "must be 60 to 1123200 (13 days): dead letters keep their enqueue time, and the dead-letter queue keeps 14 days");
        checks.InRange("maxReceiveCount", MaxReceiveCount, 1, 1000);
        checks.InRange("receiveWaitTimeSeconds", ReceiveWaitTimeSeconds, 0, 20);
        if (KmsKeyArn is { } key)
            checks.Require(Regex.IsMatch(key, @"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[0-9a-f-]+$"), "kmsKeyArn", key,
                "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); aliases cannot be granted in IAM");
        return checks.Problems;
    }
}

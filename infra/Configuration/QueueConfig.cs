using Infra.Components.Compute;
using Infra.Components.Queue;

namespace Infra.Configuration;

/// <summary>infra:worker.queue: the stack's SQS job queue and how the workers scale on it (the seeds' steps by default,
/// or target tracking on backlog per instance), or `metric` for an application that brings its own queue and
/// publishes its backlog as a custom metric (then no queue is created).</summary>
public static class QueueConfig
{
    public sealed record Settings(JobQueueArgs? Queue, IReadOnlyList<ScalingRule> Rules, BacklogTargetArgs? BacklogTarget);

    public static readonly IReadOnlyList<string> ScalingModes = ["steps", "targetTracking"];

    static readonly string[] StepKeys = ["scaleOutAbove", "scaleOutAfterMinutes", "scaleInBelow", "scaleInAfterMinutes"];

    static readonly string[] QueueKeys =
        ["jobTimeoutSeconds", "visibilityTimeoutSeconds", "retentionSeconds", "maxReceiveCount", "receiveWaitTimeSeconds", "kmsKeyArn"];

    /// <param name="environment">prod scales workers on backlog per instance by default: the seeds' steps leave it
    /// overloaded (README, Will it scale in time; examples/Pulumi.seed-steps.yaml keeps them).</param>
    public static Settings Read(Section? section, IReadOnlyDictionary<string, string> tags, EnvironmentKind environment = EnvironmentKind.Dev)
    {
        var metricSection = section?.Object("metric");
        var metric = metricSection is null ? null
            : new MetricArgs(metricSection.String("namespace", ""), metricSection.String("name", ""), metricSection.StringMap("dimensions"));
        var queue = ReadQueue(section, tags);
        var defaultMode = environment == EnvironmentKind.Prod && metric is null ? "targetTracking" : "steps";
        var mode = section?.String("scaling", defaultMode) ?? defaultMode;
        var backlog = section?.Double("backlogPerInstance", 1) ?? 1;
        var high = ScalingRule.QueueHigh(section?.Double("scaleOutAbove", 20) ?? 20, section?.Int("scaleOutAfterMinutes", 2) ?? 2, metric);
        var low = ScalingRule.QueueLow(section?.Double("scaleInBelow", 5) ?? 5, section?.Int("scaleInAfterMinutes", 45) ?? 45, metric);

        // Every key is read above; what does not apply to the chosen combination is refused, never silently ignored.
        if (metric is not null)
            foreach (var key in QueueKeys.Where(key => section!.Has(key)))
                section!.Report(key, "(set)", "applies to the stack's own queue; with queue.metric no queue is created");
        if (mode == "targetTracking" && metric is not null)
            section!.Report("scaling", mode, "target tracking divides the stack's own queue by the instances; with queue.metric use steps");
        foreach (var key in (mode == "targetTracking" ? StepKeys : ["backlogPerInstance"]).Where(key => section?.Has(key) == true))
            section!.Report(key, "(set)", $"does not apply with scaling: {mode}");

        return mode == "targetTracking"
            ? new(metric is null ? queue : null, [], new BacklogTargetArgs(backlog))
            : new(metric is null ? queue : null, [high, low], null);
    }

    static JobQueueArgs ReadQueue(Section? section, IReadOnlyDictionary<string, string> tags)
    {
        var defaults = new JobQueueArgs();
        var jobTimeout = section?.Int("jobTimeoutSeconds", defaults.JobTimeoutSeconds) ?? defaults.JobTimeoutSeconds;
        return new JobQueueArgs
        {
            JobTimeoutSeconds = jobTimeout,
            // A minute beyond the longest job, for the worker to delete the message.
            VisibilityTimeoutSeconds = section?.Int("visibilityTimeoutSeconds", jobTimeout + 60) ?? jobTimeout + 60,
            RetentionSeconds = section?.Int("retentionSeconds", defaults.RetentionSeconds) ?? defaults.RetentionSeconds,
            MaxReceiveCount = section?.Int("maxReceiveCount", defaults.MaxReceiveCount) ?? defaults.MaxReceiveCount,
            ReceiveWaitTimeSeconds = section?.Int("receiveWaitTimeSeconds", defaults.ReceiveWaitTimeSeconds) ?? defaults.ReceiveWaitTimeSeconds,
            KmsKeyArn = section?.OptionalString("kmsKeyArn"),
            Tags = tags,
        };
    }

    /// <summary>Component checks of the queue rules, renamed to the config keys they come from.</summary>
    public static string ConfigKey(string key, string scope) => key
        .Replace($"{scope}.scalingRules.queue-high.threshold", $"{scope}.queue.scaleOutAbove", StringComparison.Ordinal)
        .Replace($"{scope}.scalingRules.queue-high.evaluationPeriods", $"{scope}.queue.scaleOutAfterMinutes", StringComparison.Ordinal)
        .Replace($"{scope}.scalingRules.queue-low.threshold", $"{scope}.queue.scaleInBelow", StringComparison.Ordinal)
        .Replace($"{scope}.scalingRules.queue-low.evaluationPeriods", $"{scope}.queue.scaleInAfterMinutes", StringComparison.Ordinal)
        .Replace($"{scope}.scalingRules.queue-high.", $"{scope}.queue.", StringComparison.Ordinal)
        .Replace($"{scope}.scalingRules.queue-low.", $"{scope}.queue.", StringComparison.Ordinal)
        .Replace($"{scope}.backlogPerInstance", $"{scope}.queue.backlogPerInstance", StringComparison.Ordinal);
}

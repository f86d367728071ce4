using System.Net.Mail;
using Infra.Components.LoadBalancing;
using Infra.Components.Shared;
using Pulumi;

namespace Infra.Components.Monitoring;

/// <summary>Who is paged and when: the paging topic's subscribers and the thresholds of the alarms on what users feel.</summary>
public sealed record AlertArgs
{
    public IReadOnlyList<string> Emails { get; init; } = [];

    /// <summary>HTTPS endpoints (an incident tool's webhook); SNS asks each to confirm the subscription.</summary>
    public IReadOnlyList<string> HttpsEndpoints { get; init; } = [];

    /// <summary>A customer key for the topic; when null the component creates one (CloudWatch cannot publish to a topic
    /// encrypted with alias/aws/sns).</summary>
    public string? KmsKeyId { get; init; }

    public int PeriodSeconds { get; init; } = 60;
    public int EvaluationPeriods { get; init; } = 5;
    public int DatapointsToAlarm { get; init; } = 3;

    /// <summary>Percent of requests answered 5xx, by the targets or by the balancer itself.</summary>
    public double ServerErrorPercent { get; init; } = 1;

    public double LatencyP99Seconds { get; init; } = 2;

    /// <summary>How long a group may stay below its minimum (launches and schedules take a few minutes).</summary>
    public int BelowMinimumMinutes { get; init; } = 10;

    public int OldestMessageSeconds { get; init; } = 900;

    /// <summary>CloudFront's 5xxErrorRate, a percentage of all viewer requests.</summary>
    public double CdnErrorPercent { get; init; } = 1;

    public void Validate(Checks checks)
    {
        foreach (var (email, index) in Emails.Select((email, index) => (email, index)))
            checks.Require(MailAddress.TryCreate(email, out var address) && address.Address == email && email.Contains('.', StringComparison.Ordinal),
                $"emails[{index}]", email, "must be an email address such as oncall@example.com");
        foreach (var (endpoint, index) in HttpsEndpoints.Select((endpoint, index) => (endpoint, index)))
            checks.Require(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps, $"httpsEndpoints[{index}]", endpoint,
                "must be an https:// URL (SNS delivers over TLS only to https endpoints)");
        if (KmsKeyId is { } key)
            checks.Require(!key.EndsWith("alias/aws/sns", StringComparison.Ordinal), "kmsKeyId", key,
                "must be a customer-managed key: CloudWatch alarms cannot publish to a topic encrypted with alias/aws/sns");
        // Alarms on AWS metrics: 60 s resolution (MetricResolution); M of N with M <= N.
        if (MetricResolution.PeriodProblem("AWS/ApplicationELB", PeriodSeconds, true) is { } problem)
            checks.Add("periodSeconds", PeriodSeconds, problem);
        if (EvaluationPeriods >= 1)
            checks.Require(DatapointsToAlarm >= 1 && DatapointsToAlarm <= EvaluationPeriods, "datapointsToAlarm", DatapointsToAlarm,
                $"must be 1 to evaluationPeriods ({EvaluationPeriods})");
        if (PeriodSeconds <= 86_400)
            checks.Require((long)PeriodSeconds * EvaluationPeriods <= 86_400, "evaluationPeriods", EvaluationPeriods, "periodSeconds x evaluationPeriods must be at most 1 day");
    }
}

/// <summary>An auto-scaling group the component watches: named by the stack, so alarms and the dashboard can name it
/// before the group exists (and the group's instance refresh can name the alarms).</summary>
public sealed record WatchedGroup(string Tier, string GroupName, bool Web);

public sealed record MonitoringArgs
{
    public AlertArgs Alerts { get; init; } = new();

    /// <summary>The stack's region: CloudFront alarms live in us-east-1 and alarm actions must be in the alarm's region.</summary>
    public required string Region { get; init; }

    public LoadBalancerType BalancerType { get; init; } = LoadBalancerType.Application;

    // Wiring from the other components.
    public BalancerAttachment? Balancer { get; init; }
    public IReadOnlyList<WatchedGroup> Groups { get; init; } = [];
    public Output<string>? QueueName { get; init; }
    public Output<string>? DeadLetterQueueName { get; init; }
    public Output<string>? DistributionId { get; init; }

    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<Problem> Validate(string scope)
    {
        var checks = new Checks(scope);
        Alerts.Validate(checks);
        return checks.Problems;
    }
}

using System.Collections.Immutable;
using Infra.Components.LoadBalancing;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Monitoring;

/// <summary>What tells a human the site is broken, and where to look: a paging topic (encrypted, TLS only) apart from
/// the scaling notices, alarms on what users feel (5xx rates, unhealthy targets, p99 latency, groups below their
/// minimum, CloudFront errors, dead letters, old jobs) and one dashboard along the traffic path. It reads the other
/// components' outputs and names the groups by their fixed names, so it is built before the tiers, whose instance
/// refreshes stop on its alarms.</summary>
public sealed class Monitoring : ComponentResource
{
    public const string Type = "infra:monitoring:Monitoring";

    /// <summary>CloudFront publishes its metrics in us-east-1 only, with Region=Global.</summary>
    public const string CloudFrontRegion = "us-east-1";

    [Output] public Output<string> PagingTopicArn { get; }
    [Output] public Output<ImmutableArray<string>> AlarmNames { get; }
    [Output] public Output<string> DashboardName { get; }

    /// <summary>Per tier, the alarms that stop its instance refresh: what a bad launch template would set off (a tier
    /// without any is absent).</summary>
    public IReadOnlyDictionary<string, Output<ImmutableArray<string>>> RolloutAlarms { get; }

    readonly AlertArgs _alerts;
    readonly IReadOnlyDictionary<string, string> _tags;

    public Monitoring(string name, MonitoringArgs args, ComponentResourceOptions? options = null, string? scope = null)
        : base(Type, name, Checks.Valid(options, args.Validate(scope ?? name)))
    {
        _alerts = args.Alerts;
        _tags = args.Tags;
        var child = new CustomResourceOptions { Parent = this };
        var topic = PagingTopic($"{name}-paging", child);
        var all = new List<Output<string>>();
        var rollout = args.Groups.ToDictionary(group => group.Tier, _ => new List<Output<string>>());
        void Watch(Aws.CloudWatch.MetricAlarm alarm, string? stopsRolloutOf = null)
        {
            all.Add(alarm.Name);
            if (stopsRolloutOf is not null && rollout.TryGetValue(stopsRolloutOf, out var names))
                names.Add(alarm.Name);
        }

        var web = args.Groups.FirstOrDefault(group => group.Web)?.Tier;
        foreach (var alarm in BalancerAlarms(name, args, topic))
            Watch(alarm, web);

        foreach (var group in args.Groups)
            // Not a rollout stop: a refresh replaces instances, so the group dips below its minimum by design.
            Watch(Page($"{name}-{group.Tier}-below-minimum", $"{group.GroupName} has had fewer instances in service than its minimum for {_alerts.BelowMinimumMinutes} minutes",
                new Expression("minimum - inService",
                [
                    ("inService", new Metric("AWS/AutoScaling", "GroupInServiceInstances", new() { { "AutoScalingGroupName", group.GroupName } }, "Minimum")),
                    ("minimum", new Metric("AWS/AutoScaling", "GroupMinSize", new() { { "AutoScalingGroupName", group.GroupName } }, "Maximum")),
                ]),
                // The group publishes its metrics every minute (enabled metrics): no data means no group.
                "GreaterThanThreshold", 0, "breaching", topic, _alerts.BelowMinimumMinutes, _alerts.BelowMinimumMinutes));

        var worker = args.Groups.FirstOrDefault(group => !group.Web)?.Tier;
        if (args.DeadLetterQueueName is { } deadLetters)
            // SQS stops publishing for a queue idle for six hours: no data is no dead letter.
            Watch(Page($"{name}-dead-letters", "Jobs failed maxReceiveCount times and wait in the dead-letter queue",
                new Metric("AWS/SQS", "ApproximateNumberOfMessagesVisible", new() { { "QueueName", deadLetters } }, "Maximum"),
                "GreaterThanThreshold", 0, "notBreaching", topic, 1, 1), worker);
        if (args.QueueName is { } queue)
            Watch(Page($"{name}-oldest-job", $"A job has waited more than {_alerts.OldestMessageSeconds} s: the workers do not keep up or do not run",
                new Metric("AWS/SQS", "ApproximateAgeOfOldestMessage", new() { { "QueueName", queue } }, "Maximum"),
                "GreaterThanOrEqualToThreshold", _alerts.OldestMessageSeconds, "notBreaching", topic), worker);

        if (args.DistributionId is { } distribution)
            Watch(CloudFrontErrors(name, args, distribution, topic));

        PagingTopicArn = topic;
        AlarmNames = Output.All(all);
        RolloutAlarms = rollout.Where(pair => pair.Value.Count > 0).ToDictionary(pair => pair.Key, pair => Output.All(pair.Value));
        DashboardName = new Aws.CloudWatch.Dashboard(name, new Aws.CloudWatch.DashboardArgs
        {
            DashboardName = $"{Deployment.Instance.ProjectName}-{Deployment.Instance.StackName}",
            DashboardBody = DashboardBody.Render(args, $"{Deployment.Instance.ProjectName}-{Deployment.Instance.StackName}"),
        }, child).DashboardName;
        RegisterOutputs();
    }

    /// <summary>One CloudWatch metric; dimensions as AWS publishes them for it.</summary>
    internal sealed record Metric(string Namespace, string Name, InputMap<string> Dimensions, string Stat);

    /// <summary>Metric math over named metrics; only the expression's result is alarmed on.</summary>
    internal sealed record Expression(string Formula, IReadOnlyList<(string Id, Metric Metric)> Metrics);

    /// <summary>Per forwarded target group and for the balancer itself, with the metrics and dimensions of its type:
    /// AWS/ApplicationELB by LoadBalancer and TargetGroup, AWS/NetworkELB (no HTTP codes: unhealthy targets only),
    /// AWS/ELB by LoadBalancerName for the classic balancer. Balancers publish only while requests flow, so no data on
    /// a rate or a latency is no error.</summary>
    IEnumerable<Aws.CloudWatch.MetricAlarm> BalancerAlarms(string name, MonitoringArgs args, Output<string> topic)
    {
        if (args.Balancer is not { } balancer)
            yield break;
        if (args.BalancerType == LoadBalancerType.Classic && balancer.ClassicName is { } classic)
        {
            InputMap<string> Named() => new() { { "LoadBalancerName", classic } };
            yield return Page($"{name}-5xx", $"More than {_alerts.ServerErrorPercent} % of requests answered 5xx by the instances",
                Rate("HTTPCode_Backend_5XX", "RequestCount", "AWS/ELB", Named), "GreaterThanThreshold", _alerts.ServerErrorPercent, "notBreaching", topic);
            yield return Page($"{name}-elb-5xx", $"More than {_alerts.ServerErrorPercent} % of requests answered 5xx by the balancer",
                Rate("HTTPCode_ELB_5XX", "RequestCount", "AWS/ELB", Named), "GreaterThanThreshold", _alerts.ServerErrorPercent, "notBreaching", topic);
            yield return Page($"{name}-unhealthy", "Instances fail the balancer's health check",
                new Metric("AWS/ELB", "UnHealthyHostCount", Named(), "Maximum"), "GreaterThanThreshold", 0, "notBreaching", topic);
            yield break;
        }

        if (balancer.LoadBalancerArnSuffix is not { } loadBalancer)
            yield break;
        var application = args.BalancerType == LoadBalancerType.Application;
        var metricNamespace = application ? "AWS/ApplicationELB" : "AWS/NetworkELB";
        foreach (var (port, targetGroup) in balancer.TargetGroupArnSuffixes.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            InputMap<string> Dimensions() => new() { { "LoadBalancer", loadBalancer }, { "TargetGroup", targetGroup } };
            // UnHealthyHostCount is published while health checks run, with or without traffic.
            yield return Page($"{name}-unhealthy-{port}", $"Targets on port {port} fail their health check",
                new Metric(metricNamespace, "UnHealthyHostCount", Dimensions(), "Maximum"), "GreaterThanThreshold", 0, "notBreaching", topic);
            if (!application)
                continue;
            yield return Page($"{name}-5xx-{port}", $"More than {_alerts.ServerErrorPercent} % of requests to port {port} answered 5xx by the targets",
                Rate("HTTPCode_Target_5XX_Count", "RequestCount", metricNamespace, Dimensions), "GreaterThanThreshold", _alerts.ServerErrorPercent, "notBreaching", topic);
            yield return Page($"{name}-latency-{port}", $"The slowest 1 % of requests to port {port} take more than {_alerts.LatencyP99Seconds} s",
                new Metric(metricNamespace, "TargetResponseTime", Dimensions(), "p99"), "GreaterThanThreshold", _alerts.LatencyP99Seconds, "notBreaching", topic);
        }

        if (application)
            yield return Page($"{name}-elb-5xx", $"More than {_alerts.ServerErrorPercent} % of requests answered 5xx by the balancer itself",
                Rate("HTTPCode_ELB_5XX_Count", "RequestCount", metricNamespace, () => new() { { "LoadBalancer", loadBalancer } }),
                "GreaterThanThreshold", _alerts.ServerErrorPercent, "notBreaching", topic);
    }

    /// <summary>Errors as a percentage of requests; an error count is published only when it is not zero (FILL).</summary>
    static Expression Rate(string errors, string requests, string metricNamespace, Func<InputMap<string>> dimensions) =>
        new("100 * FILL(errors, 0) / requests",
        [
            ("errors", new Metric(metricNamespace, errors, dimensions(), "Sum")),
            ("requests", new Metric(metricNamespace, requests, dimensions(), "Sum")),
        ]);

    /// <summary>CloudFront's 5xxErrorRate, in us-east-1 where CloudFront publishes (Region=Global), through a provider of
    /// that region; an alarm's SNS action must be in its own region, so another region's stack gets a second topic.</summary>
    Aws.CloudWatch.MetricAlarm CloudFrontErrors(string name, MonitoringArgs args, Output<string> distribution, Output<string> topic)
    {
        var usEast1 = new CustomResourceOptions
        {
            Parent = this,
            Provider = new Aws.Provider($"{name}-{CloudFrontRegion}", new Aws.ProviderArgs { Region = CloudFrontRegion }, new CustomResourceOptions { Parent = this }),
        };
        var cdnTopic = args.Region == CloudFrontRegion ? topic : PagingTopic($"{name}-paging-{CloudFrontRegion}", usEast1);
        return Page($"{name}-cdn-5xx", $"More than {_alerts.CdnErrorPercent} % of CloudFront requests answered 5xx",
            new Metric("AWS/CloudFront", "5xxErrorRate", new() { { "DistributionId", distribution }, { "Region", "Global" } }, "Average"),
            "GreaterThanThreshold", _alerts.CdnErrorPercent, "notBreaching", cdnTopic, options: usEast1);
    }

    Aws.CloudWatch.MetricAlarm Page(string name, string description, object watched, string comparison, double threshold, string missing,
        Output<string> topic, int? evaluationPeriods = null, int? datapoints = null, CustomResourceOptions? options = null)
    {
        var alarmArgs = new Aws.CloudWatch.MetricAlarmArgs
        {
            AlarmDescription = description,
            ComparisonOperator = comparison,
            Threshold = threshold,
            EvaluationPeriods = evaluationPeriods ?? _alerts.EvaluationPeriods,
            DatapointsToAlarm = datapoints ?? _alerts.DatapointsToAlarm,
            TreatMissingData = missing,
            // Paged on ALARM and told on OK: the page is resolved.
            AlarmActions = { topic },
            OkActions = { topic },
            Tags = Tagging.Named(_tags, name),
        };
        switch (watched)
        {
            case Metric metric:
                alarmArgs.Namespace = metric.Namespace;
                alarmArgs.MetricName = metric.Name;
                alarmArgs.Dimensions = metric.Dimensions;
                alarmArgs.Period = _alerts.PeriodSeconds;
                if (metric.Stat.StartsWith('p'))
                    alarmArgs.ExtendedStatistic = metric.Stat;
                else
                    alarmArgs.Statistic = metric.Stat;
                break;
            case Expression expression:
                alarmArgs.MetricQueries.Add(new Aws.CloudWatch.Inputs.MetricAlarmMetricQueryArgs
                {
                    Id = "result", Expression = expression.Formula, Label = description, ReturnData = true,
                });
                foreach (var (id, metric) in expression.Metrics)
                    alarmArgs.MetricQueries.Add(new Aws.CloudWatch.Inputs.MetricAlarmMetricQueryArgs
                    {
                        Id = id,
                        ReturnData = false,
                        Metric = new Aws.CloudWatch.Inputs.MetricAlarmMetricQueryMetricArgs
                        {
                            Namespace = metric.Namespace, MetricName = metric.Name, Dimensions = metric.Dimensions, Stat = metric.Stat, Period = _alerts.PeriodSeconds,
                        },
                    });
                break;
        }

        return new Aws.CloudWatch.MetricAlarm(name, alarmArgs, options ?? new CustomResourceOptions { Parent = this });
    }

    /// <summary>The paging topic: encrypted with a customer key (the given one, or a new key CloudWatch may use), only
    /// this account and its CloudWatch alarms may publish, only over TLS; e-mail and HTTPS subscribers.</summary>
    Output<string> PagingTopic(string name, CustomResourceOptions options)
    {
        var account = Policies.Account(this);
        Input<string> key = _alerts.KmsKeyId is { } given ? given : new Aws.Kms.Key(name, new Aws.Kms.KeyArgs
        {
            Description = "Encrypts the paging topic; CloudWatch alarms of this account may use it",
            EnableKeyRotation = true,
            DeletionWindowInDays = 30,
            Policy = Policies.Document(this,
                new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
                {
                    // The key policy every KMS key needs, or the account itself cannot administer it.
                    Sid = "AccountAdministers",
                    Actions = { "kms:*" },
                    Resources = { "*" },
                    Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "AWS", Identifiers = { Output.Format($"arn:aws:iam::{account}:root") } } },
                },
                new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
                {
                    Sid = "AlarmsPublish",
                    Actions = { "kms:Decrypt", "kms:GenerateDataKey*" },
                    Resources = { "*" },
                    Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "Service", Identifiers = { "cloudwatch.amazonaws.com" } } },
                    Conditions = { new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs { Test = "StringEquals", Variable = "aws:SourceAccount", Values = { account } } },
                }),
            Tags = Tagging.Named(_tags, name),
        }, options).Arn;
        var topic = new Aws.Sns.Topic(name, new Aws.Sns.TopicArgs { KmsMasterKeyId = key, Tags = Tagging.Named(_tags, name) }, options);
        new Aws.Sns.TopicPolicy(name, new Aws.Sns.TopicPolicyArgs
        {
            Arn = topic.Arn,
            Policy = Policies.AlarmTopic(this, topic.Arn),
        }, options);
        var endpoints = _alerts.Emails.Select(email => ("email", email)).Concat(_alerts.HttpsEndpoints.Select(url => ("https", url)));
        foreach (var ((protocol, endpoint), index) in endpoints.Select((endpoint, index) => (endpoint, index)))
            new Aws.Sns.TopicSubscription($"{name}-{protocol}-{index}", new Aws.Sns.TopicSubscriptionArgs
            {
                Topic = topic.Arn, Protocol = protocol, Endpoint = endpoint,
            }, options);
        return topic.Arn;
    }
}

using System.Collections.Immutable;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Compute;

/// <summary>A tier of identical instances: launch template (IMDSv2, encrypted gp3, least-privilege role),
/// auto-scaling group with rolling refresh and draining on termination, step scaling driven by alarms,
/// schedules and notifications. Used for the web servers and the job workers.</summary>
public sealed class AutoScaledTier : ComponentResource
{
    public const string Type = "infra:compute:AutoScaledTier";

    static readonly Aws.AutoScaling.Metric[] GroupMetrics =
    [
        Aws.AutoScaling.Metric.GroupMinSize, Aws.AutoScaling.Metric.GroupMaxSize, Aws.AutoScaling.Metric.GroupDesiredCapacity,
        Aws.AutoScaling.Metric.GroupInServiceInstances, Aws.AutoScaling.Metric.GroupPendingInstances,
        Aws.AutoScaling.Metric.GroupStandbyInstances, Aws.AutoScaling.Metric.GroupTerminatingInstances,
        Aws.AutoScaling.Metric.GroupTotalInstances,
    ];

    [Output] public Output<string> GroupName { get; }
    [Output] public Output<string> GroupArn { get; }
    [Output] public Output<string> LaunchTemplateId { get; }
    [Output] public Output<string> RoleArn { get; }
    [Output] public Output<ImmutableDictionary<string, string>> PolicyArns { get; }
    [Output] public Output<ImmutableArray<string>> AlarmNames { get; }
    [Output] public Output<string?> TopicArn { get; }

    /// <summary>How long the fastest scale-out takes to add serving capacity: alarm period x evaluation
    /// periods, plus the instance warmup. Null without a scale-out rule.</summary>
    [Output] public Output<int?> ScaleOutReactionSeconds { get; }

    public AutoScaledTier(string name, AutoScaledTierArgs args, ComponentResourceOptions? options = null, string? scope = null)
        : base(Type, name, Checks.Valid(options, args.Validate(scope ?? name)))
    {
        var subnetIds = args.SubnetIds ?? throw Wiring.Missing(nameof(args.SubnetIds));
        var securityGroupId = args.SecurityGroupId ?? throw Wiring.Missing(nameof(args.SecurityGroupId));
        InputList<string> targetGroupArns = args.Kind == TierKind.Worker || args.LoadBalancerNames is not null ? []
            : args.TargetGroupArns ?? throw Wiring.Missing(nameof(args.TargetGroupArns));
        var child = new CustomResourceOptions { Parent = this };
        var role = args.Kind == TierKind.Web ? "web" : "worker";
        var tags = new Dictionary<string, string>(args.Tags) { ["Role"] = role };

        var instanceRole = new Aws.Iam.Role($"{name}-instance", new Aws.Iam.RoleArgs
        {
            Description = $"Instances of the {name} tier: Systems Manager and the CloudWatch agent only",
            AssumeRolePolicy = Policies.AssumedBy("ec2.amazonaws.com", this),
            Tags = Tagging.Named(tags, $"{name}-instance"),
        }, child);
        var partition = Policies.Partition(this);
        // Session Manager's own minimum, kept by AWS as the service changes (acknowledged in the security report).
        new Aws.Iam.RolePolicyAttachment($"{name}-AmazonSSMManagedInstanceCore", new Aws.Iam.RolePolicyAttachmentArgs
        {
            Role = instanceRole.Name,
            PolicyArn = Output.Format($"arn:{partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"),
        }, child);
        var agent = new AgentTarget($"/infra/{Deployment.Instance.StackName}/{name}", $"AmazonCloudWatch-{Deployment.Instance.ProjectName}-{Deployment.Instance.StackName}-{name}");
        CloudWatchAgentPolicy(name, instanceRole, partition, agent);
        var profile = new Aws.Iam.InstanceProfile($"{name}-instance", new Aws.Iam.InstanceProfileArgs
        {
            Role = instanceRole.Name,
            Tags = Tagging.Named(tags, $"{name}-instance"),
        }, child);

        // Named, not auto-named, so the instances' user data can name their own group when they complete the drain
        // hook (a group is replaced only when its name changes, so the fixed name never collides with itself).
        var lifecycle = new LifecycleTarget($"{Deployment.Instance.ProjectName}-{Deployment.Instance.StackName}-{name}", $"{name}-drain");

        var template = new Aws.Ec2.LaunchTemplate(name, new Aws.Ec2.LaunchTemplateArgs
        {
            NamePrefix = $"{name}-",
            ImageId = args.Ami.ImageReference(args.Architecture),
            InstanceType = args.InstanceType,
            KeyName = args.KeyName!,
            VpcSecurityGroupIds = { securityGroupId },
            IamInstanceProfile = new Aws.Ec2.Inputs.LaunchTemplateIamInstanceProfileArgs { Arn = profile.Arn },
            UserData = UserData.Render(role, args.UserData, lifecycle, agent, args.Queue?.Url),
            MetadataOptions = new Aws.Ec2.Inputs.LaunchTemplateMetadataOptionsArgs
            {
                HttpEndpoint = "enabled",
                HttpTokens = "required",
                HttpPutResponseHopLimit = 1,
                InstanceMetadataTags = "disabled",
            },
            BlockDeviceMappings =
            {
                new Aws.Ec2.Inputs.LaunchTemplateBlockDeviceMappingArgs
                {
                    DeviceName = "/dev/xvda",
                    Ebs = new Aws.Ec2.Inputs.LaunchTemplateBlockDeviceMappingEbsArgs
                    {
                        VolumeSize = args.RootVolumeGb,
                        VolumeType = "gp3",
                        Encrypted = "true",
                        DeleteOnTermination = "true",
                    },
                },
            },
            Monitoring = new Aws.Ec2.Inputs.LaunchTemplateMonitoringArgs { Enabled = args.DetailedMonitoring },
            // Explicit for burstable types: AWS would otherwise pick unlimited for T3/T3a/T4g, billing surplus credits.
            CreditSpecification = CpuCredits.Apply(args.InstanceType)
                ? new Aws.Ec2.Inputs.LaunchTemplateCreditSpecificationArgs { CpuCredits = args.CreditSpecification }
                : null!,
            TagSpecifications =
            {
                new Aws.Ec2.Inputs.LaunchTemplateTagSpecificationArgs { ResourceType = "instance", Tags = Tagging.Named(tags, name) },
                new Aws.Ec2.Inputs.LaunchTemplateTagSpecificationArgs { ResourceType = "volume", Tags = Tagging.Named(tags, name) },
            },
            UpdateDefaultVersion = true,
            Tags = Tagging.Named(tags, name),
        }, child);

        var groupTags = new InputList<Aws.AutoScaling.Inputs.GroupTagArgs>();
        foreach (var (key, value) in Tagging.Named(tags, name).OrderBy(pair => pair.Key, StringComparer.Ordinal))
            groupTags.Add(new Aws.AutoScaling.Inputs.GroupTagArgs { Key = key, Value = value, PropagateAtLaunch = true });
        var groupArgs = new Aws.AutoScaling.GroupArgs
        {
            Name = lifecycle.GroupName,
            MinSize = args.MinSize,
            MaxSize = args.MaxSize,
            DesiredCapacity = args.DesiredCapacity,
            VpcZoneIdentifiers = subnetIds,
            TargetGroupArns = targetGroupArns,
            HealthCheckType = args.Kind == TierKind.Web ? "ELB" : "EC2",
            HealthCheckGracePeriod = args.HealthCheckGracePeriodSeconds,
            DefaultCooldown = args.DefaultCooldownSeconds,
            DefaultInstanceWarmup = args.DefaultInstanceWarmupSeconds,
            TerminationPolicies = args.TerminationPolicies.ToArray(),
            LaunchTemplate = new Aws.AutoScaling.Inputs.GroupLaunchTemplateArgs
            {
                Id = template.Id,
                Version = template.LatestVersion.Apply(version => version.ToString()),
            },
            Tags = groupTags,
            EnabledMetrics = GroupMetrics,
            MetricsGranularity = "1Minute",
            InstanceRefresh = new Aws.AutoScaling.Inputs.GroupInstanceRefreshArgs
            {
                Strategy = "Rolling",
                Preferences = new Aws.AutoScaling.Inputs.GroupInstanceRefreshPreferencesArgs
                {
                    MinHealthyPercentage = args.InstanceRefreshMinHealthyPercentage,
                    InstanceWarmup = args.DefaultInstanceWarmupSeconds.ToString(),
                },
            },
            MaxInstanceLifetime = args.MaxInstanceLifetimeSeconds ?? 0,
        };
        if (args.Kind == TierKind.Web && args.LoadBalancerNames is { } classicBalancers)
            groupArgs.LoadBalancers = classicBalancers;
        var group = new Aws.AutoScaling.Group(name, groupArgs, new CustomResourceOptions { Parent = this, IgnoreChanges = OwnedByScaling(args) });

        new Aws.AutoScaling.LifecycleHook(lifecycle.HookName, new Aws.AutoScaling.LifecycleHookArgs
        {
            Name = lifecycle.HookName,
            AutoscalingGroupName = group.Name,
            LifecycleTransition = "autoscaling:EC2_INSTANCE_TERMINATING",
            HeartbeatTimeout = args.TerminationDrainSeconds,
            DefaultResult = "CONTINUE",
        }, child);
        // Lets each instance end its own wait once drained (the user data's app-drain service) instead of
        // holding every termination for the full heartbeat timeout.
        new Aws.Iam.RolePolicy($"{name}-drain", new Aws.Iam.RolePolicyArgs
        {
            Role = instanceRole.Id,
            Policy = Policies.Document(this, new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
            {
                Actions = { "autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat" },
                Resources = { group.Arn },
            }),
        }, child);

        if (args.Queue is { } queue)
            QueuePolicy(name, queue, instanceRole);
        var topicArn = Notifications(name, args, group, tags);

        var policies = new Dictionary<string, Output<string>>();
        var alarms = new List<Output<string>>();
        foreach (var rule in args.ScalingRules)
        {
            var policy = new Aws.AutoScaling.Policy($"{name}-{rule.Name}", new Aws.AutoScaling.PolicyArgs
            {
                Name = $"{name}-{rule.Name}",
                AutoscalingGroupName = group.Name,
                PolicyType = "StepScaling",
                AdjustmentType = rule.AdjustmentType,
                MinAdjustmentMagnitude = rule.MinAdjustmentMagnitude!,
                MetricAggregationType = rule.MetricAggregationType,
                EstimatedInstanceWarmup = rule.EstimatedInstanceWarmupSeconds!,
                StepAdjustments = rule.Steps.Select(step => new Aws.AutoScaling.Inputs.PolicyStepAdjustmentArgs
                {
                    ScalingAdjustment = step.Adjustment,
                    MetricIntervalLowerBound = step.LowerBound?.ToString(System.Globalization.CultureInfo.InvariantCulture)!,
                    MetricIntervalUpperBound = step.UpperBound?.ToString(System.Globalization.CultureInfo.InvariantCulture)!,
                }).ToArray(),
            }, child);
            policies[rule.Name] = policy.Arn;

            var alarmActions = new InputList<string> { policy.Arn };
            var okActions = new InputList<string>();
            if (topicArn is not null)
            {
                alarmActions.Add(topicArn);
                okActions.Add(topicArn);
            }

            foreach (var (suffix, dimensions) in Dimensions(rule, group, args))
            {
                var alarmName = $"{name}-{rule.Name}{suffix}";
                var alarm = new Aws.CloudWatch.MetricAlarm(alarmName, new Aws.CloudWatch.MetricAlarmArgs
                {
                    AlarmDescription = $"{rule.Metric.Namespace}/{rule.Metric.Name} {rule.Comparison} {rule.Threshold}: step scaling of {name}",
                    Namespace = rule.Metric.Namespace,
                    MetricName = rule.Metric.Name,
                    Dimensions = dimensions,
                    Statistic = rule.Statistic,
                    Period = rule.PeriodSeconds,
                    EvaluationPeriods = rule.EvaluationPeriods,
                    ComparisonOperator = rule.Comparison,
                    Threshold = rule.Threshold,
                    TreatMissingData = rule.TreatMissingData,
                    AlarmActions = alarmActions,
                    OkActions = okActions,
                    Tags = Tagging.Named(tags, alarmName),
                }, child);
                alarms.Add(alarm.Name);
            }
        }

        if (args.Queue is { Use: QueueUse.Consume, DeadLetterName: { } deadLetters })
            alarms.Add(DeadLetterAlarm(name, deadLetters, topicArn, tags).Name);

        if (args.BacklogTarget is { } backlog)
            policies["backlog"] = BacklogTracking(name, backlog, args.Queue ?? throw Wiring.Missing(nameof(args.Queue)), group).Arn;

        foreach (var schedule in args.Schedules)
            new Aws.AutoScaling.Schedule($"{name}-{schedule.Name}", new Aws.AutoScaling.ScheduleArgs
            {
                AutoscalingGroupName = group.Name,
                ScheduledActionName = $"{name}-{schedule.Name}",
                Recurrence = schedule.Recurrence,
                TimeZone = schedule.TimeZone,
                MinSize = schedule.Min,
                MaxSize = schedule.Max,
                DesiredCapacity = schedule.Desired,
            }, child);

        GroupName = group.Name;
        GroupArn = group.Arn;
        LaunchTemplateId = template.Id;
        RoleArn = instanceRole.Arn;
        PolicyArns = Output.All(policies.Select(pair => pair.Value.Apply(arn => KeyValuePair.Create(pair.Key, arn))))
            .Apply(pairs => pairs.ToImmutableDictionary());
        AlarmNames = Output.All(alarms);
        TopicArn = topicArn is null ? Output.Create((string?)null) : topicArn.Apply(arn => (string?)arn);
        ScaleOutReactionSeconds = Output.Create(ReactionSeconds(args));
        RegisterOutputs();
    }

    /// <summary>Target tracking's own scale-out alarm waits for 3 one-minute data points.</summary>
    const int TargetTrackingAlarmSeconds = 3 * 60;

    /// <summary>The group's inputs that scaling owns once it exists, so an update after `pulumi refresh` does not
    /// reset them: the desired capacity (scaling policies and schedules move it), and minSize or maxSize when a
    /// schedule sets them to other values than the group's.</summary>
    static List<string> OwnedByScaling(AutoScaledTierArgs args) =>
    [
        "desiredCapacity",
        .. args.Schedules.Any(schedule => schedule.Min != args.MinSize) ? new[] { "minSize" } : [],
        .. args.Schedules.Any(schedule => schedule.Max != args.MaxSize) ? new[] { "maxSize" } : [],
    ];

    internal static int? ReactionSeconds(AutoScaledTierArgs args) =>
        args.ScalingRules.Where(rule => rule.ScalesOut)
            .Select(rule => rule.PeriodSeconds * rule.EvaluationPeriods + (rule.EstimatedInstanceWarmupSeconds ?? args.DefaultInstanceWarmupSeconds))
            .Concat(args.BacklogTarget is null ? [] : [TargetTrackingAlarmSeconds + args.DefaultInstanceWarmupSeconds])
            .Cast<int?>().Min();

    /// <summary>Least privilege on the job queue: workers receive, delete and extend the visibility of messages; web
    /// servers only send. With a customer key, consumers decrypt and senders also generate data keys.</summary>
    void QueuePolicy(string name, QueueAccess queue, Aws.Iam.Role role)
    {
        var statements = new List<Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs>
        {
            new()
            {
                Sid = queue.Use == QueueUse.Consume ? "ConsumeJobs" : "SendJobs",
                Actions = queue.Use == QueueUse.Consume
                    ? new InputList<string> { "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility" }
                    : new InputList<string> { "sqs:SendMessage" },
                Resources = { queue.Arn },
            },
        };
        if (queue.KmsKeyArn is { } key)
            statements.Add(new()
            {
                Sid = "UseQueueKey",
                Actions = queue.Use == QueueUse.Consume ? new InputList<string> { "kms:Decrypt" } : new InputList<string> { "kms:GenerateDataKey", "kms:Decrypt" },
                Resources = { key },
            });
        new Aws.Iam.RolePolicy($"{name}-queue", new Aws.Iam.RolePolicyArgs
        {
            Role = role.Id,
            Policy = Policies.Document(this, [.. statements]),
        }, new CustomResourceOptions { Parent = this });
    }

    /// <summary>The notifications topic: only this account and its CloudWatch alarms may publish, and only over TLS
    /// (Auto Scaling publishes with its service-linked role, an identity of this account).</summary>
    Aws.Sns.Topic Topic(string name, NotificationArgs notifications, IReadOnlyDictionary<string, string> tags)
    {
        var child = new CustomResourceOptions { Parent = this };
        var topic = new Aws.Sns.Topic($"{name}-events", new Aws.Sns.TopicArgs
        {
            KmsMasterKeyId = notifications.KmsKeyId!,
            Tags = Tagging.Named(tags, $"{name}-events"),
        }, child);
        var account = Policies.Account(this);
        new Aws.Sns.TopicPolicy($"{name}-events", new Aws.Sns.TopicPolicyArgs
        {
            Arn = topic.Arn,
            Policy = Policies.Document(this,
                new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
                {
                    Sid = "AccountUse",
                    Actions = { "sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListSubscriptionsByTopic" },
                    Resources = { topic.Arn },
                    Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "AWS", Identifiers = { account } } },
                },
                new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
                {
                    Sid = "AlarmsOfThisAccount",
                    Actions = { "sns:Publish" },
                    Resources = { topic.Arn },
                    Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "Service", Identifiers = { "cloudwatch.amazonaws.com" } } },
                    Conditions =
                    {
                        new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs { Test = "StringEquals", Variable = "aws:SourceAccount", Values = { account } },
                    },
                },
                Policies.DenyInsecureTransport("sns", topic.Arn)),
        }, child);
        return topic;
    }

    /// <summary>What the CloudWatch agent needs, narrower than CloudWatchAgentServerPolicy: metrics in its CWAgent
    /// namespace, the tier's own log group and its streams, the tags and volumes it labels them with, and the tier's
    /// configuration parameter, in the stack's region and account. PutMetricData and the EC2 Describe actions take no
    /// resource ARNs (Service Authorization Reference), so they name "*" (acknowledged in the security report).</summary>
    void CloudWatchAgentPolicy(string name, Aws.Iam.Role role, Output<string> partition, AgentTarget agent)
    {
        var region = Policies.Region(this);
        var account = Policies.Account(this);
        var logGroup = Output.Format($"arn:{partition}:logs:{region}:{account}:log-group:{agent.LogGroup}");
        new Aws.Iam.RolePolicy($"{name}-cloudwatch-agent", new Aws.Iam.RolePolicyArgs
        {
            Role = role.Id,
            Policy = Policies.Document(this,
                new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
                {
                    Sid = "AgentMetrics",
                    Actions = { "cloudwatch:PutMetricData" },
                    Resources = { "*" },
                    Conditions =
                    {
                        new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs
                        {
                            Test = "StringEquals", Variable = "cloudwatch:namespace", Values = { "CWAgent" },
                        },
                    },
                },
                new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
                {
                    Sid = "AgentDimensions",
                    Actions = { "ec2:DescribeTags", "ec2:DescribeVolumes" },
                    Resources = { "*" },
                },
                new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
                {
                    Sid = "TierLogs",
                    Actions = { "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:PutRetentionPolicy" },
                    Resources = { logGroup, Output.Format($"{logGroup}:log-stream:*") },
                },
                new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
                {
                    Sid = "AgentConfiguration",
                    Actions = { "ssm:GetParameter" },
                    Resources = { Output.Format($"arn:{partition}:ssm:{region}:{account}:parameter/{agent.ConfigParameter}") },
                }),
        }, new CustomResourceOptions { Parent = this });
    }

    /// <summary>A job that failed maxReceiveCount times waits in the dead-letter queue: someone should look.</summary>
    Aws.CloudWatch.MetricAlarm DeadLetterAlarm(string name, Output<string> deadLetters, Output<string>? topicArn, IReadOnlyDictionary<string, string> tags)
    {
        var actions = new InputList<string>();
        if (topicArn is not null)
            actions.Add(topicArn);
        return new Aws.CloudWatch.MetricAlarm($"{name}-dead-letters", new Aws.CloudWatch.MetricAlarmArgs
        {
            AlarmDescription = $"Jobs of {name} failed repeatedly and wait in the dead-letter queue",
            Namespace = "AWS/SQS",
            MetricName = "ApproximateNumberOfMessagesVisible",
            Dimensions = { { "QueueName", deadLetters } },
            Statistic = "Maximum",
            Period = 300,
            EvaluationPeriods = 1,
            ComparisonOperator = "GreaterThanThreshold",
            Threshold = 0,
            TreatMissingData = "notBreaching",
            AlarmActions = actions,
            Tags = Tagging.Named(tags, $"{name}-dead-letters"),
        }, new CustomResourceOptions { Parent = this });
    }

    /// <summary>AWS's recommended worker scaling: keep visible messages per in-service instance at the target
    /// (metric math over the queue and the group's own GroupInServiceInstances, which the group publishes).</summary>
    Aws.AutoScaling.Policy BacklogTracking(string name, BacklogTargetArgs backlog, QueueAccess queue, Aws.AutoScaling.Group group)
    {
        Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricArgs Metric(
            string id, string metricNamespace, string metricName, string dimension, Input<string> value, string stat) => new()
        {
            Id = id,
            ReturnData = false,
            MetricStat = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatArgs
            {
                Stat = stat,
                Metric = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatMetricArgs
                {
                    Namespace = metricNamespace,
                    MetricName = metricName,
                    Dimensions =
                    {
                        new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricMetricStatMetricDimensionArgs
                        {
                            Name = dimension, Value = value,
                        },
                    },
                },
            },
        };

        return new Aws.AutoScaling.Policy($"{name}-backlog", new Aws.AutoScaling.PolicyArgs
        {
            Name = $"{name}-backlog",
            AutoscalingGroupName = group.Name,
            PolicyType = "TargetTrackingScaling",
            TargetTrackingConfiguration = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationArgs
            {
                TargetValue = backlog.BacklogPerInstance,
                CustomizedMetricSpecification = new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationArgs
                {
                    Metrics =
                    {
                        Metric("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue.Name, "Sum"),
                        Metric("instances", "AWS/AutoScaling", "GroupInServiceInstances", "AutoScalingGroupName", group.Name, "Average"),
                        new Aws.AutoScaling.Inputs.PolicyTargetTrackingConfigurationCustomizedMetricSpecificationMetricArgs
                        {
                            Id = "backlog", Label = "Visible messages per in-service instance", Expression = "visible / instances", ReturnData = true,
                        },
                    },
                },
            },
        }, new CustomResourceOptions { Parent = this });
    }

    /// <summary>The alarms a rule needs, each with its name suffix: one for group metrics, one per target group that
    /// receives traffic for load-balancer metrics (a group that gets none reports nothing, so its alarm never fires).</summary>
    static IEnumerable<(string Suffix, InputMap<string> Dimensions)> Dimensions(ScalingRule rule, Aws.AutoScaling.Group group, AutoScaledTierArgs args)
    {
        if (rule.Metric.Dimensions is { } given)
            return [("", (InputMap<string>)given.ToDictionary(pair => pair.Key, pair => pair.Value))];
        if (rule.Metric.Namespace == "AWS/ELB")
            return [("", new InputMap<string> { { "LoadBalancerName", args.ClassicLoadBalancerName ?? throw Wiring.Missing(nameof(args.ClassicLoadBalancerName)) } })];
        if (rule.Metric.Namespace == "AWS/SQS")
            return [("", new InputMap<string> { { "QueueName", args.Queue?.Name ?? throw Wiring.Missing(nameof(args.Queue)) } })];
        if (rule.Metric.Namespace != "AWS/ApplicationELB")
            return [("", new InputMap<string> { { "AutoScalingGroupName", group.Name } })];
        var loadBalancer = args.LoadBalancerArnSuffix ?? throw BehindNoBalancer(rule);
        var targetGroups = args.TargetGroupArnSuffixes is { Count: > 0 } suffixes ? suffixes : throw BehindNoBalancer(rule);
        return targetGroups.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair =>
            (targetGroups.Count == 1 ? "" : $"-{pair.Key}", new InputMap<string> { { "TargetGroup", pair.Value }, { "LoadBalancer", loadBalancer } }));
    }

    static ArgumentException BehindNoBalancer(ScalingRule rule) =>
        new($"scaling rule '{rule.Name}' watches a load-balancer metric, but the tier has no TargetGroupArnSuffixes and LoadBalancerArnSuffix");

    Output<string>? Notifications(string name, AutoScaledTierArgs args, Aws.AutoScaling.Group group, IReadOnlyDictionary<string, string> tags)
    {
        if (args.Notifications is not { } notifications)
            return null;
        var child = new CustomResourceOptions { Parent = this };
        var topicArn = notifications.TopicArn ?? Topic(name, notifications, tags).Arn;
        foreach (var (email, index) in notifications.Emails.Select((email, index) => (email, index)))
            new Aws.Sns.TopicSubscription($"{name}-email-{index}", new Aws.Sns.TopicSubscriptionArgs
            {
                Topic = topicArn,
                Protocol = "email",
                Endpoint = email,
            }, child);
        new Aws.AutoScaling.Notification($"{name}-events", new Aws.AutoScaling.NotificationArgs
        {
            GroupNames = { group.Name },
            Notifications =
            {
                Aws.AutoScaling.NotificationType.InstanceLaunch, Aws.AutoScaling.NotificationType.InstanceTerminate,
                Aws.AutoScaling.NotificationType.InstanceLaunchError, Aws.AutoScaling.NotificationType.InstanceTerminateError,
            },
            TopicArn = topicArn,
        }, child);
        return topicArn;
    }
}

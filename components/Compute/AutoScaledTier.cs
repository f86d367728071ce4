using System.Collections.Immutable;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Compute;

/// <summary>A tier of identical instances: launch template (IMDSv2, encrypted gp3, least-privilege role),
/// auto-scaling group (one type, or a mixed instances policy with Spot) with a rolling refresh that stops on the
/// paging alarms and draining on termination, scaling (AutoScaledTier.Scaling.cs), schedules and notifications.
/// Used for the web servers and the job workers.</summary>
public sealed partial class AutoScaledTier : ComponentResource
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
        var lifecycle = new LifecycleTarget(GroupNameFor(name), $"{name}-drain");

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
            Tags = groupTags,
            EnabledMetrics = GroupMetrics,
            MetricsGranularity = "1Minute",
            InstanceRefresh = InstanceRefresh(args),
            MaxInstanceLifetime = args.MaxInstanceLifetimeSeconds ?? 0,
        };
        var version = template.LatestVersion.Apply(latest => latest.ToString());
        if (args.MixedInstances is { } mixed)
        {
            groupArgs.MixedInstancesPolicy = MixedInstancesArgs.Policy(mixed, args.InstanceType, template.Id, version);
            groupArgs.CapacityRebalance = mixed.CapacityRebalance;
        }
        else
            groupArgs.LaunchTemplate = new Aws.AutoScaling.Inputs.GroupLaunchTemplateArgs { Id = template.Id, Version = version };
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

        var policies = Scale(name, args, group);

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
        PolicyArns = Output.All(policies.Policies.Select(pair => pair.Value.Apply(arn => KeyValuePair.Create(pair.Key, arn))))
            .Apply(pairs => pairs.ToImmutableDictionary());
        AlarmNames = Output.All(policies.Alarms);
        TopicArn = topicArn is null ? Output.Create((string?)null) : topicArn.Apply(arn => (string?)arn);
        ScaleOutReactionSeconds = Output.Create(ReactionSeconds(args));
        RegisterOutputs();
    }

    /// <summary>The group's fixed name, &lt;project&gt;-&lt;stack&gt;-&lt;tier&gt;: alarms and dashboards can name it before it exists.</summary>
    public static string GroupNameFor(string tier) => $"{Deployment.Instance.ProjectName}-{Deployment.Instance.StackName}-{tier}";

    /// <summary>A rolling refresh whenever the launch template changes, keeping the minimum healthy percentage: a
    /// pause at each checkpoint so the paging alarms can see the new version serve, and a stop as soon as one of them
    /// goes to ALARM (alarmSpecification). Instances already on the new version are skipped;
    /// scale-in protected instances are waited for, not replaced under a job. No automatic rollback: the provider
    /// behind Pulumi.Aws 7.x sets the new launch template on the group before it starts the refresh, so a rollback
    /// would return to the new version and loop (hashicorp/terraform-provider-aws#34189, open; README, Safe rollouts).</summary>
    static Aws.AutoScaling.Inputs.GroupInstanceRefreshArgs InstanceRefresh(AutoScaledTierArgs args)
    {
        var preferences = new Aws.AutoScaling.Inputs.GroupInstanceRefreshPreferencesArgs
        {
            MinHealthyPercentage = args.InstanceRefreshMinHealthyPercentage,
            InstanceWarmup = args.DefaultInstanceWarmupSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            CheckpointPercentages = args.Rollout.CheckpointPercentages.ToArray(),
            CheckpointDelay = args.Rollout.CheckpointDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SkipMatching = true,
            ScaleInProtectedInstances = "Wait",
            AutoRollback = false,
        };
        if (args.Rollout.StopOnAlarms is { } alarms)
            preferences.AlarmSpecification = new Aws.AutoScaling.Inputs.GroupInstanceRefreshPreferencesAlarmSpecificationArgs
            {
                Alarms = alarms.Apply(names => names.Order(StringComparer.Ordinal).ToImmutableArray()),
            };
        return new Aws.AutoScaling.Inputs.GroupInstanceRefreshArgs { Strategy = "Rolling", Preferences = preferences };
    }

    /// <summary>The group's inputs that scaling owns once it exists, so an update after `pulumi refresh` does not
    /// reset them: the desired capacity (scaling policies and schedules move it), and minSize or maxSize when a
    /// schedule sets them to other values than the group's.</summary>
    static List<string> OwnedByScaling(AutoScaledTierArgs args) =>
    [
        "desiredCapacity",
        .. args.Schedules.Any(schedule => schedule.Min != args.MinSize) ? new[] { "minSize" } : [],
        .. args.Schedules.Any(schedule => schedule.Max != args.MaxSize) ? new[] { "maxSize" } : [],
    ];

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
        new Aws.Sns.TopicPolicy($"{name}-events", new Aws.Sns.TopicPolicyArgs
        {
            Arn = topic.Arn,
            Policy = Policies.AlarmTopic(this, topic.Arn),
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

using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Infra.Components.Compute;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Components;

public class AutoScaledTierTests
{
    static readonly Output<ImmutableArray<string>> Subnets = Output.Create(ImmutableArray.Create("subnet-a", "subnet-b"));

    /// <summary>The seeds' web servers: 2 to 4, cooldown 120 s, CPU and latency alarms, 3 on weekdays 08:00 to 21:00.</summary>
    static AutoScaledTierArgs Web(Func<AutoScaledTierArgs, AutoScaledTierArgs>? change = null)
    {
        var args = new AutoScaledTierArgs
        {
            Kind = TierKind.Web,
            SubnetIds = Subnets,
            SecurityGroupId = Output.Create("sg-instances"),
            TargetGroupArns = Output.Create(ImmutableArray.Create("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-8080/abc")),
            TargetGroupArnSuffixes = new Dictionary<string, Output<string>> { ["8080"] = Output.Create("targetgroup/web-8080/abc") },
            LoadBalancerArnSuffix = Output.Create("app/web/def"),
            MinSize = 2,
            MaxSize = 4,
            DesiredCapacity = 2,
            DefaultCooldownSeconds = 120,
            UserData = new UserDataArgs { DbHost = "db.internal", AssetHost = Output.Create("assets0.example.com") },
            ScalingRules = [ScalingRule.CpuHigh(), ScalingRule.CpuLow(), ScalingRule.LatencyHigh()],
            Schedules =
            [
                new ScheduleArgs("weekday-morning", "0 8 * * MON-FRI", "America/New_York", 3, 4, 3),
                new ScheduleArgs("weekday-evening", "0 21 * * MON-FRI", "America/New_York", 2, 4, 2),
            ],
            Notifications = new NotificationArgs { Emails = ["ops@example.com"] },
        };
        return change is null ? args : change(args);
    }

    const string QueueArn = "arn:aws:sqs:us-east-1:123456789012:jobs-abc";

    static QueueAccess Queue(QueueUse use, string? kmsKeyArn = null) => new(Output.Create(QueueArn),
        Output.Create("https://sqs.us-east-1.amazonaws.com/123456789012/jobs-abc"), Output.Create("jobs-abc"), kmsKeyArn, use)
    {
        DeadLetterName = use == QueueUse.Consume ? Output.Create("jobs-dlq-abc") : null,
    };

    /// <summary>The seeds' job servers: up to 2 extra while more than 20 jobs wait, one fewer after 45 quiet minutes.</summary>
    static AutoScaledTierArgs Worker() => new()
    {
        Queue = Queue(QueueUse.Consume),
        Kind = TierKind.Worker,
        SubnetIds = Subnets,
        SecurityGroupId = Output.Create("sg-workers"),
        MinSize = 1,
        MaxSize = 3,
        DesiredCapacity = 1,
        InstanceType = "t4g.small",
        UserData = new UserDataArgs { DbHost = "db.internal" },
        ScalingRules = [ScalingRule.QueueHigh(), ScalingRule.QueueLow()],
    };

    static async Task<(Graph Graph, AutoScaledTier Tier)> Build(string name, AutoScaledTierArgs args)
    {
        var engine = new TestEngine();
        AutoScaledTier? tier = null;
        var graph = await engine.RunAsync(() => { tier = new AutoScaledTier(name, args, engine.Options()); });
        return (graph, tier!);
    }

    [Test]
    public async Task The_launch_template_requires_imdsv2_encrypts_its_gp3_root_volume_and_boots_with_the_tiers_settings()
    {
        var (graph, _) = await Build("web", Web());
        var template = graph.All<Aws.Ec2.LaunchTemplate>().Single();
        var metadata = (await template.MetadataOptions.ValueAsync())!;
        Assert.That((metadata.HttpTokens, metadata.HttpEndpoint, metadata.HttpPutResponseHopLimit), Is.EqualTo(("required", "enabled", 1)));
        var ebs = (await template.BlockDeviceMappings.ValueAsync()).Single().Ebs!;
        Assert.That((ebs.Encrypted, ebs.VolumeType, ebs.VolumeSize, ebs.DeleteOnTermination), Is.EqualTo(("true", "gp3", 20, "true")));
        Assert.That((await template.Monitoring.ValueAsync())!.Enabled, Is.False);

        var script = Encoding.UTF8.GetString(Convert.FromBase64String((await template.UserData.ValueAsync())!));
        Assert.That(script, Does.StartWith("#!/bin/bash\n"));
        Assert.That(script, Does.Contain("ROLE='web'\nDB_HOST='db.internal'\nASSET_HOST='assets0.example.com'\n"));
        Assert.That((await template.TagSpecifications.ValueAsync()).Select(spec => spec.ResourceType), Is.EquivalentTo(new[] { "instance", "volume" }));
    }

    [Test]
    public async Task Burstable_types_get_their_credit_mode_explicitly_and_other_types_none()
    {
        // Left unset, AWS launches T3, T3a and T4g in unlimited mode (RunInstances CreditSpecification).
        var burstable = graph(await Build("worker", Worker()));
        Assert.That((await burstable.CreditSpecification.ValueAsync())?.CpuCredits, Is.EqualTo("standard"));
        var unlimited = graph(await Build("worker", Worker() with { CreditSpecification = "unlimited" }));
        Assert.That((await unlimited.CreditSpecification.ValueAsync())?.CpuCredits, Is.EqualTo("unlimited"));
        var fixedPerformance = graph(await Build("worker", Worker() with { InstanceType = "m7g.large" }));
        Assert.That(await fixedPerformance.CreditSpecification.ValueAsync(), Is.Null);
        Assert.That((Worker() with { CreditSpecification = "burst" }).Validate("worker").Select(problem => problem.ToString()),
            Does.Contain("worker.creditSpecification = 'burst': must be one of standard, unlimited"));

        static Aws.Ec2.LaunchTemplate graph((Graph Graph, AutoScaledTier Tier) built) => built.Graph.All<Aws.Ec2.LaunchTemplate>().Single();
    }

    [Test]
    public async Task The_image_is_resolved_by_EC2_at_launch_so_a_new_AWS_image_does_not_change_the_template()
    {
        var (graph, _) = await Build("worker", Worker());
        var imageId = await graph.All<Aws.Ec2.LaunchTemplate>().Single().ImageId.ValueAsync();
        Assert.That(imageId, Is.EqualTo("resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"));
    }

    [Test]
    public async Task A_pinned_image_id_goes_into_the_template_as_written()
    {
        var (graph, _) = await Build("worker", Worker() with { Ami = new AmiArgs { Id = "ami-0123456789abcdef0" } });
        Assert.That(await graph.All<Aws.Ec2.LaunchTemplate>().Single().ImageId.ValueAsync(), Is.EqualTo("ami-0123456789abcdef0"));
    }

    [Test]
    public async Task The_web_group_has_its_bounds_subnets_target_groups_health_checks_and_rolling_refresh()
    {
        var (graph, tier) = await Build("web", Web());
        var group = graph.All<Aws.AutoScaling.Group>().Single();
        Assert.That((await group.MinSize.ValueAsync(), await group.MaxSize.ValueAsync(), await group.DesiredCapacity.ValueAsync()), Is.EqualTo((2, 4, 2)));
        Assert.That(await group.VpcZoneIdentifiers.ValueAsync(), Is.EqualTo(new[] { "subnet-a", "subnet-b" }));
        Assert.That(await group.TargetGroupArns.ValueAsync(), Has.Length.EqualTo(1));
        Assert.That((await group.HealthCheckType.ValueAsync(), await group.HealthCheckGracePeriod.ValueAsync()), Is.EqualTo(("ELB", (int?)300)));
        Assert.That(await group.DefaultCooldown.ValueAsync(), Is.EqualTo(120));
        Assert.That(await group.TerminationPolicies.ValueAsync(), Is.EqualTo(new[] { "OldestLaunchTemplate", "OldestInstance" }));
        var tags = await group.Tags.ValueAsync();
        Assert.That(tags.All(tag => tag.PropagateAtLaunch), Is.True);
        Assert.That(tags.Single(tag => tag.Key == "Role").Value, Is.EqualTo("web"));
        var refresh = (await group.InstanceRefresh.ValueAsync())!;
        Assert.That((refresh.Strategy, refresh.Preferences!.MinHealthyPercentage), Is.EqualTo(("Rolling", (int?)90)));
        var launch = (await group.LaunchTemplate.ValueAsync())!;
        Assert.That(launch.Version, Is.EqualTo("1"));
        Assert.That(launch.Id, Is.EqualTo(await tier.LaunchTemplateId.ValueAsync()));
        Assert.That(await group.EnabledMetrics.ValueAsync(), Has.Length.EqualTo(8));

        var hook = graph.All<Aws.AutoScaling.LifecycleHook>().Single();
        Assert.That((await hook.LifecycleTransition.ValueAsync(), await hook.HeartbeatTimeout.ValueAsync(), await hook.DefaultResult.ValueAsync()),
            Is.EqualTo(("autoscaling:EC2_INSTANCE_TERMINATING", (int?)300, "CONTINUE")));
    }

    [Test]
    public async Task Alarms_watch_cpu_and_latency_and_trigger_only_their_own_step_policy()
    {
        var (graph, tier) = await Build("web", Web());
        var policies = await tier.PolicyArns.ValueAsync();
        var groupName = await tier.GroupName.ValueAsync();

        var cpuHigh = graph.Single<Aws.CloudWatch.MetricAlarm>("web-cpu-high");
        Assert.That((await cpuHigh.Namespace.ValueAsync(), await cpuHigh.MetricName.ValueAsync(), await cpuHigh.Period.ValueAsync(),
            await cpuHigh.Threshold.ValueAsync(), await cpuHigh.ComparisonOperator.ValueAsync()),
            Is.EqualTo(((string?)"AWS/EC2", (string?)"CPUUtilization", (int?)300, (double?)70, "GreaterThanOrEqualToThreshold")));
        Assert.That(await cpuHigh.Dimensions.ValueAsync(), Is.EqualTo(new Dictionary<string, string> { ["AutoScalingGroupName"] = groupName }));
        // Scaling alarms drive scaling only: no human is mailed on their ALARM or OK (they flip with each burst).
        Assert.That(await cpuHigh.AlarmActions.ValueAsync(), Is.EqualTo(new[] { policies["cpu-high"] }));
        Assert.That((await cpuHigh.OkActions.ValueAsync()).IsDefaultOrEmpty, Is.True);

        var cpuLow = graph.Single<Aws.CloudWatch.MetricAlarm>("web-cpu-low");
        Assert.That((await cpuLow.Threshold.ValueAsync(), await cpuLow.ComparisonOperator.ValueAsync()), Is.EqualTo(((double?)30, "LessThanThreshold")));
        Assert.That((await cpuLow.AlarmActions.ValueAsync())[0], Is.EqualTo(policies["cpu-low"]));

        var latency = graph.Single<Aws.CloudWatch.MetricAlarm>("web-latency-high");
        Assert.That((await latency.Namespace.ValueAsync(), await latency.MetricName.ValueAsync(), await latency.Statistic.ValueAsync(),
            await latency.Threshold.ValueAsync(), await latency.TreatMissingData.ValueAsync(), await latency.Period.ValueAsync()),
            Is.EqualTo(((string?)"AWS/ApplicationELB", (string?)"TargetResponseTime", (string?)"Average", (double?)1.0, (string?)"notBreaching", (int?)60)));
        Assert.That(await latency.Dimensions.ValueAsync(), Is.EqualTo(new Dictionary<string, string>
        {
            ["TargetGroup"] = "targetgroup/web-8080/abc", ["LoadBalancer"] = "app/web/def",
        }));

        var up = graph.Single<Aws.AutoScaling.Policy>("web-cpu-high");
        var step = (await up.StepAdjustments.ValueAsync()).Single();
        Assert.That((step.ScalingAdjustment, step.MetricIntervalLowerBound, step.MetricIntervalUpperBound), Is.EqualTo((1, (string?)"0", (string?)null)));
        Assert.That((await up.PolicyType.ValueAsync(), await up.AdjustmentType.ValueAsync()), Is.EqualTo(((string?)"StepScaling", (string?)"ChangeInCapacity")));
        var down = (await graph.Single<Aws.AutoScaling.Policy>("web-cpu-low").StepAdjustments.ValueAsync()).Single();
        Assert.That((down.ScalingAdjustment, down.MetricIntervalLowerBound, down.MetricIntervalUpperBound), Is.EqualTo((-1, (string?)null, (string?)"0")));
    }

    [Test]
    public async Task Schedules_hold_three_servers_on_weekdays_from_eight_to_nine_and_two_otherwise()
    {
        var (graph, _) = await Build("web", Web());
        var schedules = new List<(string?, string?, int?, int?, int?)>();
        foreach (var schedule in graph.All<Aws.AutoScaling.Schedule>())
            schedules.Add((await schedule.Recurrence.ValueAsync(), await schedule.TimeZone.ValueAsync(), await schedule.MinSize.ValueAsync(),
                await schedule.DesiredCapacity.ValueAsync(), await schedule.MaxSize.ValueAsync()));
        Assert.That(schedules, Is.EquivalentTo(new[]
        {
            ((string?)"0 8 * * MON-FRI", (string?)"America/New_York", (int?)3, (int?)3, (int?)4),
            ("0 21 * * MON-FRI", "America/New_York", 2, 2, 4),
        }));
    }

    /// <summary>A refresh reads back what the last schedule set; an update must not undo it. AWS accepts a scheduled
    /// action with any bounds of its own (PutScheduledUpdateGroupAction), so one may raise the group's maximum.</summary>
    [Test]
    public async Task Bounds_a_schedule_moves_are_left_to_the_schedules_on_update()
    {
        static IEnumerable<string> Ignored(Graph graph) => graph.Capture.OptionsOf(graph.Single<Aws.AutoScaling.Group>("web")).IgnoreChanges;
        var (seeds, _) = await Build("web", Web());
        Assert.That(Ignored(seeds), Is.EquivalentTo(new[] { "desiredCapacity", "minSize" }), "the seeds' schedules move min (3 and 2 around the group's 2), never max");
        var (peak, _) = await Build("web", Web(a => a with { Schedules = [new("peak", "0 8 * * MON-FRI", "UTC", 2, 9, 6)] }));
        Assert.That(Ignored(peak), Is.EquivalentTo(new[] { "desiredCapacity", "maxSize" }), "a schedule above the group's max of 4");
        Assert.That(await peak.All<Aws.AutoScaling.Schedule>().Single().MaxSize.ValueAsync(), Is.EqualTo(9));
        var (none, _) = await Build("web", Web(a => a with { Schedules = [] }));
        Assert.That(Ignored(none), Is.EqualTo(new[] { "desiredCapacity" }));
    }

    [Test]
    public async Task Notifications_cover_launches_terminations_and_errors_and_email_subscribers()
    {
        var (graph, tier) = await Build("web", Web());
        var notification = graph.All<Aws.AutoScaling.Notification>().Single();
        Assert.That((await notification.Notifications.ValueAsync()).Select(type => type.ToString()), Is.EquivalentTo(new[]
        {
            "autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_TERMINATE",
            "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
        }));
        Assert.That(await notification.TopicArn.ValueAsync(), Is.EqualTo(await tier.TopicArn.ValueAsync()));
        var subscription = graph.All<Aws.Sns.TopicSubscription>().Single();
        Assert.That((await subscription.Protocol.ValueAsync(), await subscription.Endpoint.ValueAsync()), Is.EqualTo(("email", "ops@example.com")));
    }

    [Test]
    public async Task The_worker_scales_on_queue_backlog_with_ec2_health_checks_and_no_load_balancer()
    {
        var (graph, tier) = await Build("worker", Worker());
        var group = graph.All<Aws.AutoScaling.Group>().Single();
        Assert.That(await group.HealthCheckType.ValueAsync(), Is.EqualTo("EC2"));
        Assert.That(await group.TargetGroupArns.ValueAsync(), Is.Empty);
        var high = graph.Single<Aws.CloudWatch.MetricAlarm>("worker-queue-high");
        Assert.That((await high.Namespace.ValueAsync(), await high.MetricName.ValueAsync(), await high.Threshold.ValueAsync(), await high.ComparisonOperator.ValueAsync()),
            Is.EqualTo(((string?)"AWS/SQS", (string?)"ApproximateNumberOfMessagesVisible", (double?)20, "GreaterThanThreshold")));
        Assert.That(await high.Dimensions.ValueAsync(), Is.EquivalentTo(new Dictionary<string, string> { ["QueueName"] = "jobs-abc" }));
        Assert.That((await high.Period.ValueAsync(), await high.EvaluationPeriods.ValueAsync()), Is.EqualTo(((int?)60, 2)), "more than 20 for 2 minutes");
        var low = graph.Single<Aws.CloudWatch.MetricAlarm>("worker-queue-low");
        Assert.That((await low.Threshold.ValueAsync(), await low.ComparisonOperator.ValueAsync()), Is.EqualTo(((double?)5, "LessThanThreshold")));
        Assert.That(await low.Dimensions.ValueAsync(), Is.EquivalentTo(new Dictionary<string, string> { ["QueueName"] = "jobs-abc" }));
        Assert.That((await low.Period.ValueAsync(), await low.EvaluationPeriods.ValueAsync()), Is.EqualTo(((int?)60, 45)), "45 minutes is 45 one-minute periods");
        Assert.That(await tier.TopicArn.ValueAsync(), Is.Null);
        Assert.That(await tier.ScaleOutReactionSeconds.ValueAsync(), Is.EqualTo(60 * 2 + 120));
        var script = Encoding.UTF8.GetString(Convert.FromBase64String((await graph.All<Aws.Ec2.LaunchTemplate>().Single().UserData.ValueAsync())!));
        Assert.That(script, Does.Contain("ROLE='worker'").And.Not.Contain("ASSET_HOST"));
        Assert.That(script, Does.Contain("QUEUE_URL='https://sqs.us-east-1.amazonaws.com/123456789012/jobs-abc'\n"));
    }

    static async Task<JsonElement[]> QueueStatements(AutoScaledTierArgs args)
    {
        var (graph, _) = await Build("tier", args);
        var policy = graph.OfType("aws:iam/rolePolicy:RolePolicy").Single(p => p.Name == "tier-queue");
        return [.. JsonDocument.Parse((string)policy.Inputs["policy"]).RootElement.GetProperty("Statement").EnumerateArray()];
    }

    static string[] Actions(JsonElement statement) => statement.GetProperty("Action") is { ValueKind: JsonValueKind.Array } many
        ? [.. many.EnumerateArray().Select(action => action.GetString()!)]
        : [statement.GetProperty("Action").GetString()!];

    [Test]
    public async Task Workers_may_receive_delete_and_extend_only_their_queue_and_web_servers_only_send()
    {
        var consume = (await QueueStatements(Worker())).Single();
        Assert.That(Actions(consume), Is.EquivalentTo(new[] { "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility" }));
        Assert.That(consume.GetProperty("Resource").GetString(), Is.EqualTo(QueueArn));

        var send = (await QueueStatements(Web(a => a with { Queue = Queue(QueueUse.Send) }))).Single();
        Assert.That((Actions(send).Single(), send.GetProperty("Resource").GetString()), Is.EqualTo(("sqs:SendMessage", QueueArn)));
    }

    [Test]
    public async Task A_customer_key_on_the_queue_adds_exactly_the_kms_actions_each_side_needs_on_that_key()
    {
        const string key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        var worker = await QueueStatements(Worker() with { Queue = Queue(QueueUse.Consume, key) });
        Assert.That((Actions(worker[1]).Single(), worker[1].GetProperty("Resource").GetString()), Is.EqualTo(("kms:Decrypt", key)));
        var web = await QueueStatements(Web(a => a with { Queue = Queue(QueueUse.Send, key) }));
        Assert.That(Actions(web[1]), Is.EquivalentTo(new[] { "kms:GenerateDataKey", "kms:Decrypt" }));
    }

    [Test]
    public async Task Backlog_target_tracking_divides_the_queues_visible_messages_by_in_service_instances()
    {
        var (graph, tier) = await Build("worker", Worker() with { ScalingRules = [], BacklogTarget = new BacklogTargetArgs(10) });
        Assert.That(graph.All<Aws.CloudWatch.MetricAlarm>(), Is.Empty, "target tracking owns its alarms; dead letters page from the monitoring component");
        var policy = graph.Single<Aws.AutoScaling.Policy>("worker-backlog");
        Assert.That(await policy.PolicyType.ValueAsync(), Is.EqualTo("TargetTrackingScaling"));
        var tracking = (await policy.TargetTrackingConfiguration.ValueAsync())!;
        Assert.That(tracking.TargetValue, Is.EqualTo(10));
        var metrics = tracking.CustomizedMetricSpecification!.Metrics.ToDictionary(metric => metric.Id);
        Assert.That(metrics["backlog"].Expression, Is.EqualTo("(visible + inFlight) / instances"));
        Assert.That(metrics.Values.Where(metric => metric.ReturnData == true).Select(metric => metric.Id), Is.EqualTo(new[] { "backlog" }));
        var visible = metrics["visible"].MetricStat!.Metric;
        Assert.That((visible.Namespace, visible.MetricName, visible.Dimensions.Single().Value),
            Is.EqualTo(("AWS/SQS", "ApproximateNumberOfMessagesVisible", "jobs-abc")));
        var instances = metrics["instances"].MetricStat!.Metric;
        Assert.That((instances.MetricName, instances.Dimensions.Single().Value),
            Is.EqualTo(("GroupInServiceInstances", await graph.All<Aws.AutoScaling.Group>().Single().Name.ValueAsync())));
        Assert.That((await graph.All<Aws.AutoScaling.Group>().Single().EnabledMetrics.ValueAsync()).Select(metric => metric.ToString()), Does.Contain("GroupInServiceInstances"),
            "the group publishes the metric the policy divides by");
        Assert.That(await tier.ScaleOutReactionSeconds.ValueAsync(), Is.EqualTo(3 * 60 + 120));
    }

    [Test]
    public async Task The_resources_of_a_web_and_a_worker_tier_and_their_reaction_times()
    {
        var (web, webTier) = await Build("web", Web());
        var (worker, _) = await Build("worker", Worker());
        Assert.That(web.CountsByType(), Is.EquivalentTo(new Dictionary<string, int>
        {
            [AutoScaledTier.Type] = 1, ["aws:iam/role:Role"] = 1, ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] = 1,
            ["aws:iam/instanceProfile:InstanceProfile"] = 1, ["aws:iam/rolePolicy:RolePolicy"] = 2, ["aws:sns/topicPolicy:TopicPolicy"] = 1, ["aws:ec2/launchTemplate:LaunchTemplate"] = 1, ["aws:autoscaling/group:Group"] = 1,
            ["aws:autoscaling/lifecycleHook:LifecycleHook"] = 1, ["aws:sns/topic:Topic"] = 1, ["aws:sns/topicSubscription:TopicSubscription"] = 1,
            ["aws:autoscaling/notification:Notification"] = 1, ["aws:autoscaling/policy:Policy"] = 3, ["aws:cloudwatch/metricAlarm:MetricAlarm"] = 3,
            ["aws:autoscaling/schedule:Schedule"] = 2,
        }));
        Assert.That(worker.Registrations, Has.Count.EqualTo(14), "with the queue policy; the dead letters page from the monitoring component");
        Assert.That(await webTier.ScaleOutReactionSeconds.ValueAsync(), Is.EqualTo(60 * 3 + 120));
    }

    [Test]
    public async Task The_instance_role_gets_ssm_core_and_an_agent_policy_narrower_than_the_managed_one()
    {
        var (graph, _) = await Build("web", Web());
        Assert.That(graph.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").Select(r => r.Inputs["policyArn"]),
            Is.EqualTo(new[] { "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }));
        Assert.That(graph.OfType("aws:iam/rolePolicy:RolePolicy").Select(policy => policy.Name), Is.EquivalentTo(new[] { "web-cloudwatch-agent", "web-drain" }),
            "without a queue: the agent and the drain hook");
        var agent = JsonDocument.Parse((string)graph.OfType("aws:iam/rolePolicy:RolePolicy").Single(p => p.Name == "web-cloudwatch-agent").Inputs["policy"])
            .RootElement.GetProperty("Statement").EnumerateArray().ToDictionary(statement => statement.GetProperty("Sid").GetString()!);
        Assert.That(agent["AgentMetrics"].GetProperty("Condition").GetProperty("StringEquals").GetProperty("cloudwatch:namespace").GetString(), Is.EqualTo("CWAgent"));
        const string logGroup = "arn:aws:logs:us-east-1:123456789012:log-group:/infra/test/web";
        Assert.That(agent["TierLogs"].GetProperty("Resource").EnumerateArray().Select(resource => resource.GetString()),
            Is.EqualTo(new[] { logGroup, $"{logGroup}:log-stream:*" }), "the stack's own region, account and log group (the test engine's stack is test)");
        var parameter = agent["AgentConfiguration"].GetProperty("Resource").GetString()!;
        Assert.That(parameter, Does.StartWith("arn:aws:ssm:us-east-1:123456789012:parameter/AmazonCloudWatch-").And.EndWith("-test-web").And.Not.Contain("*"));
        var script = Encoding.UTF8.GetString(Convert.FromBase64String((await graph.All<Aws.Ec2.LaunchTemplate>().Single().UserData.ValueAsync())!));
        Assert.That(script, Does.Contain("CLOUDWATCH_LOG_GROUP='/infra/test/web'\n").And.Contain($"CLOUDWATCH_CONFIG_PARAMETER='{parameter.Split('/')[^1]}'\n"),
            "the instance learns the names its role allows");
        Assert.That((string)graph.OfType("aws:iam/role:Role").Single().Inputs["assumeRolePolicy"], Does.Contain("ec2.amazonaws.com"));
    }

    [Test]
    public async Task A_terminating_instance_can_complete_its_own_groups_drain_hook_and_no_other()
    {
        var (graph, tier) = await Build("worker", Worker() with { TerminationDrainSeconds = 900 });
        var group = graph.All<Aws.AutoScaling.Group>().Single();
        var hook = graph.All<Aws.AutoScaling.LifecycleHook>().Single();
        var groupName = await group.Name.ValueAsync();
        Assert.That(await hook.AutoscalingGroupName.ValueAsync(), Is.EqualTo(groupName));
        Assert.That(await hook.HeartbeatTimeout.ValueAsync(), Is.EqualTo(900));

        var inline = graph.OfType("aws:iam/rolePolicy:RolePolicy").Single(policy => policy.Name == "worker-drain");
        Assert.That(inline.Inputs["role"], Is.EqualTo(await graph.All<Aws.Iam.Role>().Single().Id.ValueAsync()));
        var statement = JsonDocument.Parse((string)inline.Inputs["policy"]).RootElement.GetProperty("Statement")[0];
        Assert.That(statement.GetProperty("Action").EnumerateArray().Select(action => action.GetString()),
            Is.EquivalentTo(new[] { "autoscaling:CompleteLifecycleAction", "autoscaling:RecordLifecycleActionHeartbeat" }));
        Assert.That(statement.GetProperty("Resource").GetString(), Is.EqualTo(await tier.GroupArn.ValueAsync()));

        var script = Encoding.UTF8.GetString(Convert.FromBase64String((await graph.All<Aws.Ec2.LaunchTemplate>().Single().UserData.ValueAsync())!));
        Assert.That(script, Does.Contain($"ASG_NAME='{groupName}'\nLIFECYCLE_HOOK='{await hook.Name.ValueAsync()}'\n"));
        Assert.That(script, Does.Contain("meta-data/$1").And.Contain("autoscaling/target-lifecycle-state").And.Contain("complete-lifecycle-action"));
        Assert.That(script, Does.Contain("systemctl enable --now app-drain.service"));
    }

    [Test]
    public async Task A_latency_rule_gets_one_alarm_per_target_group_that_receives_traffic()
    {
        var suffixes = new Dictionary<string, Output<string>>
        {
            ["8080"] = Output.Create("targetgroup/web-8080/abc"), ["8443"] = Output.Create("targetgroup/web-8443/def"),
        };
        var (graph, _) = await Build("web", Web(a => a with { TargetGroupArnSuffixes = suffixes, ScalingRules = [ScalingRule.LatencyHigh()] }));
        var alarms = graph.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").ToList();
        Assert.That(alarms.Select(alarm => alarm.Name), Is.EquivalentTo(new[] { "web-latency-high-8080", "web-latency-high-8443" }));
        Assert.That(alarms.Select(alarm => ((ImmutableDictionary<string, object>)alarm.Inputs["dimensions"])["TargetGroup"]),
            Is.EquivalentTo(new[] { "targetgroup/web-8080/abc", "targetgroup/web-8443/def" }));
        var policy = await graph.All<Aws.AutoScaling.Policy>().Single().Arn.ValueAsync();
        Assert.That(alarms.All(alarm => ((ImmutableArray<object>)alarm.Inputs["alarmActions"]).Contains(policy)), Is.True);
    }

    [Test]
    public void Detailed_monitoring_decides_whether_one_minute_cpu_alarms_are_allowed()
    {
        var oneMinute = Web(a => a with { ScalingRules = [ScalingRule.CpuHigh(periodSeconds: 60)] });
        Assert.That(oneMinute.Validate("web").Select(p => p.ToString()),
            Has.Some.Contains("web.scalingRules.cpu-high.periodSeconds = 60: EC2 metrics come every 300 s without detailed monitoring"));
        Assert.That((oneMinute with { DetailedMonitoring = true }).Validate("web"), Is.Empty);
    }

    static IEnumerable<TestCaseData> Mistakes()
    {
        TestCaseData Case(Func<AutoScaledTierArgs, AutoScaledTierArgs> change, string message) => new TestCaseData(change, message).SetName(message);
        yield return Case(a => a with { MinSize = 3, DesiredCapacity = 2 }, "web.desiredCapacity = 2: must satisfy minSize (3) <= desiredCapacity <= maxSize (4)");
        yield return Case(a => a with { DesiredCapacity = 5 }, "web.desiredCapacity = 5: must satisfy");
        yield return Case(a => a with { InstanceType = "large" }, "web.instanceType = 'large': must be an EC2 instance type");
        yield return Case(a => a with { Ami = new AmiArgs { Id = "ami-xyz" } }, "web.ami.id = 'ami-xyz': must be an AMI id");
        yield return Case(a => a with { InstanceType = "m7g.large", Ami = new AmiArgs { SsmParameter = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64" } },
            "names x86_64 images but m7g.large runs arm64");
        yield return Case(a => a with { RootVolumeGb = 4 }, "web.rootVolumeGb = 4: must be between 8 and 16384");
        yield return Case(a => a with { TerminationPolicies = ["Random"] }, "web.terminationPolicies[0] = 'Random': must be one of OldestInstance");
        yield return Case(a => a with { TerminationDrainSeconds = 10 }, "web.terminationDrainSeconds = 10: must be between 30 and 7200");
        yield return Case(a => a with { MaxInstanceLifetimeSeconds = 3600 }, "web.maxInstanceLifetimeSeconds = 3600: must be 0 (off) or between 86400");
        yield return Case(a => a with { ScalingRules = [ScalingRule.CpuHigh() with { Steps = [new(0, 10, 1), new(20, null, 2)] }] }, "steps must be contiguous and must not overlap");
        yield return Case(a => a with { ScalingRules = [ScalingRule.CpuHigh() with { Steps = [new(0, 20, 1), new(10, null, 2)] }] }, "steps must be contiguous and must not overlap");
        yield return Case(a => a with { ScalingRules = [ScalingRule.CpuHigh() with { Steps = [new(5, null, 1)] }] }, "for a Greater... alarm the steps must cover [0, +inf)");
        yield return Case(a => a with { ScalingRules = [ScalingRule.CpuLow() with { Steps = [new(null, 0, -1), new(0, null, 1)] }] }, "for a Less... alarm the steps must cover (-inf, 0]");
        yield return Case(a => a with { ScalingRules = [ScalingRule.CpuHigh() with { MinAdjustmentMagnitude = 2 }] }, "web.scalingRules.cpu-high.minAdjustmentMagnitude = 2: only applies to PercentChangeInCapacity");
        yield return Case(a => a with { ScalingRules = [ScalingRule.CpuHigh() with { AdjustmentType = "Double" }] }, "web.scalingRules.cpu-high.adjustmentType = 'Double': must be one of ChangeInCapacity");
        yield return Case(a => a with { ScalingRules = [ScalingRule.CpuHigh() with { Comparison = "Above" }] }, "web.scalingRules.cpu-high.comparison = 'Above': must be one of");
        yield return Case(a => a with { ScalingRules = [ScalingRule.LatencyHigh() with { PeriodSeconds = 90 }] }, "web.scalingRules.latency-high.periodSeconds = 90: AWS/ApplicationELB metrics come every 60 s: use a multiple of 60");
        yield return Case(a => a with { ScalingRules = [ScalingRule.CpuHigh() with { EvaluationPeriods = 0 }] }, "web.scalingRules.cpu-high.evaluationPeriods = 0: must be 1 or more, and periodSeconds x evaluationPeriods at most 86400 s");
        yield return Case(a => a with { ScalingRules = [ScalingRule.CpuHigh(), ScalingRule.CpuHigh()] }, "web.scalingRules = 'cpu-high': rule names must be unique");
        yield return Case(a => a with { Schedules = [new("peak", "0 8 * * MON-FRI", "America/New_York", 4, 5, 3)] },
            "web.schedules[0].desiredCapacity = 3: must satisfy the schedule's minSize (4) <= desiredCapacity <= maxSize (5)");
        yield return Case(a => a with { Schedules = [new("peak", "0 8 * * MON-FRI", "America/New_York", 5, 3, 3)] }, "web.schedules[0].maxSize = 3: must be at least the schedule's minSize (5)");
        yield return Case(a => a with { TerminationPolicies = ["Default", "Random"] }, "web.terminationPolicies[1] = 'Random': must be one of OldestInstance");
        yield return Case(a => a with { InstanceType = "t3.small", Ami = new AmiArgs { SsmParameter = "/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id" } },
            "web.ami.ssmParameter = '/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id': names arm64 images but t3.small runs x86_64");
        yield return Case(a => a with { Schedules = [new("peak", "at eight", "America/New_York", 3, 4, 3)] }, "web.schedules[0].recurrence = 'at eight': must be a five-field cron expression");
        yield return Case(a => a with { Schedules = [new("peak", "0 8 * * *", "Mars/Olympus", 3, 4, 3)] }, "web.schedules[0].timeZone = 'Mars/Olympus': must be an IANA time zone");
        yield return Case(a => a with { Notifications = new NotificationArgs { Emails = ["ops-at-example"] } }, "web.notifications.emails[0] = 'ops-at-example': must be an email address");
        yield return Case(a => a with { UserData = new UserDataArgs { Environment = new Dictionary<string, string> { ["db-url"] = "x" } } }, "web.userData.environment.db-url = 'db-url': names must be upper-case");
    }

    [TestCaseSource(nameof(Mistakes))]
    public void Every_rule_fails_with_its_message(Func<AutoScaledTierArgs, AutoScaledTierArgs> change, string message)
    {
        Assert.That(Web(change).Validate("web").Select(p => p.ToString()), Has.Some.Contains(message));
    }

    [Test]
    public void A_web_tier_without_target_groups_is_a_wiring_error()
    {
        var engine = new TestEngine();
        var error = Assert.ThrowsAsync<RunException>(() => engine.RunAsync(() => { new AutoScaledTier("web", Web(a => a with { TargetGroupArns = null }), engine.Options()); }));
        Assert.That(error!.Message, Does.Contain("TargetGroupArns must be wired"));
    }

    [Test]
    public void The_seed_configurations_are_valid_and_invalid_args_register_nothing()
    {
        Assert.That(Web().Validate("web"), Is.Empty);
        Assert.That(Worker().Validate("worker"), Is.Empty);
        var engine = new TestEngine();
        Assert.ThrowsAsync<RunException>(() => engine.RunAsync(() => { new AutoScaledTier("web", Web(a => a with { MinSize = 9 }), engine.Options()); }));
        Assert.That(engine.Registrations, Is.Empty);
    }
}

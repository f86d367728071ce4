using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Plan;
using Infra.Plan.Checks;
using Infra.Plan.Simulate;
using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Tests.Stacks;

/// <summary>What pages a human, followed through the prod plan: from each forwarded target group, each group, the
/// distribution and the queues to their alarms, from the alarms to the paging topic, from the groups' instance refresh
/// back to the alarms; and the dashboard's body against CloudWatch's dashboard body structure.</summary>
public class MonitoringTests
{
    static readonly Lazy<Task<PlanDocument>> Prod = new(() => PlanRunner.RunAsync(StackRun.ProjectDirectory, "prod"));

    static async Task<PlanGraph> Graph() => new(await Prod.Value);

    static PlannedResource PagingTopic(PlanGraph graph) => graph.OfType("aws:sns/topic:Topic").Single(topic => topic.Name == "monitoring-paging");

    static IEnumerable<PlannedResource> AlarmsOn(PlanGraph graph, string metric) =>
        graph.OfType(Types.Alarm).Where(alarm => MetricsOf(alarm).Any(watched => watched.Name == metric));

    static JsonObject? Dimensions(PlannedResource alarm, string metric) => MetricsOf(alarm).First(watched => watched.Name == metric).Dimensions;

    static IEnumerable<string?> Actions(PlannedResource alarm, string key) => Items(alarm.Inputs[key]).Select(Text);

    [Test]
    public async Task Each_forwarded_target_group_pages_on_its_5xx_rate_and_unhealthy_targets_with_the_balancers_dimensions()
    {
        var graph = await Graph();
        var topic = Text(PagingTopic(graph).Outputs["arn"]);
        var forwarded = graph.Forwards.Select(pair => pair.TargetGroup).DistinctBy(group => group.Urn).ToList();
        Assert.That(forwarded, Is.Not.Empty);
        var balancer = Text(graph.OfType(Types.LoadBalancer).Single().Outputs["arnSuffix"]);
        foreach (var targetGroup in forwarded)
        {
            var suffix = Text(targetGroup.Outputs["arnSuffix"]);
            bool Mine(PlannedResource alarm, string metric) =>
                Text(Dimensions(alarm, metric)?["TargetGroup"]) == suffix && Text(Dimensions(alarm, metric)?["LoadBalancer"]) == balancer;

            var rate = AlarmsOn(graph, "HTTPCode_Target_5XX_Count").Single(alarm => Mine(alarm, "HTTPCode_Target_5XX_Count"));
            Assert.That(MetricsOf(rate).Select(metric => (metric.Namespace, metric.Name)),
                Is.EquivalentTo(new[] { ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"), ("AWS/ApplicationELB", "RequestCount") }), "a rate, not a raw count");
            Assert.That(Items(rate.Inputs["metricQueries"]).Single(query => Text(query["returnData"]) == "true")["expression"]?.ToString(),
                Does.Contain("/ requests"));
            Assert.That(MetricsOf(rate).All(metric => Text(metric.Dimensions?["TargetGroup"]) == suffix), "both metrics of the same target group");

            var unhealthy = AlarmsOn(graph, "UnHealthyHostCount").Single(alarm => Mine(alarm, "UnHealthyHostCount"));
            Assert.That(Text(unhealthy.Inputs["namespace"]), Is.EqualTo("AWS/ApplicationELB"));
            foreach (var alarm in new[] { rate, unhealthy })
            {
                Assert.That(Actions(alarm, "alarmActions"), Is.EqualTo(new[] { topic }));
                Assert.That(Text(alarm.Inputs["treatMissingData"]), Is.EqualTo("notBreaching"), "the balancer publishes only while requests flow");
            }
        }

        Assert.That(AlarmsOn(graph, "TargetResponseTime").Where(alarm => Text(alarm.Inputs["extendedStatistic"]) == "p99").Count(), Is.EqualTo(forwarded.Count));
        Assert.That(AlarmsOn(graph, "HTTPCode_ELB_5XX_Count").Count(), Is.EqualTo(1), "the balancer's own 5xx rate");
    }

    [Test]
    public async Task Each_group_pages_when_fewer_instances_serve_than_its_minimum_and_cloudfront_errors_page_from_us_east_1()
    {
        var graph = await Graph();
        var topic = Text(PagingTopic(graph).Outputs["arn"]);
        foreach (var group in graph.OfType(Types.Group))
        {
            var alarm = AlarmsOn(graph, "GroupInServiceInstances").Single(alarm => Text(Dimensions(alarm, "GroupInServiceInstances")?["AutoScalingGroupName"]) == Text(group.Inputs["name"]));
            Assert.That(Text(Dimensions(alarm, "GroupMinSize")?["AutoScalingGroupName"]), Is.EqualTo(Text(group.Inputs["name"])), "the minimum schedules set, not a constant");
            Assert.That(Actions(alarm, "alarmActions"), Is.EqualTo(new[] { topic }));
        }

        var distribution = graph.OfType(Types.Distribution).Single();
        var cdn = AlarmsOn(graph, "5xxErrorRate").Single();
        Assert.That((Text(cdn.Inputs["namespace"]), Text(cdn.Inputs["dimensions"]?["DistributionId"]), Text(cdn.Inputs["dimensions"]?["Region"])),
            Is.EqualTo(("AWS/CloudFront", Text(distribution.Outputs["id"]), "Global")));
        Assert.That(cdn.Provider, Is.Not.Null, "an explicit provider");
        Assert.That(graph.RegionOf(cdn), Is.EqualTo("us-east-1"));
        Assert.That(Actions(cdn, "alarmActions"), Is.EqualTo(new[] { topic }), "prod is in us-east-1, so the one topic serves");

        var deadLetters = graph.OfType(Types.Queue).Single(queue => queue.Name == "jobs-dlq");
        var dlq = AlarmsOn(graph, "ApproximateNumberOfMessagesVisible").Single(alarm => Actions(alarm, "alarmActions").Contains(topic));
        Assert.That(Text(dlq.Inputs["dimensions"]?["QueueName"]), Is.EqualTo(Text(deadLetters.Outputs["name"])));
        Assert.That(AlarmsOn(graph, "ApproximateAgeOfOldestMessage").Single().Inputs["dimensions"]?["QueueName"]?.ToString(),
            Is.EqualTo(Text(graph.OfType(Types.Queue).Single(queue => queue.Name == "jobs").Outputs["name"])));
    }

    [Test]
    public async Task Scaling_alarms_drive_scaling_only_and_the_paging_topic_is_encrypted_and_tls_only()
    {
        var graph = await Graph();
        var policies = graph.OfType("aws:autoscaling/policy:Policy").Select(policy => Text(policy.Outputs["arn"])).ToHashSet();
        var scaling = graph.OfType(Types.Alarm).Where(alarm => Actions(alarm, "alarmActions").Any(policies.Contains)).ToList();
        Assert.That(scaling, Is.Not.Empty);
        foreach (var alarm in scaling)
        {
            Assert.That(Actions(alarm, "alarmActions").All(policies.Contains), $"{alarm.Name} mails no one on ALARM");
            Assert.That(Actions(alarm, "okActions"), Is.Empty, $"{alarm.Name} mails no one on OK");
        }

        var paging = PagingTopic(graph);
        Assert.That(graph.Referenced(Text(paging.Inputs["kmsMasterKeyId"]))?.Type, Is.EqualTo("aws:kms/key:Key"), "a customer key CloudWatch may use");
        var policy = graph.OfType("aws:sns/topicPolicy:TopicPolicy").Single(policy => Text(policy.Inputs["arn"]) == Text(paging.Outputs["arn"]));
        Assert.That(Text(policy.Inputs["policy"]), Does.Contain("aws:SecureTransport"));
        Assert.That(graph.OfType("aws:sns/topicSubscription:TopicSubscription").Where(sub => Text(sub.Inputs["topic"]) == Text(paging.Outputs["arn"]))
            .Select(sub => (Text(sub.Inputs["protocol"]), Text(sub.Inputs["endpoint"]))), Is.EqualTo(new[] { ("email", "oncall@example.com") }));
    }

    [Test]
    public async Task Both_groups_instance_refresh_stops_on_paging_alarms_without_automatic_rollback()
    {
        var graph = await Graph();
        var topic = Text(PagingTopic(graph).Outputs["arn"]);
        var paging = graph.OfType(Types.Alarm).Where(alarm => Actions(alarm, "alarmActions").Contains(topic)).Select(alarm => Text(alarm.Outputs["name"])).ToHashSet();
        foreach (var group in graph.OfType(Types.Group))
        {
            var preferences = group.Inputs["instanceRefresh"]?["preferences"];
            var alarms = Items(preferences?["alarmSpecification"]?["alarms"]).Select(Text).ToList();
            Assert.That(alarms, Is.Not.Empty.And.All.Matches<string>(paging.Contains), group.Name);
            Assert.That((Text(preferences?["autoRollback"]), Text(preferences?["skipMatching"]), Text(preferences?["scaleInProtectedInstances"])),
                Is.EqualTo(("false", "true", "Wait")), "hashicorp/terraform-provider-aws#34189: a rollback would return to the new template");
            Assert.That(Items(preferences?["checkpointPercentages"]).Select(Number).Last(), Is.EqualTo(100));
        }
    }

    /// <summary>CloudWatch's dashboard body structure: widgets with type, x, y, width, height and properties on a 24-column
    /// grid; a metric widget's metrics are arrays of [namespace, name, dimension, value, ..., {options}] with a region.</summary>
    [Test]
    public async Task The_dashboard_body_has_cloudwatchs_structure_and_names_the_stacks_own_resources()
    {
        var graph = await Graph();
        var body = Text(graph.OfType("aws:cloudwatch/dashboard:Dashboard").Single().Inputs["dashboardBody"])!;
        using var document = JsonDocument.Parse(body);
        var widgets = document.RootElement.GetProperty("widgets").EnumerateArray().ToList();
        Assert.That(widgets, Is.Not.Empty);
        foreach (var widget in widgets)
        {
            Assert.That(widget.GetProperty("type").GetString(), Is.AnyOf("metric", "text", "alarm", "log"));
            var (x, width, height) = (widget.GetProperty("x").GetInt32(), widget.GetProperty("width").GetInt32(), widget.GetProperty("height").GetInt32());
            Assert.That((x >= 0 && width is >= 1 and <= 24 && x + width <= 24, height is >= 1 and <= 1000, widget.GetProperty("y").GetInt32() >= 0), Is.EqualTo((true, true, true)));
            var properties = widget.GetProperty("properties");
            if (widget.GetProperty("type").GetString() != "metric")
                continue;
            Assert.That(properties.GetProperty("region").GetString(), Is.Not.Empty);
            foreach (var line in properties.GetProperty("metrics").EnumerateArray())
            {
                var parts = line.EnumerateArray().ToList();
                var names = parts.TakeWhile(part => part.ValueKind == JsonValueKind.String).Count();
                Assert.That(names >= 2 && names % 2 == 0 && parts.Count - names <= 1, line.ToString());
                Assert.That(parts[0].GetString(), Does.StartWith("AWS/"));
            }
        }

        var named = new[]
        {
            Text(graph.OfType(Types.LoadBalancer).Single().Outputs["arnSuffix"]),
            Text(graph.OfType(Types.Distribution).Single().Outputs["id"]),
        }.Concat(graph.Forwards.Select(pair => Text(pair.TargetGroup.Outputs["arnSuffix"])))
            .Concat(graph.OfType(Types.Group).Select(group => Text(group.Inputs["name"])))
            .Concat(graph.OfType(Types.Queue).Select(queue => Text(queue.Outputs["name"])));
        Assert.That(named, Has.All.Matches<string>(body.Contains));
    }

    [Test]
    public async Task The_prod_weekday_keeps_up_in_both_tiers_and_the_dashboard_draws_as_png()
    {
        var plan = await Prod.Value;
        var tiers = TierModel.From(plan);
        var result = new Simulator(new SimulationOptions()).Run("prod", tiers, Scenario.Weekday, _ => 0.1008);
        Assert.That(SimulationOutput.Findings(result, tiers, Scenario.Weekday, plan).Select(finding => finding.Rule), Has.None.EqualTo("SIM001"));

        var path = Path.Combine(Path.GetTempPath(), $"dashboard-{Guid.NewGuid():N}.png");
        try
        {
            DashboardCommand.Draw(DashboardCommand.Widgets(plan)!, result, tiers, path);
            Assert.That(File.ReadAllBytes(path).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

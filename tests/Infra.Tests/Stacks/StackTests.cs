using System.Collections.Immutable;
using System.Text.Json;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Stacks;

public class StackTests
{
    static Task<Graph> Dev() => StackRun.CommittedAsync("dev");
    static Task<Graph> Prod() => StackRun.CommittedAsync("prod");

    static async Task<T?> Value<T>(Output<T> output) => await output.ValueAsync();

    [Test]
    public async Task Dev_and_prod_differ_in_zones_and_nat_gateways_and_both_keep_flow_logs()
    {
        var (dev, prod) = (await Dev(), await Prod());
        Assert.That((dev.Count("aws:ec2/subnet:Subnet"), prod.Count("aws:ec2/subnet:Subnet")), Is.EqualTo((4, 6)));
        Assert.That((dev.Count("aws:ec2/natGateway:NatGateway"), prod.Count("aws:ec2/natGateway:NatGateway")), Is.EqualTo((1, 3)));
        Assert.That((dev.Count("aws:ec2/flowLog:FlowLog"), prod.Count("aws:ec2/flowLog:FlowLog")), Is.EqualTo((1, 1)));
        Assert.That(dev.OfType("aws:ec2/flowLog:FlowLog").Single().Inputs["trafficType"], Is.EqualTo("ALL"), "accepted traffic too, by default");
        Assert.That(dev.OfType("aws:ec2/vpc:Vpc").Single().Inputs["cidrBlock"], Is.EqualTo("10.20.0.0/16"));
        Assert.That(prod.OfType("aws:ec2/vpc:Vpc").Single().Inputs["cidrBlock"], Is.EqualTo("10.10.0.0/16"));
    }

    [Test]
    public async Task Dev_and_prod_differ_in_instances_bounds_monitoring_and_schedules()
    {
        var (dev, prod) = (await Dev(), await Prod());
        ImmutableDictionary<string, object> Template(Graph graph, string name) => graph.InputsOf(graph.Single<Aws.Ec2.LaunchTemplate>(name));
        ImmutableDictionary<string, object> Group(Graph graph, string name) => graph.InputsOf(graph.Single<Aws.AutoScaling.Group>(name));
        Assert.That((Template(dev, "web")["instanceType"], Template(prod, "web")["instanceType"]), Is.EqualTo(("t3.small", "m7i.large")));
        Assert.That(((ImmutableDictionary<string, object>)Template(prod, "web")["monitoring"])["enabled"], Is.EqualTo(true));
        Assert.That(((ImmutableDictionary<string, object>)Template(dev, "web")["monitoring"])["enabled"], Is.EqualTo(false));
        Assert.That((Group(dev, "web")["minSize"], Group(dev, "web")["maxSize"]), Is.EqualTo((1.0, 3.0)));
        Assert.That((Group(prod, "web")["minSize"], Group(prod, "web")["maxSize"]), Is.EqualTo((2.0, 6.0)));
        Assert.That(dev.Count("aws:autoscaling/schedule:Schedule"), Is.Zero);
        Assert.That(prod.OfType("aws:autoscaling/schedule:Schedule").Select(s => (s.Inputs["recurrence"], s.Inputs["desiredCapacity"])),
            Is.EquivalentTo(new[] { ((object)"0 8 * * MON-FRI", (object)3.0), ("0 21 * * MON-FRI", 2.0) }));
        Assert.That(prod.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Where(a => a.Inputs.GetValueOrDefault("namespace") is "AWS/EC2").Select(a => a.Inputs["period"]),
            Is.All.EqualTo(60.0));
        Assert.That(dev.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Where(a => a.Inputs.GetValueOrDefault("namespace") is "AWS/EC2").Select(a => a.Inputs["period"]),
            Is.All.EqualTo(300.0));
    }

    [Test]
    public async Task Dev_and_prod_differ_in_stickiness_protection_logs_and_price_class()
    {
        var (dev, prod) = (await Dev(), await Prod());
        string Stickiness(Graph graph) => (string)((ImmutableDictionary<string, object>)graph.OfType("aws:lb/targetGroup:TargetGroup").First().Inputs["stickiness"])["type"];
        Assert.That((Stickiness(dev), Stickiness(prod)), Is.EqualTo(("lb_cookie", "app_cookie")));
        var lb = (dev.OfType("aws:lb/loadBalancer:LoadBalancer").Single().Inputs, prod.OfType("aws:lb/loadBalancer:LoadBalancer").Single().Inputs);
        Assert.That((lb.Item1["enableDeletionProtection"], lb.Item2["enableDeletionProtection"]), Is.EqualTo((false, true)));
        Assert.That((lb.Item1.ContainsKey("accessLogs"), lb.Item2.ContainsKey("accessLogs")), Is.EqualTo((false, true)));
        string PriceClass(Graph graph) => (string)graph.OfType("aws:cloudfront/distribution:Distribution").Single().Inputs["priceClass"];
        Assert.That((PriceClass(dev), PriceClass(prod)), Is.EqualTo(("PriceClass_100", "PriceClass_All")));
        bool? Protected(Graph graph) => graph.Capture.OptionsOf(graph.Single<Aws.S3.Bucket>("assets-bucket")).Protect;
        Assert.That((Protected(dev), Protected(prod)), Is.EqualTo(((bool?)false, (bool?)true)));
        // Log buckets are always versioned (dev: the asset access logs; prod: those, the balancer's logs and the assets).
        Assert.That((dev.Count("aws:s3/bucketVersioning:BucketVersioning"), prod.Count("aws:s3/bucketVersioning:BucketVersioning")), Is.EqualTo((1, 3)));
        Assert.That((dev.Count("aws:iam/serverCertificate:ServerCertificate"), prod.Count("aws:iam/serverCertificate:ServerCertificate")), Is.EqualTo((1, 0)));
    }

    /// <summary>Every taggable resource's tags as the engine received them (a map, or the group's list), and the tags
    /// its instances and volumes get from the launch template.</summary>
    static IEnumerable<(Resource Resource, IReadOnlyDictionary<string, object> Tags)> Tagged(Graph graph)
    {
        foreach (var resource in graph.Resources.OfType<CustomResource>())
        {
            var argsType = resource.GetType().Assembly.GetType(resource.GetType().FullName + "Args");
            var tags = argsType?.GetProperty("Tags");
            if (tags is null)
                continue;
            var inputs = graph.InputsOf(resource);
            Assert.That(inputs.ContainsKey("tags"), Is.True, $"{resource.GetResourceType()} {resource.GetResourceName()} has no tags");
            yield return (resource, tags.PropertyType == typeof(InputMap<string>)
                ? (ImmutableDictionary<string, object>)inputs["tags"]
                : ((ImmutableArray<object>)inputs["tags"]).Cast<ImmutableDictionary<string, object>>().ToDictionary(tag => (string)tag["key"], tag => tag["value"]));
            if (inputs.TryGetValue("tagSpecifications", out var specifications))
                foreach (var specification in ((ImmutableArray<object>)specifications).Cast<ImmutableDictionary<string, object>>())
                    yield return (resource, (ImmutableDictionary<string, object>)specification["tags"]);
        }
    }

    static bool IsObject(Resource resource) => resource.GetResourceType() == "aws:s3/bucketObjectv2:BucketObjectv2";

    [Test]
    public async Task Every_taggable_resource_carries_the_common_tags_and_objects_only_the_stacks_own()
    {
        foreach (var graph in new[] { await Dev(), await Prod() })
        {
            var tagged = Tagged(graph).ToList();
            foreach (var (resource, tags) in tagged.Where(pair => !IsObject(pair.Resource)))
                Assert.That(tags, Does.ContainKey("project").And.ContainKey("stack").And.ContainKey("managed-by").And.ContainKey("owner"), resource.GetResourceName());
            Assert.That(tagged.Where(pair => IsObject(pair.Resource)).Select(pair => pair.Tags.Keys.Order()),
                Has.All.EqualTo(new[] { "managed-by", "project", "stack" }), "S3 bills object tags and reports cost per bucket: objects say who owns them, no more");
            Assert.That(tagged.Count(pair => !IsObject(pair.Resource)), Is.GreaterThan(40));
        }
    }

    /// <summary>AWS allows 50 tags per resource and 10 per S3 object; the stack adds 5 of its own at most (project,
    /// stack, managed-by, Name, Role), so 45 of the user's is the most every resource can carry.</summary>
    [Test]
    public async Task Forty_five_stack_tags_keep_every_resource_within_AWS_tag_limits()
    {
        var many = $"{{{string.Join(",", Enumerable.Range(0, 45).Select(i => $"\"team-{i}\":\"value {i}\""))}}}";
        var graph = await StackRun.RunAsync("dev", StackRun.With(("infra:tags", many)));
        var tagged = Tagged(graph).ToList();
        Assert.That(tagged.Max(pair => pair.Tags.Count), Is.EqualTo(50), "the tiers' resources carry all 50");
        Assert.That(tagged.Where(pair => IsObject(pair.Resource)).Select(pair => pair.Tags.Count), Is.Not.Empty.And.All.LessThanOrEqualTo(10));
    }

    [Test]
    public async Task The_stack_outputs_resolve_and_none_is_secret()
    {
        var graph = await Prod();
        Assert.That(graph.Outputs.Keys, Is.EquivalentTo(new[]
        {
            "siteUrl", "loadBalancerDnsName", "assetDomain", "assetHosts", "assetBucket", "webGroupName", "workerGroupName", "vpcId", "notificationTopicArn",
            "pagingTopicArn", "dashboardName", "queueUrl", "queueArn", "deadLetterQueueUrl",
            "loadBalancerZoneId", "region", "loadBalancerInternal", "loadBalancerDomainName",
        }));
        Assert.That(await Value((Output<string>)graph.Outputs["siteUrl"]!), Is.EqualTo("https://www.example.com"));
        Assert.That(await Value((Output<ImmutableArray<string>>)graph.Outputs["assetHosts"]!), Has.Length.EqualTo(4));
        foreach (var (name, value) in graph.Outputs)
        {
            var output = (Output<object?>)typeof(StackTests).GetMethod(nameof(Untyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(value!.GetType().GetGenericArguments()[0]).Invoke(null, [value])!;
            Assert.That(await output.IsSecretAsync(), Is.False, name);
            Assert.That(await output.IsKnownAsync(), Is.True, name);
            Assert.That(await output.ValueAsync(), Is.Not.Null, name);
        }
    }

    static Output<object?> Untyped<T>(Output<T> output) => output.Apply(value => (object?)value);

    [Test]
    public async Task The_asset_hosts_flow_into_the_web_servers_user_data()
    {
        var graph = await Prod();
        var userData = (string)graph.InputsOf(graph.Single<Aws.Ec2.LaunchTemplate>("web"))["userData"];
        var script = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(userData));
        Assert.That(script, Does.Contain("ASSET_HOST='assets0.example.com,assets1.example.com,assets2.example.com,assets3.example.com'"));
        Assert.That(script, Does.Contain("DB_HOST='db.prod.internal'"));
    }

    [Test]
    public async Task The_worker_notifies_the_same_topic_as_the_web_tier()
    {
        var graph = await Dev();
        Assert.That(graph.OfType("aws:sns/topic:Topic").Select(topic => topic.Name), Is.EquivalentTo(new[] { "web-events", "monitoring-paging" }));
        var topics = graph.OfType("aws:autoscaling/notification:Notification").Select(n => n.Inputs["topicArn"]).Distinct();
        Assert.That(topics.Count(), Is.EqualTo(1));
        Assert.That(graph.OfType("aws:sns/topicSubscription:TopicSubscription").Select(s => s.Inputs["endpoint"]), Is.EqualTo(new[] { "dev-alerts@example.com" }),
            "dev pages no one until someone subscribes to the paging topic");
    }

    [Test]
    public async Task Resource_counts_of_dev_and_prod()
    {
        var (dev, prod) = (await Dev(), await Prod());
        TestContext.Out.WriteLine($"dev: {dev.Registrations.Count} resources; prod: {prod.Registrations.Count} resources");
        Assert.That(dev.Registrations.Count, Is.EqualTo(123));
        Assert.That(prod.Registrations.Count, Is.EqualTo(155));
    }
}

using System.Collections.Immutable;
using System.Text.Json;
using Infra.Plan;
using Infra.Plan.Checks;
using Pulumi.Testing;
using static Infra.Tests.Tools.PlanEdits;

namespace Infra.Tests.Stacks;

/// <summary>The example stacks of the two other balancer types (examples/), planned as a user would after copying one
/// beside Pulumi.yaml, and followed from the listeners to the web group.</summary>
public class BalancerTypeTests
{
    static string ExampleYaml(string stack) => File.ReadAllText(Path.Combine(StackRun.ProjectDirectory, "examples", $"Pulumi.{stack}.yaml"));

    static Task<(PlanDocument Plan, Graph Graph)> Example(string stack) => Stack(stack, ExampleYaml(stack));

    /// <summary>The passthrough example with TLS ended on the balancer's 443 and access logs on.</summary>
    static readonly Lazy<Task<(PlanDocument Plan, Graph Graph)>> NetworkWithTls = new(() => Stack("nlb-tls", ExampleYaml("passthrough")
        .Replace("{ port: 443, protocol: TCP, targetPort: 8443, targetProtocol: TCP }", "{ port: 443, protocol: TLS, targetPort: 8080, targetProtocol: TCP }")
        .Replace("    type: network\n", "    type: network\n    certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/6f1c2b9e-2d4a-4c8e-9b7a-3e5f1a2b4c6d\n    accessLogs: { retentionDays: 30 }\n")));

    static async Task<(PlanDocument Plan, Graph Graph)> Stack(string stack, string yaml)
    {
        using var project = ProjectCopy.With(stack, yaml);
        var plan = await PlanRunner.RunAsync(project.Path, stack);
        var engine = new TestEngine();
        using var _ = Infra.Plan.Mocks.StackFile.Load(project.Path, stack).Apply();
        var graph = await engine.RunAsync(() => Infra.Stacks.WebStack.RunAsync(engine.Options()), TestEngine.Deploy(stack));
        return (plan, graph);
    }

    static ImmutableDictionary<string, object> Map(object value) => (ImmutableDictionary<string, object>)value;

    static int Number(object value) => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public async Task A_network_balancer_passes_tls_through_to_tcp_target_groups_checked_over_http()
    {
        var (plan, graph) = await Example("passthrough");
        Assert.That(plan.Findings, Is.Empty);
        var balancer = graph.OfType("aws:lb/loadBalancer:LoadBalancer").Single();
        Assert.That((balancer.Inputs["loadBalancerType"], balancer.Inputs["enableCrossZoneLoadBalancing"]), Is.EqualTo(("network", true)));
        var groups = graph.OfType("aws:lb/targetGroup:TargetGroup").ToDictionary(group => Number(group.Inputs["port"]));
        Assert.That(graph.OfType("aws:lb/listener:Listener").Select(listener => (Number(listener.Inputs["port"]), (string)listener.Inputs["protocol"])),
            Is.EquivalentTo(new[] { (80, "TCP"), (443, "TCP") }));
        Assert.That(groups.Keys, Is.EquivalentTo(new[] { 8080, 8443 }));
        foreach (var group in groups.Values)
        {
            var health = Map(group.Inputs["healthCheck"]);
            Assert.That(((string)group.Inputs["protocol"], (string)health["protocol"], (string)health["port"], (string)health["path"]),
                Is.EqualTo(("TCP", "HTTP", "8080", "/health")), "TCP targets, checked on HTTP:8080/health");
            Assert.That(group.Inputs["preserveClientIp"], Is.EqualTo("true"));
        }

        var web = graph.OfType("aws:autoscaling/group:Group").Single(group => group.Name == "web");
        Assert.That(((ImmutableArray<object>)web.Inputs["targetGroupArns"]).Length, Is.EqualTo(2));
        Assert.That(graph.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Select(alarm => alarm.Name), Does.Not.Contain("web-latency-high"),
            "a network balancer measures no response time: the web tier scales on CPU");
        Assert.That(graph.Count("aws:wafv2/webAcl:WebAcl"), Is.Zero, "WAF protects application balancers only");
    }

    [Test]
    public async Task The_seeds_classic_balancer_has_both_cookie_policies_their_health_check_and_connection_draining()
    {
        var (plan, graph) = await Example("seed-classic");
        Assert.That(plan.Findings, Is.Empty);
        var balancer = graph.OfType("aws:elb/loadBalancer:LoadBalancer").Single();
        var health = Map(balancer.Inputs["healthCheck"]);
        Assert.That(((string)health["target"], Number(health["interval"]), Number(health["healthyThreshold"]), Number(health["unhealthyThreshold"])),
            Is.EqualTo(("HTTP:8080/health", 20, 3, 5)));
        Assert.That((balancer.Inputs["connectionDraining"], Number(balancer.Inputs["connectionDrainingTimeout"]), balancer.Inputs["crossZoneLoadBalancing"]),
            Is.EqualTo((true, 300, true)));
        var listeners = ((ImmutableArray<object>)balancer.Inputs["listeners"]).Select(Map).ToList();
        Assert.That(listeners.Select(listener => (Number(listener["lbPort"]), (string)listener["lbProtocol"], Number(listener["instancePort"]))),
            Is.EquivalentTo(new[] { (80, "http", 8080), (443, "https", 8080) }));
        var name = graph.Resources.OfType<Pulumi.Aws.Elb.LoadBalancer>().Single();
        var elbName = await name.Name.ValueAsync();
        var lbCookie = graph.OfType("aws:elb/loadBalancerCookieStickinessPolicy:LoadBalancerCookieStickinessPolicy").Single().Inputs;
        Assert.That((Number(lbCookie["lbPort"]), Number(lbCookie["cookieExpirationPeriod"]), lbCookie["loadBalancer"]), Is.EqualTo((80, 3600, (object)elbName)));
        var appCookie = graph.OfType("aws:elb/appCookieStickinessPolicy:AppCookieStickinessPolicy").Single().Inputs;
        Assert.That((Number(appCookie["lbPort"]), appCookie["cookieName"]), Is.EqualTo((443, (object)"JSESSIONID")));

        var web = graph.OfType("aws:autoscaling/group:Group").Single(group => group.Name == "web");
        Assert.That(((ImmutableArray<object>)web.Inputs["loadBalancers"]).Single(), Is.EqualTo(elbName), "the group attaches by name");
        var latency = graph.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Single(alarm => alarm.Name == "web-latency-high").Inputs;
        Assert.That(((string)latency["namespace"], (string)latency["metricName"], Map(latency["dimensions"])["LoadBalancerName"]),
            Is.EqualTo(("AWS/ELB", "Latency", (object)elbName)));
        var tier = Infra.Plan.Simulate.TierModel.From(plan).Single(model => model.Name == "web");
        Assert.That((tier.Web, tier.HealthCheckInterval, tier.DeregistrationDelay), Is.EqualTo((true, 20, 300)));

        var logs = Map(balancer.Inputs["accessLogs"]);
        Assert.That((logs["bucketPrefix"], Number(logs["interval"]), logs["enabled"]), Is.EqualTo(("elb", 60, true)));
        Assert.That(Grants(graph, "web-lb-logs")["s3:PutObject"].GetProperty("Principal").GetProperty("AWS").GetString(), Is.EqualTo("arn:aws:iam::127311923021:root"),
            "us-east-1's Elastic Load Balancing account writes classic logs, as for an application balancer");

        var security = SecurityChecks.Run(plan, []);
        Assert.That(security.Where(finding => finding.Rule == "SEC005" && finding.Message.StartsWith("web-lb:", StringComparison.Ordinal)).Select(finding => finding.Message),
            Is.EqualTo(new[] { "web-lb: serves the site over plain HTTP on 80, and a classic balancer cannot redirect" }));
        Assert.That(security.Where(finding => finding.Rule == "SEC006").Select(finding => finding.Message), Has.None.StartWith("web-lb"), "its access logs are on");
        var applicationMetric = Edit(plan, Types.Alarm, "web-latency-high", inputs => (inputs["namespace"], inputs["metricName"]) = ("AWS/ApplicationELB", "TargetResponseTime"));
        Assert.That(PlanChecks.Run(applicationMetric).Single(finding => finding.Rule == "CW003").Message,
            Is.EqualTo("web-latency-high: AWS/ApplicationELB/TargetResponseTime watches web-lb, a classic load balancer, which publishes in AWS/ELB only; the alarm never sees data"));
    }

    static Dictionary<string, JsonElement> Grants(Graph graph, string bucketPolicy) =>
        JsonDocument.Parse((string)graph.OfType("aws:s3/bucketPolicy:BucketPolicy").Single(policy => policy.Name == bucketPolicy).Inputs["policy"])
            .RootElement.GetProperty("Statement").EnumerateArray().Where(statement => statement.GetProperty("Effect").GetString() == "Allow")
            .ToDictionary(statement => statement.GetProperty("Action").GetString()!);

    [Test]
    public async Task A_network_balancer_with_a_tls_listener_logs_to_a_bucket_that_delivery_logs_may_write()
    {
        var (plan, graph) = await NetworkWithTls.Value;
        Assert.That(plan.Findings, Is.Empty);
        var access = Map(graph.OfType("aws:lb/loadBalancer:LoadBalancer").Single().Inputs["accessLogs"]);
        Assert.That((access["enabled"], access["prefix"]), Is.EqualTo((true, "nlb")));
        var bucketArn = $"arn:aws:s3:::{access["bucket"]}";
        var grants = Grants(graph, "web-lb-logs");
        Assert.That(grants.Keys, Is.EquivalentTo(new[] { "s3:GetBucketAcl", "s3:PutObject" }), "AWS's documented NLB policy, no ELB account");
        Assert.That(grants["s3:GetBucketAcl"].GetProperty("Resource").GetString(), Is.EqualTo(bucketArn));
        Assert.That(grants["s3:PutObject"].GetProperty("Resource").GetString(), Is.EqualTo($"{bucketArn}/nlb/AWSLogs/{FakeAws.AccountId}/*"));
        Assert.That(grants["s3:PutObject"].GetProperty("Condition").GetProperty("StringEquals").GetProperty("s3:x-amz-acl").GetString(), Is.EqualTo("bucket-owner-full-control"));
        foreach (var grant in grants.Values)
        {
            Assert.That(grant.GetProperty("Principal").GetProperty("Service").GetString(), Is.EqualTo("delivery.logs.amazonaws.com"));
            var condition = grant.GetProperty("Condition");
            Assert.That((condition.GetProperty("StringEquals").GetProperty("aws:SourceAccount").GetString(), condition.GetProperty("ArnLike").GetProperty("aws:SourceArn").GetString()),
                Is.EqualTo((FakeAws.AccountId, $"arn:aws:logs:us-east-1:{FakeAws.AccountId}:*")), "only this account's log deliveries (confused deputy)");
        }
    }

    [Test]
    public async Task LB004_a_network_log_bucket_with_the_application_balancers_policy_or_no_tls_listener_is_refused()
    {
        var (plan, _) = await NetworkWithTls.Value;
        var bucket = plan.Resources.Single(resource => resource.Type == "aws:s3/bucket:Bucket" && resource.Name == "web-lb-logs");
        var bucketArn = PlanGraph.Text(bucket.Outputs["arn"]);
        var albPolicy = Edit(plan, "aws:s3/bucketPolicy:BucketPolicy", "web-lb-logs", inputs => inputs["policy"] =
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::127311923021:root"},"Action":"s3:PutObject","Resource":"{{bucketArn}}/nlb/AWSLogs/{{FakeAws.AccountId}}/*"}]}""");
        var finding = PlanChecks.Run(albPolicy).Single(finding => finding.Rule == "LB004");
        Assert.That(finding.Message, Is.EqualTo($"web-lb-logs: the access-log bucket of the network balancer web-lb does not let Service delivery.logs.amazonaws.com " +
            $"s3:GetBucketAcl on {bucketArn} and s3:PutObject on {bucketArn}/nlb/AWSLogs/{FakeAws.AccountId}/elasticloadbalancing/us-east-1/log.gz; AWS refuses to turn the logs on"));
        Assert.That(finding.Fix, Does.Contain("delivery.logs.amazonaws.com may s3:GetBucketAcl and s3:PutObject"));

        var noTls = WithoutNamed(plan, "web-lb-443");
        Assert.That(PlanChecks.Run(noTls).Where(finding => finding.Rule == "LB004").Select(finding => finding.Message),
            Is.EqualTo(new[] { "web-lb: a network load balancer writes access logs only for TLS listeners, and it has none" }));
    }

    [Test]
    public void Each_type_refuses_what_it_cannot_do()
    {
        static IEnumerable<string> Problems(Infra.Components.LoadBalancing.WebLoadBalancerArgs args) => args.Validate("loadBalancer").Select(p => p.ToString());
        var network = new Infra.Components.LoadBalancing.WebLoadBalancerArgs
        {
            Type = Infra.Components.LoadBalancing.LoadBalancerType.Network,
            Listeners = [new(443, "HTTPS", 8443, "HTTPS")],
            Stickiness = new() { Type = "lbCookie" },
        };
        Assert.That(Problems(network), Has.Some.StartsWith("loadBalancer.listeners[0].protocol = 'HTTPS': must be one of TCP, TLS, UDP, TCP_UDP")
            .And.Some.Contains("a network load balancer cannot use cookies"));
        var application = new Infra.Components.LoadBalancing.WebLoadBalancerArgs { Listeners = [new(80, "TCP", 8080, "TCP", "lbCookie")] };
        Assert.That(Problems(application), Has.Some.StartsWith("loadBalancer.listeners[0].protocol = 'TCP': must be one of HTTP, HTTPS")
            .And.Some.Contains("per-listener stickiness is a classic balancer's"));
    }
}

using System.Text.Json.Nodes;
using Infra.Plan;
using Infra.Plan.Checks;
using Infra.Tests.Stacks;
using static Infra.Tests.Tools.PlanEdits;

namespace Infra.Tests.Tools;

/// <summary>Each rule against a plan that breaks it: the committed prod or dev plan with one change, made through the
/// stack config where the config can express the defect, else by editing the planned graph.</summary>
public class PlanCheckTests
{
    static Task<PlanDocument> Plan(string stack, Func<Dictionary<string, string>, Dictionary<string, string>>? change = null) =>
        change is null ? StackRun.CommittedPlanAsync(stack) : PlanRunner.RunAsync(StackRun.ProjectDirectory, stack, change);

    /// <summary>Sets a nested value (dotted path) in an infra:* object key.</summary>
    static Func<Dictionary<string, string>, Dictionary<string, string>> Patch(string key, string path, JsonNode? value) => config =>
    {
        var root = JsonNode.Parse(config.GetValueOrDefault(key) ?? "{}")!.AsObject();
        var names = path.Split('.');
        var node = names[..^1].Aggregate(root, (current, name) => (current[name] ??= new JsonObject()).AsObject());
        node[names[^1]] = value;
        config[key] = root.ToJsonString();
        return config;
    };

    static string UrnOf(PlanDocument plan, string name, string? type = null) =>
        plan.Resources.Single(resource => resource.Name == name && (type is null || resource.Type == type)).Urn;

    static IReadOnlyList<Finding> Findings(PlanDocument plan, string rule) => [.. PlanChecks.Run(plan).Where(finding => finding.Rule == rule)];

    [TestCase("dev")]
    [TestCase("prod")]
    public async Task The_committed_stacks_plan_without_findings(string stack) =>
        Assert.That((await Plan(stack)).Findings.Select(finding => $"{finding.Rule} {finding.Message}"), Is.Empty);

    [Test]
    public void Every_rule_has_a_unique_id_and_a_title() =>
        Assert.That(PlanChecks.Rules.Select(rule => rule.Id), Is.Unique.And.All.Match(@"^[A-Z]+\d{3}$"));

    [Test]
    public async Task LB001_an_https_target_group_checked_over_http_stops_the_plan()
    {
        var plan = await Plan("prod", Patch("infra:loadBalancer", "healthCheck.protocol", "HTTP"));
        var finding = plan.Findings.Single(finding => finding.Rule == "LB001");
        Assert.That((finding.Severity, finding.Message), Is.EqualTo((Severity.Error,
            "web-lb-8443: HTTPS target group checked over HTTP; its targets never become healthy")));
        Assert.That(finding.Resources, Is.EqualTo(new[] { UrnOf(plan, "web-lb-8443") }));
    }

    [Test]
    public async Task LB002_a_health_check_port_the_instances_do_not_open_is_blocked()
    {
        var plan = WithoutNamed(await Plan("prod"), "network-instances-from-lb-8443");
        var finding = Findings(plan, "LB002").Single();
        Assert.That(finding.Message, Is.EqualTo("web-lb-8443: health checks of web on port 8443 are blocked (no ingress on network-instances for 8443)"));
        Assert.That(finding.Resources, Does.Contain(UrnOf(plan, "network-instances")).And.Contain(UrnOf(plan, "web", Types.Group)));
    }

    [Test]
    public async Task LB002_also_needs_the_balancers_egress_to_the_instances()
    {
        var plan = WithoutNamed(await Plan("prod"), "network-lb-to-instances-8443");
        Assert.That(Findings(plan, "LB002").Single().Message, Does.EndWith("(no egress from network-load-balancer for 8443)"));
    }

    [Test]
    public async Task LB003_a_forwarded_group_without_instances_is_an_error_and_an_unforwarded_one_a_warning()
    {
        var empty = Edit(await Plan("prod"), Types.Group, "web", inputs => inputs["targetGroupArns"] = new JsonArray());
        Assert.That(Findings(empty, "LB003").Select(finding => (finding.Severity, finding.Message)), Is.EqualTo(new[]
        {
            (Severity.Error, "web-lb-8443: web-lb-443 forwards to it but no group registers instances; every request gets 503"),
        }));

        var unforwarded = WithoutNamed(await Plan("prod"), "web-lb-443");
        Assert.That(Findings(unforwarded, "LB003").Select(finding => (finding.Severity, finding.Message)), Is.EqualTo(new[]
        {
            (Severity.Warning, "web-lb-8443: no listener forwards to it, yet web registers in it"),
        }));
    }

    [Test]
    public async Task LB004_an_application_log_bucket_that_the_regions_elb_account_may_not_write_is_refused()
    {
        var plan = Edit(await Plan("prod"), Types.BucketPolicy, "web-lb-logs", inputs => inputs["policy"] =
            PlanGraph.Text(inputs["policy"])!.Replace("\"AWS\":\"arn:aws:iam::127311923021:root\"", "\"Service\":\"delivery.logs.amazonaws.com\"", StringComparison.Ordinal));
        var finding = Findings(plan, "LB004").Single();
        Assert.That(finding.Message, Does.StartWith("web-lb-logs: the access-log bucket of the application balancer web-lb does not let AWS arn:aws:iam::127311923021:root s3:PutObject on arn:aws:s3:::")
            .And.EndWith("/alb/AWSLogs/123456789012/elasticloadbalancing/us-east-1/log.gz; AWS refuses to turn the logs on"));
        Assert.That(finding.Fix, Is.EqualTo("give the bucket the policy AWS documents for application balancers: arn:aws:iam::127311923021:root may s3:PutObject"));
    }

    [Test]
    public async Task CW001_a_latency_alarm_on_a_target_group_without_traffic_never_fires()
    {
        // The original defect: the alarm watched the group behind the redirect-only listener.
        var plan = WithoutNamed(await Plan("prod"), "web-lb-443");
        // The paging alarms on that target group (5xx rate, unhealthy targets, p99) are flagged with it.
        var finding = Findings(plan, "CW001").Single(finding => finding.Resources.Contains(UrnOf(plan, "web-latency-high", Types.Alarm)));
        Assert.That(Findings(plan, "CW001").Select(finding => finding.Message), Has.All.Contain("TargetGroup=targetgroup/web-lb-8443-"));
        Assert.That(finding.Message, Does.StartWith("web-latency-high: AWS/ApplicationELB/TargetResponseTime dimension TargetGroup=targetgroup/web-lb-8443-")
            .And.EndWith("is a target group no listener forwards to, so it serves no requests; the alarm never sees data"));
    }

    [Test]
    public async Task CW001_an_alarm_on_a_group_name_that_is_not_in_the_stack_never_fires()
    {
        var plan = Edit(await Plan("dev"), Types.Alarm, "web-cpu-high", inputs => inputs["dimensions"]!["AutoScalingGroupName"] = "web-old");
        Assert.That(Findings(plan, "CW001").Single().Message, Does.Contain("AutoScalingGroupName=web-old is no auto-scaling group of the stack"));
    }

    [Test]
    public async Task CW002_a_one_minute_cpu_alarm_without_detailed_monitoring_is_refused()
    {
        var plan = Edit(await Plan("prod"), Types.LaunchTemplate, "web", inputs => inputs["monitoring"] = new JsonObject { ["enabled"] = false });
        Assert.That(Findings(plan, "CW002").Select(finding => finding.Message), Is.EquivalentTo(new[]
        {
            "web-cpu-high: period 60 s: EC2 metrics come every 300 s without detailed monitoring: use a multiple of 300, or turn detailedMonitoring on",
            "web-cpu-low: period 60 s: EC2 metrics come every 300 s without detailed monitoring: use a multiple of 300, or turn detailedMonitoring on",
        }));
    }

    [Test]
    public async Task CERT001_an_acm_certificate_of_another_region_is_refused_on_the_balancer()
    {
        var plan = await Plan("prod", Patch("infra:loadBalancer", "certificateArn",
            "arn:aws:acm:eu-west-1:123456789012:certificate/6f1c2b9e-2d4a-4c8e-9b7a-3e5f1a2b4c6d"));
        Assert.That(plan.Findings.Single(finding => finding.Rule == "CERT001").Message,
            Is.EqualTo("web-lb-443: the ACM certificate is in eu-west-1, the load balancer in us-east-1; AWS refuses it"));
    }

    [Test]
    public async Task CERT002_cloudfront_refuses_a_certificate_outside_us_east_1()
    {
        var plan = await Plan("prod");
        plan = Edit(plan, Types.Distribution, plan.Resources.Single(resource => resource.Type == Types.Distribution).Name, inputs => inputs["viewerCertificate"]!["acmCertificateArn"] =
            "arn:aws:acm:eu-central-1:123456789012:certificate/0b0e4c4e-0000-4000-8000-000000000000");
        Assert.That(Findings(plan, "CERT002").Single().Message, Does.Contain("in eu-central-1; CloudFront only accepts certificates from us-east-1"));
    }

    [Test]
    public async Task NET001_private_instances_without_nat_or_endpoints_cannot_reach_aws()
    {
        var plan = await Plan("prod", Patch("infra:network", "nat", "None"));
        var findings = plan.Findings.Where(finding => finding.Rule == "NET001").ToList();
        Assert.That(findings.Select(finding => finding.Resources[0]), Is.EquivalentTo(new[] { UrnOf(plan, "web", Types.Group), UrnOf(plan, "worker", Types.Group) }));
        Assert.That(findings[0].Message, Does.Contain("3 subnet(s) without a default route, and no endpoint for ssm, ssmmessages, ec2messages, logs, monitoring, autoscaling, sqs;"));
        Assert.That(findings[0].Fix, Does.Contain("add ssm, ssmmessages, ec2messages, logs, monitoring, autoscaling, sqs to infra:network.interfaceEndpoints"));
        Assert.That(findings[0].Message, Does.Not.Contain("s3"), "the network's S3 gateway endpoint serves the package repositories");
        Assert.That(findings[0].Fix, Does.StartWith("set infra:network.nat to Single"), "either fix is one a key offers");
    }

    [Test]
    public async Task CW003_a_web_tier_at_min_0_scaled_on_cpu_or_response_time_never_scales_out()
    {
        var plan = await Plan("dev", Patch("infra:web", "minSize", 0));
        Assert.That(Findings(plan, "CW003").Select(finding => finding.Message), Is.EquivalentTo(new[]
        {
            "web-cpu-high: AWS/EC2/CPUUtilization has no data while web has no instance, and at minSize 0 it may have none, so this scale-out never fires",
            "web-latency-high: AWS/ApplicationELB/TargetResponseTime has no data while web has no instance, and at minSize 0 it may have none, so this scale-out never fires",
        }), "the scale-in alarm (cpu-low) is no finding");
        Assert.That(Findings(plan, "CW003")[0].Fix, Is.EqualTo("set infra:web.minSize to 1 or more, or scale on a metric that exists without instances (a queue's backlog)"));
    }

    [Test]
    public async Task CW003_an_alarm_on_metrics_the_balancer_type_does_not_publish_never_fires()
    {
        var network = Edit(await Plan("prod"), Types.LoadBalancer, "web-lb", inputs => inputs["loadBalancerType"] = "network");
        // The paging alarms on AWS/ApplicationELB metrics (monitoring-*) are flagged with it.
        var finding = Findings(network, "CW003").Single(finding => finding.Message.StartsWith("web-latency-high", StringComparison.Ordinal));
        Assert.That(Findings(network, "CW003").Select(finding => finding.Message), Has.All.Contain("AWS/ApplicationELB"));
        Assert.That(finding.Message, Is.EqualTo("web-latency-high: AWS/ApplicationELB/TargetResponseTime watches web-lb, a network load balancer, which publishes in AWS/NetworkELB only; the alarm never sees data"));
        Assert.That(finding.Resources, Is.EqualTo(new[] { UrnOf(network, "web-latency-high", Types.Alarm), UrnOf(network, "web-lb", Types.LoadBalancer) }));

        var renamed = Edit(network, Types.Alarm, "web-latency-high", inputs => inputs["namespace"] = "AWS/NetworkELB");
        Assert.That(Findings(renamed, "CW003").Single(finding => finding.Message.StartsWith("web-latency-high", StringComparison.Ordinal)).Message,
            Is.EqualTo("web-latency-high: a network load balancer publishes no TargetResponseTime (AWS/ApplicationELB does); the alarm never sees data"));
    }

    [Test]
    public async Task SG001_an_instance_port_no_target_group_uses_is_a_warning()
    {
        var plan = Edit(await Plan("prod"), Types.Ingress, "network-instances-from-lb-8443", inputs => (inputs["fromPort"], inputs["toPort"]) = (9000, 9000));
        var finding = Findings(plan, "SG001").Single();
        Assert.That((finding.Severity, finding.Message), Is.EqualTo((Severity.Warning,
            "network-instances-from-lb-8443: network-instances opens 9000 but nothing listens or is checked there (expected 8443)")));
    }

    [Test]
    public async Task An_error_finding_stops_the_plan_with_exit_1_and_names_rule_resource_and_fix()
    {
        var committed = File.ReadAllText(Path.Combine(StackRun.ProjectDirectory, "Pulumi.prod.yaml"));
        using var project = ProjectCopy.With("prod", committed.Replace("healthCheck: { path:", "healthCheck: { protocol: HTTP, path:"));

        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(["plan", "prod", "--project", project.Path], output, error);
        Assert.That(code, Is.EqualTo(Cli.ConfigurationError));
        Assert.That(output.ToString(), Is.Empty);
        Assert.That(error.ToString(), Does.Contain("error LB001 web-lb-8443: HTTPS target group checked over HTTP")
            .And.Contain("    fix: leave infra:loadBalancer.healthCheck.protocol unset").And.Contain("The plan of prod stops: 1 plan check error(s)."));
    }
}

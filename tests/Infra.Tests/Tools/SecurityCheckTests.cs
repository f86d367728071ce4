using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Configuration;
using Infra.Plan;
using Infra.Plan.Checks;
using Infra.Tests.Stacks;
using static Infra.Tests.Tools.PlanEdits;

namespace Infra.Tests.Tools;

/// <summary>Each security rule against the prod plan with one defect put back, and the committed stacks clean.</summary>
public class SecurityCheckTests
{
    static readonly Lazy<Task<PlanDocument>> Prod = new(() => StackRun.CommittedPlanAsync("prod"));
    static readonly Lazy<Task<PlanDocument>> Dev = new(() => StackRun.CommittedPlanAsync("dev"));

    static IReadOnlyList<Finding> Findings(PlanDocument plan, string rule) => [.. SecurityChecks.Run(plan, []).Where(finding => finding.Rule == rule)];

    static string Message(PlanDocument plan, string rule) => Findings(plan, rule).Single().Message;

    [TestCase("dev")]
    [TestCase("prod")]
    public async Task The_committed_stacks_have_no_unacknowledged_finding_and_every_acknowledgement_has_a_reason(string stack)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.That(await Cli.RunAsync(["check", stack], output, error), Is.Zero, output.ToString() + error);
        Assert.That(output.ToString().TrimEnd(), Does.Match($@"{stack}: 0 error\(s\), 0 warning\(s\), \d+ acknowledged$"));
        var file = Infra.Plan.Mocks.StackFile.Load(StackRun.ProjectDirectory, stack);
        var settings = StackSettings.Load(new ConfigSource(file.Project, stack, file.Config, file.SecretKeys));
        Assert.That(settings.Acknowledgements.Select(ack => ack.Reason.Length), Has.All.GreaterThanOrEqualTo(40));
    }

    [Test]
    public async Task SEC001_ssh_from_the_internet_is_an_error()
    {
        var plan = Edit(await Prod.Value, Types.Ingress, "network-instances-from-lb-8443", inputs =>
        {
            inputs.Remove("referencedSecurityGroupId");
            (inputs["cidrIpv4"], inputs["fromPort"], inputs["toPort"]) = ("0.0.0.0/0", 22, 22);
        });
        Assert.That(Message(plan, "SEC001"), Is.EqualTo("network-instances-from-lb-8443: opens 22-22 to the whole internet"));
        Assert.That(Findings(await Prod.Value, "SEC001"), Is.Empty, "80 and 443 on the balancer are fine");
    }

    [Test]
    public async Task SEC002_a_bucket_without_its_public_access_block_is_an_error() =>
        Assert.That(Findings(WithoutType(await Prod.Value, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "web-lb-logs"), "SEC002")
            .Select(finding => finding.Message), Is.EqualTo(new[] { "web-lb-logs: does not block all public access" }));

    [Test]
    public async Task SEC003_instances_in_subnets_that_give_public_addresses_are_an_error()
    {
        var plan = await Prod.Value;
        foreach (var subnet in plan.Resources.Where(resource => resource.Name.StartsWith("network-private-", StringComparison.Ordinal) && resource.Type == "aws:ec2/subnet:Subnet").ToList())
            plan = Edit(plan, "aws:ec2/subnet:Subnet", subnet.Name, inputs => inputs["mapPublicIpOnLaunch"] = true);
        Assert.That(Findings(plan, "SEC003").Select(finding => finding.Message.Split(':')[0]).Distinct(), Is.EquivalentTo(new[] { "web", "worker" }));
    }

    [Test]
    public async Task SEC004_unencrypted_data_at_rest_is_flagged()
    {
        var plan = WithoutType(await Prod.Value, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "assets-bucket");
        plan = Edit(plan, Types.LaunchTemplate, "web", inputs => inputs["blockDeviceMappings"]![0]!["ebs"]!["encrypted"] = "false");
        plan = Edit(plan, Types.Queue, "jobs", inputs => inputs.Remove("sqsManagedSseEnabled"));
        Assert.That(Findings(plan, "SEC004").Where(finding => finding.Severity == Severity.Error).Select(finding => finding.Message),
            Is.EquivalentTo(new[] { "assets-bucket: has no default encryption", "web: volume /dev/xvda is not encrypted", "jobs: is not encrypted" }));
    }

    [Test]
    public async Task SEC005_plain_http_and_missing_tls_policies_are_flagged()
    {
        var plan = WithoutType(await Prod.Value, "aws:sns/topicPolicy:TopicPolicy");
        plan = Edit(plan, Types.Distribution, "assets", inputs => inputs["defaultCacheBehavior"]!["viewerProtocolPolicy"] = "allow-all");
        Assert.That(Findings(plan, "SEC005").Select(finding => finding.Message),
            Is.EquivalentTo(new[] { "web-events: accepts publishing without TLS", "monitoring-paging: accepts publishing without TLS", "assets: serves viewers over plain HTTP" }));

        var topicPolicy = (await Prod.Value).Resources.Single(resource => resource.Type == "aws:sns/topicPolicy:TopicPolicy" && resource.Name == "web-events");
        var deny = IamPolicy.Statements(topicPolicy.Inputs["policy"]).Single(statement => PlanGraph.Text(statement["Effect"]) == "Deny");
        Assert.That(IamPolicy.Strings(deny["Action"]), Does.Contain("sns:Publish"), "named, as AwsSolutions-SNS3 looks for it");
        var subscribeOnly = Edit(await Prod.Value, "aws:sns/topicPolicy:TopicPolicy", topicPolicy.Name, inputs => inputs["policy"] =
            """{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"sns:Subscribe","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}""");
        Assert.That(Message(subscribeOnly, "SEC005"), Is.EqualTo("web-events: accepts publishing without TLS"), "the denial must cover sns:Publish");
    }

    [Test]
    public async Task SEC006_a_vpc_without_flow_logs_is_an_error_and_unlogged_buckets_warnings()
    {
        var plan = WithoutType(WithoutType(await Prod.Value, "aws:ec2/flowLog:FlowLog"), "aws:s3/bucketLogging:BucketLogging");
        var findings = Findings(plan, "SEC006");
        Assert.That(findings.Single(finding => finding.Severity == Severity.Error).Message, Is.EqualTo("network-vpc: has no flow logs"));
        Assert.That(findings.Select(finding => finding.Message), Does.Contain("assets-bucket: has no server access logging"));
        Assert.That(findings.Select(finding => finding.Message), Has.None.StartWith("web-lb-logs:"), "a log bucket logs nowhere");
        Assert.That(Findings(await Prod.Value, "SEC006"), Is.Empty, "VPC, balancer, CloudFront (standard logs v2) and bucket logs are all in place");
        var undelivered = WithoutType(await Prod.Value, "aws:cloudwatch/logDeliverySource:LogDeliverySource");
        Assert.That(Message(undelivered, "SEC006"), Is.EqualTo("assets: writes no standard logs"));
    }

    [Test]
    public async Task SEC007_every_wildcard_is_a_finding_as_for_iam5_and_only_those_aws_requires_come_acknowledged()
    {
        var plan = Edit(await Prod.Value, "aws:iam/rolePolicy:RolePolicy", "worker-queue",
            inputs => inputs["policy"] = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}""");
        Assert.That(Findings(plan, "SEC007").Where(finding => finding.Acknowledged is null).Select(finding => finding.Message),
            Is.EquivalentTo(new[] { "worker-queue: allows the wildcard action sqs:*", "worker-queue: allows sqs:* on *" }));

        // cdk-nag finds 9 wildcards in the agent and flow-log policies before narrowing; 5 remain, each one AWS requires.
        var committed = Findings(await Prod.Value, "SEC007");
        Assert.That(committed.Select(finding => finding.Message), Is.EquivalentTo(new[]
        {
            "web-cloudwatch-agent: allows cloudwatch:PutMetricData, ec2:DescribeTags, ec2:DescribeVolumes on *",
            "worker-cloudwatch-agent: allows cloudwatch:PutMetricData, ec2:DescribeTags, ec2:DescribeVolumes on *",
            "web-cloudwatch-agent: allows logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogStreams, logs:PutRetentionPolicy on arn:aws:logs:us-east-1:123456789012:log-group:/infra/prod/web:log-stream:*",
            "worker-cloudwatch-agent: allows logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogStreams, logs:PutRetentionPolicy on arn:aws:logs:us-east-1:123456789012:log-group:/infra/prod/worker:log-stream:*",
        }.Append(committed.Single(finding => finding.Message.StartsWith("network-flow-logs:", StringComparison.Ordinal)).Message)));
        Assert.That(committed.Select(finding => finding.Acknowledged), Has.All.Match("Service Authorization Reference|log streams are named at run time"));

        // A log-group prefix of any region and account is no longer a known group: the old agent policy is refused.
        var wide = Edit(await Prod.Value, "aws:iam/rolePolicy:RolePolicy", "web-cloudwatch-agent", inputs => inputs["policy"] =
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":["arn:aws:logs:*:*:log-group:/infra/prod/web/*","arn:aws:logs:*:*:log-group:/infra/prod/web/*:*"]}]}""");
        Assert.That(Findings(wide, "SEC007").Where(finding => finding.Acknowledged is null).Select(finding => finding.Message), Is.EquivalentTo(new[]
        {
            "web-cloudwatch-agent: allows logs:PutLogEvents on arn:aws:logs:*:*:log-group:/infra/prod/web/*",
            "web-cloudwatch-agent: allows logs:PutLogEvents on arn:aws:logs:*:*:log-group:/infra/prod/web/*:*",
        }));
    }

    [Test]
    public async Task SEC008_each_managed_policy_is_a_finding_that_the_stack_file_acknowledges()
    {
        var plan = await Prod.Value;
        Assert.That(Findings(plan, "SEC008").Select(finding => finding.Message), Is.EquivalentTo(new[]
        {
            "web-AmazonSSMManagedInstanceCore: attaches the AWS managed policy AmazonSSMManagedInstanceCore",
            "worker-AmazonSSMManagedInstanceCore: attaches the AWS managed policy AmazonSSMManagedInstanceCore",
        }));
        var acknowledged = SecurityChecks.Run(plan, [new AcknowledgedFinding("SEC008", null, "AWS's own minimum for Session Manager")]);
        Assert.That(acknowledged.Where(finding => finding.Rule == "SEC008").Select(finding => finding.Acknowledged), Has.All.EqualTo("AWS's own minimum for Session Manager"));
        var one = SecurityChecks.Run(plan, [new AcknowledgedFinding("SEC008", "web-AmazonSSMManagedInstanceCore", "only the web tier")]);
        Assert.That(one.Count(finding => finding.Rule == "SEC008" && finding.Acknowledged is null), Is.EqualTo(1), "a named resource acknowledges only itself");
    }

    [Test]
    public async Task SEC009_imds_v1_is_an_error() =>
        Assert.That(Message(Edit(await Prod.Value, Types.LaunchTemplate, "worker", inputs => inputs["metadataOptions"]!["httpTokens"] = "optional"), "SEC009"),
            Is.EqualTo("worker: does not require IMDSv2 with a hop limit of 1"));

    [Test]
    public async Task SEC010_an_internet_facing_balancer_without_a_web_acl_is_flagged() =>
        Assert.That(Message(WithoutType(await Prod.Value, "aws:wafv2/webAclAssociation:WebAclAssociation"), "SEC010"), Is.EqualTo("web-lb: is internet-facing without a web ACL"));

    [Test]
    public async Task SEC011_a_default_security_group_with_rules_is_flagged() =>
        Assert.That(Message(Edit(await Prod.Value, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "network-default",
            inputs => inputs["ingress"] = new JsonArray(new JsonObject { ["protocol"] = "-1", ["self"] = true })), "SEC011"), Does.StartWith("network-vpc: leaves its default security group"));

    [Test]
    public async Task SEC012_a_service_role_without_a_source_account_is_flagged() =>
        Assert.That(Message(Edit(await Dev.Value, "aws:iam/role:Role", "network-flow-logs", inputs => inputs["assumeRolePolicy"] =
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"vpc-flow-logs.amazonaws.com"}}]}"""), "SEC012"),
            Is.EqualTo("network-flow-logs: trusts the service for any account"));

    [Test]
    public async Task The_json_report_has_the_documented_shape_and_an_error_exits_1()
    {
        var report = CheckCommand.Run(await Prod.Value, Infra.Plan.Mocks.StackFile.Load(StackRun.ProjectDirectory, "prod"));
        var root = JsonDocument.Parse(CheckCommand.Json(report)).RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "stack", "summary", "findings" }));
        var finding = root.GetProperty("findings")[0];
        Assert.That(finding.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "rule", "severity", "resources", "message", "fix", "acknowledged" }));
        Assert.That(finding.GetProperty("acknowledged").GetProperty("reason").GetString(), Is.Not.Empty);

        var broken = new CheckCommand.Report("prod", SecurityChecks.Run(Edit(await Prod.Value, Types.LaunchTemplate, "web",
            inputs => inputs["metadataOptions"]!["httpTokens"] = "optional"), []));
        Assert.That((broken.Errors, broken.Summary), Is.EqualTo((1, $"prod: 1 error(s), {broken.Warnings} warning(s), 5 acknowledged")),
            "the wildcards AWS requires come acknowledged without the stack file");
        Assert.That(CheckCommand.Markdown(broken), Does.StartWith("### Security `prod`: 1 error(s)").And.Contain("- **error SEC009** web: does not require IMDSv2"));
    }
}

using System.Text.Json.Nodes;
using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Plan.Checks;

/// <summary>The security report of ./build.sh check: the AwsSolutions-style review of the planned graph, one class
/// per rule, each with the resources it flags and the fix.</summary>
public static class SecurityChecks
{
    public static readonly IReadOnlyList<IPlanRule> Rules =
    [
        new WorldOpenIngress(), new PublicBuckets(), new PublicInstanceAddresses(), new EncryptionAtRest(), new EncryptionInTransit(),
        new Logging(), new IamWildcards(), new ManagedPolicies(), new InstanceMetadataV2(), new WebFirewall(), new DefaultSecurityGroup(),
        new ServiceTrustWithoutSourceAccount(),
    ];

    public static IReadOnlyList<Finding> Run(PlanDocument plan, IReadOnlyList<Infra.Configuration.AcknowledgedFinding> acknowledgements)
    {
        var graph = new PlanGraph(plan);
        var names = plan.Resources.ToDictionary(resource => resource.Urn, resource => resource.Name);
        return [.. Rules.SelectMany(rule => rule.Check(graph))
            .Select(finding => finding with
            {
                // The stack's own reason, else the rule's built-in one (a wildcard AWS itself requires).
                Acknowledged = acknowledgements.FirstOrDefault(ack => ack.Rule == finding.Rule
                    && (ack.Resource is null || finding.Resources.Any(urn => names.GetValueOrDefault(urn) == ack.Resource)))?.Reason ?? finding.Acknowledged,
            })
            .OrderBy(finding => finding.Acknowledged is not null).ThenBy(finding => finding.Severity).ThenBy(finding => finding.Rule, StringComparer.Ordinal)];
    }

    internal static Finding Flag(IPlanRule rule, PlannedResource resource, string message, string fix, Severity? severity = null) =>
        new(rule.Id, severity ?? rule.Severity, [resource.Urn], $"{resource.Name}: {message}", fix);

    /// <summary>A statement denies requests without TLS (for the action, when one is given).</summary>
    internal static bool DeniesInsecureTransport(JsonNode? policy, string? action = null) =>
        IamPolicy.Statements(policy).Any(statement => Text(statement["Effect"]) == "Deny"
            && Text(statement["Condition"]?["Bool"]?["aws:SecureTransport"]) == "false"
            && (action is null || IamPolicy.Strings(statement["Action"]).Any(pattern => IamPolicy.Matches(pattern, action, ignoreCase: true))));
}

/// <summary>SEC001: nothing but HTTP and HTTPS is open to the whole internet.</summary>
public sealed class WorldOpenIngress : IPlanRule
{
    public string Id => "SEC001";
    public Severity Severity => Severity.Error;
    public string Title => "No ingress from anywhere except HTTP and HTTPS";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from rule in graph.OfType(Types.Ingress)
        where (Text(rule.Inputs["cidrIpv4"]) == "0.0.0.0/0" || Text(rule.Inputs["cidrIpv6"]) == "::/0")
            && (Text(rule.Inputs["ipProtocol"]) == "-1" || Number(rule.Inputs["fromPort"]) is not (80 or 443) || Number(rule.Inputs["toPort"]) != Number(rule.Inputs["fromPort"]))
        select SecurityChecks.Flag(this, rule, $"opens {Number(rule.Inputs["fromPort"])}-{Number(rule.Inputs["toPort"])} to the whole internet",
            "open the port to the load balancer's security group or an admin range only");
}

/// <summary>SEC002: every bucket blocks all four kinds of public access.</summary>
public sealed class PublicBuckets : IPlanRule
{
    public string Id => "SEC002";
    public Severity Severity => Severity.Error;
    public string Title => "Buckets block public access";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from bucket in graph.OfType("aws:s3/bucket:Bucket")
        let block = graph.OfType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").FirstOrDefault(b => Text(b.Inputs["bucket"]) == Text(bucket.Outputs["id"]))
        where block is null || new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" }.Any(key => Text(block.Inputs[key]) != "true")
        select SecurityChecks.Flag(this, bucket, "does not block all public access", "add a BucketPublicAccessBlock with all four settings true (PrivateBucket does)");
}

/// <summary>SEC003: instances get no public addresses; they sit in private subnets behind the balancer.</summary>
public sealed class PublicInstanceAddresses : IPlanRule
{
    public string Id => "SEC003";
    public Severity Severity => Severity.Error;
    public string Title => "Instances have no public IP addresses";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from tier in graph.OfType(Types.Group)
        from subnet in Items(tier.Inputs["vpcZoneIdentifiers"]).Select(id => graph.Referenced(Text(id))).OfType<PlannedResource>()
        where Text(subnet.Inputs["mapPublicIpOnLaunch"]) == "true"
        select new Finding(Id, Severity, [tier.Urn, subnet.Urn], $"{tier.Name}: launches into {subnet.Name}, which gives instances public addresses",
            "put the group in the private subnets");
}

/// <summary>SEC004: data at rest is encrypted: buckets, EBS volumes, queues (errors); topics and log groups with a
/// customer key (warnings: AWS-owned encryption applies without one).</summary>
public sealed class EncryptionAtRest : IPlanRule
{
    public string Id => "SEC004";
    public Severity Severity => Severity.Error;
    public string Title => "Encryption at rest";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var encrypted = graph.OfType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
            .Select(config => Text(config.Inputs["bucket"])).ToHashSet();
        foreach (var bucket in graph.OfType("aws:s3/bucket:Bucket").Where(bucket => !encrypted.Contains(Text(bucket.Outputs["id"]))))
            yield return SecurityChecks.Flag(this, bucket, "has no default encryption", "add a server-side encryption configuration");
        foreach (var template in graph.OfType(Types.LaunchTemplate))
            foreach (var volume in Items(template.Inputs["blockDeviceMappings"]).Where(device => Text(device["ebs"]?["encrypted"]) != "true"))
                yield return SecurityChecks.Flag(this, template, $"volume {Text(volume["deviceName"])} is not encrypted", "set ebs.encrypted to true");
        foreach (var queue in graph.OfType(Types.Queue).Where(queue => Text(queue.Inputs["sqsManagedSseEnabled"]) != "true" && Text(queue.Inputs["kmsMasterKeyId"]) is null))
            yield return SecurityChecks.Flag(this, queue, "is not encrypted", "enable SSE-SQS or give a KMS key");
        foreach (var topic in graph.OfType("aws:sns/topic:Topic").Where(topic => Text(topic.Inputs["kmsMasterKeyId"]) is null))
            yield return SecurityChecks.Flag(this, topic, "is not encrypted with a KMS key", "set infra:notifications.kmsKeyId to a customer-managed key", Severity.Warning);
        foreach (var logs in graph.OfType("aws:cloudwatch/logGroup:LogGroup").Where(logs => Text(logs.Inputs["kmsKeyId"]) is null))
            yield return SecurityChecks.Flag(this, logs, "is encrypted by CloudWatch Logs' own key, not a customer key",
                "set infra:network.flowLogs.kmsKeyArn", Severity.Warning);
    }
}

/// <summary>SEC005: data in transit is encrypted: TLS-only policies on buckets, queues and topics (a topic's denial
/// covers sns:Publish), HTTPS to viewers and on every balancer (a classic balancer cannot redirect), TLS 1.2.</summary>
public sealed class EncryptionInTransit : IPlanRule
{
    public string Id => "SEC005";
    public Severity Severity => Severity.Error;
    public string Title => "Encryption in transit";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        foreach (var bucket in WithoutTlsPolicy(graph, "aws:s3/bucket:Bucket", "id", "aws:s3/bucketPolicy:BucketPolicy", "bucket"))
            yield return SecurityChecks.Flag(this, bucket, "accepts requests without TLS", "add a bucket policy denying aws:SecureTransport false");
        foreach (var queue in WithoutTlsPolicy(graph, Types.Queue, "url", "aws:sqs/queuePolicy:QueuePolicy", "queueUrl"))
            yield return SecurityChecks.Flag(this, queue, "accepts requests without TLS", "add a queue policy denying aws:SecureTransport false");
        foreach (var topic in WithoutTlsPolicy(graph, "aws:sns/topic:Topic", "arn", "aws:sns/topicPolicy:TopicPolicy", "arn", "sns:Publish"))
            yield return SecurityChecks.Flag(this, topic, "accepts publishing without TLS", "add a topic policy denying aws:SecureTransport false");
        foreach (var listener in graph.Listeners.Where(listener => Text(listener.Inputs["protocol"]) == "HTTP"
                     && Items(listener.Inputs["defaultActions"]).Any(action => Text(action["type"]) == "forward")))
            yield return SecurityChecks.Flag(this, listener, "serves the site over plain HTTP", "redirect HTTP to HTTPS (infra:loadBalancer.redirectHttpToHttps)");
        foreach (var classic in graph.OfType(Types.ClassicLoadBalancer))
            foreach (var port in Items(classic.Inputs["listeners"]).Where(listener => Text(listener["lbProtocol"])?.ToUpperInvariant() == "HTTP").Select(listener => Number(listener["lbPort"])))
                yield return SecurityChecks.Flag(this, classic, $"serves the site over plain HTTP on {port}, and a classic balancer cannot redirect",
                    "drop the HTTP listener from infra:loadBalancer.listeners, or use type application with redirectHttpToHttps");
        foreach (var distribution in graph.OfType(Types.Distribution))
        {
            if (Text(distribution.Inputs["defaultCacheBehavior"]?["viewerProtocolPolicy"]) == "allow-all")
                yield return SecurityChecks.Flag(this, distribution, "serves viewers over plain HTTP", "set viewerProtocolPolicy to redirect-to-https");
            var certificate = distribution.Inputs["viewerCertificate"];
            var minimum = Text(certificate?["minimumProtocolVersion"]) ?? "TLSv1";
            if (Text(certificate?["cloudfrontDefaultCertificate"]) == "true" || string.CompareOrdinal(minimum, "TLSv1.2") < 0)
                yield return SecurityChecks.Flag(this, distribution, $"accepts viewers below TLS 1.2 ({(Text(certificate?["cloudfrontDefaultCertificate"]) == "true" ? "the *.cloudfront.net certificate is fixed at TLSv1" : minimum)})",
                    "give asset host names with an ACM certificate (infra:assets.hosts); the policy is then TLSv1.2_2021", Severity.Warning);
        }
    }

    /// <summary>The resources whose policy (the policy resource naming one of their outputs) does not deny requests
    /// without TLS.</summary>
    static IEnumerable<PlannedResource> WithoutTlsPolicy(PlanGraph graph, string type, string output, string policyType, string policyInput, string? action = null)
    {
        var policies = graph.OfType(policyType).ToDictionary(policy => Text(policy.Inputs[policyInput]) ?? "", policy => policy.Inputs["policy"]);
        return graph.OfType(type).Where(resource => !SecurityChecks.DeniesInsecureTransport(policies.GetValueOrDefault(Text(resource.Outputs[output]) ?? ""), action));
    }
}

/// <summary>SEC006: what happens is recorded: VPC flow logs, access logs of every balancer type, CloudFront and S3 access logs.</summary>
public sealed class Logging : IPlanRule
{
    public string Id => "SEC006";
    public Severity Severity => Severity.Warning;
    public string Title => "Logging of the VPC, load balancer, CloudFront and buckets";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var logged = graph.OfType("aws:ec2/flowLog:FlowLog").Select(log => Text(log.Inputs["vpcId"])).ToHashSet();
        foreach (var vpc in graph.OfType("aws:ec2/vpc:Vpc").Where(vpc => !logged.Contains(Text(vpc.Outputs["id"]))))
            yield return SecurityChecks.Flag(this, vpc, "has no flow logs", "turn on infra:network.flowLogs", Severity.Error);
        foreach (var balancer in graph.OfType(Types.LoadBalancer).Concat(graph.OfType(Types.ClassicLoadBalancer)).Where(lb => Text(lb.Inputs["accessLogs"]?["enabled"]) != "true"))
            yield return BalancerType(balancer) == "network" && !graph.ListenersOf(balancer).Any(listener => Text(listener.Inputs["protocol"]) == "TLS")
                ? SecurityChecks.Flag(this, balancer, "writes no access logs: a network balancer logs only TLS listeners, and it has none",
                    "terminate TLS on the balancer (a TLS listener) to log connections there, or log them on the instances")
                : SecurityChecks.Flag(this, balancer, "writes no access logs", "turn on infra:loadBalancer.accessLogs");
        var delivered = graph.OfType("aws:cloudwatch/logDeliverySource:LogDeliverySource").Select(source => Text(source.Inputs["resourceArn"])).ToHashSet();
        foreach (var distribution in graph.OfType(Types.Distribution).Where(d => d.Inputs["loggingConfig"] is null && !delivered.Contains(Text(d.Outputs["arn"]))))
            yield return SecurityChecks.Flag(this, distribution, "writes no standard logs", "turn on infra:assets.accessLogs (standard logs v2 to the log bucket)");
        var loggedBuckets = graph.OfType("aws:s3/bucketLogging:BucketLogging").Select(log => Text(log.Inputs["bucket"])).ToHashSet();
        // A log bucket logs nowhere: its own access log would log itself.
        var logBuckets = graph.OfType("aws:s3/bucketLogging:BucketLogging").Select(log => Text(log.Inputs["targetBucket"]))
            .Concat(graph.OfType(Types.LoadBalancer).Concat(graph.OfType(Types.ClassicLoadBalancer)).Select(lb => Text(lb.Inputs["accessLogs"]?["bucket"]))).ToHashSet();
        foreach (var bucket in graph.OfType("aws:s3/bucket:Bucket").Where(bucket => !loggedBuckets.Contains(Text(bucket.Outputs["id"])) && !logBuckets.Contains(Text(bucket.Outputs["id"]))))
            yield return SecurityChecks.Flag(this, bucket, "has no server access logging", "log the bucket's requests to a log bucket (a log bucket itself logs nowhere)");
    }
}

/// <summary>SEC007: as strict as cdk-nag's AwsSolutions-IAM5: any "*" in an allowed action or resource of a role's
/// policy is a finding, one per policy and wildcard. Where AWS leaves no narrower choice the finding comes
/// acknowledged with AWS's reason: actions without resource-level permissions on "*" (Service Authorization
/// Reference), and the streams of a log group the policy names, whose names the writer picks at run time.</summary>
public sealed class IamWildcards : IPlanRule
{
    const string NoResourceTypes = "{0}: no resource-level permissions in AWS (Service Authorization Reference), so only \"*\" names the resource";
    const string LogStreams = "log streams are named at run time by their writer (instance, network interface); the policy names their log group, in the stack's region and account";

    public string Id => "SEC007";
    public Severity Severity => Severity.Error;
    public string Title => "No IAM wildcards (AwsSolutions-IAM5)";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from policy in graph.OfType("aws:iam/rolePolicy:RolePolicy").Concat(graph.OfType("aws:iam/policy:Policy"))
        let statements = IamPolicy.Statements(policy.Inputs["policy"]).Where(statement => Text(statement["Effect"]) is null or "Allow").ToList()
        from wildcard in Wildcards(statements)
        select SecurityChecks.Flag(this, policy, wildcard.Message, wildcard.Resource ? "name the resources the role needs, in the stack's region and account" : "name the actions the role needs")
            with { Acknowledged = wildcard.Reason };

    static IEnumerable<(string Message, bool Resource, string? Reason)> Wildcards(IReadOnlyList<JsonNode> statements)
    {
        var actions = statements.SelectMany(statement => IamPolicy.Strings(statement["Action"])).Distinct().ToList();
        foreach (var action in actions.Where(action => action.Contains('*')))
            yield return ($"allows the wildcard action {action}", false,
                string.Equals(action, "ec2:Describe*", StringComparison.OrdinalIgnoreCase) ? string.Format(NoResourceTypes, "EC2's Describe actions") : null);
        var resources = statements.SelectMany(statement => IamPolicy.Strings(statement["Resource"])).Distinct().Where(resource => resource.Contains('*'));
        foreach (var resource in resources)
        {
            var on = statements.Where(statement => IamPolicy.Strings(statement["Resource"]).Contains(resource))
                .SelectMany(statement => IamPolicy.Strings(statement["Action"])).Distinct().ToList();
            yield return ($"allows {string.Join(", ", on)} on {resource}", true, Reason(resource, on));
        }
    }

    static string? Reason(string resource, IReadOnlyList<string> actions)
    {
        static bool WithoutResourceTypes(string action) =>
            action == "cloudwatch:PutMetricData" || action.StartsWith("ec2:Describe", StringComparison.OrdinalIgnoreCase);
        if (resource == "*" && actions.All(WithoutResourceTypes))
            return string.Format(NoResourceTypes, string.Join(", ", actions));
        // arn:<partition>:logs:<region>:<account>:log-group:<name> followed by :* or :log-stream:*, nothing else wild.
        var streams = System.Text.RegularExpressions.Regex.Match(resource, @"^(arn:[a-z-]+:logs:[a-z0-9-]+:\d{12}:log-group:[^*:]+)(:log-stream)?:\*$");
        return streams.Success && actions.All(action => action.StartsWith("logs:", StringComparison.Ordinal)) ? LogStreams : null;
    }
}

/// <summary>SEC008: AWS managed policies are broad; each one attached is a finding to justify or replace.</summary>
public sealed class ManagedPolicies : IPlanRule
{
    public string Id => "SEC008";
    public Severity Severity => Severity.Warning;
    public string Title => "AWS managed policies on roles";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from attachment in graph.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        let arn = Text(attachment.Inputs["policyArn"]) ?? ""
        where arn.Contains(":iam::aws:policy/", StringComparison.Ordinal)
        select SecurityChecks.Flag(this, attachment, $"attaches the AWS managed policy {arn.Split('/').Last()}",
            "write an inline policy with exactly what the role needs, or acknowledge it with the reason");
}

/// <summary>SEC009: instances accept only IMDSv2 (session tokens), one hop, so a proxied request cannot steal the role.</summary>
public sealed class InstanceMetadataV2 : IPlanRule
{
    public string Id => "SEC009";
    public Severity Severity => Severity.Error;
    public string Title => "IMDSv2 required";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from template in graph.OfType(Types.LaunchTemplate)
        where Text(template.Inputs["metadataOptions"]?["httpTokens"]) != "required" || Number(template.Inputs["metadataOptions"]?["httpPutResponseHopLimit"]) is > 1
        select SecurityChecks.Flag(this, template, "does not require IMDSv2 with a hop limit of 1", "set metadataOptions httpTokens required, httpPutResponseHopLimit 1");
}

/// <summary>SEC010: an internet-facing balancer sits behind a web application firewall.</summary>
public sealed class WebFirewall : IPlanRule
{
    public string Id => "SEC010";
    public Severity Severity => Severity.Warning;
    public string Title => "WAF in front of the internet-facing load balancer";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var protectedArns = graph.OfType("aws:wafv2/webAclAssociation:WebAclAssociation").Select(association => Text(association.Inputs["resourceArn"])).ToHashSet();
        // WAF protects application load balancers only.
        return from balancer in graph.OfType(Types.LoadBalancer)
            where Text(balancer.Inputs["loadBalancerType"]) is "application" or null
            where Text(balancer.Inputs["internal"]) != "true" && !protectedArns.Contains(Text(balancer.Outputs["arn"]))
            select SecurityChecks.Flag(this, balancer, "is internet-facing without a web ACL", "turn on infra:loadBalancer.waf");
    }
}

/// <summary>SEC011: the VPC's default security group allows nothing, so nothing that lands in it by mistake is open.</summary>
public sealed class DefaultSecurityGroup : IPlanRule
{
    public string Id => "SEC011";
    public Severity Severity => Severity.Warning;
    public string Title => "Default security group locked";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var locked = graph.OfType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
            .Where(group => Items(group.Inputs["ingress"]).Count() + Items(group.Inputs["egress"]).Count() == 0).Select(group => Text(group.Inputs["vpcId"])).ToHashSet();
        return from vpc in graph.OfType("aws:ec2/vpc:Vpc")
            where !locked.Contains(Text(vpc.Outputs["id"]))
            select SecurityChecks.Flag(this, vpc, "leaves its default security group with AWS's default rules (all traffic within the group, all out)",
                "manage the default security group with no rules (the Network component does)");
    }
}

/// <summary>SEC012: a role that a service assumes names the account it may act for (confused deputy).</summary>
public sealed class ServiceTrustWithoutSourceAccount : IPlanRule
{
    static readonly string[] AccountScoped = ["vpc-flow-logs.amazonaws.com"];

    public string Id => "SEC012";
    public Severity Severity => Severity.Warning;
    public string Title => "Service roles limited to the stack's account";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from role in graph.OfType("aws:iam/role:Role")
        from statement in IamPolicy.Statements(role.Inputs["assumeRolePolicy"])
        where IamPolicy.Principals(statement).Any(principal => principal.Type == "Service" && AccountScoped.Contains(principal.Identifier))
            && statement["Condition"]?["StringEquals"]?["aws:SourceAccount"] is null
        select SecurityChecks.Flag(this, role, "trusts the service for any account", "add the condition aws:SourceAccount = the stack's account to the trust policy");
}

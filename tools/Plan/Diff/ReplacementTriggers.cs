using System.Text.Json.Nodes;

namespace Infra.Plan.Diff;

/// <summary>Which input changes make the AWS provider replace a resource instead of updating it, for every type the
/// project creates: the arguments the provider's documentation marks "forces new resource" (the Terraform AWS
/// provider under pulumi-aws 7.x, e.g. aws_subnet cidr_block). A type not listed is updated in place. Keep the
/// table complete: a test fails for a type the stacks create that is missing here.</summary>
public static class ReplacementTriggers
{
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> ByType = new Dictionary<string, IReadOnlySet<string>>
    {
        ["pulumi:providers:aws"] = Set(),
        ["pulumi:providers:random"] = Set(),
        ["random:index/randomId:RandomId"] = Set("byteLength", "prefix", "keepers"),
        ["aws:ec2/vpc:Vpc"] = Set("cidrBlock", "instanceTenancy", "ipv4IpamPoolId", "ipv4NetmaskLength"),
        ["aws:ec2/subnet:Subnet"] = Set("vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "outpostArn"),
        ["aws:ec2/internetGateway:InternetGateway"] = Set(),
        ["aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway"] = Set("vpcId"),
        ["aws:ec2/eip:Eip"] = Set("domain", "networkBorderGroup", "publicIpv4Pool"),
        ["aws:ec2/natGateway:NatGateway"] = Set("allocationId", "subnetId", "connectivityType", "privateIp"),
        ["aws:ec2/routeTable:RouteTable"] = Set("vpcId"),
        ["aws:ec2/route:Route"] = Set("routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"),
        ["aws:ec2/routeTableAssociation:RouteTableAssociation"] = Set("subnetId", "gatewayId"),
        ["aws:ec2/securityGroup:SecurityGroup"] = Set("name", "namePrefix", "description", "vpcId"),
        ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"] = Set("vpcId"),
        ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"] = Set("securityGroupId"),
        ["aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"] = Set("securityGroupId"),
        ["aws:ec2/flowLog:FlowLog"] = Set("vpcId", "trafficType", "logDestination", "logDestinationType", "iamRoleArn", "maxAggregationInterval", "logFormat"),
        ["aws:ec2/vpcEndpoint:VpcEndpoint"] = Set("vpcId", "serviceName", "vpcEndpointType"),
        ["aws:cloudwatch/logGroup:LogGroup"] = Set("name", "namePrefix"),
        ["aws:cloudwatch/logDeliverySource:LogDeliverySource"] = Set("name", "logType", "resourceArn"),
        ["aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination"] = Set("name"),
        ["aws:cloudwatch/logDelivery:LogDelivery"] = Set("deliverySourceName", "deliveryDestinationArn"),
        ["aws:iam/role:Role"] = Set("name", "namePrefix", "path"),
        ["aws:iam/rolePolicy:RolePolicy"] = Set("name", "namePrefix", "role"),
        ["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] = Set("role", "policyArn"),
        ["aws:iam/instanceProfile:InstanceProfile"] = Set("name", "namePrefix", "path"),
        ["aws:iam/serverCertificate:ServerCertificate"] = Set("certificateBody", "certificateChain", "privateKey", "name", "namePrefix", "path"),
        ["aws:lb/loadBalancer:LoadBalancer"] = Set("name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"),
        ["aws:lb/targetGroup:TargetGroup"] = Set("name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId", "ipAddressType"),
        ["aws:lb/listener:Listener"] = Set("loadBalancerArn"),
        ["aws:elb/loadBalancer:LoadBalancer"] = Set("name", "namePrefix", "internal"),
        ["aws:elb/loadBalancerCookieStickinessPolicy:LoadBalancerCookieStickinessPolicy"] = Set("name", "loadBalancer", "lbPort", "cookieExpirationPeriod"),
        ["aws:elb/appCookieStickinessPolicy:AppCookieStickinessPolicy"] = Set("name", "loadBalancer", "lbPort", "cookieName"),
        ["aws:ec2/launchTemplate:LaunchTemplate"] = Set("name", "namePrefix"),
        ["aws:autoscaling/group:Group"] = Set("name", "namePrefix"),
        ["aws:autoscaling/lifecycleHook:LifecycleHook"] = Set("name", "autoscalingGroupName"),
        ["aws:autoscaling/policy:Policy"] = Set("name", "autoscalingGroupName"),
        ["aws:autoscaling/schedule:Schedule"] = Set("scheduledActionName", "autoscalingGroupName"),
        ["aws:autoscaling/notification:Notification"] = Set("topicArn"),
        ["aws:cloudwatch/metricAlarm:MetricAlarm"] = Set("name"),
        ["aws:cloudwatch/dashboard:Dashboard"] = Set("dashboardName"),
        ["aws:kms/key:Key"] = Set("customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId", "customKeyStoreId"),
        ["aws:sns/topic:Topic"] = Set("name", "namePrefix", "fifoTopic"),
        ["aws:sns/topicSubscription:TopicSubscription"] = Set("topic", "protocol", "endpoint"),
        ["aws:sns/topicPolicy:TopicPolicy"] = Set("arn"),
        ["aws:wafv2/webAcl:WebAcl"] = Set("name", "namePrefix", "scope"),
        ["aws:wafv2/webAclAssociation:WebAclAssociation"] = Set("resourceArn", "webAclArn"),
        ["aws:s3/bucketLogging:BucketLogging"] = Set("bucket"),
        ["aws:sqs/queue:Queue"] = Set("name", "namePrefix", "fifoQueue"),
        ["aws:sqs/queuePolicy:QueuePolicy"] = Set("queueUrl"),
        ["aws:s3/bucket:Bucket"] = Set("bucket", "bucketPrefix"),
        ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] = Set("bucket"),
        ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"] = Set("bucket"),
        ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"] = Set("bucket"),
        ["aws:s3/bucketVersioning:BucketVersioning"] = Set("bucket"),
        ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"] = Set("bucket"),
        ["aws:s3/bucketPolicy:BucketPolicy"] = Set("bucket"),
        ["aws:s3/bucketObjectv2:BucketObjectv2"] = Set("bucket", "key"),
        ["aws:cloudfront/originAccessControl:OriginAccessControl"] = Set(),
        ["aws:cloudfront/distribution:Distribution"] = Set(),
        ["aws:acm/certificate:Certificate"] = Set("domainName", "subjectAlternativeNames", "keyAlgorithm"),
        ["aws:acm/certificateValidation:CertificateValidation"] = Set("certificateArn", "validationRecordFqdns"),
        ["aws:route53/record:Record"] = Set("zoneId", "name", "type"),
        // Route 53 API, HealthCheckConfig: Type, RequestInterval and MeasureLatency cannot change after creation.
        ["aws:route53/healthCheck:HealthCheck"] = Set("type", "requestInterval", "measureLatency", "referenceName"),
        // Read, not created: another name reads another stack.
        ["pulumi:pulumi:StackReference"] = Set("name"),
    };

    /// <summary>Inputs naming subnets or security groups that AWS keeps in the resource's own VPC, which cannot change
    /// after creation: when they move to a replaced VPC, the resource is replaced with them (an in-place update would
    /// fail half-way through `pulumi up`). Launch templates are not here: they belong to no VPC, and a new version may
    /// name the new VPC's security groups.</summary>
    public static readonly IReadOnlyDictionary<string, VpcBinding> VpcBound = new Dictionary<string, VpcBinding>
    {
        ["aws:lb/loadBalancer:LoadBalancer"] = new(["subnets", "subnetMappings", "securityGroups"], "a load balancer stays in the VPC it was created in",
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSubnets.html"),
        ["aws:elb/loadBalancer:LoadBalancer"] = new(["subnets", "securityGroups"], "a Classic Load Balancer stays in the VPC it was created in",
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-manage-subnets.html"),
        ["aws:ec2/vpcEndpoint:VpcEndpoint"] = new(["subnetIds", "securityGroupIds", "routeTableIds"], "an endpoint belongs to one VPC (vpcId forces a new one)",
            "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html"),
        ["aws:lb/targetGroup:TargetGroup"] = new(["vpcId"], "a target group belongs to one VPC (vpcId forces a new one)",
            "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html"),
    };

    /// <summary>Changes the provider replaces only in some shapes (its CustomizeDiff, not its schema): a network load
    /// balancer cannot lose subnets or swap one for another, and cannot gain security groups when it has none or
    /// drop all it has (terraform-provider-aws internal/service/elbv2/load_balancer.go, customizeDiffLoadBalancerNLB).</summary>
    public static bool ForcesInShape(string type, string input, JsonNode? inputs, JsonNode? was, JsonNode? now)
    {
        if (type != "aws:lb/loadBalancer:LoadBalancer" || inputs?["loadBalancerType"]?.ToString() != "network")
            return false;
        var (before, after) = (Count(was), Count(now));
        return input switch
        {
            "subnets" => after <= before,
            "securityGroups" => (before == 0) != (after == 0),
            _ => false,
        };

        static int Count(JsonNode? list) => list is JsonArray items ? items.Count : 0;
    }

    /// <summary>Whether the input of the type must stay in the resource's VPC (see VpcBound).</summary>
    public static VpcBinding? BoundToVpc(string type, string input) =>
        VpcBound.TryGetValue(type, out var binding) && binding.Inputs.Contains(input) ? binding : null;

    /// <summary>A changed explicit provider (for example another region) replaces every resource it manages.</summary>
    public const string Provider = "provider";

    public static bool Known(string type) => ByType.ContainsKey(type) || type.StartsWith("infra:", StringComparison.Ordinal);

    public static bool Forces(string type, string input) => input == Provider || ByType.TryGetValue(type, out var inputs) && inputs.Contains(input);

    static IReadOnlySet<string> Set(params string[] inputs) => inputs.ToHashSet();
}

/// <summary>Inputs of a type that must name resources of its own VPC, why, and where AWS says so.</summary>
public sealed record VpcBinding(IReadOnlyList<string> Inputs, string Why, string Source);

/// <summary>What an update sets in motion beyond the resource itself, for the diff to say.</summary>
public static class ChangeEffects
{
    /// <summary>The group's instanceRefresh (AutoScaledTier.InstanceRefresh): what starts it and what stops it.</summary>
    public const string RefreshNote = "starts an instance refresh: instances are replaced in rolling batches keeping the minimum healthy percentage, " +
        "pausing at each checkpoint; it stops if a paging alarm of its alarm specification goes to ALARM (no automatic rollback: README, Safe rollouts)";

    public static IEnumerable<string> Of(string type, string action, IEnumerable<string> inputs) => (type, action) switch
    {
        ("aws:ec2/launchTemplate:LaunchTemplate", "update") => [RefreshNote],
        ("aws:autoscaling/group:Group", "update") when inputs.Contains("mixedInstancesPolicy") || inputs.Contains("launchTemplate") => [RefreshNote],
        ("aws:lb/listener:Listener", "update") when inputs.Contains("certificateArn") => ["HTTPS clients get the new certificate on their next connection"],
        ("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" or "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", "replace") =>
            ["the rule is deleted and created again: its traffic is refused for a moment"],
        ("aws:ec2/subnet:Subnet", "replace") => ["instances and NAT gateways in the subnet are replaced with it"],
        ("aws:autoscaling/group:Group", "update") when inputs.Contains("vpcZoneIdentifiers") => ["instances move to the new subnets as the group rebalances"],
        ("aws:lb/targetGroup:TargetGroup", "replace") => ["targets register again and pass their health checks before they get traffic"],
        ("aws:iam/serverCertificate:ServerCertificate", "replace") => ["the listeners switch to the new certificate; the old one is deleted after"],
        _ => [],
    };
}

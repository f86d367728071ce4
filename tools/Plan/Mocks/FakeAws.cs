using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pulumi.Testing;

namespace Infra.Plan.Mocks;

/// <summary>Answers like AWS would: deterministic ids, ARNs and DNS names per resource type, and the
/// invokes the stacks use. State echoes the inputs, as a created resource reports what it was given.</summary>
public sealed class FakeAws
{
    public const string AccountId = "123456789012";

    public FakeAws(string region = "us-east-1", int zoneCount = 6)
    {
        Region = region;
        AvailabilityZones = [.. Enumerable.Range(0, zoneCount).Select(i => $"{region}{(char)('a' + i)}")];
    }

    public string Region { get; }
    public ImmutableArray<string> AvailabilityZones { get; }

    /// <summary>The outputs of other stacks, by the name a StackReference gives (org/project/stack): what the Pulumi
    /// service would answer for them (the plan fills it from the regional stacks' own plans).</summary>
    public IReadOnlyDictionary<string, ImmutableDictionary<string, object>> StackOutputs { get; init; } =
        ImmutableDictionary<string, ImmutableDictionary<string, object>>.Empty;

    static string Hex(string seed, int length) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(seed))).ToLowerInvariant()[..length];

    public (string? Id, object State) NewResource(MockResourceArgs args)
    {
        var type = args.Type ?? "";
        var name = args.Name ?? "";
        var inputs = args.Inputs;
        var hex = Hex(type + "/" + name, 17);
        var state = inputs.ToBuilder();
        string Arn(string service, string resource) => $"arn:aws:{service}:{Region}:{AccountId}:{resource}";
        string AutoName(string key) => inputs.TryGetValue(key, out var given) ? (string)given : $"{name}-{hex[..7]}";

        string id;
        switch (type)
        {
            case "aws:ec2/vpc:Vpc":
                id = $"vpc-{hex}";
                state["arn"] = Arn("ec2", $"vpc/{id}");
                if (inputs.TryGetValue("assignGeneratedIpv6CidrBlock", out var v6) && v6 is true)
                    state["ipv6CidrBlock"] = "2600:1f18:abcd:1200::/56";
                break;
            case "aws:ec2/subnet:Subnet": id = $"subnet-{hex}"; state["arn"] = Arn("ec2", $"subnet/{id}"); break;
            case "aws:ec2/internetGateway:InternetGateway": id = $"igw-{hex}"; break;
            case "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": id = $"eigw-{hex}"; break;
            case "aws:ec2/eip:Eip":
                id = $"eipalloc-{hex}";
                state["allocationId"] = id;
                state["publicIp"] = $"54.{Convert.ToInt32(hex[..2], 16)}.{Convert.ToInt32(hex[2..4], 16)}.{Convert.ToInt32(hex[4..6], 16)}";
                break;
            case "aws:ec2/natGateway:NatGateway": id = $"nat-{hex}"; break;
            case "aws:ec2/routeTable:RouteTable": id = $"rtb-{hex}"; break;
            case "aws:ec2/route:Route": id = $"r-{hex}"; break;
            case "aws:ec2/routeTableAssociation:RouteTableAssociation": id = $"rtbassoc-{hex}"; break;
            case "aws:ec2/securityGroup:SecurityGroup":
                id = $"sg-{hex}";
                state["name"] = AutoName("name");
                state["arn"] = Arn("ec2", $"security-group/{id}");
                break;
            case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
            case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": id = $"sgr-{hex}"; break;
            case "aws:ec2/flowLog:FlowLog": id = $"fl-{hex}"; break;
            case "aws:ec2/vpcEndpoint:VpcEndpoint": id = $"vpce-{hex}"; break;
            case "aws:ec2/launchTemplate:LaunchTemplate":
                id = $"lt-{hex}";
                state["arn"] = Arn("ec2", $"launch-template/{id}");
                state["latestVersion"] = 1;
                break;
            case "aws:cloudwatch/logGroup:LogGroup":
                id = AutoName("namePrefix") + hex[..7];
                state["name"] = id;
                state["arn"] = Arn("logs", $"log-group:{id}");
                break;
            case "aws:iam/role:Role":
            case "aws:iam/instanceProfile:InstanceProfile":
            case "aws:iam/serverCertificate:ServerCertificate":
                var iamName = inputs.TryGetValue("namePrefix", out var prefix) ? prefix + hex[..10] : $"{name}-{hex[..7]}";
                id = iamName;
                state["name"] = iamName;
                var kind = type switch { "aws:iam/role:Role" => "role", "aws:iam/instanceProfile:InstanceProfile" => "instance-profile", _ => "server-certificate" };
                state["arn"] = $"arn:aws:iam::{AccountId}:{kind}/{iamName}";
                if (kind == "server-certificate")
                    state["expiration"] = "2030-01-01T00:00:00Z";
                break;
            case "aws:lb/loadBalancer:LoadBalancer":
                var lbName = $"{name}-{hex[..7]}";
                id = Arn("elasticloadbalancing", $"loadbalancer/app/{lbName}/{hex[..16]}");
                state["arn"] = id;
                state["arnSuffix"] = $"app/{lbName}/{hex[..16]}";
                var scheme = inputs.TryGetValue("internal", out var isInternal) && isInternal is true ? "internal-" : "";
                state["dnsName"] = $"{scheme}{lbName}-{Convert.ToInt64(hex[..8], 16)}.{Region}.elb.amazonaws.com";
                state["zoneId"] = "Z35SXDOTRQ7X7K";
                break;
            case "aws:elb/loadBalancer:LoadBalancer":
                var classicName = $"{name}-{hex[..7]}";
                id = classicName;
                state["name"] = classicName;
                state["arn"] = Arn("elasticloadbalancing", $"loadbalancer/{classicName}");
                state["dnsName"] = $"{classicName}-{Convert.ToInt64(hex[..8], 16)}.{Region}.elb.amazonaws.com";
                state["zoneId"] = "Z35SXDOTRQ7X7K";
                break;
            case "aws:lb/targetGroup:TargetGroup":
                var tgName = $"{name}-{hex[..7]}";
                id = Arn("elasticloadbalancing", $"targetgroup/{tgName}/{hex[..16]}");
                state["arn"] = id;
                state["arnSuffix"] = $"targetgroup/{tgName}/{hex[..16]}";
                break;
            case "aws:lb/listener:Listener":
                id = Arn("elasticloadbalancing", $"listener/app/{name}/{hex[..16]}");
                state["arn"] = id;
                break;
            case "aws:s3/bucket:Bucket":
                id = (inputs.TryGetValue("bucketPrefix", out var bucketPrefix) ? (string)bucketPrefix : name + "-") + hex;
                state["arn"] = $"arn:aws:s3:::{id}";
                state["bucketDomainName"] = $"{id}.s3.amazonaws.com";
                state["bucketRegionalDomainName"] = $"{id}.s3.{Region}.amazonaws.com";
                break;
            case "aws:autoscaling/group:Group":
                id = AutoName("name");
                state["name"] = id;
                state["arn"] = Arn("autoscaling", $"autoScalingGroup:{Guid.Parse(Hex(name, 32))}:autoScalingGroupName/{id}");
                break;
            case "aws:autoscaling/policy:Policy":
                id = AutoName("name");
                state["name"] = id;
                state["arn"] = Arn("autoscaling", $"scalingPolicy:{Guid.Parse(Hex(name, 32))}:autoScalingGroupName/group:policyName/{id}");
                break;
            case "aws:autoscaling/schedule:Schedule":
                id = (string)inputs["scheduledActionName"];
                state["arn"] = Arn("autoscaling", $"scheduledUpdateGroupAction:{Guid.Parse(Hex(name, 32))}:scheduledActionName/{id}");
                break;
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                id = AutoName("name");
                state["name"] = id;
                state["arn"] = Arn("cloudwatch", $"alarm:{id}");
                break;
            case "aws:cloudwatch/dashboard:Dashboard":
                id = (string)inputs["dashboardName"];
                state["dashboardArn"] = $"arn:aws:cloudwatch::{AccountId}:dashboard/{id}";
                break;
            case "aws:kms/key:Key":
                id = Guid.Parse(Hex(name, 32)).ToString();
                state["keyId"] = id;
                state["arn"] = Arn("kms", $"key/{id}");
                break;
            case "aws:sns/topic:Topic":
                var topicName = AutoName("name");
                id = Arn("sns", topicName);
                state["name"] = topicName;
                state["arn"] = id;
                break;
            case "aws:wafv2/webAcl:WebAcl":
                var aclName = AutoName("namePrefix") + hex[..7];
                id = Guid.Parse(Hex(name, 32)).ToString();
                state["name"] = aclName;
                state["arn"] = Arn("wafv2", $"regional/webacl/{aclName}/{id}");
                state["capacity"] = 1100;
                break;
            case "aws:cloudwatch/logDeliverySource:LogDeliverySource":
            case "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":
            case "aws:cloudwatch/logDelivery:LogDelivery":
                var deliveryKind = type.Split(':').Last() switch { "LogDeliverySource" => "delivery-source", "LogDeliveryDestination" => "delivery-destination", _ => "delivery" };
                id = inputs.TryGetValue("name", out var deliveryName) ? (string)deliveryName : hex[..16];
                // Only CloudFront logs through these, and its delivery lives in us-east-1 whatever the stack's region.
                state["arn"] = $"arn:aws:logs:us-east-1:{AccountId}:{deliveryKind}:{id}";
                break;
            case "aws:sqs/queue:Queue":
                var queueName = inputs.TryGetValue("namePrefix", out var queuePrefix) ? queuePrefix + hex[..10] : AutoName("name");
                id = $"https://sqs.{Region}.amazonaws.com/{AccountId}/{queueName}";
                state["name"] = queueName;
                state["url"] = id;
                state["arn"] = Arn("sqs", queueName);
                break;
            case "aws:sns/topicSubscription:TopicSubscription": id = $"{inputs["topic"]}:{Guid.Parse(Hex(name, 32))}"; break;
            case "aws:cloudfront/originAccessControl:OriginAccessControl": id = $"E{hex[..13].ToUpperInvariant()}"; break;
            case "aws:cloudfront/distribution:Distribution":
                id = $"E{hex[..13].ToUpperInvariant()}";
                state["arn"] = $"arn:aws:cloudfront::{AccountId}:distribution/{id}";
                state["domainName"] = $"d{hex[..13]}.cloudfront.net";
                state["hostedZoneId"] = "Z2FDTNDATAQYW2";
                break;
            case "aws:acm/certificate:Certificate":
                id = $"arn:aws:acm:{Region}:{AccountId}:certificate/{Guid.Parse(Hex(name, 32))}";
                state["arn"] = id;
                var domains = new[] { (string)inputs["domainName"] }.Concat(
                    inputs.TryGetValue("subjectAlternativeNames", out var sans) ? ((ImmutableArray<object>)sans).Cast<string>() : []);
                // A wildcard is validated by its apex's record, as ACM does.
                static string Apex(string domain) => domain.StartsWith("*.", StringComparison.Ordinal) ? domain[2..] : domain;
                state["domainValidationOptions"] = domains.Distinct().Select(domain => (object)ImmutableDictionary<string, object>.Empty
                    .Add("domainName", domain)
                    .Add("resourceRecordName", $"_{Hex(Apex(domain), 32)}.{Apex(domain)}.")
                    .Add("resourceRecordType", "CNAME")
                    .Add("resourceRecordValue", $"_{Hex("v" + Apex(domain), 32)}.acm-validations.aws.")).ToImmutableArray();
                break;
            case "aws:route53/record:Record":
                id = $"{inputs["zoneId"]}_{inputs["name"]}_{inputs["type"]}";
                state["fqdn"] = inputs["name"];
                break;
            case "aws:route53/healthCheck:HealthCheck":
                id = Guid.Parse(Hex(name, 32)).ToString();
                state["arn"] = $"arn:aws:route53:::healthcheck/{id}";
                break;
            case "pulumi:pulumi:StackReference":
                // Read, not created: the engine passes the stack's name as the id and as the name input.
                id = args.Id is { Length: > 0 } referenced ? referenced : (string)inputs["name"];
                state["outputs"] = StackOutputs.GetValueOrDefault(id, ImmutableDictionary<string, object>.Empty);
                state["secretOutputNames"] = ImmutableArray<object>.Empty;
                break;
            case "random:index/randomId:RandomId":
                var bytes = Convert.ToInt32(inputs["byteLength"]);
                var randomHex = Hex(name, bytes * 2);
                id = randomHex;
                state["hex"] = inputs.TryGetValue("prefix", out var randomPrefix) ? randomPrefix + randomHex : randomHex;
                break;
            default:
                id = type.StartsWith("pulumi:providers:", StringComparison.Ordinal) || type.Contains("/", StringComparison.Ordinal)
                    ? $"{name}-{hex[..7]}"
                    : "";
                break;
        }

        return (id.Length > 0 ? id : $"{name}_id", state.ToImmutable());
    }

    public object Call(MockCallArgs args)
    {
        var inputs = args.Args;
        return args.Token switch
        {
            "aws:index/getAvailabilityZones:getAvailabilityZones" => Map(
                ("id", Region), ("names", AvailabilityZones.Cast<object>().ToImmutableArray()),
                ("zoneIds", AvailabilityZones.Select((_, i) => (object)$"use1-az{i + 1}").ToImmutableArray())),
            "aws:index/getCallerIdentity:getCallerIdentity" => Map(
                ("accountId", AccountId), ("arn", $"arn:aws:iam::{AccountId}:user/ci"), ("id", AccountId)),
            "aws:index/getPartition:getPartition" => Map(("partition", "aws"), ("dnsSuffix", "amazonaws.com")),
            "aws:index/getRegion:getRegion" => Map(("region", Region), ("name", Region), ("id", Region)),
            "aws:iam/getPolicyDocument:getPolicyDocument" => Map(("json", PolicyJson(inputs)), ("id", "policy")),
            "aws:ec2/getSubnet:getSubnet" => Subnet((string)inputs["id"]),
            "aws:ec2/getVpc:getVpc" => Map(("id", inputs["id"]), ("cidrBlock", ExistingVpcCidr), ("enableDnsSupport", true), ("enableDnsHostnames", true)),
            "aws:cloudfront/getCachePolicy:getCachePolicy" => ManagedPolicy(inputs, CachePolicies),
            "aws:cloudfront/getResponseHeadersPolicy:getResponseHeadersPolicy" => ManagedPolicy(inputs, ResponseHeadersPolicies),
            _ => throw new NotSupportedException($"FakeAws has no answer for {args.Token}"),
        };
    }

    /// <summary>The address range the mock gives an existing VPC.</summary>
    public const string ExistingVpcCidr = "10.0.0.0/16";

    /// <summary>A subnet the stack's infra:network.existingVpc names, read from the configuration the program runs with
    /// (PULUMI_CONFIG): the i-th public and the i-th private subnet lie in the region's i-th zone, public ones are /24s
    /// from 10.0.0.0, private ones /20s from 10.0.16.0. Any other id is not found, as AWS answers.</summary>
    ImmutableDictionary<string, object> Subnet(string id)
    {
        var existing = Environment.GetEnvironmentVariable("PULUMI_CONFIG") is { } json
            && JsonSerializer.Deserialize<Dictionary<string, string>>(json)?.GetValueOrDefault("infra:network") is { } network
            && JsonNode.Parse(network)?["existingVpc"] is JsonObject given ? given : null;
        int IndexIn(string list) => existing?[list] is JsonArray ids ? ids.Select(node => node?.ToString()).ToList().IndexOf(id) : -1;
        var (index, cidr) = IndexIn("publicSubnetIds") is >= 0 and var p ? (p, $"10.0.{p}.0/24")
            : IndexIn("privateSubnetIds") is >= 0 and var q ? (q, $"10.0.{(q + 1) * 16}.0/20")
            : throw new InvalidOperationException($"InvalidSubnetID.NotFound: the subnet ID '{id}' does not exist (the plan knows the subnets of infra:network.existingVpc)");
        return Map(("id", id), ("vpcId", existing!["vpcId"]?.ToString() ?? ""), ("availabilityZone", AvailabilityZones[index % AvailabilityZones.Length]),
            ("cidrBlock", cidr));
    }

    public static readonly ImmutableDictionary<string, string> CachePolicies = new Dictionary<string, string>
    {
        ["Managed-CachingOptimized"] = "658327ea-f89d-4fab-a63d-7e88639e58f6",
        ["Managed-CachingDisabled"] = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    }.ToImmutableDictionary();

    public static readonly ImmutableDictionary<string, string> ResponseHeadersPolicies = new Dictionary<string, string>
    {
        ["Managed-SecurityHeadersPolicy"] = "67f7725c-6f97-4210-82d7-5512b31e9d03",
    }.ToImmutableDictionary();

    static ImmutableDictionary<string, object> ManagedPolicy(ImmutableDictionary<string, object> inputs,
        ImmutableDictionary<string, string> known)
    {
        var name = (string)inputs["name"];
        return known.TryGetValue(name, out var id)
            ? Map(("id", id), ("name", name))
            : throw new InvalidOperationException($"no managed CloudFront policy named '{name}'");
    }

    /// <summary>Renders statements the way the AWS provider does: single values collapse to a string.</summary>
    static string PolicyJson(ImmutableDictionary<string, object> inputs)
    {
        var statements = inputs.TryGetValue("statements", out var value) ? ((ImmutableArray<object>)value).Cast<ImmutableDictionary<string, object>>() : [];
        var rendered = statements.Select(statement =>
        {
            var result = new Dictionary<string, object>();
            if (statement.TryGetValue("sid", out var sid)) result["Sid"] = sid;
            result["Effect"] = statement.GetValueOrDefault("effect", "Allow");
            if (statement.TryGetValue("actions", out var actions)) result["Action"] = Collapse(actions);
            if (statement.TryGetValue("resources", out var resources)) result["Resource"] = Collapse(resources);
            if (statement.TryGetValue("principals", out var principals))
                result["Principal"] = Principal(((ImmutableArray<object>)principals).Cast<ImmutableDictionary<string, object>>().ToList());
            if (statement.TryGetValue("conditions", out var conditions))
                result["Condition"] = ((ImmutableArray<object>)conditions).Cast<ImmutableDictionary<string, object>>()
                    .GroupBy(condition => (string)condition["test"])
                    .ToDictionary(group => group.Key, group => group.ToDictionary(
                        condition => (string)condition["variable"], condition => Collapse(condition["values"])));
            return result;
        });
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = rendered });
    }

    /// <summary>Anyone (type "*", identifiers ["*"]) is the bare "*", as AWS and the provider write it; other
    /// principals map their type to one identifier or a list.</summary>
    static object Principal(IReadOnlyList<ImmutableDictionary<string, object>> principals)
    {
        if (principals is [var only] && (string)only["type"] == "*" && Collapse(only["identifiers"]) is "*")
            return "*";
        return principals.ToDictionary(principal => (string)principal["type"], principal => Collapse(principal["identifiers"]));
    }

    /// <summary>A single value collapses to a string, as the provider renders it.</summary>
    static object Collapse(object values) => values is ImmutableArray<object> { Length: 1 } single ? single[0] : values;

    static ImmutableDictionary<string, object> Map(params (string Key, object Value)[] entries) =>
        entries.ToImmutableDictionary(entry => entry.Key, entry => entry.Value);
}

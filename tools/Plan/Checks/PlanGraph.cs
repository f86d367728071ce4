using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Infra.Plan.Checks;

/// <summary>The plan's resources with the lookups rules need: by type, by a value another resource refers to (an id,
/// ARN, name or ARN suffix) and the paths traffic takes (listener → target group → group → launch template).</summary>
public sealed class PlanGraph
{
    readonly Dictionary<string, PlannedResource> _byValue = new(StringComparer.Ordinal);

    public PlanGraph(PlanDocument plan)
    {
        Plan = plan;
        foreach (var resource in plan.Resources)
        {
            foreach (var value in resource.Outputs.Select(pair => pair.Value).OfType<JsonValue>().Select(Text))
                if (value is { Length: > 0 })
                    _byValue.TryAdd(value, resource);
            if (Text(resource.Inputs["name"]) is { Length: > 0 } name)
                _byValue.TryAdd($"{resource.Type}::{name}", resource);
        }
    }

    public PlanDocument Plan { get; }

    public IEnumerable<PlannedResource> OfType(string type) => Plan.Resources.Where(resource => resource.Type == type);

    /// <summary>The resource a value names: an id, ARN or ARN suffix it computed.</summary>
    public PlannedResource? Referenced(string? value) => value is not null && _byValue.TryGetValue(value, out var resource) ? resource : null;

    /// <summary>The resource of a type with this name input (groups and queues are named by the stack).</summary>
    public PlannedResource? Named(string type, string? name) => name is not null && _byValue.TryGetValue($"{type}::{name}", out var resource) ? resource : null;

    public IEnumerable<PlannedResource> Listeners => OfType(Types.Listener);

    /// <summary>Target groups a listener forwards to, with the listener.</summary>
    public IEnumerable<(PlannedResource Listener, PlannedResource TargetGroup)> Forwards =>
        from listener in Listeners
        from action in Items(listener.Inputs["defaultActions"])
        where Text(action["type"]) == "forward" && Referenced(Text(action["targetGroupArn"])) is not null
        select (listener, Referenced(Text(action["targetGroupArn"]))!);

    /// <summary>Groups registered in a target group.</summary>
    public IEnumerable<PlannedResource> GroupsIn(PlannedResource targetGroup) =>
        OfType(Types.Group).Where(group => Items(group.Inputs["targetGroupArns"]).Select(Text).Contains(Text(targetGroup.Outputs["id"])));

    /// <summary>The security groups of a group's instances, from its launch template.</summary>
    public IEnumerable<PlannedResource> InstanceSecurityGroups(PlannedResource group) =>
        LaunchTemplateOf(group) is { } template
            ? Items(template.Inputs["vpcSecurityGroupIds"]).Select(id => Referenced(Text(id))).OfType<PlannedResource>()
            : [];

    /// <summary>application, network (the lb type's loadBalancerType, application when unset) or classic.</summary>
    public static string BalancerType(PlannedResource balancer) =>
        balancer.Type == Types.ClassicLoadBalancer ? "classic" : Text(balancer.Inputs["loadBalancerType"]) ?? "application";

    public IEnumerable<PlannedResource> ListenersOf(PlannedResource balancer) =>
        Listeners.Where(listener => Text(listener.Inputs["loadBalancerArn"]) == Text(balancer.Outputs["arn"]));

    /// <summary>The group's launch template, named by the group or by its mixed instances policy.</summary>
    public PlannedResource? LaunchTemplateOf(PlannedResource group) => Referenced(Text(group.Inputs["launchTemplate"]?["id"]
        ?? group.Inputs["mixedInstancesPolicy"]?["launchTemplate"]?["launchTemplateSpecification"]?["launchTemplateId"]));

    /// <summary>The metrics an alarm watches: its own, or each metric of its metric math, as (namespace, name, dimensions).</summary>
    public static IEnumerable<(string Namespace, string? Name, JsonObject? Dimensions, int? Period)> MetricsOf(PlannedResource alarm) =>
        alarm.Inputs["metricQueries"] is JsonArray queries
            ? queries.OfType<JsonObject>().Select(query => query["metric"]).OfType<JsonObject>()
                .Select(metric => (Text(metric["namespace"]) ?? "", Text(metric["metricName"]), metric["dimensions"] as JsonObject, Number(metric["period"])))
            : [(Text(alarm.Inputs["namespace"]) ?? "", Text(alarm.Inputs["metricName"]), alarm.Inputs["dimensions"] as JsonObject, Number(alarm.Inputs["period"]))];

    public IEnumerable<PlannedResource> Rules(string type, PlannedResource securityGroup) =>
        OfType(type).Where(rule => Text(rule.Inputs["securityGroupId"]) == Text(securityGroup.Outputs["id"]));

    /// <summary>The region a resource is created in: its explicit provider's, else the stack's.</summary>
    public string RegionOf(PlannedResource resource)
    {
        var providerUrn = resource.Provider?[..resource.Provider.LastIndexOf("::", StringComparison.Ordinal)];
        var provider = providerUrn is null ? null : Plan.ByUrn.GetValueOrDefault(providerUrn);
        return Text(provider?.Inputs["region"]) ?? Plan.Region;
    }

    /// <summary>The health check's port: the target group's own for "traffic-port" or when unset.</summary>
    public static int? HealthCheckPort(PlannedResource targetGroup) =>
        Text(targetGroup.Inputs["healthCheck"]?["port"]) is { } port && int.TryParse(port, out var number) ? number : Number(targetGroup.Inputs["port"]);

    public static string? Text(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value when value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
        _ => null,
    };

    /// <summary>A whole number, whether the engine sent it as a double or a string.</summary>
    public static int? Number(JsonNode? node) =>
        double.TryParse(Text(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? (int)number : null;

    public static IEnumerable<JsonNode> Items(JsonNode? node) => node is JsonArray array ? array.OfType<JsonNode>() : [];
}

/// <summary>The type tokens the rules read.</summary>
public static class Types
{
    public const string LoadBalancer = "aws:lb/loadBalancer:LoadBalancer";
    public const string ClassicLoadBalancer = "aws:elb/loadBalancer:LoadBalancer";
    public const string Listener = "aws:lb/listener:Listener";
    public const string TargetGroup = "aws:lb/targetGroup:TargetGroup";
    public const string Group = "aws:autoscaling/group:Group";
    public const string LaunchTemplate = "aws:ec2/launchTemplate:LaunchTemplate";
    public const string Ingress = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    public const string Egress = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
    public const string Alarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
    public const string Distribution = "aws:cloudfront/distribution:Distribution";
    public const string Route = "aws:ec2/route:Route";
    public const string RouteTableAssociation = "aws:ec2/routeTableAssociation:RouteTableAssociation";
    public const string Endpoint = "aws:ec2/vpcEndpoint:VpcEndpoint";
    public const string Queue = "aws:sqs/queue:Queue";
    public const string Bucket = "aws:s3/bucket:Bucket";
    public const string BucketPolicy = "aws:s3/bucketPolicy:BucketPolicy";
    public const string ScalingPolicy = "aws:autoscaling/policy:Policy";
}

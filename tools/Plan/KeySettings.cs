using System.Globalization;
using System.Text.Json.Nodes;

namespace Infra.Plan;

/// <summary>The few settings worth seeing for each resource type in the tree.</summary>
internal static class KeySettings
{
    /// <summary>A metric math alarm as its expression over the metric names (math over AWS/ApplicationELB RequestCount ...).</summary>
    static string MetricMath(PlannedResource alarm)
    {
        var queries = Checks.PlanGraph.Items(alarm.Inputs["metricQueries"]).ToList();
        var expression = queries.Select(query => Checks.PlanGraph.Text(query["expression"])).FirstOrDefault(text => text is not null) ?? "";
        foreach (var query in queries.Where(query => query["metric"] is not null))
            expression = System.Text.RegularExpressions.Regex.Replace(expression, $@"\b{Checks.PlanGraph.Text(query["id"])}\b",
                $"{Checks.PlanGraph.Text(query["metric"]?["namespace"])}/{Checks.PlanGraph.Text(query["metric"]?["metricName"])}");
        return expression.Replace(" ", "", StringComparison.Ordinal);
    }

    public static string Describe(PlannedResource resource)
    {
        var inputs = resource.Inputs;
        string? Get(params string[] path)
        {
            JsonNode? node = inputs;
            foreach (var part in path)
                node = node is JsonObject map ? map[part] : node is JsonArray { Count: > 0 } list && part == "0" ? list[0] : null;
            return node switch
            {
                null => null,
                JsonArray list => string.Join(",", list.Select(item => item?.ToString())),
                JsonValue value when value.TryGetValue<double>(out var number) => number.ToString(CultureInfo.InvariantCulture),
                _ => node.ToString(),
            };
        }

        string Join(params (string Label, string? Value)[] parts) =>
            string.Join("  ", parts.Where(part => !string.IsNullOrEmpty(part.Value)).Select(part => part.Label.Length == 0 ? part.Value : $"{part.Label}={part.Value}"));

        return resource.Type switch
        {
            "aws:ec2/vpc:Vpc" => Join(("", Get("cidrBlock")), ("ipv6", Get("assignGeneratedIpv6CidrBlock"))),
            "aws:ec2/subnet:Subnet" => Join(("", Get("cidrBlock")), ("", Get("availabilityZone"))),
            "aws:ec2/route:Route" => Join(("", Get("destinationCidrBlock") ?? Get("destinationIpv6CidrBlock")),
                ("via", Get("natGatewayId") ?? Get("gatewayId") ?? Get("egressOnlyGatewayId"))),
            "aws:ec2/natGateway:NatGateway" => Join(("subnet", Get("subnetId"))),
            "aws:ec2/vpcEndpoint:VpcEndpoint" => Join(("", Get("vpcEndpointType")), ("", Get("serviceName")),
                ("zones", inputs["subnetIds"] is JsonArray { Count: > 0 } subnets ? subnets.Count.ToString(CultureInfo.InvariantCulture) : null),
                ("privateDns", Get("privateDnsEnabled")), ("policy", Get("policy") is null ? null : "this account")),
            "aws:lb/listenerCertificate:ListenerCertificate" => Join(("sni", Get("certificateArn"))),
            "aws:sqs/queue:Queue" => Join(("visibility", Get("visibilityTimeoutSeconds") is { } visibility ? $"{visibility}s" : null),
                ("retention", $"{Get("messageRetentionSeconds")}s"), ("encryption", Get("kmsMasterKeyId") is null ? "SSE-SQS" : "KMS"),
                ("dead-letter", Get("redrivePolicy") is { } redrive ? $"after {JsonNode.Parse(redrive)?["maxReceiveCount"]} receives" : null)),
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" or "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule" =>
                Join(("", Get("ipProtocol")), ("port", Get("fromPort")), ("", Get("cidrIpv4") ?? Get("cidrIpv6") ?? Get("referencedSecurityGroupId"))),
            "aws:lb/loadBalancer:LoadBalancer" => Join(("", Get("loadBalancerType")), ("internal", Get("internal")), ("idle", Get("idleTimeout")),
                ("deletionProtection", Get("enableDeletionProtection")), ("logs", Get("accessLogs", "bucket"))),
            "aws:elb/loadBalancer:LoadBalancer" => Join(("health", Get("healthCheck", "target")), ("every", $"{Get("healthCheck", "interval")}s"),
                ("draining", Get("connectionDraining") == "true" ? $"{Get("connectionDrainingTimeout")}s" : "off"), ("crossZone", Get("crossZoneLoadBalancing"))),
            "aws:elb/loadBalancerCookieStickinessPolicy:LoadBalancerCookieStickinessPolicy" => Join(("port", Get("lbPort")), ("expires", $"{Get("cookieExpirationPeriod")}s")),
            "aws:elb/appCookieStickinessPolicy:AppCookieStickinessPolicy" => Join(("port", Get("lbPort")), ("cookie", Get("cookieName"))),
            "aws:lb/listener:Listener" => Join(("", $"{Get("protocol")}:{Get("port")}"), ("", Get("defaultActions", "0", "type")),
                ("ssl", Get("sslPolicy"))),
            "aws:lb/targetGroup:TargetGroup" => Join(("", $"{Get("protocol")}:{Get("port")}"),
                ("health", $"{Get("healthCheck", "path")} every {Get("healthCheck", "interval")}s {Get("healthCheck", "healthyThreshold")}/{Get("healthCheck", "unhealthyThreshold")}"),
                ("sticky", Get("stickiness", "enabled") == "true" ? Get("stickiness", "type") : "off"), ("draining", Get("deregistrationDelay"))),
            "aws:ec2/launchTemplate:LaunchTemplate" => Join(("", Get("instanceType")), ("image", Get("imageId")), ("imds", Get("metadataOptions", "httpTokens")),
                ("credits", Get("creditSpecification", "cpuCredits")), ("root", $"{Get("blockDeviceMappings", "0", "ebs", "volumeSize")}GB {Get("blockDeviceMappings", "0", "ebs", "volumeType")} encrypted={Get("blockDeviceMappings", "0", "ebs", "encrypted")}")),
            "aws:autoscaling/group:Group" => Join(("min", Get("minSize")), ("desired", Get("desiredCapacity")), ("max", Get("maxSize")),
                ("health", Get("healthCheckType")), ("cooldown", Get("defaultCooldown"))),
            "aws:autoscaling/policy:Policy" => Join(("", Get("adjustmentType")),
                ("step", Get("stepAdjustments", "0", "scalingAdjustment"))),
            "aws:autoscaling/schedule:Schedule" => Join(("", Get("recurrence")), ("", Get("timeZone")),
                ("", $"{Get("minSize")}/{Get("desiredCapacity")}/{Get("maxSize")}")),
            "aws:cloudwatch/metricAlarm:MetricAlarm" => Join(("", Get("metricName") is null ? MetricMath(resource) : $"{Get("namespace")}/{Get("metricName")}"),
                ("", Get("extendedStatistic")), ("", Get("comparisonOperator")), ("threshold", Get("threshold")),
                ("period", Get("period") ?? Get("metricQueries", "1", "metric", "period")), ("x", Get("evaluationPeriods"))),
            "aws:cloudfront/distribution:Distribution" => Join(("", Get("priceClass")), ("aliases", Get("aliases")),
                ("tls", Get("viewerCertificate", "minimumProtocolVersion"))),
            "aws:s3/bucketObjectv2:BucketObjectv2" => Join(("", Get("contentType")), ("", Get("cacheControl"))),
            "aws:route53/record:Record" => Join(("", Get("type")), ("", Get("name")), ("latency", Get("latencyRoutingPolicies", "0", "region")),
                ("continent", Get("geolocationRoutingPolicies", "0", "continent")), ("country", Get("geolocationRoutingPolicies", "0", "country")),
                ("failover", Get("failoverRoutingPolicies", "0", "type")), ("alias", Get("aliases", "0", "name")),
                ("evaluateTargetHealth", Get("aliases", "0", "evaluateTargetHealth")), ("healthCheck", Get("healthCheckId") is null ? null : "yes")),
            "aws:route53/healthCheck:HealthCheck" => Join(("", $"{Get("type")}:{Get("port")}{Get("resourcePath")}"), ("", Get("fqdn")),
                ("every", Get("requestInterval") + "s"), ("failures", Get("failureThreshold"))),
            "pulumi:pulumi:StackReference" => Join(("reads", Get("name"))),
            "aws:acm/certificate:Certificate" => Join(("", Get("domainName")), ("", Get("validationMethod"))),
            "pulumi:providers:aws" => Join(("region", Get("region"))),
            _ => "",
        };
    }
}

using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Plan.Checks;

/// <summary>NET001: instances in private subnets reach what they need: a default route through NAT (or a gateway),
/// or VPC endpoints for what the tiers call: Systems Manager, CloudWatch, Auto Scaling (the drain hook), S3 (package
/// repositories), SQS with a job queue and KMS with a customer-key queue. Subnets of an existing VPC are not in the
/// plan: their routes cannot be judged offline, so missing endpoints there are a warning that says so.</summary>
public sealed class PrivateSubnetEgress : IPlanRule
{
    static readonly string[] AlwaysNeeded = ["ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "autoscaling", "s3"];

    public string Id => "NET001";
    public Severity Severity => Severity.Error;
    public string Title => "Private instances have a way out (NAT or endpoints)";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var endpoints = graph.OfType(Types.Endpoint).Select(endpoint => Text(endpoint.Inputs["serviceName"]) ?? "").ToHashSet();
        var queues = graph.OfType(Types.Queue).ToList();
        string[] needed = [.. AlwaysNeeded, .. queues.Count > 0 ? ["sqs"] : Array.Empty<string>(),
            .. queues.Any(queue => Text(queue.Inputs["kmsMasterKeyId"]) is not null) ? ["kms"] : Array.Empty<string>()];
        foreach (var group in graph.OfType(Types.Group))
        {
            var subnets = Items(group.Inputs["vpcZoneIdentifiers"]).Select(Text).ToList();
            var closed = subnets.Where(subnet => graph.Referenced(subnet) is not null && !HasDefaultRoute(graph, subnet))
                .Select(subnet => graph.Referenced(subnet)!).ToList();
            var unseen = subnets.Count(subnet => graph.Referenced(subnet) is null);
            if (closed.Count == 0 && unseen == 0)
                continue;
            var region = graph.RegionOf(group);
            var missing = needed.Where(service => !endpoints.Contains($"com.amazonaws.{region}.{service}")).ToList();
            if (missing.Count == 0)
                continue;
            var fix = $"set infra:network.nat to Single or OnePerAz, or add {Fix(missing)}";
            if (closed.Count > 0)
                yield return new Finding(Id, Severity, [group.Urn, .. closed.Select(subnet => subnet.Urn)],
                    $"{group.Name}: {closed.Count} subnet(s) without a default route, and no endpoint for {string.Join(", ", missing)}; instances cannot reach them", fix);
            else
                yield return new Finding(Id, Severity.Warning, [group.Urn],
                    $"{group.Name}: the routes of its {unseen} existing subnet(s) are not in the plan; without NAT the instances also need endpoints for {string.Join(", ", missing)}",
                    $"make sure the subnets route to a NAT gateway, or add {Fix(missing)}");
        }
    }

    static string Fix(IReadOnlyList<string> missing)
    {
        var interfaces = missing.Where(service => service != "s3").ToList();
        var parts = new List<string>();
        if (interfaces.Count > 0)
            parts.Add($"{string.Join(", ", interfaces)} to infra:network.interfaceEndpoints");
        if (missing.Contains("s3"))
            parts.Add("the S3 gateway endpoint (infra:network.s3GatewayEndpoint)");
        return string.Join(" and ", parts);
    }

    static bool HasDefaultRoute(PlanGraph graph, string? subnetId)
    {
        var tables = graph.OfType(Types.RouteTableAssociation).Where(association => Text(association.Inputs["subnetId"]) == subnetId)
            .Select(association => Text(association.Inputs["routeTableId"])).ToHashSet();
        return graph.OfType(Types.Route).Any(route => tables.Contains(Text(route.Inputs["routeTableId"]))
            && Text(route.Inputs["destinationCidrBlock"]) == "0.0.0.0/0"
            && (Text(route.Inputs["natGatewayId"]) ?? Text(route.Inputs["gatewayId"]) ?? Text(route.Inputs["transitGatewayId"])) is not null);
    }
}

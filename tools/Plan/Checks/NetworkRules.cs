using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Plan.Checks;

/// <summary>NET001: instances in private subnets reach what they need: a default route through NAT (or a gateway),
/// or VPC endpoints for Systems Manager, CloudWatch, Auto Scaling (the drain hook) and S3 (package repositories).
/// The Network component makes only the S3 endpoint today, so its fix is NAT.</summary>
public sealed class PrivateSubnetEgress : IPlanRule
{
    static readonly string[] InterfaceServices = ["ssm", "ssmmessages", "ec2messages", "logs", "monitoring", "autoscaling"];

    public string Id => "NET001";
    public Severity Severity => Severity.Error;
    public string Title => "Private instances have a way out (NAT or endpoints)";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var endpoints = graph.OfType(Types.Endpoint).Select(endpoint => Text(endpoint.Inputs["serviceName"]) ?? "").ToHashSet();
        foreach (var group in graph.OfType(Types.Group))
        {
            var closed = Items(group.Inputs["vpcZoneIdentifiers"]).Select(Text)
                .Where(subnet => !HasDefaultRoute(graph, subnet))
                .Select(subnet => graph.Referenced(subnet)).OfType<PlannedResource>().ToList();
            if (closed.Count == 0)
                continue;
            var region = graph.RegionOf(group);
            var missing = InterfaceServices.Append("s3").Where(service => !endpoints.Contains($"com.amazonaws.{region}.{service}")).ToList();
            if (missing.Count == 0)
                continue;
            yield return new Finding(Id, Severity, [group.Urn, .. closed.Select(subnet => subnet.Urn)],
                $"{group.Name}: {closed.Count} subnet(s) without a default route or endpoints for {string.Join(", ", missing)}; instances cannot reach Systems Manager, CloudWatch or Auto Scaling",
                "set infra:network.nat to Single (one NAT gateway, the cheapest way out) or OnePerAz: this project creates no interface endpoints yet, so with nat None the instances stay cut off");
        }
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

using Infra.Components.LoadBalancing;
using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Plan.Checks;

/// <summary>LB001: a target group's health check speaks its targets' protocol. AWS defaults the check to HTTP, so an
/// HTTPS target checked with the default never completes a TLS handshake, stays unhealthy, and an ELB-checked group
/// replaces its instances in a loop.</summary>
public sealed class HealthCheckProtocol : IPlanRule
{
    public string Id => "LB001";
    public Severity Severity => Severity.Error;
    public string Title => "Health check protocol matches the target group's protocol";

    public IEnumerable<Finding> Check(PlanGraph graph) =>
        from targetGroup in graph.OfType(Types.TargetGroup)
        let protocol = Text(targetGroup.Inputs["protocol"])
        let checkedWith = Text(targetGroup.Inputs["healthCheck"]?["protocol"]) ?? "HTTP"
        where protocol is "HTTP" or "HTTPS" && checkedWith != protocol
        select new Finding(Id, Severity, [targetGroup.Urn],
            $"{targetGroup.Name}: {protocol} target group checked over {checkedWith}; its targets never become healthy",
            $"leave infra:loadBalancer.healthCheck.protocol unset (it follows the target) or set it to {protocol}");
}

/// <summary>LB002: the balancer can reach the health-check port of every instance it checks: an egress rule on the
/// balancer's security group and an ingress rule on the instances' security group, for that port.</summary>
public sealed class HealthCheckReachable : IPlanRule
{
    public string Id => "LB002";
    public Severity Severity => Severity.Error;
    public string Title => "Health-check port open from the load balancer to the instances";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        foreach (var (listener, targetGroup) in graph.Forwards.DistinctBy(pair => pair.TargetGroup.Urn))
        {
            var port = HealthCheckPort(targetGroup);
            var balancer = graph.Referenced(Text(listener.Inputs["loadBalancerArn"]));
            var balancerGroups = Items(balancer?.Inputs["securityGroups"]).Select(id => graph.Referenced(Text(id))).OfType<PlannedResource>().ToList();
            foreach (var group in graph.GroupsIn(targetGroup))
            {
                var instanceGroups = graph.InstanceSecurityGroups(group).ToList();
                var allowedIn = instanceGroups.SelectMany(sg => graph.Rules(Types.Ingress, sg))
                    .Any(rule => Opens(rule, port) && (From(rule, balancerGroups) || Text(rule.Inputs["cidrIpv4"]) is not null));
                var allowedOut = balancerGroups.SelectMany(sg => graph.Rules(Types.Egress, sg))
                    .Any(rule => Opens(rule, port) && (From(rule, instanceGroups) || Text(rule.Inputs["cidrIpv4"]) is not null));
                if (allowedIn && allowedOut)
                    continue;
                var missing = allowedIn ? $"egress from {string.Join(", ", balancerGroups.Select(sg => sg.Name))}"
                    : $"ingress on {string.Join(", ", instanceGroups.Select(sg => sg.Name))}";
                yield return new Finding(Id, Severity, [targetGroup.Urn, group.Urn, .. instanceGroups.Select(sg => sg.Urn), .. balancerGroups.Select(sg => sg.Urn)],
                    $"{targetGroup.Name}: health checks of {group.Name} on port {port} are blocked (no {missing} for {port})",
                    $"add {port} to infra:network.appPorts, or check a port the instances already open (infra:loadBalancer.healthCheck.port)");
            }
        }
    }

    /// <summary>A TCP (or all-traffic) rule whose port range covers the port.</summary>
    internal static bool Opens(PlannedResource rule, int? port) =>
        Text(rule.Inputs["ipProtocol"]) == "-1"
        || Text(rule.Inputs["ipProtocol"]) == "tcp" && Number(rule.Inputs["fromPort"]) <= port && port <= Number(rule.Inputs["toPort"]);

    static bool From(PlannedResource rule, IEnumerable<PlannedResource> groups) =>
        groups.Any(sg => Text(sg.Outputs["id"]) == Text(rule.Inputs["referencedSecurityGroupId"]));
}

/// <summary>LB003: every target group a group registers in receives traffic from a listener, and every group a
/// listener forwards to has instances registered (else every request gets a 503).</summary>
public sealed class TargetGroupWiring : IPlanRule
{
    public string Id => "LB003";
    public Severity Severity => Severity.Error;
    public string Title => "Target groups are forwarded to and have instances";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var forwarded = graph.Forwards.ToLookup(pair => pair.TargetGroup.Urn, pair => pair.Listener);
        foreach (var targetGroup in graph.OfType(Types.TargetGroup))
        {
            var groups = graph.GroupsIn(targetGroup).ToList();
            var listeners = forwarded[targetGroup.Urn].ToList();
            if (listeners.Count > 0 && groups.Count == 0)
                yield return new Finding(Id, Severity.Error, [targetGroup.Urn, .. listeners.Select(listener => listener.Urn)],
                    $"{targetGroup.Name}: {string.Join(", ", listeners.Select(listener => listener.Name))} forwards to it but no group registers instances; every request gets 503",
                    "register an auto-scaling group in it (the web tier's TargetGroupArns)");
            else if (listeners.Count == 0)
                yield return new Finding(Id, Severity.Warning, [targetGroup.Urn, .. groups.Select(group => group.Urn)],
                    $"{targetGroup.Name}: no listener forwards to it{(groups.Count > 0 ? $", yet {string.Join(", ", groups.Select(group => group.Name))} registers in it" : "")}",
                    "remove the target group, or forward a listener to it");
        }
    }
}

/// <summary>SG001: no security-group ingress without something behind it: on a balancer's group only listener
/// ports, on instances only ports a target group sends traffic or health checks to.</summary>
public sealed class IngressWithoutListener : IPlanRule
{
    public string Id => "SG001";
    public Severity Severity => Severity.Warning;
    public string Title => "No ingress port without a listener or health check behind it";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        var expected = new Dictionary<string, HashSet<int>>();
        void Expect(PlannedResource securityGroup, int? port)
        {
            if (!expected.TryGetValue(securityGroup.Urn, out var ports))
                expected[securityGroup.Urn] = ports = [];
            if (port is { } value)
                ports.Add(value);
        }

        foreach (var balancer in graph.OfType(Types.LoadBalancer))
            foreach (var securityGroup in Items(balancer.Inputs["securityGroups"]).Select(id => graph.Referenced(Text(id))).OfType<PlannedResource>())
            {
                Expect(securityGroup, null);
                foreach (var listener in graph.Listeners.Where(listener => Text(listener.Inputs["loadBalancerArn"]) == Text(balancer.Outputs["id"])))
                    Expect(securityGroup, Number(listener.Inputs["port"]));
            }

        foreach (var targetGroup in graph.OfType(Types.TargetGroup))
            foreach (var group in graph.GroupsIn(targetGroup))
                foreach (var securityGroup in graph.InstanceSecurityGroups(group))
                {
                    Expect(securityGroup, Number(targetGroup.Inputs["port"]));
                    Expect(securityGroup, HealthCheckPort(targetGroup));
                }

        foreach (var rule in graph.OfType(Types.Ingress))
        {
            // Admin ranges (SSH from a CIDR) are an explicit choice, not traffic from the balancer.
            var fromBalancer = Text(rule.Inputs["referencedSecurityGroupId"]) is not null;
            if (graph.Referenced(Text(rule.Inputs["securityGroupId"])) is not { } securityGroup || !expected.TryGetValue(securityGroup.Urn, out var ports))
                continue;
            var isBalancer = graph.OfType(Types.LoadBalancer).Any(lb => Items(lb.Inputs["securityGroups"]).Select(Text).Contains(Text(securityGroup.Outputs["id"])));
            if (!isBalancer && !fromBalancer || ports.Any(port => HealthCheckReachable.Opens(rule, port)))
                continue;
            yield return new Finding(Id, Severity, [rule.Urn, securityGroup.Urn],
                $"{rule.Name}: {securityGroup.Name} opens {Number(rule.Inputs["fromPort"])} but nothing listens or is checked there (expected {string.Join(", ", ports.Order())})",
                isBalancer ? "add a listener on that port or drop the rule" : "remove the port from infra:network.appPorts");
        }
    }
}

/// <summary>LB004: a balancer's access logs can be written: the log bucket's policy grants the writer AWS documents
/// for that balancer type (<see cref="LogDelivery"/>: the region's ELB account or log-delivery principal for
/// application and classic balancers, delivery.logs.amazonaws.com with s3:GetBucketAcl for network ones), and a
/// network balancer has a TLS listener to log. AWS test-writes to the bucket when logs are turned on and refuses
/// them when it cannot.</summary>
public sealed class AccessLogBucketPolicy : IPlanRule
{
    public string Id => "LB004";
    public Severity Severity => Severity.Error;
    public string Title => "Access-log bucket policy fits the balancer type";

    public IEnumerable<Finding> Check(PlanGraph graph)
    {
        foreach (var balancer in graph.OfType(Types.LoadBalancer).Concat(graph.OfType(Types.ClassicLoadBalancer)))
        {
            var logs = balancer.Inputs["accessLogs"];
            if (Text(logs?["enabled"]) != "true")
                continue;
            var type = BalancerType(balancer);
            if (type == "network" && !graph.ListenersOf(balancer).Any(listener => Text(listener.Inputs["protocol"]) == "TLS"))
            {
                yield return new Finding(Id, Severity, [balancer.Urn],
                    $"{balancer.Name}: a network load balancer writes access logs only for TLS listeners, and it has none",
                    "add a listener with protocol TLS to infra:loadBalancer.listeners, or set infra:loadBalancer.accessLogs.enabled to false");
                continue;
            }

            var bucketName = Text(logs?["bucket"]) ?? "";
            var bucket = graph.Referenced(bucketName);
            var bucketArn = Text(bucket?.Outputs["arn"]) ?? $"arn:aws:s3:::{bucketName}";
            var prefix = Text(logs?["prefix"]) ?? Text(logs?["bucketPrefix"]);
            var account = Text(balancer.Outputs["arn"])?.Split(':') is { Length: > 4 } arn ? arn[4] : "";
            var region = graph.RegionOf(balancer);
            var logFile = $"{bucketArn}/{(prefix is { Length: > 0 } ? prefix + "/" : "")}AWSLogs/{account}/elasticloadbalancing/{region}/log.gz";
            (string Type, string Identifier) writer = type == "network" ? ("Service", LogDelivery.NetworkService) : LogDelivery.ElbPrincipal(region);
            (string Action, string Resource)[] needed = type == "network"
                ? [("s3:GetBucketAcl", bucketArn), ("s3:PutObject", logFile)]
                : [("s3:PutObject", logFile)];
            var policy = graph.OfType(Types.BucketPolicy).FirstOrDefault(candidate => Text(candidate.Inputs["bucket"]) == bucketName);
            var statements = IamPolicy.Statements(policy?.Inputs["policy"]).ToList();
            var missing = needed.Where(grant => !statements.Any(statement => IamPolicy.Allows(statement, writer, grant.Action, grant.Resource))).ToList();
            if (missing.Count == 0)
                continue;
            yield return new Finding(Id, Severity, [balancer.Urn, .. new[] { bucket?.Urn, policy?.Urn }.OfType<string>()],
                $"{bucket?.Name ?? bucketName}: the access-log bucket of the {type} balancer {balancer.Name} does not let {writer.Type} {writer.Identifier} {string.Join(" and ", missing.Select(grant => $"{grant.Action} on {grant.Resource}"))}; AWS refuses to turn the logs on",
                $"give the bucket the policy AWS documents for {type} balancers: {writer.Identifier} may {string.Join(" and ", needed.Select(grant => grant.Action))}{(type == "network" ? " (with aws:SourceAccount and aws:SourceArn conditions)" : "")}");
        }
    }
}

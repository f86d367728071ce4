using System.Collections.Immutable;
using Pulumi.Testing;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Stacks;

/// <summary>Follows the traffic of each committed stack through the graph: listener → target group → the web group's
/// instances → the security groups → the health check, and the latency alarm back to the group that gets the traffic.</summary>
public class TrafficPathTests
{
    sealed record Path(string Listener, int TargetPort, string TargetProtocol, string HealthProtocol);

    static ImmutableDictionary<string, object> Map(object value) => (ImmutableDictionary<string, object>)value;

    /// <summary>Numbers reach the mocks as doubles (the engine's wire format).</summary>
    static int Number(object value) => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);

    static ImmutableDictionary<string, object> Action(MockResourceArgs listener) =>
        Map(((ImmutableArray<object>)listener.Inputs["defaultActions"]).Single());

    static async Task<List<Path>> ForwardedPaths(Graph graph)
    {
        var groups = new Dictionary<string, Aws.LB.TargetGroup>();
        foreach (var group in graph.All<Aws.LB.TargetGroup>())
            groups[await group.Arn.ValueAsync()] = group;
        return [.. graph.OfType("aws:lb/listener:Listener").Where(listener => (string)Action(listener)["type"] == "forward").Select(listener =>
        {
            var inputs = graph.InputsOf(groups[(string)Action(listener)["targetGroupArn"]]);
            return new Path(listener.Name!, Number(inputs["port"]), (string)inputs["protocol"], (string)Map(inputs["healthCheck"])["protocol"]);
        })];
    }

    [TestCase("dev", 8080, "HTTP")]
    [TestCase("prod", 8443, "HTTPS")]
    public async Task Https_forwards_to_one_group_checked_over_its_own_protocol_and_http_only_redirects(string stack, int port, string protocol)
    {
        var graph = await StackRun.CommittedAsync(stack);
        // An HTTPS target answers only TLS: a plain-HTTP health check of it never passes and ELB health checks recycle
        // the instances (docs: target group health checks use the protocol given, default the target group's).
        Assert.That(await ForwardedPaths(graph), Is.EqualTo(new[] { new Path("web-lb-443", port, protocol, protocol) }));
        var http = graph.OfType("aws:lb/listener:Listener").Single(listener => Number(listener.Inputs["port"]) == 80);
        Assert.That(Action(http)["type"], Is.EqualTo("redirect"));
        Assert.That(graph.Count("aws:lb/targetGroup:TargetGroup"), Is.EqualTo(1), "a redirecting listener needs no target group");
    }

    [TestCase("dev")]
    [TestCase("prod")]
    public async Task The_web_group_registers_in_exactly_the_forwarded_groups_and_its_security_group_opens_only_their_ports(string stack)
    {
        var graph = await StackRun.CommittedAsync(stack);
        var forwarded = (await ForwardedPaths(graph)).Select(path => path.TargetPort).ToHashSet();
        var forwardedArns = new List<string>();
        foreach (var group in graph.All<Aws.LB.TargetGroup>())
            forwardedArns.Add(await group.Arn.ValueAsync());
        var web = graph.OfType("aws:autoscaling/group:Group").Single(group => group.Name == "web");
        Assert.That(((ImmutableArray<object>)web.Inputs["targetGroupArns"]).Cast<string>(), Is.EquivalentTo(forwardedArns));

        var balancer = await graph.Single<Aws.Ec2.SecurityGroup>("network-load-balancer").Id.ValueAsync();
        var instances = await graph.Single<Aws.Ec2.SecurityGroup>("network-instances").Id.ValueAsync();
        var launchTemplate = graph.OfType("aws:ec2/launchTemplate:LaunchTemplate").Single(template => template.Name == "web");
        Assert.That(((ImmutableArray<object>)launchTemplate.Inputs["vpcSecurityGroupIds"]).Cast<string>(), Is.EqualTo(new[] { instances }));
        var ingress = graph.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .Where(rule => (string)rule.Inputs["securityGroupId"] == instances).ToList();
        Assert.That(ingress.Select(rule => rule.Inputs["referencedSecurityGroupId"]), Has.All.EqualTo(balancer), "only the balancer reaches the instances");
        Assert.That(ingress.Select(rule => Number(rule.Inputs["fromPort"])).ToHashSet(), Is.EquivalentTo(forwarded));
        var egress = graph.OfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
            .Where(rule => (string)rule.Inputs["securityGroupId"] == balancer).ToList();
        Assert.That(egress.Select(rule => Number(rule.Inputs["fromPort"])).ToHashSet(), Is.EquivalentTo(forwarded));
    }

    [TestCase("dev")]
    [TestCase("prod")]
    public async Task The_latency_alarm_watches_the_group_that_receives_the_traffic(string stack)
    {
        var graph = await StackRun.CommittedAsync(stack);
        var group = graph.All<Aws.LB.TargetGroup>().Single();
        var alarm = graph.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Single(alarm => alarm.Name == "web-latency-high");
        var dimensions = Map(alarm.Inputs["dimensions"]);
        Assert.That(dimensions["TargetGroup"], Is.EqualTo(await group.ArnSuffix.ValueAsync()));
        Assert.That(dimensions["LoadBalancer"], Is.EqualTo(await graph.All<Aws.LB.LoadBalancer>().Single().ArnSuffix.ValueAsync()));
    }
}

using System.Collections.Immutable;
using Infra.Plan;
using Infra.Plan.Checks;

namespace Infra.Tests.Stacks;

/// <summary>The example stacks of the two other balancer types (examples/), planned as a user would after copying one
/// beside Pulumi.yaml, and followed from the listeners to the web group.</summary>
public class BalancerTypeTests
{
    static Task<(PlanDocument Plan, Graph Graph)> Example(string stack) => ExampleStack.PlanAsync(stack);

    static ImmutableDictionary<string, object> Map(object value) => (ImmutableDictionary<string, object>)value;

    static int Number(object value) => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public async Task A_network_balancer_passes_tls_through_to_tcp_target_groups_checked_over_http()
    {
        var (plan, graph) = await Example("passthrough");
        Assert.That(plan.Findings, Is.Empty);
        var balancer = graph.OfType("aws:lb/loadBalancer:LoadBalancer").Single();
        Assert.That((balancer.Inputs["loadBalancerType"], balancer.Inputs["enableCrossZoneLoadBalancing"]), Is.EqualTo(("network", true)));
        var groups = graph.OfType("aws:lb/targetGroup:TargetGroup").ToDictionary(group => Number(group.Inputs["port"]));
        Assert.That(graph.OfType("aws:lb/listener:Listener").Select(listener => (Number(listener.Inputs["port"]), (string)listener.Inputs["protocol"])),
            Is.EquivalentTo(new[] { (80, "TCP"), (443, "TCP") }));
        Assert.That(groups.Keys, Is.EquivalentTo(new[] { 8080, 8443 }));
        foreach (var group in groups.Values)
        {
            var health = Map(group.Inputs["healthCheck"]);
            Assert.That(((string)group.Inputs["protocol"], (string)health["protocol"], (string)health["port"], (string)health["path"]),
                Is.EqualTo(("TCP", "HTTP", "8080", "/health")), "TCP targets, checked on HTTP:8080/health");
            Assert.That(group.Inputs["preserveClientIp"], Is.EqualTo("true"));
        }

        var web = graph.OfType("aws:autoscaling/group:Group").Single(group => group.Name == "web");
        Assert.That(((ImmutableArray<object>)web.Inputs["targetGroupArns"]).Length, Is.EqualTo(2));
        Assert.That(graph.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Select(alarm => alarm.Name), Does.Not.Contain("web-latency-high"),
            "a network balancer measures no response time: the web tier scales on CPU");
        Assert.That(graph.Count("aws:wafv2/webAcl:WebAcl"), Is.Zero, "WAF protects application balancers only");
    }

    [Test]
    public async Task The_seeds_classic_balancer_has_both_cookie_policies_their_health_check_and_connection_draining()
    {
        var (plan, graph) = await Example("seed-classic");
        Assert.That(plan.Findings, Is.Empty);
        var balancer = graph.OfType("aws:elb/loadBalancer:LoadBalancer").Single();
        var health = Map(balancer.Inputs["healthCheck"]);
        Assert.That(((string)health["target"], Number(health["interval"]), Number(health["healthyThreshold"]), Number(health["unhealthyThreshold"])),
            Is.EqualTo(("HTTP:8080/health", 20, 3, 5)));
        Assert.That((balancer.Inputs["connectionDraining"], Number(balancer.Inputs["connectionDrainingTimeout"]), balancer.Inputs["crossZoneLoadBalancing"]),
            Is.EqualTo((true, 300, true)));
        var listeners = ((ImmutableArray<object>)balancer.Inputs["listeners"]).Select(Map).ToList();
        Assert.That(listeners.Select(listener => (Number(listener["lbPort"]), (string)listener["lbProtocol"], Number(listener["instancePort"]))),
            Is.EquivalentTo(new[] { (80, "http", 8080), (443, "https", 8080) }));
        var name = graph.Resources.OfType<Pulumi.Aws.Elb.LoadBalancer>().Single();
        var elbName = await name.Name.ValueAsync();
        var lbCookie = graph.OfType("aws:elb/loadBalancerCookieStickinessPolicy:LoadBalancerCookieStickinessPolicy").Single().Inputs;
        Assert.That((Number(lbCookie["lbPort"]), Number(lbCookie["cookieExpirationPeriod"]), lbCookie["loadBalancer"]), Is.EqualTo((80, 3600, (object)elbName)));
        var appCookie = graph.OfType("aws:elb/appCookieStickinessPolicy:AppCookieStickinessPolicy").Single().Inputs;
        Assert.That((Number(appCookie["lbPort"]), appCookie["cookieName"]), Is.EqualTo((443, (object)"JSESSIONID")));

        var web = graph.OfType("aws:autoscaling/group:Group").Single(group => group.Name == "web");
        Assert.That(((ImmutableArray<object>)web.Inputs["loadBalancers"]).Single(), Is.EqualTo(elbName), "the group attaches by name");
        var latency = graph.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Single(alarm => alarm.Name == "web-latency-high").Inputs;
        Assert.That(((string)latency["namespace"], (string)latency["metricName"], Map(latency["dimensions"])["LoadBalancerName"]),
            Is.EqualTo(("AWS/ELB", "Latency", (object)elbName)));
        var tier = Infra.Plan.Simulate.TierModel.From(plan).Single(model => model.Name == "web");
        Assert.That((tier.Web, tier.HealthCheckInterval, tier.DeregistrationDelay), Is.EqualTo((true, 20, 300)));
    }

    [Test]
    public void Each_type_refuses_what_it_cannot_do()
    {
        static IEnumerable<string> Problems(Infra.Components.LoadBalancing.WebLoadBalancerArgs args) => args.Validate("loadBalancer").Select(p => p.ToString());
        var network = new Infra.Components.LoadBalancing.WebLoadBalancerArgs
        {
            Type = Infra.Components.LoadBalancing.LoadBalancerType.Network,
            Listeners = [new(443, "HTTPS", 8443, "HTTPS")],
            Stickiness = new() { Type = "lbCookie" },
        };
        Assert.That(Problems(network), Has.Some.StartsWith("loadBalancer.listeners[0].protocol = 'HTTPS': must be one of TCP, TLS, UDP, TCP_UDP")
            .And.Some.Contains("a network load balancer cannot use cookies"));
        var application = new Infra.Components.LoadBalancing.WebLoadBalancerArgs { Listeners = [new(80, "TCP", 8080, "TCP", "lbCookie")] };
        Assert.That(Problems(application), Has.Some.StartsWith("loadBalancer.listeners[0].protocol = 'TCP': must be one of HTTP, HTTPS")
            .And.Some.Contains("per-listener stickiness is a classic balancer's"));
    }
}

using System.Text.Json.Nodes;
using Infra.Components.Shared;

namespace Infra.Tests.Stacks;

/// <summary>The instance-type catalogue (components/Shared/instance-types.json) and what the stack does with it.</summary>
public class InstanceTypeTests
{
    [Test]
    public void The_catalogue_knows_architecture_bursting_and_where_a_type_is_offered()
    {
        Assert.That(InstanceTypes.Find("m7g.large"), Is.EqualTo(new InstanceTypeFacts("m7g.large", "m7g", "large", "arm64", false)));
        Assert.That(InstanceTypes.Find("t3.small"), Is.EqualTo(new InstanceTypeFacts("t3.small", "t3", "small", "x86_64", true)));
        Assert.That((InstanceTypes.Find("a1.large")?.Architecture, InstanceTypes.Find("c7gn.large")?.Architecture), Is.EqualTo(("arm64", "arm64")),
            "Graviton without the usual g: a1; with more letters: c7gn");
        Assert.That((InstanceTypes.Find("t3.smal"), InstanceTypes.Find("m7i.medium")), Is.EqualTo(((InstanceTypeFacts?)null, (InstanceTypeFacts?)null)));
        Assert.That((InstanceTypes.Offered("us-east-1", "t3.small"), InstanceTypes.Offered("us-east-1", "hpc7a.12xlarge"), InstanceTypes.Offered("eu-west-1", "t3.small")),
            Is.EqualTo(((bool?)true, (bool?)false, (bool?)null)), "eu-west-1 is not recorded, so not judged");
    }

    [Test]
    public void Every_type_the_price_book_prices_is_in_the_catalogue()
    {
        var book = JsonNode.Parse(File.ReadAllText(Path.Combine(StackRun.ProjectDirectory, "tools", "Plan", "Cost", "aws-prices.json")))!;
        var priced = book["regions"]!.AsObject().SelectMany(region => region.Value!.AsObject().Select(item => item.Key))
            .Select(item => item.Split('.')).Where(parts => parts is ["ec2", _, _, "linux", "onDemand"]).Select(parts => $"{parts[1]}.{parts[2]}").Distinct().ToList();
        Assert.That(priced, Is.Not.Empty);
        Assert.That(priced.Where(type => InstanceTypes.Find(type) is null), Is.Empty);
    }

    [Test]
    public async Task An_unlisted_type_plans_when_the_stack_accepts_it_and_boots_the_image_its_name_implies()
    {
        var graph = await StackRun.RunAsync("dev", StackRun.With(("infra:acceptUnlistedInstanceType", "true"),
            ("infra:web", """{"instanceType":"m9g.large"}"""), ("infra:worker", """{"instanceType":"t3.small"}""")));
        var templates = graph.OfType("aws:ec2/launchTemplate:LaunchTemplate").ToDictionary(template => template.Name!, template => template.Inputs);
        Assert.That(((string)templates["web"]["instanceType"], (string)templates["web"]["imageId"]),
            Is.EqualTo(("m9g.large", "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64")));
        Assert.That((string)templates["worker"]["imageId"], Does.EndWith("-x86_64"));
    }

    /// <summary>The classic balancer's cookie policies apply per listener; a TCP listener opts out with none.</summary>
    [Test]
    public async Task A_classic_tcp_listener_that_opts_out_of_the_balancers_stickiness_plans()
    {
        var graph = await StackRun.RunAsync("dev", StackRun.With(("infra:loadBalancer", """
            {"type":"classic","stickiness":{"type":"lbCookie"},"listeners":[
              {"port":80,"protocol":"HTTP","targetPort":8080,"targetProtocol":"HTTP"},
              {"port":443,"protocol":"TCP","targetPort":8443,"targetProtocol":"TCP","stickiness":"none"}]}
            """)));
        var policies = graph.OfType("aws:elb/loadBalancerCookieStickinessPolicy:LoadBalancerCookieStickinessPolicy").ToList();
        Assert.That(policies.Select(policy => Convert.ToInt32(policy.Inputs["lbPort"], System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(new[] { 80 }));
    }
}

using System.Collections.Immutable;
using Infra.Components.LoadBalancing;
using Infra.Components.Network;
using Pulumi;
using Pulumi.Utilities;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Engine;

/// <summary>Behaviours of Pulumi's own engine that a home-made stand-in got wrong, each pinned together with the
/// product code that depends on it, so the next bug of the same class fails here.</summary>
public class RealEngineTests
{
    [Test]
    public void A_null_output_is_refused_as_an_input()
    {
        Output<string>? missing = null;
        Assert.Throws<ArgumentNullException>(() => _ = (Input<string>)missing!);
    }

    [Test]
    public void An_unset_optional_number_converts_to_no_input_at_all()
    {
        int? none = null;
        Input<int>? number = none;
        Assert.That(number, Is.Null);
    }

    [Test]
    public async Task Optional_inputs_left_unset_never_reach_the_engine()
    {
        var engine = new TestEngine();
        var graph = await engine.RunAsync(async () =>
        {
            var network = await Network.CreateAsync("net", new NetworkArgs { AvailabilityZoneCount = 2 }, engine.Options());
            _ = new WebLoadBalancer("lb", new WebLoadBalancerArgs
            {
                VpcId = network.VpcId, PublicSubnetIds = network.PublicSubnetIds, PrivateSubnetIds = network.PrivateSubnetIds,
                SecurityGroupId = network.LoadBalancerSecurityGroupId,
                Listeners = [new ListenerArgs(80, "HTTP", 8080, "HTTP")],
                RedirectHttpToHttps = false,
            }, engine.Options());
            return new Dictionary<string, object?>();
        });

        Assert.That(graph.OfType("aws:ec2/subnet:Subnet").Select(subnet => subnet.Inputs.Keys),
            Has.All.Not.Contains("ipv6CidrBlock").And.All.Not.Contains("assignIpv6AddressOnCreation"));
        Assert.That(graph.OfType("aws:ec2/route:Route").Select(route => route.Inputs.Keys), Has.All.Not.Contains("destinationIpv6CidrBlock"));
        var listener = graph.OfType("aws:lb/listener:Listener").Single().Inputs;
        Assert.That(listener.Keys, Does.Not.Contain("certificateArn").And.Not.Contain("sslPolicy"));
        Assert.That(graph.OfType("aws:lb/loadBalancer:LoadBalancer").Single().Inputs.Keys, Does.Not.Contain("accessLogs"));
    }

    [Test]
    public void An_input_map_given_a_second_value_for_a_key_fails_when_it_resolves()
    {
        var map = new InputMap<string> { { "Name", "first" } };
        map.Add("Name", "second");
        Output<ImmutableDictionary<string, string>> resolved = map;
        Assert.ThrowsAsync<ArgumentException>(() => OutputUtilities.GetValueAsync(resolved));
    }

    [Test]
    public async Task Tags_the_components_set_themselves_override_the_users_instead_of_colliding()
    {
        var engine = new TestEngine();
        var graph = await engine.RunAsync(async () =>
        {
            await Network.CreateAsync("net", new NetworkArgs
            {
                AvailabilityZoneCount = 2,
                Tags = new Dictionary<string, string> { ["Name"] = "mine", ["Tier"] = "mine", ["team"] = "web" },
            }, engine.Options());
            return new Dictionary<string, object?>();
        });

        var tags = graph.OfType("aws:ec2/subnet:Subnet").Select(subnet => (ImmutableDictionary<string, object>)subnet.Inputs["tags"]).ToList();
        Assert.That(tags.Select(tag => tag["Tier"]), Is.EquivalentTo(new[] { "public", "public", "private", "private" }));
        Assert.That(tags.Select(tag => (string)tag["Name"]), Has.All.StartWith("net-"));
        Assert.That(tags.Select(tag => tag["team"]), Has.All.EqualTo("web"));
    }

    sealed class VpcHolder : ComponentResource
    {
        [Output] public Output<Aws.Ec2.Vpc> Vpc { get; }

        public VpcHolder(string name, ComponentResourceOptions options) : base("test:index:VpcHolder", name, options)
        {
            Vpc = Output.Create(new Aws.Ec2.Vpc($"{name}-vpc", new Aws.Ec2.VpcArgs { CidrBlock = "10.0.0.0/16" },
                new CustomResourceOptions { Parent = this }));
            RegisterOutputs();
        }
    }

    sealed class ProviderHolder : ComponentResource
    {
        [Output] public Output<Aws.Provider> Provider { get; }

        public ProviderHolder(string name, ComponentResourceOptions options) : base("test:index:ProviderHolder", name, options)
        {
            Provider = Output.Create(new Aws.Provider($"{name}-provider", new Aws.ProviderArgs { Region = "us-east-1" },
                new CustomResourceOptions { Parent = this }));
            RegisterOutputs();
        }
    }

    [Test]
    public async Task A_component_output_that_is_a_provider_comes_back_as_the_provider_class()
    {
        var engine = new TestEngine();
        ProviderHolder? holder = null;
        await engine.RunAsync(() => holder = new ProviderHolder("holder", engine.Options()));

        var registered = engine.ComponentOutputs[await OutputUtilities.GetValueAsync(holder!.Urn)];
        Assert.That(await OutputUtilities.GetValueAsync(registered["Provider"]), Is.InstanceOf<Aws.Provider>());
    }

    [Test]
    public async Task A_component_output_that_is_a_resource_comes_back_as_that_resource_class()
    {
        var engine = new TestEngine();
        VpcHolder? holder = null;
        await engine.RunAsync(() => holder = new VpcHolder("holder", engine.Options()));

        var registered = engine.ComponentOutputs[await OutputUtilities.GetValueAsync(holder!.Urn)];
        Assert.That(registered.Keys, Is.EquivalentTo(new[] { "Vpc" }), "an [Output] without a name is registered under the property's name");
        var vpc = await OutputUtilities.GetValueAsync(registered["Vpc"]);
        Assert.That(vpc, Is.InstanceOf<Aws.Ec2.Vpc>());
        Assert.That(await OutputUtilities.GetValueAsync(((Aws.Ec2.Vpc)vpc!).CidrBlock), Is.EqualTo("10.0.0.0/16"));
    }
}

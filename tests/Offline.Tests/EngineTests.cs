using System.Collections.Immutable;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace Offline.Tests;

public class EngineTests
{
    [Test]
    public async Task Mocks_receive_known_non_null_inputs_by_wire_name_with_numbers_as_double()
    {
        var mocks = new EchoMocks();
        await Deployment.TestAsync(mocks.Mock.Object, EchoMocks.Deploy, () =>
        {
            new Widget("w", new WidgetArgs
            {
                Size = 3,
                Tags = { { "Name", "w" } },
                Ports = { 80, 443 },
                Shape = new ShapeArgs { Sides = 4 },
                Policy = "{}",
            });
        });
        var inputs = mocks.Resources.Single().Inputs;
        Assert.That(inputs["size"], Is.EqualTo(3.0));
        Assert.That(inputs.ContainsKey("label"), Is.False);
        Assert.That(inputs["tags"], Is.EqualTo(ImmutableDictionary<string, object>.Empty.Add("Name", "w")));
        Assert.That(inputs["ports"], Is.EqualTo(ImmutableArray.Create<object>(80.0, 443.0)));
        Assert.That(((ImmutableDictionary<string, object>)inputs["shape"])["sides"], Is.EqualTo(4.0));
        Assert.That(inputs["policy"], Is.EqualTo("{}"));
    }

    [Test]
    public async Task Outputs_are_filled_from_the_mock_state_including_nested_output_types()
    {
        var mocks = new EchoMocks();
        var resources = await Deployment.TestAsync(mocks.Mock.Object, EchoMocks.Deploy, () =>
        {
            new Widget("w", new WidgetArgs { Size = 3, Label = "x", Ports = { 1 }, Tags = { { "env", "dev" } }, Shape = new ShapeArgs { Sides = 4, Name = "sq" } });
        });
        var widget = resources.OfType<Widget>().Single();
        Assert.That(await OutputUtilities.GetValueAsync(widget.Id), Is.EqualTo("w_id"));
        Assert.That(await OutputUtilities.GetValueAsync(widget.Size), Is.EqualTo(3));
        Assert.That(await OutputUtilities.GetValueAsync(widget.Ports), Is.EqualTo(new[] { 1 }));
        var shape = await OutputUtilities.GetValueAsync(widget.ShapeInfo);
        Assert.That((shape!.Sides, shape.Name), Is.EqualTo((4, "sq")));
        Assert.That(await OutputUtilities.GetValueAsync(widget.Tags), Is.EqualTo(new Dictionary<string, string> { ["env"] = "dev" }));
    }

    [Test]
    public async Task An_output_the_mock_omits_is_known_and_default_in_a_deployment_but_unknown_in_a_preview()
    {
        foreach (var (options, known) in new[] { (EchoMocks.Deploy, true), (EchoMocks.Preview, false) })
        {
            var resources = await Deployment.TestAsync(new EchoMocks().Mock.Object, options, () =>
            {
                new Widget("w", new WidgetArgs { Size = 1 });
            });
            var widget = resources.OfType<Widget>().Single();
            var applied = false;
            var length = widget.Computed.Apply(value =>
            {
                applied = true;
                return value?.Length ?? 0;
            });
            Assert.That(await OutputUtilities.GetIsKnownAsync(length), Is.EqualTo(known));
            Assert.That(applied, Is.EqualTo(known));
        }
    }

    [Test]
    public async Task Urns_follow_the_engine_format_with_the_parent_type_chain()
    {
        var resources = await Deployment.TestAsync(new EchoMocks().Mock.Object, EchoMocks.Deploy, () =>
        {
            new Group("g");
            new Widget("top", new WidgetArgs { Size = 1 });
        });
        async Task<string> UrnOf(string name) =>
            await OutputUtilities.GetValueAsync(resources.Single(r => r.GetResourceName() == name).Urn);
        Assert.That(await UrnOf("g"), Is.EqualTo("urn:pulumi:dev::proj::test:index:Group::g"));
        Assert.That(await UrnOf("g-child"), Is.EqualTo("urn:pulumi:dev::proj::test:index:Group$test:index/widget:Widget::g-child"));
        Assert.That(await UrnOf("top"), Is.EqualTo("urn:pulumi:dev::proj::test:index/widget:Widget::top"));
    }

    [Test]
    public async Task Components_are_sent_to_the_mock_with_their_own_type_and_the_stack_is_not()
    {
        var mocks = new EchoMocks();
        var resources = await Deployment.TestAsync(mocks.Mock.Object, EchoMocks.Deploy, () => { new Group("g"); });
        Assert.That(mocks.Resources.Select(r => r.Type), Is.EquivalentTo(new[] { "test:index:Group", "test:index/widget:Widget" }));
        Assert.That(resources.Select(r => r.GetResourceType()), Does.Not.Contain("pulumi:pulumi:Stack"));
    }

    [Test]
    public async Task Resource_outputs_carry_their_resource_as_a_dependency()
    {
        var resources = await Deployment.TestAsync(new EchoMocks().Mock.Object, EchoMocks.Deploy, () =>
        {
            var first = new Widget("a", new WidgetArgs { Size = 1 });
            new Widget("b", new WidgetArgs { Size = first.Size.Apply(s => s + 1) });
        });
        var a = resources.OfType<Widget>().Single(w => w.GetResourceName() == "a");
        var b = resources.OfType<Widget>().Single(w => w.GetResourceName() == "b");
        Assert.That(await OutputUtilities.GetDependenciesAsync(b.Size), Does.Contain(b));
        Assert.That(await OutputUtilities.GetValueAsync(b.Size), Is.EqualTo(2));
        Assert.That(await OutputUtilities.GetDependenciesAsync(a.Size.Apply(x => x)), Does.Contain(a));
    }

    [Test]
    public void A_missing_required_input_fails_the_run_naming_the_member()
    {
        var error = Assert.ThrowsAsync<RunException>(() => Deployment.TestAsync(new EchoMocks().Mock.Object, EchoMocks.Deploy,
            () => { new Widget("w", new WidgetArgs()); }));
        Assert.That(error!.Message, Does.Contain("Offline.Tests.WidgetArgs.Size is required but was not given a value"));
    }

    [Test]
    public void A_run_exception_is_reported_with_its_message_alone_and_several_errors_together()
    {
        var single = Assert.ThrowsAsync<RunException>(() => Deployment.TestAsync(new EchoMocks().Mock.Object, EchoMocks.Deploy,
            (Action)(() => throw new RunException("bad config"))));
        Assert.That(single!.Message, Is.EqualTo("bad config"));

        var several = Assert.ThrowsAsync<AggregateException>(() => Deployment.TestAsync(new EchoMocks().Mock.Object, EchoMocks.Deploy, () =>
        {
            Log.Error("first");
            Output.Create(1).Apply(FailWith);
        }));
        Assert.That(several!.InnerExceptions.Select(e => e.Message), Has.Some.EqualTo("first").And.Some.Contains("second"));
    }

    [Test]
    public void Duplicate_urns_are_refused()
    {
        var error = Assert.ThrowsAsync<RunException>(() => Deployment.TestAsync(new EchoMocks().Mock.Object, EchoMocks.Deploy, () =>
        {
            new Widget("same", new WidgetArgs { Size = 1 });
            new Widget("same", new WidgetArgs { Size = 2 });
        }));
        Assert.That(error!.Message, Does.Contain("Duplicate resource URN"));
    }

    [Test]
    public async Task Invokes_reach_CallAsync_with_the_token_and_results_deserialize()
    {
        var mocks = new EchoMocks();
        LookupResult? result = null;
        await Deployment.TestAsync(mocks.Mock.Object, EchoMocks.Deploy, async () =>
        {
            result = await Deployment.Instance.InvokeAsync<LookupResult>("test:index:lookup", new LookupArgs { Name = "x" });
        });
        Assert.That(mocks.Calls.Single().Token, Is.EqualTo("test:index:lookup"));
        Assert.That(result!.Id, Is.EqualTo("lookup-x"));
        Assert.That(result.Zones, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task An_explicit_provider_is_referenced_by_urn_and_id_and_children_of_a_component_inherit_it()
    {
        var mocks = new EchoMocks();
        await Deployment.TestAsync(mocks.Mock.Object, EchoMocks.Deploy, () =>
        {
            var provider = new ProviderResource("test", "east", ResourceArgs.Empty);
            new Group("g", new ComponentResourceOptions { Providers = { provider } });
        });
        var child = mocks.Resources.Single(r => r.Name == "g-child");
        Assert.That(child.Provider, Is.EqualTo("urn:pulumi:dev::proj::pulumi:providers:test::east::east_id"));
    }

    [Test]
    public async Task Component_transformations_see_every_child_and_may_not_change_parents()
    {
        var seen = new List<string>();
        await Deployment.TestAsync(new EchoMocks().Mock.Object, EchoMocks.Deploy, () =>
        {
            new Group("g", new ComponentResourceOptions
            {
                ResourceTransformations = { args => { seen.Add(args.Resource.GetResourceName()); return null; } },
            });
        });
        Assert.That(seen, Is.EquivalentTo(new[] { "g", "g-child" }));

        Assert.ThrowsAsync<RunException>(() => Deployment.TestAsync(new EchoMocks().Mock.Object, EchoMocks.Deploy, () =>
        {
            new Group("h", new ComponentResourceOptions
            {
                ResourceTransformations = { args => new ResourceTransformationResult(args.Args, new CustomResourceOptions()) },
            });
        }));
    }

    [Test]
    public async Task Stack_outputs_come_from_output_properties_and_must_be_assigned()
    {
        var resources = await Deployment.TestAsync<OutputStack>(new EchoMocks().Mock.Object, EchoMocks.Deploy);
        var stack = resources.OfType<OutputStack>().Single();
        Assert.That(await OutputUtilities.GetValueAsync(stack.Greeting), Is.EqualTo("hello"));
        Assert.That(await OutputUtilities.GetValueAsync(stack.Urn), Is.EqualTo("urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev"));

        var error = Assert.ThrowsAsync<RunException>(() => Deployment.TestAsync<UnassignedStack>(new EchoMocks().Mock.Object, EchoMocks.Deploy));
        Assert.That(error!.Message, Does.Contain("Output(s) 'missing' have no value assigned"));
    }

    [Test]
    public async Task Assets_reach_the_mock_as_asset_objects()
    {
        var mocks = new EchoMocks();
        await Deployment.TestAsync(mocks.Mock.Object, EchoMocks.Deploy, () =>
        {
            new Widget("w", new WidgetArgs { Size = 1, Source = new FileAsset("public/index.html") });
        });
        Assert.That(mocks.Resources.Single().Inputs["source"], Is.InstanceOf<FileAsset>());
    }

    [Test]
    public async Task Component_outputs_reach_the_mock_by_their_output_names()
    {
        var mocks = new EchoMocks();
        MockRegisterResourceOutputsRequest? request = null;
        mocks.Mock.Setup(m => m.RegisterResourceOutputs(Moq.It.Is<MockRegisterResourceOutputsRequest>(r => r.Urn.EndsWith("::g"))))
            .Callback((MockRegisterResourceOutputsRequest r) => request = r).Returns(Task.CompletedTask);
        await Deployment.TestAsync(mocks.Mock.Object, EchoMocks.Deploy, () => { new Group("g"); });
        Assert.That(request!.Urn, Is.EqualTo("urn:pulumi:dev::proj::test:index:Group::g"));
        Assert.That(request.Outputs.Keys, Is.EqualTo(new[] { "child" }));
    }

    [Test]
    public void A_component_given_both_provider_and_providers_is_refused()
    {
        var error = Assert.ThrowsAsync<RunException>(() => Deployment.TestAsync(new EchoMocks().Mock.Object, EchoMocks.Deploy, () =>
        {
            var provider = new ProviderResource("test", "p", ResourceArgs.Empty);
            new Group("g", new ComponentResourceOptions { Provider = provider, Providers = { provider } });
        }));
        Assert.That(error!.Message, Does.Contain("Do not supply both 'provider' and 'providers'"));
    }

    [Test]
    public async Task The_dry_run_flag_follows_the_preview_option_and_preview_is_the_default()
    {
        var seen = new List<bool>();
        foreach (var options in new[] { EchoMocks.Deploy, EchoMocks.Preview, new TestOptions() })
            await Deployment.TestAsync(new EchoMocks().Mock.Object, options, () => seen.Add(Deployment.Instance.IsDryRun));
        Assert.That(seen, Is.EqualTo(new[] { false, true, true }));
    }

    [Test]
    public async Task Explicit_dependencies_and_map_indexers_are_honoured()
    {
        var mocks = new EchoMocks();
        await Deployment.TestAsync(mocks.Mock.Object, EchoMocks.Deploy, () =>
        {
            var first = new Widget("first", new WidgetArgs { Size = 1 });
            var tags = new InputMap<string> { { "a", "1" } };
            tags["a"] = "2";
            new Widget("second", new WidgetArgs { Size = 2, Tags = tags }, new CustomResourceOptions { DependsOn = { first } });
        });
        Assert.That(mocks.Resources.Single(r => r.Name == "second").Inputs["tags"], Is.EqualTo(ImmutableDictionary<string, object>.Empty.Add("a", "2")));
    }

    [Test]
    public void Instance_outside_a_run_throws_and_running_for_real_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => _ = Deployment.Instance);
        Assert.That(Deployment.RunAsync(() => { }).Result, Is.EqualTo(1));
    }

    [Test]
    public void Options_merge_lets_the_second_win_for_scalars_and_appends_lists()
    {
        var merged = CustomResourceOptions.Merge(
            new CustomResourceOptions { Protect = true, IgnoreChanges = { "a" }, DeleteBeforeReplace = true },
            new CustomResourceOptions { Protect = false, IgnoreChanges = { "b" } });
        Assert.That(merged.Protect, Is.False);
        Assert.That(merged.DeleteBeforeReplace, Is.True);
        Assert.That(merged.IgnoreChanges, Is.EqualTo(new[] { "a", "b" }));
    }

    static int FailWith(int _) => throw new InvalidOperationException("second");

    public sealed class OutputStack : Stack
    {
        public OutputStack() => Greeting = Output.Create("hello");

        [Output("greeting")]
        public Output<string> Greeting { get; set; }
    }

    public sealed class UnassignedStack : Stack
    {
        [Output("missing")]
        public Output<string>? Missing { get; set; }
    }
}

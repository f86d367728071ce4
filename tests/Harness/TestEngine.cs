using System.Collections.Concurrent;
using System.Collections.Immutable;
using Moq;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace Infra.Harness;

/// <summary>Runs a program under a Moq <see cref="IMocks"/> that answers like <see cref="FakeAws"/>, and
/// records what the engine was asked to create.</summary>
public sealed class TestEngine
{
    readonly ConcurrentQueue<MockResourceArgs> _registrations = new();
    readonly ConcurrentDictionary<string, ImmutableDictionary<string, Output<object?>>> _outputs = new();

    public TestEngine(FakeAws? aws = null)
    {
        Aws = aws ?? new FakeAws();
        Mock = new Mock<IMocks>(MockBehavior.Strict);
        Mock.Setup(mocks => mocks.NewResourceAsync(It.IsAny<MockResourceArgs>()))
            .ReturnsAsync((MockResourceArgs args) =>
            {
                _registrations.Enqueue(args);
                var (id, state) = Aws.NewResource(args);
                return (id, state);
            });
        Mock.Setup(mocks => mocks.CallAsync(It.IsAny<MockCallArgs>()))
            .ReturnsAsync((MockCallArgs args) => Aws.Call(args));
        Mock.Setup(mocks => mocks.RegisterResourceOutputs(It.IsAny<MockRegisterResourceOutputsRequest>()))
            .Returns((MockRegisterResourceOutputsRequest request) =>
            {
                _outputs[request.Urn] = request.Outputs;
                return Task.CompletedTask;
            });
    }

    public FakeAws Aws { get; }
    public Mock<IMocks> Mock { get; }
    public GraphCapture Capture { get; } = new();

    /// <summary>Options that put the capture on a top-level component (it reaches every child).</summary>
    public ComponentResourceOptions Options(ComponentResourceOptions? options = null) =>
        ComponentResourceOptions.Merge(options, new ComponentResourceOptions { ResourceTransformations = { Capture.Transformation } });

    public static TestOptions Deploy(string stack = "test") =>
        new() { ProjectName = "infra", StackName = stack, IsPreview = false };

    public async Task<Graph> RunAsync(Func<Task<IDictionary<string, object?>>> program, TestOptions? options = null)
    {
        var (resources, outputs) = await Deployment.TestAsync(Mock.Object, options ?? Deploy(), program);
        return new Graph(resources, [.. _registrations], outputs, Capture);
    }

    public Task<Graph> RunAsync(Action program, TestOptions? options = null) =>
        RunAsync(() =>
        {
            program();
            return Task.FromResult<IDictionary<string, object?>>(new Dictionary<string, object?>());
        }, options);

    public IReadOnlyList<MockResourceArgs> Registrations => [.. _registrations];
}

/// <summary>What a run produced: the resources, the inputs the engine received, the stack outputs.</summary>
public sealed record Graph(ImmutableArray<Resource> Resources, IReadOnlyList<MockResourceArgs> Registrations,
    IDictionary<string, object?> Outputs, GraphCapture Capture)
{
    public IEnumerable<T> All<T>() where T : Resource => Resources.OfType<T>();

    public T Single<T>(string name) where T : Resource =>
        All<T>().Single(resource => resource.GetResourceName() == name);

    public IEnumerable<Resource> ChildrenOf(Resource parent) =>
        Resources.Where(resource => Capture.Saw(resource) && Capture.ParentOf(resource) == parent);

    /// <summary>What the engine received for a resource: inputs by [Input] names, provider reference.</summary>
    public MockResourceArgs RegistrationOf(Resource resource) =>
        Registrations.Single(args => args.Type == resource.GetResourceType() && args.Name == resource.GetResourceName());

    public ImmutableDictionary<string, object> InputsOf(Resource resource) => RegistrationOf(resource).Inputs;

    public IEnumerable<MockResourceArgs> OfType(string type) => Registrations.Where(args => args.Type == type);

    public int Count(string type) => OfType(type).Count();

    public ImmutableDictionary<string, int> CountsByType() =>
        Registrations.GroupBy(args => args.Type!).ToImmutableSortedDictionary(group => group.Key, group => group.Count())
            .ToImmutableDictionary();
}

public static class OutputValues
{
    /// <summary>The value of an output; never hangs on an unknown one (that returns default).</summary>
    public static Task<T> ValueAsync<T>(this Output<T> output) => OutputUtilities.GetValueAsync(output);

    public static Task<bool> IsSecretAsync<T>(this Output<T> output) => Output.IsSecretAsync(output);

    public static Task<bool> IsKnownAsync<T>(this Output<T> output) => OutputUtilities.GetIsKnownAsync(output);
}

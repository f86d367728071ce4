using System.Collections.Concurrent;
using System.Collections.Immutable;
using Pulumi;
using Pulumi.Testing;

namespace Infra.Plan.Mocks;

/// <summary>The mocks the plan runs on: every answer comes from <see cref="FakeAws"/>, and what the engine asked
/// for is recorded (resource registrations in arrival order, component outputs).</summary>
public sealed class RecordingMocks(FakeAws aws) : IMocks
{
    readonly ConcurrentQueue<MockResourceArgs> _registrations = new();
    readonly ConcurrentDictionary<string, ImmutableDictionary<string, Output<object?>>> _outputs = new();
    readonly ConcurrentDictionary<(string?, string?), (string? Id, object State)> _states = new();

    public FakeAws Aws { get; } = aws;

    public IReadOnlyList<MockResourceArgs> Registrations => [.. _registrations];

    /// <summary>What each component registered as its outputs, by the engine's URN.</summary>
    public IReadOnlyDictionary<string, ImmutableDictionary<string, Output<object?>>> ComponentOutputs => _outputs;

    /// <summary>What the fake AWS answered for a resource: its id and state, by type and name.</summary>
    public (string? Id, object State) StateOf(string type, string name) => _states[(type, name)];

    public Task<(string? id, object state)> NewResourceAsync(MockResourceArgs args)
    {
        _registrations.Enqueue(args);
        var answer = Aws.NewResource(args);
        _states[(args.Type, args.Name)] = answer;
        return Task.FromResult(answer);
    }

    public Task<object> CallAsync(MockCallArgs args) => Task.FromResult(Aws.Call(args));

    public Task RegisterResourceOutputs(MockRegisterResourceOutputsRequest request)
    {
        _outputs[request.Urn] = request.Outputs;
        return Task.CompletedTask;
    }
}

/// <summary>Runs a program on Pulumi's own test engine (<see cref="Deployment.TestAsync(IMocks, TestOptions, Func{Task{IDictionary{string, object}}})"/>)
/// and observes the graph it builds.</summary>
public sealed class PlanEngine(FakeAws? aws = null)
{
    public RecordingMocks Mocks { get; } = new(aws ?? new FakeAws());

    public GraphCapture Capture { get; } = new();

    /// <summary>Options that put the capture on a top-level component (it reaches every child).</summary>
    public ComponentResourceOptions Options(ComponentResourceOptions? options = null) =>
        ComponentResourceOptions.Merge(options, new ComponentResourceOptions { ResourceTransformations = { Capture.Transformation } });

    /// <param name="mocks">What answers the engine; the recording mocks by default (tests wrap them in Moq to verify calls).</param>
    public async Task<Graph> RunAsync(Func<Task<IDictionary<string, object?>>> program, TestOptions options, IMocks? mocks = null)
    {
        var (resources, outputs) = await Deployment.TestAsync(mocks ?? Mocks, options, program);
        return new Graph([.. Capture.InConstructionOrder(resources)], Mocks.Registrations, outputs, Capture);
    }
}

/// <summary>What a run produced: the resources in construction order, the inputs the engine received, the stack outputs.</summary>
public sealed record Graph(ImmutableArray<Resource> Resources, IReadOnlyList<MockResourceArgs> Registrations,
    IDictionary<string, object?> Outputs, GraphCapture Capture)
{
    // Type and name are unique per registration in practice; a lookup keeps RegistrationOf linear over the plan.
    readonly ILookup<(string?, string?), MockResourceArgs> _byTypeAndName = Registrations.ToLookup(args => (args.Type, args.Name));

    public IEnumerable<T> All<T>() where T : Resource => Resources.OfType<T>();

    public T Single<T>(string name) where T : Resource =>
        All<T>().Single(resource => resource.GetResourceName() == name);

    public IEnumerable<Resource> ChildrenOf(Resource parent) =>
        Resources.Where(resource => Capture.ParentOf(resource) == parent);

    /// <summary>What the engine received for a resource: inputs by [Input] names, provider reference.</summary>
    public MockResourceArgs RegistrationOf(Resource resource) =>
        _byTypeAndName[(resource.GetResourceType(), resource.GetResourceName())].Single();

    public ImmutableDictionary<string, object> InputsOf(Resource resource) => RegistrationOf(resource).Inputs;

    public IEnumerable<MockResourceArgs> OfType(string type) => Registrations.Where(args => args.Type == type);

    public int Count(string type) => OfType(type).Count();

    public ImmutableDictionary<string, int> CountsByType() =>
        Registrations.GroupBy(args => args.Type!).ToImmutableSortedDictionary(group => group.Key, group => group.Count())
            .ToImmutableDictionary();
}

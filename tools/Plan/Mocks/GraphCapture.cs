using System.Collections.Concurrent;
using Pulumi;

namespace Infra.Plan.Mocks;

/// <summary>Records every resource's parent, args and options through a resource transformation, in construction
/// order, so tests and the plan can see the graph with nothing but the public SDK.</summary>
public sealed class GraphCapture
{
    readonly ConcurrentDictionary<Resource, Entry> _entries = new();
    int _sequence;

    sealed record Entry(int Sequence, ResourceArgs Args, ResourceOptions Options);

    public ResourceTransformation Transformation => Record;

    ResourceTransformationResult? Record(ResourceTransformationArgs args)
    {
        _entries.TryAdd(args.Resource, new Entry(Interlocked.Increment(ref _sequence), args.Args, args.Options));
        return null;
    }

    /// <summary>The explicit parent, or null for a child of the stack.</summary>
    public Resource? ParentOf(Resource resource) => EntryOf(resource).Options.Parent;

    public ResourceArgs ArgsOf(Resource resource) => EntryOf(resource).Args;

    public ResourceOptions OptionsOf(Resource resource) => EntryOf(resource).Options;

    public bool Saw(Resource resource) => _entries.ContainsKey(resource);

    /// <summary>Resources in the order the program constructed them: stable from run to run, unlike the order in
    /// which the engine finishes registering them (after their inputs resolve).</summary>
    public IEnumerable<Resource> InConstructionOrder(IEnumerable<Resource> resources) =>
        resources.Where(Saw).OrderBy(resource => _entries[resource].Sequence);

    Entry EntryOf(Resource resource) =>
        _entries.TryGetValue(resource, out var entry)
            ? entry
            : throw new InvalidOperationException($"{resource.GetResourceName()} was not created under the capture");
}

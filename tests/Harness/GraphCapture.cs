using System.Collections.Concurrent;
using Pulumi;

namespace Infra.Harness;

/// <summary>Records every resource's parent, args and options through a resource transformation, so tests
/// and the plan can see the graph with nothing but the public SDK.</summary>
public sealed class GraphCapture
{
    readonly ConcurrentDictionary<Resource, (ResourceArgs Args, ResourceOptions Options)> _entries = new();

    public ResourceTransformation Transformation => Record;

    ResourceTransformationResult? Record(ResourceTransformationArgs args)
    {
        _entries.TryAdd(args.Resource, (args.Args, args.Options));
        return null;
    }

    /// <summary>The explicit parent, or null for a child of the stack.</summary>
    public Resource? ParentOf(Resource resource) => Entry(resource).Options.Parent;

    public ResourceArgs ArgsOf(Resource resource) => Entry(resource).Args;

    public ResourceOptions OptionsOf(Resource resource) => Entry(resource).Options;

    public bool Saw(Resource resource) => _entries.ContainsKey(resource);

    (ResourceArgs Args, ResourceOptions Options) Entry(Resource resource) =>
        _entries.TryGetValue(resource, out var entry)
            ? entry
            : throw new InvalidOperationException($"{resource.GetResourceName()} was not created under the capture");
}

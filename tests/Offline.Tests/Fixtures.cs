using System.Collections.Immutable;
using Moq;
using Pulumi;
using Pulumi.Testing;

namespace Offline.Tests;

/// <summary>A resource shaped like the generated provider classes.</summary>
public sealed class Widget : CustomResource
{
    [Output("size")]
    public Output<int> Size { get; private set; } = null!;

    [Output("label")]
    public Output<string?> Label { get; private set; } = null!;

    [Output("tags")]
    public Output<ImmutableDictionary<string, string>?> Tags { get; private set; } = null!;

    [Output("ports")]
    public Output<ImmutableArray<int>> Ports { get; private set; } = null!;

    [Output("shape")]
    public Output<Shape?> ShapeInfo { get; private set; } = null!;

    [Output("computed")]
    public Output<string> Computed { get; private set; } = null!;

    public Widget(string name, WidgetArgs args, CustomResourceOptions? options = null)
        : base("test:index/widget:Widget", name, args, options)
    {
    }
}

public sealed class WidgetArgs : ResourceArgs
{
    [Input("size", required: true)]
    public Input<int> Size { get; set; } = null!;

    [Input("label")]
    public Input<string>? Label { get; set; }

    [Input("tags")]
    InputMap<string>? _tags;

    public InputMap<string> Tags
    {
        get => _tags ??= new InputMap<string>();
        set => _tags = value;
    }

    [Input("ports")]
    InputList<int>? _ports;

    public InputList<int> Ports
    {
        get => _ports ??= new InputList<int>();
        set => _ports = value;
    }

    [Input("shape")]
    public Input<ShapeArgs>? Shape { get; set; }

    [Input("policy")]
    public InputUnion<string, ShapeArgs>? Policy { get; set; }

    [Input("source")]
    public Input<AssetOrArchive>? Source { get; set; }
}

public sealed class ShapeArgs : ResourceArgs
{
    [Input("sides")]
    public Input<int>? Sides { get; set; }

    [Input("name")]
    public Input<string>? Name { get; set; }
}

[OutputType]
public sealed class Shape
{
    public readonly int? Sides;
    public readonly string? Name;

    [OutputConstructor]
    Shape(int? sides, string? name)
    {
        Sides = sides;
        Name = name;
    }
}

public sealed class LookupArgs : InvokeArgs
{
    [Input("name")]
    public string? Name { get; set; }
}

[OutputType]
public sealed class LookupResult
{
    public readonly string Id;
    public readonly ImmutableArray<string> Zones;

    [OutputConstructor]
    LookupResult(string id, ImmutableArray<string> zones)
    {
        Id = id;
        Zones = zones;
    }
}

public sealed class Group : ComponentResource
{
    public Group(string name, ComponentResourceOptions? options = null) : base("test:index:Group", name, options)
    {
        Child = new Widget($"{name}-child", new WidgetArgs { Size = 1 }, new CustomResourceOptions { Parent = this });
        RegisterOutputs();
    }

    [Output("child")]
    public Widget Child { get; }
}

/// <summary>A mock that echoes inputs as state and records what it was asked.</summary>
public sealed class EchoMocks
{
    public List<MockResourceArgs> Resources { get; } = [];
    public List<MockCallArgs> Calls { get; } = [];
    public Mock<IMocks> Mock { get; } = new(MockBehavior.Strict);

    public EchoMocks(Func<MockResourceArgs, ImmutableDictionary<string, object>>? state = null)
    {
        Mock.Setup(mocks => mocks.NewResourceAsync(It.IsAny<MockResourceArgs>()))
            .ReturnsAsync((MockResourceArgs args) =>
            {
                lock (Resources)
                    Resources.Add(args);
                return (args.Name + "_id", (object)(state?.Invoke(args) ?? args.Inputs));
            });
        Mock.Setup(mocks => mocks.CallAsync(It.IsAny<MockCallArgs>()))
            .ReturnsAsync((MockCallArgs args) =>
            {
                lock (Calls)
                    Calls.Add(args);
                return ImmutableDictionary<string, object>.Empty
                    .Add("id", "lookup-" + args.Args.GetValueOrDefault("name", "none"))
                    .Add("zones", ImmutableArray.Create<object>("a", "b"));
            });
        Mock.Setup(mocks => mocks.RegisterResourceOutputs(It.IsAny<MockRegisterResourceOutputsRequest>()))
            .Returns(Task.CompletedTask);
    }

    public static TestOptions Deploy => new() { IsPreview = false, ProjectName = "proj", StackName = "dev" };
    public static TestOptions Preview => new() { IsPreview = true, ProjectName = "proj", StackName = "dev" };
}

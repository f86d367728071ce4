using System.Collections.Immutable;

namespace Pulumi;

/// <summary>A node of the deployment graph. Construction registers it with the running deployment.</summary>
public class Resource
{
    readonly string _type;
    readonly string _name;

    [Output("urn")]
    public Output<string> Urn { get; internal set; } = null!;

    private protected Resource(string type, string name, bool custom, ResourceArgs args, ResourceOptions options,
        bool isStack = false)
    {
        if (string.IsNullOrEmpty(type))
            throw new ArgumentException("'type' cannot be null or empty.", nameof(type));
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("'name' cannot be null or empty.", nameof(name));
        _type = type;
        _name = name;
        var engine = Deployment.InternalInstance.Engine;
        Registration = engine.Register(this, custom, isStack, args, options);
    }

    public string GetResourceType() => _type;

    public string GetResourceName() => _name;

    internal Registration Registration { get; }
}

public class CustomResource : Resource
{
    [Output("id")]
    public Output<string> Id { get; internal set; } = null!;

    public CustomResource(string type, string name, ResourceArgs? args, CustomResourceOptions? options = null)
        : base(type, name, custom: true, args ?? ResourceArgs.Empty, options ?? new CustomResourceOptions())
    {
    }
}

public class ComponentResource : Resource
{
    public ComponentResource(string type, string name, ComponentResourceOptions? options = null)
        : this(type, name, ResourceArgs.Empty, options)
    {
    }

    public ComponentResource(string type, string name, ResourceArgs? args, ComponentResourceOptions? options = null,
        bool remote = false)
        : base(type, name, custom: false, args ?? ResourceArgs.Empty, options ?? new ComponentResourceOptions())
    {
        if (options is { Provider: not null, Providers.Count: > 0 })
            throw new ResourceException("Do not supply both 'provider' and 'providers' options to a ComponentResource.", this);
    }

    private protected ComponentResource(string type, string name, ComponentResourceOptions? options, bool isStack)
        : base(type, name, custom: false, ResourceArgs.Empty, options ?? new ComponentResourceOptions(), isStack)
    {
    }

    /// <summary>Registers this component's public [Output] properties.</summary>
    protected void RegisterOutputs() => RegisterOutputs(Registration.PropertyOutputs());

    protected void RegisterOutputs(IDictionary<string, object?> outputs) => RegisterOutputs(Task.FromResult(outputs));

    protected void RegisterOutputs(Task<IDictionary<string, object?>> outputs) => RegisterOutputs(Output.Create(outputs));

    protected void RegisterOutputs(Output<IDictionary<string, object?>> outputs) =>
        Deployment.InternalInstance.Engine.RegisterOutputs(this, outputs);
}

public class ProviderResource : CustomResource
{
    internal string Package { get; }

    public ProviderResource(string package, string name, ResourceArgs args, CustomResourceOptions? options = null)
        : base($"pulumi:providers:{package}", name, args, options) => Package = package;
}

/// <summary>The root of every deployment: type pulumi:pulumi:Stack, named project-stack.</summary>
public class Stack : ComponentResource
{
    internal const string RootType = "pulumi:pulumi:Stack";

    public Stack(StackOptions? options = null)
        : base(RootType, $"{Deployment.Instance.ProjectName}-{Deployment.Instance.StackName}",
            new ComponentResourceOptions { ResourceTransformations = options?.ResourceTransformations ?? [] },
            isStack: true)
    {
    }

    /// <summary>Exports the [Output] properties a subclass set in its constructor.</summary>
    internal void RegisterPropertyOutputs()
    {
        var outputs = Registration.PropertyOutputs();
        var missing = outputs.Where(pair => pair.Value is null).Select(pair => pair.Key).ToList();
        if (missing.Count > 0)
            throw new RunException($"Output(s) '{string.Join(", ", missing)}' have no value assigned. " +
                "[Output] attributed properties must be assigned inside Stack constructor.");
        var wrongType = outputs.Where(pair => pair.Value is not IOutput).Select(pair => pair.Key).ToList();
        if (wrongType.Count > 0)
            throw new RunException($"Output(s) '{string.Join(", ", wrongType)}' have incorrect type. " +
                "[Output] attributed properties must be instances of Output<T>.");
        RegisterOutputs(outputs);
    }
}

public class StackOptions
{
    public List<ResourceTransformation> ResourceTransformations { get; set; } = [];
}

public delegate ResourceTransformationResult? ResourceTransformation(ResourceTransformationArgs args);

public readonly struct ResourceTransformationArgs
{
    public ResourceTransformationArgs(Resource resource, ResourceArgs args, ResourceOptions options)
    {
        Resource = resource;
        Args = args;
        Options = options;
    }

    public Resource Resource { get; }
    public ResourceArgs Args { get; }
    public ResourceOptions Options { get; }
}

public readonly struct ResourceTransformationResult
{
    public ResourceTransformationResult(ResourceArgs args, ResourceOptions options)
    {
        Args = args;
        Options = options;
    }

    public ResourceArgs Args { get; }
    public ResourceOptions Options { get; }
}

internal static class ResourceSet
{
    public static ImmutableHashSet<Resource> Of(Resource resource) => ImmutableHashSet.Create(resource);
}

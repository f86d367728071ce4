namespace Pulumi;

public abstract class ResourceOptions
{
    private protected ResourceOptions()
    {
    }

    InputList<Resource>? _dependsOn;
    List<string>? _ignoreChanges;
    List<ResourceTransformation>? _resourceTransformations;

    public Input<string>? Id { get; set; }
    public Resource? Parent { get; set; }

    public InputList<Resource> DependsOn
    {
        get => _dependsOn ??= new InputList<Resource>();
        set => _dependsOn = value;
    }

    public bool? Protect { get; set; }

    public List<string> IgnoreChanges
    {
        get => _ignoreChanges ??= [];
        set => _ignoreChanges = value;
    }

    public string? Version { get; set; }
    public ProviderResource? Provider { get; set; }
    public CustomTimeouts? CustomTimeouts { get; set; }

    public List<ResourceTransformation> ResourceTransformations
    {
        get => _resourceTransformations ??= [];
        set => _resourceTransformations = value;
    }

    public List<Input<Alias>> Aliases { get; set; } = [];
    public bool? RetainOnDelete { get; set; }

    private protected void MergeInto(ResourceOptions target)
    {
        target.Id = Id ?? target.Id;
        target.Parent = Parent ?? target.Parent;
        target.Protect = Protect ?? target.Protect;
        target.Version = Version ?? target.Version;
        target.Provider = Provider ?? target.Provider;
        target.CustomTimeouts = CustomTimeouts ?? target.CustomTimeouts;
        target.RetainOnDelete = RetainOnDelete ?? target.RetainOnDelete;
        target.IgnoreChanges = [.. target.IgnoreChanges, .. IgnoreChanges];
        target.ResourceTransformations = [.. target.ResourceTransformations, .. ResourceTransformations];
        target.Aliases = [.. target.Aliases, .. Aliases];
        target.DependsOn = target.DependsOn.Concat(DependsOn);
    }

    private protected void CopyInto(ResourceOptions target)
    {
        target.Id = Id;
        target.Parent = Parent;
        target.Protect = Protect;
        target.Version = Version;
        target.Provider = Provider;
        target.CustomTimeouts = CustomTimeouts;
        target.RetainOnDelete = RetainOnDelete;
        target.IgnoreChanges = [.. IgnoreChanges];
        target.ResourceTransformations = [.. ResourceTransformations];
        target.Aliases = [.. Aliases];
        target.DependsOn = new InputList<Resource>().Concat(DependsOn);
    }
}

public sealed class CustomResourceOptions : ResourceOptions
{
    List<string>? _additionalSecretOutputs;

    public bool? DeleteBeforeReplace { get; set; }

    public List<string> AdditionalSecretOutputs
    {
        get => _additionalSecretOutputs ??= [];
        set => _additionalSecretOutputs = value;
    }

    /// <summary>Copies both; scalars of the second win, lists are appended.</summary>
    public static CustomResourceOptions Merge(CustomResourceOptions? options1, CustomResourceOptions? options2)
    {
        var merged = new CustomResourceOptions();
        (options1 ?? new CustomResourceOptions()).CopyInto(merged);
        merged.DeleteBeforeReplace = options1?.DeleteBeforeReplace;
        merged.AdditionalSecretOutputs = [.. options1?.AdditionalSecretOutputs ?? []];
        if (options2 is null)
            return merged;
        options2.MergeInto(merged);
        merged.DeleteBeforeReplace = options2.DeleteBeforeReplace ?? merged.DeleteBeforeReplace;
        merged.AdditionalSecretOutputs = [.. merged.AdditionalSecretOutputs, .. options2.AdditionalSecretOutputs];
        return merged;
    }
}

public sealed class ComponentResourceOptions : ResourceOptions
{
    List<ProviderResource>? _providers;

    public List<ProviderResource> Providers
    {
        get => _providers ??= [];
        set => _providers = value;
    }

    /// <summary>Copies both; scalars of the second win, lists are appended, providers merge per package.</summary>
    public static ComponentResourceOptions Merge(ComponentResourceOptions? options1, ComponentResourceOptions? options2)
    {
        var merged = new ComponentResourceOptions();
        (options1 ?? new ComponentResourceOptions()).CopyInto(merged);
        merged.Providers = [.. options1?.Providers ?? []];
        if (options2 is null)
            return merged;
        options2.MergeInto(merged);
        var packages = options2.Providers.Select(provider => provider.Package).ToHashSet();
        merged.Providers = [.. merged.Providers.Where(provider => !packages.Contains(provider.Package)), .. options2.Providers];
        return merged;
    }
}

public sealed class CustomTimeouts
{
    public TimeSpan? Create { get; set; }
    public TimeSpan? Update { get; set; }
    public TimeSpan? Delete { get; set; }
}

/// <summary>A former identity of a resource, so that renaming it does not replace it.</summary>
public sealed class Alias
{
    public string? Urn { get; set; }
    public Input<string>? Name { get; set; }
    public Input<string>? Type { get; set; }
    public Resource? Parent { get; set; }
    public bool NoParent { get; set; }
}

public class InvokeOptions
{
    public Resource? Parent { get; set; }
    public ProviderResource? Provider { get; set; }
    public string? Version { get; set; }
}

public class InvokeOutputOptions : InvokeOptions
{
    InputList<Resource>? _dependsOn;

    public InputList<Resource> DependsOn
    {
        get => _dependsOn ??= new InputList<Resource>();
        set => _dependsOn = value;
    }
}

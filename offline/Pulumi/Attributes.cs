namespace Pulumi;

/// <summary>Names the wire property an args member is sent as.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class InputAttribute : Attribute
{
    internal string Name { get; }
    internal bool IsRequired { get; }
    internal bool Json { get; }

    public InputAttribute(string name, bool required = false, bool json = false)
    {
        Name = name;
        IsRequired = required;
        Json = json;
    }
}

/// <summary>Names the wire property a resource output is filled from.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OutputAttribute : Attribute
{
    public OutputAttribute(string? name = null) => Name = name;

    public string? Name { get; }
}

/// <summary>Marks a class that output values are deserialized into.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class OutputTypeAttribute : Attribute
{
}

/// <summary>Marks the constructor used to build an <see cref="OutputTypeAttribute"/> class.</summary>
[AttributeUsage(AttributeTargets.Constructor)]
public sealed class OutputConstructorAttribute : Attribute
{
}

/// <summary>Marks a string-valued enum struct of a provider.</summary>
[AttributeUsage(AttributeTargets.Struct)]
public sealed class EnumTypeAttribute : Attribute
{
}

/// <summary>Records a resource class's type token; providers derive their own.</summary>
[AttributeUsage(AttributeTargets.Class)]
public class ResourceTypeAttribute : Attribute
{
    public ResourceTypeAttribute(string type, string? version)
    {
        Type = type;
        Version = version;
    }

    public string Type { get; }
    public string? Version { get; }
}

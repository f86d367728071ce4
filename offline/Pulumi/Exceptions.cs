namespace Pulumi;

/// <summary>An error whose message is shown to the user as it is, without a stack trace.</summary>
public class RunException : Exception
{
    public RunException(string message) : base(message)
    {
    }

    public RunException(string message, Exception? innerException) : base(message, innerException)
    {
    }
}

/// <summary>An error that belongs to one resource.</summary>
public class ResourceException : Exception
{
    internal Resource? Resource { get; }
    internal bool HideStack { get; }

    public ResourceException(string message, Resource? resource, bool hideStack = false) : base(message)
    {
        Resource = resource;
        HideStack = hideStack;
    }
}

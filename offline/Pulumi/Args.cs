namespace Pulumi;

/// <summary>Base of every args class: its [Input] members are what gets sent.</summary>
public abstract class InputArgs
{
    protected InputArgs()
    {
    }
}

public abstract class ResourceArgs : InputArgs
{
    public static readonly ResourceArgs Empty = new EmptyResourceArgs();

    protected ResourceArgs()
    {
    }

    sealed class EmptyResourceArgs : ResourceArgs;
}

public abstract class InvokeArgs : InputArgs
{
    public static readonly InvokeArgs Empty = new EmptyInvokeArgs();

    protected InvokeArgs()
    {
    }

    sealed class EmptyInvokeArgs : InvokeArgs;
}

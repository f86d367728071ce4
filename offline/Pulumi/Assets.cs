namespace Pulumi;

public abstract class AssetOrArchive
{
    private protected AssetOrArchive(string kind, string value)
    {
        Kind = kind;
        Value = value;
    }

    internal string Kind { get; }
    internal string Value { get; }
}

public abstract class Asset : AssetOrArchive
{
    private protected Asset(string kind, string value) : base(kind, value)
    {
    }
}

public abstract class Archive : AssetOrArchive
{
    private protected Archive(string kind, string value) : base(kind, value)
    {
    }
}

public sealed class FileAsset : Asset
{
    public FileAsset(string path) : base("path", path)
    {
    }
}

public sealed class StringAsset : Asset
{
    public StringAsset(string text) : base("text", text)
    {
    }
}

public sealed class FileArchive : Archive
{
    public FileArchive(string path) : base("path", path)
    {
    }
}

namespace Infra.Configuration;

/// <summary>Paths in the stack config are relative to the project (the folder of Pulumi.yaml).</summary>
public static class ProjectPaths
{
    public static string Resolve(string path)
    {
        if (Path.IsPathRooted(path))
            return path;
        for (var folder = new DirectoryInfo(Directory.GetCurrentDirectory()); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Pulumi.yaml")))
                return Path.Combine(folder.FullName, path);
        return Path.GetFullPath(path);
    }
}

namespace Infra.Tests.Stacks;

/// <summary>A throwaway project as a user would lay it out: the repository's Pulumi.yaml and public/ (linked) beside
/// one stack file, deleted on dispose.</summary>
internal sealed class ProjectCopy : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("project-").FullName;

    public static ProjectCopy With(string stack, string stackYaml)
    {
        var project = new ProjectCopy();
        File.Copy(System.IO.Path.Combine(StackRun.ProjectDirectory, "Pulumi.yaml"), System.IO.Path.Combine(project.Path, "Pulumi.yaml"));
        Directory.CreateSymbolicLink(System.IO.Path.Combine(project.Path, "public"), System.IO.Path.Combine(StackRun.ProjectDirectory, "public"));
        File.WriteAllText(project.StackFile(stack), stackYaml);
        return project;
    }

    /// <summary>The committed example stack files (examples/Pulumi.&lt;stack&gt;.yaml) side by side, as a user copies them.</summary>
    public static ProjectCopy WithExamples(params string[] stacks)
    {
        var project = With(stacks[0], Example(stacks[0]));
        foreach (var stack in stacks.Skip(1))
            File.WriteAllText(project.StackFile(stack), Example(stack));
        return project;
    }

    public static string Example(string stack) =>
        File.ReadAllText(System.IO.Path.Combine(StackRun.ProjectDirectory, "examples", $"Pulumi.{stack}.yaml"));

    public string StackFile(string stack) => System.IO.Path.Combine(Path, $"Pulumi.{stack}.yaml");

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

using Infra.Plan;

namespace Infra.Tests.Stacks;

/// <summary>An example stack of examples/, planned as a user would after copying it beside Pulumi.yaml, and its graph
/// on the test engine.</summary>
internal static class ExampleStack
{
    public static string Yaml(string stack) => File.ReadAllText(Path.Combine(StackRun.ProjectDirectory, "examples", $"Pulumi.{stack}.yaml"));

    public static Task<(PlanDocument Plan, Graph Graph)> PlanAsync(string stack,
        Func<Dictionary<string, string>, Dictionary<string, string>>? change = null) => PlanAsync(stack, Yaml(stack), change);

    /// <summary>A stack file written out under the stack's name (an example, or one changed as text).</summary>
    public static async Task<(PlanDocument Plan, Graph Graph)> PlanAsync(string stack, string yaml,
        Func<Dictionary<string, string>, Dictionary<string, string>>? change = null)
    {
        using var project = ProjectCopy.With(stack, yaml);
        var plan = await PlanRunner.RunAsync(project.Path, stack, change);
        var engine = new TestEngine();
        using var _ = StackFile.Load(project.Path, stack).Apply(change);
        var graph = await engine.RunAsync(() => Infra.Stacks.WebStack.RunAsync(engine.Options()), TestEngine.Deploy(stack));
        return (plan, graph);
    }
}

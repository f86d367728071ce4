using System.Collections.Concurrent;
using Infra.Configuration;
using Infra.Plan;
using Infra.Stacks;

namespace Infra.Tests.Stacks;

/// <summary>Runs the real composition with a committed stack file, optionally changed.</summary>
internal static class StackRun
{
    public static string ProjectDirectory => Path.GetDirectoryName(ProjectPaths.Resolve("Pulumi.yaml"))!;

    static readonly ConcurrentDictionary<string, Lazy<Task<Graph>>> CommittedGraphs = new();
    static readonly ConcurrentDictionary<string, Lazy<Task<PlanDocument>>> CommittedPlans = new();

    /// <summary>The committed stack file's run, once for the whole suite: the tests that only read it share it.</summary>
    public static Task<Graph> CommittedAsync(string stack) => CommittedGraphs.GetOrAdd(stack, name => new(() => RunAsync(name))).Value;

    /// <summary>The committed stack file's plan, once for the whole suite (tests that break it edit a copy).</summary>
    public static Task<PlanDocument> CommittedPlanAsync(string stack) =>
        CommittedPlans.GetOrAdd(stack, name => new(() => PlanRunner.RunAsync(ProjectDirectory, name))).Value;

    public static async Task<Graph> RunAsync(string stack, Func<Dictionary<string, string>, Dictionary<string, string>>? change = null,
        TestEngine? engine = null)
    {
        engine ??= new TestEngine();
        using var _ = StackFile.Load(ProjectDirectory, stack).Apply(change);
        return await engine.RunAsync(() => WebStack.RunAsync(engine.Options()), TestEngine.Deploy(stack));
    }

    /// <summary>Sets one key under infra: to a JSON value (or removes it when null).</summary>
    public static Func<Dictionary<string, string>, Dictionary<string, string>> With(params (string Key, string? Json)[] changes) => config =>
    {
        foreach (var (key, json) in changes)
        {
            if (json is null)
                config.Remove(key);
            else
                config[key] = json;
        }

        return config;
    };
}

using System.Collections.Immutable;
using Pulumi.Testing;

namespace Pulumi;

/// <summary>Entry points of a Pulumi program. This stand-in runs programs only under the test engine.</summary>
public sealed partial class Deployment
{
    static readonly AsyncLocal<DeploymentInstance?> Current = new();

    Deployment()
    {
    }

    public static DeploymentInstance Instance =>
        Current.Value ?? throw new InvalidOperationException("Trying to acquire Deployment.Instance before 'Run' was called.");

    internal static DeploymentInstance InternalInstance => Instance;

    internal static Engine? CurrentEngine => Current.Value?.Engine;

    public static Task<int> RunAsync(Action action) => RefuseToDeploy();

    public static Task<int> RunAsync(Func<IDictionary<string, object?>> func) => RefuseToDeploy();

    public static Task<int> RunAsync(Func<Task> func) => RefuseToDeploy();

    public static Task<int> RunAsync(Func<Task<IDictionary<string, object?>>> func, StackOptions? options = null) =>
        RefuseToDeploy();

    public static Task<int> RunAsync<TStack>() where TStack : Stack, new() => RefuseToDeploy();

    static Task<int> RefuseToDeploy()
    {
        Console.Error.WriteLine("This build uses the offline Pulumi stand-ins (offline/), which only run under the test " +
            "engine: deploying needs the real Pulumi packages and the Pulumi CLI (build with PULUMI_SDK=NuGet, then `pulumi up`).");
        return Task.FromResult(1);
    }

    public static async Task<ImmutableArray<Resource>> TestAsync<TStack>(IMocks mocks, TestOptions? options = null)
        where TStack : Stack, new()
    {
        var engine = new Engine(mocks, options ?? new TestOptions());
        await Run(engine, () =>
        {
            var stack = new TStack();
            stack.RegisterPropertyOutputs();
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        return engine.Resources;
    }

    public static async Task<(ImmutableArray<Resource> Resources, IDictionary<string, object?> Outputs)> TestAsync(
        IMocks testMocks, TestOptions testOptions, Func<Task<IDictionary<string, object?>>> createResources)
    {
        var engine = new Engine(testMocks, testOptions);
        IDictionary<string, object?> outputs = new Dictionary<string, object?>();
        await Run(engine, async () =>
        {
            var stack = new TestStack();
            outputs = await createResources().ConfigureAwait(false);
            stack.Export(outputs);
        }).ConfigureAwait(false);
        return (engine.Resources.Remove(engine.Root!), outputs);
    }

    public static Task<(ImmutableArray<Resource> Resources, IDictionary<string, object?> Outputs)> TestAsync(
        IMocks testMocks, TestOptions testOptions, Func<IDictionary<string, object?>> createResources) =>
        TestAsync(testMocks, testOptions, () => Task.FromResult(createResources()));

    public static async Task<ImmutableArray<Resource>> TestAsync(IMocks testMocks, TestOptions testOptions,
        Func<Task> createResources)
    {
        var result = await TestAsync(testMocks, testOptions, async () =>
        {
            await createResources().ConfigureAwait(false);
            return (IDictionary<string, object?>)new Dictionary<string, object?>();
        }).ConfigureAwait(false);
        return result.Resources;
    }

    public static Task<ImmutableArray<Resource>> TestAsync(IMocks testMocks, TestOptions testOptions, Action createResources) =>
        TestAsync(testMocks, testOptions, () =>
        {
            createResources();
            return Task.CompletedTask;
        });

    static async Task Run(Engine engine, Func<Task> program)
    {
        var previous = Current.Value;
        Current.Value = new DeploymentInstance(engine);
        try
        {
            await engine.RunAsync(program).ConfigureAwait(false);
        }
        finally
        {
            Current.Value = previous;
        }
    }

    sealed class TestStack : Stack
    {
        public void Export(IDictionary<string, object?> outputs) => RegisterOutputs(outputs);
    }
}

/// <summary>What a running program knows about its deployment.</summary>
public sealed class DeploymentInstance
{
    internal Engine Engine { get; }

    internal DeploymentInstance(Engine engine) => Engine = engine;

    public string StackName => Engine.StackName;
    public string ProjectName => Engine.ProjectName;
    public string OrganizationName => Engine.OrganizationName;
    public bool IsDryRun => Engine.IsDryRun;

    public Task<T> InvokeAsync<T>(string token, InvokeArgs args, InvokeOptions? options = null) =>
        Engine.InvokeAsync<T>(token, args, options);

    public Output<T> Invoke<T>(string token, InvokeArgs args, InvokeOptions? options = null) =>
        new(Engine.InvokeDataAsync<T>(token, args, options));

    public Output<T> Invoke<T>(string token, InvokeArgs args, InvokeOutputOptions options) =>
        new(Engine.InvokeDataAsync<T>(token, args, options));
}

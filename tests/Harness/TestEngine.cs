using Infra.Plan.Mocks;
using Moq;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace Infra.Harness;

/// <summary>The plan's engine with a Moq <see cref="IMocks"/> in front of its recording mocks, so tests can
/// verify what the engine was (or was not) asked to do.</summary>
public sealed class TestEngine
{
    readonly PlanEngine _engine;

    public TestEngine(FakeAws? aws = null)
    {
        _engine = new PlanEngine(aws);
        var recording = _engine.Mocks;
        Mock = new Mock<IMocks>(MockBehavior.Strict);
        Mock.Setup(mocks => mocks.NewResourceAsync(It.IsAny<MockResourceArgs>())).Returns((MockResourceArgs args) => recording.NewResourceAsync(args));
        Mock.Setup(mocks => mocks.CallAsync(It.IsAny<MockCallArgs>())).Returns((MockCallArgs args) => recording.CallAsync(args));
        Mock.Setup(mocks => mocks.RegisterResourceOutputs(It.IsAny<MockRegisterResourceOutputsRequest>()))
            .Returns((MockRegisterResourceOutputsRequest request) => recording.RegisterResourceOutputs(request));
    }

    public FakeAws Aws => _engine.Mocks.Aws;
    public Mock<IMocks> Mock { get; }
    public GraphCapture Capture => _engine.Capture;
    public IReadOnlyList<MockResourceArgs> Registrations => _engine.Mocks.Registrations;
    public IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableDictionary<string, Output<object?>>> ComponentOutputs =>
        _engine.Mocks.ComponentOutputs;

    public ComponentResourceOptions Options(ComponentResourceOptions? options = null) => _engine.Options(options);

    public static TestOptions Deploy(string stack = "test") =>
        new() { ProjectName = "infra", StackName = stack, IsPreview = false };

    public Task<Graph> RunAsync(Func<Task<IDictionary<string, object?>>> program, TestOptions? options = null) =>
        _engine.RunAsync(program, options ?? Deploy(), Mock.Object);

    public Task<Graph> RunAsync(Action program, TestOptions? options = null) =>
        RunAsync(() =>
        {
            program();
            return Task.FromResult<IDictionary<string, object?>>(new Dictionary<string, object?>());
        }, options);
}

public static class OutputValues
{
    /// <summary>The value of an output; never hangs on an unknown one (that returns default).</summary>
    public static Task<T> ValueAsync<T>(this Output<T> output) => OutputUtilities.GetValueAsync(output);

    public static Task<bool> IsSecretAsync<T>(this Output<T> output) => Output.IsSecretAsync(output);

    public static Task<bool> IsKnownAsync<T>(this Output<T> output) => OutputUtilities.GetIsKnownAsync(output);
}

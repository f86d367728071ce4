using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Pulumi;

/// <summary>What an output holds once it resolves: a value that may be unknown (preview) or secret,
/// and the resources it came from.</summary>
internal sealed record OutputData<T>(T Value, bool IsKnown, bool IsSecret, ImmutableHashSet<Resource> Resources)
{
    public static OutputData<T> Known(T value, bool isSecret = false) =>
        new(value, true, isSecret, ImmutableHashSet<Resource>.Empty);

    public OutputData<object?> Untyped() => new(Value, IsKnown, IsSecret, Resources);

    public static async Task<OutputData<T>> MapAsync(Task<OutputData<T>> data, Func<OutputData<T>, OutputData<T>> map) =>
        map(await data.ConfigureAwait(false));
}

/// <summary>Type-erased access to an <see cref="Output{T}"/>, for serialization.</summary>
internal interface IOutput
{
    Task<OutputData<object?>> GetDataAsync();
}

/// <summary>Type-erased access to an <see cref="Input{T}"/>.</summary>
internal interface IInput
{
    IOutput ToUntypedOutput();
}

public sealed class Output<T> : IOutput
{
    internal Task<OutputData<T>> DataTask { get; }

    internal Output(Task<OutputData<T>> dataTask)
    {
        DataTask = dataTask;
        Deployment.CurrentEngine?.Track(dataTask);
    }

    internal static Output<T> FromData(OutputData<T> data) => new(Task.FromResult(data));

    public static Output<T> Create(Task<T> value) => Output.Create(value);

    async Task<OutputData<object?>> IOutput.GetDataAsync() => (await DataTask.ConfigureAwait(false)).Untyped();

    public Output<TResult> Apply<TResult>(Func<T, TResult> func) =>
        Bind(value => Output.Create(func(value)));

    public Output<TResult> Apply<TResult>(Func<T, Task<TResult>> func) =>
        Bind(value => Output.Create(func(value)));

    public Output<TResult> Apply<TResult>(Func<T, Input<TResult>?> func) =>
        Bind(value => func(value) is { } input ? (Output<TResult>)input : Output.Create(default(TResult)!));

    public Output<TResult> Apply<TResult>(Func<T, Output<TResult>?> func) =>
        Bind(value => func(value) ?? Output.Create(default(TResult)!));

    public Output<ValueTuple> Apply(Func<T, Task> func) =>
        Bind(async value =>
        {
            await func(value).ConfigureAwait(false);
            return ValueTuple.Create();
        });

    Output<TResult> Bind<TResult>(Func<T, Task<TResult>> func) => Bind(value => Output.Create(func(value)));

    /// <summary>The one place where a callback runs: never on an unknown value; secrets and
    /// dependencies of both sides carry over to the result.</summary>
    Output<TResult> Bind<TResult>(Func<T, Output<TResult>> func) => new(BindAsync(func));

    async Task<OutputData<TResult>> BindAsync<TResult>(Func<T, Output<TResult>> func)
    {
        var data = await DataTask.ConfigureAwait(false);
        if (!data.IsKnown)
            return new OutputData<TResult>(default!, false, data.IsSecret, data.Resources);

        var inner = await func(data.Value).DataTask.ConfigureAwait(false);
        return new OutputData<TResult>(inner.Value, inner.IsKnown, data.IsSecret || inner.IsSecret,
            data.Resources.Union(inner.Resources));
    }

    public override string ToString()
    {
        const string message =
            "Calling [ToString] on an [Output<T>] is not supported.\n\n" +
            "To get the value of an Output<T> as an Output<string> consider:\n" +
            "1. o.Apply(v => $\"prefix{v}suffix\")\n" +
            "2. Output.Format($\"prefix{hostname}suffix\");";
        if (Deployment.CurrentEngine is { } engine)
            engine.Log(LogSeverity.Warning, message);
        return message;
    }
}

public static class Output
{
    public static Output<T> Create<T>(T value) => Output<T>.FromData(OutputData<T>.Known(value));

    public static Output<T> Create<T>(Task<T> value) => new(KnownAsync(value, isSecret: false));

    public static Output<T> CreateSecret<T>(T value) => Output<T>.FromData(OutputData<T>.Known(value, isSecret: true));

    public static Output<T> CreateSecret<T>(Task<T> value) => new(KnownAsync(value, isSecret: true));

    public static Output<T> CreateSecret<T>(Output<T> value) => WithSecret(value, true);

    public static Output<T> Unsecret<T>(Output<T> output) => WithSecret(output, false);

    public static async Task<bool> IsSecretAsync<T>(Output<T> output) =>
        (await output.DataTask.ConfigureAwait(false)).IsSecret;

    public static Output<ImmutableArray<T>> All<T>(params Input<T>[] inputs) => All(inputs.AsEnumerable());

    public static Output<ImmutableArray<T>> All<T>(IEnumerable<Input<T>> inputs) =>
        All(inputs.Select(input => (Output<T>)input));

    public static Output<ImmutableArray<T>> All<T>(params Output<T>[] outputs) => All(outputs.AsEnumerable());

    public static Output<ImmutableArray<T>> All<T>(IEnumerable<Output<T>> outputs)
    {
        var tasks = outputs.Select(output => output.DataTask).ToArray();
        return new Output<ImmutableArray<T>>(CombineAsync(tasks));
    }

    public static Output<(T1, T2)> Tuple<T1, T2>(Input<T1> item1, Input<T2> item2) =>
        Tuple((Output<T1>)item1, (Output<T2>)item2);

    public static Output<(T1, T2)> Tuple<T1, T2>(Output<T1> item1, Output<T2> item2) =>
        All(item1.Apply(v => (object?)v), item2.Apply(v => (object?)v))
            .Apply(values => ((T1)values[0]!, (T2)values[1]!));

    public static Output<(T1, T2, T3)> Tuple<T1, T2, T3>(Input<T1> item1, Input<T2> item2, Input<T3> item3) =>
        Tuple((Output<T1>)item1, (Output<T2>)item2, (Output<T3>)item3);

    public static Output<(T1, T2, T3)> Tuple<T1, T2, T3>(Output<T1> item1, Output<T2> item2, Output<T3> item3) =>
        All(item1.Apply(v => (object?)v), item2.Apply(v => (object?)v), item3.Apply(v => (object?)v))
            .Apply(values => ((T1)values[0]!, (T2)values[1]!, (T3)values[2]!));

    /// <summary>Formats with the invariant culture; arguments may be outputs, inputs or plain values.</summary>
    public static Output<string> Format(FormattableString formattableString)
    {
        var arguments = formattableString.GetArguments();
        var parts = arguments.Select(argument => argument switch
        {
            IInput input => Untyped(input.ToUntypedOutput()),
            IOutput output => Untyped(output),
            _ => Create(argument),
        });
        return All(parts).Apply(values =>
            string.Format(CultureInfo.InvariantCulture, formattableString.Format, values.ToArray()));
    }

    /// <summary>Serializes the value to JSON once it and every output nested in it are known.</summary>
    public static Output<string> JsonSerialize<T>(Output<T> value, JsonSerializerOptions? options = null) =>
        new(JsonSerializeAsync(value, options));

    static async Task<OutputData<string>> JsonSerializeAsync<T>(Output<T> value, JsonSerializerOptions? options)
    {
        var data = await value.DataTask.ConfigureAwait(false);
        if (!data.IsKnown)
            return new OutputData<string>(null!, false, data.IsSecret, data.Resources);

        var nested = new NestedOutputs();
        var json = JsonSerializer.Serialize(data.Value, nested.Options(options));
        return new OutputData<string>(nested.AnyUnknown ? null! : json, !nested.AnyUnknown,
            data.IsSecret || nested.AnySecret, data.Resources.Union(nested.Resources));
    }

    static Output<object?> Untyped(IOutput output) => new(output.GetDataAsync());

    static Output<T> WithSecret<T>(Output<T> output, bool isSecret) =>
        new(OutputData<T>.MapAsync(output.DataTask, data => data with { IsSecret = isSecret }));

    static async Task<OutputData<T>> KnownAsync<T>(Task<T> value, bool isSecret) =>
        OutputData<T>.Known(await value.ConfigureAwait(false), isSecret);

    static async Task<OutputData<ImmutableArray<T>>> CombineAsync<T>(Task<OutputData<T>>[] tasks)
    {
        var all = await Task.WhenAll(tasks).ConfigureAwait(false);
        var resources = all.Aggregate(ImmutableHashSet<Resource>.Empty, (set, data) => set.Union(data.Resources));
        var isKnown = all.All(data => data.IsKnown);
        return new OutputData<ImmutableArray<T>>(isKnown ? all.Select(data => data.Value).ToImmutableArray() : default,
            isKnown, all.Any(data => data.IsSecret), resources);
    }
}

/// <summary>Helpers that let callers treat an input as an output.</summary>
public static class InputExtensions
{
    public static Output<TResult> Apply<T, TResult>(Input<T>? input, Func<T, TResult> func) =>
        ToOutput(input).Apply(func);

    public static Output<TResult> Apply<T, TResult>(Input<T>? input, Func<T, Task<TResult>> func) =>
        ToOutput(input).Apply(func);

    public static Output<TResult> Apply<T, TResult>(Input<T>? input, Func<T, Input<TResult>?> func) =>
        ToOutput(input).Apply(func);

    public static Output<TResult> Apply<T, TResult>(Input<T>? input, Func<T, Output<TResult>?> func) =>
        ToOutput(input).Apply(func);

    public static Output<T> ToOutput<T>(Input<T>? input) => input is null ? Output.Create(default(T)!) : input;
}

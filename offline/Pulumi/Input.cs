using System.Collections;
using System.Collections.Immutable;

namespace Pulumi;

/// <summary>A value a resource accepts: plain, or the output of another resource.</summary>
public class Input<T> : IInput
{
    private protected Output<T> _outputValue;

    private protected Input(Output<T> outputValue) => _outputValue = outputValue;

    public static implicit operator Input<T>(T value) => Output.Create(value);

    public static implicit operator Input<T>(Output<T> value) => new(value);

    public static implicit operator Output<T>(Input<T> input) => input._outputValue;

    IOutput IInput.ToUntypedOutput() => _outputValue;
}

public sealed class InputList<T> : Input<ImmutableArray<T>>, IEnumerable, IAsyncEnumerable<Input<T>>
{
    public InputList() : this(Output.Create(ImmutableArray<T>.Empty))
    {
    }

    InputList(Output<ImmutableArray<T>> values) : base(values)
    {
    }

    public void Add(params Input<T>[] inputs) => _outputValue = Concat(_outputValue, Output.All(inputs));

    public void Add(InputList<T> inputs) => AddRange(inputs);

    public void AddRange(InputList<T> inputs) => _outputValue = Concat(_outputValue, inputs._outputValue);

    public InputList<T> Concat(InputList<T> other) => new(Concat(_outputValue, other._outputValue));

    static Output<ImmutableArray<T>> Concat(Output<ImmutableArray<T>> first, Output<ImmutableArray<T>> second) =>
        Output.Tuple(first, second).Apply(pair => pair.Item1.AddRange(pair.Item2));

    IEnumerator IEnumerable.GetEnumerator() =>
        throw new NotSupportedException("An InputList can only be enumerated asynchronously.");

    public async IAsyncEnumerator<Input<T>> GetAsyncEnumerator(CancellationToken cancellationToken)
    {
        var data = await _outputValue.DataTask.ConfigureAwait(false);
        if (!data.IsKnown)
            yield break;
        foreach (var value in data.Value)
            yield return Output<T>.FromData(new OutputData<T>(value, true, data.IsSecret, data.Resources));
    }

    public static implicit operator InputList<T>(T value) => ImmutableArray.Create(value);

    public static implicit operator InputList<T>(T[] values) => ImmutableArray.CreateRange(values);

    public static implicit operator InputList<T>(List<T> values) => ImmutableArray.CreateRange(values);

    public static implicit operator InputList<T>(ImmutableArray<T> values) => new(Output.Create(values));

    public static implicit operator InputList<T>(Output<T> value) => ImmutableArray.Create(value);

    public static implicit operator InputList<T>(Output<T>[] values) => ImmutableArray.CreateRange(values);

    public static implicit operator InputList<T>(List<Output<T>> values) => ImmutableArray.CreateRange(values);

    public static implicit operator InputList<T>(ImmutableArray<Output<T>> values) => new(Output.All(values.AsEnumerable()));

    public static implicit operator InputList<T>(Input<T> value) => ImmutableArray.Create(value);

    public static implicit operator InputList<T>(Input<T>[] values) => ImmutableArray.CreateRange(values);

    public static implicit operator InputList<T>(List<Input<T>> values) => ImmutableArray.CreateRange(values);

    public static implicit operator InputList<T>(ImmutableArray<Input<T>> values) => new(Output.All(values.AsEnumerable()));

    public static implicit operator InputList<T>(Output<T[]> values) => new(values.Apply(ImmutableArray.CreateRange));

    public static implicit operator InputList<T>(Output<List<T>> values) => new(values.Apply(ImmutableArray.CreateRange));

    public static implicit operator InputList<T>(Output<IEnumerable<T>> values) => new(values.Apply(ImmutableArray.CreateRange));

    public static implicit operator InputList<T>(Output<ImmutableArray<T>> values) => new(values);
}

public sealed class InputMap<TValue> : Input<ImmutableDictionary<string, TValue>>, IEnumerable,
    IAsyncEnumerable<Input<KeyValuePair<string, TValue>>>
{
    public InputMap() : this(Output.Create(ImmutableDictionary<string, TValue>.Empty))
    {
    }

    InputMap(Output<ImmutableDictionary<string, TValue>> values) : base(values)
    {
    }

    public void Add(string key, Input<TValue> value)
    {
        var entry = ((Output<TValue>)value).Apply(v => ImmutableDictionary<string, TValue>.Empty.Add(key, v));
        _outputValue = Combine(_outputValue, entry, overwrite: false);
    }

    public void Add(InputMap<TValue> values) => AddRange(values);

    public void AddRange(InputMap<TValue> values) => _outputValue = Combine(_outputValue, values._outputValue, overwrite: false);

    public Input<TValue> this[string key]
    {
        set
        {
            var entry = ((Output<TValue>)value).Apply(v => ImmutableDictionary<string, TValue>.Empty.Add(key, v));
            _outputValue = Combine(_outputValue, entry, overwrite: true);
        }
    }

    public static InputMap<TValue> Merge(InputMap<TValue> first, InputMap<TValue> second) =>
        new(Combine(first._outputValue, second._outputValue, overwrite: true));

    /// <summary>Adding a key twice with different values fails when the map resolves, as in the real SDK.</summary>
    static Output<ImmutableDictionary<string, TValue>> Combine(Output<ImmutableDictionary<string, TValue>> first,
        Output<ImmutableDictionary<string, TValue>> second, bool overwrite) =>
        Output.Tuple(first, second).Apply(pair => overwrite ? pair.Item1.SetItems(pair.Item2) : pair.Item1.AddRange(pair.Item2));

    IEnumerator IEnumerable.GetEnumerator() =>
        throw new NotSupportedException("An InputMap can only be enumerated asynchronously.");

    public async IAsyncEnumerator<Input<KeyValuePair<string, TValue>>> GetAsyncEnumerator(CancellationToken cancellationToken)
    {
        var data = await _outputValue.DataTask.ConfigureAwait(false);
        if (!data.IsKnown)
            yield break;
        foreach (var pair in data.Value)
            yield return Output<KeyValuePair<string, TValue>>.FromData(
                new OutputData<KeyValuePair<string, TValue>>(pair, true, data.IsSecret, data.Resources));
    }

    public static implicit operator InputMap<TValue>(Dictionary<string, TValue> values) =>
        new(Output.Create(values.ToImmutableDictionary()));

    public static implicit operator InputMap<TValue>(ImmutableDictionary<string, TValue> values) => new(Output.Create(values));

    public static implicit operator InputMap<TValue>(Output<Dictionary<string, TValue>> values) =>
        new(values.Apply(v => v.ToImmutableDictionary()));

    public static implicit operator InputMap<TValue>(Output<IDictionary<string, TValue>> values) =>
        new(values.Apply(v => v.ToImmutableDictionary()));

    public static implicit operator InputMap<TValue>(Output<ImmutableDictionary<string, TValue>> values) => new(values);
}

public sealed class InputUnion<T0, T1> : Input<Union<T0, T1>>
{
    public InputUnion() : this(Output.Create(default(Union<T0, T1>)))
    {
    }

    InputUnion(Output<Union<T0, T1>> value) : base(value)
    {
    }

    public static implicit operator InputUnion<T0, T1>(T0 value) => Output.Create(value);

    public static implicit operator InputUnion<T0, T1>(T1 value) => Output.Create(value);

    public static implicit operator InputUnion<T0, T1>(Union<T0, T1> value) => new(Output.Create(value));

    public static implicit operator InputUnion<T0, T1>(Output<Union<T0, T1>> value) => new(value);

    public static implicit operator InputUnion<T0, T1>(Output<T0> value) => new(value.Apply(Union<T0, T1>.FromT0));

    public static implicit operator InputUnion<T0, T1>(Output<T1> value) => new(value.Apply(Union<T0, T1>.FromT1));

    public static implicit operator InputUnion<T0, T1>(Input<T0> value) => (Output<T0>)value;

    public static implicit operator InputUnion<T0, T1>(Input<T1> value) => (Output<T1>)value;
}

/// <summary>Holds a value of one of two types.</summary>
public readonly struct Union<T0, T1> : IEquatable<Union<T0, T1>>, IUnion
{
    readonly T0 _value0;
    readonly T1 _value1;
    readonly int _index;

    Union(int index, T0 value0, T1 value1)
    {
        _index = index;
        _value0 = value0;
        _value1 = value1;
    }

    public static Union<T0, T1> FromT0(T0 input) => new(0, input, default!);

    public static Union<T0, T1> FromT1(T1 input) => new(1, default!, input);

    public static implicit operator Union<T0, T1>(T0 t) => FromT0(t);

    public static implicit operator Union<T0, T1>(T1 t) => FromT1(t);

    public bool IsT0 => _index == 0;
    public bool IsT1 => _index == 1;

    public T0 AsT0 => IsT0 ? _value0 : throw new InvalidOperationException($"Cannot return as T0 as result is T{_index}");
    public T1 AsT1 => IsT1 ? _value1 : throw new InvalidOperationException($"Cannot return as T1 as result is T{_index}");

    public object Value => IsT0 ? _value0! : _value1!;

    public TResult Match<TResult>(Func<T0, TResult> f0, Func<T1, TResult> f1) => IsT0 ? f0(_value0) : f1(_value1);

    public bool Equals(Union<T0, T1> other) =>
        _index == other._index && (IsT0 ? Equals(_value0, other._value0) : Equals(_value1, other._value1));

    public override bool Equals(object? obj) => obj is Union<T0, T1> other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_index, Value);

    public override string ToString() => Value?.ToString() ?? "";
}

internal interface IUnion
{
    object Value { get; }
}

using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using Pulumi;
using Pulumi.Utilities;

namespace Infra.Plan;

/// <summary>Reads outputs of any T through the public API (Output.IsSecretAsync, OutputUtilities).</summary>
internal static class OutputReader
{
    static readonly MethodInfo Read = typeof(OutputReader).GetMethod(nameof(ReadTyped), BindingFlags.Static | BindingFlags.NonPublic)!;
    static readonly MethodInfo Dependencies = typeof(OutputReader).GetMethod(nameof(DependenciesTyped), BindingFlags.Static | BindingFlags.NonPublic)!;

    // Reflection answers per type, found once (a plan asks them for every input of every resource).
    static readonly ConcurrentDictionary<Type, (MethodInfo Read, MethodInfo Dependencies)> ReadersByOutput = new();
    static readonly ConcurrentDictionary<Type, MethodInfo?> ConversionsByInput = new();

    static (MethodInfo Read, MethodInfo Dependencies) Readers(object output) => ReadersByOutput.GetOrAdd(output.GetType(), type =>
        (Read.MakeGenericMethod(type.GetGenericArguments()[0]), Dependencies.MakeGenericMethod(type.GetGenericArguments()[0])));

    public static Task<(bool Known, bool Secret, object? Value)> ReadAsync(object output) =>
        (Task<(bool, bool, object?)>)Readers(output).Read.Invoke(null, [output])!;

    public static Task<ImmutableHashSet<Resource>> DependenciesAsync(object output) =>
        (Task<ImmutableHashSet<Resource>>)Readers(output).Dependencies.Invoke(null, [output])!;

    static async Task<(bool, bool, object?)> ReadTyped<T>(Output<T> output) =>
        (await OutputUtilities.GetIsKnownAsync(output), await Output.IsSecretAsync(output), await OutputUtilities.GetValueAsync(output));

    static Task<ImmutableHashSet<Resource>> DependenciesTyped<T>(Output<T> output) => OutputUtilities.GetDependenciesAsync(output);

    /// <summary>An Output as it is; an Input (InputList, InputMap, InputUnion...) through its implicit conversion; else null.</summary>
    public static object? AsOutput(object value)
    {
        var type = value.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Output<>))
            return value;
        return ConversionsByInput.GetOrAdd(type, ToOutput)?.Invoke(null, [value]);
    }

    static MethodInfo? ToOutput(Type type)
    {
        for (var candidate = type; candidate is not null; candidate = candidate.BaseType)
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(Input<>))
            {
                var outputType = typeof(Output<>).MakeGenericType(candidate.GetGenericArguments()[0]);
                return candidate.GetMethods(BindingFlags.Public | BindingFlags.Static)
                    .First(method => method.Name == "op_Implicit" && method.ReturnType == outputType);
            }

        return null;
    }

    public static object? UnwrapUnion(object? value) =>
        value is not null && value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(Union<,>)
            ? value.GetType().GetProperty(nameof(Union<int, int>.Value))!.GetValue(value)
            : value;
}

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

    public static Task<(bool Known, bool Secret, object? Value)> ReadAsync(object output) =>
        (Task<(bool, bool, object?)>)Read.MakeGenericMethod(output.GetType().GetGenericArguments()[0]).Invoke(null, [output])!;

    public static Task<ImmutableHashSet<Resource>> DependenciesAsync(object output) =>
        (Task<ImmutableHashSet<Resource>>)Dependencies.MakeGenericMethod(output.GetType().GetGenericArguments()[0]).Invoke(null, [output])!;

    static async Task<(bool, bool, object?)> ReadTyped<T>(Output<T> output) =>
        (await OutputUtilities.GetIsKnownAsync(output), await Output.IsSecretAsync(output), await OutputUtilities.GetValueAsync(output));

    static Task<ImmutableHashSet<Resource>> DependenciesTyped<T>(Output<T> output) => OutputUtilities.GetDependenciesAsync(output);

    /// <summary>An Output as it is; an Input (InputList, InputMap, InputUnion...) through its implicit conversion; else null.</summary>
    public static object? AsOutput(object value)
    {
        var type = value.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Output<>))
            return value;
        for (var candidate = type; candidate is not null; candidate = candidate.BaseType)
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == typeof(Input<>))
            {
                var outputType = typeof(Output<>).MakeGenericType(candidate.GetGenericArguments()[0]);
                return candidate.GetMethods(BindingFlags.Public | BindingFlags.Static)
                    .First(method => method.Name == "op_Implicit" && method.ReturnType == outputType)
                    .Invoke(null, [value]);
            }

        return null;
    }

    public static object? UnwrapUnion(object? value) =>
        value is not null && value.GetType().IsGenericType && value.GetType().GetGenericTypeDefinition() == typeof(Union<,>)
            ? value.GetType().GetProperty(nameof(Union<int, int>.Value))!.GetValue(value)
            : value;
}

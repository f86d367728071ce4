using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Pulumi.Serialization;

/// <summary>Builds the typed value of an output (scalars, ImmutableArray, ImmutableDictionary, enum structs
/// and [OutputType] classes) from what a mock returned.</summary>
internal static class Converter
{
    static readonly ConcurrentDictionary<Type, ConstructorInfo> OutputConstructors = new();

    public static object? Convert(Type target, object? value)
    {
        var underlying = Nullable.GetUnderlyingType(target);
        if (value is null)
            return target.IsValueType && underlying is null ? Activator.CreateInstance(target) : null;
        target = underlying ?? target;

        if (target == typeof(object))
            return value;
        if (target == typeof(string))
            return value as string ?? System.Convert.ToString(value, CultureInfo.InvariantCulture);
        if (target == typeof(bool))
            return value is string text ? bool.Parse(text) : System.Convert.ToBoolean(value, CultureInfo.InvariantCulture);
        if (target == typeof(int))
            return System.Convert.ToInt32(value, CultureInfo.InvariantCulture);
        if (target == typeof(double))
            return System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (target == typeof(JsonElement))
            return JsonSerializer.SerializeToElement(value);
        if (target.IsDefined(typeof(EnumTypeAttribute), false))
            return Activator.CreateInstance(target, BindingFlags.Instance | BindingFlags.NonPublic, null, [value.ToString()], null);
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
            return ToImmutableArray(target.GetGenericArguments()[0], value);
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(ImmutableDictionary<,>))
            return ToImmutableDictionary(target.GetGenericArguments()[1], value);
        if (target.IsDefined(typeof(OutputTypeAttribute), false))
            return ToOutputType(target, value);
        if (target.IsInstanceOfType(value))
            return value;
        throw new InvalidCastException($"Expected {target.Name}, got {value.GetType().Name}.");
    }

    static readonly MethodInfo ArrayOf = typeof(Converter).GetMethod(nameof(ToArray), BindingFlags.Static | BindingFlags.NonPublic)!;
    static readonly MethodInfo MapOf = typeof(Converter).GetMethod(nameof(ToMap), BindingFlags.Static | BindingFlags.NonPublic)!;

    static object ToImmutableArray(Type element, object value)
    {
        if (value is not IEnumerable items || value is string)
            throw new InvalidCastException($"Expected a list, got {value.GetType().Name}.");
        return ArrayOf.MakeGenericMethod(element).Invoke(null, [items])!;
    }

    static object ToImmutableDictionary(Type valueType, object value)
    {
        if (value is not IDictionary entries)
            throw new InvalidCastException($"Expected a map, got {value.GetType().Name}.");
        return MapOf.MakeGenericMethod(valueType).Invoke(null, [entries])!;
    }

    static ImmutableArray<T> ToArray<T>(IEnumerable items) =>
        [.. items.Cast<object?>().Select(item => (T)Convert(typeof(T), item)!)];

    static ImmutableDictionary<string, T> ToMap<T>(IDictionary entries)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, T>();
        foreach (DictionaryEntry entry in entries)
            builder[(string)entry.Key] = (T)Convert(typeof(T), entry.Value)!;
        return builder.ToImmutable();
    }

    static object ToOutputType(Type target, object value)
    {
        if (value is not IDictionary fields)
            throw new InvalidCastException($"Expected an object for {target.Name}, got {value.GetType().Name}.");
        var constructor = OutputConstructors.GetOrAdd(target, static type =>
            type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Single(candidate => candidate.IsDefined(typeof(OutputConstructorAttribute), false)));
        var arguments = constructor.GetParameters()
            .Select(parameter => Convert(parameter.ParameterType, fields.Contains(parameter.Name!) ? fields[parameter.Name!] : null))
            .ToArray();
        return constructor.Invoke(arguments);
    }
}

using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Reflection;
using System.Text.Json;

namespace Pulumi.Serialization;

/// <summary>Turns an args object into the dictionary a mock receives: keyed by [Input] names, outputs
/// awaited, numbers as double, lists as ImmutableArray&lt;object&gt;, objects and maps as dictionaries,
/// unknown and null values left out.</summary>
internal static class InputSerializer
{
    internal sealed record Result(ImmutableDictionary<string, object> Values, ImmutableHashSet<Resource> Resources,
        bool AnySecret, bool AnyUnknown);

    sealed record Member(string WireName, string MemberName, bool Required, bool Json, Func<object, object?> Get);

    sealed class Context
    {
        public ImmutableHashSet<Resource> Resources = ImmutableHashSet<Resource>.Empty;
        public bool AnySecret;
        public bool AnyUnknown;
    }

    static readonly ConcurrentDictionary<Type, Member[]> MembersByType = new();

    public static async Task<Result> SerializeAsync(InputArgs args)
    {
        var context = new Context();
        var values = await SerializeArgsAsync(args, context).ConfigureAwait(false);
        return new Result(values, context.Resources, context.AnySecret, context.AnyUnknown);
    }

    static Member[] MembersOf(Type type) => MembersByType.GetOrAdd(type, static type =>
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var fields = type.GetFields(flags).Select(field => (member: (MemberInfo)field, get: (Func<object, object?>)field.GetValue));
        var properties = type.GetProperties(flags).Select(property => (member: (MemberInfo)property, get: (Func<object, object?>)property.GetValue));
        return [.. fields.Concat(properties)
            .Select(pair => (pair.member, pair.get, attribute: pair.member.GetCustomAttribute<InputAttribute>()))
            .Where(triple => triple.attribute is not null)
            .Select(triple => new Member(triple.attribute!.Name, triple.member.Name, triple.attribute.IsRequired,
                triple.attribute.Json, triple.get))];
    });

    static async Task<ImmutableDictionary<string, object>> SerializeArgsAsync(InputArgs args, Context context)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, object>();
        foreach (var member in MembersOf(args.GetType()))
        {
            var raw = member.Get(args);
            if (raw is null)
            {
                if (member.Required)
                    throw new ArgumentNullException(member.MemberName,
                        $"[Input] {args.GetType().FullName}.{member.MemberName} is required but was not given a value");
                continue;
            }

            var (value, known) = await SerializeValueAsync(raw, context).ConfigureAwait(false);
            if (!known)
            {
                context.AnyUnknown = true;
                continue;
            }

            if (value is not null)
                builder[member.WireName] = member.Json ? JsonSerializer.Serialize(value) : value;
        }

        return builder.ToImmutable();
    }

    static async Task<(object? Value, bool Known)> SerializeValueAsync(object? raw, Context context)
    {
        switch (raw)
        {
            case null:
                return (null, true);
            case IInput input:
                return await SerializeValueAsync(input.ToUntypedOutput(), context).ConfigureAwait(false);
            case IOutput output:
                var data = await output.GetDataAsync().ConfigureAwait(false);
                context.Resources = context.Resources.Union(data.Resources);
                context.AnySecret |= data.IsSecret;
                return data.IsKnown ? await SerializeValueAsync(data.Value, context).ConfigureAwait(false) : (null, false);
            case string or bool or AssetOrArchive or Resource:
                return (raw, true);
            case int or long or double or float or decimal or short or byte:
                return (Convert.ToDouble(raw, System.Globalization.CultureInfo.InvariantCulture), true);
            case IUnion union:
                return await SerializeValueAsync(union.Value, context).ConfigureAwait(false);
            case InputArgs args:
                return (await SerializeArgsAsync(args, context).ConfigureAwait(false), true);
            case IDictionary dictionary:
                var map = ImmutableDictionary.CreateBuilder<string, object>();
                foreach (DictionaryEntry entry in dictionary)
                {
                    var (value, known) = await SerializeValueAsync(entry.Value, context).ConfigureAwait(false);
                    if (!known)
                        return (null, false);
                    if (value is not null)
                        map[(string)entry.Key] = value;
                }
                return (map.ToImmutable(), true);
            case IEnumerable items:
                var list = ImmutableArray.CreateBuilder<object>();
                foreach (var item in items)
                {
                    var (value, known) = await SerializeValueAsync(item, context).ConfigureAwait(false);
                    if (!known)
                        return (null, false);
                    if (value is not null)
                        list.Add(value);
                }
                return (list.ToImmutable(), true);
            default:
                return raw.GetType().IsDefined(typeof(EnumTypeAttribute), false) ? (raw.ToString(), true) : (raw, true);
        }
    }
}

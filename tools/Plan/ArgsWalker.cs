using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using Pulumi;

namespace Infra.Plan;

/// <summary>Reads an args object the way the engine would, through its [Input] members: which inputs are
/// secret, and which resources' outputs flow into them (the deployment-graph edges).</summary>
internal static class ArgsWalker
{
    public sealed record Result(IReadOnlySet<string> SecretPaths, IReadOnlySet<Resource> Dependencies);

    const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    public static async Task<Result> WalkAsync(ResourceArgs args)
    {
        var secrets = new HashSet<string>();
        var dependencies = new HashSet<Resource>();
        foreach (var (name, value) in InputMembers(args))
        {
            if (await WalkAsync(value, dependencies))
                secrets.Add(name);
        }

        return new Result(secrets, dependencies);
    }

    /// <summary>Collects the resources behind a value and everything nested in it; true when it is secret.</summary>
    static async Task<bool> WalkAsync(object? value, HashSet<Resource> dependencies)
    {
        if (value is null || value is string || value.GetType().IsPrimitive)
            return false;
        var secret = false;
        if (OutputReader.AsOutput(value) is { } output)
        {
            var (known, isSecret, plain) = await OutputReader.ReadAsync(output);
            dependencies.UnionWith(await OutputReader.DependenciesAsync(output));
            secret = isSecret;
            value = known ? plain : null;
        }

        switch (OutputReader.UnwrapUnion(value))
        {
            case InputArgs nested:
                foreach (var (_, member) in InputMembers(nested))
                    secret |= await WalkAsync(member, dependencies);
                break;
            case IDictionary map:
                foreach (var item in map.Values)
                    secret |= await WalkAsync(item, dependencies);
                break;
            case IEnumerable items and not string:
                foreach (var item in items)
                    secret |= await WalkAsync(item, dependencies);
                break;
        }

        return secret;
    }

    // Per args type, read once: a plan walks every resource's args, a warm re-plan the same types again.
    static readonly ConcurrentDictionary<Type, (string Name, MemberInfo Member)[]> InputsByType = new();

    /// <summary>[Input] fields and properties with their wire names (the attribute's first constructor argument).</summary>
    static IEnumerable<(string Name, object? Value)> InputMembers(object args) =>
        InputsByType.GetOrAdd(args.GetType(), InputsOf)
            .Select(input => (input.Name, input.Member is FieldInfo field ? field.GetValue(args) : ((PropertyInfo)input.Member).GetValue(args)));

    static (string Name, MemberInfo Member)[] InputsOf(Type type)
    {
        var inputs = new List<(string, MemberInfo)>();
        IEnumerable<MemberInfo> members = [.. type.GetFields(Members), .. type.GetProperties(Members)];
        foreach (var member in members)
            if (member.GetCustomAttributesData().FirstOrDefault(data => data.AttributeType == typeof(InputAttribute))?.ConstructorArguments[0].Value is string name)
                inputs.Add((name, member));
        return [.. inputs];
    }
}

using System.Collections.Immutable;

namespace Pulumi.Utilities;

/// <summary>Reads what an output holds without waiting for an Apply that may never run.</summary>
public static class OutputUtilities
{
    public static async Task<T> GetValueAsync<T>(Output<T> output)
    {
        var data = await output.DataTask.ConfigureAwait(false);
        return data.IsKnown ? data.Value : default!;
    }

    public static async Task<bool> GetIsKnownAsync<T>(Output<T> output) =>
        (await output.DataTask.ConfigureAwait(false)).IsKnown;

    public static async Task<ImmutableHashSet<Resource>> GetDependenciesAsync<T>(Output<T> output) =>
        (await output.DataTask.ConfigureAwait(false)).Resources;

    public static Output<T> CreateUnknown<T>(T value) =>
        Output<T>.FromData(new OutputData<T>(value, false, false, ImmutableHashSet<Resource>.Empty));

    public static Output<T> CreateUnknown<T>(Func<Task<T>> valueFactory) =>
        new(UnknownAsync(valueFactory));

    public static Output<T> WithDependency<T>(Output<T> output, Resource resource) =>
        new(OutputData<T>.MapAsync(output.DataTask, data => data with { Resources = data.Resources.Add(resource) }));

    static async Task<OutputData<T>> UnknownAsync<T>(Func<Task<T>> valueFactory) =>
        new(await valueFactory().ConfigureAwait(false), false, false, ImmutableHashSet<Resource>.Empty);
}

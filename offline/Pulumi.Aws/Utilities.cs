namespace Pulumi.Aws;

internal static class Utilities
{
    /// <summary>Outputs the provider schema marks secret stay secret, as the generated SDK arranges.</summary>
    public static CustomResourceOptions WithSecretOutputs(CustomResourceOptions? options, params string[] names) =>
        CustomResourceOptions.Merge(new CustomResourceOptions { AdditionalSecretOutputs = [.. names] }, options);
}

using Infra.Components.Network;
using Infra.Configuration;
using Pulumi;

namespace Infra.Stacks;

/// <summary>The web application, read top to bottom like the architecture.</summary>
public static class WebStack
{
    /// <param name="options">Merged into every top-level component (tests use it to observe the graph).</param>
    public static async Task<IDictionary<string, object?>> RunAsync(ComponentResourceOptions? options = null)
    {
        var settings = StackSettings.Load();

        var network = await Network.CreateAsync("network", settings.Network, options, $"{StackSettings.Namespace}:network");

        return new Dictionary<string, object?>
        {
            ["vpcId"] = network.VpcId,
            ["availabilityZones"] = network.AvailabilityZones,
            ["publicSubnetIds"] = network.PublicSubnetIds,
            ["privateSubnetIds"] = network.PrivateSubnetIds,
        };
    }
}

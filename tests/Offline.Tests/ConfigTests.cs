using Moq;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace Offline.Tests;

[NonParallelizable]
public class ConfigTests
{
    [TearDown]
    public void Clear() => Environment.SetEnvironmentVariable("PULUMI_CONFIG", null);

    static Task Run(string json, Action<Config> read)
    {
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", json);
        return Deployment.TestAsync(new Mock<IMocks>().Object, EchoMocks.Deploy, () => read(new Config()));
    }

    [Test]
    public async Task Values_are_read_per_project_namespace_with_types_and_secrets()
    {
        string? name = null, missing = null;
        int? count = null;
        bool? flag = null;
        Output<string>? secret = null;
        Dictionary<string, int>? map = null;
        await Run("""{"proj:name":"web","proj:config:count":"3","proj:flag":"true","proj:password":"pw","proj:map":"{\"a\":1}"}""", config =>
        {
            (name, missing, count, flag) = (config.Get("name"), config.Get("absent"), config.GetInt32("count"), config.GetBoolean("flag"));
            secret = config.RequireSecret("password");
            map = config.GetObject<Dictionary<string, int>>("map");
        });
        Assert.That((name, missing, count, flag), Is.EqualTo(("web", (string?)null, (int?)3, (bool?)true)));
        Assert.That(map!["a"], Is.EqualTo(1));
        Assert.That(await Output.IsSecretAsync(secret!), Is.True);
        Assert.That(await OutputUtilities.GetValueAsync(secret!), Is.EqualTo("pw"));
    }

    [Test]
    public async Task Objects_can_be_read_with_serializer_options_and_as_secrets()
    {
        Point? point = null;
        Output<Point>? secret = null;
        await Run("""{"proj:point":"{\"x\":1,\"y\":2}"}""", config =>
        {
            point = config.RequireObject<Point>("point", new System.Text.Json.JsonSerializerOptions { PropertyNameCaseInsensitive = true });
            secret = config.GetSecretObject<Point>("point", new System.Text.Json.JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        });
        Assert.That(point, Is.EqualTo(new Point(1, 2)));
        Assert.That(await Output.IsSecretAsync(secret!), Is.True);
    }

    public sealed record Point(int X, int Y);

    [Test]
    public void A_missing_required_key_names_project_and_key()
    {
        var error = Assert.ThrowsAsync<RunException>(() => Run("{}", config => config.Require("size")));
        Assert.That(error!.Message, Does.StartWith("Missing Required configuration variable 'proj:size'"));
    }

    [Test]
    public void A_value_of_the_wrong_type_names_key_value_and_type()
    {
        var error = Assert.ThrowsAsync<RunException>(() => Run("""{"proj:size":"big"}""", config => config.GetInt32("size")));
        Assert.That(error!.Message, Is.EqualTo("Configuration 'proj:size' value 'big' is not a valid Int32"));
    }

    [Test]
    public async Task Other_namespaces_are_read_with_their_own_name()
    {
        string? region = null;
        await Run("""{"aws:region":"eu-west-1"}""", _ => region = new Config("aws").Get("region"));
        Assert.That(region, Is.EqualTo("eu-west-1"));
    }
}

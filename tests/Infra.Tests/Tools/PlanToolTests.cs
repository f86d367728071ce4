using System.Text.Json;
using Infra.Plan;
using Infra.Tests.Stacks;

namespace Infra.Tests.Tools;

public class PlanToolTests
{
    static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Lines of the stand-in certificate the plan uses for the dev stack's secure keys.</summary>
    static IEnumerable<string> SecretLines =>
        new[] { StackFile.PlaceholderCertificate.Value.PrivateKeyPem, StackFile.PlaceholderCertificate.Value.CertificatePem }
            .SelectMany(pem => pem.Split('\n')).Where(line => line.Length > 20 && !line.StartsWith("-----", StringComparison.Ordinal));

    [TestCase("dev", "tree")]
    [TestCase("dev", "json")]
    [TestCase("dev", "mermaid")]
    [TestCase("prod", "tree")]
    [TestCase("prod", "json")]
    [TestCase("prod", "mermaid")]
    public async Task Every_format_renders_both_stacks_without_any_secret(string stack, string format)
    {
        var (code, output, error) = await Run("plan", stack, "--format", format);
        Assert.That((code, error), Is.EqualTo((0, "")));
        foreach (var line in SecretLines)
            Assert.That(output, Does.Not.Contain(line));
        var expected = format switch { "tree" => $"pulumi:pulumi:Stack infra-{stack}", "json" => "\"resources\"", _ => "flowchart LR" };
        Assert.That(output, Does.Contain(expected));
    }

    [Test]
    public async Task The_tree_nests_resources_shows_key_settings_outputs_and_a_summary()
    {
        var (_, output, _) = await Run("plan", "prod");
        Assert.That(output, Does.Contain("├── + infra:network:Network network"));
        Assert.That(output, Does.Contain("│   ├── + aws:ec2/subnet:Subnet network-public-us-east-1a  10.10.0.0/24  us-east-1a"));
        Assert.That(output, Does.Contain("aws:autoscaling/group:Group web  min=2  desired=2  max=6  health=ELB  cooldown=120"));
        Assert.That(output, Does.Contain("siteUrl: https://www.example.com"));
        Assert.That(output, Does.Match(@"155 resources to create \(network 44, web-lb 15, assets 41, jobs 5, monitoring 16, web 22, worker 12\), about \$426 a month at desired capacity in \d+\.\d\d s"));
        var escape = output.IndexOf('\u001b');
        Assert.That(escape, Is.EqualTo(-1), escape < 0 ? "" : output.Substring(Math.Max(0, escape - 80), 120));
    }

    [Test]
    public async Task The_json_plan_has_the_documented_shape_and_a_consistent_graph()
    {
        var (_, output, _) = await Run("plan", "dev", "--format", "json");
        var root = JsonDocument.Parse(output).RootElement;
        Assert.That(root.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "project", "stack", "sdk", "region", "resources", "outputs", "diagnostics", "cost", "findings" }));
        Assert.That((root.GetProperty("project").GetString(), root.GetProperty("stack").GetString()), Is.EqualTo(("infra", "dev")));
        Assert.That(root.GetProperty("sdk").GetString(), Is.AnyOf("NuGet", "Offline"));
        var resources = root.GetProperty("resources").EnumerateArray().ToList();
        var urns = resources.Select(r => r.GetProperty("urn").GetString()).ToHashSet();
        const string stackUrn = "urn:pulumi:dev::infra::pulumi:pulumi:Stack::infra-dev";
        foreach (var resource in resources)
        {
            Assert.That(resource.EnumerateObject().Select(p => p.Name),
                Is.EqualTo(new[] { "urn", "type", "name", "parent", "provider", "dependsOn", "protect", "inputs", "outputs", "secretDigests" }));
            Assert.That(resource.GetProperty("parent").GetString(), Is.EqualTo(stackUrn).Or.AnyOf(urns.ToArray()));
            Assert.That(resource.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()), Is.SubsetOf(urns));
            Assert.That(resource.GetProperty("protect").ValueKind, Is.AnyOf(JsonValueKind.True, JsonValueKind.False));
            Assert.That(resource.GetProperty("inputs").ValueKind, Is.EqualTo(JsonValueKind.Object));
        }

        Assert.That(resources.Select(r => r.GetProperty("type").GetString()), Does.Contain("infra:network:Network").And.Contain("infra:cdn:AssetDistribution"));
        var certificate = resources.Single(r => r.GetProperty("type").GetString() == "aws:iam/serverCertificate:ServerCertificate");
        Assert.That(certificate.GetProperty("inputs").GetProperty("privateKey").GetString(), Is.EqualTo("[secret]"));
        var nat = resources.Single(r => r.GetProperty("type").GetString() == "aws:ec2/natGateway:NatGateway");
        Assert.That(nat.GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()),
            Has.Some.EndsWith("aws:ec2/eip:Eip::network-nat-us-east-1a").And.Some.EndsWith("InternetGateway::network-igw"));
        Assert.That(root.GetProperty("diagnostics").EnumerateArray().Select(d => d.GetProperty("key").GetString()),
            Is.EquivalentTo(new[] { "infra:certificateBody", "infra:certificatePrivateKey" }));
        Assert.That(root.GetProperty("outputs").GetProperty("vpcId").GetString(), Does.StartWith("vpc-"));
        Assert.That(root.GetProperty("region").GetString(), Is.EqualTo("us-east-1"));
        Assert.That(root.GetProperty("findings").GetArrayLength(), Is.Zero);

        // A listener names its target group by the ARN the group computed: the graph's edges can be followed by value.
        var forward = resources.Single(r => r.GetProperty("name").GetString() == "web-lb-443").GetProperty("inputs")
            .GetProperty("defaultActions")[0].GetProperty("targetGroupArn").GetString();
        Assert.That(resources.Single(r => r.GetProperty("name").GetString() == "web-lb-8080").GetProperty("outputs").GetProperty("id").GetString(),
            Is.EqualTo(forward));
    }

    [Test]
    public async Task Urns_are_the_cli_engines_and_the_order_is_construction_order_on_every_run()
    {
        var plans = new List<PlanDocument>();
        for (var run = 0; run < 3; run++)
            plans.Add(await PlanRunner.RunAsync(Cli.ProjectDirectory(), "prod"));
        var plan = plans[0];

        // The CLI engine's rule: the parent chain's types without the root stack, '$'-joined, then type and name.
        Assert.That(plan.Resources.Select(resource => resource.Urn), Does.Contain(
            "urn:pulumi:prod::infra::infra:network:Network$aws:ec2/vpc:Vpc::network-vpc"));
        var certificate = plan.Resources.Single(resource => resource.Type == "aws:acm/certificate:Certificate");
        Assert.That(certificate.Provider, Does.StartWith(
            "urn:pulumi:prod::infra::infra:cdn:AssetDistribution$pulumi:providers:aws::assets-us-east-1::"));
        foreach (var resource in plan.Resources.Where(resource => resource.Parent != plan.StackUrn))
            Assert.That(resource.Urn, Does.StartWith(resource.Parent!.Split("::")[2] is var parentType
                ? $"urn:pulumi:prod::infra::{parentType}$" : ""), resource.Name);

        Assert.That(plan.Resources[0].Urn, Is.EqualTo("urn:pulumi:prod::infra::infra:network:Network::network"));
        foreach (var other in plans.Skip(1))
            Assert.That(other.Resources.Select(resource => resource.Urn), Is.EqualTo(plan.Resources.Select(resource => resource.Urn)));
    }

    [Test]
    public async Task An_unknown_stack_exits_1_and_names_the_stacks_there_are()
    {
        // A project of its own: the repository's folder holds whatever stack files a user added (the README's example).
        using var project = ProjectCopy.With("dev", "config: {}");
        File.WriteAllText(project.StackFile("prod"), "config: {}");
        var (code, output, error) = await Run("plan", "staging", "--project", project.Path);
        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error, Is.EqualTo("No stack 'staging': there is no Pulumi.staging.yaml. Stacks here: dev, prod.\n"));
    }

    [Test]
    public async Task Invalid_configuration_exits_1_with_every_message_and_nothing_else()
    {
        using var project = ProjectCopy.With("bad", """
            config:
              aws:region: us-east-1
              infra:network: { vpcCidr: 10.0.0.0/8, nat: Double }
              infra:web: { minSize: 5 }
            """);
        var (code, output, error) = await Run("plan", "bad", "--project", project.Path);
        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error, Does.StartWith("Invalid configuration ("));
        Assert.That(error, Does.Contain("infra:network.vpcCidr").And.Contain("infra:network.nat").And.Contain("infra:web.desiredCapacity"));
        Assert.That(error, Does.Not.Contain("   at "));
    }

    [Test]
    public async Task A_broken_stack_file_exits_1()
    {
        using var project = ProjectCopy.With("broken", "config: [unclosed");
        var (code, _, error) = await Run("plan", "broken", "--project", project.Path);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.Trim(), Is.EqualTo("Pulumi.broken.yaml:2:1: While parsing a flow sequence, did not find expected ',' or ']'."), "file, line and column");
    }

    /// <summary>Each form the YAML parser reports late, at the wrong place or not at all, exits 1 where it is.</summary>
    [TestCase("config:\n  aws:region: us-east-1\n  infra:network: {vpcCidr: 10.0.0.0/16\n  infra:web:\n    minSize: 1\n",
        "Pulumi.yaml-error.yaml:4:3: the { at line 3, column 18 is never closed")]
    [TestCase("config:\n  aws:region: us-east-1\n  infra:network:\n\tnat: Single\n", "Pulumi.yaml-error.yaml:4:1: a tab in the indentation: YAML indents with spaces only")]
    [TestCase("\tconfig:\n  aws:region: us-east-1\n", "Pulumi.yaml-error.yaml:1:1: a tab in the indentation: YAML indents with spaces only")]
    [TestCase("config:\n  aws:region: us-east-1\n  infra:network: *defaults\n", "Pulumi.yaml-error.yaml:3:18: *defaults refers to no anchor &defaults defined above it")]
    [TestCase("config:\n  aws:region: us-east-1\n  infra:tags:\n    ? [a, b]\n    : c\n", "Pulumi.yaml-error.yaml:4:7: a key must be a name, not a list")]
    [TestCase("config:\n  aws:region: us-east-1\n  aws:region: us-east-2\n", "Pulumi.yaml-error.yaml:3:3: Duplicate key aws:region")]
    public async Task Malformed_yaml_exits_1_at_its_line_and_column(string yaml, string message)
    {
        using var project = ProjectCopy.With("yaml-error", yaml);
        var (code, output, error) = await Run("plan", "yaml-error", "--project", project.Path);
        Assert.That((code, output, error.Trim()), Is.EqualTo((1, "", message)));
    }

    [Test]
    public async Task A_config_written_as_a_list_is_refused_where_it_stands()
    {
        using var project = ProjectCopy.With("listed", "config:\n  - aws:region: us-east-1\n");
        var (code, _, error) = await Run("plan", "listed", "--project", project.Path);
        Assert.That((code, error.Trim()), Is.EqualTo((1, "Pulumi.listed.yaml:2:3: config must be a mapping of keys to values, not a list")));
    }

    [Test]
    public async Task An_out_path_that_cannot_be_written_is_the_users_to_fix_exit_1_before_planning()
    {
        var target = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "missing", "plan.json");
        var (code, output, error) = await Run("plan", "dev", "--out", target);
        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error, Does.StartWith($"--out {target}: the folder ").And.EndWith(" does not exist.\n"));
    }

    /// <summary>A terminal that fails: a fault of the tool's surroundings, not of the stack.</summary>
    sealed class BrokenWriter : StringWriter
    {
        public override void Write(char value) => throw new InvalidOperationException("the terminal went away");
        public override void Write(string? value) => throw new InvalidOperationException("the terminal went away");
        public override Task WriteAsync(string? value) => throw new InvalidOperationException("the terminal went away");
    }

    [Test]
    public async Task An_internal_failure_exits_2_with_one_line_and_the_trace_only_when_verbose()
    {
        var error = new StringWriter();
        Assert.That(await Cli.RunAsync(["plan", "dev", "--format", "json"], new BrokenWriter(), error), Is.EqualTo(2));
        Assert.That(error.ToString().TrimEnd().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error.ToString(), Is.EqualTo("internal error: the terminal went away (run with --verbose for details)\n"));
        var verbose = new StringWriter();
        Assert.That(await Cli.RunAsync(["plan", "dev", "--format", "json", "--verbose"], new BrokenWriter(), verbose), Is.EqualTo(2));
        Assert.That(verbose.ToString(), Does.Contain("   at "));
    }

    static string Temporary(string name) => Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}-{name}");

    /// <summary>Every wrong argument is exit 1 with one line saying what is wrong, before any planning where it can be.</summary>
    [TestCase("plan dev --format markdown", "--format markdown is a diff: give --base <git ref> or --base-plan <plan.json> to compare with.")]
    [TestCase("plan dev --format mermaid --base-plan p.json", "--format mermaid draws a plan, not a diff: leave out --base and --base-plan.")]
    [TestCase("plan dev --base main --base-plan p.json", "--base and --base-plan: give one of them, not both.")]
    [TestCase("plan dev --project {tmp}/missing", "--project {tmp}/missing: no such folder.")]
    [TestCase("simulate prod --scenario spike --hours -3", "--hours -3: must be a number of hours from 1/60 (a minute) to 744 (31 days).")]
    [TestCase("simulate prod --scenario spike --hours NaN", "--hours NaN: must be a number of hours from 1/60 (a minute) to 744 (31 days).")]
    [TestCase("simulate prod --scenario spike --chart {tmp}/x.jpg", "--chart {tmp}/x.jpg: the chart is .svg or .png; end the file name with one of them.")]
    [TestCase("simulate prod --scenario spike --chart {tmp}/missing/x.svg", "--chart {tmp}/missing/x.svg: the folder {tmp}/missing does not exist.")]
    [TestCase("simulate prod --scenario spike --chart {tmp}/in-the-way.svg", "--chart {tmp}/in-the-way.svg: a folder of that name is in the way; name a file.")]
    [TestCase("simulate prod --trace {tmp}/negative.csv", "{tmp}/negative.csv:3: rps -5 is negative; a load is 0 or more")]
    [TestCase("simulate prod --trace {tmp}", "--trace {tmp}: cannot be read (")]
    public async Task A_wrong_argument_exits_1_with_one_line(string command, string message)
    {
        var folder = Directory.CreateTempSubdirectory("arguments-").FullName;
        File.WriteAllText(Path.Combine(folder, "negative.csv"), "t,rps\n0,100\n60,-5\n");
        Directory.CreateDirectory(Path.Combine(folder, "in-the-way.svg"));
        var (code, output, error) = await Run(command.Replace("{tmp}", folder, StringComparison.Ordinal).Split(' '));
        Directory.Delete(folder, recursive: true);
        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error, Does.StartWith(message.Replace("{tmp}", folder, StringComparison.Ordinal)));
        Assert.That(error.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), error);
    }

    [Test]
    public async Task A_base_git_does_not_know_exits_1_and_says_so()
    {
        var (code, output, error) = await Run("plan", "dev", "--base", "no-such-ref-anywhere");
        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error, Does.Match("^--base no-such-ref-anywhere: git knows no branch, tag or commit of that name in .+\n$"));
    }

    /// <summary>The README's example: the table for a log (trimmed, JSON-style booleans) and one SVG document.</summary>
    [Test]
    public async Task Simulate_writes_its_table_and_one_svg_document()
    {
        var svg = Temporary("spike.svg");
        var (code, output, error) = await Run("simulate", "prod", "--scenario", "spike", "--chart", svg);
        Assert.That((code, error), Is.EqualTo((0, $"Wrote the chart to {svg}.\n")));
        Assert.That(output, Does.Contain("prod, scenario spike: 24 h in 10 s steps"));
        AssertPlainText(output);
        Assert.That(System.Xml.Linq.XDocument.Load(svg).Root!.Name.LocalName, Is.EqualTo("svg"));
        File.Delete(svg);
    }

    /// <summary>Text for files and logs: lines end with their content, and booleans read as in JSON.</summary>
    static void AssertPlainText(string output)
    {
        Assert.That(output.Split('\n').Where(line => line.EndsWith(' ')), Is.Empty);
        Assert.That(output, Does.Not.Match(@"\b(True|False)\b"));
    }

    [Test]
    public async Task The_cost_table_ends_each_line_with_its_content()
    {
        var (code, output, _) = await Run("cost", "prod");
        Assert.That(code, Is.Zero);
        AssertPlainText(output);
    }

    [Test]
    public async Task The_cert_helper_writes_a_valid_pair_and_prints_the_secret_config_commands()
    {
        using var project = ProjectCopy.With("dev", "config: {}");
        var (code, output, _) = await Run("cert", "dev", "--domain", "dev.example.com", "--project", project.Path);
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("pulumi config set --stack dev --secret infra:certificatePrivateKey -- \"$(cat .certs/dev/private-key.pem)\""));
        var folder = Path.Combine(project.Path, ".certs", "dev");
        if (!OperatingSystem.IsWindows())
            Assert.That(File.GetUnixFileMode(Path.Combine(folder, "private-key.pem")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        var args = new Infra.Components.LoadBalancing.CertificateArgs
        {
            Body = new(File.ReadAllText(Path.Combine(folder, "certificate.pem")), "infra:certificateBody"),
            PrivateKey = new(File.ReadAllText(Path.Combine(folder, "private-key.pem")), "infra:certificatePrivateKey"),
        };
        Assert.That(new Infra.Components.LoadBalancing.WebLoadBalancerArgs { Certificate = args }.Validate(), Is.Empty);
    }

    /// <summary>A throwaway project folder: Pulumi.yaml plus one stack file.</summary>
    [TestCase("nostack", "--domain", "dev.example.com", "No stack 'nostack': there is no Pulumi.nostack.yaml")]
    [TestCase("arn", "--domain", "dev.example.com", "Stack 'arn' uses infra:loadBalancer.certificateArn")]
    [TestCase("dev", "--domain", "not a domain", "--domain 'not a domain' is not a host name")]
    [TestCase("dev", "--days", "0", "--days 0: must be 1 to 825")]
    public async Task The_cert_helper_refuses_what_it_cannot_serve(string stack, string option, string value, string message)
    {
        using var project = ProjectCopy.With("dev", "config: {}");
        File.WriteAllText(System.IO.Path.Combine(project.Path, "Pulumi.arn.yaml"),
            "config:\n  infra:loadBalancer: { certificateArn: arn:aws:acm:us-east-1:123456789012:certificate/6f1c2b9e-2d4a-4c8e-9b7a-3e5f1a2b4c6d }\n");
        string[] args = option == "--domain" ? ["cert", stack, "--domain", value] : ["cert", stack, "--domain", "dev.example.com", option, value];
        var (code, output, error) = await Run([.. args, "--project", project.Path]);
        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error, Does.StartWith(message));
        Assert.That(Directory.Exists(System.IO.Path.Combine(project.Path, ".certs")), Is.False);
    }

    [Test]
    public async Task The_cert_helper_never_overwrites_a_key_without_force()
    {
        using var project = ProjectCopy.With("dev", "config: {}");
        Assert.That((await Run("cert", "dev", "--domain", "dev.example.com", "--project", project.Path)).Code, Is.Zero);
        var key = System.IO.Path.Combine(project.Path, ".certs", "dev", "private-key.pem");
        var first = File.ReadAllText(key);
        var (code, _, error) = await Run("cert", "dev", "--domain", "dev.example.com", "--project", project.Path);
        Assert.That((code, File.ReadAllText(key)), Is.EqualTo((1, first)));
        Assert.That(error, Does.Contain("pass --force to replace them"));
        Assert.That((await Run("cert", "dev", "--domain", "dev.example.com", "--force", "--project", project.Path)).Code, Is.Zero);
        Assert.That(File.ReadAllText(key), Is.Not.EqualTo(first));
    }

    /// <summary>A writer the watch's thread writes to while the test reads it.</summary>
    sealed class SharedWriter : StringWriter
    {
        public override void Write(char value)
        {
            lock (this)
                base.Write(value);
        }

        public override void Write(string? value)
        {
            lock (this)
                base.Write(value);
        }

        public override string ToString()
        {
            lock (this)
                return base.ToString();
        }
    }

    static async Task Until(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(2))
                Assert.Fail($"gave up waiting for {what}");
            await Task.Delay(50);
        }
    }

    [Test]
    public async Task Watch_plans_then_prints_what_a_saved_stack_file_changes_and_stops_cleanly()
    {
        var yaml = File.ReadAllText(Path.Combine(StackRun.ProjectDirectory, "Pulumi.prod.yaml"));
        using var project = ProjectCopy.With("prod", yaml);
        var (output, error) = (new SharedWriter(), new SharedWriter());
        using var stop = new CancellationTokenSource();
        var watching = Watch.RunAsync(project.Path, "prod", output, error, terminal: false, stop.Token);
        try
        {
            await Until(() => output.ToString().Contains("resources to create", StringComparison.Ordinal), "the first plan");
            File.WriteAllText(project.StackFile("prod"), yaml.Replace("instanceType: m7i.large", "instanceType: m7i.xlarge", StringComparison.Ordinal));
            await Until(() => output.ToString().Contains("\"m7i.large\" → \"m7i.xlarge\"", StringComparison.Ordinal), "the diff");
        }
        finally
        {
            stop.Cancel();
        }

        Assert.That(await watching, Is.Zero);
        Assert.That(output.ToString(), Does.Contain("Pulumi.prod.yaml: planned in "));
        Assert.That(error.ToString(), Does.EndWith("Stopped watching.\n"));
    }

    [TestCase("plan", "prod", "--watch", "--format", "json")]
    [TestCase("bench", "--empty-app", "/nonexistent/empty")]
    public async Task Options_that_do_not_fit_exit_1_with_one_line(params string[] args)
    {
        var (code, output, error) = await Run(args);
        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), error);
    }
}

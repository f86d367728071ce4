using System.Text.Json;
using System.Text.Json.Nodes;
using Infra.Plan;
using Infra.Plan.Diff;
using Infra.Tests.Stacks;

namespace Infra.Tests.Tools;

/// <summary>What a change does, from two plans of the same stack: the committed file before, the changed one after.</summary>
public class PlanDiffTests
{
    static readonly Lazy<Task<PlanDocument>> Dev = new(() => StackRun.CommittedPlanAsync("dev"));
    static readonly Lazy<Task<PlanDocument>> Prod = new(() => StackRun.CommittedPlanAsync("prod"));

    static Func<Dictionary<string, string>, Dictionary<string, string>> Set(string key, string path, JsonNode value) => config =>
    {
        var root = JsonNode.Parse(config.GetValueOrDefault(key) ?? "{}")!.AsObject();
        root[path] = value;
        config[key] = root.ToJsonString();
        return config;
    };

    static async Task<PlanDiff> DevWith(Func<Dictionary<string, string>, Dictionary<string, string>> change) =>
        PlanDiff.Between(await Dev.Value, await PlanRunner.RunAsync(StackRun.ProjectDirectory, "dev", change));

    /// <summary>dev with a new VPC CIDR: planned once for the tests that read it.</summary>
    static readonly Lazy<Task<PlanDiff>> NewVpc = new(() => DevWith(Set("infra:network", "vpcCidr", "10.30.0.0/16")));

    static ResourceChange Single(PlanDiff diff, string type, string name) => diff.Changes.Single(change => change.Type == type && change.Name == name);

    [Test]
    public async Task Identical_plans_have_no_changes()
    {
        var diff = PlanDiff.Between(await Dev.Value, await PlanRunner.RunAsync(StackRun.ProjectDirectory, "dev"));
        Assert.That(diff.Changes, Is.Empty);
        Assert.That(diff.Summary.ToString(), Is.EqualTo($"no changes ({(await Dev.Value).Resources.Count} resources unchanged)"));
    }

    [Test]
    public async Task A_new_instance_type_updates_the_launch_template_and_says_the_group_will_refresh()
    {
        var diff = await DevWith(Set("infra:web", "instanceType", "t3.large"));
        var template = Single(diff, "aws:ec2/launchTemplate:LaunchTemplate", "web");
        Assert.That(template.Action, Is.EqualTo("update"));
        Assert.That(template.Inputs.Select(input => (input.Name, input.Old!.ToString(), input.New!.ToString(), input.ForcesReplacement)),
            Is.EqualTo(new[] { ("instanceType", "t3.small", "t3.large", false) }));
        Assert.That(template.Notes.Single(), Does.StartWith("starts an instance refresh").And.Contain("stops if a paging alarm"));
        Assert.That(diff.Changes, Has.Count.EqualTo(1), "nothing else changes");
        Assert.That(diff.Summary.ToString(), Does.StartWith("0 to create, 1 to update, 0 to replace, 0 to delete"));
    }

    [Test]
    public async Task A_new_vpc_cidr_replaces_the_vpc_and_every_subnet_and_what_refers_to_them()
    {
        var diff = await NewVpc.Value;
        var vpc = Single(diff, "aws:ec2/vpc:Vpc", "network-vpc");
        Assert.That((vpc.Action, vpc.Inputs.Single().Name, vpc.Inputs.Single().ForcesReplacement), Is.EqualTo(("replace", "cidrBlock", true)));
        var subnets = diff.Changes.Where(change => change.Type == "aws:ec2/subnet:Subnet").ToList();
        Assert.That(subnets.Select(change => change.Action).ToList(), Has.Count.EqualTo(4).And.All.EqualTo("replace"));
        Assert.That(subnets.All(subnet => subnet.Inputs.Any(input => input is { Name: "cidrBlock", ForcesReplacement: true })), Is.True);
        // The new VPC has a new id: the security groups follow, the launch templates get their new ids in place.
        Assert.That(Single(diff, "aws:ec2/securityGroup:SecurityGroup", "network-instances").Inputs.Single().Reason, Is.EqualTo("network-vpc is replaced"));
        Assert.That(Single(diff, "aws:ec2/launchTemplate:LaunchTemplate", "web").Action, Is.EqualTo("update"));
    }

    [Test]
    public async Task A_new_vpc_replaces_the_balancer_its_target_groups_and_listeners_because_AWS_cannot_move_them()
    {
        var diff = await NewVpc.Value;
        var balancer = Single(diff, "aws:lb/loadBalancer:LoadBalancer", "web-lb");
        Assert.That(balancer.Action, Is.EqualTo("replace"));
        var subnets = balancer.Inputs.Single(input => input.Name == "subnets");
        Assert.That((subnets.ForcesReplacement, subnets.Reason), Is.EqualTo((true,
            "network-vpc is replaced: network-public-us-east-1a moves to the new VPC, and a load balancer stays in the VPC it was created in")));
        var targetGroups = diff.Changes.Where(change => change.Type == "aws:lb/targetGroup:TargetGroup").ToList();
        Assert.That(targetGroups.Select(change => change.Action), Is.Not.Empty.And.All.EqualTo("replace"));
        Assert.That(targetGroups.Select(change => change.Inputs.Single(input => input.Name == "vpcId").Reason), Has.All.EqualTo("network-vpc is replaced"));
        Assert.That(diff.Changes.Where(change => change.Type == "aws:lb/listener:Listener").Select(change => change.Action), Is.Not.Empty.And.All.EqualTo("replace"));
        var endpoints = diff.Changes.Where(change => change.Type == "aws:ec2/vpcEndpoint:VpcEndpoint").ToList();
        Assert.That(endpoints.Select(change => change.Action), Is.Not.Empty.And.All.EqualTo("replace"));
        var tree = new StringWriter();
        TreeDiff.Render(diff, Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(tree) }));
        Assert.That(tree.ToString(), Does.Contain("+- aws:lb/loadBalancer:LoadBalancer web-lb"));
    }

    [Test]
    public void A_subnet_replaced_inside_its_own_vpc_moves_the_balancer_in_place()
    {
        // SetSubnets takes any subnets of the balancer's VPC: only a new VPC forces a new balancer.
        var binding = ReplacementTriggers.BoundToVpc("aws:lb/loadBalancer:LoadBalancer", "subnets");
        Assert.That((binding is not null, ReplacementTriggers.Forces("aws:lb/loadBalancer:LoadBalancer", "subnets")), Is.EqualTo((true, false)));
        Assert.That(ReplacementTriggers.BoundToVpc("aws:ec2/launchTemplate:LaunchTemplate", "vpcSecurityGroupIds"), Is.Null, "a launch template belongs to no VPC");
    }

    [Test]
    public void A_network_load_balancer_is_replaced_when_it_loses_a_subnet_or_gains_its_first_security_group()
    {
        const string type = "aws:lb/loadBalancer:LoadBalancer";
        var network = new JsonObject { ["loadBalancerType"] = "network" };
        JsonNode List(params string[] items) => new JsonArray([.. items.Select(item => (JsonNode)item)]);
        Assert.That(ReplacementTriggers.ForcesInShape(type, "subnets", network, List("subnet-a", "subnet-b"), List("subnet-a")), Is.True);
        Assert.That(ReplacementTriggers.ForcesInShape(type, "subnets", network, List("subnet-a"), List("subnet-a", "subnet-b")), Is.False, "adding is in place");
        Assert.That(ReplacementTriggers.ForcesInShape(type, "securityGroups", network, List(), List("sg-a")), Is.True);
        Assert.That(ReplacementTriggers.ForcesInShape(type, "securityGroups", network, List("sg-a"), List("sg-b")), Is.False);
        Assert.That(ReplacementTriggers.ForcesInShape(type, "subnets", new JsonObject { ["loadBalancerType"] = "application" }, List("subnet-a", "subnet-b"), List("subnet-a")),
            Is.False, "an application load balancer changes its subnets in place");
    }

    [Test]
    public async Task A_nested_change_shows_the_changed_leaf_with_its_path_and_nothing_is_cut()
    {
        var diff = await DevWith(Set("infra:loadBalancer", "healthCheck", new JsonObject { ["path"] = "/healthz" }));
        var group = Single(diff, "aws:lb/targetGroup:TargetGroup", "web-lb-8080");
        Assert.That(group.Inputs.Select(input => (input.Shown, input.Old!.ToString(), input.New!.ToString())),
            Is.EqualTo(new[] { ("healthCheck.path", "/health", "/healthz") }));
        Assert.That(MarkdownDiff.Render(diff), Does.Contain("`healthCheck.path`: `\"/health\"` → `\"/healthz\"`").And.Not.Contain("..."));
    }

    [Test]
    public void Leaves_of_policies_held_as_text_and_of_user_data_lines_are_shown_whole()
    {
        var policy = (JsonNode)"{\"Statement\":[{\"Action\":\"sqs:SendMessage\",\"Effect\":\"Allow\"}]}";
        var wider = (JsonNode)"{\"Statement\":[{\"Action\":[\"sqs:SendMessage\",\"sqs:ReceiveMessage\"],\"Effect\":\"Allow\"}]}";
        Assert.That(ChangedLeaves.Of("policy", policy, wider).Select(leaf => (leaf.Path, leaf.Old!.ToJsonString(), leaf.New!.ToJsonString())),
            Is.EqualTo(new[] { ("policy.Statement[0].Action", "\"sqs:SendMessage\"", "[\"sqs:SendMessage\",\"sqs:ReceiveMessage\"]") }));
        static JsonNode Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.That(ChangedLeaves.Of("userData", Base64("#!/bin/bash\nROLE=web\nDB_HOST=a\n"), Base64("#!/bin/bash\nROLE=web\nDB_HOST=b\n"))
            .Select(leaf => (leaf.Path, leaf.Old!.ToString(), leaf.New!.ToString())), Is.EqualTo(new[] { ("userData line 3", "DB_HOST=a", "DB_HOST=b") }));
    }

    [Test]
    public async Task A_removed_schedule_is_deleted()
    {
        var before = await Prod.Value;
        var after = await PlanRunner.RunAsync(StackRun.ProjectDirectory, "prod", config =>
        {
            var web = JsonNode.Parse(config["infra:web"])!.AsObject();
            web["schedules"]!.AsArray().RemoveAt(1);
            config["infra:web"] = web.ToJsonString();
            return config;
        });
        var diff = PlanDiff.Between(before, after);
        Assert.That(diff.Changes.Select(change => (Actions: change.Action, change.Name)), Is.EqualTo(new[] { ("delete", "web-weekday-evening") }));
        Assert.That(diff.Summary.Delete, Is.EqualTo(1));
    }

    [Test]
    public async Task A_renamed_resource_is_a_delete_and_a_create_matched_by_urn()
    {
        var before = await Dev.Value;
        var renamed = before.Resources.Select(resource => resource.Name == "web-cpu-high" && resource.Type.EndsWith("MetricAlarm", StringComparison.Ordinal)
            ? resource with { Urn = resource.Urn.Replace("::web-cpu-high", "::web-cpu-hot", StringComparison.Ordinal), Name = "web-cpu-hot" }
            : resource).ToList();
        var diff = PlanDiff.Between(before, before with { Resources = renamed });
        Assert.That(diff.Changes.Select(change => (change.Action, change.Name)), Is.EqualTo(new[] { ("create", "web-cpu-hot"), ("delete", "web-cpu-high") }));
    }

    [Test]
    public async Task A_changed_secret_shows_as_changed_without_its_value()
    {
        var text = File.ReadAllText(Path.Combine(StackRun.ProjectDirectory, "Pulumi.dev.yaml"));
        using var project = ProjectCopy.With("dev", text);
        var file = project.StackFile("dev");
        var before = await PlanRunner.RunAsync(project.Path, "dev");
        var rotated = text.IndexOf("infra:certificatePrivateKey:", StringComparison.Ordinal);
        const string placeholder = "v1:placeholder-replace-with-build-sh-cert";
        var at = text.IndexOf(placeholder, rotated, StringComparison.Ordinal);
        File.WriteAllText(file, text[..at] + "v1:rotated-key" + text[(at + placeholder.Length)..]);
        var diff = PlanDiff.Between(before, await PlanRunner.RunAsync(project.Path, "dev"));

        var certificate = Single(diff, "aws:iam/serverCertificate:ServerCertificate", "web-lb");
        var key = certificate.Inputs.Single(input => input.Name == "privateKey");
        Assert.That((certificate.Action, key.Old!.ToString(), key.New!.ToString(), key.ForcesReplacement), Is.EqualTo(("replace", "[secret]", "[changed]", true)));
        Assert.That(certificate.Inputs.Select(input => input.Name), Does.Not.Contain("certificateBody"), "only the rotated secret changed");
        var json = JsonDiff.Render(diff) + MarkdownDiff.Render(diff);
        Assert.That(json, Does.Not.Contain("PRIVATE KEY"));
    }

    [Test]
    public async Task The_json_diff_has_the_documented_shape()
    {
        var diff = await NewVpc.Value;
        var root = JsonDocument.Parse(JsonDiff.Render(diff)).RootElement;
        Assert.That(root.GetProperty("summary").EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "create", "update", "replace", "delete", "same" }));
        var vpc = root.GetProperty("changes").EnumerateArray().First(change => change.GetProperty("name").GetString() == "network-vpc");
        Assert.That(vpc.EnumerateObject().Select(p => p.Name), Is.EqualTo(new[] { "urn", "type", "name", "action", "inputs", "notes" }));
        var input = vpc.GetProperty("inputs")[0];
        Assert.That((input.GetProperty("name").GetString(), input.GetProperty("old").GetString(), input.GetProperty("new").GetString(), input.GetProperty("forcesReplacement").GetBoolean()),
            Is.EqualTo(("cidrBlock", "10.20.0.0/16", "10.30.0.0/16", true)));
    }

    [Test]
    public async Task The_markdown_diff_is_a_summary_table_then_one_folded_section_per_component()
    {
        var markdown = MarkdownDiff.Render(await DevWith(Set("infra:web", "instanceType", "t3.large")));
        var lines = markdown.Split('\n');
        Assert.That(lines[0], Does.StartWith("### `dev`: 0 to create, 1 to update"));
        Assert.That(lines[2], Does.StartWith("monthly estimate at desired capacity: $").And.EndWith("(+$45.55)"), "t3.small to t3.large: 0.0624 x 730 h");
        Assert.That(lines[4], Is.EqualTo("| create | update | replace | delete | unchanged |"));
        Assert.That(lines.Count(line => line.StartsWith("<details>", StringComparison.Ordinal)), Is.EqualTo(lines.Count(line => line == "</details>")).And.EqualTo(1));
        Assert.That(markdown, Does.Contain("<details><summary><b>web</b>: 1 update</summary>"));
        Assert.That(markdown, Does.Contain("| `~` | `aws:ec2/launchTemplate:LaunchTemplate` **web** | `instanceType`: `\"t3.small\"` → `\"t3.large\"`<br>_starts an instance refresh"));
    }

    [Test]
    public async Task Every_type_the_stacks_create_says_what_forces_its_replacement()
    {
        var types = (await Dev.Value).Resources.Concat((await Prod.Value).Resources).Select(resource => resource.Type).Distinct();
        Assert.That(types.Where(type => !ReplacementTriggers.Known(type)), Is.Empty);
    }

    [Test]
    public async Task The_cli_diffs_against_a_saved_plan_and_exits_0_with_no_changes()
    {
        var saved = Path.Combine(Path.GetTempPath(), $"base-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(saved, JsonPlan.Render(await Dev.Value));
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await Cli.RunAsync(["plan", "dev", "--base-plan", saved], output, error);
        File.Delete(saved);
        Assert.That((code, error.ToString()), Is.EqualTo((0, "")));
        Assert.That(output.ToString(), Does.Contain($"dev: no changes ({(await Dev.Value).Resources.Count} resources unchanged)\n"));
        Assert.That(output.ToString().TrimEnd(), Does.EndWith("(+$0.00)"));
    }
}

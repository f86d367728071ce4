using System.Text.RegularExpressions;
using Infra.Tests.Stacks;
using YamlDotNet.RepresentationModel;

namespace Infra.Tests.Tools;

/// <summary>The GitHub workflows (actionlint checks their syntax in .ci/run): third-party actions pinned by commit,
/// every job bounded in time, and the pull-request comment posted by the workflow that never runs the PR's code.</summary>
public class WorkflowTests
{
    static IEnumerable<(string File, YamlMappingNode Root)> Workflows() =>
        Directory.GetFiles(Path.Combine(StackRun.ProjectDirectory, ".github", "workflows"), "*.yml").Order().Select(path =>
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(path);
            stream.Load(reader);
            return (Path.GetFileName(path), (YamlMappingNode)stream.Documents[0].RootNode);
        });

    static IEnumerable<(string File, string Job, YamlMappingNode Body)> Jobs() =>
        Workflows().SelectMany(workflow => ((YamlMappingNode)workflow.Root["jobs"]).Children
            .Select(job => (workflow.File, ((YamlScalarNode)job.Key).Value!, (YamlMappingNode)job.Value)));

    [Test]
    public void Every_action_is_pinned_by_commit_sha()
    {
        var uses = Jobs().SelectMany(job => ((YamlSequenceNode)job.Body["steps"]).Children.Cast<YamlMappingNode>()
            .Where(step => step.Children.ContainsKey("uses")).Select(step => $"{job.File}: {step["uses"]}")).ToList();
        Assert.That(uses, Is.Not.Empty);
        Assert.That(uses.Where(use => !Regex.IsMatch(use, @"@[0-9a-f]{40}$")), Is.Empty);
    }

    /// <summary>A run step's shell: the step's own, else the job's or the workflow's defaults.run.shell.</summary>
    static IEnumerable<(string Where, string Shell, string Script)> RunSteps() =>
        Workflows().SelectMany(workflow => ((YamlMappingNode)workflow.Root["jobs"]).Children.SelectMany(job =>
        {
            var body = (YamlMappingNode)job.Value;
            static string? DefaultShell(YamlMappingNode node) =>
                node.Children.TryGetValue("defaults", out var defaults) && ((YamlMappingNode)defaults).Children.TryGetValue("run", out var run)
                && ((YamlMappingNode)run).Children.TryGetValue("shell", out var shell) ? shell.ToString() : null;
            var inherited = DefaultShell(body) ?? DefaultShell(workflow.Root) ?? "";
            return ((YamlSequenceNode)body["steps"]).Children.Cast<YamlMappingNode>().Where(step => step.Children.ContainsKey("run")).Select(step =>
                ($"{workflow.File}: {job.Key}: {(step.Children.TryGetValue("name", out var name) ? name : step["run"])}",
                    step.Children.TryGetValue("shell", out var shell) ? shell.ToString() : inherited, step["run"].ToString()));
        }));

    /// <summary>With no shell named, GitHub runs a step as `bash -e {0}`: a pipeline fails only when its last command
    /// does, so `pulumi preview | tee` is green when the preview fails. `shell: bash` runs it with `-eo pipefail`
    /// ("Workflow syntax for GitHub Actions", jobs.&lt;job_id&gt;.steps[*].shell).</summary>
    [Test]
    public void Every_step_that_pipes_a_command_fails_when_the_command_fails()
    {
        var piping = RunSteps().Where(step => Regex.IsMatch(step.Script, @"(?<!\|)\|(?!\|)")).ToList();
        Assert.That(piping.Select(step => step.Script), Has.Some.Contains("pulumi preview"), "the preview step is among those checked");
        Assert.That(piping.Where(step => step.Shell != "bash" && !Regex.IsMatch(step.Script, @"set -[a-z]*o pipefail"))
            .Select(step => step.Where), Is.Empty);
    }

    [Test]
    public void Every_job_has_a_timeout() =>
        Assert.That(Jobs().Where(job => !job.Body.Children.ContainsKey("timeout-minutes")).Select(job => $"{job.File}: {job.Job}"), Is.Empty);

    [Test]
    public void The_plan_diff_is_made_without_write_access_and_posted_by_workflow_run()
    {
        var pullRequest = Workflows().Single(workflow => workflow.File == "pull-request.yml").Root;
        Assert.That(((YamlMappingNode)pullRequest["permissions"])["contents"].ToString(), Is.EqualTo("read"));
        var diff = (YamlMappingNode)((YamlMappingNode)pullRequest["jobs"])["plan-diff"];
        Assert.That(diff.Children.ContainsKey("permissions"), Is.False, "inherits contents: read");
        Assert.That(diff.ToString(), Does.Contain("--base").And.Contain("--format markdown"));

        var comment = Workflows().Single(workflow => workflow.File == "plan-comment.yml").Root;
        Assert.That(((YamlMappingNode)comment["on"]).Children.ContainsKey("workflow_run"), Is.True);
        var job = (YamlMappingNode)((YamlMappingNode)comment["jobs"])["comment"];
        Assert.That(((YamlMappingNode)job["permissions"])["pull-requests"].ToString(), Is.EqualTo("write"));
        Assert.That(job.ToString(), Does.Not.Contain("actions/checkout"), "never checks out the pull request's code");
    }
}

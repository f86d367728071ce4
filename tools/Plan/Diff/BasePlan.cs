using System.Diagnostics;

namespace Infra.Plan.Diff;

/// <summary>The plan of a stack as it was at a git ref: the ref is checked out into a temporary worktree (the working
/// tree is left alone) and that version's own ./build.sh plans it, so code changes show as well as config changes.</summary>
public static class BasePlan
{
    public sealed class Failure(string message) : Exception(message);

    public static async Task<PlanDocument> AtAsync(string project, string reference, string stack)
    {
        var top = (await Git(project, "rev-parse", "--show-toplevel")).Trim();
        var relative = Path.GetRelativePath(top, project);
        var commit = await CommitAsync(project, reference);
        var worktree = Path.Combine(Path.GetTempPath(), $"infra-base-{Guid.NewGuid():N}");
        await Git(project, "worktree", "add", "--detach", "--quiet", worktree, commit);
        try
        {
            var baseProject = Path.GetFullPath(Path.Combine(worktree, relative));
            if (!File.Exists(Path.Combine(baseProject, $"Pulumi.{stack}.yaml")))
                return Empty(stack);
            var output = Path.Combine(worktree, "base-plan.json");
            var (code, log) = await RunAsync("bash", baseProject, Path.Combine(baseProject, "build.sh"), "plan", stack, "--format", "json", "--out", output);
            if (code != 0 || !File.Exists(output))
                throw new Failure($"{stack} at {reference} ({commit[..12]}) cannot be planned:\n{string.Join("\n", log.Split('\n').TakeLast(12))}");
            return JsonPlan.Parse(await File.ReadAllTextAsync(output));
        }
        finally
        {
            await Git(project, "worktree", "remove", "--force", worktree);
        }
    }

    /// <summary>The commit a ref names, or a failure that says git does not know it.</summary>
    public static async Task<string> CommitAsync(string project, string reference)
    {
        var (code, output) = await RunAsync("git", project, "rev-parse", "--verify", "--quiet", $"{reference}^{{commit}}");
        return code == 0 ? output.Trim()
            : throw new Failure($"--base {reference}: git knows no branch, tag or commit of that name in {(await Git(project, "rev-parse", "--show-toplevel")).Trim()}");
    }

    /// <summary>A stack that did not exist at the base: everything is created.</summary>
    static PlanDocument Empty(string stack) =>
        new("", stack, "", "", "", [], [], [], TimeSpan.Zero);

    static async Task<string> Git(string directory, params string[] args)
    {
        var (code, output) = await RunAsync("git", directory, args);
        return code == 0 ? output : throw new Failure($"git {string.Join(' ', args)}: {output.Trim()}");
    }

    static async Task<(int Code, string Output)> RunAsync(string program, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new Failure($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading.Channels;
using Spectre.Console;

namespace Infra.Plan;

/// <summary>plan --watch: one process that plans the stack, then re-plans whenever its stack file changes (warm, in
/// process) or the tool's build output does (`./build.sh build` or an IDE: the new build is loaded into a fresh
/// collectible context), and prints the diff against the previous plan. Ctrl-C ends it.</summary>
public static class Watch
{
    /// <summary>A plan as the watch needs it: its JSON for the next diff, and the tree people read.</summary>
    public delegate Task<(int Code, string Json, string Tree, string Errors)> Planner(string project, string stack, bool terminal);

    /// <summary>The entry point the watch calls, in this build or in a newer build loaded beside it: only types of
    /// the base library cross the boundary.</summary>
    public static async Task<(int Code, string Json, string Tree, string Errors)> PlanAsync(string project, string stack, bool terminal)
    {
        var errors = new StringWriter();
        var (document, code) = await Cli.PlanStackAsync(project, stack, null, errors, terminal, showProgress: false);
        if (document is null)
            return (code, "", "", errors.ToString());
        var tree = new StringWriter();
        TreePlan.Render(document, Cli.Console(tree, terminal, width: 200));
        return (code, JsonPlan.Render(document), tree.ToString(), "");
    }

    /// <summary>Where `dotnet build` (and `./build.sh build`) puts the tool: the build output watched.</summary>
    static string BuildOutput(string project) => Path.Combine(project, "tools", "Plan", "bin", "Release", "net10.0");

    public static async Task<int> RunAsync(string project, string stack, TextWriter output, TextWriter error, bool terminal, CancellationToken cancel)
    {
        var console = Cli.Console(output, terminal, width: 200);
        var changes = Channel.CreateUnbounded<string>();
        var stackFiles = new HashSet<string>(["Pulumi.yaml", $"Pulumi.{stack}.yaml"], StringComparer.Ordinal);
        using var stackWatcher = Watcher(project, "Pulumi.*", name => stackFiles.Contains(name), changes.Writer);
        var buildOutput = BuildOutput(project);
        Directory.CreateDirectory(buildOutput);
        using var buildWatcher = Watcher(buildOutput, "*.dll", _ => true, changes.Writer, reason: "the build output");

        Planner planner = PlanAsync;
        BuildContext? context = null;
        string? previous = null;
        await error.WriteLineAsync($"Watching Pulumi.{stack}.yaml and the build output ({Path.GetRelativePath(project, buildOutput)}); Ctrl-C to stop.");
        try
        {
            var reasons = new SortedSet<string>(StringComparer.Ordinal) { "start" };
            while (true)
            {
                if (reasons.Contains("the build output"))
                    (planner, context) = Reload(buildOutput, context, planner, console);
                previous = await ShowAsync(planner, project, stack, terminal, previous, string.Join(", ", reasons), console, error);
                reasons = [await changes.Reader.ReadAsync(cancel)];
                // A save or a build writes several files: wait until they settle.
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                while (true)
                {
                    quiet.CancelAfter(TimeSpan.FromMilliseconds(400));
                    try
                    {
                        reasons.Add(await changes.Reader.ReadAsync(quiet.Token));
                        quiet.TryReset();
                    }
                    catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await error.WriteLineAsync("Stopped watching.");
            context?.Unload();
            return Cli.Ok;
        }
    }

    static FileSystemWatcher Watcher(string folder, string filter, Func<string, bool> relevant, ChannelWriter<string> changes, string? reason = null)
    {
        var watcher = new FileSystemWatcher(folder, filter) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size };
        void Changed(string? name)
        {
            if (name is not null && relevant(name))
                changes.TryWrite(reason ?? name);
        }

        watcher.Changed += (_, args) => Changed(args.Name);
        watcher.Created += (_, args) => Changed(args.Name);
        watcher.Renamed += (_, args) => Changed(args.Name);
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    /// <summary>Plans and prints the first plan in full, then what changed since the previous one; returns the
    /// JSON of the newest plan (the previous one when this run failed).</summary>
    static async Task<string?> ShowAsync(Planner planner, string project, string stack, bool terminal, string? previous, string reason,
        IAnsiConsole console, TextWriter error)
    {
        var watch = Stopwatch.StartNew();
        var (code, json, tree, errors) = await planner(project, stack, terminal);
        console.MarkupLine($"[grey]{DateTime.Now:HH:mm:ss} {Markup.Escape(reason)}: planned in {watch.Elapsed.TotalSeconds:0.00} s[/]");
        if (code != Cli.Ok)
        {
            await error.WriteAsync(errors);
            return previous;
        }

        if (previous is null)
        {
            console.Profile.Out.Writer.Write(tree);
            return json;
        }

        var diff = Diff.PlanDiff.Between(JsonPlan.Parse(previous), JsonPlan.Parse(json));
        if (diff.Summary.Empty)
            console.MarkupLine(Markup.Escape($"{stack}: {diff.Summary}"));
        else
            Diff.TreeDiff.Render(diff, console);
        return json;
    }

    /// <summary>The planner of the newest build output, in a new context (the previous one is unloaded); the
    /// current planner while that output cannot be loaded (a build still writing it, or a failed one).</summary>
    static (Planner, BuildContext?) Reload(string folder, BuildContext? current, Planner planner, IAnsiConsole console)
    {
        BuildContext? context = null;
        try
        {
            context = new BuildContext(Path.Combine(folder, Path.GetFileName(typeof(Watch).Assembly.Location)));
            var entry = context.LoadFromAssemblyName(typeof(Watch).Assembly.GetName()).GetType(typeof(Watch).FullName!)
                ?.GetMethod(nameof(PlanAsync), BindingFlags.Public | BindingFlags.Static);
            if (entry is not null)
            {
                current?.Unload();
                return (entry.CreateDelegate<Planner>(), context);
            }

            console.MarkupLine("[yellow]The new build has no watch entry point; planning with the previous build.[/]");
        }
        catch (Exception exception) when (exception is IOException or BadImageFormatException or ArgumentException or InvalidOperationException)
        {
            console.MarkupLine($"[yellow]The new build cannot be loaded ({Markup.Escape(exception.Message)}); planning with the previous build.[/]");
        }

        context?.Unload();
        return (planner, current);
    }

    /// <summary>A build of the tool beside the running one: its own assemblies (and its own Pulumi engine) read
    /// into memory, so the next build can overwrite the files; the framework comes from the running process.</summary>
    sealed class BuildContext(string mainAssembly) : AssemblyLoadContext($"build {DateTime.Now:HH:mm:ss}", isCollectible: true)
    {
        readonly AssemblyDependencyResolver _resolver = new(mainAssembly);

        protected override Assembly? Load(AssemblyName name) =>
            _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromStream(new MemoryStream(File.ReadAllBytes(path))) : null;
    }
}

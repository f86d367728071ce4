using System.CommandLine;
using System.Globalization;
using Infra.Configuration;
using Pulumi;
using Spectre.Console;

namespace Infra.Plan;

/// <summary>plan | cost | check | simulate | dashboard | bench | cert | config-table. Exit codes: 0 done, 1 the stack or its configuration is wrong
/// (the messages say what), 2 the tool itself failed (one line; the stack trace with --verbose).</summary>
public static class Cli
{
    public const int Ok = 0, ConfigurationError = 1, InternalError = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool interactive = false)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Show the stack trace of an internal failure." };

        var stack = new Argument<string>("stack") { Description = "The stack: any name with a Pulumi.<stack>.yaml file." };
        var format = new Option<string>("--format") { Description = "tree (default), json, mermaid; with a base also markdown.", DefaultValueFactory = _ => "tree" };
        format.AcceptOnlyFromAmong("tree", "json", "mermaid", "markdown");
        var baseRef = new Option<string?>("--base") { Description = "Show what changes against the stack at this git ref (branch, tag, commit)." };
        var basePlan = new Option<FileInfo?>("--base-plan") { Description = "Show what changes against a saved JSON plan." };
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the plan to this file instead of the terminal." };
        var project = new Option<DirectoryInfo?>("--project") { Description = "The folder of Pulumi.yaml (default: found from the current folder up)." };
        var watch = new Option<bool>("--watch") { Description = "Keep planning: after each change of the stack file or of the tool's build output, print what changed." };
        var plan = new Command("plan", "Show what a stack will create, or with --base what a change does, without an AWS account or the Pulumi CLI.")
            { stack, format, outFile, project, baseRef, basePlan, watch, verbose };
        plan.SetAction((result, cancel) => Guard(result.GetValue(verbose), error, () =>
        {
            var folder = result.GetValue(project)?.FullName ?? ProjectDirectory();
            var baseline = new BaseChoice(result.GetValue(baseRef), result.GetValue(basePlan));
            return result.GetValue(watch)
                ? WatchAsync(folder, result.GetValue(stack)!, baseline.Any || result.GetValue(outFile) is not null || result.GetValue(format) != "tree",
                    output, error, interactive, cancel)
                : PlanAsync(folder, result.GetValue(stack)!, result.GetValue(format)!, result.GetValue(outFile), output, error, interactive, baseline);
        }));

        var emptyApp = new Option<FileInfo>("--empty-app") { Description = "An empty console app built like this tool (./build.sh bench builds tools/Bench/Empty).", Required = true };
        var bench = new Command("bench", "Time the plan, re-plan, diff, simulation and test suite of prod, each beside a baseline measured in the same run.")
            { emptyApp, verbose };
        bench.SetAction((result, _) => Guard(result.GetValue(verbose), error, () => BenchAsync(ProjectDirectory(), result.GetValue(emptyApp)!, output, error)));

        var certStack = new Argument<string>("stack") { Description = "The stack the certificate is for." };
        var domain = new Option<string>("--domain") { Description = "The host name the certificate covers.", Required = true };
        var days = new Option<int>("--days") { Description = "Days until it expires.", DefaultValueFactory = _ => 365 };
        var force = new Option<bool>("--force") { Description = "Replace a certificate and key written before." };
        var cert = new Command("cert", "Create a self-signed certificate and key for a dev stack and print the pulumi config commands.")
            { certStack, domain, days, force, project, verbose };
        cert.SetAction((result, _) => Guard(result.GetValue(verbose), error, () => Task.FromResult(CertCommand.Run(
            result.GetValue(project)?.FullName ?? ProjectDirectory(), result.GetValue(certStack)!, result.GetValue(domain)!, result.GetValue(days),
            result.GetValue(force), output, error))));

        var costStack = new Argument<string>("stack") { Description = "The stack to estimate." };
        var costFormat = new Option<string>("--format") { Description = "table (default) or json.", DefaultValueFactory = _ => "table" };
        costFormat.AcceptOnlyFromAmong("table", "json");
        var usage = new Option<FileInfo?>("--usage") { Description = "A YAML file overriding the usage profile (README, What it costs)." };
        var cost = new Command("cost", "Estimate what a stack costs a month, per resource and component, at min, desired, scheduled and max capacity.")
            { costStack, costFormat, usage, outFile, project, verbose };
        cost.SetAction((result, _) => Guard(result.GetValue(verbose), error, () => CostAsync(result.GetValue(project)?.FullName ?? ProjectDirectory(),
            result.GetValue(costStack)!, result.GetValue(costFormat)!, result.GetValue(usage), result.GetValue(outFile), output, error, interactive)));

        var checkStack = new Argument<string>("stack") { Description = "The stack to review." };
        var checkFormat = new Option<string>("--format") { Description = "text (default), json or markdown.", DefaultValueFactory = _ => "text" };
        checkFormat.AcceptOnlyFromAmong("text", "json", "markdown");
        var check = new Command("check", "The security report of a stack's planned graph; exit 1 on an unacknowledged error.")
            { checkStack, checkFormat, outFile, project, verbose };
        check.SetAction((result, _) => Guard(result.GetValue(verbose), error, () => CheckAsync(result.GetValue(project)?.FullName ?? ProjectDirectory(),
            result.GetValue(checkStack)!, result.GetValue(checkFormat)!, result.GetValue(outFile), output, error, interactive)));

        var simStack = new Argument<string>("stack") { Description = "The stack to simulate." };
        var scenario = new Option<string?>("--scenario") { Description = $"A built-in load: {string.Join(", ", Simulate.Scenario.Names)}." };
        var trace = new Option<FileInfo?>("--trace") { Description = "A CSV of load: t (seconds), rps and/or jobs (per second)." };
        var hours = new Option<double>("--hours") { Description = "How long to simulate.", DefaultValueFactory = _ => 24 };
        var simFormat = new Option<string>("--format") { Description = "text (default) or json.", DefaultValueFactory = _ => "text" };
        simFormat.AcceptOnlyFromAmong("text", "json");
        var chart = new Option<FileInfo?>("--chart") { Description = "Write the chart, a panel per tier, to this .svg or .png file." };
        var simulate = new Command("simulate", "Replay load through the stack's own alarms, policies and schedules: does it scale in time?")
            { simStack, scenario, trace, hours, simFormat, chart, outFile, project, verbose };
        simulate.SetAction((result, _) => Guard(result.GetValue(verbose), error, () => SimulateAsync(result.GetValue(project)?.FullName ?? ProjectDirectory(),
            result.GetValue(simStack)!, result.GetValue(scenario), result.GetValue(trace), result.GetValue(hours), result.GetValue(simFormat)!,
            result.GetValue(chart), result.GetValue(outFile), output, error, interactive)));

        var dashStack = new Argument<string>("stack") { Description = "The stack whose dashboard to draw." };
        var dashOut = new Option<FileInfo>("--out") { Description = "The picture to write: .png or .svg.", Required = true };
        var dashScenario = new Option<string>("--scenario") { Description = $"The simulated day the widgets show: {string.Join(", ", Simulate.Scenario.Names)}.", DefaultValueFactory = _ => "weekday" };
        var dashboard = new Command("dashboard", "Draw the stack's planned CloudWatch dashboard, filled with a simulated day.")
            { dashStack, dashOut, dashScenario, project, verbose };
        dashboard.SetAction((result, _) => Guard(result.GetValue(verbose), error, () => DashboardAsync(result.GetValue(project)?.FullName ?? ProjectDirectory(),
            result.GetValue(dashStack)!, result.GetValue(dashOut)!, result.GetValue(dashScenario)!, output, error, interactive)));

        var configTable = new Command("config-table", "Print the README's configuration table, made from schema/stack.schema.json.");
        configTable.SetAction((_, _) => Guard(false, error, async () =>
        {
            await output.WriteAsync(ConfigTable.Markdown());
            return Ok;
        }));

        var root = new RootCommand("Offline tools for the infra Pulumi project.") { plan, cost, check, simulate, dashboard, bench, cert, configTable };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
                await error.WriteLineAsync(parseError.Message);
            return ConfigurationError;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>What to diff against: a git ref, a saved plan, or nothing (a plain plan).</summary>
    sealed record BaseChoice(string? Ref, FileInfo? Plan)
    {
        public bool Any => Ref is not null || Plan is not null;

        public async Task<PlanDocument> LoadAsync(string project, string stack) =>
            Ref is { } reference ? await Diff.BasePlan.AtAsync(project, reference, stack) : JsonPlan.Parse(await File.ReadAllTextAsync(Plan!.FullName));
    }

    /// <summary>Plans a stack for a command: the plan, or the exit code after every message was printed (no stack
    /// file, an unwritable --out folder, an unreadable file, invalid configuration, a plan-check error).</summary>
    internal static async Task<(PlanDocument? Plan, int Code)> PlanStackAsync(string project, string stack, FileInfo? outFile, TextWriter error,
        bool interactive, bool showProgress)
    {
        if (!Directory.Exists(project))
        {
            await error.WriteLineAsync($"--project {project}: no such folder.");
            return (null, ConfigurationError);
        }

        if (!File.Exists(Path.Combine(project, $"Pulumi.{stack}.yaml")))
        {
            var stacks = Directory.GetFiles(project, "Pulumi.*.yaml").Select(path => Path.GetFileName(path)["Pulumi.".Length..^".yaml".Length]);
            await error.WriteLineAsync($"No stack '{stack}': there is no Pulumi.{stack}.yaml. Stacks here: {string.Join(", ", stacks.Order())}.");
            return (null, ConfigurationError);
        }

        if (outFile is { Directory: { Exists: false } folder })
        {
            await error.WriteLineAsync($"--out {outFile.FullName}: the folder {folder.FullName} does not exist.");
            return (null, ConfigurationError);
        }

        PlanDocument document;
        try
        {
            document = showProgress
                ? await AnsiConsole.Status().StartAsync($"Planning {stack}...", _ => PlanRunner.RunAsync(project, stack))
                : await PlanRunner.RunAsync(project, stack);
        }
        catch (Exception exception) when (exception is YamlDotNet.Core.YamlException or InvalidDataException or FileNotFoundException)
        {
            await error.WriteLineAsync(exception is InvalidDataException ? exception.Message : $"Pulumi.yaml or Pulumi.{stack}.yaml cannot be read: {exception.Message}");
            return (null, ConfigurationError);
        }
        catch (Exception exception) when (ConfigurationMessages(exception) is { } messages)
        {
            foreach (var message in messages)
                await error.WriteLineAsync(message);
            return (null, ConfigurationError);
        }

        foreach (var planned in document.Stacks.Where(planned => planned.Findings.Any(finding => finding.Severity == Checks.Severity.Error)))
        {
            // One finding per line in logs; a terminal wraps to its own width.
            FindingList.Render(planned.Findings, Console(error, interactive, width: 1000));
            await error.WriteLineAsync($"The plan of {planned.Stack} stops: {planned.Findings.Count(finding => finding.Severity == Checks.Severity.Error)} plan check error(s).");
            return (null, ConfigurationError);
        }

        return (document, Ok);
    }

    /// <summary>Renders to the terminal, or to --out: a file that cannot be written is the user's to fix (exit 1).</summary>
    static async Task<int> EmitAsync(FileInfo? outFile, TextWriter output, TextWriter error, Func<TextWriter, Task> render, string? written = null)
    {
        var writer = outFile is null ? output : new StringWriter();
        await render(writer);
        if (outFile is null)
            return Ok;
        try
        {
            await File.WriteAllTextAsync(outFile.FullName, writer.ToString());
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"--out {outFile.FullName}: cannot write there ({exception.Message}).");
            return ConfigurationError;
        }

        if (written is not null)
            await output.WriteLineAsync(written);
        return Ok;
    }

    static async Task<int> PlanAsync(string project, string stack, string format, FileInfo? outFile, TextWriter output, TextWriter error,
        bool interactive, BaseChoice baseline)
    {
        var conflict = baseline.Ref is not null && baseline.Plan is not null ? "--base and --base-plan: give one of them, not both."
            : format == "markdown" && !baseline.Any ? "--format markdown is a diff: give --base <git ref> or --base-plan <plan.json> to compare with."
            : format == "mermaid" && baseline.Any ? "--format mermaid draws a plan, not a diff: leave out --base and --base-plan."
            : null;
        if (conflict is not null)
        {
            await error.WriteLineAsync(conflict);
            return ConfigurationError;
        }

        if (baseline.Plan is { Exists: false } missing)
        {
            await error.WriteLineAsync($"--base-plan {missing.FullName}: no such file.");
            return ConfigurationError;
        }

        try
        {
            // A ref git does not know is refused before the stack is planned.
            if (baseline.Ref is { } reference)
                await Diff.BasePlan.CommitAsync(project, reference);
        }
        catch (Diff.BasePlan.Failure failure)
        {
            await error.WriteLineAsync(failure.Message);
            return ConfigurationError;
        }

        var terminal = interactive && outFile is null;
        // The base is planned by its own process: both sides at once.
        var basePlan = baseline.Any ? baseline.LoadAsync(project, stack) : null;
        var (document, code) = await PlanStackAsync(project, stack, outFile, error, interactive, showProgress: terminal && format == "tree" && !baseline.Any);
        if (document is null)
        {
            await Settled(basePlan);
            return code;
        }

        if (baseline.Any && document.Regions.Count > 0)
        {
            // A site diffs region by region against their own base plans.
            await Settled(basePlan);
            return await SiteDiffAsync(project, document, format, outFile, output, error, terminal, baseline);
        }

        Diff.PlanDiff? diff = null;
        if (basePlan is not null)
        {
            try
            {
                diff = Diff.PlanDiff.Between(await basePlan, document);
            }
            catch (Exception exception) when (exception is Diff.BasePlan.Failure or InvalidDataException or System.Text.Json.JsonException)
            {
                await error.WriteLineAsync(exception.Message);
                return ConfigurationError;
            }
        }

        return await EmitAsync(outFile, output, error, async writer =>
        {
            switch (format)
            {
                case "json" when diff is not null:
                    await writer.WriteAsync(Diff.JsonDiff.Render(diff));
                    break;
                case "markdown":
                    await writer.WriteAsync(Diff.MarkdownDiff.Render(diff!));
                    break;
                case "tree" when diff is not null:
                    Diff.TreeDiff.Render(diff, Console(writer, terminal, width: 200));
                    break;
                case "json":
                    await writer.WriteAsync(JsonPlan.Render(document));
                    break;
                case "mermaid":
                    await writer.WriteAsync(MermaidPlan.Render(document));
                    break;
                default:
                    var console = Console(writer, terminal, width: 200);
                    TreePlan.Render(document, console);
                    SiteSummary.Plan(document, console);
                    break;
            }
        }, diff is null
            ? $"Wrote the {format} plan of {stack} to {outFile?.FullName} ({TreePlan.Summary(document)})."
            : $"Wrote the {format} diff of {stack} to {outFile?.FullName} ({diff.Summary}).");
    }

    /// <summary>A base plan started in parallel and no longer needed: finished, whatever its outcome.</summary>
    static Task Settled(Task? basePlan) => basePlan?.ContinueWith(_ => { }, TaskScheduler.Default) ?? Task.CompletedTask;

    static async Task<int> WatchAsync(string project, string stack, bool otherOptions, TextWriter output, TextWriter error, bool interactive,
        CancellationToken cancel)
    {
        if (otherOptions)
        {
            await error.WriteLineAsync("--watch prints the plan as a tree and then what each change does: it takes none of --base, --base-plan, --out, --format.");
            return ConfigurationError;
        }

        if (!File.Exists(Path.Combine(project, $"Pulumi.{stack}.yaml")))
            return (await PlanStackAsync(project, stack, null, error, interactive, showProgress: false)).Code;
        return await Watch.RunAsync(project, stack, output, error, interactive, cancel);
    }

    /// <summary>bench plans prod: a stack that cannot be planned is reported like a plan's (exit 1), before anything is timed.</summary>
    static async Task<int> BenchAsync(string project, FileInfo emptyApp, TextWriter output, TextWriter error)
    {
        if (!emptyApp.Exists)
        {
            await error.WriteLineAsync($"--empty-app {emptyApp.FullName}: no such file.");
            return ConfigurationError;
        }

        var (plan, code) = await PlanStackAsync(project, Bench.Stack, null, error, interactive: false, showProgress: false);
        if (plan is null)
            return code;
        try
        {
            return await Bench.RunAsync(project, emptyApp.FullName, output);
        }
        catch (Bench.Failure failure)
        {
            await error.WriteLineAsync($"bench: {failure.Message}");
            return ConfigurationError;
        }
    }

    /// <summary>A site's change, stack by stack (each region against its own base plan, then the global stack).</summary>
    static async Task<int> SiteDiffAsync(string project, PlanDocument site, string format, FileInfo? outFile, TextWriter output, TextWriter error,
        bool terminal, BaseChoice baseline)
    {
        if (baseline.Ref is null)
        {
            await error.WriteLineAsync($"{site.Stack} is a global stack: diff it against a git ref (--base), which plans each of its regions there too.");
            return ConfigurationError;
        }

        var diffs = new List<Diff.PlanDiff>();
        try
        {
            foreach (var planned in site.Stacks)
                diffs.Add(Diff.PlanDiff.Between(await baseline.LoadAsync(project, planned.Stack), planned));
        }
        catch (Exception exception) when (exception is Diff.BasePlan.Failure or InvalidDataException or System.Text.Json.JsonException)
        {
            await error.WriteLineAsync(exception.Message);
            return ConfigurationError;
        }

        var total = $"{site.Stack} in total: {diffs.Sum(diff => diff.Summary.Create)} to create, {diffs.Sum(diff => diff.Summary.Update)} to update, " +
            $"{diffs.Sum(diff => diff.Summary.Replace)} to replace, {diffs.Sum(diff => diff.Summary.Delete)} to delete";
        return await EmitAsync(outFile, output, error, async writer =>
        {
            switch (format)
            {
                case "json":
                    await writer.WriteAsync(SiteSummary.Json(site.Stack, diffs.Select(Diff.JsonDiff.Render)));
                    break;
                case "markdown":
                    await writer.WriteAsync(string.Join("\n", diffs.Select(Diff.MarkdownDiff.Render)) + $"\n{total}\n");
                    break;
                default:
                    var console = Console(writer, terminal, width: 200);
                    foreach (var diff in diffs)
                        Diff.TreeDiff.Render(diff, console);
                    console.MarkupLine(Markup.Escape(total));
                    break;
            }
        }, $"Wrote the {format} diff of {site.Stack} to {outFile?.FullName} ({total}).");
    }

    static async Task<int> SimulateAsync(string project, string stack, string? scenarioName, FileInfo? trace, double hours, string format,
        FileInfo? chart, FileInfo? outFile, TextWriter output, TextWriter error, bool interactive)
    {
        if (scenarioName is null == trace is null)
        {
            await error.WriteLineAsync($"Give --scenario ({string.Join(", ", Simulate.Scenario.Names)}) or --trace <file.csv>, one of them.");
            return ConfigurationError;
        }

        var problem = Simulate.SimulationOptions.HoursProblem(hours) is { } hoursProblem ? $"--hours {hours.ToString(CultureInfo.InvariantCulture)}: {hoursProblem}."
            : chart is not null && !Simulate.SimulationOutput.ChartExtensions.Contains(chart.Extension.ToLowerInvariant())
                ? $"--chart {chart.FullName}: the chart is {string.Join(" or ", Simulate.SimulationOutput.ChartExtensions)}; end the file name with one of them."
            : chart is { Directory: { Exists: false } folder } ? $"--chart {chart.FullName}: the folder {folder.FullName} does not exist."
            : chart is not null && Directory.Exists(chart.FullName) ? $"--chart {chart.FullName}: a folder of that name is in the way; name a file."
            : null;
        if (problem is not null)
        {
            await error.WriteLineAsync(problem);
            return ConfigurationError;
        }

        Simulate.Scenario load;
        try
        {
            load = trace is not null ? Simulate.Scenario.FromCsv(trace.FullName) : Simulate.Scenario.Named(scenarioName!);
        }
        catch (InvalidDataException exception)
        {
            await error.WriteLineAsync(exception.Message);
            return ConfigurationError;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"--trace {trace!.FullName}: cannot be read ({exception.Message})");
            return ConfigurationError;
        }

        var (site, code) = await PlanStackAsync(project, stack, outFile, error, interactive, showProgress: false);
        if (site is null)
            return code;
        // A site's load reaches each region through its own record: every region is simulated with the whole load,
        // as when the other regions are lost (latency routing sends a region's users elsewhere when it fails).
        var runs = (site.Regions.Count > 0 ? site.Regions : [site]).Select(plan =>
        {
            var tiers = Simulate.TierModel.From(plan);
            var result = new Simulate.Simulator(new Simulate.SimulationOptions { Hours = hours })
                .Run(plan.Stack, tiers, load, type => Cost.PriceBook.Default.Price(plan.Region, $"ec2.{type}.linux.onDemand"));
            return (Plan: plan, Result: result, Findings: Simulate.SimulationOutput.Findings(result, tiers, load, plan));
        }).ToList();
        var emitted = await EmitAsync(outFile, output, error, async writer =>
        {
            if (format == "json")
                await writer.WriteAsync(runs.Count == 1 ? Simulate.SimulationOutput.Json(runs[0].Result, runs[0].Findings)
                    : SiteSummary.Json(stack, runs.Select(run => Simulate.SimulationOutput.Json(run.Result, run.Findings))));
            else
            {
                var console = Console(writer, interactive && outFile is null, width: 200);
                foreach (var run in runs)
                {
                    if (runs.Count > 1)
                        console.MarkupLine($"[bold]{Markup.Escape($"{run.Plan.Stack} ({run.Plan.Region})")}[/]");
                    Simulate.SimulationOutput.Text(run.Result, run.Findings, console);
                }

                if (runs.Count > 1)
                    console.MarkupLine(Markup.Escape($"{stack}: {runs.Count} regions, each simulated with the whole load (as when the others are lost); " +
                        $"{runs.Sum(run => run.Findings.Count)} finding(s) in total"));
            }
        });
        if (emitted != Ok || chart is null)
            return emitted;
        foreach (var run in runs)
        {
            var path = runs.Count == 1 ? chart.FullName
                : Path.Combine(chart.DirectoryName ?? ".", $"{Path.GetFileNameWithoutExtension(chart.Name)}-{run.Plan.Stack}{chart.Extension}");
            try
            {
                Simulate.SimulationOutput.Chart(run.Result, path);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"--chart {path}: cannot write there ({exception.Message}).");
                return ConfigurationError;
            }

            await error.WriteLineAsync($"Wrote the chart to {path}.");
        }

        return Ok;
    }

    static async Task<int> DashboardAsync(string project, string stack, FileInfo outFile, string scenarioName, TextWriter output, TextWriter error, bool interactive)
    {
        if (!outFile.Name.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && !outFile.Name.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
        {
            await error.WriteLineAsync($"--out {outFile.FullName}: give a .png or .svg file.");
            return ConfigurationError;
        }

        if (!Simulate.Scenario.Names.Contains(scenarioName))
        {
            await error.WriteLineAsync($"--scenario {scenarioName}: one of {string.Join(", ", Simulate.Scenario.Names)}.");
            return ConfigurationError;
        }

        var (plan, code) = await PlanStackAsync(project, stack, outFile, error, interactive, showProgress: false);
        if (plan is null)
            return code;
        if (DashboardCommand.Widgets(plan) is not { Count: > 0 } widgets)
        {
            await error.WriteLineAsync($"{stack} plans no dashboard.");
            return ConfigurationError;
        }

        var tiers = Simulate.TierModel.From(plan);
        var result = new Simulate.Simulator(new Simulate.SimulationOptions()).Run(stack, tiers, Simulate.Scenario.Named(scenarioName), _ => null);
        try
        {
            DashboardCommand.Draw(widgets, result, tiers, outFile.FullName);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"--out {outFile.FullName}: cannot write there ({exception.Message}).");
            return ConfigurationError;
        }

        await output.WriteLineAsync($"Wrote the dashboard of {stack} ({widgets.Count} widgets, scenario {scenarioName}) to {outFile.FullName}.");
        return Ok;
    }

    static async Task<int> CheckAsync(string project, string stack, string format, FileInfo? outFile, TextWriter output, TextWriter error, bool interactive)
    {
        var (site, code) = await PlanStackAsync(project, stack, outFile, error, interactive, showProgress: false);
        if (site is null)
            return code;
        var reports = site.Stacks.Select(plan => CheckCommand.Run(plan, Mocks.StackFile.Load(project, plan.Stack))).ToList();
        var emitted = await EmitAsync(outFile, output, error, async writer =>
        {
            switch (format)
            {
                case "json":
                    await writer.WriteAsync(reports.Count == 1 ? CheckCommand.Json(reports[0]) : SiteSummary.Json(stack, reports.Select(CheckCommand.Json)));
                    break;
                case "markdown":
                    await writer.WriteAsync(string.Join("\n", reports.Select(CheckCommand.Markdown)));
                    break;
                default:
                    var console = Console(writer, interactive && outFile is null, width: 1000);
                    foreach (var report in reports)
                        CheckCommand.Text(report, console);
                    if (reports.Count > 1)
                        console.MarkupLine(Markup.Escape($"{stack} in total: {reports.Sum(report => report.Errors)} error(s), " +
                            $"{reports.Sum(report => report.Warnings)} warning(s), {reports.Sum(report => report.Acknowledged)} acknowledged"));
                    break;
            }
        });
        return emitted != Ok ? emitted : reports.Any(report => report.Errors > 0) ? ConfigurationError : Ok;
    }

    static async Task<int> CostAsync(string project, string stack, string format, FileInfo? usageFile, FileInfo? outFile, TextWriter output,
        TextWriter error, bool interactive)
    {
        var (site, code) = await PlanStackAsync(project, stack, outFile, error, interactive, showProgress: false);
        if (site is null)
            return code;
        List<Cost.CostReport> reports;
        try
        {
            var model = new Cost.CostModel(Cost.PriceBook.Default, Cost.UsageProfile.Load(usageFile?.FullName));
            reports = [.. site.Stacks.Select(model.Estimate)];
        }
        catch (Exception exception) when (exception is InvalidDataException or FileNotFoundException)
        {
            await error.WriteLineAsync(exception.Message);
            return ConfigurationError;
        }

        return await EmitAsync(outFile, output, error, writer =>
        {
            if (format == "json")
                return writer.WriteAsync(reports.Count == 1 ? Cost.CostRenderers.Json(reports[0]) : SiteSummary.CostJson(stack, reports));
            var console = Console(writer, interactive && outFile is null, width: 140);
            foreach (var report in reports)
                Cost.CostRenderers.Table(report, console);
            if (reports.Count > 1)
                SiteSummary.CostTotal(stack, reports, console);
            return Task.CompletedTask;
        });
    }

    /// <summary>Colors and the terminal's width on a terminal; plain text of a fixed width in a file or a log, each
    /// line trimmed to its content.</summary>
    internal static IAnsiConsole Console(TextWriter writer, bool terminal, int width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(terminal ? writer : new TrimmedLines(writer)),
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
            console.Profile.Width = width;
        return console;
    }

    /// <summary>The messages of a run that failed because of the stack's configuration; null for anything else.</summary>
    static IReadOnlyList<string>? ConfigurationMessages(Exception exception)
    {
        var errors = exception is AggregateException aggregate ? aggregate.InnerExceptions : [exception];
        return errors.All(error => error is RunException && !error.Message.StartsWith("Running program", StringComparison.Ordinal))
            ? [.. errors.Select(error => error.Message)]
            : null;
    }

    static async Task<int> Guard(bool verbose, TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception exception)
        {
            var inner = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[0] : exception;
            await error.WriteLineAsync(verbose ? exception.ToString() : $"internal error: {FirstLine(inner.Message)} (run with --verbose for details)");
            return InternalError;
        }
    }

    static string FirstLine(string text) =>
        text.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0 && !line.StartsWith("Running program", StringComparison.Ordinal)) ?? text;

    public static string ProjectDirectory() => Path.GetDirectoryName(ProjectPaths.Resolve("Pulumi.yaml"))!;
}

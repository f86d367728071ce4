using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Infra.Plan;

/// <summary>./build.sh bench: every figure beside a baseline measured in the same run, so the ratios hold on a busy
/// machine. Processes are timed in interleaved rounds (median), after one untimed round that fills the caches.</summary>
internal static class Bench
{
    const int Rounds = 5, WarmRuns = 10;
    public const string Stack = "prod";
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The input errors bench reports in one line (exit 1).</summary>
    public sealed class Failure(string message) : Exception(message);

    sealed record Target(string Name, bool Met, string Detail);

    /// <param name="empty">An empty console app built like this tool: the floor of any .NET tool's start.</param>
    public static async Task<int> RunAsync(string project, string empty, TextWriter output)
    {
        var work = Directory.CreateTempSubdirectory("infra-bench-").FullName;
        try
        {
            return await MeasureAsync(project, empty, work, output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    static async Task<int> MeasureAsync(string project, string empty, string work, TextWriter output)
    {
        await output.WriteLineAsync($"bench: {Environment.ProcessorCount} cores, load {Load()}, Pulumi.Aws {PlanRunner.Sdk}, .NET {Environment.Version}; " +
            $"processes: median of {Rounds} interleaved runs");
        var saved = Path.Combine(work, "saved.json");
        await File.WriteAllTextAsync(saved, JsonPlan.Render(await PlanRunner.RunAsync(project, Stack)));
        var json = Path.Combine(work, "plan.json");
        string[] plan = ["plan", Stack, "--format", "json", "--out", json];
        var buildSh = Path.Combine(project, "build.sh");
        var runs = new (string Name, string File, string[] Args)[]
        {
            ("empty", empty, []),
            ("tool", Tool.File, [.. Tool.Prefix, .. plan]),
            ("build.sh", "bash", [buildSh, .. plan]),
            ("base", "bash", [buildSh, .. plan, "--base", "HEAD"]),
            ("saved", "bash", [buildSh, .. plan, "--base-plan", saved]),
        };
        var times = runs.ToDictionary(run => run.Name, _ => new List<double>());
        for (var round = 0; round <= Rounds; round++)
            foreach (var (name, file, args) in runs)
            {
                var seconds = await TimeAsync(project, file, args);
                if (round > 0)
                    times[name].Add(seconds);
            }

        var (emptyStart, cold, script, withBase, withSaved) =
            (Median(times["empty"]), Median(times["tool"]), Median(times["build.sh"]), Median(times["base"]), Median(times["saved"]));
        var warm = await WarmPlanAsync(project);
        var targets = new List<Target>
        {
            Ratio("cold plan", cold, emptyStart, 12),
            Ratio("./build.sh plan", script, cold, 1.2),
            new("warm re-plan", warm <= 0.1, F($"{warm:0.000} s, target ≤ 0.1 s")),
            Ratio("plan --base HEAD", withBase, script, 3),
        };
        await output.WriteLineAsync(Line("start of an empty .NET console app (built like the tool)", emptyStart, "the floor of any .NET tool"));
        await output.WriteLineAsync(Line($"cold plan {Stack} (the tool's own process)", cold, Versus(cold, emptyStart, "the empty app's start", targets[0])));
        await output.WriteLineAsync(Line($"./build.sh plan {Stack}, nothing changed", script, Versus(script, cold, "the tool's cold plan", targets[1])));
        await output.WriteLineAsync(Line($"warm re-plan {Stack} (in process, median of {WarmRuns})", warm, Versus(warm, cold, "the cold plan", targets[2])));
        await output.WriteLineAsync(Line($"./build.sh plan {Stack} --base HEAD, nothing changed", withBase, Versus(withBase, script, "./build.sh plan", targets[3])));
        await output.WriteLineAsync(Line($"./build.sh plan {Stack} --base-plan <saved plan>", withSaved, Versus(withSaved, script, "./build.sh plan", null)));
        var (simulation, steps) = await SimulationAsync(project);
        await output.WriteLineAsync(Line($"simulate {Stack} 24 h ({steps:#,0} steps of 10 s, in process)", simulation, Versus(simulation, warm, "a warm plan", null)));
        var (upload, objects) = await LargeUploadAsync(project);
        await output.WriteLineAsync(Line($"plan {Stack} with a 1,000-file upload ({objects} objects, in process)", upload, "median of 3"));
        var (suite, passed) = await TestSuiteAsync(project);
        targets.Add(new("test suite", suite < 20, F($"{suite:0.0} s, target < 20 s")));
        await output.WriteLineAsync(Line("test suite (dotnet test --no-build)", suite, F($"target < 20 s: {(suite < 20 ? "met" : "missed")}") + (passed ? "" : "; tests FAILED")));
        var missed = targets.Where(target => !target.Met).ToList();
        await output.WriteLineAsync($"targets: {targets.Count - missed.Count} of {targets.Count} met" +
            (missed.Count == 0 ? "" : $"; missed: {string.Join("; ", missed.Select(target => $"{target.Name} ({target.Detail})"))}"));
        return Cli.Ok;
    }

    static Target Ratio(string name, double value, double baseline, double most) =>
        new(name, value <= most * baseline, F($"{value / baseline:0.00}×, target ≤ {most}×"));

    static string Versus(double value, double baseline, string what, Target? target) =>
        F($"{value / baseline,5:0.00}× {what}") + (target is null ? "" : $"  ({target.Detail}: {(target.Met ? "met" : "missed")})");

    static string Line(string what, double seconds, string comparison) => F($"{what,-62} {seconds,7:0.000} s   {comparison}");

    static string F(FormattableString text) => text.ToString(Invariant);

    static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>How to start this tool again: its own executable, or `dotnet exec` of its assembly.</summary>
    static (string File, string[] Prefix) Tool =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) is "dotnet" or null
            ? ("dotnet", ["exec", typeof(Cli).Assembly.Location])
            : (Environment.ProcessPath!, []);

    static async Task<double> WarmPlanAsync(string project)
    {
        // Warm: the JIT has moved the hot code to its optimised tier, as in a long-running --watch.
        for (var i = 0; i < WarmRuns; i++)
            await PlanRunner.RunAsync(project, Stack);
        var times = new List<double>();
        for (var i = 0; i < WarmRuns; i++)
        {
            var watch = Stopwatch.StartNew();
            await PlanRunner.RunAsync(project, Stack);
            times.Add(watch.Elapsed.TotalSeconds);
        }

        return Median(times);
    }

    /// <summary>24 hours of prod at 10-second steps, spike scenario, after one warm-up run.</summary>
    static async Task<(double Seconds, int Steps)> SimulationAsync(string project)
    {
        var tiers = Simulate.TierModel.From(await PlanRunner.RunAsync(project, Stack));
        var simulator = new Simulate.Simulator(new Simulate.SimulationOptions());
        simulator.Run(Stack, tiers, Simulate.Scenario.Spike, _ => null);
        var runs = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            simulator.Run(Stack, tiers, Simulate.Scenario.Spike, _ => null);
            runs.Add(watch.Elapsed.TotalSeconds);
        }

        return (Median(runs), 24 * 360);
    }

    /// <summary>The stack with 1,000 files to upload (must stay fast).</summary>
    static async Task<(double Seconds, int Objects)> LargeUploadAsync(string project)
    {
        var folder = Directory.CreateTempSubdirectory("bench-assets-").FullName;
        try
        {
            string[] extensions = [".css", ".js", ".png", ".html", ".svg", ".woff2", ".json", ".txt"];
            for (var i = 0; i < 1000; i++)
            {
                var directory = Path.Combine(folder, $"d{i % 20}");
                Directory.CreateDirectory(directory);
                await File.WriteAllTextAsync(Path.Combine(directory, $"file{i}-{i * 7919 % 0xffffff:x6}{extensions[i % extensions.Length]}"), new string('x', 200 + i));
            }

            Dictionary<string, string> WithUpload(Dictionary<string, string> config)
            {
                var assets = JsonNode.Parse(config.GetValueOrDefault("infra:assets", "{}"))!.AsObject();
                assets["upload"] = new JsonObject { ["folder"] = folder };
                config["infra:assets"] = assets.ToJsonString();
                return config;
            }

            var times = new List<double>();
            var objects = 0;
            for (var i = 0; i < 3; i++)
            {
                var watch = Stopwatch.StartNew();
                var plan = await PlanRunner.RunAsync(project, Stack, WithUpload);
                times.Add(watch.Elapsed.TotalSeconds);
                objects = plan.Resources.Count(resource => resource.Type == "aws:s3/bucketObjectv2:BucketObjectv2");
            }

            return (Median(times), objects);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static async Task<(double Seconds, bool Passed)> TestSuiteAsync(string project)
    {
        var watch = Stopwatch.StartNew();
        var (code, _) = await RunAsync(project, "dotnet", "test", "Infra.sln", "-c", "Release", "--no-build", $"-p:PulumiSdk={PlanRunner.Sdk}", "-nologo");
        return (watch.Elapsed.TotalSeconds, code == 0);
    }

    /// <summary>The wall time of a run that must succeed; a failure is reported with its last line.</summary>
    static async Task<double> TimeAsync(string directory, string file, string[] arguments)
    {
        var watch = Stopwatch.StartNew();
        var (code, log) = await RunAsync(directory, file, arguments);
        return code == 0 ? watch.Elapsed.TotalSeconds
            : throw new Failure($"{Path.GetFileName(file)} {string.Join(' ', arguments.Select(Path.GetFileName))} failed: {log.Trim().Split('\n')[^1]}");
    }

    static async Task<(int ExitCode, string Log)> RunAsync(string directory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new Failure($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

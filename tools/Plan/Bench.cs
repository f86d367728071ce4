using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Infra.Plan;

/// <summary>./build.sh bench: cold plan (a new process), warm plan (median of 10 in one process) and
/// resource count per stack, a plan with a 1,000-file asset upload, and the wall time of the test suite.</summary>
internal static class Bench
{
    const int WarmRuns = 10;

    public static async Task<int> RunAsync(string project, TextWriter output)
    {
        var invariant = CultureInfo.InvariantCulture;
        await output.WriteLineAsync($"bench: {Environment.ProcessorCount} cores, Pulumi's test engine, Pulumi.Aws {PlanRunner.Sdk}, .NET {Environment.Version}");
        var stacks = Directory.GetFiles(project, "Pulumi.*.yaml").Select(path => Path.GetFileName(path)["Pulumi.".Length..^".yaml".Length]).Order().ToList();
        foreach (var stack in stacks)
        {
            var cold = await ColdPlanAsync(project, stack);
            await PlanRunner.RunAsync(project, stack);
            var warm = new List<double>();
            var count = 0;
            for (var i = 0; i < WarmRuns; i++)
            {
                var watch = Stopwatch.StartNew();
                count = (await PlanRunner.RunAsync(project, stack)).Resources.Count;
                warm.Add(watch.Elapsed.TotalSeconds);
            }

            await output.WriteLineAsync(string.Create(invariant,
                $"plan {stack,-6} resources {count,4}   cold {cold,6:0.000} s (target < 0.5 s)   warm median of {WarmRuns} {Median(warm),6:0.000} s (target < 0.05 s)"));
        }

        await output.WriteLineAsync(await SimulationAsync(project));
        await output.WriteLineAsync(await LargeUploadAsync(project));
        var (tests, passed) = await TestSuiteAsync(project);
        await output.WriteLineAsync(string.Create(invariant, $"test suite {tests,6:0.0} s (target < 20 s){(passed ? "" : "  FAILED")}"));
        return passed ? Cli.Ok : Cli.InternalError;
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    static async Task<double> ColdPlanAsync(string project, string stack)
    {
        var target = Path.GetTempFileName();
        try
        {
            var (seconds, code, log) = await TimeAsync(project, "dotnet", "exec", typeof(Cli).Assembly.Location, "plan", stack, "--format", "json", "--out", target);
            return code == 0 ? seconds : throw new InvalidOperationException($"cold plan of {stack} failed: {log}");
        }
        finally
        {
            File.Delete(target);
        }
    }

    /// <summary>The dev stack with 1,000 files to upload (issue: must stay fast).</summary>
    /// <summary>24 hours of prod at 10-second steps, spike scenario, after one warm-up run.</summary>
    static async Task<string> SimulationAsync(string project)
    {
        var tiers = Simulate.TierModel.From(await PlanRunner.RunAsync(project, "prod"));
        var simulator = new Simulate.Simulator(new Simulate.SimulationOptions());
        simulator.Run("prod", tiers, Simulate.Scenario.Spike, _ => null);
        var runs = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            simulator.Run("prod", tiers, Simulate.Scenario.Spike, _ => null);
            runs.Add(watch.Elapsed.TotalSeconds);
        }

        return string.Create(CultureInfo.InvariantCulture, $"simulate prod 24 h at 10 s steps ({24 * 360} steps, {tiers.Count} tiers) median of 3 {Median(runs),6:0.000} s (target < 1 s)");
    }

    static async Task<string> LargeUploadAsync(string project)
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
                var plan = await PlanRunner.RunAsync(project, "dev", WithUpload);
                times.Add(watch.Elapsed.TotalSeconds);
                objects = plan.Resources.Count(resource => resource.Type == "aws:s3/bucketObjectv2:BucketObjectv2");
            }

            return string.Create(CultureInfo.InvariantCulture, $"plan dev with a 1,000-file upload: {objects} objects, median of 3 {Median(times):0.000} s");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static async Task<(double Seconds, bool Passed)> TestSuiteAsync(string project)
    {
        var (seconds, code, _) = await TimeAsync(project, "dotnet", "test", "Infra.sln", "-c", "Release", "--no-build", $"-p:PulumiSdk={PlanRunner.Sdk}", "-nologo");
        return (seconds, code == 0);
    }

    static async Task<(double Seconds, int ExitCode, string Log)> TimeAsync(string directory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (watch.Elapsed.TotalSeconds, process.ExitCode, await stdout + await stderr);
    }
}

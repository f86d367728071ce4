using Infra.Components.Cdn;
using Infra.Components.Compute;
using Infra.Components.LoadBalancing;
using Infra.Components.Network;
using Infra.Components.Queue;
using Infra.Components.Shared;
using Pulumi;

namespace Infra.Configuration;

/// <summary>The whole stack's configuration, typed and validated: every problem of every section (types,
/// unknown keys, ranges, combinations) is collected and reported in one failure before any resource exists.</summary>
public sealed record StackSettings(
    EnvironmentKind Environment,
    string Region,
    IReadOnlyDictionary<string, string> Tags,
    NetworkArgs Network,
    WebLoadBalancerArgs LoadBalancer,
    AutoScaledTierArgs Web,
    AutoScaledTierArgs Worker,
    JobQueueArgs? Queue,
    AssetDistributionArgs Assets,
    NotificationArgs? Notifications)
{
    public const string Namespace = "infra";

    /// <summary>Every key under infra: the stack reads; any other is reported as unknown.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "tags", "network", "loadBalancer", "web", "worker", "assets", "notifications",
        LoadBalancerConfig.CertificateBodyKey, LoadBalancerConfig.CertificatePrivateKeyKey, LoadBalancerConfig.CertificateChainKey,
    ];

    public static StackSettings Load()
    {
        var problems = new List<Problem>();
        var config = new Config(Namespace);
        var stack = Deployment.Instance.StackName;
        var environment = Environments.ForStack(stack);
        var region = new Config("aws").Get("region");
        if (string.IsNullOrEmpty(region))
            problems.Add(new Problem("aws:region", region, "set the AWS region, e.g. pulumi config set aws:region us-east-1"));

        Section Read(string key) => Section.Parse($"{Namespace}:{key}", config.Get(key), problems);
        var tags = CommonTags(Deployment.Instance.ProjectName, stack, Read("tags"));
        var notifications = NotificationsConfig.Read(Read("notifications"));
        var loadBalancer = LoadBalancerConfig.Read(Read("loadBalancer"), environment, config.Get, tags);
        var workerSection = Read("worker");
        var queue = QueueConfig.Read(workerSection.Object("queue"), tags);
        var settings = new StackSettings(
            environment,
            region ?? "",
            tags,
            NetworkConfig.Read(Read("network"), environment, tags, loadBalancer.InstancePorts),
            loadBalancer,
            TierConfig.Read(Read("web"), TierKind.Web, environment, tags) with { Notifications = notifications },
            TierConfig.Read(workerSection, TierKind.Worker, environment, tags, queue) with { Notifications = notifications },
            queue.Queue,
            AssetsConfig.Read(Read("assets"), environment, ProjectPaths.Resolve, tags),
            notifications);

        problems.AddRange(settings.Network.Validate($"{Namespace}:network"));
        problems.AddRange(settings.LoadBalancer.Validate($"{Namespace}:loadBalancer"));
        problems.AddRange(TierConfig.AsConfigProblems(settings.Web.Validate($"{Namespace}:web"), $"{Namespace}:web"));
        problems.AddRange(TierConfig.AsConfigProblems(settings.Worker.Validate($"{Namespace}:worker"), $"{Namespace}:worker"));
        if (settings.Queue is { } jobQueue)
            problems.AddRange(jobQueue.Validate($"{Namespace}:worker.queue"));
        problems.AddRange(settings.Assets.Validate($"{Namespace}:assets"));
        problems.AddRange(settings.CrossChecks());
        problems.AddRange(UnknownKeys());
        Checks.ThrowIfAny(problems);
        return settings;
    }

    /// <summary>Combinations that span sections.</summary>
    IEnumerable<Problem> CrossChecks()
    {
        if (Queue is { } queue && Worker.TerminationDrainSeconds < queue.JobTimeoutSeconds)
            yield return new Problem($"{Namespace}:worker.terminationDrainSeconds", Worker.TerminationDrainSeconds,
                $"must be at least {Namespace}:worker.queue.jobTimeoutSeconds ({queue.JobTimeoutSeconds}), so a terminating worker can finish its job");
        if (LoadBalancer.Ipv6 && !Network.Ipv6)
            yield return new Problem($"{Namespace}:loadBalancer.ipv6", true, $"a dual-stack balancer needs IPv6 subnets: set {Namespace}:network.ipv6 to true");
        foreach (var (listener, index) in LoadBalancer.Listeners.Select((listener, index) => (listener, index)))
            if (LoadBalancer.Forwards(listener) && !Network.AppPorts.Contains(listener.TargetPort))
                yield return new Problem($"{Namespace}:loadBalancer.listeners[{index}].targetPort", listener.TargetPort,
                    $"the instances only accept the network's appPorts ({string.Join(", ", Network.AppPorts)}); add it to {Namespace}:network.appPorts");
        foreach (var (port, index) in Network.AppPorts.Select((port, index) => (port, index)))
            if (!LoadBalancer.InstancePorts.Contains(port))
                yield return new Problem($"{Namespace}:network.appPorts[{index}]", port,
                    $"no listener forwards to it and no health check uses it ({string.Join(", ", LoadBalancer.InstancePorts)}); remove it, or the instances accept it for nothing");
    }

    /// <summary>A typo in a top-level key would otherwise be ignored silently.</summary>
    static IEnumerable<Problem> UnknownKeys()
    {
        var raw = System.Environment.GetEnvironmentVariable("PULUMI_CONFIG");
        if (string.IsNullOrEmpty(raw))
            yield break;
        // The Pulumi CLI hands a program its config in PULUMI_CONFIG; the Config API cannot list keys.
        var keys = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(raw)?.Keys.ToList() ?? [];
        foreach (var key in keys.Select(key => key.Replace(":config:", ":", StringComparison.Ordinal))
                     .Where(key => key.StartsWith($"{Namespace}:", StringComparison.Ordinal)))
            if (!Keys.Contains(key[(Namespace.Length + 1)..]))
                yield return new Problem(key, null, $"unknown key; known keys are {string.Join(", ", Keys.Select(k => $"{Namespace}:{k}"))}");
    }

    /// <summary>project, stack and managed-by, plus whatever infra:tags adds.</summary>
    static IReadOnlyDictionary<string, string> CommonTags(string project, string stack, Section section)
    {
        var tags = new Dictionary<string, string>(section.AsStringMap())
        {
            ["project"] = project,
            ["stack"] = stack,
            ["managed-by"] = "pulumi",
        };
        return tags;
    }
}

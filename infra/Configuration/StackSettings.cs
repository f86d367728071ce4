using Infra.Components.Cdn;
using Infra.Components.Compute;
using Infra.Components.LoadBalancing;
using Infra.Components.Monitoring;
using Infra.Components.Network;
using Infra.Components.Queue;
using Infra.Components.Shared;

namespace Infra.Configuration;

/// <summary>A security finding the stack accepts (./build.sh check lists it as acknowledged, with the reason).</summary>
public sealed record AcknowledgedFinding(string Rule, string? Resource, string Reason);

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
    NotificationArgs? Notifications,
    AlertArgs Alerts,
    IReadOnlyList<AcknowledgedFinding> Acknowledgements)
{
    public const string Namespace = "infra";

    public static StackSettings Load() => Load(ConfigSource.FromEngine());

    /// <param name="keysRead">Collects every key the reader consults (the schema tests compare it with the schema).</param>
    public static StackSettings Load(ConfigSource source, ISet<string>? keysRead = null)
    {
        // The schema speaks first (types, bounds, allowed values, unknown keys, secrets); later checks of a key it
        // already refused would only repeat the problem.
        var schemaProblems = ConfigSchema.Validate(source.Values, source.SecretKeys);
        var problems = new List<Problem>();
        var environment = Environments.ForStack(source.Stack);
        string? Get(string key) => source.Values.GetValueOrDefault($"{Namespace}:{key}");
        var region = source.Values.GetValueOrDefault("aws:region");
        if (!schemaProblems.Any(problem => problem.Key == "aws:region"))
            problems.AddRange(RegionProblems(region, Get("acceptUnlistedRegion") == "true"));

        var refused = schemaProblems.Select(problem => problem.Key).ToHashSet();
        Section Read(string key) => Section.Parse($"{Namespace}:{key}", Get(key), problems, refused, keysRead);
        var userTags = Read("tags").AsStringMap();
        problems.AddRange(Tagging.Validate(userTags, $"{Namespace}:tags"));
        var tags = CommonTags(source.Project, source.Stack, userTags);
        var notifications = NotificationsConfig.Read(Read("notifications"));
        var loadBalancer = LoadBalancerConfig.Read(Read("loadBalancer"), environment, Get, tags);
        var workerSection = Read("worker");
        var queue = QueueConfig.Read(workerSection.Object("queue"), tags, environment);
        var settings = new StackSettings(
            environment,
            region ?? "",
            tags,
            NetworkConfig.Read(Read("network"), environment, tags, loadBalancer.InstancePorts, loadBalancer.ListenerPorts),
            loadBalancer,
            TierConfig.Read(Read("web"), TierKind.Web, environment, tags, balancer: loadBalancer.Type) with { Notifications = notifications },
            TierConfig.Read(workerSection, TierKind.Worker, environment, tags, queue) with { Notifications = notifications },
            queue.Queue,
            AssetsConfig.Read(Read("assets"), environment, ProjectPaths.Resolve, tags),
            notifications,
            AlertsConfig.Read(Read("alerts")),
            ReadAcknowledgements(Section.ParseItems($"{Namespace}:acknowledgements", Get("acknowledgements"), problems, refused, keysRead)));

        problems.AddRange(settings.Network.Validate($"{Namespace}:network"));
        problems.AddRange(settings.LoadBalancer.Validate($"{Namespace}:loadBalancer"));
        // Both tiers share infra:notifications: checked once, under its own key.
        problems.AddRange(TierConfig.AsConfigProblems((settings.Web with { Notifications = null }).Validate($"{Namespace}:web"), $"{Namespace}:web"));
        problems.AddRange(TierConfig.AsConfigProblems((settings.Worker with { Notifications = null }).Validate($"{Namespace}:worker"), $"{Namespace}:worker"));
        if (notifications is not null)
        {
            var checks = new Checks($"{Namespace}:notifications");
            notifications.Validate(checks);
            problems.AddRange(checks.Problems);
        }

        var alertChecks = new Checks($"{Namespace}:alerts");
        settings.Alerts.Validate(alertChecks);
        problems.AddRange(alertChecks.Problems);
        if (settings.Queue is { } jobQueue)
            problems.AddRange(jobQueue.Validate($"{Namespace}:worker.queue"));
        problems.AddRange(settings.Assets.Validate($"{Namespace}:assets"));
        problems.AddRange(settings.CrossChecks());
        var acceptUnlistedType = Get("acceptUnlistedInstanceType") == "true";
        problems.AddRange(TierConfig.InstanceTypeProblems($"{Namespace}:web.instanceType", settings.Web.InstanceType, settings.Region, acceptUnlistedType));
        problems.AddRange(TierConfig.InstanceTypeProblems($"{Namespace}:worker.instanceType", settings.Worker.InstanceType, settings.Region, acceptUnlistedType));
        // A secret given as plain text is still checked for content (PEM, key match, expiry), so fixing it shows
        // every remaining problem at once rather than a new one on the next run.
        static bool Hides(Problem refused, Problem problem) =>
            Covers(refused.Key, problem.Key) && !(ConfigSchema.IsSecret(refused.Key) && refused.Key == problem.Key);
        Checks.ThrowIfAny([.. schemaProblems, .. problems.Where(problem => !schemaProblems.Any(refused => Hides(refused, problem)))
            .DistinctBy(problem => (problem.Key, problem.Allowed))]);
        return settings;
    }

    /// <summary>infra:acknowledgements, of a regional or a global stack.</summary>
    internal static IReadOnlyList<AcknowledgedFinding> ReadAcknowledgements(IReadOnlyList<Section> items) =>
        [.. items.Select(item => new AcknowledgedFinding(item.String("rule", ""), item.OptionalString("resource"), item.String("reason", "")))];

    /// <summary>True when a problem's key is the refused key or lies inside it, or, for a key in a nested object
    /// (infra:assets.hosts.count), anywhere in that object: its combination checks saw a default in the refused
    /// value's place.</summary>
    static bool Covers(string refused, string key)
    {
        static bool Inside(string outer, string inner) =>
            inner == outer || inner.StartsWith(outer + ".", StringComparison.Ordinal) || inner.StartsWith(outer + "[", StringComparison.Ordinal);
        var parent = refused[..Math.Max(0, refused.LastIndexOf('.'))];
        return Inside(refused, key) || parent.Count(c => c == '.') >= 1 && Inside(parent, key);
    }

    static IEnumerable<Problem> RegionProblems(string? region, bool acceptUnlisted)
    {
        if (string.IsNullOrEmpty(region))
            yield return new Problem("aws:region", region, "set the AWS region, e.g. pulumi config set aws:region us-east-1");
        else if (!Regions.Known.Contains(region) && !acceptUnlisted && System.Text.RegularExpressions.Regex.IsMatch(region, @"^[a-z]{2}(-gov)?-[a-z]+-\d$"))
            yield return new Problem("aws:region", region,
                $"is not a region this project knows; if AWS opened it recently, set {Namespace}:acceptUnlistedRegion to true");
    }

    /// <summary>Combinations that span sections.</summary>
    IEnumerable<Problem> CrossChecks()
    {
        foreach (var (zone, index) in (Network.AvailabilityZones ?? []).Select((zone, index) => (zone, index)))
            if (!System.Text.RegularExpressions.Regex.IsMatch(zone, $"^{System.Text.RegularExpressions.Regex.Escape(Region)}[a-z]$"))
                yield return new Problem($"{Namespace}:network.availabilityZones[{index}]", zone, $"must be a zone of aws:region {Region}, such as {Region}a");
        if (Queue is { } queue && Worker.TerminationDrainSeconds < queue.JobTimeoutSeconds)
            yield return new Problem($"{Namespace}:worker.terminationDrainSeconds", Worker.TerminationDrainSeconds,
                $"must be at least {Namespace}:worker.queue.jobTimeoutSeconds ({queue.JobTimeoutSeconds}), so a terminating worker can finish its job");
        if (Network.ExistingVpc is { } existing && !LoadBalancer.Internal
            && existing.PublicSubnetIds.Count < (LoadBalancer.Type == LoadBalancerType.Application ? 2 : 1))
            yield return new Problem($"{Namespace}:network.existingVpc.publicSubnetIds", existing.PublicSubnetIds,
                $"an internet-facing {LoadBalancer.Type.ToString().ToLowerInvariant()} balancer needs public subnets{(LoadBalancer.Type == LoadBalancerType.Application ? " in at least 2 zones" : "")}; give them, or set {Namespace}:loadBalancer.internal to true");
        if (LoadBalancer.Ipv6 && !Network.Ipv6 && Network.ExistingVpc is null)
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

    /// <summary>project, stack and managed-by, plus whatever infra:tags adds.</summary>
    static IReadOnlyDictionary<string, string> CommonTags(string project, string stack, IReadOnlyDictionary<string, string> userTags)
    {
        var tags = new Dictionary<string, string>(userTags)
        {
            ["project"] = project,
            ["stack"] = stack,
            ["managed-by"] = "pulumi",
        };
        return tags;
    }
}

using System.Text.Json;
using Infra.Components.LoadBalancing;
using Pulumi;

namespace Infra.Components.Monitoring;

/// <summary>The dashboard's body (CloudWatch's dashboard body structure: widgets with type, x, y, width, height and
/// properties on a 24-column grid; metric widgets list [namespace, metric, dimension, value, ..., {options}]), built
/// from the plan's own names once they are known. Rows follow a request: CloudFront, the balancer, the web tier, then
/// the jobs it queues and the workers.</summary>
public static class DashboardBody
{
    public const int Columns = 24;

    public static Output<string> Render(MonitoringArgs args, string title)
    {
        var names = new List<Output<KeyValuePair<string, string>>>();
        void Name(string key, Output<string>? value)
        {
            if (value is not null)
                names.Add(value.Apply(known => KeyValuePair.Create(key, known)));
        }

        Name("cdn", args.DistributionId);
        Name("lb", args.BalancerType == LoadBalancerType.Classic ? args.Balancer?.ClassicName : args.Balancer?.LoadBalancerArnSuffix);
        foreach (var (port, suffix) in args.Balancer?.TargetGroupArnSuffixes ?? new Dictionary<string, Output<string>>())
            Name($"tg:{port}", suffix);
        Name("queue", args.QueueName);
        Name("dlq", args.DeadLetterQueueName);
        return Output.All(names).Apply(pairs => Build(args, title, pairs.ToDictionary(pair => pair.Key, pair => pair.Value)));
    }

    sealed record Widget(string Type, int X, int Y, int Width, int Height, Dictionary<string, object> Properties);

    static string Build(MonitoringArgs args, string title, IReadOnlyDictionary<string, string> names)
    {
        var widgets = new List<Widget>();
        var y = 0;
        void Row(params (string Title, object[][] Metrics, string Stat, string Region)[] graphs)
        {
            var width = Columns / graphs.Length;
            foreach (var (graph, index) in graphs.Select((graph, index) => (graph, index)))
                widgets.Add(new Widget("metric", index * width, y, width, 6, new Dictionary<string, object>
                {
                    ["title"] = graph.Title, ["view"] = "timeSeries", ["region"] = graph.Region, ["stat"] = graph.Stat, ["period"] = 60,
                    ["metrics"] = graph.Metrics,
                }));
            y += 6;
        }

        widgets.Add(new Widget("text", 0, y, Columns, 1, new Dictionary<string, object>
        {
            ["markdown"] = $"# {title}: CloudFront → balancer → web tier → job queue → workers",
        }));
        y += 1;
        var region = args.Region;
        if (names.TryGetValue("cdn", out var distribution))
        {
            object[] Cdn(string metric, string? stat = null) =>
                stat is null ? ["AWS/CloudFront", metric, "DistributionId", distribution, "Region", "Global"]
                    : ["AWS/CloudFront", metric, "DistributionId", distribution, "Region", "Global", new Dictionary<string, object> { ["stat"] = stat }];
            Row(("CloudFront requests", [Cdn("Requests")], "Sum", Monitoring.CloudFrontRegion),
                ("CloudFront error rate (%)", [Cdn("5xxErrorRate", "Average"), Cdn("4xxErrorRate", "Average")], "Average", Monitoring.CloudFrontRegion));
        }

        var targetGroups = names.Where(pair => pair.Key.StartsWith("tg:", StringComparison.Ordinal)).OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        if (names.TryGetValue("lb", out var balancer))
        {
            if (args.BalancerType == LoadBalancerType.Classic)
                Row(("Requests", [["AWS/ELB", "RequestCount", "LoadBalancerName", balancer]], "Sum", region),
                    ("Errors", [["AWS/ELB", "HTTPCode_Backend_5XX", "LoadBalancerName", balancer], ["AWS/ELB", "HTTPCode_ELB_5XX", "LoadBalancerName", balancer]], "Sum", region),
                    ("Latency p50 / p99 (s)", [["AWS/ELB", "Latency", "LoadBalancerName", balancer, Stat("p50")], ["AWS/ELB", "Latency", "LoadBalancerName", balancer, Stat("p99")]], "p50", region),
                    ("Healthy hosts", [["AWS/ELB", "HealthyHostCount", "LoadBalancerName", balancer], ["AWS/ELB", "UnHealthyHostCount", "LoadBalancerName", balancer]], "Minimum", region));
            else
            {
                var ns = args.BalancerType == LoadBalancerType.Application ? "AWS/ApplicationELB" : "AWS/NetworkELB";
                object[] ByGroup(string metric, string suffix, string? stat = null) =>
                    stat is null ? [ns, metric, "TargetGroup", suffix, "LoadBalancer", balancer] : [ns, metric, "TargetGroup", suffix, "LoadBalancer", balancer, Stat(stat)];
                var hosts = targetGroups.SelectMany(pair => new[] { ByGroup("HealthyHostCount", pair.Value), ByGroup("UnHealthyHostCount", pair.Value) }).ToArray();
                if (args.BalancerType == LoadBalancerType.Application)
                    Row(("Requests", [.. targetGroups.Select(pair => ByGroup("RequestCount", pair.Value))], "Sum", region),
                        ("5xx errors (targets, balancer)", [.. targetGroups.Select(pair => ByGroup("HTTPCode_Target_5XX_Count", pair.Value)),
                            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", balancer]], "Sum", region),
                        ("Target response time p50 / p99 (s)", [.. targetGroups.SelectMany(pair => new[]
                            { ByGroup("TargetResponseTime", pair.Value, "p50"), ByGroup("TargetResponseTime", pair.Value, "p99") })], "p50", region),
                        ("Healthy hosts", hosts, "Minimum", region));
                else
                    Row(("Flows", [[ns, "NewFlowCount", "LoadBalancer", balancer]], "Sum", region), ("Healthy hosts", hosts, "Minimum", region));
            }
        }

        foreach (var group in args.Groups)
        {
            object[] Group(string metric) => ["AWS/AutoScaling", metric, "AutoScalingGroupName", group.GroupName];
            Row(($"{group.Tier}: CPU (%)", [["AWS/EC2", "CPUUtilization", "AutoScalingGroupName", group.GroupName]], "Average", region),
                ($"{group.Tier}: desired / in service / max", [Group("GroupDesiredCapacity"), Group("GroupInServiceInstances"), Group("GroupMaxSize")], "Maximum", region));
        }

        if (names.TryGetValue("queue", out var queue))
        {
            var deadLetters = names.GetValueOrDefault("dlq");
            Row(("Jobs waiting", [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", queue]], "Maximum", region),
                ("Oldest job (s)", [["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", queue]], "Maximum", region),
                ("Dead letters", deadLetters is null ? [] : [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", deadLetters]], "Maximum", region));
        }

        var body = new Dictionary<string, object>
        {
            ["widgets"] = widgets.Select(widget => new Dictionary<string, object>
            {
                ["type"] = widget.Type, ["x"] = widget.X, ["y"] = widget.Y, ["width"] = widget.Width, ["height"] = widget.Height, ["properties"] = widget.Properties,
            }).ToList(),
        };
        return JsonSerializer.Serialize(body);
    }

    static Dictionary<string, object> Stat(string stat) => new() { ["stat"] = stat, ["label"] = stat };
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Infra.Plan;

public static class JsonPlan
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The documented shape: {project, stack, sdk, resources[], outputs, diagnostics[], findings[]}.</summary>
    public static string Render(PlanDocument plan)
    {
        var document = new JsonObject
        {
            ["project"] = plan.Project,
            ["stack"] = plan.Stack,
            ["sdk"] = plan.Sdk,
            ["region"] = plan.Region,
            ["resources"] = new JsonArray([.. plan.Resources.Select(resource => (JsonNode)new JsonObject
            {
                ["urn"] = resource.Urn,
                ["type"] = resource.Type,
                ["name"] = resource.Name,
                ["parent"] = resource.Parent,
                ["provider"] = resource.Provider,
                ["dependsOn"] = new JsonArray([.. resource.DependsOn.Select(urn => (JsonNode)urn)]),
                ["protect"] = resource.Protect,
                ["inputs"] = resource.Inputs.DeepClone(),
                ["outputs"] = resource.Outputs.DeepClone(),
                ["secretDigests"] = new JsonObject([.. resource.SecretDigests.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value))]),
            })]),
            ["outputs"] = plan.Outputs.DeepClone(),
            ["diagnostics"] = new JsonArray([.. plan.Diagnostics.Select(diagnostic => (JsonNode)new JsonObject
            {
                ["severity"] = diagnostic.Severity,
                ["key"] = diagnostic.Key,
                ["message"] = diagnostic.Message,
            })]),
            ["cost"] = plan.Cost is { } cost ? new JsonObject
            {
                ["currency"] = "USD",
                ["monthly"] = new JsonObject
                {
                    ["min"] = Math.Round(cost.Min, 2), ["desired"] = Math.Round(cost.Desired, 2),
                    ["scheduled"] = Math.Round(cost.Scheduled, 2), ["max"] = Math.Round(cost.Max, 2),
                },
            } : null,
            ["findings"] = new JsonArray([.. plan.Findings.Select(finding => (JsonNode)new JsonObject
            {
                ["rule"] = finding.Rule,
                ["severity"] = finding.SeverityName,
                ["resources"] = new JsonArray([.. finding.Resources.Select(urn => (JsonNode)urn)]),
                ["message"] = finding.Message,
                ["fix"] = finding.Fix,
            })]),
        };
        if (plan.Regions.Count > 0)
            document["regions"] = SiteSummary.Regions(plan);
        return document.ToJsonString(Indented) + "\n";
    }

    /// <summary>A plan written by <see cref="Render"/> (e.g. saved from the base branch), read back for a diff.</summary>
    public static PlanDocument Parse(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("the plan is not a JSON object");
        string Text(JsonNode? node, string name) => node?[name]?.GetValue<string>() ?? throw new InvalidDataException($"the plan has no {name}");
        var resources = (root["resources"]?.AsArray() ?? throw new InvalidDataException("the plan has no resources")).Select(node => new PlannedResource(
            Text(node, "urn"), Text(node, "type"), Text(node, "name"), node!["parent"]?.GetValue<string>(), node["provider"]?.GetValue<string>(),
            [.. node["dependsOn"]?.AsArray().Select(item => item!.GetValue<string>()) ?? []], node["protect"]?.GetValue<bool>() ?? false,
            node["inputs"]?.DeepClone().AsObject() ?? [], node["outputs"]?.DeepClone().AsObject() ?? [])
        {
            SecretDigests = node["secretDigests"]?.AsObject().ToDictionary(pair => pair.Key, pair => pair.Value!.GetValue<string>()) ?? [],
        }).ToList();
        var project = Text(root, "project");
        var stack = Text(root, "stack");
        return new PlanDocument(project, stack, root["sdk"]?.GetValue<string>() ?? "", root["region"]?.GetValue<string>() ?? "",
            $"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}", resources, root["outputs"]?.DeepClone().AsObject() ?? [], [], TimeSpan.Zero);
    }
}

/// <summary>Plan-check findings as people read them: severity and rule, the message, the fix indented below.</summary>
public static class FindingList
{
    public static void Render(IEnumerable<Checks.Finding> findings, IAnsiConsole console)
    {
        foreach (var finding in findings)
        {
            var color = finding.Severity == Checks.Severity.Error ? "red" : "yellow";
            console.MarkupLine($"[{color}]{finding.SeverityName} {finding.Rule}[/] {Markup.Escape(finding.Message)}");
            console.MarkupLine($"    [grey]fix: {Markup.Escape(finding.Fix)}[/]");
        }
    }
}

public static class TreePlan
{
    /// <summary>Resources nested by parent like `pulumi preview`, then outputs, then a one-line summary.</summary>
    public static void Render(PlanDocument plan, IAnsiConsole console)
    {
        var tree = new Tree(new Markup($"[bold]pulumi:pulumi:Stack[/] {Markup.Escape($"{plan.Project}-{plan.Stack}")}"));
        AddChildren(plan, plan.StackUrn, tree);
        console.Write(tree);
        console.WriteLine();
        console.MarkupLine("[bold]Outputs:[/]");
        foreach (var (name, value) in plan.Outputs)
            console.MarkupLine($"    {Markup.Escape(name)}: [green]{Markup.Escape(Text(value))}[/]");
        console.WriteLine();
        foreach (var diagnostic in plan.Diagnostics)
            console.MarkupLine($"[grey]{Markup.Escape($"{diagnostic.Severity}: {diagnostic.Key}: {diagnostic.Message}")}[/]");
        FindingList.Render(plan.Findings, console);
        console.MarkupLine(Markup.Escape(Summary(plan)));
    }

    public static string Summary(PlanDocument plan)
    {
        var perComponent = plan.ChildrenOf(plan.StackUrn)
            .Select(component => $"{component.Name} {1 + Descendants(plan, component.Urn)}");
        var cost = plan.Cost is { } monthly ? string.Create(CultureInfo.InvariantCulture, $", about ${monthly.Desired:#,0} a month at desired capacity") : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{plan.Resources.Count} resources to create ({string.Join(", ", perComponent)}){cost} in {plan.Elapsed.TotalSeconds:0.00} s");
    }

    static int Descendants(PlanDocument plan, string urn) =>
        plan.ChildrenOf(urn).Sum(child => 1 + Descendants(plan, child.Urn));

    static void AddChildren(PlanDocument plan, string parentUrn, IHasTreeNodes node)
    {
        foreach (var resource in plan.ChildrenOf(parentUrn))
        {
            var settings = KeySettings.Describe(resource);
            var label = $"[green]+[/] [bold]{Markup.Escape(resource.Type)}[/] {Markup.Escape(resource.Name)}"
                + (settings.Length > 0 ? $"  [grey]{Markup.Escape(settings)}[/]" : "")
                + (resource.Protect ? " [yellow](protected)[/]" : "");
            AddChildren(plan, resource.Urn, node.AddNode(new Markup(label)));
        }
    }

    static string Text(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue scalar when scalar.TryGetValue<string>(out var text) => text,
        _ => value.ToJsonString(),
    };
}

internal static class MermaidPlan
{
    /// <summary>The architecture: components as subgraphs, traffic from the internet through the load balancer
    /// to the instances, assets through CloudFront from S3.</summary>
    public static string Render(PlanDocument plan)
    {
        if (plan.Regions.Count > 0)
            return Site(plan);
        var text = new StringBuilder("flowchart LR\n");
        text.Append("    internet((Internet))\n");
        var edges = Body(plan, "", text);
        foreach (var edge in edges)
            text.Append(edge).Append('\n');
        return text.ToString();
    }

    static string Id(string name) => new([.. name.Select(c => char.IsLetterOrDigit(c) ? c : '_')]);

    /// <summary>A site: the shared name's records on top, the regions side by side below, each record to its region's balancer.</summary>
    static string Site(PlanDocument site)
    {
        var text = new StringBuilder("flowchart TB\n");
        text.Append("    internet((Internet))\n");
        var records = site.Resources.Where(resource => resource.Type == "aws:route53/record:Record").ToList();
        var domain = records.FirstOrDefault()?.Inputs["name"]?.ToString() ?? site.Stack;
        text.Append($"    subgraph dns[\"Route 53: {domain} ({site.Stack})\"]\n");
        foreach (var record in records)
        {
            var routing = record.Inputs["latencyRoutingPolicies"] is JsonArray latency ? $"latency {latency[0]?["region"]}"
                : record.Inputs["geolocationRoutingPolicies"] is JsonArray geo ? $"geolocation {geo[0]?["continent"] ?? geo[0]?["country"]}"
                : record.Inputs["failoverRoutingPolicies"] is JsonArray failover ? $"failover {failover[0]?["type"]}" : "simple";
            text.Append($"        dns_{Id(record.Name)}[\"A alias {record.Inputs["setIdentifier"]}<br/>{routing}\"]\n");
        }

        text.Append("    end\n");
        text.Append("    internet -->|DNS| dns\n");
        var edges = new List<string>();
        foreach (var region in site.Regions)
        {
            var prefix = Id(region.Stack) + "_";
            text.Append($"    subgraph {prefix}region[\"{region.Stack} ({region.Region})\"]\n        direction LR\n");
            edges.AddRange(Body(region, prefix, text));
            text.Append("    end\n");
            var balancer = region.ChildrenOf(region.StackUrn).FirstOrDefault(component => component.Type == "infra:loadbalancing:WebLoadBalancer");
            foreach (var record in records.Where(record => record.Inputs["setIdentifier"]?.ToString() == region.Stack))
                edges.Add(balancer is null ? $"    dns_{Id(record.Name)} --> {prefix}region" : $"    dns_{Id(record.Name)} -->|alias| {prefix}{Id(balancer.Name)}_alb");
        }

        foreach (var edge in edges)
            text.Append(edge).Append('\n');
        return text.ToString();
    }

    /// <summary>The components of one stack as subgraphs (ids prefixed, for several stacks in one chart); returns the edges.</summary>
    static List<string> Body(PlanDocument plan, string prefix, StringBuilder text)
    {
        string Id(string name) => prefix + MermaidPlan.Id(name);
        PlannedResource? First(string urn, string type) => Flatten(plan, urn).FirstOrDefault(resource => resource.Type == type);
        string Count(string urn, string type, string label)
        {
            var count = Flatten(plan, urn).Count(resource => resource.Type == type);
            return count == 0 ? "" : $"{count} {label}";
        }

        var edges = new List<string>();
        foreach (var component in plan.ChildrenOf(plan.StackUrn))
        {
            var id = Id(component.Name);
            text.Append($"    subgraph {id}[\"{component.Name} ({component.Type})\"]\n");
            switch (component.Type)
            {
                case "infra:network:Network":
                    var vpc = First(component.Urn, "aws:ec2/vpc:Vpc");
                    text.Append($"        {id}_vpc[\"VPC {vpc?.Inputs["cidrBlock"]}<br/>{Count(component.Urn, "aws:ec2/subnet:Subnet", "subnets")}, {Count(component.Urn, "aws:ec2/natGateway:NatGateway", "NAT gateways")}\"]\n");
                    break;
                case "infra:loadbalancing:WebLoadBalancer":
                    var listeners = Flatten(plan, component.Urn).Where(r => r.Type == "aws:lb/listener:Listener")
                        .Select(r => $"{r.Inputs["protocol"]}:{r.Inputs["port"]}");
                    text.Append($"        {id}_alb[\"Application Load Balancer<br/>{string.Join(" ", listeners)}\"]\n");
                    text.Append($"        {id}_tg[\"{Count(component.Urn, "aws:lb/targetGroup:TargetGroup", "target groups")}\"]\n");
                    edges.Add($"    internet -->|HTTP/HTTPS| {id}_alb");
                    edges.Add($"    {id}_alb --> {id}_tg");
                    break;
                case "infra:compute:AutoScaledTier":
                    var group = First(component.Urn, "aws:autoscaling/group:Group");
                    var template = First(component.Urn, "aws:ec2/launchTemplate:LaunchTemplate");
                    text.Append($"        {id}_asg[\"{component.Name} instances<br/>{template?.Inputs["instanceType"]} x {group?.Inputs["minSize"]}-{group?.Inputs["maxSize"]}\"]\n");
                    text.Append($"        {id}_alarms[\"{Count(component.Urn, "aws:cloudwatch/metricAlarm:MetricAlarm", "alarms")}\"]\n");
                    edges.Add($"    {id}_alarms -.->|scale| {id}_asg");
                    edges.AddRange(plan.ChildrenOf(plan.StackUrn).Where(c => c.Type == "infra:network:Network")
                        .Select(network => $"    {id}_asg -.-|private subnets| {Id(network.Name)}_vpc"));
                    if (group?.Inputs["healthCheckType"]?.ToString() == "ELB")
                        edges.AddRange(plan.ChildrenOf(plan.StackUrn).Where(c => c.Type == "infra:loadbalancing:WebLoadBalancer")
                            .Select(lb => $"    {Id(lb.Name)}_tg -->|forward| {id}_asg"));
                    // The tier's queue permissions say which way jobs flow.
                    var queuePolicy = Flatten(plan, component.Urn).FirstOrDefault(r => r.Type == "aws:iam/rolePolicy:RolePolicy" && r.Name == $"{component.Name}-queue");
                    var sends = queuePolicy?.Inputs["policy"]?.ToString().Contains("sqs:SendMessage", StringComparison.Ordinal) == true;
                    edges.AddRange(plan.ChildrenOf(plan.StackUrn).Where(c => queuePolicy is not null && c.Type == "infra:queue:JobQueue")
                        .Select(queue => sends ? $"    {id}_asg -->|send jobs| {Id(queue.Name)}_sqs" : $"    {Id(queue.Name)}_sqs -->|receive jobs| {id}_asg"));
                    break;
                case "infra:queue:JobQueue":
                    text.Append($"        {id}_sqs[(\"SQS queue<br/>dead-letter queue after failed receives\")]\n");
                    break;
                case "infra:cdn:AssetDistribution":
                    var distribution = First(component.Urn, "aws:cloudfront/distribution:Distribution");
                    text.Append($"        {id}_cdn[\"CloudFront {distribution?.Inputs["priceClass"]}\"]\n");
                    text.Append($"        {id}_s3[(\"private S3 bucket<br/>{Count(component.Urn, "aws:s3/bucketObjectv2:BucketObjectv2", "objects")}\")]\n");
                    edges.Add($"    internet -->|assets| {id}_cdn");
                    edges.Add($"    {id}_cdn -->|origin access control| {id}_s3");
                    break;
            }

            text.Append("    end\n");
        }

        return edges;
    }

    static IEnumerable<PlannedResource> Flatten(PlanDocument plan, string urn) =>
        plan.ChildrenOf(urn).SelectMany(child => Flatten(plan, child.Urn).Prepend(child));
}

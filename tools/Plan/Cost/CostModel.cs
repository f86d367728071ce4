using System.Globalization;
using Infra.Components.Compute;
using Infra.Plan.Checks;
using static Infra.Plan.Checks.PlanGraph;

namespace Infra.Plan.Cost;

public enum CostKind
{
    /// <summary>Billed for existing: hours, GB provisioned, alarms.</summary>
    Fixed,
    /// <summary>Billed for use, from the usage profile.</summary>
    Usage,
}

/// <summary>One line of the bill: quantity × unit price, per instance for the items of a group's instances. Per-instance
/// items of a mixed instances policy count only some of them: the on-demand base (the first OnlyFirst) or those above it
/// (after the first AfterFirst).</summary>
public sealed record PriceItem(string Name, string PriceId, double Quantity, string Unit, double UnitPrice, CostKind Kind, bool PerInstance = false)
{
    public int? OnlyFirst { get; init; }
    public int AfterFirst { get; init; }

    public double Monthly(Capacity capacity, string level) =>
        Quantity * UnitPrice * (PerInstance ? Math.Clamp(capacity[level] - AfterFirst, 0, OnlyFirst ?? double.PositiveInfinity) : 1);
}

/// <summary>An item the book has no price for: left out of the totals, which are then incomplete.</summary>
public sealed record Unpriced(string Urn, string Name, string Item, string PriceId, string Why);

/// <summary>A cost that may come on top of the totals, per instance of a group at most, with what it assumes.</summary>
public sealed record Risk(string Urn, string Name, string Item, double? PerInstance, Capacity Capacity, string Assumption)
{
    public double? Monthly(string level) => PerInstance * Capacity[level];
}

public sealed record ResourceCost(PlannedResource Resource, string Component, IReadOnlyList<PriceItem> Items, Capacity Capacity)
{
    public double Monthly(string level, CostKind? kind = null) =>
        Items.Where(item => kind is null || item.Kind == kind).Sum(item => item.Monthly(Capacity, level));
}

/// <summary>The monthly estimate of a plan: per resource, rolled up per top-level component and for the stack.</summary>
public sealed record CostReport(string Stack, string Region, string PricesAsOf, UsageProfile Usage, IReadOnlyList<ResourceCost> Resources,
    IReadOnlyList<Unpriced> Unpriced, IReadOnlyList<Risk> Risks, string? PartialRegion)
{
    /// <summary>Every item of the stack has a price; otherwise the totals leave out what Unpriced lists.</summary>
    public bool Complete => Unpriced.Count == 0;

    /// <summary>"incomplete: …" naming what has no price, or null when the totals are complete.</summary>
    public string? Incompleteness => Complete ? null : CostModel.Incompleteness(Region, Unpriced.Select(missing => missing.PriceId));

    public double Monthly(string level, CostKind? kind = null) => Resources.Sum(resource => resource.Monthly(level, kind));

    public IEnumerable<IGrouping<string, ResourceCost>> Components => Resources.GroupBy(resource => resource.Component);
}

/// <summary>The stack's monthly totals at each capacity, as the plan and the diff show them, and what they leave out
/// (Incompleteness is null when they are complete).</summary>
public sealed record MonthlyCost(double Min, double Desired, double Scheduled, double Max, IReadOnlyList<string> Unpriced, string? Incompleteness)
{
    public bool Complete => Incompleteness is null;

    public static MonthlyCost Of(PlanDocument plan)
    {
        var report = new CostModel(PriceBook.Default, new UsageProfile()).Estimate(plan);
        return new MonthlyCost(report.Monthly("min"), report.Monthly("desired"), report.Monthly("scheduled"), report.Monthly("max"),
            [.. report.Unpriced.Select(missing => missing.PriceId).Distinct()], report.Incompleteness);
    }
}

/// <summary>Prices each resource of the plan (one small pricer per AWS type) from the price book and the usage
/// profile. What the book cannot price is listed as unpriced with the reason, never counted as zero.</summary>
public sealed class CostModel(PriceBook prices, UsageProfile usage)
{
    public PriceBook Prices { get; } = prices;

    public static string Incompleteness(string region, IEnumerable<string> priceIds)
    {
        var missing = priceIds.Distinct().ToList();
        return $"incomplete: {missing.Count} price{(missing.Count == 1 ? "" : "s")} missing in {region} ({string.Join(", ", missing)}), left out of the totals";
    }

    public CostReport Estimate(PlanDocument plan)
    {
        var graph = new PlanGraph(plan);
        var unpriced = new List<Unpriced>();
        var risks = new List<Risk>();
        var resources = new List<ResourceCost>();
        foreach (var resource in plan.Resources)
        {
            var items = new List<PriceItem>();
            var capacity = resource.Type == Types.Group ? Capacity.Of(graph, resource) : Capacity.One;
            Price(new Context(this, graph, resource, graph.RegionOf(resource), capacity, items, unpriced, risks));
            if (items.Count > 0)
                resources.Add(new ResourceCost(resource, plan.TopLevelName(resource), items, capacity));
        }

        return new CostReport(plan.Stack, plan.Region, Prices.AsOf, usage, resources, unpriced, risks, Prices.Partial(plan.Region));
    }

    sealed record Context(CostModel Model, PlanGraph Graph, PlannedResource Resource, string Region, Capacity Capacity, List<PriceItem> Items,
        List<Unpriced> Unpriced, List<Risk> Risks)
    {
        /// <summary>Adds quantity × the book's price of the item (times factor), or records why it cannot.</summary>
        public void Add(string name, string priceId, double quantity, string unit, CostKind kind, bool perInstance = false, double factor = 1,
            int? onlyFirst = null, int afterFirst = 0)
        {
            if (Model.Prices.Price(Region, priceId) is { } price)
                Items.Add(new PriceItem(name, priceId, quantity, unit, price * factor, kind, perInstance) { OnlyFirst = onlyFirst, AfterFirst = afterFirst });
            else
                Unpriced.Add(new Unpriced(Resource.Urn, Resource.Name, name, priceId, $"no price for {priceId} in {Region} in the price book"));
        }

        public double Hours => Model.Prices.HoursPerMonth;

        /// <summary>T3, T3a and T4g in unlimited mode (AWS's default for them when the launch template says nothing) bill
        /// CPU above the baseline, once the credits are spent, per vCPU-hour: the most it can add is the whole month at
        /// 100 % CPU. Shown beside the totals, not in them.</summary>
        public void AddCreditRisk(string instanceType, PlannedResource template)
        {
            if (!CpuCredits.Apply(instanceType))
                return;
            if ((Text(template.Inputs["creditSpecification"]?["cpuCredits"]) ?? CpuCredits.AwsDefault(instanceType)) != CpuCredits.Unlimited)
                return;
            var item = $"{instanceType} unlimited CPU credits";
            if (Model.Prices.Burstable(instanceType) is not var (vcpus, baseline, priceId))
            {
                Risks.Add(new Risk(Resource.Urn, Resource.Name, item, null, Capacity, $"not priced: the price book has no baseline for {instanceType}"));
                return;
            }

            if (Model.Prices.Price(Region, priceId) is not { } perVcpuHour)
            {
                Risks.Add(new Risk(Resource.Urn, Resource.Name, item, null, Capacity, $"not priced: no price for {priceId} in {Region} in the price book"));
                return;
            }

            var surplus = vcpus * (1 - baseline);
            Risks.Add(new Risk(Resource.Urn, Resource.Name, item, surplus * Hours * perVcpuHour, Capacity, string.Create(CultureInfo.InvariantCulture,
                $"at most, per instance: 100 % CPU all month with its credits spent, {vcpus} vCPU x {1 - baseline:0%} above the {baseline:0%} baseline x {Hours:0} h x ${perVcpuHour} per vCPU-hour; creditSpecification standard caps it at the baseline")));
        }
    }

    /// <summary>A mixed instances policy, priced at the launch template's type: the on-demand base, then above it the
    /// on-demand percentage at the on-demand price and the rest at the usage profile's Spot fraction of it (an
    /// assumption: Spot prices move with supply and demand and are not in the price book).</summary>
    void MixedInstances(Context c, string instanceType, System.Text.Json.Nodes.JsonNode mix)
    {
        var priceId = PriceBook.InstanceHours(instanceType);
        var onDemandBase = Number(mix["onDemandBaseCapacity"]) ?? 0;
        var onDemandShare = (Number(mix["onDemandPercentageAboveBaseCapacity"]) ?? 100) / 100.0;
        if (onDemandBase > 0)
            c.Add($"{instanceType} on-demand base instance-hours", priceId, c.Hours, "hours", CostKind.Fixed, perInstance: true, onlyFirst: onDemandBase);
        if (onDemandShare > 0)
            c.Add($"{instanceType} on-demand instance-hours ({onDemandShare * 100:0} % above the base)", priceId, c.Hours * onDemandShare, "hours", CostKind.Fixed,
                perInstance: true, afterFirst: onDemandBase);
        if (onDemandShare < 1)
            c.Add($"{instanceType} Spot instance-hours ({(1 - onDemandShare) * 100:0} % above the base, assumed at {usage.SpotPriceFraction * 100:0} % of on-demand)", priceId,
                c.Hours * (1 - onDemandShare), "hours", CostKind.Fixed, perInstance: true, factor: usage.SpotPriceFraction, afterFirst: onDemandBase);
    }

    void Price(Context c)
    {
        var inputs = c.Resource.Inputs;
        switch (c.Resource.Type)
        {
            case Types.Group when c.Graph.LaunchTemplateOf(c.Resource) is { } template:
                var instanceType = Text(template.Inputs["instanceType"]) ?? "(unknown type)";
                if (inputs["mixedInstancesPolicy"]?["instancesDistribution"] is { } mix)
                    MixedInstances(c, instanceType, mix);
                else
                    c.Add($"{instanceType} instance-hours", PriceBook.InstanceHours(instanceType), c.Hours, "hours", CostKind.Fixed, perInstance: true);
                c.AddCreditRisk(instanceType, template);
                var volume = template.Inputs["blockDeviceMappings"]?[0]?["ebs"];
                c.Add("gp3 root volume", $"ebs.{Text(volume?["volumeType"]) ?? "gp3"}.storage", Number(volume?["volumeSize"]) ?? 8, "GB-months",
                    CostKind.Fixed, perInstance: true);
                if (Text(template.Inputs["monitoring"]?["enabled"]) == "true")
                    c.Add("detailed monitoring", "cloudwatch.ec2DetailedMonitoring.perInstance", 1, "instance-months", CostKind.Fixed, perInstance: true);
                break;
            case "aws:ec2/natGateway:NatGateway":
                c.Add("NAT gateway-hours", "vpc.natGateway.hour", c.Hours, "hours", CostKind.Fixed);
                c.Add("data processed", "vpc.natGateway.perGB", usage.NatGatewayGb, "GB", CostKind.Usage);
                break;
            case "aws:ec2/eip:Eip":
                c.Add("public IPv4 address", "vpc.publicIPv4.inUse", c.Hours, "IP-hours", CostKind.Fixed);
                break;
            case Types.LoadBalancer when Text(inputs["loadBalancerType"]) is "application" or null:
                c.Add("ALB-hours", "elb.alb.hour", c.Hours, "hours", CostKind.Fixed);
                if (Text(inputs["internal"]) != "true")
                    c.Add("public IPv4 address per zone", "vpc.publicIPv4.inUse", c.Hours * Items(inputs["subnets"]).Count(), "IP-hours", CostKind.Fixed);
                c.Add("capacity units", "elb.alb.lcu", usage.LoadBalancerCapacityUnits * c.Hours, "LCU-hours", CostKind.Usage);
                c.Add("data out to the internet", "dataTransfer.internetOut.first10TB", usage.LoadBalancerEgressGb, "GB", CostKind.Usage);
                break;
            case Types.LoadBalancer when Text(inputs["loadBalancerType"]) == "network":
                c.Add("NLB-hours", "elb.nlb.hour", c.Hours, "hours", CostKind.Fixed);
                if (Text(inputs["internal"]) != "true")
                    c.Add("public IPv4 address per zone", "vpc.publicIPv4.inUse", c.Hours * Items(inputs["subnets"]).Count(), "IP-hours", CostKind.Fixed);
                c.Add("capacity units", "elb.nlb.nlcu", usage.LoadBalancerCapacityUnits * c.Hours, "NLCU-hours", CostKind.Usage);
                c.Add("data out to the internet", "dataTransfer.internetOut.first10TB", usage.LoadBalancerEgressGb, "GB", CostKind.Usage);
                break;
            case Types.ClassicLoadBalancer:
                c.Add("CLB-hours", "elb.clb.hour", c.Hours, "hours", CostKind.Fixed);
                if (Text(inputs["internal"]) != "true")
                    c.Add("public IPv4 address per zone", "vpc.publicIPv4.inUse", c.Hours * Items(inputs["subnets"]).Count(), "IP-hours", CostKind.Fixed);
                c.Add("data processed", "elb.clb.perGB", usage.LoadBalancerEgressGb, "GB", CostKind.Usage);
                c.Add("data out to the internet", "dataTransfer.internetOut.first10TB", usage.LoadBalancerEgressGb, "GB", CostKind.Usage);
                break;
            case Types.Alarm:
                // Billed per metric the alarm reads: metric math over two metrics costs two.
                var metrics = MetricsOf(c.Resource).ToList();
                var highResolution = metrics.Any(metric => metric.Period is < 60);
                c.Add(metrics.Count == 1 ? "alarm" : $"alarm on {metrics.Count} metrics", highResolution ? "cloudwatch.alarm.highResolution" : "cloudwatch.alarm.standard",
                    metrics.Count, "alarm-months", CostKind.Fixed);
                break;
            case "aws:cloudwatch/dashboard:Dashboard":
                c.Add("dashboard", "cloudwatch.dashboard.month", 1, "dashboard-months", CostKind.Fixed);
                break;
            case "aws:kms/key:Key":
                c.Add("customer managed key", "kms.customerManagedKey.month", 1, "key-months", CostKind.Fixed);
                break;
            case "aws:autoscaling/policy:Policy" when Text(inputs["policyType"]) == "TargetTrackingScaling":
                // Target tracking creates and owns two alarms (scale out, scale in).
                c.Add("target-tracking alarms", "cloudwatch.alarm.standard", 2, "alarm-months", CostKind.Fixed);
                break;
            case "aws:cloudwatch/logGroup:LogGroup":
                c.Add("log ingestion", "cloudwatch.logs.ingestion.standard", usage.LogIngestionGb, "GB", CostKind.Usage);
                var months = Math.Min((Number(inputs["retentionInDays"]) ?? 365) / 30.0, 12);
                c.Add("log storage", "cloudwatch.logs.storage", usage.LogIngestionGb * months, "GB-months", CostKind.Usage);
                break;
            case "aws:s3/bucket:Bucket":
                c.Add("storage", "s3.standard.first50TB", usage.BucketStorageGb, "GB-months", CostKind.Usage);
                c.Add("GET requests", "s3.requests.getSelectOther", usage.BucketGetRequests / 1000, "1,000 requests", CostKind.Usage);
                c.Add("PUT requests", "s3.requests.putCopyPostList", usage.BucketPutRequests / 1000, "1,000 requests", CostKind.Usage);
                break;
            case Types.Distribution:
                c.Add("data out (North America/Europe rate)", "cloudfront.dto.first10TB.northAmerica", usage.CloudFrontGb, "GB", CostKind.Usage);
                c.Add("HTTPS requests", "cloudfront.requests.https.northAmerica", usage.CloudFrontHttpsRequests / 10_000, "10,000 requests", CostKind.Usage);
                break;
            case "aws:sns/topicSubscription:TopicSubscription" when Text(inputs["protocol"]) == "email":
                c.Add("email notifications", "sns.delivery.email", usage.EmailNotifications / 100_000, "100,000 notifications", CostKind.Usage);
                break;
            case "aws:wafv2/webAcl:WebAcl":
                c.Add("web ACL", "waf.webAcl.month", 1, "ACL-months", CostKind.Fixed);
                var ruleCount = System.Text.Json.Nodes.JsonNode.Parse(Text(inputs["ruleJson"]) ?? "[]")!.AsArray().Count;
                c.Add("rules", "waf.rule.month", ruleCount, "rule-months", CostKind.Fixed);
                c.Add("requests inspected", "waf.requests", usage.WebAclRequests / 1_000_000, "million requests", CostKind.Usage);
                break;
            case "aws:cloudwatch/logDelivery:LogDelivery":
                c.Add("logs delivered to S3", "vendedLogs.toS3.first10TB", usage.LogIngestionGb, "GB", CostKind.Usage);
                break;
            case "aws:sqs/queue:Queue":
                c.Add("requests", "sqs.requests.standard", usage.QueueRequests / 1_000_000, "million requests", CostKind.Usage);
                break;
            case "aws:route53/healthCheck:HealthCheck":
                // Alias records to balancers are free to query; a health check of an AWS endpoint is billed monthly.
                c.Add("health check of an AWS endpoint", "route53.healthCheck.awsEndpoint", 1, "health-check-months", CostKind.Fixed);
                break;
            case Types.Endpoint when Text(inputs["vpcEndpointType"]) == "Interface":
                // Billed per zone it has a network interface in (one subnet per zone), plus the data it processes.
                c.Add("interface endpoint-hours", "vpc.interfaceEndpoint.hour", c.Hours * Math.Max(1, Items(inputs["subnetIds"]).Count()), "endpoint-AZ-hours",
                    CostKind.Fixed);
                c.Add("data processed", "vpc.interfaceEndpoint.perGB", usage.InterfaceEndpointGb, "GB", CostKind.Usage);
                break;
        }
    }
}


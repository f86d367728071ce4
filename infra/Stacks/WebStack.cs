using System.Collections.Immutable;
using Infra.Components.Cdn;
using Infra.Components.Compute;
using Infra.Components.LoadBalancing;
using Infra.Components.Monitoring;
using Infra.Components.Network;
using Infra.Components.Queue;
using Infra.Configuration;
using Pulumi;

namespace Infra.Stacks;

/// <summary>The web application, read top to bottom like the architecture.</summary>
public static class WebStack
{
    /// <param name="options">Merged into every top-level component (tests and the plan use it to observe the graph).</param>
    public static async Task<IDictionary<string, object?>> RunAsync(ComponentResourceOptions? options = null)
    {
        const string ns = StackSettings.Namespace;
        var settings = StackSettings.Load();

        var network = await Network.CreateAsync("network", settings.Network, options, $"{ns}:network");

        var balancerArgs = settings.LoadBalancer with
        {
            VpcId = network.VpcId,
            PublicSubnetIds = network.PublicSubnetIds,
            PrivateSubnetIds = network.PrivateSubnetIds,
            SecurityGroupId = network.LoadBalancerSecurityGroupId,
        };
        IWebBalancer loadBalancer = balancerArgs.Type switch
        {
            LoadBalancerType.Network => new NetworkLoadBalancer("web-lb", balancerArgs, options, $"{ns}:loadBalancer"),
            LoadBalancerType.Classic => new ClassicLoadBalancer("web-lb", balancerArgs, options, $"{ns}:loadBalancer"),
            _ => new WebLoadBalancer("web-lb", balancerArgs, options, $"{ns}:loadBalancer"),
        };
        var attachment = loadBalancer.Attachment;

        // Built before the web tier because its host names go into the web servers' user data.
        var assets = new AssetDistribution("assets", settings.Assets, options, $"{ns}:assets");

        // Before both tiers: the web servers send jobs to it, the workers consume them.
        var jobs = settings.Queue is { } queue ? new JobQueue("jobs", queue, options, $"{ns}:worker.queue") : null;
        QueueAccess? Access(QueueUse use) => jobs is null ? null
            : new QueueAccess(jobs.Arn, jobs.Url, jobs.Name, jobs.KmsKeyArn, use) { DeadLetterName = jobs.DeadLetterName };

        // Before the tiers, whose instance refreshes stop on its alarms; it names the groups by their fixed names.
        var monitoring = new Monitoring("monitoring", new MonitoringArgs
        {
            Alerts = settings.Alerts,
            Region = settings.Region,
            BalancerType = balancerArgs.Type,
            Balancer = attachment,
            Groups = [new WatchedGroup("web", AutoScaledTier.GroupNameFor("web"), Web: true), new WatchedGroup("worker", AutoScaledTier.GroupNameFor("worker"), Web: false)],
            QueueName = jobs?.Name,
            DeadLetterQueueName = jobs?.DeadLetterName,
            DistributionId = assets.DistributionId,
            Tags = settings.Tags,
        }, options, $"{ns}:alerts");
        RolloutArgs Rollout(AutoScaledTierArgs tier, string name) =>
            tier.Rollout with { StopOnAlarms = monitoring.RolloutAlarms.TryGetValue(name, out var alarms) ? alarms : null };

        var web = new AutoScaledTier("web", settings.Web with
        {
            Rollout = Rollout(settings.Web, "web"),
            Queue = Access(QueueUse.Send),
            SubnetIds = network.PrivateSubnetIds,
            SecurityGroupId = network.InstanceSecurityGroupId,
            TargetGroupArns = attachment.TargetGroupArns,
            LoadBalancerNames = attachment.LoadBalancerNames,
            TargetGroupArnSuffixes = attachment.TargetGroupArnSuffixes,
            LoadBalancerArnSuffix = attachment.LoadBalancerArnSuffix,
            ClassicLoadBalancerName = attachment.ClassicName,
            UserData = settings.Web.UserData with { AssetHost = assets.AssetHosts.Apply(hosts => string.Join(",", hosts)) },
        }, options, $"{ns}:web");

        var worker = new AutoScaledTier("worker", settings.Worker with
        {
            Rollout = Rollout(settings.Worker, "worker"),
            SubnetIds = network.PrivateSubnetIds,
            SecurityGroupId = network.WorkerSecurityGroupId,
            Queue = Access(QueueUse.Consume),
            Notifications = settings.Notifications is { } notifications
                ? notifications with { TopicArn = notifications.TopicArn ?? web.TopicArn.Apply(arn => arn!), Emails = [] }
                : null,
        }, options, $"{ns}:worker");

        var outputs = new Dictionary<string, object?>
        {
            ["siteUrl"] = loadBalancer.Url,
            [RegionExports.BalancerDnsNameName] = loadBalancer.DnsName,
            // What a global stack reads through its StackReference (README, More than one region).
            [RegionExports.BalancerZoneIdName] = loadBalancer.ZoneId,
            [RegionExports.RegionName] = Output.Create(settings.Region),
            [RegionExports.InternalName] = Output.Create(settings.LoadBalancer.Internal),
            ["assetDomain"] = assets.DomainName,
            ["assetHosts"] = assets.AssetHosts,
            ["assetBucket"] = assets.BucketName,
            ["webGroupName"] = web.GroupName,
            ["workerGroupName"] = worker.GroupName,
            ["vpcId"] = network.VpcId,
            ["notificationTopicArn"] = web.TopicArn,
            ["pagingTopicArn"] = monitoring.PagingTopicArn,
            ["dashboardName"] = monitoring.DashboardName,
        };
        // The names of the uploaded certificate, or of the issued ones (dns.domainName and certificateNames).
        if ((settings.LoadBalancer.IssueCertificate ? settings.LoadBalancer.IssuedNames : settings.LoadBalancer.Certificate?.DnsNames) is { Count: > 0 } names)
            outputs[RegionExports.CertificateNamesName] = Output.Create(names.ToImmutableArray());
        if (settings.LoadBalancer.Dns is { } dns)
            outputs[RegionExports.DomainNameName] = Output.Create(dns.DomainName);
        if (jobs is not null)
        {
            outputs["queueUrl"] = jobs.Url;
            outputs["queueArn"] = jobs.Arn;
            outputs["deadLetterQueueUrl"] = jobs.DeadLetterUrl;
        }

        return outputs;
    }
}

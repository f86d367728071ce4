using System.Collections.Immutable;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.LoadBalancing;

/// <summary>A Network Load Balancer: TCP, TLS and UDP listeners (TCP 443 → 8443 passes TLS through to the instances,
/// as the seeds do), a target group per target port with TCP or HTTP health checks and the client's address
/// preserved, cross-zone balancing, its own security group, access logs, deletion protection and a DNS alias.</summary>
public sealed class NetworkLoadBalancer : ComponentResource, IWebBalancer
{
    public const string Type = "infra:loadbalancing:NetworkLoadBalancer";

    [Output] public Output<string> Arn { get; }
    [Output] public Output<string> DnsName { get; }
    [Output] public Output<string> ZoneId { get; }
    [Output] public Output<string> Url { get; }
    [Output] public Output<ImmutableArray<string>> TargetGroupArns { get; }

    public BalancerAttachment Attachment { get; }

    public NetworkLoadBalancer(string name, WebLoadBalancerArgs args, ComponentResourceOptions? options = null, string scope = "loadBalancer")
        : base(Type, name, Checks.Valid(options, args.Validate(scope)))
    {
        var vpcId = args.VpcId ?? throw Wiring.Missing(nameof(args.VpcId));
        var securityGroupId = args.SecurityGroupId ?? throw Wiring.Missing(nameof(args.SecurityGroupId));
        var subnets = (args.Internal ? args.PrivateSubnetIds : args.PublicSubnetIds)
            ?? throw Wiring.Missing(args.Internal ? nameof(args.PrivateSubnetIds) : nameof(args.PublicSubnetIds));
        var child = new CustomResourceOptions { Parent = this };
        (Aws.S3.Bucket Bucket, InputList<Resource> Ready)? logs = args.AccessLogs is { } accessLogs ? BalancerParts.AccessLogs(this, name, accessLogs, args) : null;

        var balancerArgs = new Aws.LB.LoadBalancerArgs
        {
            LoadBalancerType = "network",
            Internal = args.Internal,
            Subnets = subnets,
            SecurityGroups = { securityGroupId },
            EnableCrossZoneLoadBalancing = args.CrossZone,
            EnableDeletionProtection = args.DeletionProtection,
            IpAddressType = args.Ipv6 ? "dualstack" : "ipv4",
            Tags = Tagging.Named(args.Tags, name),
        };
        if (logs is { } store)
            balancerArgs.AccessLogs = new Aws.LB.Inputs.LoadBalancerAccessLogsArgs { Bucket = store.Bucket.Id, Prefix = args.AccessLogPrefix, Enabled = true };
        var balancer = new Aws.LB.LoadBalancer(name, balancerArgs,
            new CustomResourceOptions { Parent = this, DependsOn = logs is null ? new InputList<Resource>() : logs.Value.Ready });

        var checkedWith = args.HealthCheck.Protocol ?? "TCP";
        var targetGroups = args.Targets.ToDictionary(target => target.Port, target =>
        {
            var health = new Aws.LB.Inputs.TargetGroupHealthCheckArgs
            {
                Enabled = true,
                Protocol = checkedWith,
                Port = args.HealthCheck.Port,
                Interval = args.HealthCheck.IntervalSeconds,
                Timeout = args.HealthCheck.TimeoutSeconds,
                HealthyThreshold = args.HealthCheck.HealthyThreshold,
                UnhealthyThreshold = args.HealthCheck.UnhealthyThreshold,
            };
            if (checkedWith is "HTTP" or "HTTPS")
            {
                health.Path = args.HealthCheck.Path;
                health.Matcher = args.HealthCheck.Matcher;
            }

            return new Aws.LB.TargetGroup($"{name}-{target.Port}", new Aws.LB.TargetGroupArgs
            {
                Port = target.Port,
                Protocol = target.Protocol,
                VpcId = vpcId,
                TargetType = "instance",
                DeregistrationDelay = args.DeregistrationDelaySeconds,
                PreserveClientIp = args.PreserveClientIp ? "true" : "false",
                HealthCheck = health,
                Tags = Tagging.Named(args.Tags, $"{name}-{target.Port}"),
            }, child);
        });

        var certificates = BalancerParts.Certificates(this, name, args, child);
        foreach (var listener in args.Listeners)
        {
            var listenerArgs = new Aws.LB.ListenerArgs
            {
                LoadBalancerArn = balancer.Arn,
                Port = listener.Port,
                Protocol = listener.Protocol,
                DefaultActions = { new Aws.LB.Inputs.ListenerDefaultActionArgs { Type = "forward", TargetGroupArn = targetGroups[listener.TargetPort].Arn } },
                Tags = Tagging.Named(args.Tags, $"{name}-{listener.Port}"),
            };
            if (listener.Protocol == "TLS")
            {
                listenerArgs.SslPolicy = args.SslPolicy;
                listenerArgs.CertificateArn = certificates.Default ?? throw new InvalidOperationException("validation lets no TLS listener without a certificate");
            }

            var created = new Aws.LB.Listener($"{name}-{listener.Port}", listenerArgs, child);
            if (listener.Protocol == "TLS")
                BalancerParts.AddSniCertificates($"{name}-{listener.Port}", created, certificates, child);
        }

        if (args.Dns is { } dns)
            BalancerParts.Alias(name, dns, args.Ipv6, balancer.DnsName, balancer.ZoneId, child);

        Arn = balancer.Arn;
        DnsName = balancer.DnsName;
        ZoneId = balancer.ZoneId;
        var scheme = args.Listeners.Any(listener => listener.Port == 443) ? "https" : "http";
        Url = args.Dns is { } alias ? Output.Create($"{scheme}://{alias.DomainName}") : Output.Format($"{scheme}://{balancer.DnsName}");
        TargetGroupArns = Output.All(targetGroups.Values.Select(group => group.Arn));
        Attachment = new BalancerAttachment
        {
            TargetGroupArns = TargetGroupArns,
            // Every listener forwards, so every target group is watched (AWS/NetworkELB UnHealthyHostCount).
            TargetGroupArnSuffixes = targetGroups.ToDictionary(pair => pair.Key.ToString(), pair => pair.Value.ArnSuffix),
            LoadBalancerArnSuffix = balancer.ArnSuffix,
        };
        RegisterOutputs();
    }
}

using System.Collections.Immutable;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.LoadBalancing;

/// <summary>The classic Elastic Load Balancer of the seeds, kept for stacks that need its behaviour: listeners with
/// instance ports and protocols (HTTP, HTTPS, TCP, SSL), the health check's target form (HTTP:8080/health),
/// cross-zone balancing, connection draining, access logs, and per-listener stickiness: the balancer's cookie with
/// an expiration, or the application's (JSESSIONID). Legacy: prefer the application or network balancer.</summary>
public sealed class ClassicLoadBalancer : ComponentResource, IWebBalancer
{
    public const string Type = "infra:loadbalancing:ClassicLoadBalancer";

    [Output] public Output<string> Name { get; }
    [Output] public Output<string> DnsName { get; }
    [Output] public Output<string> ZoneId { get; }
    [Output] public Output<string> Url { get; }

    public BalancerAttachment Attachment { get; }

    public ClassicLoadBalancer(string name, WebLoadBalancerArgs args, ComponentResourceOptions? options = null, string scope = "loadBalancer")
        : base(Type, name, Checks.Valid(options, args.Validate(scope)))
    {
        var securityGroupId = args.SecurityGroupId ?? throw Wiring.Missing(nameof(args.SecurityGroupId));
        var subnets = (args.Internal ? args.PrivateSubnetIds : args.PublicSubnetIds)
            ?? throw Wiring.Missing(args.Internal ? nameof(args.PrivateSubnetIds) : nameof(args.PublicSubnetIds));
        var child = new CustomResourceOptions { Parent = this };
        (Aws.S3.Bucket Bucket, InputList<Resource> Ready)? logs = args.AccessLogs is { } accessLogs ? BalancerParts.AccessLogs(this, name, accessLogs, args) : null;
        var certificateArn = BalancerParts.CertificateArn(name, args, child);

        var listeners = new InputList<Aws.Elb.Inputs.LoadBalancerListenerArgs>();
        foreach (var listener in args.Listeners)
        {
            var entry = new Aws.Elb.Inputs.LoadBalancerListenerArgs
            {
                LbPort = listener.Port,
                LbProtocol = listener.Protocol.ToLowerInvariant(),
                InstancePort = listener.TargetPort,
                InstanceProtocol = listener.TargetProtocol.ToLowerInvariant(),
            };
            if (listener.Protocol is "HTTPS" or "SSL")
                entry.SslCertificateId = certificateArn ?? throw new InvalidOperationException("validation lets no HTTPS or SSL listener without a certificate");
            listeners.Add(entry);
        }

        var check = args.HealthCheck;
        var port = check.Port == "traffic-port" ? args.Listeners[0].TargetPort.ToString() : check.Port;
        var protocol = check.Protocol ?? args.Listeners[0].TargetProtocol;
        var balancerArgs = new Aws.Elb.LoadBalancerArgs
        {
            Internal = args.Internal,
            Subnets = subnets,
            SecurityGroups = { securityGroupId },
            Listeners = listeners,
            HealthCheck = new Aws.Elb.Inputs.LoadBalancerHealthCheckArgs
            {
                // The classic form names protocol, port and (for HTTP and HTTPS) path in one string.
                Target = protocol is "HTTP" or "HTTPS" ? $"{protocol}:{port}{check.Path}" : $"{protocol}:{port}",
                Interval = check.IntervalSeconds,
                Timeout = check.TimeoutSeconds,
                HealthyThreshold = check.HealthyThreshold,
                UnhealthyThreshold = check.UnhealthyThreshold,
            },
            CrossZoneLoadBalancing = args.CrossZone,
            IdleTimeout = args.IdleTimeoutSeconds,
            ConnectionDraining = args.DeregistrationDelaySeconds > 0,
            ConnectionDrainingTimeout = Math.Max(1, args.DeregistrationDelaySeconds),
            Tags = Tagging.Named(args.Tags, name),
        };
        if (logs is { } store)
            balancerArgs.AccessLogs = new Aws.Elb.Inputs.LoadBalancerAccessLogsArgs
            {
                Bucket = store.Bucket.Id, BucketPrefix = args.AccessLogPrefix, Interval = args.AccessLogs?.IntervalMinutes ?? 5, Enabled = true,
            };
        var balancer = new Aws.Elb.LoadBalancer(name, balancerArgs,
            new CustomResourceOptions { Parent = this, DependsOn = logs is null ? new InputList<Resource>() : logs.Value.Ready });

        foreach (var listener in args.Listeners.Where(listener => listener.Protocol is "HTTP" or "HTTPS"))
            Stickiness(name, args.Stickiness with { Type = listener.Stickiness ?? args.Stickiness.Type }, balancer, listener.Port, child);

        if (args.Dns is { } dns)
            BalancerParts.Alias(name, dns, args.Ipv6, balancer.DnsName, balancer.ZoneId, child);

        Name = balancer.Name;
        DnsName = balancer.DnsName;
        ZoneId = balancer.ZoneId;
        var scheme = args.Listeners.Any(listener => listener.Protocol is "HTTPS" or "SSL") ? "https" : "http";
        Url = args.Dns is { } alias ? Output.Create($"{scheme}://{alias.DomainName}") : Output.Format($"{scheme}://{balancer.DnsName}");
        Attachment = new BalancerAttachment
        {
            LoadBalancerNames = balancer.Name.Apply(value => ImmutableArray.Create(value)),
            ClassicName = balancer.Name,
        };
        RegisterOutputs();
    }

    /// <summary>The seeds' two policies: the balancer's own cookie for a fixed time, or following the application's.</summary>
    static void Stickiness(string name, StickinessArgs stickiness, Aws.Elb.LoadBalancer balancer, int port, CustomResourceOptions child)
    {
        switch (stickiness.Type)
        {
            case "lbCookie":
                new Aws.Elb.LoadBalancerCookieStickinessPolicy($"{name}-{port}-lb-cookie", new Aws.Elb.LoadBalancerCookieStickinessPolicyArgs
                {
                    Name = $"{name}-{port}-lb-cookie",
                    LoadBalancer = balancer.Name,
                    LbPort = port,
                    CookieExpirationPeriod = stickiness.DurationSeconds,
                }, child);
                break;
            case "appCookie":
                new Aws.Elb.AppCookieStickinessPolicy($"{name}-{port}-app-cookie", new Aws.Elb.AppCookieStickinessPolicyArgs
                {
                    Name = $"{name}-{port}-app-cookie",
                    LoadBalancer = balancer.Name,
                    LbPort = port,
                    CookieName = stickiness.CookieName!,
                }, child);
                break;
        }
    }
}

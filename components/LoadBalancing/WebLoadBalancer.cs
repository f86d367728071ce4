using System.Collections.Immutable;
using Infra.Components.Shared;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.LoadBalancing;

/// <summary>An Application Load Balancer: listeners (HTTP, HTTPS with an uploaded or existing certificate,
/// optional redirect), a target group per target port with health check, stickiness and draining,
/// access logs to a private bucket, and an optional DNS alias.</summary>
public sealed class WebLoadBalancer : ComponentResource, IWebBalancer
{
    public const string Type = "infra:loadbalancing:WebLoadBalancer";

    [Output] public Output<string> Arn { get; }
    [Output] public Output<string> ArnSuffix { get; }
    [Output] public Output<string> DnsName { get; }
    [Output] public Output<string> ZoneId { get; }
    [Output] public Output<string> SecurityGroupId { get; }

    /// <summary>Target group ARNs keyed by target port.</summary>
    [Output] public Output<ImmutableDictionary<string, string>> TargetGroupArns { get; }

    /// <summary>Target group ARN suffixes keyed by target port, for CloudWatch dimensions.</summary>
    [Output] public Output<ImmutableDictionary<string, string>> TargetGroupArnSuffixes { get; }

    public BalancerAttachment Attachment { get; }

    [Output] public Output<string?> HttpsListenerArn { get; }
    [Output] public Output<string?> AccessLogBucket { get; }

    /// <summary>The address users should use: the DNS alias when given, else the balancer's name.</summary>
    [Output] public Output<string> Url { get; }

    public WebLoadBalancer(string name, WebLoadBalancerArgs args, ComponentResourceOptions? options = null, string scope = "loadBalancer")
        : base(Type, name, Checks.Valid(options, args.Validate(scope)))
    {
        var vpcId = args.VpcId ?? throw Wiring.Missing(nameof(args.VpcId));
        var securityGroupId = args.SecurityGroupId ?? throw Wiring.Missing(nameof(args.SecurityGroupId));
        var subnets = (args.Internal ? args.PrivateSubnetIds : args.PublicSubnetIds)
            ?? throw Wiring.Missing(args.Internal ? nameof(args.PrivateSubnetIds) : nameof(args.PublicSubnetIds));
        var tags = args.Tags;
        var child = new CustomResourceOptions { Parent = this };

        (Aws.S3.Bucket Bucket, InputList<Resource> Ready)? logs = args.AccessLogs is { } accessLogs ? BalancerParts.AccessLogs(this, name, accessLogs, args) : null;

        var loadBalancer = new Aws.LB.LoadBalancer(name, new Aws.LB.LoadBalancerArgs
        {
            LoadBalancerType = "application",
            Internal = args.Internal,
            Subnets = subnets,
            SecurityGroups = { securityGroupId },
            IdleTimeout = args.IdleTimeoutSeconds,
            EnableHttp2 = args.Http2,
            DropInvalidHeaderFields = args.DropInvalidHeaderFields,
            EnableDeletionProtection = args.DeletionProtection,
            IpAddressType = args.Ipv6 ? "dualstack" : "ipv4",
            AccessLogs = logs is null ? null : (Input<Aws.LB.Inputs.LoadBalancerAccessLogsArgs>)new Aws.LB.Inputs.LoadBalancerAccessLogsArgs
            {
                Bucket = logs.Value.Bucket.Id,
                Prefix = args.AccessLogPrefix,
                Enabled = true,
            },
            Tags = Tagging.Named(tags, name),
        }, new CustomResourceOptions { Parent = this, DependsOn = logs is null ? new InputList<Resource>() : logs.Value.Ready });

        var targetGroups = args.Targets.ToDictionary(target => target.Port, target =>
            new Aws.LB.TargetGroup($"{name}-{target.Port}", new Aws.LB.TargetGroupArgs
            {
                Port = target.Port,
                Protocol = target.Protocol,
                VpcId = vpcId,
                TargetType = "instance",
                DeregistrationDelay = args.DeregistrationDelaySeconds,
                SlowStart = args.SlowStartSeconds,
                LoadBalancingAlgorithmType = args.Algorithm,
                HealthCheck = new Aws.LB.Inputs.TargetGroupHealthCheckArgs
                {
                    Enabled = true,
                    Protocol = args.HealthCheck.Protocol ?? target.Protocol,
                    Port = args.HealthCheck.Port,
                    Path = args.HealthCheck.Path,
                    Interval = args.HealthCheck.IntervalSeconds,
                    Timeout = args.HealthCheck.TimeoutSeconds,
                    HealthyThreshold = args.HealthCheck.HealthyThreshold,
                    UnhealthyThreshold = args.HealthCheck.UnhealthyThreshold,
                    Matcher = args.HealthCheck.Matcher,
                },
                Stickiness = Stickiness(args.Stickiness),
                Tags = Tagging.Named(tags, $"{name}-{target.Port}"),
            }, child));

        var certificateArn = BalancerParts.CertificateArn(name, args, child);

        Output<string>? httpsListenerArn = null;
        foreach (var listener in args.Listeners)
        {
            var redirect = !args.Forwards(listener);
            var listenerArgs = new Aws.LB.ListenerArgs
            {
                LoadBalancerArn = loadBalancer.Arn,
                Port = listener.Port,
                Protocol = listener.Protocol,
                DefaultActions =
                {
                    redirect
                        ? new Aws.LB.Inputs.ListenerDefaultActionArgs
                        {
                            Type = "redirect",
                            Redirect = new Aws.LB.Inputs.ListenerDefaultActionRedirectArgs
                            {
                                Protocol = "HTTPS", Port = "443", StatusCode = "HTTP_301",
                            },
                        }
                        : new Aws.LB.Inputs.ListenerDefaultActionArgs
                        {
                            Type = "forward",
                            TargetGroupArn = targetGroups[listener.TargetPort].Arn,
                        },
                },
                Tags = Tagging.Named(tags, $"{name}-{listener.Port}"),
            };
            if (listener.Protocol == "HTTPS")
            {
                listenerArgs.SslPolicy = args.SslPolicy;
                listenerArgs.CertificateArn = certificateArn ?? throw new InvalidOperationException("validation lets no HTTPS listener without a certificate");
            }

            var created = new Aws.LB.Listener($"{name}-{listener.Port}", listenerArgs, child);
            if (listener.Protocol == "HTTPS")
                httpsListenerArn ??= created.Arn;
        }

        if (args.Waf is { } waf)
            WebFirewall(name, waf, loadBalancer, tags);

        if (args.Dns is { } dns)
            BalancerParts.Alias(name, dns, args.Ipv6, loadBalancer.DnsName, loadBalancer.ZoneId, child);

        Arn = loadBalancer.Arn;
        ArnSuffix = loadBalancer.ArnSuffix;
        DnsName = loadBalancer.DnsName;
        ZoneId = loadBalancer.ZoneId;
        SecurityGroupId = securityGroupId;
        TargetGroupArns = ByPort(targetGroups, group => group.Arn);
        TargetGroupArnSuffixes = ByPort(targetGroups, group => group.ArnSuffix);
        Attachment = new BalancerAttachment
        {
            TargetGroupArns = TargetGroupArns.Apply(arns => arns.Values.Order(StringComparer.Ordinal).ToImmutableArray()),
            // Keys known while the program runs, so a tier can create one alarm per target group.
            TargetGroupArnSuffixes = targetGroups.ToDictionary(pair => pair.Key.ToString(), pair => pair.Value.ArnSuffix),
            LoadBalancerArnSuffix = ArnSuffix,
        };
        HttpsListenerArn = httpsListenerArn is null ? Output.Create((string?)null) : httpsListenerArn.Apply(arn => (string?)arn);
        AccessLogBucket = logs is null ? Output.Create((string?)null) : logs.Value.Bucket.Id.Apply(id => (string?)id);
        var scheme = args.Listeners.Any(listener => listener.Protocol == "HTTPS") ? "https" : "http";
        Url = args.Dns is { } alias ? Output.Create($"{scheme}://{alias.DomainName}") : Output.Format($"{scheme}://{loadBalancer.DnsName}");
        RegisterOutputs();
    }

    /// <summary>A regional web ACL: requests pass unless the rate limit or a managed rule group blocks them; every
    /// rule reports CloudWatch metrics and sampled requests.</summary>
    void WebFirewall(string name, WafArgs waf, Aws.LB.LoadBalancer loadBalancer, IReadOnlyDictionary<string, string> tags)
    {
        object Visibility(string metric) => new Dictionary<string, object>
        {
            ["CloudWatchMetricsEnabled"] = true, ["MetricName"] = metric, ["SampledRequestsEnabled"] = true,
        };
        var rules = new List<object>
        {
            new Dictionary<string, object>
            {
                ["Name"] = "rate-limit-per-ip", ["Priority"] = 0, ["Action"] = new Dictionary<string, object> { ["Block"] = new { } },
                ["Statement"] = new Dictionary<string, object>
                {
                    ["RateBasedStatement"] = new Dictionary<string, object> { ["Limit"] = waf.RateLimitPer5Minutes, ["AggregateKeyType"] = "IP" },
                },
                ["VisibilityConfig"] = Visibility($"{name}-rate-limit"),
            },
        };
        rules.AddRange(waf.ManagedRuleGroups.Select((group, index) => (object)new Dictionary<string, object>
        {
            ["Name"] = group, ["Priority"] = index + 1, ["OverrideAction"] = new Dictionary<string, object> { ["None"] = new { } },
            ["Statement"] = new Dictionary<string, object>
            {
                ["ManagedRuleGroupStatement"] = new Dictionary<string, object> { ["VendorName"] = "AWS", ["Name"] = group },
            },
            ["VisibilityConfig"] = Visibility($"{name}-{group}"),
        }));

        var child = new CustomResourceOptions { Parent = this };
        var acl = new Aws.WafV2.WebAcl(name, new Aws.WafV2.WebAclArgs
        {
            NamePrefix = $"{name}-",
            Description = $"In front of the {name} load balancer",
            Scope = "REGIONAL",
            DefaultAction = new Aws.WafV2.Inputs.WebAclDefaultActionArgs { Allow = new Aws.WafV2.Inputs.WebAclDefaultActionAllowArgs() },
            VisibilityConfig = new Aws.WafV2.Inputs.WebAclVisibilityConfigArgs
            {
                CloudwatchMetricsEnabled = true, MetricName = name, SampledRequestsEnabled = true,
            },
            RuleJson = System.Text.Json.JsonSerializer.Serialize(rules),
            Tags = Tagging.Named(tags, name),
        }, child);
        new Aws.WafV2.WebAclAssociation(name, new Aws.WafV2.WebAclAssociationArgs
        {
            ResourceArn = loadBalancer.Arn,
            WebAclArn = acl.Arn,
        }, child);
    }

    static Output<ImmutableDictionary<string, string>> ByPort(Dictionary<int, Aws.LB.TargetGroup> groups,
        Func<Aws.LB.TargetGroup, Output<string>> select) =>
        Output.All(groups.Select(pair => select(pair.Value).Apply(value => KeyValuePair.Create(pair.Key.ToString(), value))))
            .Apply(pairs => pairs.ToImmutableDictionary());

    static Aws.LB.Inputs.TargetGroupStickinessArgs Stickiness(StickinessArgs stickiness) => stickiness.Type switch
    {
        "lbCookie" => new() { Enabled = true, Type = "lb_cookie", CookieDuration = stickiness.DurationSeconds },
        "appCookie" => new()
        {
            Enabled = true, Type = "app_cookie", CookieName = stickiness.CookieName!, CookieDuration = stickiness.DurationSeconds,
        },
        _ => new() { Enabled = false, Type = "lb_cookie" },
    };
}

using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Infra.Components.Shared;
using Pulumi;

namespace Infra.Components.LoadBalancing;

/// <summary>One listener: what the balancer listens on and where it forwards (the seeds' in/out/proto). Classic
/// balancers can give a listener its own stickiness (none, lbCookie, appCookie); the others use the balancer's.</summary>
public sealed record ListenerArgs(int Port, string Protocol, int TargetPort, string TargetProtocol, string? Stickiness = null);

public sealed record HealthCheckArgs
{
    /// <summary>HTTP or HTTPS; unset, each target group is checked over its own protocol (an HTTPS target answers
    /// only TLS, so a plain-HTTP check of it never passes).</summary>
    public string? Protocol { get; init; }

    /// <summary>"traffic-port" or a port number.</summary>
    public string Port { get; init; } = "traffic-port";

    public string Path { get; init; } = "/health";
    public int IntervalSeconds { get; init; } = 20;
    public int TimeoutSeconds { get; init; } = 5;
    public int HealthyThreshold { get; init; } = 3;
    public int UnhealthyThreshold { get; init; } = 5;
    public string Matcher { get; init; } = "200-399";
}

public sealed record StickinessArgs
{
    public static readonly IReadOnlyList<string> Types = ["none", "lbCookie", "appCookie"];

    /// <summary>none, lbCookie (the balancer's AWSALB cookie) or appCookie (the application's own, e.g. JSESSIONID).</summary>
    public string Type { get; init; } = "none";

    public int DurationSeconds { get; init; } = 86400;
    public string? CookieName { get; init; }
}

/// <summary>A PEM text and the config key it came from, so that problems name the key.</summary>
public sealed record PemSource(string Pem, string Key);

/// <summary>Either a certificate to upload to IAM (from secret config) or an existing ACM/IAM ARN.</summary>
public sealed record CertificateArgs
{
    public PemSource? Body { get; init; }
    public PemSource? PrivateKey { get; init; }
    public PemSource? Chain { get; init; }
    public string? Arn { get; init; }

    /// <summary>The host names of an uploaded certificate; null for an ARN (ACM or IAM alone knows its names).</summary>
    public IReadOnlyList<string>? DnsNames => Body is { } body ? PemChecks.DnsNames(body.Pem) : null;
}

/// <summary>AWS WAF in front of the balancer: a per-IP rate limit, then AWS's managed rule groups.</summary>
public sealed record WafArgs
{
    public static readonly IReadOnlyList<string> DefaultRuleGroups =
        ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"];

    /// <summary>Requests one IP may send in 5 minutes before it is blocked.</summary>
    public int RateLimitPer5Minutes { get; init; } = 2000;

    public IReadOnlyList<string> ManagedRuleGroups { get; init; } = DefaultRuleGroups;
}

public sealed record AccessLogArgs
{
    public int RetentionDays { get; init; } = 90;

    /// <summary>The key prefix; null: the balancer type's own (alb, nlb, elb).</summary>
    public string? Prefix { get; init; }

    /// <summary>Classic only: minutes between log files, 5 or 60; null: 5, as often as the other types publish.</summary>
    public int? IntervalMinutes { get; init; }
}

public sealed record DnsArgs(string ZoneId, string DomainName);

/// <summary>Which Elastic Load Balancing balancer: each has its own component.</summary>
public enum LoadBalancerType
{
    /// <summary>HTTP and HTTPS, path and host aware (WebLoadBalancer).</summary>
    Application,
    /// <summary>TCP, TLS and UDP at layer 4, e.g. TLS passthrough to the instances (NetworkLoadBalancer).</summary>
    Network,
    /// <summary>The legacy Elastic Load Balancer of the seeds (ClassicLoadBalancer).</summary>
    Classic,
}

public sealed record WebLoadBalancerArgs
{
    public static readonly IReadOnlyList<string> Protocols = ["HTTP", "HTTPS"];

    /// <summary>The listener and target protocols each type accepts.</summary>
    public static IReadOnlyList<string> ProtocolsOf(LoadBalancerType type) => type switch
    {
        LoadBalancerType.Network => ["TCP", "TLS", "UDP", "TCP_UDP"],
        LoadBalancerType.Classic => ["HTTP", "HTTPS", "TCP", "SSL"],
        _ => Protocols,
    };

    /// <summary>Protocols whose listeners terminate TLS and need a certificate.</summary>
    static readonly string[] Encrypted = ["HTTPS", "TLS", "SSL"];
    public static readonly IReadOnlyList<string> Algorithms = ["round_robin", "least_outstanding_requests"];

    /// <summary>Policies that allow TLS 1.2 or newer only.</summary>
    public static readonly IReadOnlyList<string> SslPolicies =
    [
        "ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "ELBSecurityPolicy-TLS13-1-3-2021-06",
        "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06", "ELBSecurityPolicy-TLS-1-2-2017-01",
        "ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10", "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    ];

    // Wiring from the network; required to build, not part of the configuration that is validated.
    public Output<string>? VpcId { get; init; }
    public Output<ImmutableArray<string>>? PublicSubnetIds { get; init; }
    public Output<ImmutableArray<string>>? PrivateSubnetIds { get; init; }
    public Output<string>? SecurityGroupId { get; init; }

    public LoadBalancerType Type { get; init; } = LoadBalancerType.Application;

    /// <summary>Network and classic: spread each zone's traffic over the instances of every zone.</summary>
    public bool CrossZone { get; init; } = true;

    /// <summary>Network: the instances see the client's address, not the balancer's.</summary>
    public bool PreserveClientIp { get; init; } = true;

    public bool Internal { get; init; }
    public int IdleTimeoutSeconds { get; init; } = 60;
    public bool Http2 { get; init; } = true;
    public bool DropInvalidHeaderFields { get; init; } = true;
    public bool DeletionProtection { get; init; }
    public AccessLogArgs? AccessLogs { get; init; }

    /// <summary>A web ACL on the balancer; none when null.</summary>
    public WafArgs? Waf { get; init; }
    public bool Ipv6 { get; init; }

    public IReadOnlyList<ListenerArgs> Listeners { get; init; } =
        [new(80, "HTTP", 8080, "HTTP"), new(443, "HTTPS", 8443, "HTTPS")];

    /// <summary>The HTTP listener answers 301 to HTTPS on 443 instead of forwarding.</summary>
    public bool RedirectHttpToHttps { get; init; }

    public CertificateArgs? Certificate { get; init; }
    public string SslPolicy { get; init; } = "ELBSecurityPolicy-TLS13-1-2-2021-06";
    public HealthCheckArgs HealthCheck { get; init; } = new();
    public StickinessArgs Stickiness { get; init; } = new();
    public int DeregistrationDelaySeconds { get; init; } = 30;

    /// <summary>Seconds a new target ramps up before it gets a full share; 0 turns it off.</summary>
    public int SlowStartSeconds { get; init; }

    public string Algorithm { get; init; } = "round_robin";
    public DnsArgs? Dns { get; init; }
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>A redirecting listener answers itself: it forwards to no target group. Only an ALB redirects.</summary>
    public bool Forwards(ListenerArgs listener) => !(Type == LoadBalancerType.Application && RedirectHttpToHttps && listener.Protocol == "HTTP");

    /// <summary>The target groups: one per distinct target port and protocol that a listener forwards to, in listener order.</summary>
    internal IReadOnlyList<(int Port, string Protocol)> Targets =>
        [.. Listeners.Where(Forwards).Select(listener => (listener.TargetPort, listener.TargetProtocol)).Distinct()];

    /// <summary>The ports the instances must accept from the balancer: the forwarded target ports, and the health
    /// check's port when it is not the traffic port.</summary>
    public IReadOnlyList<int> InstancePorts =>
        [.. Targets.Select(target => target.Port).Concat(int.TryParse(HealthCheck.Port, out var port) ? [port] : []).Distinct()];

    /// <summary>The ports and IP protocols the listeners take from clients (UDP listeners need UDP rules).</summary>
    public IReadOnlyList<(int Port, string Protocol)> ListenerPorts =>
    [
        .. Listeners.SelectMany(listener => listener.Protocol switch
        {
            "UDP" => new[] { (listener.Port, "udp") },
            "TCP_UDP" => [(listener.Port, "tcp"), (listener.Port, "udp")],
            _ => [(listener.Port, "tcp")],
        }).Distinct(),
    ];

    /// <summary>Where the access logs go in their bucket: the configured prefix, else the type's own.</summary>
    public string AccessLogPrefix => AccessLogs?.Prefix ?? Type switch
    {
        LoadBalancerType.Network => "nlb",
        LoadBalancerType.Classic => "elb",
        _ => "alb",
    };

    /// <summary>A network balancer writes access logs only for its TLS listeners (AWS: "Access logs are created only
    /// if the load balancer has a TLS listener").</summary>
    public static bool CanLogAccess(LoadBalancerType type, IEnumerable<ListenerArgs> listeners) =>
        type != LoadBalancerType.Network || listeners.Any(listener => listener.Protocol == "TLS");

    internal bool UploadsCertificate => Certificate is { Body: not null } or { PrivateKey: not null };

    public IReadOnlyList<Problem> Validate(string scope = "loadBalancer", DateTimeOffset? now = null)
    {
        var checks = new Checks(scope);
        checks.InRange("idleTimeoutSeconds", IdleTimeoutSeconds, 1, 4000);
        if (Type != LoadBalancerType.Application && Waf is not null)
            checks.Add("waf", "(on)", $"AWS WAF protects application load balancers only; with a {Type.ToString().ToLowerInvariant()} balancer set waf.enabled to false");
        checks.InRange("deregistrationDelaySeconds", DeregistrationDelaySeconds, 0, 3600);
        checks.Require(SlowStartSeconds == 0 || SlowStartSeconds is >= 30 and <= 900, "slowStartSeconds", SlowStartSeconds,
            "must be 0 (off) or between 30 and 900");
        if (checks.OneOf("algorithm", Algorithm, [.. Algorithms]) && Algorithm == "least_outstanding_requests" && SlowStartSeconds > 0)
            checks.Add("slowStartSeconds", SlowStartSeconds, "slow start cannot be combined with least_outstanding_requests");
        if (Waf is { } waf)
        {
            // WAFv2 rate-based rules take 10 to 2,000,000,000 requests per evaluation window.
            checks.InRange("waf.rateLimitPer5Minutes", waf.RateLimitPer5Minutes, 10, 2_000_000_000);
            foreach (var (group, index) in waf.ManagedRuleGroups.Select((group, index) => (group, index)).Where(pair => !Regex.IsMatch(pair.group, "^AWSManagedRules[A-Za-z0-9]+$")))
                checks.Add($"waf.managedRuleGroups[{index}]", group, "must name an AWS managed rule group such as AWSManagedRulesCommonRuleSet");
        }

        if (AccessLogs is { } logs)
        {
            checks.InRange("accessLogs.retentionDays", logs.RetentionDays, 1, 3650);
            if (logs.Prefix is { } prefix)
                checks.Require(Regex.IsMatch(prefix, "^[a-zA-Z0-9!_.*'()-]+(/[a-zA-Z0-9!_.*'()-]+)*$") && !prefix.Contains("AWSLogs"),
                    "accessLogs.prefix", prefix, "must be a plain S3 key prefix without slashes at either end or 'AWSLogs'");
            if (logs.IntervalMinutes is { } interval && Type != LoadBalancerType.Classic)
                checks.Add("accessLogs.intervalMinutes", interval, "only a classic balancer takes an interval; application and network balancers publish every 5 minutes");
            else if (logs.IntervalMinutes is { } minutes)
                checks.Require(minutes is 5 or 60, "accessLogs.intervalMinutes", minutes, "must be 5 or 60");
            if (!CanLogAccess(Type, Listeners))
                checks.Add("accessLogs.enabled", true,
                    "a network load balancer writes access logs only for TLS listeners: add a listener with protocol TLS, or set accessLogs.enabled to false");
        }

        ValidateListeners(checks);
        ValidateHealthCheck(checks.Scoped("healthCheck"));
        ValidateStickiness(checks.Scoped("stickiness"));
        if (Type == LoadBalancerType.Classic)
            ValidateClassicStickiness(checks);
        if (Dns is { } dns)
        {
            checks.Require(Regex.IsMatch(dns.ZoneId, "^Z[A-Z0-9]{1,32}$"), "dns.zoneId", dns.ZoneId, "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ");
            checks.Require(Regex.IsMatch(dns.DomainName, @"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"),
                "dns.domainName", dns.DomainName, "must be a lower-case domain name such as www.example.com");
        }

        ValidateCertificate(checks, now ?? DateTimeOffset.UtcNow);
        return checks.Problems;
    }

    void ValidateListeners(Checks checks)
    {
        if (Listeners.Count == 0)
            checks.Add("listeners", "[]", "needs at least one listener");
        foreach (var (listener, i) in Listeners.Select((listener, i) => (listener, i)))
        {
            var at = $"listeners[{i}]";
            checks.InRange($"{at}.port", listener.Port, 1, 65535);
            checks.InRange($"{at}.targetPort", listener.TargetPort, 1, 65535);
            checks.OneOf($"{at}.protocol", listener.Protocol, [.. ProtocolsOf(Type)]);
            checks.OneOf($"{at}.targetProtocol", listener.TargetProtocol, [.. ProtocolsOf(Type)]);
        }

        foreach (var port in Listeners.GroupBy(listener => listener.Port).Where(group => group.Count() > 1).Select(group => group.Key))
            checks.Add("listeners", port, "two listeners cannot share a port");
        var https = Listeners.Any(listener => Encrypted.Contains(listener.Protocol));
        if (https && Certificate is null)
            checks.Add("certificateArn", null,
                $"an {string.Join("/", Listeners.Select(l => l.Protocol).Where(Encrypted.Contains).Distinct())} listener needs a certificate: set certificateArn, or upload one with the secrets infra:certificateBody and infra:certificatePrivateKey");
        if (Type == LoadBalancerType.Application && RedirectHttpToHttps && !Listeners.Any(listener => listener.Protocol == "HTTPS" && listener.Port == 443))
            checks.Add("redirectHttpToHttps", true, "needs an HTTPS listener on port 443 to redirect to");
        if (Type == LoadBalancerType.Application && RedirectHttpToHttps && !Listeners.Any(listener => listener.Protocol == "HTTP"))
            checks.Add("redirectHttpToHttps", true, "needs an HTTP listener to answer with the redirect");
        if (Type != LoadBalancerType.Application && RedirectHttpToHttps)
            checks.Add("redirectHttpToHttps", true, "only an application load balancer redirects; set it to false");
        if (https)
            checks.OneOf("sslPolicy", SslPolicy, [.. SslPolicies]);
    }

    void ValidateHealthCheck(Checks checks)
    {
        var check = HealthCheck;
        if (check.Protocol is not null)
            checks.OneOf("protocol", check.Protocol, Type == LoadBalancerType.Application ? [.. Protocols] : ["TCP", "HTTP", "HTTPS", .. Type == LoadBalancerType.Classic ? new[] { "SSL" } : []]);
        if (Type != LoadBalancerType.Application && check.Protocol is null && Listeners.Any(listener => listener.TargetProtocol is "UDP" or "TCP_UDP"))
            checks.Add("protocol", null, "UDP targets cannot be checked over UDP: give TCP, HTTP or HTTPS");
        checks.Require(check.Port == "traffic-port" || int.TryParse(check.Port, out var port) && port is >= 1 and <= 65535,
            "port", check.Port, "must be traffic-port or a port between 1 and 65535");
        checks.Require(check.Path.StartsWith('/') && check.Path.Length <= 1024, "path", check.Path, "must start with / (at most 1024 characters)");
        checks.InRange("intervalSeconds", check.IntervalSeconds, 5, 300);
        if (checks.InRange("timeoutSeconds", check.TimeoutSeconds, 2, 120))
            checks.Require(check.TimeoutSeconds < check.IntervalSeconds, "timeoutSeconds", check.TimeoutSeconds,
                $"must be less than intervalSeconds ({check.IntervalSeconds})");
        checks.InRange("healthyThreshold", check.HealthyThreshold, 2, 10);
        checks.InRange("unhealthyThreshold", check.UnhealthyThreshold, 2, 10);
        checks.Require(Regex.IsMatch(check.Matcher, @"^[1-5]\d\d(-[1-5]\d\d)?(,[1-5]\d\d(-[1-5]\d\d)?)*$"), "matcher", check.Matcher,
            "must be HTTP codes such as 200, 200,302 or 200-399");
    }

    void ValidateStickiness(Checks checks)
    {
        foreach (var (listener, i) in Listeners.Select((listener, i) => (listener, i)).Where(pair => pair.listener.Stickiness is not null))
        {
            checks.OneOf($"listeners[{i}].stickiness", listener.Stickiness!, [.. StickinessArgs.Types]);
            if (Type != LoadBalancerType.Classic)
                checks.Add($"listeners[{i}].stickiness", listener.Stickiness, "per-listener stickiness is a classic balancer's; use stickiness.type");
            else if (listener.Stickiness == "appCookie" && Stickiness.CookieName is null)
                checks.Add("cookieName", null, "an appCookie listener needs the application's cookie name (e.g. JSESSIONID)");
        }

        if (!checks.OneOf("type", Stickiness.Type, [.. StickinessArgs.Types]) || Stickiness.Type == "none")
            return;
        checks.InRange("durationSeconds", Stickiness.DurationSeconds, 1, 604800);
        if (Stickiness.Type == "appCookie")
            checks.Require(Stickiness.CookieName is { Length: > 0 } cookie && Regex.IsMatch(cookie, "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
                && !cookie.StartsWith("AWSALB", StringComparison.Ordinal) && !cookie.StartsWith("AWSELB", StringComparison.Ordinal),
                "cookieName", Stickiness.CookieName, "appCookie needs the application's cookie name (e.g. JSESSIONID); AWSALB* and AWSELB* are reserved");
        if (Type == LoadBalancerType.Network)
            checks.Add("type", Stickiness.Type, "a network load balancer cannot use cookies; set stickiness.type to none");
        else if (Type == LoadBalancerType.Application && Listeners.Any(listener => listener.TargetProtocol is not ("HTTP" or "HTTPS")))
            checks.Add("type", Stickiness.Type, "stickiness needs HTTP or HTTPS targets");
    }

    /// <summary>Classic: cookie stickiness works on HTTP and HTTPS listeners only; a listener's own setting overrides
    /// the balancer's for that listener, so a TCP or SSL listener opts out with stickiness: none.</summary>
    void ValidateClassicStickiness(Checks checks)
    {
        foreach (var (listener, i) in Listeners.Select((listener, i) => (listener, i)).Where(pair => pair.listener.Protocol is not ("HTTP" or "HTTPS")))
        {
            if (listener.Stickiness is { } own && own != "none" && StickinessArgs.Types.Contains(own))
                checks.Add($"listeners[{i}].stickiness", own, $"a {listener.Protocol} listener passes bytes and cannot use cookies; set it to none");
            else if (listener.Stickiness is null && Stickiness.Type is "lbCookie" or "appCookie")
                checks.Add("stickiness.type", Stickiness.Type,
                    $"applies to every listener, but listeners[{i}] ({listener.Protocol}:{listener.Port}) cannot use cookies: give that listener stickiness: none, or set stickiness.type to none");
        }
    }

    void ValidateCertificate(Checks checks, DateTimeOffset now)
    {
        if (Certificate is not { } certificate)
            return;
        if (certificate.Arn is not { } arn)
        {
            checks.AddRange(PemChecks.Validate(certificate, now));
            return;
        }

        if (UploadsCertificate)
            checks.Add("certificateArn", arn, "give either an existing certificate ARN or a PEM pair to upload, not both");
        checks.Require(CertificateArns.AcmRegion(arn) is not null || CertificateArns.IsIamServerCertificate(arn),
            "certificateArn", arn, "must be an ACM certificate ARN or an IAM server-certificate ARN");
    }
}

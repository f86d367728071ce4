using Infra.Components.LoadBalancing;

namespace Infra.Configuration;

/// <summary>infra:loadBalancer, plus the certificate from the secret keys infra:certificateBody,
/// infra:certificatePrivateKey and infra:certificateChain (or loadBalancer.certificateArn).</summary>
public static class LoadBalancerConfig
{
    public const string CertificateBodyKey = "certificateBody";
    public const string CertificatePrivateKeyKey = "certificatePrivateKey";
    public const string CertificateChainKey = "certificateChain";

    public static WebLoadBalancerArgs Read(Section section, EnvironmentKind environment, Func<string, string?> secret,
        IReadOnlyDictionary<string, string> tags)
    {
        var prod = environment == EnvironmentKind.Prod;
        var defaults = new WebLoadBalancerArgs();
        var accessLogs = section.Object("accessLogs");
        var healthCheck = section.Object("healthCheck");
        var stickiness = section.Object("stickiness");
        var dns = section.Object("dns");
        var type = section.String("type", "application") switch
        {
            "network" => LoadBalancerType.Network,
            "classic" => LoadBalancerType.Classic,
            _ => LoadBalancerType.Application,
        };
        var listeners = ReadListeners(section) ?? type switch
        {
            // The seeds: HTTP to 8080, and TLS passed through on 443 to the instances' 8443.
            LoadBalancerType.Network => [new(80, "TCP", 8080, "TCP"), new(443, "TCP", 8443, "TCP")],
            // The TCP listener passes TLS through and cannot carry the balancer's cookie.
            LoadBalancerType.Classic => [new(80, "HTTP", 8080, "HTTP"), new(443, "TCP", 8443, "TCP", "none")],
            _ when prod => [new(80, "HTTP", 8080, "HTTP"), new(443, "HTTPS", 8443, "HTTPS")],
            _ => [new(80, "HTTP", 8080, "HTTP"), new(443, "HTTPS", 8080, "HTTP")],
        };
        // Prod logs by default where the balancer can: a network balancer only logs its TLS listeners.
        var logsByDefault = prod && WebLoadBalancerArgs.CanLogAccess(type, listeners);
        return new WebLoadBalancerArgs
        {
            Type = type,
            CrossZone = section.Bool("crossZone", true),
            PreserveClientIp = section.Bool("preserveClientIp", true),
            Internal = section.Bool("internal", false),
            IdleTimeoutSeconds = section.Int("idleTimeoutSeconds", defaults.IdleTimeoutSeconds),
            Http2 = section.Bool("http2", true),
            DropInvalidHeaderFields = section.Bool("dropInvalidHeaderFields", true),
            DeletionProtection = section.Bool("deletionProtection", prod),
            AccessLogs = ReadAccessLogs(accessLogs, logsByDefault),
            Waf = Section.Feature(section.Object("waf"), onByDefault: type == LoadBalancerType.Application, waf => new WafArgs
            {
                RateLimitPer5Minutes = waf.Int("rateLimitPer5Minutes", new WafArgs().RateLimitPer5Minutes),
                ManagedRuleGroups = waf.Strings("managedRuleGroups") ?? WafArgs.DefaultRuleGroups,
            }),
            Ipv6 = section.Bool("ipv6", false),
            Listeners = listeners,
            RedirectHttpToHttps = section.Bool("redirectHttpToHttps", type == LoadBalancerType.Application),
            Certificate = ReadCertificate(section.OptionalString("certificateArn"), secret),
            SslPolicy = section.String("sslPolicy", defaults.SslPolicy),
            HealthCheck = ReadHealthCheck(healthCheck),
            Stickiness = ReadStickiness(stickiness, prod, type),
            DeregistrationDelaySeconds = section.Int("deregistrationDelaySeconds", defaults.DeregistrationDelaySeconds),
            SlowStartSeconds = section.Int("slowStartSeconds", 0),
            Algorithm = section.String("algorithm", defaults.Algorithm),
            Dns = dns is null ? null : new DnsArgs(dns.String("zoneId", ""), dns.String("domainName", "")),
            Tags = tags,
        };
    }

    static IReadOnlyList<ListenerArgs>? ReadListeners(Section section) =>
        section.Objects("listeners")?.Select(item =>
            new ListenerArgs(item.Int("port", 0), item.String("protocol", ""), item.Int("targetPort", 0), item.String("targetProtocol", "HTTP"),
                item.OptionalString("stickiness"))).ToList();

    static CertificateArgs? ReadCertificate(string? arn, Func<string, string?> secret)
    {
        var body = secret(CertificateBodyKey);
        var key = secret(CertificatePrivateKeyKey);
        var chain = secret(CertificateChainKey);
        if (arn is null && body is null && key is null)
            return null;
        return new CertificateArgs
        {
            Arn = arn,
            Body = body is null ? null : new PemSource(body, $"{StackSettings.Namespace}:{CertificateBodyKey}"),
            PrivateKey = key is null ? null : new PemSource(key, $"{StackSettings.Namespace}:{CertificatePrivateKeyKey}"),
            Chain = chain is null ? null : new PemSource(chain, $"{StackSettings.Namespace}:{CertificateChainKey}"),
        };
    }

    static AccessLogArgs? ReadAccessLogs(Section? section, bool onByDefault) =>
        Section.Feature(section, onByDefault, logs => new AccessLogArgs
        {
            RetentionDays = logs.Int("retentionDays", new AccessLogArgs().RetentionDays),
            Prefix = logs.OptionalString("prefix"),
            IntervalMinutes = logs.OptionalInt("intervalMinutes"),
        });

    static HealthCheckArgs ReadHealthCheck(Section? section)
    {
        var defaults = new HealthCheckArgs();
        if (section is null)
            return defaults;
        return new HealthCheckArgs
        {
            Protocol = section.OptionalString("protocol"),
            Port = section.String("port", defaults.Port),
            Path = section.String("path", defaults.Path),
            IntervalSeconds = section.Int("intervalSeconds", defaults.IntervalSeconds),
            TimeoutSeconds = section.Int("timeoutSeconds", defaults.TimeoutSeconds),
            HealthyThreshold = section.Int("healthyThreshold", defaults.HealthyThreshold),
            UnhealthyThreshold = section.Int("unhealthyThreshold", defaults.UnhealthyThreshold),
            Matcher = section.String("matcher", defaults.Matcher),
        };
    }

    static StickinessArgs ReadStickiness(Section? section, bool prod, LoadBalancerType type)
    {
        // A network balancer forwards bytes and cannot read or set cookies.
        var fallback = type == LoadBalancerType.Network ? new StickinessArgs()
            : prod
            ? new StickinessArgs { Type = "appCookie", CookieName = "JSESSIONID", DurationSeconds = 86400 }
            : new StickinessArgs { Type = "lbCookie", DurationSeconds = 86400 };
        if (section is null)
            return fallback;
        return new StickinessArgs
        {
            Type = section.String("type", fallback.Type),
            DurationSeconds = section.Int("durationSeconds", fallback.DurationSeconds),
            CookieName = section.OptionalString("cookieName") ?? fallback.CookieName,
        };
    }
}

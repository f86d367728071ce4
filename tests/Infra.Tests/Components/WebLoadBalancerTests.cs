using System.Collections.Immutable;
using System.Text.Json;
using Infra.Components.LoadBalancing;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Components;

public class WebLoadBalancerTests
{
    static readonly SelfSignedCertificates.Pair Pair = SelfSignedCertificates.Create("www.example.com");

    static CertificateArgs Upload(SelfSignedCertificates.Pair pair) => new()
    {
        Body = new PemSource(pair.CertificatePem, "infra:certificateBody"),
        PrivateKey = new PemSource(pair.PrivateKeyPem, "infra:certificatePrivateKey"),
    };

    static WebLoadBalancerArgs Args(Func<WebLoadBalancerArgs, WebLoadBalancerArgs>? change = null)
    {
        var args = new WebLoadBalancerArgs
        {
            VpcId = Output.Create("vpc-1"),
            PublicSubnetIds = Output.Create(ImmutableArray.Create("subnet-public-a", "subnet-public-b")),
            PrivateSubnetIds = Output.Create(ImmutableArray.Create("subnet-private-a", "subnet-private-b")),
            SecurityGroupId = Output.Create("sg-lb"),
            Certificate = Upload(Pair),
        };
        return change is null ? args : change(args);
    }

    /// <summary>The seeds: 80 to 8080, 443 to 8443 with SSL terminated, HTTP:8080/health every 20 s, 3/5, JSESSIONID.</summary>
    static WebLoadBalancerArgs SeedLike() => Args(args => args with
    {
        Listeners = [new(80, "HTTP", 8080, "HTTP"), new(443, "HTTPS", 8443, "HTTPS")],
        HealthCheck = new HealthCheckArgs { Path = "/health", IntervalSeconds = 20, HealthyThreshold = 3, UnhealthyThreshold = 5 },
        Stickiness = new StickinessArgs { Type = "appCookie", CookieName = "JSESSIONID", DurationSeconds = 3600 },
        AccessLogs = new AccessLogArgs(),
    });

    static WebLoadBalancerArgs DevLike() => Args(args => args with
    {
        Listeners = [new(80, "HTTP", 8080, "HTTP"), new(443, "HTTPS", 8080, "HTTP")],
        RedirectHttpToHttps = true,
        Stickiness = new StickinessArgs { Type = "lbCookie", DurationSeconds = 86400 },
    });

    static async Task<(Graph Graph, WebLoadBalancer Balancer)> Build(WebLoadBalancerArgs args)
    {
        var engine = new TestEngine();
        WebLoadBalancer? balancer = null;
        var graph = await engine.RunAsync(() => { balancer = new WebLoadBalancer("web", args, engine.Options()); });
        return (graph, balancer!);
    }

    static async Task<Dictionary<string, string>> TargetGroupIdsByPort(Graph graph)
    {
        var result = new Dictionary<string, string>();
        foreach (var group in graph.All<Aws.LB.TargetGroup>())
            result[(await group.Port.ValueAsync())!.Value.ToString()] = await group.Arn.ValueAsync();
        return result;
    }

    [Test]
    public async Task A_seed_like_balancer_forwards_each_port_to_its_own_target_group()
    {
        var (graph, balancer) = await Build(SeedLike());
        var groups = graph.All<Aws.LB.TargetGroup>().ToList();
        Assert.That(groups, Has.Count.EqualTo(2));
        var byPort = await TargetGroupIdsByPort(graph);

        var http = graph.Single<Aws.LB.Listener>("web-80");
        var https = graph.Single<Aws.LB.Listener>("web-443");
        var httpAction = (await http.DefaultActions.ValueAsync()).Single();
        var httpsAction = (await https.DefaultActions.ValueAsync()).Single();
        Assert.That((httpAction.Type, httpAction.TargetGroupArn), Is.EqualTo(("forward", byPort["8080"])));
        Assert.That((httpsAction.Type, httpsAction.TargetGroupArn), Is.EqualTo(("forward", byPort["8443"])));
        Assert.That(await https.Protocol.ValueAsync(), Is.EqualTo("HTTPS"));
        Assert.That(await https.SslPolicy.ValueAsync(), Is.EqualTo("ELBSecurityPolicy-TLS13-1-2-2021-06"));
        var certificate = graph.All<Aws.Iam.ServerCertificate>().Single();
        Assert.That(await https.CertificateArn.ValueAsync(), Is.EqualTo(await certificate.Arn.ValueAsync()));
        Assert.That(await balancer.HttpsListenerArn.ValueAsync(), Is.EqualTo(await https.Arn.ValueAsync()));

        foreach (var group in groups)
        {
            var check = (await group.HealthCheck.ValueAsync())!;
            Assert.That((check.Path, check.Interval, check.HealthyThreshold, check.UnhealthyThreshold, check.Port, check.Timeout),
                Is.EqualTo(("/health", (int?)20, (int?)3, (int?)5, (string?)"traffic-port", 5)));
            var stickiness = (await group.Stickiness.ValueAsync())!;
            Assert.That((stickiness.Enabled, stickiness.Type, stickiness.CookieName), Is.EqualTo(((bool?)true, "app_cookie", (string?)"JSESSIONID")));
            Assert.That(await group.DeregistrationDelay.ValueAsync(), Is.EqualTo("30").Or.EqualTo(30));
        }

        Assert.That((await groups[1].Protocol.ValueAsync(), await groups[1].Port.ValueAsync()), Is.EqualTo(("HTTPS", (int?)8443)));
        var lb = graph.InputsOf(graph.All<Aws.LB.LoadBalancer>().Single());
        Assert.That((lb["idleTimeout"], lb["internal"], lb["dropInvalidHeaderFields"], lb["enableHttp2"]), Is.EqualTo((60.0, false, true, true)));
    }

    [Test]
    public async Task A_dev_like_balancer_redirects_http_and_sticks_by_the_balancers_cookie()
    {
        var (graph, _) = await Build(DevLike());
        var group = graph.All<Aws.LB.TargetGroup>().Single();
        var action = (await graph.Single<Aws.LB.Listener>("web-80").DefaultActions.ValueAsync()).Single();
        Assert.That(action.Type, Is.EqualTo("redirect"));
        Assert.That((action.Redirect!.Protocol, action.Redirect.Port, action.Redirect.StatusCode), Is.EqualTo(("HTTPS", "443", "HTTP_301")));
        var forward = (await graph.Single<Aws.LB.Listener>("web-443").DefaultActions.ValueAsync()).Single();
        Assert.That(forward.TargetGroupArn, Is.EqualTo(await group.Arn.ValueAsync()));
        var stickiness = (await group.Stickiness.ValueAsync())!;
        Assert.That((stickiness.Type, stickiness.CookieDuration), Is.EqualTo(("lb_cookie", (int?)86400)));
        Assert.That(graph.Count("aws:s3/bucket:Bucket"), Is.Zero);
    }

    [Test]
    public async Task A_web_acl_rate_limits_each_ip_then_applies_the_managed_rule_groups_on_the_balancer()
    {
        var (graph, balancer) = await Build(DevLike() with { Waf = new WafArgs { RateLimitPer5Minutes = 500 } });
        var acl = graph.OfType("aws:wafv2/webAcl:WebAcl").Single().Inputs;
        Assert.That(acl["scope"], Is.EqualTo("REGIONAL"));
        var rules = JsonDocument.Parse((string)acl["ruleJson"]).RootElement.EnumerateArray().ToList();
        Assert.That(rules.Select(rule => rule.GetProperty("Priority").GetInt32()), Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(rules[0].GetProperty("Statement").GetProperty("RateBasedStatement").GetProperty("Limit").GetInt32(), Is.EqualTo(500));
        Assert.That(rules.Skip(1).Select(rule => rule.GetProperty("Statement").GetProperty("ManagedRuleGroupStatement").GetProperty("Name").GetString()),
            Is.EqualTo(WafArgs.DefaultRuleGroups));
        Assert.That(rules.Skip(1).All(rule => rule.GetProperty("OverrideAction").TryGetProperty("None", out _)), Is.True, "the groups' own actions apply");
        var association = graph.OfType("aws:wafv2/webAclAssociation:WebAclAssociation").Single().Inputs;
        Assert.That(association["resourceArn"], Is.EqualTo(await balancer.Arn.ValueAsync()));
        Assert.That(association["webAclArn"], Is.EqualTo(await graph.All<Aws.WafV2.WebAcl>().Single().Arn.ValueAsync()));
    }

    [Test]
    public async Task The_resource_list_of_the_two_configurations()
    {
        var (seed, _) = await Build(SeedLike());
        var (dev, _) = await Build(DevLike());
        Assert.That(seed.CountsByType(), Is.EquivalentTo(new Dictionary<string, int>
        {
            [WebLoadBalancer.Type] = 1, ["aws:lb/loadBalancer:LoadBalancer"] = 1, ["aws:lb/targetGroup:TargetGroup"] = 2,
            ["aws:lb/listener:Listener"] = 2, ["aws:iam/serverCertificate:ServerCertificate"] = 1, ["aws:s3/bucket:Bucket"] = 1,
            ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"] = 1, ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] = 1,
            ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"] = 1,
            ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"] = 1, ["aws:s3/bucketPolicy:BucketPolicy"] = 1,
            ["aws:s3/bucketVersioning:BucketVersioning"] = 1,
        }));
        Assert.That(dev.CountsByType(), Is.EquivalentTo(new Dictionary<string, int>
        {
            [WebLoadBalancer.Type] = 1, ["aws:lb/loadBalancer:LoadBalancer"] = 1, ["aws:lb/targetGroup:TargetGroup"] = 1,
            ["aws:lb/listener:Listener"] = 2, ["aws:iam/serverCertificate:ServerCertificate"] = 1,
        }));
    }

    [Test]
    public async Task The_private_key_is_secret_in_the_inputs_and_absent_from_every_output()
    {
        var engine = new TestEngine();
        WebLoadBalancer? balancer = null;
        var graph = await engine.RunAsync(() => { balancer = new WebLoadBalancer("web", SeedLike(), engine.Options()); });
        var certificate = graph.All<Aws.Iam.ServerCertificate>().Single();
        var args = (Aws.Iam.ServerCertificateArgs)graph.Capture.ArgsOf(certificate);
        // The real package types a secret input as nullable even when required (Input<string>?).
        var privateKey = args.PrivateKey ?? throw new AssertionException("the server certificate has no private key");
        Assert.That(await ((Output<string>)privateKey).IsSecretAsync(), Is.True);
        Assert.That(await ((Output<string>)args.CertificateBody).IsSecretAsync(), Is.True);

        var keyLine = Pair.PrivateKeyPem.Split('\n')[1];
        foreach (var output in new object[] { balancer!.Arn, balancer.DnsName, balancer.TargetGroupArns, balancer.HttpsListenerArn, balancer.Url })
            Assert.That(JsonSerializer.Serialize(await OutputText(output)), Does.Not.Contain(keyLine));
    }

    static async Task<object?> OutputText(object output) => output switch
    {
        Output<string> text => await text.ValueAsync(),
        Output<ImmutableDictionary<string, string>> map => await map.ValueAsync(),
        _ => throw new ArgumentException(output.GetType().Name),
    };

    [Test]
    public async Task An_internal_balancer_sits_in_the_private_subnets()
    {
        var (graph, _) = await Build(Args(args => args with { Internal = true }));
        var inputs = graph.InputsOf(graph.All<Aws.LB.LoadBalancer>().Single());
        Assert.That(inputs["subnets"], Is.EqualTo(ImmutableArray.Create<object>("subnet-private-a", "subnet-private-b")));
        Assert.That(inputs["internal"], Is.EqualTo(true));
    }

    [Test]
    public async Task The_access_log_bucket_is_private_and_its_policy_grants_only_log_delivery()
    {
        var (graph, balancer) = await Build(SeedLike());
        var bucket = await balancer.AccessLogBucket.ValueAsync();
        var policy = JsonDocument.Parse((string)graph.OfType("aws:s3/bucketPolicy:BucketPolicy").Single().Inputs["policy"]).RootElement;
        var statements = policy.GetProperty("Statement").EnumerateArray().ToList();
        var allow = statements.Where(s => s.GetProperty("Effect").GetString() == "Allow").ToList();
        Assert.That(allow, Has.Count.EqualTo(1));
        Assert.That(allow[0].GetProperty("Action").GetString(), Is.EqualTo("s3:PutObject"));
        Assert.That(allow[0].GetProperty("Principal").GetProperty("AWS").GetString(), Is.EqualTo("arn:aws:iam::127311923021:root"));
        Assert.That(allow[0].GetProperty("Resource").GetString(), Is.EqualTo($"arn:aws:s3:::{bucket}/alb/AWSLogs/{FakeAws.AccountId}/*"));
        var deny = statements.Single(s => s.GetProperty("Effect").GetString() == "Deny");
        Assert.That(deny.GetProperty("Condition").GetProperty("Bool").GetProperty("aws:SecureTransport").GetString(), Is.EqualTo("false"));
        Assert.That(deny.GetProperty("Principal").GetString(), Is.EqualTo("*"), "anyone is the bare \"*\", as AWS writes it, not {\"*\":\"*\"}");

        var block = graph.OfType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").Single().Inputs;
        Assert.That(new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" }.Select(k => block[k]), Is.All.EqualTo(true));
        var encryption = graph.OfType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").Single().Inputs;
        Assert.That(JsonSerializer.Serialize(encryption["rules"]), Does.Contain("AES256"));
        var access = (ImmutableDictionary<string, object>)graph.InputsOf(graph.All<Aws.LB.LoadBalancer>().Single())["accessLogs"];
        Assert.That((access["bucket"], access["enabled"], access["prefix"]), Is.EqualTo((bucket, true, "alb")));
    }

    [Test]
    public void Newer_regions_deliver_logs_through_the_service_principal()
    {
        Assert.That(LogDelivery.ElbPrincipal("ap-southeast-5"), Is.EqualTo(("Service", "logdelivery.elasticloadbalancing.amazonaws.com")));
        Assert.That(LogDelivery.ElbPrincipal("eu-west-1"), Is.EqualTo(("AWS", "arn:aws:iam::156460612806:root")));
    }

    [Test]
    public async Task A_dns_alias_points_at_the_balancer_never_at_an_address()
    {
        var (graph, balancer) = await Build(Args(args => args with { Dns = new DnsArgs("Z0123456789ABC", "www.example.com"), Ipv6 = true }));
        var records = graph.OfType("aws:route53/record:Record").ToList();
        Assert.That(records.Select(r => r.Inputs["type"]), Is.EquivalentTo(new[] { "A", "AAAA" }));
        var alias = (ImmutableDictionary<string, object>)((ImmutableArray<object>)records[0].Inputs["aliases"])[0];
        Assert.That(alias["name"], Is.EqualTo(await balancer.DnsName.ValueAsync()));
        Assert.That(records.All(r => !r.Inputs.ContainsKey("records")), Is.True);
        Assert.That(await balancer.Url.ValueAsync(), Is.EqualTo("https://www.example.com"));
    }

    static IEnumerable<TestCaseData> CertificateMistakes()
    {
        var other = SelfSignedCertificates.Create("other.example.com");
        yield return new TestCaseData(Upload(Pair) with { PrivateKey = new PemSource(other.PrivateKeyPem, "infra:certificatePrivateKey") },
            "infra:certificatePrivateKey = '[secret]': the private key does not match").SetName("mismatched pair");
        var body = string.Join('\n', Pair.PrivateKeyPem.Split('\n').Where(line => line.StartsWith("-----", StringComparison.Ordinal)));
        yield return new TestCaseData(Upload(Pair) with { PrivateKey = new PemSource(body, "infra:certificatePrivateKey") },
            "infra:certificatePrivateKey = '[secret]': is not a readable RSA or ECDSA private key").SetName("key without key info");
        var headless = string.Join('\n', Pair.PrivateKeyPem.Split('\n').Where(line => !line.StartsWith("-----", StringComparison.Ordinal)));
        yield return new TestCaseData(Upload(Pair) with { PrivateKey = new PemSource(headless, "infra:certificatePrivateKey") },
            "must be a PEM private key with its -----BEGIN").SetName("key without BEGIN/END lines");
        yield return new TestCaseData(Upload(Pair) with { Body = new PemSource(Pair.CertificatePem[..(Pair.CertificatePem.Length / 2)], "infra:certificateBody") },
            "infra:certificateBody = '[secret]': is not a readable X.509 certificate").SetName("truncated certificate");
        yield return new TestCaseData(Upload(Pair) with { Body = new PemSource("hello", "infra:certificateBody") },
            "infra:certificateBody = '[secret]': must be an X.509 certificate in PEM format").SetName("not a certificate");
        yield return new TestCaseData(Upload(Pair) with { Chain = new PemSource("intermediate goes here", "infra:certificateChain") },
            "infra:certificateChain = '[secret]': must be one or more X.509 certificates in PEM format").SetName("chain without a PEM block");
        yield return new TestCaseData(Upload(SelfSignedCertificates.Create("old.example.com", DateTimeOffset.UtcNow.AddDays(-2))),
            "the certificate expired on").SetName("expired certificate");
        yield return new TestCaseData(new CertificateArgs { Arn = "arn:aws:acm:us-east-1:123456789012:certificate/x" },
            "must be an ACM certificate ARN or an IAM server-certificate ARN").SetName("bad ARN");
    }

    [TestCaseSource(nameof(CertificateMistakes))]
    public void A_bad_certificate_is_reported_before_anything_is_created(CertificateArgs certificate, string message)
    {
        var problems = Args(args => args with { Certificate = certificate }).Validate();
        Assert.That(problems.Select(p => p.ToString()), Has.Some.Contains(message));
    }

    [Test]
    public void A_generated_self_signed_pair_and_an_existing_acm_arn_both_pass()
    {
        Assert.That(Args().Validate(), Is.Empty);
        Assert.That(Args(args => args with { Certificate = new CertificateArgs { Arn = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0" } }).Validate(), Is.Empty);
    }

    static IEnumerable<TestCaseData> RangeMistakes()
    {
        TestCaseData Case(Func<WebLoadBalancerArgs, WebLoadBalancerArgs> change, string message) => new TestCaseData(change, message).SetName(message);
        yield return Case(a => a with { IdleTimeoutSeconds = 0 }, "loadBalancer.idleTimeoutSeconds = 0: must be between 1 and 4000");
        yield return Case(a => a with { HealthCheck = new HealthCheckArgs { IntervalSeconds = 4 } }, "loadBalancer.healthCheck.intervalSeconds = 4: must be between 5 and 300");
        yield return Case(a => a with { HealthCheck = new HealthCheckArgs { IntervalSeconds = 10, TimeoutSeconds = 10 } }, "loadBalancer.healthCheck.timeoutSeconds = 10: must be less than intervalSeconds (10)");
        yield return Case(a => a with { HealthCheck = new HealthCheckArgs { TimeoutSeconds = 1 } }, "loadBalancer.healthCheck.timeoutSeconds = 1: must be between 2 and 120");
        yield return Case(a => a with { HealthCheck = new HealthCheckArgs { HealthyThreshold = 11 } }, "loadBalancer.healthCheck.healthyThreshold = 11: must be between 2 and 10");
        yield return Case(a => a with { HealthCheck = new HealthCheckArgs { UnhealthyThreshold = 1 } }, "loadBalancer.healthCheck.unhealthyThreshold = 1: must be between 2 and 10");
        yield return Case(a => a with { HealthCheck = new HealthCheckArgs { Port = "http" } }, "loadBalancer.healthCheck.port = 'http': must be traffic-port or a port");
        yield return Case(a => a with { HealthCheck = new HealthCheckArgs { Path = "health" } }, "loadBalancer.healthCheck.path = 'health': must start with /");
        yield return Case(a => a with { HealthCheck = new HealthCheckArgs { Matcher = "ok" } }, "loadBalancer.healthCheck.matcher = 'ok': must be HTTP codes");
        yield return Case(a => a with { Stickiness = new StickinessArgs { Type = "lbCookie", DurationSeconds = 604801 } }, "loadBalancer.stickiness.durationSeconds = 604801: must be between 1 and 604800");
        yield return Case(a => a with { Stickiness = new StickinessArgs { Type = "appCookie" } }, "loadBalancer.stickiness.cookieName = (not set): appCookie needs the application's cookie name");
        yield return Case(a => a with { Stickiness = new StickinessArgs { Type = "sticky" } }, "loadBalancer.stickiness.type = 'sticky': must be one of none, lbCookie, appCookie");
        yield return Case(a => a with { DeregistrationDelaySeconds = 3601 }, "loadBalancer.deregistrationDelaySeconds = 3601: must be between 0 and 3600");
        yield return Case(a => a with { SlowStartSeconds = 10 }, "loadBalancer.slowStartSeconds = 10: must be 0 (off) or between 30 and 900");
        yield return Case(a => a with { Algorithm = "least_outstanding_requests", SlowStartSeconds = 60 }, "slow start cannot be combined with least_outstanding_requests");
        yield return Case(a => a with { Algorithm = "random" }, "loadBalancer.algorithm = 'random': must be one of round_robin, least_outstanding_requests");
        yield return Case(a => a with { Listeners = [new(0, "HTTP", 8080, "HTTP")] }, "loadBalancer.listeners[0].port = 0: must be between 1 and 65535");
        yield return Case(a => a with { Listeners = [new(80, "TCP", 8080, "HTTP")] }, "loadBalancer.listeners[0].protocol = 'TCP': must be one of HTTP, HTTPS");
        yield return Case(a => a with { Listeners = [new(80, "HTTP", 8080, "HTTP"), new(80, "HTTP", 8081, "HTTP")] }, "loadBalancer.listeners = 80: two listeners cannot share a port");
        yield return Case(a => a with { Certificate = null }, "loadBalancer.certificateArn = (not set): an HTTPS listener needs a certificate: set certificateArn, or upload one");
        yield return Case(a => a with { Listeners = [new(80, "HTTP", 8080, "HTTP")], RedirectHttpToHttps = true }, "loadBalancer.redirectHttpToHttps = true: needs an HTTPS listener on port 443");
        yield return Case(a => a with { SslPolicy = "ELBSecurityPolicy-2016-08" }, "loadBalancer.sslPolicy = 'ELBSecurityPolicy-2016-08': must be one of ELBSecurityPolicy-TLS13-1-2-2021-06");
        yield return Case(a => a with { Dns = new DnsArgs("zone", "www.example.com") }, "loadBalancer.dns.zoneId = 'zone': must be a Route 53 hosted zone id");
    }

    [TestCaseSource(nameof(RangeMistakes))]
    public void Every_range_check_names_the_arg_and_what_is_allowed(Func<WebLoadBalancerArgs, WebLoadBalancerArgs> change, string message)
    {
        Assert.That(Args(change).Validate().Select(p => p.ToString()), Has.Some.Contains(message));
    }

    [Test]
    public void Invalid_args_register_nothing_and_report_every_problem_at_once()
    {
        var engine = new TestEngine();
        var error = Assert.ThrowsAsync<RunException>(() => engine.RunAsync(() =>
        {
            new WebLoadBalancer("web", Args(a => a with { IdleTimeoutSeconds = 0, DeregistrationDelaySeconds = -1 }), engine.Options());
        }));
        Assert.That(error!.Message, Does.Contain("2 problems").And.Contain("idleTimeoutSeconds").And.Contain("deregistrationDelaySeconds"));
        Assert.That(engine.Registrations, Is.Empty);
    }
}

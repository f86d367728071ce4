using System.Collections.Immutable;
using System.Text.Json;
using Infra.Components.Cdn;
using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Components;

public class AssetDistributionTests
{
    string _folder = "";

    [SetUp]
    public void CreateFixtureFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "assets-" + Guid.NewGuid().ToString("N"));
        foreach (var (file, text) in new Dictionary<string, string>
        {
            ["index.html"] = "<html></html>", ["app-3f9a1c.css"] = "body{}", ["js/main.8d2f1a7b.js"] = "1", ["js/main.8d2f1a7b.js.map"] = "{}",
            ["img/logo.png"] = "png", ["data.unknownext"] = "?", [".env"] = "SECRET=1", [".git/config"] = "x", ["drafts/wip.html"] = "wip",
        })
        {
            var path = Path.Combine(_folder, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }

    [TearDown]
    public void RemoveFixtureFolder() => Directory.Delete(_folder, recursive: true);

    /// <summary>Without the access-log bucket unless a test asks for it, so each test sees the one asset bucket.</summary>
    static async Task<(Graph Graph, AssetDistribution Cdn)> Build(AssetDistributionArgs args, bool accessLogs = false)
    {
        args = args with { AccessLogs = accessLogs };
        var engine = new TestEngine();
        AssetDistribution? cdn = null;
        var graph = await engine.RunAsync(() => { cdn = new AssetDistribution("assets", args, engine.Options()); });
        return (graph, cdn!);
    }

    static AssetDistributionArgs Aliased => new()
    {
        Hosts = new AssetHostsArgs { Count = 4, Domain = "example.com", HostedZoneId = "Z0123456789ABC" },
    };

    [Test]
    public async Task The_default_bucket_is_private_encrypted_and_readable_only_by_this_distribution_over_tls()
    {
        var (graph, cdn) = await Build(new AssetDistributionArgs());
        var ownership = graph.OfType("aws:s3/bucketOwnershipControls:BucketOwnershipControls").Single().Inputs;
        Assert.That(((ImmutableDictionary<string, object>)ownership["rule"])["objectOwnership"], Is.EqualTo("BucketOwnerEnforced"));
        var block = graph.OfType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").Single().Inputs;
        Assert.That(new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" }.Select(k => block[k]), Is.All.EqualTo(true));
        Assert.That(JsonSerializer.Serialize(graph.OfType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").Single().Inputs), Does.Contain("\"AES256\""));
        Assert.That(graph.Count("aws:s3/bucketVersioning:BucketVersioning"), Is.Zero);

        var policy = JsonDocument.Parse((string)graph.OfType("aws:s3/bucketPolicy:BucketPolicy").Single().Inputs["policy"]).RootElement;
        var statements = policy.GetProperty("Statement").EnumerateArray().ToList();
        var allow = statements.Single(s => s.GetProperty("Effect").GetString() == "Allow");
        Assert.That(allow.GetProperty("Principal").GetProperty("Service").GetString(), Is.EqualTo("cloudfront.amazonaws.com"));
        Assert.That(allow.GetProperty("Action").GetString(), Is.EqualTo("s3:GetObject"));
        Assert.That(allow.GetProperty("Resource").GetString(), Is.EqualTo(await cdn.BucketArn.ValueAsync() + "/*"));
        Assert.That(allow.GetProperty("Condition").GetProperty("StringEquals").GetProperty("AWS:SourceArn").GetString(),
            Is.EqualTo(await cdn.DistributionArn.ValueAsync()));
        var deny = statements.Single(s => s.GetProperty("Effect").GetString() == "Deny");
        Assert.That(deny.GetProperty("Condition").GetProperty("Bool").GetProperty("aws:SecureTransport").GetString(), Is.EqualTo("false"));
        Assert.That(await cdn.BucketName.ValueAsync(), Does.Match("^assets-[0-9a-f]{8}-"));
    }

    [Test]
    public async Task The_distribution_serves_https_only_compressed_through_the_origin_access_control()
    {
        var (graph, cdn) = await Build(new AssetDistributionArgs());
        var oac = graph.All<Aws.CloudFront.OriginAccessControl>().Single();
        Assert.That((await oac.OriginAccessControlOriginType.ValueAsync(), await oac.SigningBehavior.ValueAsync(), await oac.SigningProtocol.ValueAsync()),
            Is.EqualTo(("s3", "always", "sigv4")));
        var distribution = graph.All<Aws.CloudFront.Distribution>().Single();
        Assert.That((await distribution.Enabled.ValueAsync(), await distribution.IsIpv6Enabled.ValueAsync(), await distribution.HttpVersion.ValueAsync(),
            await distribution.PriceClass.ValueAsync()), Is.EqualTo((true, (bool?)true, (string?)"http2and3", (string?)"PriceClass_100")));
        var origin = (await distribution.Origins.ValueAsync()).Single();
        Assert.That(origin.OriginAccessControlId, Is.EqualTo(await oac.Id.ValueAsync()));
        Assert.That(origin.DomainName, Does.EndWith(".s3.us-east-1.amazonaws.com"));
        var behavior = (await distribution.DefaultCacheBehavior.ValueAsync())!;
        Assert.That((behavior.ViewerProtocolPolicy, behavior.Compress, behavior.CachePolicyId, behavior.ResponseHeadersPolicyId),
            Is.EqualTo(("redirect-to-https", (bool?)true, (string?)FakeAws.CachePolicies["Managed-CachingOptimized"],
                (string?)FakeAws.ResponseHeadersPolicies["Managed-SecurityHeadersPolicy"])));
        Assert.That((behavior.AllowedMethods, behavior.CachedMethods), Is.EqualTo((new[] { "GET", "HEAD" }, new[] { "GET", "HEAD" })));
        Assert.That((await distribution.Restrictions.ValueAsync())!.GeoRestriction!.RestrictionType, Is.EqualTo("none"));
        var viewer = (await distribution.ViewerCertificate.ValueAsync())!;
        Assert.That((viewer.CloudfrontDefaultCertificate, viewer.AcmCertificateArn), Is.EqualTo(((bool?)true, (string?)null)));
        Assert.That(await cdn.AssetHosts.ValueAsync(), Is.EqualTo(new[] { await distribution.DomainName.ValueAsync() }));
    }

    [Test]
    public async Task A_prod_like_bucket_is_versioned_protected_and_expires_old_versions()
    {
        var (graph, _) = await Build(new AssetDistributionArgs { Versioning = true, Protect = true, PriceClass = "PriceClass_All" });
        var bucket = graph.All<Aws.S3.Bucket>().Single();
        Assert.That(graph.Capture.OptionsOf(bucket).Protect, Is.True);
        Assert.That(graph.InputsOf(bucket)["forceDestroy"], Is.EqualTo(false));
        var versioning = graph.OfType("aws:s3/bucketVersioning:BucketVersioning").Single().Inputs;
        Assert.That(((ImmutableDictionary<string, object>)versioning["versioningConfiguration"])["status"], Is.EqualTo("Enabled"));
        var rules = (ImmutableArray<object>)graph.OfType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").Single().Inputs["rules"];
        Assert.That(JsonSerializer.Serialize(rules), Does.Contain("\"noncurrentDays\":30"));
        Assert.That(await graph.All<Aws.CloudFront.Distribution>().Single().PriceClass.ValueAsync(), Is.EqualTo("PriceClass_All"));
    }

    [Test]
    public async Task Asset_hosts_get_a_dns_validated_certificate_from_us_east_1_and_alias_records()
    {
        var (graph, cdn) = await Build(Aliased);
        var hosts = new[] { "assets0.example.com", "assets1.example.com", "assets2.example.com", "assets3.example.com" };
        Assert.That(await cdn.AssetHosts.ValueAsync(), Is.EqualTo(hosts));
        var provider = graph.OfType("pulumi:providers:aws").Single();
        Assert.That(provider.Inputs["region"], Is.EqualTo("us-east-1"));
        var providerResource = graph.All<Aws.Provider>().Single();
        Assert.That(graph.Capture.ParentOf(providerResource), Is.SameAs(cdn));
        var certificate = graph.OfType("aws:acm/certificate:Certificate").Single();
        Assert.That(certificate.Provider, Does.StartWith(await providerResource.Urn.ValueAsync() + "::"));
        Assert.That((certificate.Inputs["domainName"], certificate.Inputs["validationMethod"]), Is.EqualTo(("assets0.example.com", "DNS")));
        Assert.That(certificate.Inputs["subjectAlternativeNames"], Is.EqualTo(hosts.Skip(1).Cast<object>().ToImmutableArray()));
        Assert.That(graph.OfType("aws:acm/certificateValidation:CertificateValidation").Single().Provider, Is.EqualTo(certificate.Provider));

        var records = graph.OfType("aws:route53/record:Record").ToList();
        Assert.That(records.Count(r => (string)r.Inputs["type"] == "CNAME"), Is.EqualTo(4));
        Assert.That(records.Where(r => r.Inputs.ContainsKey("aliases")).Select(r => ((string)r.Inputs["name"], (string)r.Inputs["type"])),
            Is.EquivalentTo(hosts.SelectMany(h => new[] { (h, "A"), (h, "AAAA") })));

        var distribution = graph.All<Aws.CloudFront.Distribution>().Single();
        Assert.That(await distribution.Aliases.ValueAsync(), Is.EqualTo(hosts));
        var viewer = (await distribution.ViewerCertificate.ValueAsync())!;
        Assert.That((viewer.AcmCertificateArn, viewer.SslSupportMethod, viewer.MinimumProtocolVersion),
            Is.EqualTo(((string?)await graph.All<Aws.Acm.Certificate>().Single().Arn.ValueAsync(), (string?)"sni-only", (string?)"TLSv1.2_2021")));
    }

    [Test]
    public async Task An_existing_us_east_1_certificate_is_used_as_it_is()
    {
        const string arn = "arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
        var (graph, _) = await Build(new AssetDistributionArgs { Hosts = new AssetHostsArgs { Aliases = ["static.example.com"], CertificateArn = arn, CreateRecords = false } });
        Assert.That(graph.Count("aws:acm/certificate:Certificate") + graph.Count("pulumi:providers:aws") + graph.Count("aws:route53/record:Record"), Is.Zero);
        Assert.That((await graph.All<Aws.CloudFront.Distribution>().Single().ViewerCertificate.ValueAsync())!.AcmCertificateArn, Is.EqualTo(arn));
    }

    [Test]
    public async Task Uploading_a_folder_makes_one_object_per_file_with_type_and_cache_headers_and_skips_the_rest()
    {
        var (graph, cdn) = await Build(new AssetDistributionArgs { Upload = new UploadArgs { Folder = _folder, Ignore = ["drafts/**", "*.map"] } });
        var objects = graph.OfType("aws:s3/bucketObjectv2:BucketObjectv2").ToDictionary(o => (string)o.Inputs["key"], o => o.Inputs);
        Assert.That(objects.Keys, Is.EquivalentTo(new[] { "index.html", "app-3f9a1c.css", "js/main.8d2f1a7b.js", "img/logo.png", "data.unknownext" }));
        Assert.That(objects["index.html"]["contentType"], Is.EqualTo("text/html; charset=utf-8"));
        Assert.That(objects["app-3f9a1c.css"]["contentType"], Is.EqualTo("text/css; charset=utf-8"));
        Assert.That(objects["img/logo.png"]["contentType"], Is.EqualTo("image/png"));
        Assert.That(objects["data.unknownext"]["contentType"], Is.EqualTo("application/octet-stream"));
        Assert.That(objects["app-3f9a1c.css"]["cacheControl"], Is.EqualTo(AssetFiles.Immutable));
        Assert.That(objects["js/main.8d2f1a7b.js"]["cacheControl"], Is.EqualTo(AssetFiles.Immutable));
        Assert.That(objects["index.html"]["cacheControl"], Is.EqualTo(AssetFiles.ShortLived));
        Assert.That(objects["index.html"]["sourceHash"], Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("<html></html>"u8))));
        Assert.That(objects["index.html"]["source"], Is.InstanceOf<FileAsset>());
        Assert.That(await cdn.ObjectCount.ValueAsync(), Is.EqualTo(5));
    }

    [Test]
    public void A_us_west_2_certificate_a_missing_folder_and_a_count_without_domain_each_fail()
    {
        string Problems(AssetDistributionArgs args) => string.Join("\n", args.Validate().Select(p => p.ToString()));
        Assert.That(Problems(new AssetDistributionArgs { Hosts = new AssetHostsArgs
        {
            Aliases = ["static.example.com"], CertificateArn = "arn:aws:acm:us-west-2:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
        } }), Does.Contain("assets.hosts.certificateArn = 'arn:aws:acm:us-west-2:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0': CloudFront only uses certificates from us-east-1; this one is in us-west-2"));
        Assert.That(Problems(new AssetDistributionArgs { Upload = new UploadArgs { Folder = "/no/such/public" } }),
            Does.Contain("assets.upload.folder = '/no/such/public': folder not found"));
        Assert.That(Problems(new AssetDistributionArgs { Hosts = new AssetHostsArgs { Count = 4, HostedZoneId = "Z0123456789ABC" } }),
            Does.Contain("assets.hosts.domain = (not set): a count of 4 makes assets0..3.<domain>: set domain"));
        Assert.That(Problems(new AssetDistributionArgs { PriceClass = "PriceClass_50" }), Does.Contain("assets.priceClass = 'PriceClass_50'"));
        Assert.That(Problems(new AssetDistributionArgs { Hosts = new AssetHostsArgs { Aliases = ["static.example.com"] } }),
            Does.Contain("aliases need a certificate"));
    }

    [Test]
    public void Invalid_args_register_nothing()
    {
        var engine = new TestEngine();
        Assert.ThrowsAsync<RunException>(() => engine.RunAsync(() =>
        {
            new AssetDistribution("assets", new AssetDistributionArgs { Upload = new UploadArgs { Folder = "/no/such/public" } }, engine.Options());
        }));
        Assert.That(engine.Registrations, Is.Empty);
    }

    [Test]
    public async Task The_resources_of_the_three_configurations()
    {
        var (plain, _) = await Build(new AssetDistributionArgs());
        var (prod, _) = await Build(new AssetDistributionArgs { Versioning = true, Protect = true, PriceClass = "PriceClass_All" });
        var (aliased, _) = await Build(Aliased);
        Assert.That(plain.CountsByType(), Is.EquivalentTo(new Dictionary<string, int>
        {
            [AssetDistribution.Type] = 1, ["random:index/randomId:RandomId"] = 1, ["aws:s3/bucket:Bucket"] = 1,
            ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"] = 1, ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"] = 1,
            ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"] = 1,
            ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"] = 1, ["aws:cloudfront/originAccessControl:OriginAccessControl"] = 1,
            ["aws:cloudfront/distribution:Distribution"] = 1, ["aws:s3/bucketPolicy:BucketPolicy"] = 1,
        }));
        Assert.That(prod.Registrations.Count - plain.Registrations.Count, Is.EqualTo(1));
        Assert.That(aliased.Registrations.Count - plain.Registrations.Count, Is.EqualTo(1 + 1 + 4 + 1 + 8));
    }

    [Test]
    public async Task The_asset_bucket_logs_its_requests_to_a_log_bucket_only_s3_log_delivery_may_write()
    {
        var (graph, cdn) = await Build(new AssetDistributionArgs(), accessLogs: true);
        var buckets = graph.All<Aws.S3.Bucket>().ToDictionary(bucket => bucket.GetResourceName());
        var logging = graph.OfType("aws:s3/bucketLogging:BucketLogging").Single().Inputs;
        Assert.That(logging["bucket"], Is.EqualTo(await cdn.BucketName.ValueAsync()));
        Assert.That(logging["targetBucket"], Is.EqualTo(await buckets["assets-access-logs"].Id.ValueAsync()));
        var policies = graph.OfType("aws:s3/bucketPolicy:BucketPolicy").ToDictionary(policy => (string)policy.Inputs["bucket"], policy => (string)policy.Inputs["policy"]);
        var grant = JsonDocument.Parse(policies[await buckets["assets-access-logs"].Id.ValueAsync()]).RootElement.GetProperty("Statement")[0];
        Assert.That((grant.GetProperty("Principal").GetProperty("Service").GetString(), grant.GetProperty("Action").GetString()),
            Is.EqualTo(("logging.s3.amazonaws.com", "s3:PutObject")));
        Assert.That(grant.GetProperty("Condition").GetProperty("ArnLike").GetProperty("aws:SourceArn").GetString(), Is.EqualTo(await buckets["assets-bucket"].Arn.ValueAsync()));
        Assert.That(graph.OfType("aws:s3/bucketLogging:BucketLogging").Count(), Is.EqualTo(1), "the log bucket itself logs nowhere");
    }

    [Test]
    public async Task CloudFront_standard_logs_v2_go_from_us_east_1_to_the_log_bucket_which_admits_only_this_accounts_delivery()
    {
        var (graph, cdn) = await Build(new AssetDistributionArgs(), accessLogs: true);
        var logs = await graph.All<Aws.S3.Bucket>().Single(bucket => bucket.GetResourceName() == "assets-access-logs").Arn.ValueAsync();
        var source = graph.OfType("aws:cloudwatch/logDeliverySource:LogDeliverySource").Single();
        Assert.That((source.Inputs["logType"], source.Inputs["resourceArn"]), Is.EqualTo(((object)"ACCESS_LOGS", (object)await cdn.DistributionArn.ValueAsync())));
        var destination = graph.OfType("aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination").Single();
        Assert.That(((ImmutableDictionary<string, object>)destination.Inputs["deliveryDestinationConfiguration"])["destinationResourceArn"], Is.EqualTo(logs));
        var delivery = graph.OfType("aws:cloudwatch/logDelivery:LogDelivery").Single();
        Assert.That(delivery.Inputs["deliverySourceName"], Is.EqualTo(source.Inputs["name"]));
        Assert.That(delivery.Inputs["deliveryDestinationArn"], Is.EqualTo(await graph.All<Aws.CloudWatch.LogDeliveryDestination>().Single().Arn.ValueAsync()));
        var provider = graph.OfType("pulumi:providers:aws").Single();
        Assert.That(provider.Inputs["region"], Is.EqualTo("us-east-1"));
        foreach (var resource in new[] { source, destination, delivery })
            Assert.That(resource.Provider, Does.Contain("pulumi:providers:aws::assets-us-east-1"), resource.Name);
        var assetBucket = await cdn.BucketName.ValueAsync();
        var policy = graph.OfType("aws:s3/bucketPolicy:BucketPolicy").Single(p => (string)p.Inputs["bucket"] != assetBucket);
        var grant = JsonDocument.Parse((string)policy.Inputs["policy"]).RootElement.GetProperty("Statement").EnumerateArray()
            .Single(statement => statement.GetProperty("Sid").GetString() == "AllowCloudFrontLogDelivery");
        Assert.That(grant.GetProperty("Principal").GetProperty("Service").GetString(), Is.EqualTo("delivery.logs.amazonaws.com"));
        Assert.That(grant.GetProperty("Condition").GetProperty("ArnLike").GetProperty("aws:SourceArn").GetString(),
            Is.EqualTo($"arn:aws:logs:us-east-1:{Infra.Plan.Mocks.FakeAws.AccountId}:delivery-source:*"));
    }
}

using Pulumi;

namespace Infra.Tests.Stacks;

public class ConfigValidationTests
{
    static IEnumerable<TestCaseData> Mistakes()
    {
        TestCaseData Case(string key, string? json, string message) => new TestCaseData(key, json, message).SetName($"{key}: {message}");
        yield return Case("infra:network", """{"vpcCidr":"10.0.0.0/16","natt":"Single"}""", "infra:network.natt = 'Single': unknown key; did you mean nat? known keys are vpcCidr");
        yield return Case("infra:network", """{"availabilityZoneCount":"two"}""", "infra:network.availabilityZoneCount = 'two': must be a whole number");
        yield return Case("infra:network", """{"nat":"Double"}""", "infra:network.nat = 'Double': must be one of None, Single, OnePerAz");
        yield return Case("infra:network", """{"vpcCidr":"10.0.0.0/8"}""", "infra:network.vpcCidr = '10.0.0.0/8': prefix must be between /16 and /28");
        yield return Case("infra:network", """{"adminCidrs":["0.0.0.0/0"]}""", "infra:network.adminCidrs = '0.0.0.0/0': SSH from the whole internet is refused");
        yield return Case("infra:network", """{"availabilityZoneCount":1,"nat":"OnePerAz"}""", "infra:network.availabilityZoneCount = 1: needs 2 to 6 zones");
        yield return Case("infra:certificatePrivateKey", null, "infra:certificateBody = (not set): uploading a certificate needs both the certificate body and its private key");
        yield return Case("infra:loadBalancer", """{"idleTimeoutSeconds":0}""", "infra:loadBalancer.idleTimeoutSeconds = 0: must be a whole number from 1 to 4000");
        yield return Case("infra:loadBalancer", """{"healthCheck":{"intervalSeconds":5,"timeoutSeconds":5}}""", "infra:loadBalancer.healthCheck.timeoutSeconds = 5: must be less than intervalSeconds (5)");
        yield return Case("infra:loadBalancer", """{"stickiness":{"type":"appCookie"}}""", "infra:loadBalancer.stickiness.cookieName = (not set): appCookie needs the application's cookie name");
        yield return Case("infra:network", """{"appPorts":[8080,9000]}""",
            "infra:network.appPorts[1] = 9000: no listener forwards to it and no health check uses it (8080)");
        yield return Case("infra:network", """{"appPorts":[9000]}""",
            "infra:loadBalancer.listeners[1].targetPort = 8080: the instances only accept the network's appPorts (9000)");
        yield return Case("infra:loadBalancer", """{"ipv6":true}""", "infra:loadBalancer.ipv6 = true: a dual-stack balancer needs IPv6 subnets");
        yield return Case("infra:loadBalancer", """{"type":"network","accessLogs":{"enabled":true}}""",
            "infra:loadBalancer.accessLogs.enabled = true: a network load balancer writes access logs only for TLS listeners");
        yield return Case("infra:loadBalancer", """{"accessLogs":{"intervalMinutes":60}}""",
            "infra:loadBalancer.accessLogs.intervalMinutes = 60: only a classic balancer takes an interval");
        yield return Case("infra:web", """{"minSize":3,"maxSize":2}""", "infra:web.desiredCapacity = 3: must satisfy minSize (3) <= desiredCapacity <= maxSize (2)");
        yield return Case("infra:web", """{"alarms":{"periodSeconds":60}}""", "infra:web.alarms.periodSeconds = 60: EC2 metrics come every 300 s without detailed monitoring");
        yield return Case("infra:web", """{"schedules":[{"name":"peak","recurrence":"0 8 * * MON-FRI","timeZone":"America/New_York","minSize":6,"maxSize":9,"desiredCapacity":5}]}""",
            "infra:web.schedules[0].desiredCapacity = 5: must satisfy the schedule's minSize (6) <= desiredCapacity <= maxSize (9)");
        // Tags as AWS takes them (AWS General Reference, "Tag naming limits and requirements").
        yield return Case("infra:tags", """{"aws:owner":"ops"}""", "infra:tags.aws:owner = 'ops': keys starting with aws: are reserved for AWS");
        yield return Case("infra:tags", $$"""{"owner":"{{new string('x', 257)}}"}""", "': values are 0 to 256 letters, digits, spaces and _ . : / = + - @");
        yield return Case("infra:tags", $$"""{"{{new string('k', 129)}}":"x"}""", "': keys are 1 to 128 letters, digits, spaces and _ . : / = + - @");
        yield return Case("infra:tags", """{"cost#center":"42"}""", "infra:tags.cost#center = '42': keys are 1 to 128 letters, digits, spaces");
        yield return Case("infra:tags", """{"Name":"mine"}""", "infra:tags.Name = 'mine': is set by the stack itself (project, stack, managed-by, Name, Role)");
        yield return Case("infra:tags", $"{{{string.Join(",", Enumerable.Range(0, 46).Select(i => $"\"tag{i}\":\"v\""))}}}",
            "infra:tags = '46 tags': at most 45: AWS allows 50 tags per resource and the stack adds project, stack, managed-by, Name, Role");
        // The instance-type catalogue (components/Shared/instance-types.json).
        yield return Case("infra:web", """{"instanceType":"t3.smal"}""",
            "infra:web.instanceType = 't3.smal': is not an EC2 instance type this project knows (catalogue of 2026-07-20); did you mean t3.small? if AWS added it since, set infra:acceptUnlistedInstanceType to true");
        yield return Case("infra:worker", """{"instanceType":"m7i.huge"}""", "infra:worker.instanceType = 'm7i.huge': is not an EC2 instance type this project knows (catalogue of 2026-07-20); m7i comes in large, xlarge");
        yield return Case("infra:web", """{"instanceType":"hpc7a.12xlarge"}""", "infra:web.instanceType = 'hpc7a.12xlarge': is not offered in us-east-1");
        yield return Case("infra:web", """{"instanceType":"t4g.small","ami":{"ssmParameter":"/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"}}""",
            "infra:web.ami.ssmParameter = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64': names x86_64 images but t4g.small runs arm64");
        // One wrong item, one problem, under the item's key.
        yield return Case("infra:network", """{"appPorts":[8080,8080]}""", "infra:network.appPorts[1] = 8080: is listed twice; list each port once");
        yield return Case("infra:network", """{"adminCidrs":["203.0.113.0/24","203.0.113.0/24"]}""", "infra:network.adminCidrs = [\"203.0.113.0/24\",\"203.0.113.0/24\"]: lists an item twice");
        yield return Case("infra:loadBalancer", """{"type":"classic","listeners":[{"port":80,"protocol":"HTTP","targetPort":8080},{"port":443,"protocol":"TCP","targetPort":8443,"targetProtocol":"TCP"}],"stickiness":{"type":"lbCookie"}}""",
            "infra:loadBalancer.stickiness.type = 'lbCookie': applies to every listener, but listeners[1] (TCP:443) cannot use cookies: give that listener stickiness: none");
        yield return Case("infra:web", """{"instanceType":"huge"}""", "infra:web.instanceType = 'huge': must be an EC2 instance type");
        yield return Case("infra:web", """{"terminationPolicies":["Random"]}""", "infra:web.terminationPolicies[0] = 'Random': must be one of OldestInstance");
        yield return Case("infra:worker", """{"queue":{"scaleInAfterMinutes":1441}}""", "infra:worker.queue.scaleInAfterMinutes = 1441: must be a whole number from 1 to 1440");
        yield return Case("infra:worker", """{"queue":{"jobTimeoutSeconds":600,"visibilityTimeoutSeconds":300}}""",
            "infra:worker.queue.visibilityTimeoutSeconds = 300: must be at least jobTimeoutSeconds (600)");
        yield return Case("infra:worker", """{"queue":{"jobTimeoutSeconds":600}}""",
            "infra:worker.terminationDrainSeconds = 300: must be at least infra:worker.queue.jobTimeoutSeconds (600)");
        yield return Case("infra:worker", """{"queue":{"retentionSeconds":1209600}}""", "infra:worker.queue.retentionSeconds = 1209600: must be a whole number from 60 to 1123200");
        yield return Case("infra:worker", """{"queue":{"maxReceiveCount":0}}""", "infra:worker.queue.maxReceiveCount = 0: must be a whole number from 1 to 1000");
        yield return Case("infra:worker", """{"queue":{"scaling":"predictive"}}""", "infra:worker.queue.scaling = 'predictive': must be one of steps, targetTracking");
        yield return Case("infra:worker", """{"queue":{"scaling":"targetTracking","backlogPerInstance":0}}""", "infra:worker.queue.backlogPerInstance = 0: must be a number above 0");
        yield return Case("infra:worker", """{"queue":{"metric":{"namespace":"App","name":"Backlog"},"maxReceiveCount":3}}""", "infra:worker.queue.maxReceiveCount = '(set)': applies to the stack's own queue");
        // The kinds a new user gets wrong, each answered with the key as written and what AWS allows.
        yield return Case("aws:region", """["us-east-1"]""", "aws:region = [\"us-east-1\"]: must be a string");
        yield return Case("aws:region", "us-east-1a", "aws:region = 'us-east-1a': must be a region code such as us-east-1");
        yield return Case("aws:region", "N. Virginia", "aws:region = 'N. Virginia': must be a region code such as us-east-1");
        yield return Case("aws:region", "us-east-7", "aws:region = 'us-east-7': is not a region this project knows; if AWS opened it recently, set infra:acceptUnlistedRegion to true");
        yield return Case("infra:network", """{"availabilityZones":["eu-west-1a","eu-west-1b"]}""",
            "infra:network.availabilityZones[0] = 'eu-west-1a': must be a zone of aws:region us-east-1, such as us-east-1a");
        yield return Case("infra:web", """{"schedules":[{"name":"peak","recurrence":"61 25 * * *","minSize":1,"maxSize":3,"desiredCapacity":1}]}""",
            "infra:web.schedules[0].recurrence = '61 25 * * *': must be a five-field cron expression (minute 0-59, hour 0-23");
        yield return Case("infra:web", """{"schedules":[{"name":"peak","recurrence":"0 8 * * *","minSize":1,"maxSize":3}]}""",
            "infra:web.schedules[0].desiredCapacity = (not set): is required (a whole number from 0 to 1000)");
        yield return Case("infra:certificateChain", "not a certificate", "infra:certificateChain = '(plain text, not shown)': must be a secret");
        yield return Case("infra:notifications", """{"emails":["ops@example.com"],"kmsKeyId":"alias/aws/sns"}""",
            "infra:notifications.kmsKeyId = 'alias/aws/sns': must be a customer-managed key");
        yield return Case("infra:notifications", """{"emails":["ops@example.com","not-an-email"]}""", "infra:notifications.emails[1] = 'not-an-email': must be an email address");
        yield return Case("infra:web", """{"ami":{"id":"ami-0123456789abcdef0","ssmParameter":"/my/images/{arch}"}}""",
            "infra:web.ami.ssmParameter = '/my/images/{arch}': cannot be given with ami.id");
        yield return Case("infra:web", """{"alarms":{"cpuHighPercent":40,"cpuLowPercent":60}}""", "infra:web.alarms.cpuLowPercent = 60: must be below the threshold of cpu-high (40)");
        yield return Case("infra:worker", """{"queue":{"scaleOutAbove":5,"scaleInBelow":10}}""", "infra:worker.queue.scaleInBelow = 10: must be below the threshold of queue-high (5)");
        yield return Case("infra:web", """{"dbHost":"db\nrm -rf /"}""", "infra:web.dbHost = 'db\\nrm -rf /': is written to /etc/app/app.env");
        yield return Case("infra:web", """{"environment":{"GREETING":"a\tb"}}""", "infra:web.environment.GREETING = 'a\\tb': values are written to /etc/app/app.env");
        yield return Case("infra:web", """{"rootVolumeGb":3000000000}""", "infra:web.rootVolumeGb = 3000000000: must be a whole number from 8 to 16384");
        yield return Case("infra:web", """{"maxSize":1e20}""", "infra:web.maxSize = 1e20: must be a whole number from 1 to 1000");
        yield return Case("infra:worker", """{"detailedMonitoring":"yes"}""", "infra:worker.detailedMonitoring = 'yes': must be true or false");
        yield return Case("infra:assets", """{"hosts":{"count":4,"hostedZoneId":"Z0123"}}""", "infra:assets.hosts.domain = (not set): a count of 4 makes assets0..3.<domain>: set domain");
        yield return Case("infra:assets", """{"hosts":{"aliases":["cdn.example.com"],"certificateArn":"arn:aws:acm:us-west-2:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"}}""",
            "CloudFront only uses certificates from us-east-1; this one is in us-west-2");
        yield return Case("infra:assets", """{"upload":{"folder":"no-such-folder"}}""", "infra:assets.upload.folder = ");
        yield return Case("infra:assets", """{"priceClass":"PriceClass_1"}""", "infra:assets.priceClass = 'PriceClass_1': must be one of PriceClass_100, PriceClass_200, PriceClass_All");
        yield return Case("infra:notifications", """{"emails":["not-an-email"]}""", "infra:notifications.emails[0] = 'not-an-email': must be an email address");
        yield return Case("infra:tags", """{"owner":7}""", "infra:tags.owner = 7: must be a string");
        yield return Case("infra:netwrok", """{}""", "infra:netwrok = {}: unknown key; did you mean infra:network? known keys are aws:region");
        yield return Case("aws:region", null, "aws:region = (not set): set the AWS region");
        yield return Case("infra:certificatePrivateKey", "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----",
            "infra:certificatePrivateKey = '[secret]': is not a readable RSA or ECDSA private key");
    }

    [TestCaseSource(nameof(Mistakes))]
    public void A_mistake_fails_with_its_message_and_creates_nothing(string key, string? json, string message)
    {
        var engine = new TestEngine();
        var error = Assert.ThrowsAsync<RunException>(() => StackRun.RunAsync("dev", StackRun.With((key, json)), engine));
        Assert.That(error!.Message, Does.Contain(message));
        engine.Mock.Verify(mocks => mocks.NewResourceAsync(Moq.It.IsAny<Pulumi.Testing.MockResourceArgs>()), Moq.Times.Never);
    }

    [Test]
    public void Several_mistakes_are_reported_together_in_one_failure()
    {
        var engine = new TestEngine();
        var error = Assert.ThrowsAsync<RunException>(() => StackRun.RunAsync("dev", StackRun.With(
            ("infra:network", """{"vpcCidr":"10.0.0.0/8","nat":"Double"}"""),
            ("infra:web", """{"minSize":5}"""),
            ("infra:assets", """{"priceClass":"cheap"}"""))));
        Assert.That(error!.Message, Does.StartWith("Invalid configuration (4 problems):"));
        Assert.That(error.Message, Does.Contain("infra:network.vpcCidr").And.Contain("infra:network.nat").And.Contain("infra:web.desiredCapacity")
            .And.Contain("infra:assets.priceClass"));
        Assert.That(engine.Registrations, Is.Empty);
    }

    [TestCase("infra:network", """{"appPorts":[8080,70000]}""", "infra:network.appPorts[1]")]
    [TestCase("infra:web", """{"terminationPolicies":["Default","Random"]}""", "infra:web.terminationPolicies[1]")]
    [TestCase("infra:assets", """{"geoRestriction":{"type":"whitelist","locations":["US","usa"]}}""", "infra:assets.geoRestriction.locations[1]")]
    public void One_wrong_item_is_one_problem_under_its_own_key(string key, string json, string problemKey)
    {
        var error = Assert.ThrowsAsync<RunException>(() => StackRun.RunAsync("dev", StackRun.With((key, json))));
        Assert.That(error!.Message, Does.StartWith($"Invalid configuration (1 problem):\n  - {problemKey} = "));
    }

    [Test]
    public async Task The_committed_stack_files_are_valid()
    {
        Assert.That((await StackRun.RunAsync("dev")).Registrations, Is.Not.Empty);
        Assert.That((await StackRun.RunAsync("prod")).Registrations, Is.Not.Empty);
    }
}

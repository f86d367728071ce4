using System.Text.Json;
using Infra.Components.Queue;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Components;

public class JobQueueTests
{
    static async Task<(Graph Graph, JobQueue Queue)> Build(JobQueueArgs args)
    {
        var engine = new TestEngine();
        JobQueue? queue = null;
        var graph = await engine.RunAsync(() => { queue = new JobQueue("jobs", args, engine.Options()); });
        return (graph, queue!);
    }

    [Test]
    public async Task Failed_jobs_move_to_an_encrypted_dead_letter_queue_that_outlives_the_queue()
    {
        var (graph, queue) = await Build(new JobQueueArgs { MaxReceiveCount = 3, JobTimeoutSeconds = 600, VisibilityTimeoutSeconds = 660 });
        var jobs = graph.Single<Aws.Sqs.Queue>("jobs");
        var deadLetters = graph.Single<Aws.Sqs.Queue>("jobs-dlq");
        var redrive = JsonDocument.Parse((await jobs.RedrivePolicy.ValueAsync())!).RootElement;
        Assert.That(redrive.GetProperty("deadLetterTargetArn").GetString(), Is.EqualTo(await deadLetters.Arn.ValueAsync()));
        Assert.That(redrive.GetProperty("maxReceiveCount").GetInt32(), Is.EqualTo(3));
        Assert.That(await jobs.VisibilityTimeoutSeconds.ValueAsync(), Is.EqualTo(660));
        Assert.That(await jobs.ReceiveWaitTimeSeconds.ValueAsync(), Is.EqualTo(20), "long polling");
        // Standard queues keep a message's original enqueue time in the dead-letter queue, so it must keep longer.
        Assert.That(await jobs.MessageRetentionSeconds.ValueAsync(), Is.LessThan((await deadLetters.MessageRetentionSeconds.ValueAsync())!.Value));
        Assert.That(await deadLetters.MessageRetentionSeconds.ValueAsync(), Is.EqualTo(1_209_600));
        foreach (var sqs in new[] { jobs, deadLetters })
            Assert.That((await sqs.SqsManagedSseEnabled.ValueAsync(), await sqs.KmsMasterKeyId.ValueAsync()), Is.EqualTo(((bool?)true, (string?)null)));
        Assert.That(await queue.Url.ValueAsync(), Is.EqualTo(await jobs.Url.ValueAsync()));
        Assert.That(await queue.DeadLetterName.ValueAsync(), Is.EqualTo(await deadLetters.Name.ValueAsync()));
    }

    [Test]
    public async Task Both_queues_refuse_requests_without_tls()
    {
        var (graph, _) = await Build(new JobQueueArgs());
        var policies = graph.OfType("aws:sqs/queuePolicy:QueuePolicy").ToList();
        Assert.That(policies, Has.Count.EqualTo(2));
        foreach (var sqs in graph.All<Aws.Sqs.Queue>())
        {
            var url = await sqs.Url.ValueAsync();
            var policy = policies.Single(p => (string)p.Inputs["queueUrl"] == url);
            var statement = JsonDocument.Parse((string)policy.Inputs["policy"]).RootElement.GetProperty("Statement")[0];
            Assert.That((statement.GetProperty("Effect").GetString(), statement.GetProperty("Action").GetString(), statement.GetProperty("Resource").GetString()),
                Is.EqualTo(("Deny", "sqs:*", await sqs.Arn.ValueAsync())));
            Assert.That(statement.GetProperty("Condition").GetProperty("Bool").GetProperty("aws:SecureTransport").GetString(), Is.EqualTo("false"));
        }
    }

    [Test]
    public async Task A_customer_key_replaces_sqs_managed_encryption()
    {
        const string key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        var (graph, queue) = await Build(new JobQueueArgs { KmsKeyArn = key });
        foreach (var registration in graph.OfType("aws:sqs/queue:Queue"))
            Assert.That((registration.Inputs.GetValueOrDefault("kmsMasterKeyId"), registration.Inputs.ContainsKey("sqsManagedSseEnabled")), Is.EqualTo(((object)key, false)),
                "SQS refuses both encryption settings together");
        Assert.That(queue.KmsKeyArn, Is.EqualTo(key));
    }

    [TestCaseSource(nameof(Invalid))]
    public void Invalid_settings_are_refused_with_the_key_and_the_reason(JobQueueArgs args, string expected) =>
        Assert.That(args.Validate("queue").Select(problem => problem.ToString()), Has.Some.StartsWith(expected));

    static IEnumerable<TestCaseData> Invalid()
    {
        yield return new TestCaseData(new JobQueueArgs { JobTimeoutSeconds = 900, VisibilityTimeoutSeconds = 600 },
            "queue.visibilityTimeoutSeconds = 600: must be at least jobTimeoutSeconds (900)");
        yield return new TestCaseData(new JobQueueArgs { VisibilityTimeoutSeconds = 43_201 }, "queue.visibilityTimeoutSeconds = 43201: must be between 0 and 43200");
        yield return new TestCaseData(new JobQueueArgs { RetentionSeconds = 30 }, "queue.retentionSeconds = 30: must be 60 to 1123200");
        yield return new TestCaseData(new JobQueueArgs { ReceiveWaitTimeSeconds = 21 }, "queue.receiveWaitTimeSeconds = 21: must be between 0 and 20");
        yield return new TestCaseData(new JobQueueArgs { KmsKeyArn = "alias/jobs" }, "queue.kmsKeyArn = 'alias/jobs': must be a KMS key ARN");
    }
}

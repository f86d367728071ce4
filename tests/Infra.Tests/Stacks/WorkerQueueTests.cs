using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Aws = Pulumi.Aws;

namespace Infra.Tests.Stacks;

/// <summary>The job queue of each committed stack, followed through the graph: the workers' alarms to the queue they
/// name, the queue to its dead-letter queue, both tiers' permissions and environment files to the same queue.</summary>
public class WorkerQueueTests
{
    static string Script(Graph graph, string tier) =>
        Encoding.UTF8.GetString(Convert.FromBase64String((string)graph.InputsOf(graph.All<Aws.Ec2.LaunchTemplate>().Single(t => t.GetResourceName() == tier))["userData"]));

    static JsonElement Statement(Graph graph, string policy) =>
        JsonDocument.Parse((string)graph.OfType("aws:iam/rolePolicy:RolePolicy").Single(p => p.Name == policy).Inputs["policy"]).RootElement.GetProperty("Statement")[0];

    [TestCase("dev")]
    [TestCase("prod")]
    public async Task The_workers_scale_on_the_stacks_own_queue_and_its_dead_letters_page(string stack)
    {
        var graph = await StackRun.CommittedAsync(stack);
        var jobs = graph.Single<Aws.Sqs.Queue>("jobs");
        var (name, arn, url) = (await jobs.Name.ValueAsync(), await jobs.Arn.ValueAsync(), await jobs.Url.ValueAsync());

        var alarms = graph.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").ToDictionary(alarm => alarm.Name!);
        if (stack == "dev")
        {
            foreach (var rule in new[] { "worker-queue-high", "worker-queue-low" })
            {
                Assert.That(((string)alarms[rule].Inputs["namespace"], (string)alarms[rule].Inputs["metricName"]), Is.EqualTo(("AWS/SQS", "ApproximateNumberOfMessagesVisible")));
                Assert.That(((ImmutableDictionary<string, object>)alarms[rule].Inputs["dimensions"])["QueueName"], Is.EqualTo(name));
            }

            Assert.That(Convert.ToInt32(alarms["worker-queue-low"].Inputs["evaluationPeriods"]) * Convert.ToInt32(alarms["worker-queue-low"].Inputs["period"]),
                Is.EqualTo(45 * 60), "fewer than 5 for 45 minutes");
        }
        else
        {
            // prod tracks the backlog per instance: metric math over this queue and the group.
            var tracking = graph.OfType("aws:autoscaling/policy:Policy").Single(policy => policy.Name == "worker-backlog");
            Assert.That(JsonSerializer.Serialize(tracking.Inputs["targetTrackingConfiguration"]), Does.Contain(name).And.Contain("ApproximateNumberOfMessagesNotVisible").And.Contain("inFlight) / instances"));
            Assert.That(alarms.Keys, Has.None.StartsWith("worker-queue"));
        }

        Assert.That(alarms.Values.Select(alarm => alarm.Inputs.GetValueOrDefault("namespace")), Has.None.EqualTo("App"), "nothing publishes App/QueueBacklog");

        var deadLetterArn = JsonDocument.Parse((await jobs.RedrivePolicy.ValueAsync())!).RootElement.GetProperty("deadLetterTargetArn").GetString();
        var deadLetters = graph.All<Aws.Sqs.Queue>().Single(queue => queue.GetResourceName() == "jobs-dlq");
        Assert.That(deadLetterArn, Is.EqualTo(await deadLetters.Arn.ValueAsync()));
        Assert.That(((ImmutableDictionary<string, object>)alarms["monitoring-dead-letters"].Inputs["dimensions"])["QueueName"], Is.EqualTo(await deadLetters.Name.ValueAsync()));

        Assert.That(Statement(graph, "worker-queue").GetProperty("Resource").GetString(), Is.EqualTo(arn));
        Assert.That((Statement(graph, "web-queue").GetProperty("Action").GetString(), Statement(graph, "web-queue").GetProperty("Resource").GetString()),
            Is.EqualTo(("sqs:SendMessage", arn)));
        foreach (var tier in new[] { "web", "worker" })
            Assert.That(Script(graph, tier), Does.Contain($"QUEUE_URL='{url}'\n"));
        Assert.That(await ((Pulumi.Output<string>)graph.Outputs["queueUrl"]!).ValueAsync(), Is.EqualTo(url));
    }

    [Test]
    public async Task An_application_with_its_own_queue_scales_on_its_custom_metric_and_gets_no_sqs_queue()
    {
        var graph = await StackRun.RunAsync("dev", StackRun.With(("infra:worker",
            """{"queue":{"metric":{"namespace":"App","name":"QueueBacklog"},"scaleOutAbove":50}}""")));
        Assert.That(graph.Count("aws:sqs/queue:Queue"), Is.Zero);
        var high = graph.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Single(alarm => alarm.Name == "worker-queue-high");
        Assert.That(((string)high.Inputs["namespace"], (string)high.Inputs["metricName"], Convert.ToDouble(high.Inputs["threshold"])), Is.EqualTo(("App", "QueueBacklog", 50.0)));
        Assert.That(Script(graph, "worker"), Does.Not.Contain("QUEUE_URL"));
        Assert.That(graph.Outputs, Does.Not.ContainKey("queueUrl"));
    }
}

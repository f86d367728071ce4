namespace Infra.Components.Network;

/// <summary>An AWS service reachable through an interface endpoint (com.amazonaws.REGION.NAME): the IAM prefix of its
/// actions, and whether its endpoint takes a policy (VpcEndpointPolicySupported in describe-vpc-endpoint-services).</summary>
public sealed record InterfaceEndpointService(string Name, string ActionPrefix, bool TakesPolicy, string Use);

public static class InterfaceEndpointServices
{
    public static readonly IReadOnlyList<InterfaceEndpointService> All =
    [
        new("ssm", "ssm", true, "Systems Manager: the agent registers, Session Manager and Run Command start"),
        new("ssmmessages", "ssmmessages", false, "Session Manager and Run Command channels"),
        new("ec2messages", "ec2messages", false, "Run Command for SSM agents older than 3.3.40.0"),
        new("logs", "logs", true, "CloudWatch Logs: the CloudWatch agent, session logs"),
        new("monitoring", "cloudwatch", true, "CloudWatch metrics the agent and the application put"),
        new("autoscaling", "autoscaling", true, "Auto Scaling: the drain service completes the termination hook"),
        new("sqs", "sqs", true, "the job queue: web servers send, workers receive"),
        new("kms", "kms", true, "KMS: a queue or volume encrypted with a customer key"),
        new("sts", "sts", true, "STS: roles assumed from the instances"),
    ];

    public static InterfaceEndpointService? Find(string name) => All.FirstOrDefault(service => service.Name == name);
}

using Pulumi;
using Aws = Pulumi.Aws;

namespace Infra.Components.Shared;

/// <summary>IAM policy documents, rendered by the provider's getPolicyDocument.</summary>
public static class Policies
{
    public static Output<string> Document(Resource parent, params Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs[] statements)
    {
        var args = new Aws.Iam.GetPolicyDocumentInvokeArgs();
        foreach (var statement in statements)
            args.Statements.Add(statement);
        return Aws.Iam.GetPolicyDocument.Invoke(args, new InvokeOptions { Parent = parent }).Apply(document => document.Json);
    }

    /// <summary>A trust policy that lets one AWS service assume the role; for a service acting on behalf of an
    /// account, only for that account (aws:SourceAccount), so no other account can use the role (confused deputy).</summary>
    public static Output<string> AssumedBy(string service, Resource parent, Input<string>? sourceAccount = null)
    {
        var statement = new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
        {
            Actions = { "sts:AssumeRole" },
            Principals =
            {
                new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "Service", Identifiers = { service } },
            },
        };
        if (sourceAccount is not null)
            statement.Conditions.Add(new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs
            {
                Test = "StringEquals", Variable = "aws:SourceAccount", Values = { sourceAccount },
            });
        return Document(parent, statement);
    }

    /// <summary>The account the stack deploys to.</summary>
    public static Output<string> Account(Resource parent) =>
        Aws.GetCallerIdentity.Invoke(null, new InvokeOptions { Parent = parent }).Apply(identity => identity.AccountId);

    /// <summary>The region the stack deploys to, as the provider resolves it.</summary>
    public static Output<string> Region(Resource parent) =>
        Aws.GetRegion.Invoke(null, new InvokeOptions { Parent = parent }).Apply(result => result.Region);

    /// <summary>A topic's policy: this account may use it, this account's CloudWatch alarms may publish to it, and only
    /// over TLS (Auto Scaling publishes with its service-linked role, an identity of the account).</summary>
    public static Output<string> AlarmTopic(Resource parent, Output<string> topicArn)
    {
        var account = Account(parent);
        return Document(parent,
            new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
            {
                Sid = "AccountUse",
                Actions = { "sns:Publish", "sns:Subscribe", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListSubscriptionsByTopic" },
                Resources = { topicArn },
                Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "AWS", Identifiers = { account } } },
            },
            new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
            {
                Sid = "AlarmsOfThisAccount",
                Actions = { "sns:Publish" },
                Resources = { topicArn },
                Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "Service", Identifiers = { "cloudwatch.amazonaws.com" } } },
                Conditions =
                {
                    new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs { Test = "StringEquals", Variable = "aws:SourceAccount", Values = { account } },
                },
            },
            DenyInsecureTransport("sns", topicArn));
    }

    /// <summary>The partition (aws, aws-cn, aws-us-gov) ARNs of the stack's region start with.</summary>
    public static Output<string> Partition(Resource parent) =>
        Aws.GetPartition.Invoke(null, new InvokeOptions { Parent = parent }).Apply(result => result.Partition);

    /// <summary>Refuses every request to the resources that does not use TLS (aws:SecureTransport false). A topic's
    /// denial names sns:Publish beside sns:*: topic checks (cdk-nag AwsSolutions-SNS3) look for it by name.</summary>
    public static Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs DenyInsecureTransport(string service, params Input<string>[] resources)
    {
        var statement = new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
        {
            Sid = "DenyInsecureTransport",
            Effect = "Deny",
            Actions = service == "sns" ? new InputList<string> { "sns:Publish", "sns:*" } : new InputList<string> { $"{service}:*" },
            Principals = { new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "*", Identifiers = { "*" } } },
            Conditions =
            {
                new Aws.Iam.Inputs.GetPolicyDocumentStatementConditionInputArgs
                {
                    Test = "Bool", Variable = "aws:SecureTransport", Values = { "false" },
                },
            },
        };
        foreach (var resource in resources)
            statement.Resources.Add(resource);
        return statement;
    }
}

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

    /// <summary>A trust policy that lets one AWS service assume the role.</summary>
    public static Output<string> AssumedBy(string service, Resource parent) =>
        Document(parent, new Aws.Iam.Inputs.GetPolicyDocumentStatementInputArgs
        {
            Actions = { "sts:AssumeRole" },
            Principals =
            {
                new Aws.Iam.Inputs.GetPolicyDocumentStatementPrincipalInputArgs { Type = "Service", Identifiers = { service } },
            },
        });
}

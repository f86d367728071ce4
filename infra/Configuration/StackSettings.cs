using Infra.Components.Network;
using Infra.Components.Shared;
using Pulumi;

namespace Infra.Configuration;

/// <summary>The whole stack's configuration, typed and validated: every problem of every section is
/// collected, then reported in one failure before any resource exists.</summary>
public sealed record StackSettings(
    Environment Environment,
    string Region,
    IReadOnlyDictionary<string, string> Tags,
    NetworkArgs Network)
{
    public const string Namespace = "infra";

    /// <summary>Config keys the stack reads under infra:.</summary>
    public static readonly IReadOnlyList<string> Sections = ["network", "tags"];

    public static StackSettings Load()
    {
        var problems = new List<Problem>();
        var config = new Config(Namespace);
        var stack = Deployment.Instance.StackName;
        var environment = Environments.ForStack(stack);
        var region = new Config("aws").Get("region");
        if (string.IsNullOrEmpty(region))
            problems.Add(new Problem("aws:region", region, "set the AWS region, e.g. pulumi config set aws:region us-east-1"));

        var tagsSection = Section.Parse($"{Namespace}:tags", config.Get("tags"), problems);
        var tags = CommonTags(Deployment.Instance.ProjectName, stack, tagsSection);
        var network = NetworkConfig.Read(Section.Parse($"{Namespace}:network", config.Get("network"), problems), environment, tags);

        problems.AddRange(network.Validate($"{Namespace}:network"));
        Checks.ThrowIfAny(problems);
        return new StackSettings(environment, region!, tags, network);
    }

    /// <summary>project, stack and managed-by, plus whatever infra:tags adds (string values only).</summary>
    static IReadOnlyDictionary<string, string> CommonTags(string project, string stack, Section section)
    {
        var tags = new Dictionary<string, string>(section.AsStringMap());
        tags["project"] = project;
        tags["stack"] = stack;
        tags["managed-by"] = "pulumi";
        return tags;
    }
}

namespace Infra.Plan.Checks;

public enum Severity
{
    /// <summary>AWS would refuse the change or the stack would not work once deployed: the plan stops (exit 1).</summary>
    Error,
    /// <summary>Works, but costs or exposes something for nothing: printed and kept in the JSON plan.</summary>
    Warning,
}

/// <summary>One problem a rule found: which resources (URNs), what is wrong and how to fix it.</summary>
public sealed record Finding(string Rule, Severity Severity, IReadOnlyList<string> Resources, string Message, string Fix)
{
    /// <summary>Why the stack accepts this finding (infra:acknowledgements); null when it does not.</summary>
    public string? Acknowledged { get; init; }

    public string SeverityName => Severity == Severity.Error ? "error" : "warning";
}

/// <summary>A plan check: plain C# over the planned graph. One class per rule, with its id, severity and title
/// (the README lists them).</summary>
public interface IPlanRule
{
    string Id { get; }
    Severity Severity { get; }
    string Title { get; }
    IEnumerable<Finding> Check(PlanGraph graph);
}

/// <summary>Every rule, in the order the README lists them.</summary>
public static class PlanChecks
{
    public static readonly IReadOnlyList<IPlanRule> Rules =
    [
        new HealthCheckProtocol(), new HealthCheckReachable(), new TargetGroupWiring(), new AccessLogBucketPolicy(), new AlarmDimensions(),
        new AlarmPeriod(), new AlarmData(), new ListenerCertificateRegion(), new CloudFrontCertificateRegion(), new PrivateSubnetEgress(), new IngressWithoutListener(),
    ];

    public static IReadOnlyList<Finding> Run(PlanDocument plan)
    {
        var graph = new PlanGraph(plan);
        return [.. Rules.SelectMany(rule => rule.Check(graph)).OrderBy(finding => finding.Severity).ThenBy(finding => finding.Rule, StringComparer.Ordinal)];
    }
}

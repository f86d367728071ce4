using System.Text.RegularExpressions;

namespace Infra.Components.Compute;

/// <summary>The CPU credit modes of burstable (T family) instances: the catalogue says which types are burstable, and
/// the T-family naming rule judges a type it does not list. Standard throttles to the baseline once the credits are spent; unlimited keeps
/// bursting and bills the surplus per vCPU-hour. AWS launches T2 in standard and T3, T3a and T4g in unlimited unless
/// told otherwise (EC2 RunInstances, CreditSpecification).</summary>
public static partial class CpuCredits
{
    public const string Standard = "standard";
    public const string Unlimited = "unlimited";

    public static readonly IReadOnlyList<string> Modes = [Standard, Unlimited];

    /// <summary>Whether the type runs on CPU credits (t2, t3, t3a, t4g and later T families).</summary>
    public static bool Apply(string instanceType) =>
        Shared.InstanceTypes.Find(instanceType)?.Burstable ?? BurstableName().IsMatch(instanceType);

    /// <summary>The mode AWS picks when the launch template does not say.</summary>
    public static string AwsDefault(string instanceType) => instanceType.StartsWith("t2.", StringComparison.Ordinal) ? Standard : Unlimited;

    [GeneratedRegex(@"^t\d+[a-z]*\.")]
    private static partial Regex BurstableName();
}

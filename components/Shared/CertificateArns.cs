using System.Text.RegularExpressions;

namespace Infra.Components.Shared;

/// <summary>Certificate ARNs as AWS writes them: arn:partition:acm:region:account:certificate/uuid, and
/// arn:partition:iam::account:server-certificate/path-and-name.</summary>
public static partial class CertificateArns
{
    [GeneratedRegex(@"^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate/[0-9a-f-]{36}$")]
    private static partial Regex Acm();

    [GeneratedRegex(@"^arn:aws[a-z-]*:iam::\d{12}:server-certificate/.+$")]
    private static partial Regex IamServer();

    /// <summary>The region of an ACM certificate ARN; null for anything else.</summary>
    public static string? AcmRegion(string? arn) => arn is not null && Acm().Match(arn) is { Success: true } match ? match.Groups[1].Value : null;

    public static bool IsIamServerCertificate(string arn) => IamServer().IsMatch(arn);
}

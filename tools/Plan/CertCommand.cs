using Infra.Configuration;
using Infra.Plan.Mocks;

namespace Infra.Plan;

/// <summary>What the seeds do by hand with openssl: a self-signed certificate and key for a dev stack,
/// written under .certs/ (ignored by git) and handed to Pulumi as secrets.</summary>
internal static class CertCommand
{
    public static int Run(string project, string stack, string domain, int days, bool force, TextWriter output, TextWriter error)
    {
        var refusal = Refusal(project, stack, domain, days);
        var folder = Path.Combine(project, ".certs", stack);
        var certificate = Path.Combine(folder, "certificate.pem");
        var key = Path.Combine(folder, "private-key.pem");
        if (refusal is null && !force && (File.Exists(key) || File.Exists(certificate)))
            refusal = $"{Path.GetRelativePath(project, folder)} already holds a certificate or key; pass --force to replace them";
        if (refusal is not null)
        {
            error.WriteLine(refusal);
            return Cli.ConfigurationError;
        }

        var pair = SelfSignedCertificates.Create(domain, DateTimeOffset.UtcNow.AddDays(days));
        Directory.CreateDirectory(folder);
        File.WriteAllText(certificate, pair.CertificatePem);
        File.WriteAllText(key, pair.PrivateKeyPem);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        string Relative(string path) => Path.GetRelativePath(project, path);
        output.WriteLine($"Self-signed certificate for {domain}, valid {days} days: {Relative(certificate)}, key {Relative(key)} (mode 600).");
        output.WriteLine("Store them in the stack as secrets (browsers will warn: fine for dev, never for prod):");
        output.WriteLine();
        output.WriteLine($"  pulumi config set --stack {stack} --secret {StackSettings.Namespace}:{LoadBalancerConfig.CertificateBodyKey} -- \"$(cat {Relative(certificate)})\"");
        output.WriteLine($"  pulumi config set --stack {stack} --secret {StackSettings.Namespace}:{LoadBalancerConfig.CertificatePrivateKeyKey} -- \"$(cat {Relative(key)})\"");
        return Cli.Ok;
    }

    /// <summary>Why no certificate should be made: an unknown stack, one that uses an ARN, a bad name or lifetime.</summary>
    static string? Refusal(string project, string stack, string domain, int days)
    {
        if (!File.Exists(Path.Combine(project, $"Pulumi.{stack}.yaml")))
            return $"No stack '{stack}': there is no Pulumi.{stack}.yaml in {project}.";
        var file = StackFile.Load(project, stack);
        if (file.Config.GetValueOrDefault($"{StackSettings.Namespace}:loadBalancer") is { } balancer
            && System.Text.Json.Nodes.JsonNode.Parse(balancer)?["certificateArn"] is not null)
            return $"Stack '{stack}' uses {StackSettings.Namespace}:loadBalancer.certificateArn; an uploaded certificate would conflict with it.";
        if (!System.Text.RegularExpressions.Regex.IsMatch(domain, @"^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"))
            return $"--domain '{domain}' is not a host name such as dev.example.com (lower case, at least one dot).";
        return days is >= 1 and <= 825 ? null : $"--days {days}: must be 1 to 825 (the longest lifetime browsers accepted for TLS certificates).";
    }
}

using Infra.Configuration;
using Infra.Plan.Mocks;

namespace Infra.Plan;

/// <summary>What the seeds do by hand with openssl: a self-signed certificate and key for a dev stack,
/// written under .certs/ (ignored by git) and handed to Pulumi as secrets.</summary>
internal static class CertCommand
{
    public static int Run(string project, string stack, string domain, int days, TextWriter output)
    {
        var pair = SelfSignedCertificates.Create(domain, DateTimeOffset.UtcNow.AddDays(days));
        var folder = Path.Combine(project, ".certs", stack);
        Directory.CreateDirectory(folder);
        var certificate = Path.Combine(folder, "certificate.pem");
        var key = Path.Combine(folder, "private-key.pem");
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
}

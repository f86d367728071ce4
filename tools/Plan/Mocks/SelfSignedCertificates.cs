using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Infra.Plan.Mocks;

/// <summary>Self-signed certificates for the offline plan, `./build.sh cert` and the tests.</summary>
public static class SelfSignedCertificates
{
    public sealed record Pair(string CertificatePem, string PrivateKeyPem);

    public static Pair Create(string domain, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={domain}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(domain);
        request.CertificateExtensions.Add(names.Build());
        var expires = notAfter ?? DateTimeOffset.UtcNow.AddDays(365);
        using var certificate = request.CreateSelfSigned(expires.AddDays(-400), expires);
        return new Pair(certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}

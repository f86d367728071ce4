using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Infra.Components.Shared;

namespace Infra.Components.LoadBalancing;

/// <summary>The checks IAM would make when the certificate is uploaded, made before anything is created,
/// so that a bad key or certificate is reported with the config key it came from.</summary>
internal static class PemChecks
{
    public static IReadOnlyList<Problem> Validate(CertificateArgs certificate, DateTimeOffset now)
    {
        var problems = new List<Problem>();
        void Fail(PemSource source, string allowed) => problems.Add(new Problem(source.Key, "[secret]", allowed));

        if (certificate.Body is null || certificate.PrivateKey is null)
        {
            problems.Add(new Problem(certificate.Body?.Key ?? certificate.PrivateKey?.Key ?? "certificate", null,
                "uploading a certificate needs both the certificate body and its private key"));
            return problems;
        }

        var body = ReadCertificate(certificate.Body, Fail);
        var key = ReadPrivateKey(certificate.PrivateKey, Fail);
        if (certificate.Chain is { } chain)
        {
            var blocks = PemBlocks(chain.Pem, "CERTIFICATE").ToList();
            if (blocks.Count == 0)
                Fail(chain, "must be one or more X.509 certificates in PEM format (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)");
            foreach (var (block, index) in blocks.Select((block, index) => (block, index)))
                if (!TryCertificate(block, out _))
                    Fail(chain, $"chain certificate {index + 1} is not an X.509 certificate in PEM format");
        }

        if (body is not null)
        {
            if (body.NotAfter < now.UtcDateTime)
                Fail(certificate.Body, $"the certificate expired on {body.NotAfter:yyyy-MM-dd}; renew it before uploading");
            if (key is not null && !Matches(body, key))
                Fail(certificate.PrivateKey, "the private key does not match the certificate's public key");
        }

        return problems;
    }

    static X509Certificate2? ReadCertificate(PemSource source, Action<PemSource, string> fail)
    {
        var blocks = PemBlocks(source.Pem, "CERTIFICATE").ToList();
        if (blocks.Count == 0)
        {
            fail(source, "must be an X.509 certificate in PEM format (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)");
            return null;
        }

        if (!TryCertificate(blocks[0], out var certificate))
            fail(source, "is not a readable X.509 certificate (the PEM block is damaged or truncated)");
        return certificate;
    }

    static AsymmetricAlgorithm? ReadPrivateKey(PemSource source, Action<PemSource, string> fail)
    {
        var text = source.Pem.Trim();
        if (!text.StartsWith("-----BEGIN ", StringComparison.Ordinal) || !text.Contains("PRIVATE KEY-----", StringComparison.Ordinal)
            || !text.EndsWith("PRIVATE KEY-----", StringComparison.Ordinal) || !text.Contains("-----END ", StringComparison.Ordinal))
        {
            fail(source, "must be a PEM private key with its -----BEGIN ... PRIVATE KEY----- and -----END ... PRIVATE KEY----- lines");
            return null;
        }

        foreach (var factory in new Func<AsymmetricAlgorithm>[] { RSA.Create, ECDsa.Create })
        {
            var key = factory();
            try
            {
                switch (key)
                {
                    case RSA rsa: rsa.ImportFromPem(text); break;
                    case ECDsa ecdsa: ecdsa.ImportFromPem(text); break;
                }

                return key;
            }
            catch (Exception exception) when (exception is CryptographicException or ArgumentException)
            {
                key.Dispose();
            }
        }

        fail(source, "is not a readable RSA or ECDSA private key (PKCS#1, SEC1 or unencrypted PKCS#8); the key data is missing or damaged");
        return null;
    }

    static bool Matches(X509Certificate2 certificate, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => certificate.GetRSAPublicKey() is { } publicKey
            && publicKey.ExportParameters(false).Modulus.AsSpan().SequenceEqual(rsa.ExportParameters(false).Modulus),
        ECDsa ecdsa => certificate.GetECDsaPublicKey() is { } publicKey
            && publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(ecdsa.ExportSubjectPublicKeyInfo()),
        _ => false,
    };

    /// <summary>The host names a PEM certificate serves: its DNS subject alternative names, else its common name.</summary>
    public static IReadOnlyList<string> DnsNames(string pem)
    {
        if (PemBlocks(pem, "CERTIFICATE").FirstOrDefault() is not { } block || !TryCertificate(block, out var certificate) || certificate is null)
            return [];
        using (certificate)
        {
            var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(extension => extension.EnumerateDnsNames()).ToList();
            return names.Count > 0 ? names : [certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false)];
        }
    }

    static bool TryCertificate(string pem, out X509Certificate2? certificate)
    {
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem);
            return true;
        }
        catch (CryptographicException)
        {
            certificate = null;
            return false;
        }
    }

    static IEnumerable<string> PemBlocks(string text, string label)
    {
        var begin = $"-----BEGIN {label}-----";
        var end = $"-----END {label}-----";
        var index = 0;
        while ((index = text.IndexOf(begin, index, StringComparison.Ordinal)) >= 0)
        {
            var stop = text.IndexOf(end, index, StringComparison.Ordinal);
            if (stop < 0)
            {
                yield return text[index..];
                yield break;
            }

            yield return text[index..(stop + end.Length)];
            index = stop + end.Length;
        }
    }
}

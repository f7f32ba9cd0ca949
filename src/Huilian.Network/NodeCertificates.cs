using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Huilian.Network;

/// <summary>
/// A node's TLS identity: a self-signed certificate with an ECDSA P-256 key. Peers recognise each other by the
/// SHA-256 fingerprint of the certificate, which genesis lists; no certificate authority is consulted.
/// </summary>
public static class NodeCertificates
{
    public static X509Certificate2 Create(string nodeName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={nodeName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
    }

    public static byte[] ExportPkcs12(X509Certificate2 certificate, string password) =>
        certificate.Export(X509ContentType.Pkcs12, password);

    public static X509Certificate2 LoadPkcs12(byte[] data, string password) =>
        X509CertificateLoader.LoadPkcs12(data, password, X509KeyStorageFlags.Exportable);

    /// <summary>SHA-256 of the certificate's DER bytes, lowercase hex.</summary>
    public static string Fingerprint(X509Certificate2 certificate) => Fingerprint(certificate.RawData);

    public static string Fingerprint(byte[] der) => Convert.ToHexStringLower(SHA256.HashData(der));
}

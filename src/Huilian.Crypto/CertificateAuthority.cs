using System.Security.Cryptography;
using System.Text;
using Huilian.Core.Crypto;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Huilian.Crypto;

/// <summary>
/// Issues X.509 v3 certificates of a suite with BouncyCastle's X509V3CertificateGenerator: a self-signed root, and
/// certificates for members' keys signed by a CA key. Subject names hold O, OU (optional) and CN as UTF8String.
/// Times are kept to the second. Every certificate made here is read back by the suite's
/// <see cref="X509CertificateVerifier"/>.
/// </summary>
public static class CertificateAuthority
{
    /// <summary>RFC 5280's upper bound for CN, O and OU.</summary>
    public const int NameLengthMax = 64;

    private const string PemHeader = "-----BEGIN CERTIFICATE-----";
    private const string PemFooter = "-----END CERTIFICATE-----";

    private static readonly X9ECParameters P256 = ECNamedCurveTable.GetByOid(X509CertificateVerifier.P256);
    private static readonly ECDomainParameters P256Domain = new(P256.Curve, P256.G, P256.N, P256.H, P256.GetSeed());

    /// <summary>A self-signed CA certificate (basicConstraints cA, keyUsage keyCertSign and cRLSign), as DER.</summary>
    public static byte[] CreateRoot(string suite, ISigningKey caKey, string commonName, string organisation, DateTimeOffset notBefore, DateTimeOffset notAfter,
        byte[]? serialNumber = null)
    {
        var name = Name(commonName, organisation, organisationalUnit: null);
        return Build(suite, caKey, name, name, caKey.PublicKey, notBefore, notAfter, isCertificateAuthority: true, authorityKeyIdentifier: null, serialNumber);
    }

    /// <summary>
    /// A certificate for <paramref name="subjectPublicKey"/> (SEC1 uncompressed, on the suite's curve) signed by
    /// <paramref name="caKey"/>, the key of <paramref name="caCertificateDer"/>, whose subject becomes the issuer
    /// name. End entities get keyUsage digitalSignature and keyAgreement; CAs keyCertSign and cRLSign.
    /// </summary>
    public static byte[] Issue(
        string suite,
        ISigningKey caKey,
        ReadOnlySpan<byte> caCertificateDer,
        ReadOnlySpan<byte> subjectPublicKey,
        string commonName,
        string organisation,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        bool isCertificateAuthority = false,
        string? organisationalUnit = null,
        byte[]? serialNumber = null)
    {
        var ca = X509CertificateVerifier.For(suite).Read(caCertificateDer, out var error)
            ?? throw new ArgumentException($"The CA certificate cannot be used: {error}", nameof(caCertificateDer));
        if (!ca.Facts.IsCertificateAuthority)
        {
            throw new ArgumentException("The CA certificate is not a certificate authority (basicConstraints cA is not set).", nameof(caCertificateDer));
        }
        if (!ca.Facts.SubjectPublicKey.AsSpan().SequenceEqual(caKey.PublicKey))
        {
            throw new ArgumentException("The CA key is not the key of the CA certificate.", nameof(caKey));
        }
        var subject = Name(commonName, organisation, organisationalUnit);
        var authorityKeyIdentifier = ca.SubjectKeyIdentifier ?? KeyIdentifier(suite, ca.Facts.SubjectPublicKey);
        return Build(suite, caKey, ca.Subject, subject, subjectPublicKey.ToArray(), notBefore, notAfter, isCertificateAuthority, authorityKeyIdentifier, serialNumber);
    }

    /// <summary>DER to PEM: base64 in 64-character lines between the CERTIFICATE header and footer.</summary>
    public static string ToPem(byte[] der)
    {
        var base64 = Convert.ToBase64String(der);
        var pem = new StringBuilder(PemHeader).Append('\n');
        for (var i = 0; i < base64.Length; i += 64)
        {
            pem.Append(base64.AsSpan(i, Math.Min(64, base64.Length - i))).Append('\n');
        }
        return pem.Append(PemFooter).Append('\n').ToString();
    }

    /// <summary>
    /// The DER inside a PEM CERTIFICATE block (text around it is ignored), or bare base64 (whitespace allowed).
    /// Throws <see cref="FormatException"/> when it is neither.
    /// </summary>
    public static byte[] FromPem(string pemOrBase64)
    {
        var text = pemOrBase64;
        var begin = text.IndexOf(PemHeader, StringComparison.Ordinal);
        if (begin >= 0)
        {
            var start = begin + PemHeader.Length;
            var end = text.IndexOf(PemFooter, start, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new FormatException("The PEM certificate has no END CERTIFICATE line.");
            }
            text = text[start..end];
        }
        else if (text.Contains("-----", StringComparison.Ordinal))
        {
            throw new FormatException("The PEM block is not a CERTIFICATE.");
        }
        var der = Convert.FromBase64String(text);
        if (der.Length == 0)
        {
            throw new FormatException("The certificate text is empty.");
        }
        return der;
    }

    private static byte[] Build(
        string suite,
        ISigningKey caKey,
        X509Name issuer,
        X509Name subject,
        byte[] subjectPublicKey,
        DateTimeOffset notBefore,
        DateTimeOffset notAfter,
        bool isCertificateAuthority,
        byte[]? authorityKeyIdentifier,
        byte[]? serialNumber)
    {
        var signatures = CryptoSuites.Get(suite).Signatures;
        if (!signatures.IsValidPublicKey(subjectPublicKey))
        {
            throw new ArgumentException($"The subject key is not a {signatures.Name} public key of suite '{suite}'.", nameof(subjectPublicKey));
        }
        if (!signatures.IsValidPublicKey(caKey.PublicKey))
        {
            throw new ArgumentException($"The CA key is not a {signatures.Name} key of suite '{suite}'.", nameof(caKey));
        }
        if (notAfter <= notBefore)
        {
            throw new ArgumentException("The certificate's notAfter must be later than its notBefore.", nameof(notAfter));
        }
        var curve = suite == "gm" ? X509CertificateVerifier.Sm2P256V1 : X509CertificateVerifier.P256;
        var domain = suite == "gm" ? Sm2Sm3.Domain : P256Domain;

        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(serialNumber is { Length: > 0 and <= 20 } ? new BigInteger(1, serialNumber) : NewSerialNumber());
        generator.SetIssuerDN(issuer);
        generator.SetSubjectDN(subject);
        generator.SetNotBefore(notBefore.UtcDateTime);
        generator.SetNotAfter(notAfter.UtcDateTime);
        generator.SetPublicKey(new ECPublicKeyParameters("EC", domain.Curve.DecodePoint(subjectPublicKey), curve));
        generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(isCertificateAuthority));
        generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(isCertificateAuthority
            ? KeyUsage.KeyCertSign | KeyUsage.CrlSign
            : KeyUsage.DigitalSignature | KeyUsage.KeyAgreement));
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(KeyIdentifier(suite, subjectPublicKey)));
        if (authorityKeyIdentifier is not null)
        {
            generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(authorityKeyIdentifier));
        }

        // The CA key signs through its own path: SHA-256 + ECDSA (low-S) for intl, SM3 + SM2 with user ID
        // 1234567812345678 for gm (BouncyCastle 1.8.10's Asn1SignatureFactory has no SM3WITHSM2). A key with
        // deterministic signatures therefore issues byte-identical certificates, which the simulator relies on.
        var algorithm = suite == "gm" ? X509CertificateVerifier.Sm3WithSm2 : EcdsaWithSha256;
        return generator.Generate(new SigningKeySignatureFactory(caKey, new AlgorithmIdentifier(algorithm))).GetEncoded();
    }

    private static readonly DerObjectIdentifier EcdsaWithSha256 = new("1.2.840.10045.4.3.2");

    /// <summary>O, then OU, then CN, each its own RDN as UTF8String; empty O or OU is left out.</summary>
    private static X509Name Name(string commonName, string organisation, string? organisationalUnit)
    {
        CheckName(commonName, nameof(commonName), allowEmpty: false);
        CheckName(organisation, nameof(organisation), allowEmpty: true);
        CheckName(organisationalUnit ?? string.Empty, nameof(organisationalUnit), allowEmpty: true);
        var rdns = new Asn1EncodableVector();
        foreach (var (type, value) in new[] { (X509Name.O, organisation), (X509Name.OU, organisationalUnit ?? string.Empty), (X509Name.CN, commonName) })
        {
            if (value.Length > 0)
            {
                rdns.Add(new DerSet(new DerSequence(type, new DerUtf8String(value))));
            }
        }
        return X509Name.GetInstance(new DerSequence(rdns));
    }

    private static void CheckName(string value, string parameter, bool allowEmpty)
    {
        if ((!allowEmpty && value.Length == 0) || value.Length > NameLengthMax)
        {
            throw new ArgumentException($"A certificate's {parameter} is {(allowEmpty ? 0 : 1)} to {NameLengthMax} characters.", parameter);
        }
        if (!Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value)).Equals(value, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The certificate's {parameter} is not valid Unicode text.", parameter);
        }
    }

    /// <summary>A random positive serial number of at most 128 bits.</summary>
    private static BigInteger NewSerialNumber()
    {
        while (true)
        {
            var serial = new BigInteger(1, RandomNumberGenerator.GetBytes(16));
            if (serial.SignValue > 0)
            {
                return serial;
            }
        }
    }

    /// <summary>The leftmost 160 bits of the suite's hash (SHA-256 or SM3) of the SEC1 key (RFC 7093, method 1).</summary>
    private static byte[] KeyIdentifier(string suite, ReadOnlySpan<byte> publicKey)
    {
        var hash = CryptoSuites.Get(suite).Hash.Hash(publicKey);
        var identifier = new byte[32];
        hash.CopyTo(identifier);
        return identifier[..20];
    }

    /// <summary>Signs with an <see cref="ISigningKey"/> (r ‖ s) and writes the signature as DER SEQUENCE { r, s }.</summary>
    private sealed class SigningKeySignatureFactory(ISigningKey key, AlgorithmIdentifier algorithm) : ISignatureFactory
    {
        public object AlgorithmDetails => algorithm;

        public IStreamCalculator CreateCalculator() => new Calculator(key);

        private sealed class Calculator(ISigningKey key) : IStreamCalculator
        {
            private readonly MemoryStream _stream = new();

            public Stream Stream => _stream;

            public object GetResult()
            {
                var signature = key.Sign(_stream.ToArray());
                var der = new DerSequence(
                    new DerInteger(new BigInteger(1, signature, 0, 32)),
                    new DerInteger(new BigInteger(1, signature, 32, 32))).GetDerEncoded();
                return new Result(der);
            }
        }

        private sealed class Result(byte[] signature) : IBlockResult
        {
            public byte[] Collect() => (byte[])signature.Clone();

            public int Collect(byte[] destination, int offset)
            {
                signature.CopyTo(destination, offset);
                return signature.Length;
            }
        }
    }
}

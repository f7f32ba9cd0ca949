using System.Security.Cryptography;
using Huilian.Core.Crypto;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Huilian.Crypto;

/// <summary>
/// Reads X.509 certificates of one suite with BouncyCastle's ASN.1 structures (managed code, no platform store,
/// no clock): intl takes P-256 keys signed with ecdsa-with-SHA256, gm takes SM2 keys (sm2p256v1) signed with
/// SM3withSM2 and the standard user ID. Input must be strict DER of at most <see cref="CertificateLengthMax"/>
/// bytes, so one certificate has one encoding and the signed bytes are exactly the bytes received.
/// </summary>
public sealed class X509CertificateVerifier : ICertificateVerifier
{
    public const int CertificateLengthMax = 8192;

    internal static readonly DerObjectIdentifier EcPublicKey = X9ObjectIdentifiers.IdECPublicKey;
    internal static readonly DerObjectIdentifier P256 = X9ObjectIdentifiers.Prime256v1;
    internal static readonly DerObjectIdentifier EcdsaWithSha256 = X9ObjectIdentifiers.ECDsaWithSha256;
    internal static readonly DerObjectIdentifier Sm2P256V1 = new("1.2.156.10197.1.301");
    internal static readonly DerObjectIdentifier Sm3WithSm2 = new("1.2.156.10197.1.501");

    public static readonly X509CertificateVerifier Intl = new("intl", P256, "P-256", EcdsaWithSha256, "ecdsa-with-SHA256");

    public static readonly X509CertificateVerifier Gm = new("gm", Sm2P256V1, "SM2", Sm3WithSm2, "SM3withSM2");

    private static readonly BigInteger P256Order = new("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private readonly string _suite;
    private readonly DerObjectIdentifier _curve;
    private readonly string _curveName;
    private readonly DerObjectIdentifier _signatureAlgorithm;
    private readonly string _signatureAlgorithmName;

    private X509CertificateVerifier(string suite, DerObjectIdentifier curve, string curveName, DerObjectIdentifier signatureAlgorithm, string signatureAlgorithmName)
    {
        _suite = suite;
        _curve = curve;
        _curveName = curveName;
        _signatureAlgorithm = signatureAlgorithm;
        _signatureAlgorithmName = signatureAlgorithmName;
    }

    internal static X509CertificateVerifier For(string suite) => suite switch
    {
        "intl" => Intl,
        "gm" => Gm,
        _ => throw new ArgumentException($"Crypto suite '{suite}' is unknown; use 'intl' or 'gm'.", nameof(suite)),
    };

    public CertificateFacts? TryParse(ReadOnlySpan<byte> der, out string error) => Read(der, out error)?.Facts;

    public bool IsSignedBy(ReadOnlySpan<byte> der, ReadOnlySpan<byte> issuerPublicKey)
    {
        var certificate = Read(der, out _);
        if (certificate is null || !Signatures.IsValidPublicKey(issuerPublicKey))
        {
            return false;
        }
        if (_suite == "gm")
        {
            return Signatures.Verify(issuerPublicKey, certificate.SignedBytes, certificate.Signature);
        }
        // Not EcdsaP256.Verify: X.509 signers do not normalise s, so a high-S certificate signature is valid here.
        try
        {
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = issuerPublicKey.Slice(1, 32).ToArray(), Y = issuerPublicKey.Slice(33, 32).ToArray() },
            });
            return ecdsa.VerifyData(certificate.SignedBytes, certificate.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private ISignatureScheme Signatures => CryptoSuites.Get(_suite).Signatures;

    /// <summary>Parses and checks a certificate; null and a sentence when it is malformed or of another suite.</summary>
    internal ParsedCertificate? Read(ReadOnlySpan<byte> der, out string error)
    {
        if (der.IsEmpty)
        {
            error = "The certificate is empty.";
            return null;
        }
        if (der.Length > CertificateLengthMax)
        {
            error = $"The certificate is {der.Length} bytes; at most {CertificateLengthMax} are accepted.";
            return null;
        }
        if (!StrictDer.IsSingleElement(der))
        {
            error = "The certificate is not valid DER.";
            return null;
        }
        var bytes = der.ToArray();
        try
        {
            return ReadStructure(bytes, out error);
        }
        catch (Exception)
        {
            // BouncyCastle reports structural errors with many exception types (ArgumentException, IOException,
            // InvalidCastException, ...); every one of them means the same thing here.
            error = "The certificate is not an X.509 certificate.";
            return null;
        }
    }

    private ParsedCertificate? ReadStructure(byte[] der, out string error)
    {
        var structure = X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der));
        if (!structure.GetDerEncoded().AsSpan().SequenceEqual(der))
        {
            error = "The certificate is not valid DER.";
            return null;
        }
        var tbs = structure.TbsCertificate;

        var keyInfo = tbs.SubjectPublicKeyInfo;
        if (!keyInfo.AlgorithmID.Algorithm.Equals(EcPublicKey) || keyInfo.AlgorithmID.Parameters is not DerObjectIdentifier curve || !curve.Equals(_curve))
        {
            error = $"The certificate's key is not {Article(_curveName)} {_curveName} key; this chain uses the {_suite} suite.";
            return null;
        }
        var publicKey = keyInfo.PublicKeyData.PadBits == 0 ? keyInfo.PublicKeyData.GetOctets() : [];
        if (!Signatures.IsValidPublicKey(publicKey))
        {
            error = $"The certificate's public key is not an uncompressed point on the {_curveName} curve.";
            return null;
        }

        var algorithm = structure.SignatureAlgorithm;
        if (!algorithm.Algorithm.Equals(_signatureAlgorithm) || (algorithm.Parameters is not null && algorithm.Parameters is not DerNull))
        {
            error = $"The certificate is not signed with {_signatureAlgorithmName}; this chain uses the {_suite} suite.";
            return null;
        }
        if (!tbs.Signature.GetDerEncoded().AsSpan().SequenceEqual(algorithm.GetDerEncoded()))
        {
            error = "The certificate's signed and unsigned signature algorithm fields differ.";
            return null;
        }
        var signature = structure.Signature.PadBits == 0 ? DecodeSignature(structure.Signature.GetOctets()) : null;
        if (signature is null)
        {
            error = $"The certificate's signature is not a DER {_signatureAlgorithmName} signature.";
            return null;
        }

        if (!TryReadName(tbs.Subject, "subject", out var subjectCommonName, out var subjectOrganisation, out error)
            || !TryReadName(tbs.Issuer, "issuer", out var issuerCommonName, out var issuerOrganisation, out error))
        {
            return null;
        }
        var notBefore = UnixMilliseconds(tbs.StartDate);
        var notAfter = UnixMilliseconds(tbs.EndDate);
        if (notBefore is null || notAfter is null)
        {
            error = "The certificate's validity dates are not RFC 5280 UTCTime or GeneralizedTime.";
            return null;
        }

        var isCertificateAuthority = false;
        byte[]? subjectKeyIdentifier = null;
        var extensions = tbs.Extensions;
        if (extensions is not null)
        {
            var basicConstraints = extensions.GetExtension(X509Extensions.BasicConstraints);
            if (basicConstraints is not null)
            {
                var value = basicConstraints.Value.GetOctets();
                if (!StrictDer.IsSingleElement(value))
                {
                    error = "The certificate's basicConstraints extension is not valid DER.";
                    return null;
                }
                isCertificateAuthority = BasicConstraints.GetInstance(Asn1Object.FromByteArray(value)).IsCA();
            }
            var keyIdentifier = extensions.GetExtension(X509Extensions.SubjectKeyIdentifier);
            if (keyIdentifier is not null && StrictDer.IsSingleElement(keyIdentifier.Value.GetOctets()))
            {
                subjectKeyIdentifier = Asn1OctetString.GetInstance(Asn1Object.FromByteArray(keyIdentifier.Value.GetOctets())).GetOctets();
            }
        }

        var facts = new CertificateFacts(
            Der: der,
            SubjectCommonName: subjectCommonName,
            SubjectOrganisation: subjectOrganisation,
            IssuerCommonName: issuerCommonName,
            IssuerOrganisation: issuerOrganisation,
            SubjectPublicKey: publicKey,
            NotBeforeMs: notBefore.Value,
            NotAfterMs: notAfter.Value,
            SerialNumberHex: tbs.SerialNumber.Value.ToString(16).ToLowerInvariant(),
            IsCertificateAuthority: isCertificateAuthority);
        error = string.Empty;
        return new ParsedCertificate(facts, tbs.GetDerEncoded(), signature, tbs.Subject, subjectKeyIdentifier);
    }

    private static string Article(string curveName) => curveName.StartsWith('S') ? "an" : "a";

    /// <summary>SEQUENCE { INTEGER r, INTEGER s } in strict DER, both in [1, n - 1], as r ‖ s (64 bytes).</summary>
    private byte[]? DecodeSignature(byte[] der)
    {
        if (!StrictDer.IsSingleElement(der) || Asn1Object.FromByteArray(der) is not Asn1Sequence { Count: 2 } sequence
            || sequence[0] is not DerInteger r || sequence[1] is not DerInteger s)
        {
            return null;
        }
        var order = _suite == "gm" ? Sm2Sm3.Domain.N : P256Order;
        var output = new byte[64];
        var offset = 0;
        foreach (var value in new[] { r.Value, s.Value })
        {
            if (value.SignValue <= 0 || value.CompareTo(order) >= 0)
            {
                return null;
            }
            var unsigned = value.ToByteArrayUnsigned();
            unsigned.CopyTo(output, offset + 32 - unsigned.Length);
            offset += 32;
        }
        return output;
    }

    /// <summary>The CN and O of a name ("" when absent); a name with two of either, or a non-text one, is refused.</summary>
    private static bool TryReadName(X509Name name, string which, out string commonName, out string organisation, out string error)
    {
        commonName = string.Empty;
        organisation = string.Empty;
        bool seenCommonName = false, seenOrganisation = false;
        var rdns = Asn1Sequence.GetInstance(name.ToAsn1Object());
        for (var i = 0; i < rdns.Count; i++)
        {
            var rdn = Asn1Set.GetInstance(rdns[i]);
            for (var j = 0; j < rdn.Count; j++)
            {
                var pair = Asn1Sequence.GetInstance(rdn[j]);
                if (pair.Count != 2 || pair[0] is not DerObjectIdentifier type)
                {
                    error = $"The certificate's {which} name is malformed.";
                    return false;
                }
                var isCommonName = type.Equals(X509Name.CN);
                if (!isCommonName && !type.Equals(X509Name.O))
                {
                    continue;
                }
                var label = isCommonName ? "CN" : "O";
                if (isCommonName ? seenCommonName : seenOrganisation)
                {
                    error = $"The certificate's {which} has more than one {label}.";
                    return false;
                }
                // DirectoryString, less UniversalString (BouncyCastle turns it into "#hex").
                if (pair[1] is not (DerUtf8String or DerPrintableString or DerBmpString or DerT61String))
                {
                    error = $"The certificate's {which} {label} is not a text string.";
                    return false;
                }
                var text = ((IAsn1String)pair[1]).GetString();
                if (isCommonName)
                {
                    (commonName, seenCommonName) = (text, true);
                }
                else
                {
                    (organisation, seenOrganisation) = (text, true);
                }
            }
        }
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// UTCTime YYMMDDHHMMSSZ (years 1950 to 2049) or GeneralizedTime YYYYMMDDHHMMSSZ, read here rather than by
    /// BouncyCastle, whose conversion passes through the machine's local time zone.
    /// </summary>
    private static long? UnixMilliseconds(Time time)
    {
        var encoded = time.ToAsn1Object().GetEncoded();
        var text = encoded.AsSpan(2);
        int year;
        if (encoded[0] == 0x17 && encoded[1] == 13 && text.Length == 13)
        {
            var twoDigit = Digits(text[..2]);
            year = twoDigit < 0 ? -1 : twoDigit < 50 ? 2000 + twoDigit : 1900 + twoDigit;
            text = text[2..];
        }
        else if (encoded[0] == 0x18 && encoded[1] == 15 && text.Length == 15)
        {
            year = Digits(text[..4]);
            text = text[4..];
        }
        else
        {
            return null;
        }
        int month = Digits(text[..2]), day = Digits(text.Slice(2, 2)), hour = Digits(text.Slice(4, 2)), minute = Digits(text.Slice(6, 2)), second = Digits(text.Slice(8, 2));
        if (text[10] != (byte)'Z' || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 59)
        {
            return null;
        }
        return new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    private static int Digits(ReadOnlySpan<byte> text)
    {
        var value = 0;
        foreach (var c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }
            value = (value * 10) + (c - '0');
        }
        return value;
    }
}

/// <summary>A certificate that passed <see cref="X509CertificateVerifier"/>: its facts and what checking its signature needs.</summary>
/// <param name="SignedBytes">The DER TBSCertificate, the bytes the issuer signed.</param>
/// <param name="Signature">The issuer's signature as r ‖ s (64 bytes).</param>
/// <param name="Subject">The subject name as encoded, to become the issuer name of certificates it signs.</param>
/// <param name="SubjectKeyIdentifier">The subjectKeyIdentifier extension's value, if any.</param>
internal sealed record ParsedCertificate(CertificateFacts Facts, byte[] SignedBytes, byte[] Signature, X509Name Subject, byte[]? SubjectKeyIdentifier);

/// <summary>
/// A strict DER shape check run before BouncyCastle sees the bytes: definite, minimal lengths; no trailing bytes;
/// nesting at most <see cref="DepthMax"/> deep (BouncyCastle parses recursively, and a hostile 8 KiB of nested
/// SEQUENCEs could otherwise exhaust the stack); DER BOOLEAN, INTEGER, NULL and BIT STRING contents.
/// </summary>
internal static class StrictDer
{
    public const int DepthMax = 16;

    public static bool IsSingleElement(ReadOnlySpan<byte> data) => TryReadElement(data, 0, out var length) && length == data.Length;

    private static bool TryReadElement(ReadOnlySpan<byte> data, int depth, out int consumed)
    {
        consumed = 0;
        if (depth > DepthMax || data.Length < 2 || (data[0] & 0x1F) == 0x1F)
        {
            return false; // Too deep, too short, or a multi-byte tag (no certificate field uses one).
        }
        var tag = data[0];
        int headerLength, length;
        if (data[1] < 0x80)
        {
            (headerLength, length) = (2, data[1]);
        }
        else
        {
            var count = data[1] & 0x7F;
            if (count is 0 or > 2 || data.Length < 2 + count || data[2] == 0)
            {
                return false; // Indefinite, longer than 64 KiB, truncated, or not minimal.
            }
            length = count == 1 ? data[2] : (data[2] << 8) | data[3];
            if (length < 0x80)
            {
                return false; // Long form where the short form fits.
            }
            headerLength = 2 + count;
        }
        if (length > data.Length - headerLength)
        {
            return false;
        }
        var content = data.Slice(headerLength, length);
        consumed = headerLength + length;
        if ((tag & 0x20) != 0)
        {
            while (!content.IsEmpty)
            {
                if (!TryReadElement(content, depth + 1, out var inner))
                {
                    return false;
                }
                content = content[inner..];
            }
            return true;
        }
        return tag switch
        {
            0x01 => length == 1 && content[0] is 0x00 or 0xFF,
            0x02 or 0x0A => length > 0 && (length == 1 || !((content[0] == 0x00 && content[1] < 0x80) || (content[0] == 0xFF && content[1] >= 0x80))),
            0x03 => length > 0 && content[0] < 8 && (length > 1 || content[0] == 0) && (content[^1] & ((1 << content[0]) - 1)) == 0,
            0x05 => length == 0,
            _ => true,
        };
    }
}

using System.Collections.Concurrent;
using System.Numerics;
using System.Security.Cryptography;
using Huilian.Core;
using Huilian.Core.Crypto;

namespace Huilian.Crypto;

/// <summary>The international suite: SHA-256, ECDSA P-256 with SHA-256 (low-S only), AES-256-GCM, through .NET and OpenSSL.</summary>
public sealed class IntlSuite : ICryptoSuite
{
    public static readonly IntlSuite Instance = new();

    public string Name => "intl";

    public IHashFunction Hash { get; } = new Sha256Hash();

    public ISignatureScheme Signatures { get; } = new EcdsaP256();

    public IAead Aead { get; } = new Aes256Gcm();

    public ICertificateVerifier Certificates => X509CertificateVerifier.Intl;
}

public sealed class Sha256Hash : IHashFunction
{
    public string Name => "sha256";

    public Hash32 Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[Hash32.Length];
        SHA256.HashData(data, digest);
        return new Hash32(digest);
    }
}

/// <summary>
/// ECDSA over NIST P-256 with SHA-256. Signatures are r ‖ s with s at most n/2: a signer normalises s, and a
/// verifier rejects the high-S twin of a valid signature, so no third party can change a signature's bytes.
/// </summary>
public sealed class EcdsaP256 : ISignatureScheme
{
    private const int CoordinateLength = 32;
    private const int KeyCacheEntriesMax = 16_384;

    internal static readonly BigInteger Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
    internal static readonly BigInteger HalfOrder = Order >> 1;

    private readonly ConcurrentDictionary<Hash32, ECDsa> _verifiers = new();

    public string Name => "ecdsa-p256-sha256";

    public int PublicKeyLength => 1 + (2 * CoordinateLength);

    public int SignatureLength => 2 * CoordinateLength;

    public bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => GetVerifier(publicKey) is not null;

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength || !IsCanonicalLowS(signature))
        {
            return false;
        }
        var verifier = GetVerifier(publicKey);
        if (verifier is null)
        {
            return false;
        }
        try
        {
            return verifier.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static P256SigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static P256SigningKey Import(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != CoordinateLength)
        {
            throw new CryptographicException("A P-256 private key is 32 bytes.");
        }
        var parameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateKey.ToArray() };
        var ecdsa = ECDsa.Create(parameters);
        return new P256SigningKey(ecdsa);
    }

    /// <summary>r and s in [1, n-1] and s ≤ n/2.</summary>
    internal static bool IsCanonicalLowS(ReadOnlySpan<byte> signature)
    {
        var r = new BigInteger(signature[..CoordinateLength], isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(signature[CoordinateLength..], isUnsigned: true, isBigEndian: true);
        return !r.IsZero && r < Order && !s.IsZero && s <= HalfOrder;
    }

    private ECDsa? GetVerifier(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeyLength || publicKey[0] != 0x04)
        {
            return null;
        }
        var cacheKey = Sha256Key(publicKey);
        if (_verifiers.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }
        ECDsa ecdsa;
        try
        {
            ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = publicKey.Slice(1, CoordinateLength).ToArray(), Y = publicKey.Slice(1 + CoordinateLength, CoordinateLength).ToArray() },
            });
        }
        catch (CryptographicException)
        {
            return null; // Not a point on the curve.
        }
        if (_verifiers.Count >= KeyCacheEntriesMax)
        {
            _verifiers.Clear();
        }
        return _verifiers.GetOrAdd(cacheKey, ecdsa);
    }

    private static Hash32 Sha256Key(ReadOnlySpan<byte> publicKey)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(publicKey, digest);
        return new Hash32(digest);
    }
}

public sealed class P256SigningKey : ISigningKey
{
    private readonly ECDsa _ecdsa;

    internal P256SigningKey(ECDsa ecdsa)
    {
        _ecdsa = ecdsa;
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        var publicKey = new byte[65];
        publicKey[0] = 0x04;
        parameters.Q.X!.CopyTo(publicKey, 1);
        parameters.Q.Y!.CopyTo(publicKey, 33);
        PublicKey = publicKey;
    }

    public byte[] PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = _ecdsa.SignData(message, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        if (s > EcdsaP256.HalfOrder)
        {
            var low = EcdsaP256.Order - s;
            signature.AsSpan(32).Clear();
            low.TryWriteBytes(signature.AsSpan(32 + 32 - low.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        }
        return signature;
    }

    public byte[] ExportPrivateKey() => _ecdsa.ExportParameters(includePrivateParameters: true).D!;

    public void Dispose() => _ecdsa.Dispose();
}

public sealed class Aes256Gcm : IAead
{
    public string Name => "aes-256-gcm";

    public int KeyLength => 32;

    public int NonceLength => 12;

    public int TagLength => 16;

    public byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        using var aes = new AesGcm(key, TagLength);
        var output = new byte[plaintext.Length + TagLength];
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), associatedData);
        return output;
    }

    public byte[]? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData)
    {
        if (ciphertextAndTag.Length < TagLength || nonce.Length != NonceLength || key.Length != KeyLength)
        {
            return null;
        }
        using var aes = new AesGcm(key, TagLength);
        var length = ciphertextAndTag.Length - TagLength;
        var plaintext = new byte[length];
        try
        {
            aes.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext, associatedData);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}

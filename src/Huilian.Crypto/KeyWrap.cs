using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Huilian.Crypto;

/// <summary>
/// Envelope encryption of a confidential payload's data key to each recipient's suite public key.
/// <para>intl: ephemeral P-256 ECDH with the recipient key; HKDF-SHA256 (salt = ephemeral key ‖ recipient key,
/// info = "huilian/envelope/v1" ‖ context) gives a single-use 32-byte key-encryption key; AES-256-GCM with an
/// all-zero nonce seals the data key with the context as associated data. Wrapped: ephemeral key (65) ‖
/// ciphertext ‖ tag (16).</para>
/// <para>gm: SM2 public-key encryption (GM/T 0003.4, SM3, ciphertext in C1 ‖ C3 ‖ C2 order) of
/// data key ‖ SM3(context); unwrapping checks the SM3(context) half. Wrapped: C1 (65) ‖ C3 (32) ‖ C2.</para>
/// Unwrap never throws on bad input: a wrong key, a wrong context, a changed bit or a wrong length give null.
/// </summary>
public static class KeyWrap
{
    public const int DataKeyLengthMax = 64;
    public const int ContextLengthMax = 4096;

    private const int PointLength = 65;
    private const int ScalarLength = 32;
    private const int TagLength = 16;
    private const int Sm3Length = 32;

    private static readonly byte[] Info = "huilian/envelope/v1"u8.ToArray();

    /// <summary>A fresh random data key of the suite AEAD's key length (32 bytes for intl, 16 for gm).</summary>
    public static byte[] NewDataKey(string suite) => RandomNumberGenerator.GetBytes(CryptoSuites.Get(suite).Aead.KeyLength);

    /// <summary>intl: 65 + dataKeyLength + 16; gm: 65 + 32 + dataKeyLength + 32.</summary>
    public static int WrappedLength(string suite, int dataKeyLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dataKeyLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dataKeyLength, DataKeyLengthMax);
        return suite switch
        {
            "intl" => PointLength + dataKeyLength + TagLength,
            "gm" => PointLength + Sm3Length + dataKeyLength + Sm3Length,
            _ => throw new ArgumentException($"Crypto suite '{suite}' is unknown; use 'intl' or 'gm'.", nameof(suite)),
        };
    }

    /// <summary>Wraps <paramref name="dataKey"/> (1 to 64 bytes) for the holder of <paramref name="recipientPublicKey"/> (SEC1 uncompressed).</summary>
    public static byte[] Wrap(string suite, ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> context)
    {
        var wrappedLength = WrappedLength(suite, dataKey.Length);
        if (context.Length > ContextLengthMax)
        {
            throw new ArgumentException($"The context is {context.Length} bytes; at most {ContextLengthMax} are accepted.", nameof(context));
        }
        var signatures = CryptoSuites.Get(suite).Signatures;
        if (!signatures.IsValidPublicKey(recipientPublicKey))
        {
            throw new ArgumentException($"The recipient key is not a {signatures.Name} public key of suite '{suite}'.", nameof(recipientPublicKey));
        }
        var wrapped = suite == "intl" ? WrapIntl(recipientPublicKey, dataKey, context) : WrapGm(recipientPublicKey, dataKey, context);
        return wrapped.Length == wrappedLength ? wrapped : throw new CryptographicException("The wrapped key has an unexpected length.");
    }

    /// <summary>The data key, or null when the key, the context or the wrapped bytes are wrong.</summary>
    public static byte[]? Unwrap(string suite, ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> wrapped, ReadOnlySpan<byte> context)
    {
        var overhead = WrappedLength(suite, 1) - 1;
        var dataKeyLength = wrapped.Length - overhead;
        if (recipientPrivateKey.Length != ScalarLength || dataKeyLength < 1 || dataKeyLength > DataKeyLengthMax
            || context.Length > ContextLengthMax || wrapped[0] != 0x04)
        {
            return null;
        }
        return suite == "intl"
            ? UnwrapIntl(recipientPrivateKey, wrapped, dataKeyLength, context)
            : UnwrapGm(recipientPrivateKey, wrapped, dataKeyLength, context);
    }

    private static byte[] WrapIntl(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> context)
    {
        using var recipient = ECDiffieHellman.Create(P256Public(recipientPublicKey));
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var ephemeralPublicKey = Sec1(ephemeral.ExportParameters(includePrivateParameters: false));
        var shared = ephemeral.DeriveRawSecretAgreement(recipient.PublicKey);
        var kek = KeyEncryptionKey(shared, ephemeralPublicKey, recipientPublicKey, context);
        try
        {
            var wrapped = new byte[PointLength + dataKey.Length + TagLength];
            ephemeralPublicKey.CopyTo(wrapped, 0);
            using var aes = new AesGcm(kek, TagLength);
            aes.Encrypt(stackalloc byte[12], dataKey, wrapped.AsSpan(PointLength, dataKey.Length), wrapped.AsSpan(PointLength + dataKey.Length), context);
            return wrapped;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static byte[]? UnwrapIntl(ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> wrapped, int dataKeyLength, ReadOnlySpan<byte> context)
    {
        byte[]? shared = null, kek = null;
        try
        {
            using var recipient = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = recipientPrivateKey.ToArray() });
            var recipientPublicKey = Sec1(recipient.ExportParameters(includePrivateParameters: false));
            using var ephemeral = ECDiffieHellman.Create(P256Public(wrapped[..PointLength]));
            shared = recipient.DeriveRawSecretAgreement(ephemeral.PublicKey);
            kek = KeyEncryptionKey(shared, wrapped[..PointLength], recipientPublicKey, context);
            var dataKey = new byte[dataKeyLength];
            using var aes = new AesGcm(kek, TagLength);
            aes.Decrypt(stackalloc byte[12], wrapped.Slice(PointLength, dataKeyLength), wrapped[(PointLength + dataKeyLength)..], dataKey, context);
            return dataKey;
        }
        catch (CryptographicException)
        {
            // A key or point off the curve, a scalar out of range, or a tag that does not verify
            // (AuthenticationTagMismatchException is a CryptographicException).
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static byte[] KeyEncryptionKey(byte[] shared, ReadOnlySpan<byte> ephemeralPublicKey, ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> context)
    {
        var salt = new byte[2 * PointLength];
        ephemeralPublicKey.CopyTo(salt);
        recipientPublicKey.CopyTo(salt.AsSpan(PointLength));
        var info = new byte[Info.Length + context.Length];
        Info.CopyTo(info, 0);
        context.CopyTo(info.AsSpan(Info.Length));
        var kek = new byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, shared, kek, salt, info);
        return kek;
    }

    private static ECParameters P256Public(ReadOnlySpan<byte> sec1) => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = sec1.Slice(1, 32).ToArray(), Y = sec1.Slice(33, 32).ToArray() },
    };

    private static byte[] Sec1(ECParameters parameters)
    {
        var key = new byte[PointLength];
        key[0] = 0x04;
        parameters.Q.X!.CopyTo(key, 1);
        parameters.Q.Y!.CopyTo(key, 33);
        return key;
    }

    private static byte[] WrapGm(ReadOnlySpan<byte> recipientPublicKey, ReadOnlySpan<byte> dataKey, ReadOnlySpan<byte> context)
    {
        var point = Sm2Sm3.Domain.Curve.DecodePoint(recipientPublicKey.ToArray());
        var plaintext = new byte[dataKey.Length + Sm3Length];
        dataKey.CopyTo(plaintext);
        GmSuite.Instance.Hash.Hash(context).CopyTo(plaintext.AsSpan(dataKey.Length));
        try
        {
            var engine = new SM2Engine(new SM3Digest());
            engine.Init(true, new ParametersWithRandom(new ECPublicKeyParameters(point, Sm2Sm3.Domain), new SecureRandom()));
            return C1C2C3ToC1C3C2(engine.ProcessBlock(plaintext, 0, plaintext.Length));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[]? UnwrapGm(ReadOnlySpan<byte> recipientPrivateKey, ReadOnlySpan<byte> wrapped, int dataKeyLength, ReadOnlySpan<byte> context)
    {
        var d = new BigInteger(1, recipientPrivateKey.ToArray());
        if (d.SignValue <= 0 || d.CompareTo(Sm2Sm3.Domain.N) >= 0)
        {
            return null;
        }
        byte[] plaintext;
        try
        {
            var engine = new SM2Engine(new SM3Digest());
            engine.Init(false, new ECPrivateKeyParameters(d, Sm2Sm3.Domain));
            var ciphertext = C1C3C2ToC1C2C3(wrapped);
            plaintext = engine.ProcessBlock(ciphertext, 0, ciphertext.Length);
        }
        catch (Exception exception) when (exception is CryptoException or ArgumentException or InvalidOperationException or ArithmeticException)
        {
            // A C1 off the curve, or a C3 that does not match (InvalidCipherTextException is a CryptoException).
            return null;
        }
        try
        {
            if (plaintext.Length != dataKeyLength + Sm3Length)
            {
                return null;
            }
            Span<byte> contextHash = stackalloc byte[Sm3Length];
            GmSuite.Instance.Hash.Hash(context).CopyTo(contextHash);
            return CryptographicOperations.FixedTimeEquals(plaintext.AsSpan(dataKeyLength), contextHash) ? plaintext[..dataKeyLength] : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>BouncyCastle 1.8.10's SM2Engine writes C1 ‖ C2 ‖ C3 (the 2010 draft order); the standard's is C1 ‖ C3 ‖ C2.</summary>
    internal static byte[] C1C2C3ToC1C3C2(ReadOnlySpan<byte> c1c2c3)
    {
        var c2Length = c1c2c3.Length - PointLength - Sm3Length;
        var output = new byte[c1c2c3.Length];
        c1c2c3[..PointLength].CopyTo(output);
        c1c2c3[^Sm3Length..].CopyTo(output.AsSpan(PointLength));
        c1c2c3.Slice(PointLength, c2Length).CopyTo(output.AsSpan(PointLength + Sm3Length));
        return output;
    }

    internal static byte[] C1C3C2ToC1C2C3(ReadOnlySpan<byte> c1c3c2)
    {
        var c2Length = c1c3c2.Length - PointLength - Sm3Length;
        var output = new byte[c1c3c2.Length];
        c1c3c2[..PointLength].CopyTo(output);
        c1c3c2[(PointLength + Sm3Length)..].CopyTo(output.AsSpan(PointLength));
        c1c3c2.Slice(PointLength, Sm3Length).CopyTo(output.AsSpan(PointLength + c2Length));
        return output;
    }
}

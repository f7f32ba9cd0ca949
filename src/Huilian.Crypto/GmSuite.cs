using System.Collections.Concurrent;
using Huilian.Core;
using Huilian.Core.Crypto;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Huilian.Crypto;

/// <summary>The Chinese commercial-cryptography suite (国密): SM3, SM2 with SM3 and the standard user ID, SM4-GCM.</summary>
public sealed class GmSuite : ICryptoSuite
{
    public static readonly GmSuite Instance = new();

    public string Name => "gm";

    public IHashFunction Hash { get; } = new Sm3Hash();

    public ISignatureScheme Signatures { get; } = new Sm2Sm3();

    public IAead Aead { get; } = new Sm4Gcm();

    public ICertificateVerifier Certificates => X509CertificateVerifier.Gm;
}

public sealed class Sm3Hash : IHashFunction
{
    [ThreadStatic]
    private static SM3Digest? _digest;

    public string Name => "sm3";

    public Hash32 Hash(ReadOnlySpan<byte> data)
    {
        var digest = _digest ??= new SM3Digest();
        digest.Reset();
        // BouncyCastle 1.8.10 takes arrays; small inputs are copied through a pooled buffer.
        var input = System.Buffers.ArrayPool<byte>.Shared.Rent(data.Length);
        try
        {
            data.CopyTo(input);
            digest.BlockUpdate(input, 0, data.Length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(input);
        }
        var output = new byte[Hash32.Length];
        digest.DoFinal(output, 0);
        return new Hash32(output);
    }
}

/// <summary>
/// SM2 signatures (GM/T 0003.2) over sm2p256v1, digest SM3 over Z_A ‖ M with the standard user ID
/// "1234567812345678", encoded r ‖ s. BouncyCastle 1.8.10's SM2Signer gives invalid signatures when reused
/// without a fresh Init, so every call builds and initialises its own signer.
/// </summary>
public sealed class Sm2Sm3 : ISignatureScheme
{
    public static readonly byte[] DefaultUserId = "1234567812345678"u8.ToArray();

    private const int CoordinateLength = 32;
    private const int KeyCacheEntriesMax = 16_384;

    internal static readonly X9ECParameters Curve = GMNamedCurves.GetByName("sm2p256v1");
    internal static readonly ECDomainParameters Domain = new(Curve.Curve, Curve.G, Curve.N, Curve.H, Curve.GetSeed());

    private readonly ConcurrentDictionary<Hash32, ECPublicKeyParameters> _keys = new();

    public string Name => "sm2-sm3";

    public int PublicKeyLength => 1 + (2 * CoordinateLength);

    public int SignatureLength => 2 * CoordinateLength;

    public bool IsValidPublicKey(ReadOnlySpan<byte> publicKey) => GetKey(publicKey) is not null;

    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            return false;
        }
        var key = GetKey(publicKey);
        if (key is null)
        {
            return false;
        }
        try
        {
            var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
            signer.Init(false, new ParametersWithID(key, DefaultUserId));
            var bytes = message.ToArray();
            signer.BlockUpdate(bytes, 0, bytes.Length);
            return signer.VerifySignature(signature.ToArray());
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or CryptoException)
        {
            return false;
        }
    }

    public static Sm2SigningKey Generate()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Domain, new SecureRandom()));
        while (true)
        {
            // The generator draws d from [1, n - 1]; SM2 needs 1 + d invertible, so d = n - 1 (which Import
            // refuses) is drawn again.
            var privateKey = (ECPrivateKeyParameters)generator.GenerateKeyPair().Private;
            if (privateKey.D.CompareTo(Domain.N.Subtract(BigInteger.One)) < 0)
            {
                return new Sm2SigningKey(privateKey);
            }
        }
    }

    public static Sm2SigningKey Import(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != CoordinateLength)
        {
            throw new System.Security.Cryptography.CryptographicException("An SM2 private key is 32 bytes.");
        }
        var d = new BigInteger(1, privateKey.ToArray());
        if (d.SignValue <= 0 || d.CompareTo(Domain.N.Subtract(BigInteger.One)) >= 0)
        {
            throw new System.Security.Cryptography.CryptographicException("The SM2 private key is out of range.");
        }
        return new Sm2SigningKey(new ECPrivateKeyParameters(d, Domain));
    }

    private ECPublicKeyParameters? GetKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeyLength || publicKey[0] != 0x04)
        {
            return null;
        }
        var cacheKey = IntlSuite.Instance.Hash.Hash(publicKey);
        if (_keys.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }
        ECPublicKeyParameters key;
        try
        {
            var point = Domain.Curve.DecodePoint(publicKey.ToArray());
            if (point.IsInfinity || !point.IsValid())
            {
                return null;
            }
            key = new ECPublicKeyParameters(point, Domain);
        }
        catch (ArgumentException)
        {
            return null;
        }
        if (_keys.Count >= KeyCacheEntriesMax)
        {
            _keys.Clear();
        }
        return _keys.GetOrAdd(cacheKey, key);
    }
}

public sealed class Sm2SigningKey : ISigningKey
{
    private readonly ECPrivateKeyParameters _privateKey;

    internal Sm2SigningKey(ECPrivateKeyParameters privateKey)
    {
        _privateKey = privateKey;
        PublicKey = Sm2Sm3.Domain.G.Multiply(privateKey.D).Normalize().GetEncoded(false);
    }

    public byte[] PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(_privateKey, new SecureRandom()), Sm2Sm3.DefaultUserId));
        var bytes = message.ToArray();
        signer.BlockUpdate(bytes, 0, bytes.Length);
        return signer.GenerateSignature();
    }

    public byte[] ExportPrivateKey()
    {
        var unsigned = _privateKey.D.ToByteArrayUnsigned();
        var padded = new byte[32];
        unsigned.CopyTo(padded, 32 - unsigned.Length);
        return padded;
    }

    public void Dispose()
    {
    }
}

/// <summary>SM4 in Galois/Counter Mode, 128-bit key, 96-bit nonce, 128-bit tag.</summary>
public sealed class Sm4Gcm : IAead
{
    public string Name => "sm4-gcm";

    public int KeyLength => 16;

    public int NonceLength => 12;

    public int TagLength => 16;

    public byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var cipher = Create(forEncryption: true, key, nonce, associatedData);
        var output = new byte[cipher.GetOutputSize(plaintext.Length)];
        var input = plaintext.ToArray();
        var written = cipher.ProcessBytes(input, 0, input.Length, output, 0);
        cipher.DoFinal(output, written);
        return output;
    }

    public byte[]? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData)
    {
        if (ciphertextAndTag.Length < TagLength || nonce.Length != NonceLength || key.Length != KeyLength)
        {
            return null;
        }
        var cipher = Create(forEncryption: false, key, nonce, associatedData);
        var input = ciphertextAndTag.ToArray();
        var output = new byte[cipher.GetOutputSize(input.Length)];
        try
        {
            var written = cipher.ProcessBytes(input, 0, input.Length, output, 0);
            cipher.DoFinal(output, written);
            return output;
        }
        catch (InvalidCipherTextException)
        {
            return null;
        }
    }

    private GcmBlockCipher Create(bool forEncryption, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData)
    {
        if (key.Length != KeyLength || nonce.Length != NonceLength)
        {
            throw new ArgumentException($"SM4-GCM takes a {KeyLength}-byte key and a {NonceLength}-byte nonce.");
        }
        var cipher = new GcmBlockCipher(new SM4Engine());
        cipher.Init(forEncryption, new AeadParameters(new KeyParameter(key.ToArray()), TagLength * 8, nonce.ToArray(), associatedData.ToArray()));
        return cipher;
    }
}

// Sm2Sm3 / Sm2SigningKey on sm2p256v1 (the gm suite's signatures).
// Round-trip: 100 different messages (empty to long) sign and verify; Import(Export()) gives the same key.
// Invalid:    wrong key; changed message; every changed signature byte; r or s = 0, = n, = 2^256 - 1, and
//             r + s = n (t = 0); truncated and oversized signatures; truncated and oversized public keys;
//             a public key not on the curve; the point at infinity in every encoding that fits; a coordinate
//             >= p; a compressed key; Import of a private key of the wrong length, 0, n - 1 or above.
// Extremes:   reuse — the SAME Sm2SigningKey signs 300 times in a row and 400 times from 4 threads at once, and
//             every signature verifies (BouncyCastle 1.8.10's SM2Signer, reused without a new Init, signs the
//             second message wrongly; a characterisation test shows that hazard is real); Generate gives keys
//             that Import accepts (d in [1, n - 2]).

using System.Security.Cryptography;
using Huilian.Core.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Huilian.Crypto.Tests;

public sealed class Sm2Sm3Tests
{
    private static readonly ISignatureScheme Scheme = GmSuite.Instance.Signatures;
    private static readonly BigInteger N = Sm2Sm3.Domain.N;

    [Fact]
    public void One_hundred_messages_sign_and_verify()
    {
        using var key = Sm2Sm3.Generate();
        Assert.True(Scheme.IsValidPublicKey(key.PublicKey));
        Assert.Equal(65, key.PublicKey.Length);
        for (var i = 0; i < 100; i++)
        {
            var message = i == 0 ? [] : EcdsaP256Tests.Message(i * 7);
            var signature = key.Sign(message);

            Assert.Equal(64, signature.Length);
            Assert.True(Scheme.Verify(key.PublicKey, message, signature), $"message {i}");
        }
    }

    [Fact]
    public void Export_then_import_gives_the_same_key()
    {
        using var key = Sm2Sm3.Generate();
        var exported = key.ExportPrivateKey();
        using var imported = Sm2Sm3.Import(exported);
        var message = "import"u8.ToArray();

        Assert.Equal(32, exported.Length);
        Assert.Equal(key.PublicKey, imported.PublicKey);
        Assert.True(Scheme.Verify(key.PublicKey, message, imported.Sign(message)));
    }

    [Fact]
    public void A_wrong_key_or_a_changed_message_is_refused()
    {
        using var key = Sm2Sm3.Generate();
        using var other = Sm2Sm3.Generate();
        var message = "message"u8.ToArray();
        var signature = key.Sign(message);

        Assert.True(Scheme.Verify(key.PublicKey, message, signature));
        Assert.False(Scheme.Verify(other.PublicKey, message, signature));
        Assert.False(Scheme.Verify(key.PublicKey, "messagf"u8.ToArray(), signature));
        Assert.False(Scheme.Verify(key.PublicKey, [], signature));
    }

    [Fact]
    public void Every_changed_signature_byte_is_refused()
    {
        using var key = Sm2Sm3.Generate();
        var message = "bytes"u8.ToArray();
        var signature = key.Sign(message);
        for (var i = 0; i < signature.Length; i++)
        {
            var changed = (byte[])signature.Clone();
            changed[i] ^= 0x80;
            Assert.False(Scheme.Verify(key.PublicKey, message, changed), $"byte {i} changed");
        }
    }

    [Theory]
    [InlineData("r=0")]
    [InlineData("s=0")]
    [InlineData("r=n")]
    [InlineData("s=n")]
    [InlineData("r=max")]
    [InlineData("s=max")]
    [InlineData("r+s=n")]
    public void Out_of_range_r_or_s_is_refused(string which)
    {
        using var key = Sm2Sm3.Generate();
        var message = "range"u8.ToArray();
        var signature = key.Sign(message);
        var r = new BigInteger(1, signature, 0, 32);
        var max = BigInteger.One.ShiftLeft(256).Subtract(BigInteger.One);
        var (part, value) = which switch
        {
            "r=0" => (0, BigInteger.Zero),
            "s=0" => (1, BigInteger.Zero),
            "r=n" => (0, N),
            "s=n" => (1, N),
            "r=max" => (0, max),
            "s=max" => (1, max),
            _ => (1, N.Subtract(r)),
        };
        var changed = (byte[])signature.Clone();
        Write(changed.AsSpan(part * 32, 32), value);

        Assert.False(Scheme.Verify(key.PublicKey, message, changed));
    }

    [Fact]
    public void Truncated_and_oversized_signatures_are_refused()
    {
        using var key = Sm2Sm3.Generate();
        var message = "length"u8.ToArray();
        var signature = key.Sign(message);

        Assert.False(Scheme.Verify(key.PublicKey, message, []));
        Assert.False(Scheme.Verify(key.PublicKey, message, signature[..63]));
        Assert.False(Scheme.Verify(key.PublicKey, message, [.. signature, 0x00]));
        Assert.False(Scheme.Verify(key.PublicKey, message, [0x00, .. signature]));
        Assert.False(Scheme.Verify(key.PublicKey, message, DerEncoded(signature)));
    }

    [Fact]
    public void Malformed_public_keys_are_refused()
    {
        using var key = Sm2Sm3.Generate();
        var message = "keys"u8.ToArray();
        var signature = key.Sign(message);
        var offCurve = (byte[])key.PublicKey.Clone();
        offCurve[64] ^= 0x01;
        var compressed = Sm2Sm3.Domain.Curve.DecodePoint(key.PublicKey).GetEncoded(true);
        var xIsP = (byte[])key.PublicKey.Clone();
        Write(xIsP.AsSpan(1, 32), Sm2Sm3.Domain.Curve.Field.Characteristic);
        var allOnes = Enumerable.Repeat((byte)0xff, 65).ToArray();
        allOnes[0] = 0x04;

        Assert.True(Scheme.Verify(key.PublicKey, message, signature));
        List<byte[]> bad =
        [
            offCurve, compressed, xIsP, allOnes,
            key.PublicKey[..64], [.. key.PublicKey, 0x00], [],
            [0x00], new byte[65], [0x04, .. new byte[64]], // infinity: SEC1's single 0x00, and (0, 0)
        ];
        foreach (var publicKey in bad)
        {
            Assert.False(Scheme.IsValidPublicKey(publicKey), Hex.Encode(publicKey));
            Assert.False(Scheme.Verify(publicKey, message, signature), Hex.Encode(publicKey));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Import_refuses_a_private_key_of_the_wrong_length(int length)
    {
        Assert.Throws<CryptographicException>(() => Sm2Sm3.Import(new byte[length]));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("n-1")] // 1 + d would be 0 mod n: no signature could be made
    [InlineData("n")]
    [InlineData("max")]
    public void Import_refuses_a_private_key_out_of_range(string which)
    {
        var d = which switch
        {
            "0" => BigInteger.Zero,
            "n-1" => N.Subtract(BigInteger.One),
            "n" => N,
            _ => BigInteger.One.ShiftLeft(256).Subtract(BigInteger.One),
        };

        Assert.Throws<CryptographicException>(() => Sm2Sm3.Import(Fixed32(d)));
    }

    [Fact]
    public void Import_accepts_the_largest_usable_private_key()
    {
        using var key = Sm2Sm3.Import(Fixed32(N.Subtract(BigInteger.Two)));
        var message = "n-2"u8.ToArray();

        Assert.True(Scheme.Verify(key.PublicKey, message, key.Sign(message)));
    }

    [Fact]
    public void The_same_key_reused_300_times_in_a_row_always_signs_validly()
    {
        using var key = Sm2Sm3.Generate();
        for (var i = 0; i < 300; i++)
        {
            var message = EcdsaP256Tests.Message(i);
            Assert.True(Scheme.Verify(key.PublicKey, message, key.Sign(message)), $"signature {i}");
        }
    }

    [Fact]
    public void The_same_key_used_from_four_threads_at_once_always_signs_validly()
    {
        using var key = Sm2Sm3.Generate();
        var failures = 0;
        var signed = 0;
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 100; i++)
            {
                var message = EcdsaP256Tests.Message((t * 1000) + i);
                try
                {
                    var signature = key.Sign(message);
                    Interlocked.Increment(ref signed);
                    if (!Scheme.Verify(key.PublicKey, message, signature))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(400, signed);
        Assert.Equal(0, failures);
    }

    [Fact]
    public void BouncyCastles_sm2_signer_reused_without_init_signs_the_second_message_wrongly()
    {
        // Characterisation of the hazard Sm2SigningKey avoids by building a fresh signer for every signature.
        using var key = Sm2Sm3.Generate();
        var privateKey = new ECPrivateKeyParameters(new BigInteger(1, key.ExportPrivateKey()), Sm2Sm3.Domain);
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(privateKey, new SecureRandom()), Sm2Sm3.DefaultUserId));
        var first = "first"u8.ToArray();
        var second = "second"u8.ToArray();

        signer.BlockUpdate(first, 0, first.Length);
        var firstSignature = signer.GenerateSignature();
        signer.BlockUpdate(second, 0, second.Length);
        var secondSignature = signer.GenerateSignature();

        Assert.True(Scheme.Verify(key.PublicKey, first, firstSignature));
        Assert.False(Scheme.Verify(key.PublicKey, second, secondSignature));
    }

    [Fact]
    public void Generated_keys_are_importable()
    {
        for (var i = 0; i < 20; i++)
        {
            using var key = Sm2Sm3.Generate();
            var d = new BigInteger(1, key.ExportPrivateKey());
            Assert.True(d.SignValue > 0 && d.CompareTo(N.Subtract(BigInteger.One)) < 0);
            using var imported = Sm2Sm3.Import(key.ExportPrivateKey());
            Assert.Equal(key.PublicKey, imported.PublicKey);
        }
    }

    private static byte[] Fixed32(BigInteger value)
    {
        var bytes = new byte[32];
        Write(bytes, value);
        return bytes;
    }

    private static void Write(Span<byte> destination, BigInteger value)
    {
        destination.Clear();
        var bytes = value.ToByteArrayUnsigned();
        Assert.True(bytes.Length <= destination.Length);
        bytes.CopyTo(destination[(destination.Length - bytes.Length)..]);
    }

    private static byte[] DerEncoded(byte[] signature)
    {
        var r = new BigInteger(1, signature, 0, 32);
        var s = new BigInteger(1, signature, 32, 32);
        return StandardDsaEncoding.Instance.Encode(N, r, s);
    }
}

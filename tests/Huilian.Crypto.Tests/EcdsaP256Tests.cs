// EcdsaP256 / P256SigningKey beyond the published vectors.
// Round-trip: 200 signatures from one key all have s <= n/2 and verify (a signer that did not normalise would
//             produce high-S about half the time); Import(Export()) gives the same key; a signature made by an
//             imported key verifies under the original public key.
// Invalid:    our own signature with s flipped to n - s is refused (while plain ECDSA accepts it); wrong key;
//             changed message; every changed signature byte; r or s = 0, = n, = 2^256 - 1; truncated and
//             oversized signatures; truncated, oversized, compressed, infinity-encoded and off-curve keys;
//             Import of a private key of the wrong length, zero, or >= n.
// Extremes:   a public key whose x is given as x + p (the same point, a second encoding) is refused, and so are
//             coordinates equal to p; the same key signs and verifies concurrently from several threads.

using System.Numerics;
using System.Security.Cryptography;
using Huilian.Core.Crypto;

namespace Huilian.Crypto.Tests;

public sealed class EcdsaP256Tests
{
    private static readonly BigInteger N = EcdsaP256.Order;
    private static readonly BigInteger P = BigInteger.Parse("0ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", System.Globalization.NumberStyles.HexNumber);

    private static readonly ISignatureScheme Scheme = IntlSuite.Instance.Signatures;

    [Fact]
    public void Signing_normalises_to_low_s_and_every_signature_verifies()
    {
        using var key = EcdsaP256.Generate();
        for (var i = 0; i < 200; i++)
        {
            var message = Message(i);
            var signature = key.Sign(message);

            Assert.Equal(64, signature.Length);
            Assert.True(WycheproofEcdsaP256Tests.S(signature) <= EcdsaP256.HalfOrder, $"signature {i} has a high s");
            Assert.True(Scheme.Verify(key.PublicKey, message, signature), $"signature {i} does not verify");
        }
    }

    [Fact]
    public void Flipping_s_to_n_minus_s_is_refused_although_plain_ecdsa_accepts_it()
    {
        using var key = EcdsaP256.Generate();
        var message = "huilian low-S"u8.ToArray();
        var signature = key.Sign(message);
        var flipped = WycheproofEcdsaP256Tests.WithS(signature, N - WycheproofEcdsaP256Tests.S(signature));

        Assert.True(Scheme.Verify(key.PublicKey, message, signature));
        Assert.False(Scheme.Verify(key.PublicKey, message, flipped));
        using var plain = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = key.PublicKey[1..33], Y = key.PublicKey[33..] } });
        Assert.True(plain.VerifyData(message, flipped, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), "the flipped signature is a genuine malleated twin");
    }

    [Fact]
    public void Export_then_import_gives_the_same_key()
    {
        using var key = EcdsaP256.Generate();
        var exported = key.ExportPrivateKey();
        using var imported = EcdsaP256.Import(exported);
        var message = "import"u8.ToArray();

        Assert.Equal(32, exported.Length);
        Assert.Equal(key.PublicKey, imported.PublicKey);
        Assert.True(Scheme.Verify(key.PublicKey, message, imported.Sign(message)));
    }

    [Fact]
    public void A_wrong_key_or_a_changed_message_is_refused()
    {
        using var key = EcdsaP256.Generate();
        using var other = EcdsaP256.Generate();
        var message = "message"u8.ToArray();
        var signature = key.Sign(message);

        Assert.False(Scheme.Verify(other.PublicKey, message, signature));
        Assert.False(Scheme.Verify(key.PublicKey, "messagf"u8.ToArray(), signature));
        Assert.False(Scheme.Verify(key.PublicKey, [], signature));
    }

    [Fact]
    public void Every_changed_signature_byte_is_refused()
    {
        using var key = EcdsaP256.Generate();
        var message = "bytes"u8.ToArray();
        var signature = key.Sign(message);
        for (var i = 0; i < signature.Length; i++)
        {
            var changed = (byte[])signature.Clone();
            changed[i] ^= 0x01;
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
    [InlineData("s=n/2+1")]
    public void Out_of_range_r_or_s_is_refused(string which)
    {
        using var key = EcdsaP256.Generate();
        var message = "range"u8.ToArray();
        var signature = key.Sign(message);
        var max = (BigInteger.One << 256) - 1;
        var (part, value) = which switch
        {
            "r=0" => (0, BigInteger.Zero),
            "s=0" => (1, BigInteger.Zero),
            "r=n" => (0, N),
            "s=n" => (1, N),
            "r=max" => (0, max),
            "s=max" => (1, max),
            _ => (1, EcdsaP256.HalfOrder + 1),
        };
        var changed = (byte[])signature.Clone();
        Write(changed.AsSpan(part * 32, 32), value);

        Assert.False(Scheme.Verify(key.PublicKey, message, changed));
    }

    [Fact]
    public void Truncated_and_oversized_signatures_are_refused()
    {
        using var key = EcdsaP256.Generate();
        var message = "length"u8.ToArray();
        var signature = key.Sign(message);

        Assert.False(Scheme.Verify(key.PublicKey, message, []));
        Assert.False(Scheme.Verify(key.PublicKey, message, signature[..63]));
        Assert.False(Scheme.Verify(key.PublicKey, message, [.. signature, 0x00]));
        Assert.False(Scheme.Verify(key.PublicKey, message, [0x00, .. signature]));
        Assert.False(Scheme.Verify(key.PublicKey, message, [.. signature, .. signature]));
    }

    [Fact]
    public void Malformed_public_keys_are_refused()
    {
        using var key = EcdsaP256.Generate();
        var message = "keys"u8.ToArray();
        var signature = key.Sign(message);
        var offCurve = (byte[])key.PublicKey.Clone();
        offCurve[64] ^= 0x01;
        var compressed = new byte[33];
        compressed[0] = (byte)(0x02 | (key.PublicKey[64] & 1));
        key.PublicKey.AsSpan(1, 32).CopyTo(compressed.AsSpan(1));
        var wrongPrefix = (byte[])key.PublicKey.Clone();
        wrongPrefix[0] = 0x06;

        Assert.True(Scheme.Verify(key.PublicKey, message, signature));
        Assert.True(IntlSuite.Instance.Signatures.IsValidPublicKey(key.PublicKey));
        foreach (var bad in new[] { offCurve, compressed, wrongPrefix, key.PublicKey[..64], [.. key.PublicKey, 0x00], [0x00], new byte[65], [0x04, .. new byte[64]], [] })
        {
            Assert.False(IntlSuite.Instance.Signatures.IsValidPublicKey(bad), Hex.Encode(bad));
            Assert.False(Scheme.Verify(bad, message, signature), Hex.Encode(bad));
        }
    }

    [Fact]
    public void A_public_key_with_x_encoded_as_x_plus_p_is_refused()
    {
        // The smallest x on P-256 (y^2 = x^3 - 3x + b): x + p still fits in 32 bytes, so (x + p, y) is a second
        // encoding of the same point, which must not be a second valid public key.
        var b = BigInteger.Parse("05ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", System.Globalization.NumberStyles.HexNumber);
        var x = BigInteger.One;
        BigInteger y;
        while (true)
        {
            var rhs = BigInteger.Remainder((x * x * x) - (3 * x) + b + P, P);
            y = BigInteger.ModPow(rhs, (P + 1) / 4, P);
            if (BigInteger.Remainder(y * y, P) == rhs)
            {
                break;
            }
            x += 1;
        }
        var canonical = new byte[65];
        canonical[0] = 0x04;
        Write(canonical.AsSpan(1, 32), x);
        Write(canonical.AsSpan(33, 32), y);
        var aliased = (byte[])canonical.Clone();
        Write(aliased.AsSpan(1, 32), x + P);

        Assert.True(x + P < BigInteger.One << 256);
        Assert.True(IntlSuite.Instance.Signatures.IsValidPublicKey(canonical), "the canonical encoding is a valid key");
        Assert.False(IntlSuite.Instance.Signatures.IsValidPublicKey(aliased));
        Assert.False(Scheme.Verify(aliased, [1], new byte[64]));
    }

    [Fact]
    public void A_public_key_with_a_coordinate_at_or_above_p_is_refused()
    {
        // Wycheproof tcId 245's key and (low-S) signature, then the same key with x or y replaced by p itself.
        var message = Hex.Decode("4d657373616765");
        var publicKey = Hex.Decode("0400000003fa15f963949d5f03a6f5c7f86f9e0015eeb23aebbff1173937ba748e1099872070e8e87c555fa13659cca5d7fadcfcb0023ea889548ca48af2ba7e71");
        var signature = Hex.Decode("6b01332ddb6edfa9a30a1321d5858e1ee3cf97e263e669f8de5e9652e76ff3f75939545fced457309a6a04ace2bd0f70139c8f7d86b02cb1cc58f9e69e96cd5a");
        var xIsP = (byte[])publicKey.Clone();
        Write(xIsP.AsSpan(1, 32), P);
        var yIsP = (byte[])publicKey.Clone();
        Write(yIsP.AsSpan(33, 32), P);

        Assert.True(Scheme.Verify(publicKey, message, signature));
        Assert.False(Scheme.Verify(xIsP, message, signature));
        Assert.False(Scheme.Verify(yIsP, message, signature));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    public void Import_refuses_a_private_key_of_the_wrong_length(int length)
    {
        Assert.Throws<CryptographicException>(() => EcdsaP256.Import(new byte[length]));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    public void Import_refuses_a_private_key_out_of_range(string hex)
    {
        Assert.ThrowsAny<CryptographicException>(() => EcdsaP256.Import(Hex.Decode(hex)));
    }

    [Fact]
    public void One_key_signs_and_verifies_concurrently()
    {
        using var key = EcdsaP256.Generate();
        var failures = 0;
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var message = Message(i);
            var signature = key.Sign(message);
            if (!Scheme.Verify(key.PublicKey, message, signature) || WycheproofEcdsaP256Tests.S(signature) > EcdsaP256.HalfOrder)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }

    internal static byte[] Message(int i) => System.Text.Encoding.UTF8.GetBytes($"huilian test message #{i} " + new string('x', i % 97));

    private static void Write(Span<byte> destination, BigInteger value)
    {
        destination.Clear();
        var count = value.GetByteCount(isUnsigned: true);
        Assert.True(value.TryWriteBytes(destination[(destination.Length - count)..], out _, isUnsigned: true, isBigEndian: true));
    }
}

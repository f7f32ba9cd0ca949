// KeyWrap: envelope wrapping of a data key to a recipient's suite key (intl: P-256 ECDH + HKDF-SHA256 +
// AES-256-GCM; gm: SM2 encryption, C1 ‖ C3 ‖ C2).
// Round-trip:  both suites, NewDataKey's length (32 intl, 16 gm), data keys of 1, 16, 32 and 64 bytes, empty and
//              4096-byte contexts; wrapping twice gives different bytes; sizes equal WrappedLength.
// Interop:     gm wrapped bytes, reordered to C1 ‖ C2 ‖ C3, decrypt with BouncyCastle's own SM2Engine to
//              data key ‖ SM3(context); BouncyCastle SM2Engine ciphertexts, reordered, unwrap; the GM/T 0003.5
//              sm2p256v1 encryption example (d, k, "encryption standard") gives the published C1 ‖ C3 ‖ C2.
// Invalid:     a wrong recipient key, a changed context, every single-bit flip of the wrapped bytes, truncated,
//              extended and empty wrapped bytes, private keys of the wrong length, 0 and n: null, never an
//              exception. Wrap refuses a key of the other suite, a data key of 0 or 65 bytes, a context over
//              4096 bytes and an unknown suite.

using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Huilian.Crypto.Tests;

public sealed class KeyWrapTests
{
    private static readonly byte[] Context = "huilian/tx/0xabc/recipient/1"u8.ToArray();

    public static TheoryData<string> Suites() => ["intl", "gm"];

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_data_key_round_trips_to_its_recipient(string suite)
    {
        using var recipient = CryptoSuites.GenerateKey(suite);
        var privateKey = recipient.ExportPrivateKey();
        var dataKey = KeyWrap.NewDataKey(suite);

        var wrapped = KeyWrap.Wrap(suite, recipient.PublicKey, dataKey, Context);

        Assert.Equal(suite == "intl" ? 32 : 16, dataKey.Length);
        Assert.Equal(CryptoSuites.Get(suite).Aead.KeyLength, dataKey.Length);
        Assert.Equal(KeyWrap.WrappedLength(suite, dataKey.Length), wrapped.Length);
        Assert.Equal(dataKey, KeyWrap.Unwrap(suite, privateKey, wrapped, Context));
        Assert.NotEqual(wrapped, KeyWrap.Wrap(suite, recipient.PublicKey, dataKey, Context));
        Assert.NotEqual(dataKey, KeyWrap.NewDataKey(suite));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Data_keys_and_contexts_of_every_allowed_size_round_trip(string suite)
    {
        using var recipient = CryptoSuites.GenerateKey(suite);
        var privateKey = recipient.ExportPrivateKey();
        foreach (var length in new[] { 1, 16, 32, KeyWrap.DataKeyLengthMax })
        {
            foreach (var context in new[] { Array.Empty<byte>(), Context, RandomNumberGenerator.GetBytes(KeyWrap.ContextLengthMax) })
            {
                var dataKey = RandomNumberGenerator.GetBytes(length);
                var wrapped = KeyWrap.Wrap(suite, recipient.PublicKey, dataKey, context);
                Assert.Equal(KeyWrap.WrappedLength(suite, length), wrapped.Length);
                Assert.Equal(dataKey, KeyWrap.Unwrap(suite, privateKey, wrapped, context));
            }
        }
    }

    [Fact]
    public void Wrapped_lengths_are_as_documented()
    {
        Assert.Equal(65 + 32 + 16, KeyWrap.WrappedLength("intl", 32));
        Assert.Equal(65 + 32 + 16 + 32, KeyWrap.WrappedLength("gm", 16));
        Assert.Equal(65 + 1 + 16, KeyWrap.WrappedLength("intl", 1));
        Assert.Equal(65 + 32 + 64 + 32, KeyWrap.WrappedLength("gm", 64));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyWrap.WrappedLength("intl", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyWrap.WrappedLength("gm", 65));
        Assert.Throws<ArgumentException>(() => KeyWrap.WrappedLength("rsa", 32));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_wrong_key_or_a_changed_context_gives_null(string suite)
    {
        using var recipient = CryptoSuites.GenerateKey(suite);
        using var other = CryptoSuites.GenerateKey(suite);
        var dataKey = KeyWrap.NewDataKey(suite);
        var wrapped = KeyWrap.Wrap(suite, recipient.PublicKey, dataKey, Context);
        var changedContext = (byte[])Context.Clone();
        changedContext[^1] ^= 0x01;

        Assert.Null(KeyWrap.Unwrap(suite, other.ExportPrivateKey(), wrapped, Context));
        Assert.Null(KeyWrap.Unwrap(suite, recipient.ExportPrivateKey(), wrapped, changedContext));
        Assert.Null(KeyWrap.Unwrap(suite, recipient.ExportPrivateKey(), wrapped, []));
        Assert.Null(KeyWrap.Unwrap(suite, recipient.ExportPrivateKey(), wrapped, [.. Context, 0x00]));
        Assert.Null(KeyWrap.Unwrap(suite == "intl" ? "gm" : "intl", recipient.ExportPrivateKey(), wrapped, Context));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Every_single_bit_flip_gives_null(string suite)
    {
        using var recipient = CryptoSuites.GenerateKey(suite);
        var privateKey = recipient.ExportPrivateKey();
        var wrapped = KeyWrap.Wrap(suite, recipient.PublicKey, KeyWrap.NewDataKey(suite), Context);
        for (var bit = 0; bit < wrapped.Length * 8; bit++)
        {
            var changed = (byte[])wrapped.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.True(KeyWrap.Unwrap(suite, privateKey, changed, Context) is null, $"bit {bit}");
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Malformed_wrapped_bytes_and_private_keys_give_null(string suite)
    {
        using var recipient = CryptoSuites.GenerateKey(suite);
        var privateKey = recipient.ExportPrivateKey();
        var wrapped = KeyWrap.Wrap(suite, recipient.PublicKey, KeyWrap.NewDataKey(suite), Context);
        var order = suite == "gm"
            ? Sm2Sm3.Domain.N.ToByteArrayUnsigned()
            : Hex.Decode("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");

        for (var length = 0; length < wrapped.Length; length++)
        {
            Assert.Null(KeyWrap.Unwrap(suite, privateKey, wrapped[..length], Context));
        }
        Assert.Null(KeyWrap.Unwrap(suite, privateKey, [.. wrapped, 0x00], Context));
        Assert.Null(KeyWrap.Unwrap(suite, privateKey, RandomNumberGenerator.GetBytes(wrapped.Length), Context));
        Assert.Null(KeyWrap.Unwrap(suite, privateKey, new byte[100_000], Context));
        Assert.Null(KeyWrap.Unwrap(suite, privateKey, wrapped, new byte[KeyWrap.ContextLengthMax + 1]));
        Assert.Null(KeyWrap.Unwrap(suite, privateKey[..31], wrapped, Context));
        Assert.Null(KeyWrap.Unwrap(suite, [.. privateKey, 0x00], wrapped, Context));
        Assert.Null(KeyWrap.Unwrap(suite, new byte[32], wrapped, Context));
        Assert.Null(KeyWrap.Unwrap(suite, order, wrapped, Context));
        Assert.Null(KeyWrap.Unwrap(suite, Enumerable.Repeat((byte)0xFF, 32).ToArray(), wrapped, Context));
        // The point at infinity and a point off the curve in place of the ephemeral key / C1.
        var offCurve = (byte[])wrapped.Clone();
        offCurve.AsSpan(1, 64).Clear();
        Assert.Null(KeyWrap.Unwrap(suite, privateKey, offCurve, Context));
        var compressed = (byte[])wrapped.Clone();
        compressed[0] = 0x02;
        Assert.Null(KeyWrap.Unwrap(suite, privateKey, compressed, Context));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Wrap_refuses_bad_arguments(string suite)
    {
        using var recipient = CryptoSuites.GenerateKey(suite);
        using var otherSuite = CryptoSuites.GenerateKey(suite == "intl" ? "gm" : "intl");
        var dataKey = KeyWrap.NewDataKey(suite);

        Assert.Throws<ArgumentException>(() => KeyWrap.Wrap(suite, otherSuite.PublicKey, dataKey, Context));
        Assert.Throws<ArgumentException>(() => KeyWrap.Wrap(suite, recipient.PublicKey[..64], dataKey, Context));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyWrap.Wrap(suite, recipient.PublicKey, [], Context));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyWrap.Wrap(suite, recipient.PublicKey, new byte[65], Context));
        Assert.Throws<ArgumentException>(() => KeyWrap.Wrap(suite, recipient.PublicKey, dataKey, new byte[KeyWrap.ContextLengthMax + 1]));
        Assert.Throws<ArgumentException>(() => KeyWrap.Wrap("rsa", recipient.PublicKey, dataKey, Context));
        Assert.Throws<ArgumentException>(() => KeyWrap.NewDataKey("rsa"));
    }

    [Fact]
    public void Gm_wrapping_is_standard_sm2_encryption_that_bouncycastle_decrypts()
    {
        using var recipient = Sm2Sm3.Generate();
        var dataKey = KeyWrap.NewDataKey("gm");
        var wrapped = KeyWrap.Wrap("gm", recipient.PublicKey, dataKey, Context);
        var engine = new SM2Engine(new SM3Digest());
        engine.Init(false, new ECPrivateKeyParameters(new BigInteger(1, recipient.ExportPrivateKey()), Sm2Sm3.Domain));
        var c1c2c3 = KeyWrap.C1C3C2ToC1C2C3(wrapped);

        var plaintext = engine.ProcessBlock(c1c2c3, 0, c1c2c3.Length);

        Assert.Equal([.. dataKey, .. GmSuite.Instance.Hash.Hash(Context).ToArray()], plaintext);
        Assert.Equal(65, recipient.PublicKey.Length);
        Assert.Equal(0x04, wrapped[0]);
        Assert.True(GmSuite.Instance.Signatures.IsValidPublicKey(wrapped[..65])); // C1 is a point on sm2p256v1.
    }

    [Fact]
    public void Bouncycastle_sm2_ciphertexts_unwrap()
    {
        using var recipient = Sm2Sm3.Generate();
        var dataKey = KeyWrap.NewDataKey("gm");
        byte[] plaintext = [.. dataKey, .. GmSuite.Instance.Hash.Hash(Context).ToArray()];
        var engine = new SM2Engine(new SM3Digest());
        engine.Init(true, new ParametersWithRandom(new ECPublicKeyParameters(Sm2Sm3.Domain.Curve.DecodePoint(recipient.PublicKey), Sm2Sm3.Domain), new SecureRandom()));
        var c1c2c3 = engine.ProcessBlock(plaintext, 0, plaintext.Length);

        Assert.Equal(dataKey, KeyWrap.Unwrap("gm", recipient.ExportPrivateKey(), KeyWrap.C1C2C3ToC1C3C2(c1c2c3), Context));
        Assert.Null(KeyWrap.Unwrap("gm", recipient.ExportPrivateKey(), c1c2c3, Context)); // The 2010 order is not accepted.
    }

    // GM/T 0003.5-2012 (GB/T 32918.5-2017) encryption example on sm2p256v1: M = "encryption standard".
    [Fact]
    public void The_standard_sm2_encryption_example_gives_the_published_ciphertext()
    {
        const string d = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
        const string k = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21";
        const string c1 = "0404EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0";
        const string c3 = "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766";
        const string c2 = "21886CA989CA9C7D58087307CA93092D651EFA";
        using var key = Sm2Sm3.Import(Hex.Decode(d));
        var message = "encryption standard"u8.ToArray();
        var engine = new SM2Engine(new SM3Digest());
        engine.Init(true, new ParametersWithRandom(new ECPublicKeyParameters(Sm2Sm3.Domain.Curve.DecodePoint(key.PublicKey), Sm2Sm3.Domain), new FixedSecureRandom(Hex.Decode(k))));

        var ciphertext = KeyWrap.C1C2C3ToC1C3C2(engine.ProcessBlock(message, 0, message.Length));

        Assert.Equal(c1 + c3 + c2, Convert.ToHexString(ciphertext));
    }
}

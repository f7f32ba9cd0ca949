// Transaction. Valid: Create signs, verifies under intl (and gm with an SM2 key), exposes its fields and body; the id
// is H(domain ‖ 00 ‖ body) and does not depend on the signature (two signatures of one body, or a re-signed copy,
// share the id); the id changes when any body field changes (chain id, signer, nonce, expiry, module, action,
// payload); under SM3 the id differs from SHA-256's. Invalid: VerifySignature is false after flipping any single
// byte of the body or of the signature, for a signature by another key, for a truncated or empty signature and for
// the high-S twin; a transaction above TransactionBytesMax is refused with EncodingLengthExceedsLimit; EncodeBody
// refuses an invalid chain id, module or action (EncodingInvalidIdentifier or, too long, EncodingLengthExceedsLimit),
// an oversized payload or signer (EncodingLengthExceedsLimit). Extremes: the largest payload is accepted; nonce and
// expiry at 0 and ulong.MaxValue round trip.

using System.Numerics;
using Huilian.Core.Codec;
using Huilian.Core.Ledger;
using Huilian.Crypto;

namespace Huilian.Core.Tests.Ledger;

public sealed class TransactionTests
{
    private const string Chain = "huilian-local";
    private static readonly byte[] Payload = "{\"hash\":\"aa\"}"u8.ToArray();

    private static Transaction Make(string chainId = Chain, ulong nonce = 1, ulong expiry = 100, string module = "evidence", string action = "record", byte[]? payload = null)
    {
        using var key = TestKeys.Rfc6979();
        return Transaction.Create(TestKeys.Sha256, key, chainId, nonce, expiry, module, action, payload ?? Payload);
    }

    private static byte[] Assemble(ReadOnlySpan<byte> body, ReadOnlySpan<byte> signature)
    {
        var writer = new CanonicalWriter();
        writer.WriteFixed(body);
        writer.WriteBytes(signature);
        return writer.ToArray();
    }

    // ---- Valid.

    [Fact]
    public void CreateSignsAndExposesFields()
    {
        var transaction = Make();
        Assert.True(transaction.VerifySignature(TestKeys.Ecdsa));
        Assert.Equal(Chain, transaction.ChainId);
        Assert.Equal(1UL, transaction.Nonce);
        Assert.Equal(100UL, transaction.ExpiryHeight);
        Assert.Equal("evidence", transaction.Module);
        Assert.Equal("record", transaction.Action);
        Assert.Equal(Payload, transaction.Payload);
        Assert.Equal(64, transaction.Signature.Length);
        Assert.Equal(transaction.Body.Length + 4 + 64, transaction.Size);
        Assert.Equal(Hex.Decode(TestKeys.Rfc6979PublicKey), transaction.Signer);
    }

    [Fact]
    public void GmTransactionVerifiesUnderGmOnly()
    {
        using var key = CryptoSuites.ImportKey("gm", Hex.Decode(TestKeys.Rfc6979PrivateKey));
        var transaction = Transaction.Create(TestKeys.Sm3, key, Chain, 1, 100, "evidence", "record", Payload);
        Assert.True(transaction.VerifySignature(GmSuite.Instance.Signatures));
        Assert.False(transaction.VerifySignature(TestKeys.Ecdsa));
        Assert.Equal(TestKeys.Sm3.Hash(transaction.SigningBytes()), transaction.Id);
    }

    [Fact]
    public void IdIsIndependentOfTheSignature()
    {
        var first = Make();
        var second = Make();
        // ECDSA signing is randomised here, so two signatures of one body differ but share the id.
        Assert.NotEqual(first.Signature, second.Signature);
        Assert.Equal(first.Id, second.Id);
        Assert.NotEqual(first.EncodedArray, second.EncodedArray);

        // Any signature bytes, even invalid ones, leave the id unchanged.
        var withZeros = Transaction.Decode(Assemble(first.Body, new byte[64]), TestKeys.Sha256);
        var withEmpty = Transaction.Decode(Assemble(first.Body, []), TestKeys.Sha256);
        var withMax = Transaction.Decode(Assemble(first.Body, new byte[Limits.SignatureLengthMax]), TestKeys.Sha256);
        Assert.Equal(first.Id, withZeros.Id);
        Assert.Equal(first.Id, withEmpty.Id);
        Assert.Equal(first.Id, withMax.Id);
        Assert.Equal(TestKeys.Sha256.Hash(Transaction.ComposeSigningBytes(first.Body)), first.Id);
    }

    [Fact]
    public void IdChangesWhenAnyBodyFieldChanges()
    {
        using var other = EcdsaP256.Import(Hex.Decode("0000000000000000000000000000000000000000000000000000000000000001"));
        var ids = new List<Hash32>
        {
            Make().Id,
            Make(chainId: "huilian-locak").Id,
            Make(nonce: 2).Id,
            Make(expiry: 101).Id,
            Make(module: "evidencf").Id,
            Make(action: "recore").Id,
            Make(payload: "{\"hash\":\"ab\"}"u8.ToArray()).Id,
            Make(payload: [.. Payload, 0x20]).Id,
            Make(payload: []).Id,
            Transaction.Create(TestKeys.Sha256, other, Chain, 1, 100, "evidence", "record", Payload).Id,
            // Moving a character across a field boundary changes the id too (fields are length-prefixed).
            Make(module: "evidencer", action: "ecord").Id,
        };
        Assert.Equal(ids.Count, ids.Distinct().Count());
        // The same request under SM3 has another id.
        Assert.NotEqual(Make().Id, Transaction.Decode(Make().EncodedArray, TestKeys.Sm3).Id);
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(ulong.MaxValue, ulong.MaxValue)]
    [InlineData(1UL, ulong.MaxValue)]
    public void NonceAndExpiryExtremesRoundTrip(ulong nonce, ulong expiry)
    {
        var transaction = Make(nonce: nonce, expiry: expiry);
        var decoded = Transaction.Decode(transaction.EncodedArray, TestKeys.Sha256);
        Assert.Equal(nonce, decoded.Nonce);
        Assert.Equal(expiry, decoded.ExpiryHeight);
        Assert.True(decoded.VerifySignature(TestKeys.Ecdsa));
    }

    [Fact]
    public void LargestPayloadIsAccepted()
    {
        var payload = new byte[Limits.PayloadBytesMax];
        new Random(31).NextBytes(payload);
        var transaction = Make(chainId: "a" + new string('b', Limits.ChainIdLengthMax - 1), module: new string('m', 32), action: new string('a', 32), payload: payload);
        Assert.True(transaction.Size <= Limits.TransactionBytesMax);
        Assert.True(transaction.VerifySignature(TestKeys.Ecdsa));
        Assert.Equal(payload, Transaction.Decode(transaction.EncodedArray, TestKeys.Sha256).Payload);
    }

    // ---- Invalid: signatures.

    [Fact]
    public void AnyFlippedBodyByteBreaksTheSignature()
    {
        var transaction = Make();
        var body = transaction.Body.ToArray();
        var decodable = 0;
        for (var i = 0; i < body.Length; i++)
        {
            foreach (var mask in new byte[] { 0x01, 0x80 })
            {
                var flipped = (byte[])body.Clone();
                flipped[i] ^= mask;
                // The signature over the altered signing bytes never verifies under the original signer.
                Assert.False(TestKeys.Ecdsa.Verify(transaction.Signer, Transaction.ComposeSigningBytes(flipped), transaction.Signature));
                Transaction decoded;
                try
                {
                    decoded = Transaction.Decode(Assemble(flipped, transaction.Signature), TestKeys.Sha256);
                }
                catch (EncodingException)
                {
                    continue; // A flipped length or identifier byte: refused before any signature check.
                }
                decodable++;
                Assert.False(decoded.VerifySignature(TestKeys.Ecdsa));
                Assert.NotEqual(transaction.Id, decoded.Id);
            }
        }
        Assert.True(decodable > body.Length, $"only {decodable} altered transactions decoded");
    }

    [Fact]
    public void AnyFlippedSignatureByteBreaksTheSignature()
    {
        var transaction = Make();
        for (var i = 0; i < transaction.Signature.Length; i++)
        {
            foreach (var mask in new byte[] { 0x01, 0x80, 0xff })
            {
                var signature = (byte[])transaction.Signature.Clone();
                signature[i] ^= mask;
                var decoded = Transaction.Decode(Assemble(transaction.Body, signature), TestKeys.Sha256);
                Assert.False(decoded.VerifySignature(TestKeys.Ecdsa));
                Assert.Equal(transaction.Id, decoded.Id);
            }
        }
    }

    [Fact]
    public void WrongShapedSignaturesDoNotVerify()
    {
        var transaction = Make();
        using var other = EcdsaP256.Import(Hex.Decode("0000000000000000000000000000000000000000000000000000000000000002"));
        byte[][] signatures =
        [
            [],
            transaction.Signature[..63],
            [.. transaction.Signature, 0x00],
            new byte[64],
            other.Sign(transaction.SigningBytes()),
        ];
        foreach (var signature in signatures)
        {
            Assert.False(Transaction.Decode(Assemble(transaction.Body, signature), TestKeys.Sha256).VerifySignature(TestKeys.Ecdsa));
        }
    }

    [Fact]
    public void HighSTwinDoesNotVerify()
    {
        var transaction = Make();
        var order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
        var s = new BigInteger(transaction.Signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var twin = (byte[])transaction.Signature.Clone();
        var high = (order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        twin.AsSpan(32).Clear();
        high.CopyTo(twin.AsSpan(64 - high.Length));
        Assert.False(Transaction.Decode(Assemble(transaction.Body, twin), TestKeys.Sha256).VerifySignature(TestKeys.Ecdsa));
    }

    // ---- Invalid: size and fields.

    [Fact]
    public void OversizedTransactionIsRefused()
    {
        var transaction = Make();
        var padded = new byte[Limits.TransactionBytesMax + 1];
        transaction.Encoded.CopyTo(padded);
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => Transaction.Decode(padded, TestKeys.Sha256)));
        // Exactly at the limit the size check passes and the trailing zeros are what is refused.
        Assert.Equal(EncodingErrors.TrailingBytes, Expect.EncodingCode(() => Transaction.Decode(padded[..Limits.TransactionBytesMax], TestKeys.Sha256)));
    }

    [Theory]
    [InlineData("Huilian", "evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("", "evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("9chain", "evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("huilian local", "evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("a12345678901234567890123456789012345678901234567890123456789012345", "evidence", "record", EncodingErrors.LengthExceedsLimit)]
    [InlineData(Chain, "Evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData(Chain, "", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData(Chain, "evidence/x", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData(Chain, "abcdefghijklmnopqrstuvwxyz0123456", "record", EncodingErrors.LengthExceedsLimit)]
    [InlineData(Chain, "evidence", "RECORD", EncodingErrors.InvalidIdentifier)]
    [InlineData(Chain, "evidence", "re cord", EncodingErrors.InvalidIdentifier)]
    [InlineData(Chain, "evidence", "记录", EncodingErrors.InvalidIdentifier)]
    [InlineData(Chain, "evidence", "\ud800", EncodingErrors.InvalidIdentifier)]
    public void EncodeBodyRefusesInvalidNames(string chainId, string module, string action, string code)
    {
        var signer = Hex.Decode(TestKeys.Rfc6979PublicKey);
        Assert.Equal(code, Expect.EncodingCode(() => Transaction.EncodeBody(chainId, signer, 1, 1, module, action, Payload)));
    }

    [Fact]
    public void EncodeBodyRefusesOversizedPayloadAndSigner()
    {
        var signer = Hex.Decode(TestKeys.Rfc6979PublicKey);
        Assert.Equal(EncodingErrors.LengthExceedsLimit,
            Expect.EncodingCode(() => Transaction.EncodeBody(Chain, signer, 1, 1, "evidence", "record", new byte[Limits.PayloadBytesMax + 1])));
        Assert.Equal(EncodingErrors.LengthExceedsLimit,
            Expect.EncodingCode(() => Transaction.EncodeBody(Chain, new byte[Limits.PublicKeyLengthMax + 1], 1, 1, "evidence", "record", Payload)));
        // At the limits it succeeds.
        Assert.NotEmpty(Transaction.EncodeBody(Chain, signer, 1, 1, "evidence", "record", new byte[Limits.PayloadBytesMax]));
    }

    [Fact]
    public void DecodeRefusesOversizedPayload()
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(1);
        writer.WriteString(Chain);
        writer.WriteBytes(new byte[65]);
        writer.WriteU64(1);
        writer.WriteU64(1);
        writer.WriteString("evidence");
        writer.WriteString("record");
        writer.WriteBytes(new byte[Limits.PayloadBytesMax + 1]);
        writer.WriteBytes(new byte[64]);
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => Transaction.Decode(writer.ToArray(), TestKeys.Sha256)));
    }
}

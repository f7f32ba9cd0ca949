// Reproduces every golden vector of spec/encoding.md byte for byte: the RFC 6979 §A.2.5 key's public key; the
// transaction body built from it; the fixed signed transaction (decodes, its fields, its SHA-256 id, its signature
// verifies under intl and not for another body; re-encodes to itself); the id equals H("huilian/tx/v1" ‖ 00 ‖ body);
// the header encoding, decode round trip and its SHA-256 and SM3 hashes; the precommit bytes; the commit certificate;
// the receipt; the write set; the Merkle roots of three leaves and of none; the state key path of "evidence/x".
// The spec's body and header listings are read from spec/encoding.md and must equal the bytes pinned here, so the
// document cannot drift from the code.

using System.Security.Cryptography;
using System.Text;
using Huilian.Core.Ledger;
using Huilian.Core.Merkle;
using Huilian.Core.State;

namespace Huilian.Core.Tests.Codec;

public sealed class GoldenVectorTests
{
    private const string BodyHex =
        "010000000d6875696c69616e2d6c6f63616c000000410460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb679" +
        "03fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299000000000000000100000000000003e8000000086576696465" +
        "6e6365000000067265636f72640000004b7b2268617368223a22616161616161616161616161616161616161616161616161616161616161" +
        "61616161616161616161616161616161616161616161616161616161616161616161227d";

    private const string SignatureHex =
        "66d998121f0c35f2d9a023ddab08118d26863cc563e4797774403892fdfde7fc473e78c961e5e3650d451d7a4dae990920f1a7fe55629f929eaf62f0323781f4";

    private const string TransactionIdHex = "dae03542f8079ab038e6e77875654e7d8d99a5e3c3bbbb36645ab29ae04a9d29";

    private const string HeaderHex =
        "010000000d6875696c69616e2d6c6f63616c0000000000000007111111111111111111111111111111111111111111111111111111111111" +
        "11110000019aaaac260000000002222222222222222222222222222222222222222222222222222222222222222233333333333333333333" +
        "3333333333333333333333333333333333333333333344444444444444444444444444444444444444444444444444444444444444444545" +
        "454545454545454545454545454545454545454545454545454545454545000000410460fed4ba255a9d31c961eb74c6356d68c049b8923b" +
        "61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d446229955555555555555555555555555" +
        "55555555555555555555555555555555555555";

    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"hash\":\"" + new string('a', 64) + "\"}");

    private static byte[] SignedTransaction() => [.. Hex.Decode(BodyHex), .. Hex.Decode("00000040"), .. Hex.Decode(SignatureHex)];

    private static BlockHeader GoldenHeader() => new(
        "huilian-local", 7, TestKeys.Filled(0x11), 1763800000000, 2, TestKeys.Filled(0x22), TestKeys.Filled(0x33), TestKeys.Filled(0x44),
        TestKeys.Filled(0x45), Hex.Decode(TestKeys.Rfc6979PublicKey), TestKeys.Filled(0x55));

    [Fact]
    public void KeyHasTheRfc6979PublicKey()
    {
        using var key = TestKeys.Rfc6979();
        Assert.Equal(TestKeys.Rfc6979PublicKey, Hex.Encode(key.PublicKey));
    }

    [Fact]
    public void TransactionBodyIsReproduced()
    {
        using var key = TestKeys.Rfc6979();
        var body = Transaction.EncodeBody("huilian-local", key.PublicKey, 1, 1000, "evidence", "record", Payload);
        Assert.Equal(BodyHex, Hex.Encode(body));
        // Field layout: the payload's u32 length prefix (75) covers exactly the bytes that follow it.
        var payloadPrefix = body.Length - Payload.Length - 4;
        Assert.Equal(new byte[] { 0, 0, 0, 0x4b }, body[payloadPrefix..(payloadPrefix + 4)]);
        Assert.Equal(75, Payload.Length);
    }

    [Fact]
    public void SignedTransactionDecodesWithItsFields()
    {
        var encoded = SignedTransaction();
        var transaction = Transaction.Decode(encoded, TestKeys.Sha256);
        Assert.Equal("huilian-local", transaction.ChainId);
        Assert.Equal(TestKeys.Rfc6979PublicKey, Hex.Encode(transaction.Signer));
        Assert.Equal(1UL, transaction.Nonce);
        Assert.Equal(1000UL, transaction.ExpiryHeight);
        Assert.Equal("evidence", transaction.Module);
        Assert.Equal("record", transaction.Action);
        Assert.Equal(Payload, transaction.Payload);
        Assert.Equal(SignatureHex, Hex.Encode(transaction.Signature));
        Assert.Equal(BodyHex, Hex.Encode(transaction.Body));
        Assert.Equal(encoded, transaction.EncodedArray);
        Assert.Equal(encoded.Length, transaction.Size);
    }

    [Fact]
    public void SignedTransactionIdMatches()
    {
        var transaction = Transaction.Decode(SignedTransaction(), TestKeys.Sha256);
        Assert.Equal(TransactionIdHex, transaction.Id.ToString());
        // Independently: SHA-256 of the ASCII domain, a zero byte, then the body.
        byte[] preimage = [.. Encoding.ASCII.GetBytes("huilian/tx/v1"), 0x00, .. Hex.Decode(BodyHex)];
        Assert.Equal(TransactionIdHex, Hex.Encode(SHA256.HashData(preimage)));
        Assert.Equal(preimage, transaction.SigningBytes());
    }

    [Fact]
    public void SignedTransactionSignatureVerifiesWithIntl()
    {
        var transaction = Transaction.Decode(SignedTransaction(), TestKeys.Sha256);
        Assert.True(transaction.VerifySignature(TestKeys.Ecdsa));
        // The same signature does not verify for another body.
        using var key = TestKeys.Rfc6979();
        var otherBody = Transaction.EncodeBody("huilian-local", key.PublicKey, 2, 1000, "evidence", "record", Payload);
        Assert.False(TestKeys.Ecdsa.Verify(key.PublicKey, Transaction.ComposeSigningBytes(otherBody), Hex.Decode(SignatureHex)));
    }

    [Fact]
    public void FreshSignatureOfTheGoldenBodyHasTheSameId()
    {
        using var key = TestKeys.Rfc6979();
        var transaction = Transaction.Create(TestKeys.Sha256, key, "huilian-local", 1, 1000, "evidence", "record", Payload);
        Assert.Equal(TransactionIdHex, transaction.Id.ToString());
        Assert.Equal(BodyHex, Hex.Encode(transaction.Body));
        Assert.True(transaction.VerifySignature(TestKeys.Ecdsa));
    }

    [Fact]
    public void HeaderEncodingIsReproduced()
    {
        Assert.Equal(HeaderHex, Hex.Encode(GoldenHeader().Encode()));
        var decoded = BlockHeader.Decode(Hex.Decode(HeaderHex));
        Assert.Equal(HeaderHex, Hex.Encode(decoded.Encode()));
        Assert.Equal(1763800000000, decoded.TimeMs);
        Assert.Equal(7UL, decoded.Height);
    }

    [Fact]
    public void HeaderHashesAreReproduced()
    {
        var header = GoldenHeader();
        Assert.Equal("99b218e7db89162a0f61f136202ef7bd465d12aca321048e8cd2d69a1010ca53", header.ComputeHash(TestKeys.Sha256).ToString());
        Assert.Equal("043deda2d6862a8f714c8f0d1d88380343f3e5a4862066f930e22d98ff3f5bee", header.ComputeHash(TestKeys.Sm3).ToString());
        byte[] preimage = [.. Encoding.ASCII.GetBytes("huilian/header/v1"), 0x00, .. Hex.Decode(HeaderHex)];
        Assert.Equal("99b218e7db89162a0f61f136202ef7bd465d12aca321048e8cd2d69a1010ca53", Hex.Encode(SHA256.HashData(preimage)));
    }

    [Fact]
    public void PrecommitBytesAreReproduced()
    {
        var bytes = VoteSigning.PrecommitBytes("huilian-local", 7, 0, TestKeys.Filled(0x66));
        Assert.Equal(
            "6875696c69616e2f766f74652f763100020000000d6875696c69616e2d6c6f63616c0000000000000007000000006666666666666666666666666666666666666666666666666666666666666666",
            Hex.Encode(bytes));
        Assert.Equal(bytes, VoteSigning.VoteBytes(VoteSigning.Precommit, "huilian-local", 7, 0, TestKeys.Filled(0x66)));
    }

    [Fact]
    public void CommitCertificateIsReproduced()
    {
        var expected = "01" + "0000000000000007" + "00000000" + new string('6', 64) + "00000001" + "00000000" + "00000040" + new string('0', 128);
        var commit = new CommitCertificate(7, 0, TestKeys.Filled(0x66), [new CommitSignature(0, new byte[64])]);
        Assert.Equal(expected, Hex.Encode(commit.Encode()));
        var decoded = CommitCertificate.Decode(Hex.Decode(expected));
        Assert.Equal(7UL, decoded.Height);
        Assert.Equal(0U, decoded.Round);
        Assert.Equal(TestKeys.Filled(0x66), decoded.BlockHash);
        Assert.Single(decoded.Signatures);
        Assert.Equal(0U, decoded.Signatures[0].ValidatorIndex);
        Assert.Equal(new byte[64], decoded.Signatures[0].Signature);
    }

    [Fact]
    public void ReceiptIsReproduced()
    {
        const string expected = "017777777777777777777777777777777777777777777777777777777777777777000000024f6b00000000000000027b7d000000010000001165766964656e63652e7265636f72646564000000010000000468617368000000026162";
        var receipt = new Receipt(TestKeys.Filled(0x77), "Ok", "", "{}"u8.ToArray(), [new LedgerEvent("evidence.recorded", [new EventAttribute("hash", "ab")])]);
        Assert.Equal(expected, Hex.Encode(receipt.Encode()));
        var decoded = Receipt.Decode(Hex.Decode(expected));
        Assert.True(decoded.Succeeded);
        Assert.Equal("evidence.recorded", decoded.Events[0].Type);
        Assert.Equal(new EventAttribute("hash", "ab"), decoded.Events[0].Attributes[0]);
        Assert.Equal(expected, Hex.Encode(decoded.Encode()));
    }

    [Fact]
    public void WriteSetIsReproduced()
    {
        const string expected = "01000000020000000161010000000101000000016200";
        var writes = new[] { new StateWrite("a"u8.ToArray(), [0x01]), new StateWrite("b"u8.ToArray(), null) };
        Assert.Equal(expected, Hex.Encode(WriteSetEncoding.Encode(writes)));
        var decoded = WriteSetEncoding.Decode(Hex.Decode(expected));
        Assert.Equal(2, decoded.Length);
        Assert.Equal("a"u8.ToArray(), decoded[0].Key);
        Assert.Equal(new byte[] { 0x01 }, decoded[0].Value);
        Assert.Equal("b"u8.ToArray(), decoded[1].Key);
        Assert.Null(decoded[1].Value);
    }

    [Fact]
    public void MerkleRootsAreReproduced()
    {
        var hash = TestKeys.Sha256;
        Hash32[] leaves = [MerkleTree.LeafHash(hash, [0x00]), MerkleTree.LeafHash(hash, [0x01]), MerkleTree.LeafHash(hash, [0x02])];
        Assert.Equal("3b6cccd7e3e023ff393006f030315ee7ad9eb111b022b41fba7e5b7a3973f688", MerkleTree.Root(hash, leaves).ToString());
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", MerkleTree.Root(hash, []).ToString());
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", MerkleTree.EmptyRoot(hash).ToString());
    }

    [Fact]
    public void StateKeyPathIsReproduced()
    {
        var path = StateHashing.KeyPath(TestKeys.Sha256, "evidence/x"u8);
        Assert.Equal("171bb35b48fe93643de70c74f992cf45a65adb53305e7f529b5f3718da0eab15", path.ToString());
        Assert.Equal(path.ToString(), Hex.Encode(SHA256.HashData([0x10, .. "evidence/x"u8.ToArray()])));
    }

    [Fact]
    public void TheSpecPrintsTheseVerySameBytes()
    {
        var spec = File.ReadAllText(FindSpec());
        Assert.Equal(BodyHex, HexBlockAfter(spec, "Transaction body (chain `huilian-local`"));
        Assert.Equal(HeaderHex, HexBlockAfter(spec, "Header (chain `huilian-local`, height 7"));
        Assert.Contains(TransactionIdHex, spec);
        Assert.Contains(SignatureHex, spec);
    }

    private static string HexBlockAfter(string text, string marker)
    {
        var start = text.IndexOf("```\n", text.IndexOf(marker, StringComparison.Ordinal), StringComparison.Ordinal) + 4;
        var end = text.IndexOf("\n```", start, StringComparison.Ordinal);
        return text[start..end].Replace("\n", "", StringComparison.Ordinal);
    }

    private static string FindSpec()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "spec", "encoding.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("spec/encoding.md was not found above the test's directory.");
    }
}

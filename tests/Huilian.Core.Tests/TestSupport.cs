// Shared helpers for the core tests, no test cases: hex conversion, the RFC 6979 §A.2.5 P-256 key used by the golden
// vectors, the two hash functions, a seeded generator of valid random values (transactions, headers, receipts,
// unicode text within byte limits), a filled-hash helper, and an assertion that an action fails with a given
// EncodingException code.

using System.Text;
using Huilian.Core.Codec;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;

namespace Huilian.Core.Tests;

internal static class Hex
{
    public static byte[] Decode(string hex) =>
        Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal));

    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}

internal static class TestKeys
{
    /// <summary>RFC 6979 §A.2.5, the P-256 private key x.</summary>
    public const string Rfc6979PrivateKey = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";

    public const string Rfc6979PublicKey =
        "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";

    public static ISigningKey Rfc6979() => EcdsaP256.Import(Hex.Decode(Rfc6979PrivateKey));

    public static IHashFunction Sha256 => IntlSuite.Instance.Hash;

    public static IHashFunction Sm3 => GmSuite.Instance.Hash;

    public static ISignatureScheme Ecdsa => IntlSuite.Instance.Signatures;

    /// <summary>A hash whose 32 bytes are all <paramref name="fill"/>.</summary>
    public static Hash32 Filled(byte fill)
    {
        var bytes = new byte[Hash32.Length];
        Array.Fill(bytes, fill);
        return new Hash32(bytes);
    }
}

internal static class Expect
{
    /// <summary>Runs <paramref name="action"/> and returns the code of the EncodingException it must throw.</summary>
    public static string EncodingCode(Action action) => Assert.Throws<EncodingException>(action).Code;
}

/// <summary>Valid random values for property tests. Always constructed with a fixed seed.</summary>
internal sealed class RandomValues(int seed)
{
    private const string IdentifierFirst = "abcdefghijklmnopqrstuvwxyz";
    private const string IdentifierRest = "abcdefghijklmnopqrstuvwxyz0123456789._-";

    public Random Random { get; } = new(seed);

    public byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        Random.NextBytes(bytes);
        return bytes;
    }

    public byte[] BytesUpTo(int lengthMax) => Bytes(Random.Next(lengthMax + 1));

    public Hash32 Hash() => new(Bytes(Hash32.Length));

    public ulong U64() => (ulong)Random.NextInt64() ^ ((ulong)Random.Next(2) << 63);

    public long I64() => (long)U64();

    public uint U32() => (uint)Random.NextInt64(0, 1L << 32);

    public string Identifier(int lengthMax = Limits.IdentifierLengthMax)
    {
        var length = Random.Next(1, lengthMax + 1);
        var chars = new char[length];
        chars[0] = IdentifierFirst[Random.Next(IdentifierFirst.Length)];
        for (var i = 1; i < length; i++)
        {
            chars[i] = IdentifierRest[Random.Next(IdentifierRest.Length)];
        }
        return new string(chars);
    }

    /// <summary>Random text of ASCII, Latin, CJK and astral-plane characters whose UTF-8 form is at most <paramref name="byteMax"/> bytes.</summary>
    public string Text(int byteMax)
    {
        var builder = new StringBuilder();
        var bytes = 0;
        var target = Random.Next(byteMax + 1);
        while (true)
        {
            var rune = Random.Next(4) switch
            {
                0 => new Rune(Random.Next(0x20, 0x7F)),
                1 => new Rune(Random.Next(0xA0, 0x800)),
                2 => new Rune(Random.Next(0x4E00, 0x9FFF)),
                _ => new Rune(Random.Next(0x1F300, 0x1F5FF)),
            };
            if (bytes + rune.Utf8SequenceLength > target)
            {
                return builder.ToString();
            }
            bytes += rune.Utf8SequenceLength;
            builder.Append(rune.ToString());
        }
    }

    /// <summary>A valid transaction encoding (random signature bytes: decoding never verifies signatures).</summary>
    public byte[] TransactionBytes()
    {
        var signer = BytesUpTo(Limits.PublicKeyLengthMax);
        var payloadLength = Random.Next(8) == 0 ? Random.Next(Limits.PayloadBytesMax + 1) : Random.Next(200);
        var body = Transaction.EncodeBody(Identifier(Limits.ChainIdLengthMax), signer, U64(), U64(), Identifier(), Identifier(), Bytes(payloadLength));
        var writer = new CanonicalWriter();
        writer.WriteFixed(body);
        writer.WriteBytes(BytesUpTo(Limits.SignatureLengthMax));
        return writer.ToArray();
    }

    public BlockHeader Header() => new(
        Identifier(Limits.ChainIdLengthMax), U64(), Hash(), I64(), (uint)Random.Next(Limits.BlockTransactionsMax + 1),
        Hash(), Hash(), Hash(), Hash(), BytesUpTo(Limits.PublicKeyLengthMax), Hash());

    public Receipt Receipt()
    {
        var events = new LedgerEvent[Random.Next(Limits.EventsPerReceiptMax + 1)];
        for (var i = 0; i < events.Length; i++)
        {
            var attributes = new EventAttribute[Random.Next(Limits.EventAttributesMax + 1)];
            for (var j = 0; j < attributes.Length; j++)
            {
                attributes[j] = new EventAttribute(Text(40), Text(60));
            }
            events[i] = new LedgerEvent(Text(40), attributes);
        }
        return new Receipt(Hash(), Text(Limits.ResultCodeLengthMax), Text(Limits.ReceiptMessageBytesMax), BytesUpTo(300), events);
    }

    public CommitCertificate Commit()
    {
        var signatures = new CommitSignature[Random.Next(Limits.ValidatorsMax + 1)];
        for (var i = 0; i < signatures.Length; i++)
        {
            signatures[i] = new CommitSignature(U32(), BytesUpTo(Limits.SignatureLengthMax));
        }
        return new CommitCertificate(U64(), U32(), Hash(), signatures);
    }
}

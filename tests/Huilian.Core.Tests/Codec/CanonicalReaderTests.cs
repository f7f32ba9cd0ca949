// CanonicalReader. Round trip (writer then reader) of every primitive at its extremes: u8/u16/u32/u64 at 0 and max,
// i64 at min/-1/0/max, bool, hash zero/ones, bytes empty and at their limit, strings empty, at their byte limit,
// ASCII/Chinese/emoji, identifiers of 1 and 32 (64 for chain ids) characters, counts; Position/Remaining.
// Refusals with the right code: truncation of every primitive and at every byte offset of a valid transaction
// (EncodingTruncated); trailing bytes after each top-level object (EncodingTrailingBytes); lengths and counts above
// their limit, including a 2^32-1 length (EncodingLengthExceedsLimit); booleans 2 and ff (EncodingInvalidBoolean);
// invalid UTF-8: overlong forms, encoded surrogates, truncated sequences, stray continuation bytes, ff, code points
// above U+10FFFF (EncodingInvalidUtf8); invalid identifiers: uppercase, leading digit, empty, spaces, non-ASCII,
// punctuation (EncodingInvalidIdentifier) and too long (EncodingLengthExceedsLimit, its string length bound comes
// first); unsupported versions 0, 2 and ff of every top-level object (EncodingUnsupportedVersion).

using System.Text;
using Huilian.Core.Codec;
using Huilian.Core.Ledger;
using Huilian.Core.State;

namespace Huilian.Core.Tests.Codec;

public sealed class CanonicalReaderTests
{
    private static byte[] Write(Action<CanonicalWriter> write)
    {
        var writer = new CanonicalWriter();
        write(writer);
        return writer.ToArray();
    }

    private static string CodeOf(byte[] data, ReadAction read) => Expect.EncodingCode(() =>
    {
        var reader = new CanonicalReader(data);
        read(ref reader);
        reader.End();
    });

    private delegate void ReadAction(ref CanonicalReader reader);

    // ---- Round trip: primitives at their extremes.

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(255UL)]
    [InlineData(65535UL)]
    [InlineData(4294967295UL)]
    [InlineData(ulong.MaxValue)]
    public void UnsignedIntegersRoundTrip(ulong value)
    {
        var data = Write(w =>
        {
            w.WriteU8((byte)value);
            w.WriteU16((ushort)value);
            w.WriteU32((uint)value);
            w.WriteU64(value);
        });
        Assert.Equal(1 + 2 + 4 + 8, data.Length);
        var reader = new CanonicalReader(data);
        Assert.Equal((byte)value, reader.ReadU8());
        Assert.Equal((ushort)value, reader.ReadU16());
        Assert.Equal((uint)value, reader.ReadU32());
        Assert.Equal(value, reader.ReadU64());
        Assert.Equal(0, reader.Remaining);
        reader.End();
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(long.MaxValue)]
    public void SignedIntegerRoundTrips(long value)
    {
        var reader = new CanonicalReader(Write(w => w.WriteI64(value)));
        Assert.Equal(value, reader.ReadI64());
        reader.End();
    }

    [Fact]
    public void BooleansRoundTrip()
    {
        var reader = new CanonicalReader(Write(w =>
        {
            w.WriteBool(false);
            w.WriteBool(true);
        }));
        Assert.False(reader.ReadBool());
        Assert.True(reader.ReadBool());
        reader.End();
    }

    [Theory]
    [InlineData((byte)0x00)]
    [InlineData((byte)0xff)]
    [InlineData((byte)0x5a)]
    public void HashesRoundTrip(byte fill)
    {
        var hash = TestKeys.Filled(fill);
        var reader = new CanonicalReader(Write(w => w.WriteHash(hash)));
        Assert.Equal(hash, reader.ReadHash());
        reader.End();
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(72, 72)]
    [InlineData(65536, 65536)]
    [InlineData(0, 65536)]
    public void BytesRoundTripUpToTheirLimit(int length, int limit)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var reader = new CanonicalReader(Write(w => w.WriteBytes(bytes)));
        Assert.Equal(bytes, reader.ReadBytesArray(limit, "field"));
        reader.End();
    }

    [Fact]
    public void FixedBytesRoundTrip()
    {
        var reader = new CanonicalReader([1, 2, 3, 4, 5]);
        Assert.Equal(new byte[] { 1, 2 }, reader.ReadFixed(2).ToArray());
        Assert.Equal(2, reader.Position);
        Assert.Equal(3, reader.Remaining);
        Assert.True(reader.ReadFixed(0).IsEmpty);
        Assert.Equal(new byte[] { 3, 4, 5 }, reader.ReadFixed(3).ToArray());
        Assert.Equal(5, reader.Position);
        Assert.Equal(0, reader.Remaining);
        reader.End();
    }

    public static TheoryData<string, int> Strings => new()
    {
        { "", 0 },
        { "", 512 },
        { "a", 1 },
        { "huilian", 512 },
        { "汇联区块链", 15 },
        { "合同存证：编号 42 — ok", 512 },
        { "😀🀄️𝄞", 64 },
        { "\u0000\u007f\u0080\u07ff\u0800\uffff", 64 },
        { new string('x', 512), 512 },
        { string.Concat(Enumerable.Repeat("链", 170)) + "ab", 512 },
        { string.Concat(Enumerable.Repeat("𝄞", 128)), 512 },
    };

    [Theory]
    [MemberData(nameof(Strings))]
    public void StringsRoundTripUpToTheirByteLimit(string value, int limit)
    {
        Assert.True(Encoding.UTF8.GetByteCount(value) <= limit);
        var reader = new CanonicalReader(Write(w => w.WriteString(value)));
        Assert.Equal(value, reader.ReadString(limit, "field"));
        reader.End();
    }

    [Theory]
    [InlineData("a", 32)]
    [InlineData("z", 1)]
    [InlineData("evidence", 32)]
    [InlineData("a0._-", 32)]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345", 32)]
    [InlineData("huilian-local", 64)]
    [InlineData("a123456789012345678901234567890123456789012345678901234567890123", 64)]
    public void IdentifiersRoundTrip(string value, int limit)
    {
        var reader = new CanonicalReader(Write(w => w.WriteString(value)));
        Assert.Equal(value, reader.ReadIdentifier("field", limit));
        reader.End();
    }

    [Fact]
    public void DefaultIdentifierLimitIs32()
    {
        var reader = new CanonicalReader(Write(w => w.WriteString(new string('a', 32))));
        Assert.Equal(new string('a', 32), reader.ReadIdentifier("field"));
        Assert.Equal(EncodingErrors.LengthExceedsLimit, CodeOf(Write(w => w.WriteString(new string('a', 33))), (ref CanonicalReader r) => r.ReadIdentifier("field")));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(128, 128)]
    [InlineData(10_000, 10_000)]
    public void CountsRoundTrip(int count, int limit)
    {
        var reader = new CanonicalReader(Write(w => w.WriteCount(count)));
        Assert.Equal(count, reader.ReadCount(limit, "items"));
        reader.End();
    }

    // ---- Invalid: truncation.

    public static TheoryData<string, int> Primitives => new()
    {
        { "u8", 1 }, { "bool", 1 }, { "u16", 2 }, { "u32", 4 }, { "u64", 8 }, { "i64", 8 }, { "hash", 32 }, { "bytes", 4 + 3 }, { "string", 4 + 3 },
    };

    private static void ReadPrimitive(string kind, ref CanonicalReader reader)
    {
        switch (kind)
        {
            case "u8": reader.ReadU8(); break;
            case "bool": reader.ReadBool(); break;
            case "u16": reader.ReadU16(); break;
            case "u32": reader.ReadU32(); break;
            case "u64": reader.ReadU64(); break;
            case "i64": reader.ReadI64(); break;
            case "hash": reader.ReadHash(); break;
            case "bytes": reader.ReadBytes(10, "field"); break;
            case "string": reader.ReadString(10, "field"); break;
            default: throw new ArgumentException(kind);
        }
    }

    [Theory]
    [MemberData(nameof(Primitives))]
    public void EveryPrimitiveRefusesTruncation(string kind, int size)
    {
        // A valid encoding: length-prefixed kinds hold 3 bytes "abc", the rest are zeros (false for bool).
        var valid = kind is "bytes" or "string" ? Write(w => w.WriteString("abc")) : new byte[size];
        Assert.Equal(size, valid.Length);
        var full = new CanonicalReader(valid);
        ReadPrimitive(kind, ref full);
        full.End();
        for (var cut = 0; cut < size; cut++)
        {
            var prefix = valid[..cut];
            Assert.Equal(EncodingErrors.Truncated, CodeOf(prefix, (ref CanonicalReader r) => ReadPrimitive(kind, ref r)));
        }
    }

    [Fact]
    public void FixedRefusesTruncation() =>
        Assert.Equal(EncodingErrors.Truncated, CodeOf([1, 2, 3], (ref CanonicalReader r) => r.ReadFixed(4)));

    [Fact]
    public void ValidTransactionTruncatedAtEveryOffsetIsRefused()
    {
        using var key = TestKeys.Rfc6979();
        var encoded = Transaction.Create(TestKeys.Sha256, key, "huilian-local", 1, 1000, "evidence", "record", "{\"hash\":\"汇联\"}"u8).EncodedArray;
        for (var cut = 0; cut < encoded.Length; cut++)
        {
            var prefix = encoded[..cut];
            Assert.Equal(EncodingErrors.Truncated, Expect.EncodingCode(() => Transaction.Decode(prefix, TestKeys.Sha256)));
        }
        Assert.Equal(encoded, Transaction.Decode(encoded, TestKeys.Sha256).EncodedArray);
    }

    [Fact]
    public void OtherObjectsTruncatedAtEveryOffsetAreRefused()
    {
        var values = new RandomValues(7);
        var objects = new List<(byte[] Bytes, Action<byte[]> Decode)>
        {
            (values.Header().Encode(), b => BlockHeader.Decode(b)),
            (values.Receipt().Encode(), b => Receipt.Decode(b)),
            (new CommitCertificate(3, 1, values.Hash(), [new CommitSignature(0, values.Bytes(64)), new CommitSignature(2, values.Bytes(64))]).Encode(), b => CommitCertificate.Decode(b)),
            (WriteSetEncoding.Encode([new StateWrite([1], [9, 9]), new StateWrite([2], null), new StateWrite([3, 0], [])]), b => WriteSetEncoding.Decode(b)),
            (new StateProof([1, 2], [3], [values.Hash(), values.Hash()], null, null).Encode(), b => StateProof.Decode(b)),
            (new StateProof([1, 2], null, [values.Hash()], values.Hash(), values.Hash()).Encode(), b => StateProof.Decode(b)),
        };
        foreach (var (bytes, decode) in objects)
        {
            decode(bytes);
            for (var cut = 0; cut < bytes.Length; cut++)
            {
                var prefix = bytes[..cut];
                Assert.Equal(EncodingErrors.Truncated, Expect.EncodingCode(() => decode(prefix)));
            }
        }
    }

    // ---- Invalid: trailing bytes.

    [Fact]
    public void ReaderEndRefusesTrailingBytes()
    {
        Assert.Equal(EncodingErrors.TrailingBytes, CodeOf([0, 0], (ref CanonicalReader r) => r.ReadU8()));
        Assert.Equal(EncodingErrors.TrailingBytes, CodeOf([0], (ref CanonicalReader r) => { }));
    }

    [Theory]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0x01 })]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff })]
    public void EveryTopLevelObjectRefusesTrailingBytes(byte[] extra)
    {
        using var key = TestKeys.Rfc6979();
        var values = new RandomValues(8);
        var transaction = Transaction.Create(TestKeys.Sha256, key, "c", 1, 1, "m", "a", []).EncodedArray;
        Assert.Equal(EncodingErrors.TrailingBytes, Expect.EncodingCode(() => Transaction.Decode([.. transaction, .. extra], TestKeys.Sha256)));
        Assert.Equal(EncodingErrors.TrailingBytes, Expect.EncodingCode(() => BlockHeader.Decode([.. values.Header().Encode(), .. extra])));
        Assert.Equal(EncodingErrors.TrailingBytes, Expect.EncodingCode(() => Receipt.Decode([.. values.Receipt().Encode(), .. extra])));
        Assert.Equal(EncodingErrors.TrailingBytes, Expect.EncodingCode(() => CommitCertificate.Decode([.. values.Commit().Encode(), .. extra])));
        Assert.Equal(EncodingErrors.TrailingBytes, Expect.EncodingCode(() => WriteSetEncoding.Decode([.. WriteSetEncoding.Encode([new StateWrite([1], [2])]), .. extra])));
        Assert.Equal(EncodingErrors.TrailingBytes, Expect.EncodingCode(() => StateProof.Decode([.. new StateProof([1], null, [], null, null).Encode(), .. extra])));
    }

    // ---- Invalid: lengths and counts above their limit.

    [Theory]
    [InlineData(1U, 0)]
    [InlineData(73U, 72)]
    [InlineData(65537U, 65536)]
    [InlineData(uint.MaxValue, 65536)]
    [InlineData(0x80000000U, int.MaxValue)]
    public void LengthAboveLimitIsRefusedBeforeReadingTheBytes(uint length, int limit)
    {
        // No bytes follow: the length check must come first, so the code is not EncodingTruncated.
        var data = Write(w => w.WriteU32(length));
        Assert.Equal(EncodingErrors.LengthExceedsLimit, CodeOf(data, (ref CanonicalReader r) => r.ReadBytes(limit, "field")));
        Assert.Equal(EncodingErrors.LengthExceedsLimit, CodeOf(data, (ref CanonicalReader r) => r.ReadString(limit, "field")));
        Assert.Equal(EncodingErrors.LengthExceedsLimit, CodeOf(data, (ref CanonicalReader r) => r.ReadCount(limit, "items")));
    }

    [Fact]
    public void StringOneByteAboveItsByteLimitIsRefused()
    {
        // 171 Chinese characters are 513 bytes: over a 512-byte limit though only 171 characters.
        var text = string.Concat(Enumerable.Repeat("链", 171));
        Assert.Equal(EncodingErrors.LengthExceedsLimit, CodeOf(Write(w => w.WriteString(text)), (ref CanonicalReader r) => r.ReadString(512, "field")));
    }

    [Fact]
    public void TransactionFieldsAboveTheirLimitAreRefused()
    {
        using var key = TestKeys.Rfc6979();
        var transaction = Transaction.Create(TestKeys.Sha256, key, "c", 1, 1, "m", "a", []);
        var bytes = transaction.EncodedArray;
        // Layout: 01 | 00000001 'c' | 00000041 signer(65) | ... ; set the signer length to 66.
        var signerLength = 1 + 4 + 1;
        Assert.Equal(65, bytes[signerLength + 3]);
        var tampered = (byte[])bytes.Clone();
        tampered[signerLength + 3] = 66;
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => Transaction.Decode(tampered, TestKeys.Sha256)));
        // The signature's length prefix sits 68 bytes before the end; 73 is above its limit of 72.
        var signaturePrefix = bytes.Length - 64 - 4;
        Assert.Equal(64, bytes[signaturePrefix + 3]);
        tampered = (byte[])bytes.Clone();
        tampered[signaturePrefix + 3] = 73;
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => Transaction.Decode(tampered, TestKeys.Sha256)));
    }

    [Fact]
    public void ListCountsAboveTheirLimitAreRefused()
    {
        var commit = Write(w =>
        {
            w.WriteU8(1);
            w.WriteU64(1);
            w.WriteU32(0);
            w.WriteHash(Hash32.Zero);
            w.WriteCount(Limits.ValidatorsMax + 1);
        });
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => CommitCertificate.Decode(commit)));
        var writeSet = Write(w =>
        {
            w.WriteU8(1);
            w.WriteCount(Limits.BlockWritesMax + 1);
        });
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => WriteSetEncoding.Decode(writeSet)));
        var receipt = Write(w =>
        {
            w.WriteU8(1);
            w.WriteHash(Hash32.Zero);
            w.WriteString("Ok");
            w.WriteString("");
            w.WriteBytes([]);
            w.WriteCount(Limits.EventsPerReceiptMax + 1);
        });
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => Receipt.Decode(receipt)));
    }

    // ---- Invalid: booleans.

    [Theory]
    [InlineData((byte)2)]
    [InlineData((byte)0x80)]
    [InlineData((byte)0xff)]
    public void BooleanOtherThanZeroOrOneIsRefused(byte value)
    {
        Assert.Equal(EncodingErrors.InvalidBoolean, CodeOf([value], (ref CanonicalReader r) => r.ReadBool()));
        // The same byte in a write set's "present" flag.
        byte[] writeSet = [.. Hex.Decode("01" + "00000001" + "0000000161"), value];
        Assert.Equal(EncodingErrors.InvalidBoolean, Expect.EncodingCode(() => WriteSetEncoding.Decode(writeSet)));
    }

    // ---- Invalid: UTF-8.

    [Theory]
    [InlineData("c0af")] // overlong '/'
    [InlineData("c180")] // overlong U+0040
    [InlineData("e080af")] // overlong, three bytes
    [InlineData("f08080af")] // overlong, four bytes
    [InlineData("eda080")] // U+D800, a lone high surrogate
    [InlineData("edbfbf")] // U+DFFF, a lone low surrogate
    [InlineData("eda0bdedb880")] // a surrogate pair encoded as two three-byte sequences (CESU-8)
    [InlineData("e4b8")] // truncated 中 (e4 b8 ad)
    [InlineData("f09f98")] // truncated 😀 (f0 9f 98 80)
    [InlineData("61e4")] // truncated at the end after ASCII
    [InlineData("80")] // lone continuation byte
    [InlineData("61bf62")] // continuation byte between ASCII
    [InlineData("ff")]
    [InlineData("fe")]
    [InlineData("f4908080")] // U+110000, above the last code point
    [InlineData("f880808080")] // five-byte form
    public void InvalidUtf8IsRefused(string hex)
    {
        var data = Write(w => w.WriteBytes(Hex.Decode(hex)));
        Assert.Equal(EncodingErrors.InvalidUtf8, CodeOf(data, (ref CanonicalReader r) => r.ReadString(64, "field")));
        Assert.Equal(EncodingErrors.InvalidUtf8, CodeOf(data, (ref CanonicalReader r) => r.ReadIdentifier("field")));
    }

    [Fact]
    public void InvalidUtf8InAReceiptMessageIsRefused()
    {
        var receipt = Write(w =>
        {
            w.WriteU8(1);
            w.WriteHash(Hash32.Zero);
            w.WriteString("Ok");
            w.WriteBytes([0xed, 0xa0, 0x80]);
            w.WriteBytes([]);
            w.WriteCount(0);
        });
        Assert.Equal(EncodingErrors.InvalidUtf8, Expect.EncodingCode(() => Receipt.Decode(receipt)));
    }

    // ---- Invalid: identifiers.

    [Theory]
    [InlineData("Evidence")]
    [InlineData("evidencE")]
    [InlineData("HUILIAN")]
    [InlineData("1evidence")]
    [InlineData("0")]
    [InlineData("")]
    [InlineData(" evidence")]
    [InlineData("evi dence")]
    [InlineData("evidence ")]
    [InlineData("evidence\t")]
    [InlineData("_evidence")]
    [InlineData(".evidence")]
    [InlineData("-evidence")]
    [InlineData("evidence/record")]
    [InlineData("evidence:record")]
    [InlineData("évidence")]
    [InlineData("证据")]
    [InlineData("evidence\u0000")]
    public void InvalidIdentifiersAreRefused(string value)
    {
        var data = Write(w => w.WriteString(value));
        Assert.Equal(EncodingErrors.InvalidIdentifier, CodeOf(data, (ref CanonicalReader r) => r.ReadIdentifier("field")));
    }

    [Theory]
    [InlineData(33, 32)]
    [InlineData(65, 64)]
    [InlineData(1000, 32)]
    public void TooLongIdentifiersAreRefusedByTheirLengthBound(int length, int limit)
    {
        var data = Write(w => w.WriteString(new string('a', length)));
        Assert.Equal(EncodingErrors.LengthExceedsLimit, CodeOf(data, (ref CanonicalReader r) => r.ReadIdentifier("field", limit)));
    }

    [Theory]
    [InlineData("Huilian-local", "evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("1huilian", "evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("", "evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("huilian local", "evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("huilian", "Evidence", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("huilian", "", "record", EncodingErrors.InvalidIdentifier)]
    [InlineData("huilian", "evidence", "re cord", EncodingErrors.InvalidIdentifier)]
    [InlineData("huilian", "evidence", "9record", EncodingErrors.InvalidIdentifier)]
    [InlineData("huilian", "abcdefghijklmnopqrstuvwxyz0123456", "record", EncodingErrors.LengthExceedsLimit)]
    [InlineData("a1234567890123456789012345678901234567890123456789012345678901234", "m", "a", EncodingErrors.LengthExceedsLimit)]
    public void TransactionWithInvalidIdentifierIsRefused(string chainId, string module, string action, string code)
    {
        var data = Write(w =>
        {
            w.WriteU8(1);
            w.WriteString(chainId);
            w.WriteBytes(new byte[65]);
            w.WriteU64(1);
            w.WriteU64(1);
            w.WriteString(module);
            w.WriteString(action);
            w.WriteBytes([]);
            w.WriteBytes(new byte[64]);
        });
        Assert.Equal(code, Expect.EncodingCode(() => Transaction.Decode(data, TestKeys.Sha256)));
    }

    [Fact]
    public void HeaderWithInvalidChainIdIsRefused()
    {
        var header = new RandomValues(9).Header() with { ChainId = "Huilian" };
        Assert.Equal(EncodingErrors.InvalidIdentifier, Expect.EncodingCode(() => BlockHeader.Decode(header.Encode())));
    }

    // ---- Invalid: versions.

    [Theory]
    [InlineData((byte)0)]
    [InlineData((byte)2)]
    [InlineData((byte)0xff)]
    public void UnsupportedVersionsAreRefused(byte version)
    {
        using var key = TestKeys.Rfc6979();
        var values = new RandomValues(10);
        byte[] WithVersion(byte[] encoded)
        {
            Assert.Equal(1, encoded[0]);
            encoded[0] = version;
            return encoded;
        }

        var transaction = WithVersion(Transaction.Create(TestKeys.Sha256, key, "c", 1, 1, "m", "a", []).EncodedArray.ToArray());
        Assert.Equal(EncodingErrors.UnsupportedVersion, Expect.EncodingCode(() => Transaction.Decode(transaction, TestKeys.Sha256)));
        Assert.Equal(EncodingErrors.UnsupportedVersion, Expect.EncodingCode(() => BlockHeader.Decode(WithVersion(values.Header().Encode()))));
        Assert.Equal(EncodingErrors.UnsupportedVersion, Expect.EncodingCode(() => Receipt.Decode(WithVersion(values.Receipt().Encode()))));
        Assert.Equal(EncodingErrors.UnsupportedVersion, Expect.EncodingCode(() => CommitCertificate.Decode(WithVersion(values.Commit().Encode()))));
        Assert.Equal(EncodingErrors.UnsupportedVersion, Expect.EncodingCode(() => WriteSetEncoding.Decode(WithVersion(WriteSetEncoding.Encode([])))));
        Assert.Equal(EncodingErrors.UnsupportedVersion, Expect.EncodingCode(() => StateProof.Decode(WithVersion(new StateProof([1], null, [], null, null).Encode()))));
    }

    // ---- Extremes: the codes are the spec's stable strings.

    [Fact]
    public void ErrorCodesAreTheSpecStrings()
    {
        Assert.Equal("EncodingTruncated", EncodingErrors.Truncated);
        Assert.Equal("EncodingTrailingBytes", EncodingErrors.TrailingBytes);
        Assert.Equal("EncodingLengthExceedsLimit", EncodingErrors.LengthExceedsLimit);
        Assert.Equal("EncodingInvalidBoolean", EncodingErrors.InvalidBoolean);
        Assert.Equal("EncodingInvalidUtf8", EncodingErrors.InvalidUtf8);
        Assert.Equal("EncodingInvalidIdentifier", EncodingErrors.InvalidIdentifier);
        Assert.Equal("EncodingUnsupportedVersion", EncodingErrors.UnsupportedVersion);
        Assert.Equal("EncodingInvalidValue", EncodingErrors.InvalidValue);
    }
}

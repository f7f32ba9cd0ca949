// CanonicalWriter: exact bytes of every primitive (u8, bool, u16, u32, u64, i64 big-endian incl. 0, max and negative
// values; hash raw; fixed bytes without prefix; bytes and strings with a u32 length prefix, empty and Chinese/emoji
// text as UTF-8; count); the buffer grows past its initial capacity (large writes, many small writes) without losing
// bytes; Reset empties it; Length tracks the written size; a negative count is refused (overflow) rather than wrapped.

using System.Text;
using Huilian.Core.Codec;

namespace Huilian.Core.Tests.Codec;

public sealed class CanonicalWriterTests
{
    private static string Written(Action<CanonicalWriter> write)
    {
        var writer = new CanonicalWriter();
        write(writer);
        Assert.Equal(writer.Length, writer.WrittenSpan.Length);
        return Hex.Encode(writer.ToArray());
    }

    // Valid: integers at 0, 1, max and a mixed pattern.
    [Theory]
    [InlineData((byte)0, "00")]
    [InlineData((byte)1, "01")]
    [InlineData(byte.MaxValue, "ff")]
    public void U8(byte value, string hex) => Assert.Equal(hex, Written(w => w.WriteU8(value)));

    [Theory]
    [InlineData((ushort)0, "0000")]
    [InlineData((ushort)0x0102, "0102")]
    [InlineData(ushort.MaxValue, "ffff")]
    public void U16IsBigEndian(ushort value, string hex) => Assert.Equal(hex, Written(w => w.WriteU16(value)));

    [Theory]
    [InlineData(0U, "00000000")]
    [InlineData(0x01020304U, "01020304")]
    [InlineData(uint.MaxValue, "ffffffff")]
    public void U32IsBigEndian(uint value, string hex) => Assert.Equal(hex, Written(w => w.WriteU32(value)));

    [Theory]
    [InlineData(0UL, "0000000000000000")]
    [InlineData(0x0102030405060708UL, "0102030405060708")]
    [InlineData(ulong.MaxValue, "ffffffffffffffff")]
    public void U64IsBigEndian(ulong value, string hex) => Assert.Equal(hex, Written(w => w.WriteU64(value)));

    [Theory]
    [InlineData(0L, "0000000000000000")]
    [InlineData(-1L, "ffffffffffffffff")]
    [InlineData(long.MinValue, "8000000000000000")]
    [InlineData(long.MaxValue, "7fffffffffffffff")]
    [InlineData(1763800000000L, "0000019aaaac2600")]
    public void I64IsTwosComplementBigEndian(long value, string hex) => Assert.Equal(hex, Written(w => w.WriteI64(value)));

    [Theory]
    [InlineData(false, "00")]
    [InlineData(true, "01")]
    public void Bool(bool value, string hex) => Assert.Equal(hex, Written(w => w.WriteBool(value)));

    [Fact]
    public void HashIsRawBytes()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        Assert.Equal(Hex.Encode(bytes), Written(w => w.WriteHash(new Hash32(bytes))));
    }

    [Fact]
    public void FixedHasNoPrefixAndBytesHaveAU32Prefix()
    {
        Assert.Equal("abcd", Written(w => w.WriteFixed([0xab, 0xcd])));
        Assert.Equal("", Written(w => w.WriteFixed([])));
        Assert.Equal("00000002abcd", Written(w => w.WriteBytes([0xab, 0xcd])));
        Assert.Equal("00000000", Written(w => w.WriteBytes([])));
    }

    [Theory]
    [InlineData("", "00000000")]
    [InlineData("a", "0000000161")]
    [InlineData("汇联", "00000006e6b187e88194")]
    [InlineData("é", "00000002c3a9")]
    [InlineData("😀", "00000004f09f9880")]
    public void StringIsLengthPrefixedUtf8(string value, string hex) => Assert.Equal(hex, Written(w => w.WriteString(value)));

    [Fact]
    public void CountIsU32()
    {
        Assert.Equal("00000000", Written(w => w.WriteCount(0)));
        Assert.Equal("7fffffff", Written(w => w.WriteCount(int.MaxValue)));
    }

    // Invalid: a negative count cannot be written.
    [Fact]
    public void NegativeCountIsRefused() => Assert.Throws<OverflowException>(() => new CanonicalWriter().WriteCount(-1));

    // Extremes: growth and reset.
    [Fact]
    public void GrowsPastItsCapacityWithoutLosingBytes()
    {
        var random = new Random(1001);
        var expected = new List<byte>();
        var writer = new CanonicalWriter(capacity: 0);
        for (var i = 0; i < 2000; i++)
        {
            var chunk = new byte[random.Next(0, 100)];
            random.NextBytes(chunk);
            writer.WriteFixed(chunk);
            expected.AddRange(chunk);
            writer.WriteU8((byte)i);
            expected.Add((byte)i);
        }
        var big = new byte[300_000];
        random.NextBytes(big);
        writer.WriteBytes(big);
        expected.AddRange([(byte)(big.Length >> 24), (byte)(big.Length >> 16), (byte)(big.Length >> 8), (byte)big.Length]);
        expected.AddRange(big);
        Assert.Equal(expected.Count, writer.Length);
        Assert.Equal(expected.ToArray(), writer.ToArray());
    }

    [Fact]
    public void ResetEmptiesTheWriter()
    {
        var writer = new CanonicalWriter(4);
        writer.WriteU64(ulong.MaxValue);
        writer.Reset();
        Assert.Equal(0, writer.Length);
        Assert.True(writer.WrittenSpan.IsEmpty);
        writer.WriteU16(0x0102);
        Assert.Equal("0102", Hex.Encode(writer.ToArray()));
    }

    [Fact]
    public void ToArrayIsACopy()
    {
        var writer = new CanonicalWriter();
        writer.WriteU8(1);
        var first = writer.ToArray();
        first[0] = 9;
        Assert.Equal(new byte[] { 1 }, writer.ToArray());
    }

    [Fact]
    public void LongChineseStringLengthIsItsUtf8ByteCount()
    {
        var text = string.Concat(Enumerable.Repeat("区块链", 1000));
        var writer = new CanonicalWriter();
        writer.WriteString(text);
        var bytes = writer.ToArray();
        Assert.Equal(4 + 9000, bytes.Length);
        Assert.Equal("00002328", Hex.Encode(bytes.AsSpan(0, 4)));
        Assert.Equal(Encoding.UTF8.GetBytes(text), bytes[4..]);
    }

    [Fact]
    public void ALoneSurrogateIsRefusedRatherThanReplaced()
    {
        var writer = new CanonicalWriter();
        var exception = Assert.Throws<EncodingException>(() => writer.WriteString("bad \ud800 text"));
        Assert.Equal(EncodingErrors.InvalidUtf8, exception.Code);
        Assert.Equal(0, writer.Length);
    }
}

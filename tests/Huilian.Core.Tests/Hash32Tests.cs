// Hash32. Valid: Parse/ToString round trip (lowercase out, either case in), TryParse, ToShortString is 12 characters,
// the bytes constructor, ToArray and CopyTo agree; Zero, default and IsZero. Invalid: Parse/TryParse refuse wrong
// lengths (0, 63, 65), non-hex characters, spaces and a 0x prefix; the constructor refuses 31 and 33 bytes; Bit refuses
// -1 and 256. Ordering: CompareTo and the operators equal bytewise lexicographic order for random hashes (fixed
// seed) and for hashes differing in one byte at every position (the four internal words); sorting agrees. Bit(i) equals
// the i-th bit of the bytes, most significant first, for random hashes and single-bit hashes. Equality: Equals, ==,
// != and GetHashCode agree, equal values hash equally, and each one-bit change makes a different value.

namespace Huilian.Core.Tests;

public sealed class Hash32Tests
{
    private static Hash32 FromBytes(byte[] bytes) => new(bytes);

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return bytes;
    }

    // ---- Valid: parse and format.

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("dae03542f8079ab038e6e77875654e7d8d99a5e3c3bbbb36645ab29ae04a9d29")]
    public void ParseAndFormatRoundTrip(string hex)
    {
        var hash = Hash32.Parse(hex);
        Assert.Equal(hex, hash.ToString());
        Assert.Equal(Hex.Decode(hex), hash.ToArray());
        Assert.True(Hash32.TryParse(hex, out var parsed));
        Assert.Equal(hash, parsed);
        Assert.Equal(hex[..12], hash.ToShortString());
        Assert.Equal(hash, Hash32.Parse(hex.ToUpperInvariant()));
    }

    [Fact]
    public void UppercaseInputFormatsLowercase() =>
        Assert.Equal("abcdef" + new string('0', 58), Hash32.Parse("ABCDEF" + new string('0', 58)).ToString());

    [Fact]
    public void BytesRoundTrip()
    {
        var random = new Random(3201);
        for (var i = 0; i < 100; i++)
        {
            var bytes = RandomBytes(random);
            var hash = new Hash32(bytes);
            Assert.Equal(bytes, hash.ToArray());
            var copy = new byte[40];
            hash.CopyTo(copy.AsSpan(4));
            Assert.Equal(bytes, copy[4..36]);
            Assert.Equal(Hex.Encode(bytes), hash.ToString());
        }
    }

    [Fact]
    public void ZeroAndDefault()
    {
        Assert.True(Hash32.Zero.IsZero);
        Assert.True(default(Hash32).IsZero);
        Assert.Equal(Hash32.Zero, default);
        Assert.Equal(new byte[32], Hash32.Zero.ToArray());
        Assert.Equal(new string('0', 64), Hash32.Zero.ToString());
        for (var i = 0; i < 32; i++)
        {
            var bytes = new byte[32];
            bytes[i] = 1;
            Assert.False(new Hash32(bytes).IsZero);
        }
    }

    // ---- Invalid.

    [Theory]
    [InlineData("")]
    [InlineData("000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000 ")]
    [InlineData(" 000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("000000000000000000000000000000000000000000000000000000000000000g")]
    [InlineData("0x00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("00000000000000000000000000000000-0000000000000000000000000000000")]
    [InlineData("０000000000000000000000000000000000000000000000000000000000000000")]
    public void InvalidTextIsRefused(string text)
    {
        Assert.False(Hash32.TryParse(text, out var hash));
        Assert.Equal(default, hash);
        Assert.Throws<FormatException>(() => Hash32.Parse(text));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void WrongLengthBytesAreRefused(int length) => Assert.Throws<ArgumentException>(() => FromBytes(new byte[length]));

    [Theory]
    [InlineData(-1)]
    [InlineData(256)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    public void BitOutOfRangeIsRefused(int index) => Assert.Throws<ArgumentOutOfRangeException>(() => Hash32.Zero.Bit(index));

    // ---- Ordering.

    [Fact]
    public void OrderingIsBytewise()
    {
        var random = new Random(3202);
        for (var i = 0; i < 2000; i++)
        {
            var a = RandomBytes(random);
            var b = RandomBytes(random);
            if (i % 3 == 0)
            {
                // Share a random-length prefix so later words decide.
                var shared = random.Next(33);
                a.AsSpan(0, shared).CopyTo(b);
            }
            var expected = Math.Sign(a.AsSpan().SequenceCompareTo(b));
            var (x, y) = (new Hash32(a), new Hash32(b));
            Assert.Equal(expected, Math.Sign(x.CompareTo(y)));
            Assert.Equal(-expected, Math.Sign(y.CompareTo(x)));
            Assert.Equal(expected < 0, x < y);
            Assert.Equal(expected > 0, x > y);
            Assert.Equal(expected <= 0, x <= y);
            Assert.Equal(expected >= 0, x >= y);
            Assert.Equal(expected == 0, x == y);
        }
    }

    [Fact]
    public void EveryBytePositionDecidesOrderWhenTheRestIsEqual()
    {
        for (var position = 0; position < 32; position++)
        {
            var low = new byte[32];
            var high = new byte[32];
            Array.Fill(low, (byte)0x80);
            Array.Fill(high, (byte)0x80);
            low[position] = 0x7f;
            high[position] = 0xff; // High bit set: an unsigned comparison is needed.
            Assert.True(new Hash32(low) < new Hash32(high), $"byte {position}");
            Assert.Equal(0, new Hash32(low).CompareTo(new Hash32((byte[])low.Clone())));
        }
    }

    [Fact]
    public void SortingMatchesBytewiseSorting()
    {
        var random = new Random(3203);
        var byteArrays = Enumerable.Range(0, 500).Select(_ => RandomBytes(random)).ToList();
        var expected = byteArrays.OrderBy(b => b, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).Select(b => Hex.Encode(b)).ToList();
        var actual = byteArrays.Select(b => new Hash32(b)).Order().Select(h => h.ToString()).ToList();
        Assert.Equal(expected, actual);
    }

    // ---- Bits.

    [Fact]
    public void BitMatchesTheBytesMostSignificantFirst()
    {
        var random = new Random(3204);
        for (var i = 0; i < 200; i++)
        {
            var bytes = RandomBytes(random);
            var hash = new Hash32(bytes);
            for (var bit = 0; bit < 256; bit++)
            {
                Assert.Equal((bytes[bit / 8] >> (7 - (bit % 8))) & 1, hash.Bit(bit));
            }
        }
    }

    [Fact]
    public void SingleBitHashesHaveExactlyThatBit()
    {
        for (var bit = 0; bit < 256; bit++)
        {
            var bytes = new byte[32];
            bytes[bit / 8] = (byte)(0x80 >> (bit % 8));
            var hash = new Hash32(bytes);
            for (var other = 0; other < 256; other++)
            {
                Assert.Equal(other == bit ? 1 : 0, hash.Bit(other));
            }
        }
    }

    // ---- Equality.

    [Fact]
    public void EqualityAndHashCodeAgree()
    {
        var random = new Random(3205);
        var bytes = RandomBytes(random);
        var a = new Hash32(bytes);
        var b = new Hash32((byte[])bytes.Clone());
        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals((object?)null));
        Assert.False(a.Equals(bytes));
        for (var bit = 0; bit < 256; bit++)
        {
            var changed = (byte[])bytes.Clone();
            changed[bit / 8] ^= (byte)(0x80 >> (bit % 8));
            var c = new Hash32(changed);
            Assert.False(a.Equals(c), $"bit {bit}");
            Assert.True(a != c);
            Assert.NotEqual(0, a.CompareTo(c));
        }
        var set = new HashSet<Hash32> { a, b, Hash32.Zero };
        Assert.Equal(2, set.Count);
    }
}

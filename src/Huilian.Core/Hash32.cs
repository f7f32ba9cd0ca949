using System.Buffers.Binary;

namespace Huilian.Core;

/// <summary>
/// A 32-byte digest (SHA-256 under the intl suite, SM3 under gm), held as four big-endian words so that it is a
/// plain value: compared and ordered bytewise, copied without allocation.
/// </summary>
public readonly struct Hash32 : IEquatable<Hash32>, IComparable<Hash32>
{
    public const int Length = 32;

    private readonly ulong _word0;
    private readonly ulong _word1;
    private readonly ulong _word2;
    private readonly ulong _word3;

    public static readonly Hash32 Zero;

    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A hash is {Length} bytes, not {bytes.Length}.", nameof(bytes));
        }
        _word0 = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _word1 = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _word2 = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _word3 = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    public bool IsZero => (_word0 | _word1 | _word2 | _word3) == 0;

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _word0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _word1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _word2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _word3);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Bit <paramref name="index"/> (0 to 255), counted from the most significant bit of byte 0.</summary>
    public int Bit(int index)
    {
        var word = (index >> 6) switch
        {
            0 => _word0,
            1 => _word1,
            2 => _word2,
            3 => _word3,
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };
        return (int)((word >> (63 - (index & 63))) & 1);
    }

    public static Hash32 Parse(string hex)
    {
        if (!TryParse(hex, out var hash))
        {
            throw new FormatException("A hash is 64 hexadecimal characters.");
        }
        return hash;
    }

    public static bool TryParse(ReadOnlySpan<char> hex, out Hash32 hash)
    {
        hash = default;
        if (hex.Length != Length * 2)
        {
            return false;
        }
        Span<byte> buffer = stackalloc byte[Length];
        if (System.Convert.FromHexString(hex, buffer, out _, out var written) != System.Buffers.OperationStatus.Done || written != Length)
        {
            return false;
        }
        hash = new Hash32(buffer);
        return true;
    }

    public override string ToString()
    {
        Span<byte> buffer = stackalloc byte[Length];
        CopyTo(buffer);
        return System.Convert.ToHexStringLower(buffer);
    }

    /// <summary>The first six bytes in hex, for logs and messages.</summary>
    public string ToShortString() => ToString()[..12];

    public bool Equals(Hash32 other) =>
        _word0 == other._word0 && _word1 == other._word1 && _word2 == other._word2 && _word3 == other._word3;

    public override bool Equals(object? obj) => obj is Hash32 other && Equals(other);

    public override int GetHashCode() => unchecked((int)(_word0 ^ (_word0 >> 32)));

    public int CompareTo(Hash32 other)
    {
        if (_word0 != other._word0)
        {
            return _word0 < other._word0 ? -1 : 1;
        }
        if (_word1 != other._word1)
        {
            return _word1 < other._word1 ? -1 : 1;
        }
        if (_word2 != other._word2)
        {
            return _word2 < other._word2 ? -1 : 1;
        }
        return _word3 == other._word3 ? 0 : (_word3 < other._word3 ? -1 : 1);
    }

    public static bool operator ==(Hash32 left, Hash32 right) => left.Equals(right);

    public static bool operator !=(Hash32 left, Hash32 right) => !left.Equals(right);

    public static bool operator <(Hash32 left, Hash32 right) => left.CompareTo(right) < 0;

    public static bool operator >(Hash32 left, Hash32 right) => left.CompareTo(right) > 0;

    public static bool operator <=(Hash32 left, Hash32 right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Hash32 left, Hash32 right) => left.CompareTo(right) >= 0;
}

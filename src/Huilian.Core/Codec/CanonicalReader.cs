using System.Buffers.Binary;
using System.Text;

namespace Huilian.Core.Codec;

/// <summary>
/// Reads the canonical encoding and refuses anything that is not canonical: truncation, lengths above the
/// schema's bound, booleans other than 0 and 1, invalid UTF-8, and (through <see cref="End"/>) trailing bytes.
/// Because of this, decode then encode always returns the input.
/// </summary>
public ref struct CanonicalReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public CanonicalReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadU8() => Take(1)[0];

    public bool ReadBool()
    {
        var value = ReadU8();
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw new EncodingException(EncodingErrors.InvalidBoolean, $"A boolean is 0 or 1, not {value}."),
        };
    }

    public ushort ReadU16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadU32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong ReadU64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public long ReadI64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public Hash32 ReadHash() => new(Take(Hash32.Length));

    public ReadOnlySpan<byte> ReadFixed(int length) => Take(length);

    public ReadOnlySpan<byte> ReadBytes(int lengthMax, string field)
    {
        var length = ReadLength(lengthMax, field);
        return Take(length);
    }

    public byte[] ReadBytesArray(int lengthMax, string field) => ReadBytes(lengthMax, field).ToArray();

    public string ReadString(int byteLengthMax, string field)
    {
        var bytes = ReadBytes(byteLengthMax, field);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new EncodingException(EncodingErrors.InvalidUtf8, $"Field '{field}' is not valid UTF-8.");
        }
    }

    /// <summary>An identifier: 1 to 32 characters of a-z, 0-9, '.', '_' and '-', starting with a letter.</summary>
    public string ReadIdentifier(string field, int lengthMax = Limits.IdentifierLengthMax)
    {
        var value = ReadString(lengthMax, field);
        if (!Identifier.IsValid(value, lengthMax))
        {
            throw new EncodingException(EncodingErrors.InvalidIdentifier, $"Field '{field}' is not a valid identifier.");
        }
        return value;
    }

    public int ReadCount(int countMax, string field) => ReadLength(countMax, field);

    /// <summary>Asserts that every byte was consumed.</summary>
    public readonly void End()
    {
        if (_position != _data.Length)
        {
            throw new EncodingException(EncodingErrors.TrailingBytes, $"{_data.Length - _position} unexpected bytes after the end.");
        }
    }

    private int ReadLength(int lengthMax, string field)
    {
        var length = ReadU32();
        if (length > (uint)lengthMax)
        {
            throw new EncodingException(EncodingErrors.LengthExceedsLimit, $"Field '{field}' has length {length}, above its limit of {lengthMax}.");
        }
        return (int)length;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _data.Length - _position)
        {
            throw new EncodingException(EncodingErrors.Truncated, $"Input ends after {_data.Length} bytes; {count} more were expected at offset {_position}.");
        }
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}

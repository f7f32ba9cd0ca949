using System.Buffers.Binary;
using System.Text;

namespace Huilian.Core.Codec;

/// <summary>
/// Writes the canonical encoding of <c>spec/encoding.md</c>: fixed-width big-endian integers, length-prefixed
/// byte strings, no tags, no padding. Two equal values always encode to the same bytes.
/// </summary>
public sealed class CanonicalWriter
{
    private byte[] _buffer;
    private int _length;

    public CanonicalWriter(int capacity = 256)
    {
        _buffer = new byte[Math.Max(16, capacity)];
    }

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void Reset() => _length = 0;

    public void WriteU8(byte value) => Reserve(1)[0] = value;

    public void WriteBool(bool value) => WriteU8(value ? (byte)1 : (byte)0);

    public void WriteU16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void WriteU32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void WriteU64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);

    public void WriteI64(long value) => BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);

    public void WriteHash(in Hash32 hash) => hash.CopyTo(Reserve(Hash32.Length));

    /// <summary>Raw bytes whose length the schema fixes; no prefix.</summary>
    public void WriteFixed(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>A u32 length then the bytes. The caller's schema bounds the length; the reader enforces it.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        WriteU32(checked((uint)bytes.Length));
        WriteFixed(bytes);
    }

    /// <summary>UTF-8 text as length-prefixed bytes.</summary>
    public void WriteString(string value)
    {
        int byteCount;
        try
        {
            byteCount = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            // A lone surrogate has no UTF-8 form: refusing it keeps decode(encode(x)) == x.
            throw new EncodingException(EncodingErrors.InvalidUtf8, "The text holds a lone surrogate, which has no UTF-8 encoding.");
        }
        WriteU32(checked((uint)byteCount));
        StrictUtf8.GetBytes(value, Reserve(byteCount));
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public void WriteCount(int count) => WriteU32(checked((uint)count));

    private Span<byte> Reserve(int count)
    {
        var needed = checked(_length + count);
        if (needed > _buffer.Length)
        {
            var grown = new byte[Math.Max(needed, checked(_buffer.Length * 2))];
            _buffer.AsSpan(0, _length).CopyTo(grown);
            _buffer = grown;
        }
        var span = _buffer.AsSpan(_length, count);
        _length = needed;
        return span;
    }
}

using Huilian.Core.Codec;

namespace Huilian.Core.State;

/// <summary>One change to a state entry: a new value, or a deletion when <see cref="Value"/> is null.</summary>
public sealed record StateWrite(byte[] Key, byte[]? Value);

/// <summary>
/// The changes one block made to state, sorted by key, each key once. Stored beside the block, it lets a node
/// rebuild its in-memory state from a snapshot without executing again.
/// </summary>
public static class WriteSetEncoding
{
    public const byte FormatVersion = 1;

    public static byte[] Encode(IReadOnlyList<StateWrite> writes)
    {
        var size = 8;
        foreach (var write in writes)
        {
            size += 9 + write.Key.Length + (write.Value?.Length ?? 0);
        }
        var writer = new CanonicalWriter(size);
        writer.WriteU8(FormatVersion);
        writer.WriteCount(writes.Count);
        foreach (var write in writes)
        {
            writer.WriteBytes(write.Key);
            writer.WriteBool(write.Value is not null);
            if (write.Value is not null)
            {
                writer.WriteBytes(write.Value);
            }
        }
        return writer.ToArray();
    }

    public static StateWrite[] Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        var version = reader.ReadU8();
        if (version != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, $"Write-set format {version} is not supported.");
        }
        var count = reader.ReadCount(Limits.BlockWritesMax, "writes");
        var writes = new StateWrite[count];
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadBytesArray(Limits.StateKeyBytesMax, "key");
            var value = reader.ReadBool() ? reader.ReadBytesArray(Limits.StateValueBytesMax, "value") : null;
            if (i > 0 && writes[i - 1].Key.AsSpan().SequenceCompareTo(key) >= 0)
            {
                throw new EncodingException(EncodingErrors.InvalidValue, "Write-set keys must be strictly increasing.");
            }
            writes[i] = new StateWrite(key, value);
        }
        reader.End();
        return writes;
    }
}

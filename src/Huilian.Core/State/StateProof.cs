using Huilian.Core.Crypto;
using Huilian.Core.Codec;

namespace Huilian.Core.State;

/// <summary>
/// Proves that <see cref="Key"/> holds <see cref="Value"/> under a state root, or, when <see cref="Value"/> is
/// null, that it holds nothing. <see cref="Siblings"/> run from the root down to the subtree where the key's path
/// ends: that subtree is either empty, the key's own leaf, or (for absence) another entry's leaf, given by
/// <see cref="OtherPath"/> and <see cref="OtherValueHash"/>.
/// </summary>
public sealed record StateProof(byte[] Key, byte[]? Value, IReadOnlyList<Hash32> Siblings, Hash32? OtherPath, Hash32? OtherValueHash)
{
    public const byte FormatVersion = 1;

    public bool Verify(IHashFunction hash, in Hash32 root)
    {
        if (Siblings.Count > StateHashing.PathBits || Key.Length > Limits.StateKeyBytesMax)
        {
            return false;
        }
        var path = StateHashing.KeyPath(hash, Key);
        Hash32 current;
        if (Value is not null)
        {
            if (OtherPath is not null || OtherValueHash is not null)
            {
                return false;
            }
            current = StateHashing.LeafHash(hash, path, StateHashing.ValueHash(hash, Value));
        }
        else if (OtherPath is { } otherPath && OtherValueHash is { } otherValueHash)
        {
            // Absence shown by another entry that occupies the key's subtree: it must share the key's path so far.
            if (otherPath == path || !SharesPrefix(path, otherPath, Siblings.Count))
            {
                return false;
            }
            current = StateHashing.LeafHash(hash, otherPath, otherValueHash);
        }
        else if (OtherPath is null && OtherValueHash is null)
        {
            current = Hash32.Zero;
        }
        else
        {
            return false;
        }

        // A single leaf never sits beside an empty sibling at the bottom: the tree would have lifted it.
        if (Siblings.Count > 0 && Siblings[^1].IsZero && !current.IsZero)
        {
            return false;
        }

        for (var depth = Siblings.Count - 1; depth >= 0; depth--)
        {
            var sibling = Siblings[depth];
            current = path.Bit(depth) == 0
                ? StateHashing.NodeHash(hash, current, sibling)
                : StateHashing.NodeHash(hash, sibling, current);
        }
        return current == root;
    }

    private static bool SharesPrefix(in Hash32 a, in Hash32 b, int bits)
    {
        for (var i = 0; i < bits; i++)
        {
            if (a.Bit(i) != b.Bit(i))
            {
                return false;
            }
        }
        return true;
    }

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(64 + Key.Length + (Value?.Length ?? 0) + (Siblings.Count * 32));
        writer.WriteU8(FormatVersion);
        writer.WriteBytes(Key);
        writer.WriteBool(Value is not null);
        if (Value is not null)
        {
            writer.WriteBytes(Value);
        }
        writer.WriteCount(Siblings.Count);
        foreach (var sibling in Siblings)
        {
            writer.WriteHash(sibling);
        }
        writer.WriteBool(OtherPath is not null);
        if (OtherPath is { } otherPath && OtherValueHash is { } otherValueHash)
        {
            writer.WriteHash(otherPath);
            writer.WriteHash(otherValueHash);
        }
        return writer.ToArray();
    }

    public static StateProof Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        var version = reader.ReadU8();
        if (version != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, $"State proof format {version} is not supported.");
        }
        var key = reader.ReadBytesArray(Limits.StateKeyBytesMax, "key");
        var value = reader.ReadBool() ? reader.ReadBytesArray(Limits.StateValueBytesMax, "value") : null;
        var count = reader.ReadCount(StateHashing.PathBits, "siblings");
        var siblings = new Hash32[count];
        for (var i = 0; i < count; i++)
        {
            siblings[i] = reader.ReadHash();
        }
        Hash32? otherPath = null;
        Hash32? otherValueHash = null;
        if (reader.ReadBool())
        {
            otherPath = reader.ReadHash();
            otherValueHash = reader.ReadHash();
        }
        reader.End();
        return new StateProof(key, value, siblings, otherPath, otherValueHash);
    }
}

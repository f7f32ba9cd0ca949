using Huilian.Core.Crypto;

namespace Huilian.Core.Merkle;

/// <summary>
/// The Merkle tree of RFC 6962 (Certificate Transparency), over the suite's hash: leaf = H(0x00 ‖ data),
/// node = H(0x01 ‖ left ‖ right), a tree of n leaves splits at the largest power of two below n, and the empty
/// tree's root is H(). Leaves are never duplicated, so two different lists never share a root.
/// </summary>
public static class MerkleTree
{
    public static Hash32 LeafHash(IHashFunction hash, ReadOnlySpan<byte> data) => hash.HashTagged(HashDomain.MerkleLeaf, data);

    public static Hash32 EmptyRoot(IHashFunction hash) => hash.Hash([]);

    public static Hash32 Root(IHashFunction hash, ReadOnlySpan<Hash32> leafHashes)
    {
        if (leafHashes.Length == 0)
        {
            return EmptyRoot(hash);
        }
        // Bottom-up: pairing left to right and promoting an odd last node unchanged yields exactly the RFC 6962 tree.
        var level = leafHashes.ToArray();
        var count = level.Length;
        while (count > 1)
        {
            var next = 0;
            for (var i = 0; i + 1 < count; i += 2)
            {
                level[next++] = hash.HashNode(HashDomain.MerkleNode, level[i], level[i + 1]);
            }
            if ((count & 1) == 1)
            {
                level[next++] = level[count - 1];
            }
            count = next;
        }
        return level[0];
    }

    /// <summary>The audit path for leaf <paramref name="index"/>: sibling hashes from the leaf up to the root.</summary>
    public static MerkleProof Prove(IHashFunction hash, ReadOnlySpan<Hash32> leafHashes, int index)
    {
        if (index < 0 || index >= leafHashes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        var path = new List<Hash32>();
        var level = leafHashes.ToArray();
        var count = level.Length;
        var position = index;
        while (count > 1)
        {
            var sibling = position ^ 1;
            if (sibling < count)
            {
                path.Add(level[sibling]);
            }
            var next = 0;
            for (var i = 0; i + 1 < count; i += 2)
            {
                level[next++] = hash.HashNode(HashDomain.MerkleNode, level[i], level[i + 1]);
            }
            if ((count & 1) == 1)
            {
                level[next++] = level[count - 1];
            }
            position >>= 1;
            count = next;
        }
        return new MerkleProof((ulong)index, (ulong)leafHashes.Length, path.ToArray());
    }
}

/// <summary>An RFC 6962 inclusion proof: leaf <see cref="Index"/> of a tree of <see cref="Size"/> leaves.</summary>
public sealed record MerkleProof(ulong Index, ulong Size, IReadOnlyList<Hash32> Path)
{
    /// <summary>RFC 9162 §2.1.3.2: recomputes the root from the leaf hash and the path.</summary>
    public bool Verify(IHashFunction hash, in Hash32 leafHash, in Hash32 root)
    {
        if (Index >= Size || Path.Count > 64)
        {
            return false;
        }
        var fn = Index;
        var sn = Size - 1;
        var r = leafHash;
        foreach (var p in Path)
        {
            if (sn == 0)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = hash.HashNode(HashDomain.MerkleNode, p, r);
                if ((fn & 1) == 0)
                {
                    while (fn != 0 && (fn & 1) == 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = hash.HashNode(HashDomain.MerkleNode, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r == root;
    }
}

using Huilian.Core.Codec;
using Huilian.Core.Crypto;
using Huilian.Core.Merkle;

namespace Huilian.Core.Ledger;

/// <summary>The equivocation evidence a block carries: encoded as a list, committed by a Merkle root in the header.</summary>
public static class EvidenceList
{
    public const int PerBlockMax = 64;
    public const int ItemBytesMax = 1024;

    public static byte[] Encode(IReadOnlyList<DuplicateVoteEvidence> evidence)
    {
        var writer = new CanonicalWriter(8 + (evidence.Count * 300));
        writer.WriteCount(evidence.Count);
        foreach (var item in evidence)
        {
            writer.WriteBytes(item.Encode());
        }
        return writer.ToArray();
    }

    public static DuplicateVoteEvidence[] Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        var count = reader.ReadCount(PerBlockMax, "evidence");
        var items = new DuplicateVoteEvidence[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = DuplicateVoteEvidence.Decode(reader.ReadBytes(ItemBytesMax, "evidence"));
        }
        reader.End();
        return items;
    }

    public static Hash32 Root(IHashFunction hash, IReadOnlyList<DuplicateVoteEvidence> evidence)
    {
        var leaves = new Hash32[evidence.Count];
        for (var i = 0; i < leaves.Length; i++)
        {
            leaves[i] = MerkleTree.LeafHash(hash, evidence[i].Encode());
        }
        return MerkleTree.Root(hash, leaves);
    }
}

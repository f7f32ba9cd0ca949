// MerkleTree and MerkleProof against RFC 6962/9162. Valid: Root equals an independent recursive RFC 6962 reference
// (written here on System.Security.Cryptography.SHA256, splitting at the largest power of two below n) for n = 0..70,
// and equals the same reference over SM3 for a few sizes; LeafHash is H(00 ‖ data); the root does not alter its input;
// Prove then Verify succeeds for every index of every size 1..70 and path lengths match the reference audit path.
// Invalid (for every index of several sizes): a wrong leaf, a wrong index, a wrong size (every size whose audit path
// for the index has another shape; the root alone does not commit to the size, so a size with an identical shape,
// e.g. index 0 of 3 vs of 4, verifies, as in RFC 9162), each path element tampered, a truncated path, an extended
// path, an empty path, a wrong root, index >= size, more than 64 path elements; Prove refuses an index out of range
// (including a negative one). Domain separation: a leaf hash never equals the inner node hash over the same bytes;
// a 2-leaf root cannot be passed off as the leaf of the concatenated data; an inner node cannot be proven as a leaf of
// the data it covers; two different leaf lists (including one with the last leaf duplicated) never share a root.

using System.Security.Cryptography;
using Huilian.Core.Crypto;
using Huilian.Core.Merkle;

namespace Huilian.Core.Tests.Merkle;

public sealed class MerkleTreeTests
{
    private static readonly IHashFunction Hash = TestKeys.Sha256;

    // ---- Independent RFC 6962 reference.

    private static byte[] RefLeaf(byte[] data) => SHA256.HashData([0x00, .. data]);

    private static byte[] RefNode(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    private static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }
        return k;
    }

    /// <summary>RFC 6962 §2.1 MTH over the leaf data.</summary>
    private static byte[] RefRoot(IReadOnlyList<byte[]> data)
    {
        if (data.Count == 0)
        {
            return SHA256.HashData([]);
        }
        if (data.Count == 1)
        {
            return RefLeaf(data[0]);
        }
        var k = LargestPowerOfTwoBelow(data.Count);
        return RefNode(RefRoot(data.Take(k).ToList()), RefRoot(data.Skip(k).ToList()));
    }

    /// <summary>RFC 6962 §2.1.1 PATH(m, D[n]).</summary>
    private static List<byte[]> RefPath(int m, IReadOnlyList<byte[]> data)
    {
        if (data.Count <= 1)
        {
            return [];
        }
        var k = LargestPowerOfTwoBelow(data.Count);
        var left = data.Take(k).ToList();
        var right = data.Skip(k).ToList();
        return m < k ? [.. RefPath(m, left), RefRoot(right)] : [.. RefPath(m - k, right), RefRoot(left)];
    }

    private static List<byte[]> LeafData(int n, int seed = 0)
    {
        var random = new Random(seed + n);
        return Enumerable.Range(0, n).Select(i =>
        {
            // Distinct leaves: a short index prefix (sometimes none, for leaf 0), then random bytes of random length.
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            return i == 0 ? bytes : [(byte)(i >> 8), (byte)i, .. bytes];
        }).ToList();
    }

    private static Hash32[] Leaves(IReadOnlyList<byte[]> data) => data.Select(d => MerkleTree.LeafHash(Hash, d)).ToArray();

    // ---- Valid.

    [Fact]
    public void RootMatchesTheRecursiveReferenceForSizes0To70()
    {
        for (var n = 0; n <= 70; n++)
        {
            var data = LeafData(n);
            var leaves = Leaves(data);
            var copy = leaves.ToArray();
            Assert.Equal(Hex.Encode(RefRoot(data)), MerkleTree.Root(Hash, leaves).ToString());
            Assert.Equal(copy, leaves);
        }
    }

    [Fact]
    public void RootMatchesUnderSm3()
    {
        var sm3 = TestKeys.Sm3;
        Hash32 RefSm3(IReadOnlyList<byte[]> data)
        {
            if (data.Count == 0)
            {
                return sm3.Hash([]);
            }
            if (data.Count == 1)
            {
                return sm3.Hash([0x00, .. data[0]]);
            }
            var k = LargestPowerOfTwoBelow(data.Count);
            return sm3.Hash([0x01, .. RefSm3(data.Take(k).ToList()).ToArray(), .. RefSm3(data.Skip(k).ToList()).ToArray()]);
        }
        foreach (var n in new[] { 0, 1, 2, 3, 5, 8, 13, 33 })
        {
            var data = LeafData(n, 500);
            Assert.Equal(RefSm3(data), MerkleTree.Root(sm3, data.Select(d => MerkleTree.LeafHash(sm3, d)).ToArray()));
        }
    }

    [Fact]
    public void LeafHashIsTaggedWithZero()
    {
        Assert.Equal(Hex.Encode(SHA256.HashData([0x00])), MerkleTree.LeafHash(Hash, []).ToString());
        Assert.Equal(Hex.Encode(SHA256.HashData([0x00, 0xab, 0xcd])), MerkleTree.LeafHash(Hash, [0xab, 0xcd]).ToString());
    }

    [Fact]
    public void EveryIndexOfEverySizeUpTo70Verifies()
    {
        for (var n = 1; n <= 70; n++)
        {
            var data = LeafData(n);
            var leaves = Leaves(data);
            var root = MerkleTree.Root(Hash, leaves);
            for (var i = 0; i < n; i++)
            {
                var proof = MerkleTree.Prove(Hash, leaves, i);
                Assert.Equal((ulong)i, proof.Index);
                Assert.Equal((ulong)n, proof.Size);
                Assert.Equal(RefPath(i, data).Select(b => Hex.Encode(b)), proof.Path.Select(p => p.ToString()));
                Assert.True(proof.Verify(Hash, leaves[i], root), $"size {n} index {i}");
            }
        }
    }

    // ---- Invalid.

    [Fact]
    public void ProofsFailForAnythingWrong()
    {
        var wrongSizesRefused = 0;
        foreach (var n in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 33, 64, 70 })
        {
            var leaves = Leaves(LeafData(n, 77));
            var root = MerkleTree.Root(Hash, leaves);
            var otherLeaf = MerkleTree.LeafHash(Hash, [0xee, 0xee]);
            for (var i = 0; i < n; i++)
            {
                var proof = MerkleTree.Prove(Hash, leaves, i);
                var label = $"size {n} index {i}";

                Assert.False(proof.Verify(Hash, otherLeaf, root), label);
                Assert.False(proof.Verify(Hash, leaves[i], otherLeaf), label);
                if (n > 1)
                {
                    Assert.False(proof.Verify(Hash, leaves[(i + 1) % n], root), label);
                }
                for (ulong index = 0; index < (ulong)n + 2; index++)
                {
                    if (index != (ulong)i)
                    {
                        Assert.False((proof with { Index = index }).Verify(Hash, leaves[i], root), $"{label} as index {index}");
                    }
                }
                foreach (var size in new[] { 0, n - 1, n + 1, n + 2, n * 2, n * 3 })
                {
                    if (size != n)
                    {
                        // The root does not commit to the size (a header does, beside it): a size whose audit path for
                        // this index has exactly the same shape verifies, every other size fails.
                        var sameShape = i < size && Shape(i, size).SequenceEqual(Shape(i, n));
                        Assert.Equal(sameShape, (proof with { Size = (ulong)size }).Verify(Hash, leaves[i], root));
                        wrongSizesRefused += sameShape ? 0 : 1;
                    }
                }
                Assert.False((proof with { Size = ulong.MaxValue }).Verify(Hash, leaves[i], root), label);
                for (var p = 0; p < proof.Path.Count; p++)
                {
                    var tampered = proof.Path.ToArray();
                    var bytes = tampered[p].ToArray();
                    bytes[31] ^= 1;
                    tampered[p] = new Hash32(bytes);
                    Assert.False((proof with { Path = tampered }).Verify(Hash, leaves[i], root), $"{label} tampered at {p}");
                    Assert.False((proof with { Path = proof.Path.Take(p).ToArray() }).Verify(Hash, leaves[i], root), $"{label} truncated to {p}");
                }
                Assert.False((proof with { Path = [.. proof.Path, otherLeaf] }).Verify(Hash, leaves[i], root), $"{label} extended");
                Assert.False((proof with { Path = [.. proof.Path, Hash32.Zero] }).Verify(Hash, leaves[i], root), $"{label} extended by zero");
                Assert.False((proof with { Path = [] }).Verify(Hash, leaves[i], root) && n > 1, $"{label} empty path");
            }
        }
        Assert.True(wrongSizesRefused > 1000, $"{wrongSizesRefused}");
    }

    /// <summary>Reference shape of PATH(m, D[n]): for each element from the leaf up, whether the sibling is on the right.</summary>
    private static List<bool> Shape(int m, int n)
    {
        if (n <= 1)
        {
            return [];
        }
        var k = LargestPowerOfTwoBelow(n);
        return m < k ? [.. Shape(m, k), true] : [.. Shape(m - k, n - k), false];
    }

    [Fact]
    public void OverlongPathsAndOutOfRangeIndexesAreRefused()
    {
        var leaf = MerkleTree.LeafHash(Hash, [1]);
        Assert.False(new MerkleProof(0, 0, []).Verify(Hash, leaf, leaf));
        Assert.False(new MerkleProof(1, 1, []).Verify(Hash, leaf, leaf));
        Assert.True(new MerkleProof(0, 1, []).Verify(Hash, leaf, leaf));
        Assert.False(new MerkleProof(0, ulong.MaxValue, Enumerable.Repeat(leaf, 65).ToArray()).Verify(Hash, leaf, leaf));
        var leaves = Leaves(LeafData(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove(Hash, leaves, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove(Hash, leaves, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MerkleTree.Prove(Hash, [], 0));
    }

    // ---- Domain separation.

    [Fact]
    public void LeafHashNeverEqualsNodeHashOverTheSameBytes()
    {
        var random = new Random(4242);
        for (var i = 0; i < 200; i++)
        {
            var left = new byte[32];
            var right = new byte[32];
            random.NextBytes(left);
            random.NextBytes(right);
            var node = Hash.HashNode(HashDomain.MerkleNode, new Hash32(left), new Hash32(right));
            Assert.NotEqual(node, MerkleTree.LeafHash(Hash, [.. left, .. right]));
            Assert.Equal(Hex.Encode(RefNode(left, right)), node.ToString());
        }
    }

    [Fact]
    public void TwoLeafTreeCannotPassAsASingleLeaf()
    {
        var a = MerkleTree.LeafHash(Hash, "a"u8);
        var b = MerkleTree.LeafHash(Hash, "b"u8);
        var root = MerkleTree.Root(Hash, [a, b]);
        byte[] concatenated = [.. a.ToArray(), .. b.ToArray()];
        // As a one-leaf tree the only leaf hash that verifies is the root itself, and no data hashes to it as a leaf.
        var fake = MerkleTree.LeafHash(Hash, concatenated);
        Assert.NotEqual(root, fake);
        Assert.False(new MerkleProof(0, 1, []).Verify(Hash, fake, root));
        Assert.NotEqual(root, MerkleTree.Root(Hash, [fake]));
    }

    [Fact]
    public void InnerNodeCannotBeProvenAsALeaf()
    {
        var leaves = Leaves(LeafData(4, 99));
        var root = MerkleTree.Root(Hash, leaves);
        var inner = Hash.HashNode(HashDomain.MerkleNode, leaves[0], leaves[1]);
        var rightHalf = Hash.HashNode(HashDomain.MerkleNode, leaves[2], leaves[3]);
        // The inner node as a raw hash fits a two-leaf path...
        Assert.True(new MerkleProof(0, 2, [rightHalf]).Verify(Hash, inner, root));
        // ...but as the leaf hash of the bytes it covers it does not.
        var asLeaf = MerkleTree.LeafHash(Hash, [.. leaves[0].ToArray(), .. leaves[1].ToArray()]);
        Assert.False(new MerkleProof(0, 2, [rightHalf]).Verify(Hash, asLeaf, root));
    }

    [Fact]
    public void DifferentListsNeverShareARoot()
    {
        var roots = new HashSet<Hash32>();
        for (var n = 0; n <= 20; n++)
        {
            var leaves = Leaves(LeafData(n, 1234));
            Assert.True(roots.Add(MerkleTree.Root(Hash, leaves)), $"size {n}");
            if (n > 0)
            {
                // Bitcoin's mistake: duplicating the last leaf must change the root.
                Assert.True(roots.Add(MerkleTree.Root(Hash, [.. leaves, leaves[^1]])), $"size {n} duplicated");
            }
        }
    }
}

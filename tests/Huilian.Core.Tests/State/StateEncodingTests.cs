// StateHashing, WriteSetEncoding and StateProof, on hand-built trees. Hashing: KeyPath = H(10 ‖ key), ValueHash =
// H(11 ‖ value), LeafHash = H(12 ‖ path ‖ valueHash), NodeHash = H(13 ‖ left ‖ right), checked against SHA-256 directly;
// the four tags never collide over the same bytes. Write sets: valid sets round trip (empty, deletions only, maximum
// key and value sizes); refused: keys equal or decreasing (EncodingInvalidValue), a key of 257 bytes or a value above
// 64 KiB (EncodingLengthExceedsLimit), a present flag of 2. StateProof.Verify on a two-entry tree built by hand:
// membership of both, absence in the empty form (a tree whose only entries lie on one side) and the other-leaf form
// verify; refused: a value and Other fields together, only one Other field, Other equal to the key's own path,
// an Other that does not share the key's prefix, more than 256 siblings, a key above 256 bytes, a leaf beside an empty
// bottom sibling, a wrong root. Encode/Decode of each form round trips.

using System.Security.Cryptography;
using Huilian.Core.Codec;
using Huilian.Core.State;

namespace Huilian.Core.Tests.State;

public sealed class StateEncodingTests
{
    private static readonly Huilian.Core.Crypto.IHashFunction Hash = TestKeys.Sha256;

    private static Hash32 Sha(params byte[][] parts) => new(SHA256.HashData(parts.SelectMany(p => p).ToArray()));

    // ---- Hashing.

    [Fact]
    public void HashesUseTheirTags()
    {
        var key = "evidence/x"u8.ToArray();
        var value = "{}"u8.ToArray();
        var path = StateHashing.KeyPath(Hash, key);
        var valueHash = StateHashing.ValueHash(Hash, value);
        Assert.Equal(Sha([0x10], key), path);
        Assert.Equal(Sha([0x11], value), valueHash);
        Assert.Equal(Sha([0x12], path.ToArray(), valueHash.ToArray()), StateHashing.LeafHash(Hash, path, valueHash));
        Assert.Equal(Sha([0x13], path.ToArray(), valueHash.ToArray()), StateHashing.NodeHash(Hash, path, valueHash));
        Assert.Equal(256, StateHashing.PathBits);
    }

    [Fact]
    public void TagsNeverCollideOverTheSameBytes()
    {
        var random = new Random(6001);
        for (var i = 0; i < 100; i++)
        {
            var a = new byte[32];
            var b = new byte[32];
            random.NextBytes(a);
            random.NextBytes(b);
            byte[] both = [.. a, .. b];
            var (x, y) = (new Hash32(a), new Hash32(b));
            var hashes = new[]
            {
                StateHashing.KeyPath(Hash, both),
                StateHashing.ValueHash(Hash, both),
                StateHashing.LeafHash(Hash, x, y),
                StateHashing.NodeHash(Hash, x, y),
                global::Huilian.Core.Merkle.MerkleTree.LeafHash(Hash, both),
                Hash.Hash(both),
            };
            Assert.Equal(hashes.Length, hashes.Distinct().Count());
        }
    }

    // ---- Write sets.

    [Fact]
    public void WriteSetsRoundTrip()
    {
        var maxKey = new byte[Limits.StateKeyBytesMax];
        Array.Fill(maxKey, (byte)0xff);
        var sets = new StateWrite[][]
        {
            [],
            [new StateWrite([0], null), new StateWrite([0, 0], null)],
            [new StateWrite([1], []), new StateWrite([1, 0], new byte[Limits.StateValueBytesMax]), new StateWrite(maxKey, [7])],
            [new StateWrite("a"u8.ToArray(), [1]), new StateWrite("b"u8.ToArray(), null), new StateWrite("汇"u8.ToArray(), [2])],
        };
        foreach (var writes in sets)
        {
            var encoded = WriteSetEncoding.Encode(writes);
            var decoded = WriteSetEncoding.Decode(encoded);
            Assert.Equal(writes.Length, decoded.Length);
            for (var i = 0; i < writes.Length; i++)
            {
                Assert.Equal(writes[i].Key, decoded[i].Key);
                Assert.Equal(writes[i].Value, decoded[i].Value);
            }
            Assert.Equal(encoded, WriteSetEncoding.Encode(decoded));
        }
    }

    [Theory]
    [InlineData("a", "a")]
    [InlineData("b", "a")]
    [InlineData("ab", "a")]
    [InlineData("b", "ab")]
    public void WriteSetKeysMustStrictlyIncrease(string first, string second)
    {
        var encoded = WriteSetEncoding.Encode([new StateWrite(System.Text.Encoding.UTF8.GetBytes(first), [1]), new StateWrite(System.Text.Encoding.UTF8.GetBytes(second), null)]);
        Assert.Equal(EncodingErrors.InvalidValue, Expect.EncodingCode(() => WriteSetEncoding.Decode(encoded)));
    }

    [Fact]
    public void WriteSetBoundsAreEnforced()
    {
        var longKey = WriteSetEncoding.Encode([new StateWrite(new byte[Limits.StateKeyBytesMax + 1], [1])]);
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => WriteSetEncoding.Decode(longKey)));
        var bigValue = WriteSetEncoding.Encode([new StateWrite([1], new byte[Limits.StateValueBytesMax + 1])]);
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => WriteSetEncoding.Decode(bigValue)));
        Assert.Equal(EncodingErrors.InvalidBoolean, Expect.EncodingCode(() => WriteSetEncoding.Decode(Hex.Decode("01" + "00000001" + "0000000161" + "02"))));
    }

    // ---- StateProof on hand-built trees.

    /// <summary>Two keys whose paths differ in their first bit, and a third key whose path starts like the first.</summary>
    private static (byte[] Left, byte[] Right, byte[] Absent) Keys()
    {
        byte[]? left = null, right = null, absent = null;
        for (var i = 0; left is null || right is null || absent is null; i++)
        {
            var key = BitConverter.GetBytes(i);
            var path = StateHashing.KeyPath(Hash, key);
            if (path.Bit(0) == 0 && left is null)
            {
                left = key;
            }
            else if (path.Bit(0) == 1 && right is null)
            {
                right = key;
            }
            else if (path.Bit(0) == 0 && absent is null)
            {
                absent = key;
            }
        }
        return (left, right, absent);
    }

    private static Hash32 Leaf(byte[] key, byte[] value) => StateHashing.LeafHash(Hash, StateHashing.KeyPath(Hash, key), StateHashing.ValueHash(Hash, value));

    [Fact]
    public void HandBuiltTwoEntryTreeProofs()
    {
        var (left, right, absent) = Keys();
        byte[] leftValue = [1], rightValue = [2];
        var root = StateHashing.NodeHash(Hash, Leaf(left, leftValue), Leaf(right, rightValue));

        var leftProof = new StateProof(left, leftValue, [Leaf(right, rightValue)], null, null);
        var rightProof = new StateProof(right, rightValue, [Leaf(left, leftValue)], null, null);
        Assert.True(leftProof.Verify(Hash, root));
        Assert.True(rightProof.Verify(Hash, root));

        // "absent" goes left, where "left" sits: the other-leaf form.
        var absence = new StateProof(absent, null, [Leaf(right, rightValue)], StateHashing.KeyPath(Hash, left), StateHashing.ValueHash(Hash, leftValue));
        Assert.True(absence.Verify(Hash, root));

        // A tree holding only "right"-side entries: the left subtree is empty.
        var (right2Key, right2Value) = (FindKey(1, right), new byte[] { 3 });
        var rightOnly = RightOnlyRoot(right, rightValue, right2Key, right2Value, out var rightSubtree);
        var empty = new StateProof(left, null, [rightSubtree], null, null);
        Assert.True(empty.Verify(Hash, rightOnly));
        // The empty form does not prove absence of a key that is present.
        Assert.False(new StateProof(right, null, [Hash32.Zero], null, null).Verify(Hash, rightOnly));

        foreach (var proof in new[] { leftProof, rightProof, absence, empty })
        {
            var decoded = StateProof.Decode(proof.Encode());
            Assert.Equal(proof.Key, decoded.Key);
            Assert.Equal(proof.Value, decoded.Value);
            Assert.Equal(proof.Siblings, decoded.Siblings);
            Assert.Equal(proof.OtherPath, decoded.OtherPath);
            Assert.Equal(proof.OtherValueHash, decoded.OtherValueHash);
            Assert.Equal(proof.Encode(), decoded.Encode());
        }
    }

    private static byte[] FindKey(int firstBit, byte[] not)
    {
        for (var i = 1_000; ; i++)
        {
            var key = BitConverter.GetBytes(i);
            if (StateHashing.KeyPath(Hash, key).Bit(0) == firstBit && !key.AsSpan().SequenceEqual(not))
            {
                return key;
            }
        }
    }

    /// <summary>Root of a tree of two entries whose paths both start with bit 1: H(13 ‖ 0 ‖ subtree).</summary>
    private static Hash32 RightOnlyRoot(byte[] a, byte[] aValue, byte[] b, byte[] bValue, out Hash32 subtree)
    {
        var entries = new[] { (Path: StateHashing.KeyPath(Hash, a), Leaf: Leaf(a, aValue)), (Path: StateHashing.KeyPath(Hash, b), Leaf: Leaf(b, bValue)) };
        subtree = Subtree(entries, 1);
        return StateHashing.NodeHash(Hash, Hash32.Zero, subtree);
    }

    private static Hash32 Subtree((Hash32 Path, Hash32 Leaf)[] entries, int depth)
    {
        if (entries.Length == 0)
        {
            return Hash32.Zero;
        }
        if (entries.Length == 1)
        {
            return entries[0].Leaf;
        }
        return StateHashing.NodeHash(Hash, Subtree(entries.Where(e => e.Path.Bit(depth) == 0).ToArray(), depth + 1), Subtree(entries.Where(e => e.Path.Bit(depth) == 1).ToArray(), depth + 1));
    }

    [Fact]
    public void MalformedProofsAreRefused()
    {
        var (left, right, absent) = Keys();
        byte[] leftValue = [1], rightValue = [2];
        var root = StateHashing.NodeHash(Hash, Leaf(left, leftValue), Leaf(right, rightValue));
        var leftPath = StateHashing.KeyPath(Hash, left);
        var rightPath = StateHashing.KeyPath(Hash, right);
        var sibling = Leaf(right, rightValue);

        // Value and Other together, or only one Other field.
        Assert.False(new StateProof(left, leftValue, [sibling], leftPath, StateHashing.ValueHash(Hash, leftValue)).Verify(Hash, root));
        Assert.False(new StateProof(absent, null, [sibling], leftPath, null).Verify(Hash, root));
        Assert.False(new StateProof(absent, null, [sibling], null, StateHashing.ValueHash(Hash, leftValue)).Verify(Hash, root));
        // Other is the key's own path: that would be membership, not absence.
        Assert.False(new StateProof(left, null, [sibling], leftPath, StateHashing.ValueHash(Hash, leftValue)).Verify(Hash, root));
        // An Other leaf that does not share the key's first bit (the right leaf offered for a left key).
        Assert.False(new StateProof(absent, null, [Leaf(left, leftValue)], rightPath, StateHashing.ValueHash(Hash, rightValue)).Verify(Hash, root));
        // Too many siblings, too long a key.
        Assert.False(new StateProof(left, leftValue, Enumerable.Repeat(sibling, 257).ToArray(), null, null).Verify(Hash, root));
        Assert.False(new StateProof(new byte[Limits.StateKeyBytesMax + 1], null, [], null, null).Verify(Hash, Hash32.Zero));
        // A leaf beside an empty sibling at the bottom: lifted in any real tree.
        var single = Leaf(left, leftValue);
        var fakeRoot = leftPath.Bit(0) == 0 ? StateHashing.NodeHash(Hash, single, Hash32.Zero) : StateHashing.NodeHash(Hash, Hash32.Zero, single);
        Assert.False(new StateProof(left, leftValue, [Hash32.Zero], null, null).Verify(Hash, fakeRoot));
        // The wrong root.
        Assert.False(new StateProof(left, leftValue, [sibling], null, null).Verify(Hash, sibling));
        // An empty tree: absence with no siblings verifies against the zero root; membership does not.
        Assert.True(new StateProof(left, null, [], null, null).Verify(Hash, Hash32.Zero));
        Assert.False(new StateProof(left, leftValue, [], null, null).Verify(Hash, Hash32.Zero));
        // A one-entry tree: its root is the leaf.
        Assert.True(new StateProof(left, leftValue, [], null, null).Verify(Hash, single));
        Assert.True(new StateProof(right, null, [], leftPath, StateHashing.ValueHash(Hash, leftValue)).Verify(Hash, single));
    }

    [Fact]
    public void ProofDecodeRefusesBadFlagsAndLengths()
    {
        var encoded = new StateProof([1], [2], [], null, null).Encode();
        // 01 | 00000001 01 | present flag at offset 6.
        Assert.Equal(1, encoded[6]);
        encoded[6] = 2;
        Assert.Equal(EncodingErrors.InvalidBoolean, Expect.EncodingCode(() => StateProof.Decode(encoded)));
        var tooMany = new CanonicalWriter();
        tooMany.WriteU8(1);
        tooMany.WriteBytes([1]);
        tooMany.WriteBool(false);
        tooMany.WriteCount(257);
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => StateProof.Decode(tooMany.ToArray())));
    }
}

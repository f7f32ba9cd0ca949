// State proofs from a real tree of 2,000 random keys (fixed seed). Membership: every key's proof verifies against the
// root, carries exactly its value and has no Other fields; Encode/Decode round trips. Absence: 2,000 absent keys'
// proofs verify, and both forms occur (an empty subtree and another entry's leaf; asserted). Every proof fails when:
// the root differs (flipped, another version's, zero); the value is altered (flipped byte, appended byte, emptied),
// added to an absence proof or removed from a membership proof; any sibling is altered; any sibling is removed; a
// sibling is added at the top or bottom; the key is altered (membership always fails; an absence proof still verifies
// exactly when the new key's path shares the proven prefix and is not the other leaf's path, asserted case by case);
// OtherPath or OtherValueHash is altered; a Zero sibling is appended to a membership proof. Edge trees: empty tree
// (zero root, no siblings), a single entry (membership and other-leaf absence with no siblings), and proofs under SM3.

using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.State;
using Huilian.Crypto;
using Huilian.Storage.State;

namespace Huilian.Storage.Tests.State;

public sealed class StateProofTests
{
    private static readonly IHashFunction Hash = Support.Hash;

    private sealed record Fixture(StateSnapshot Snapshot, (byte[] Key, byte[] Value)[] Entries, List<byte[]> Absent);

    private static readonly Lazy<Fixture> Shared = new(() =>
    {
        var random = new Random(2000);
        var keys = Support.DistinctKeys(random, 4000);
        var entries = keys.Take(2000).Select(k => (k, Support.RandomBytes(random, 0, 100))).ToArray();
        return new Fixture(Support.Build(entries), entries, keys.Skip(2000).ToList());
    });

    private static Hash32 Flip(Hash32 hash, int bit = 255)
    {
        var bytes = hash.ToArray();
        bytes[bit / 8] ^= (byte)(0x80 >> (bit % 8));
        return new Hash32(bytes);
    }

    private static bool SharesPrefix(Hash32 a, Hash32 b, int bits)
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

    private static void AssertRoundTrips(StateProof proof)
    {
        var decoded = StateProof.Decode(proof.Encode());
        Assert.Equal(proof.Key, decoded.Key);
        Assert.Equal(proof.Value, decoded.Value);
        Assert.Equal(proof.Siblings, decoded.Siblings);
        Assert.Equal(proof.OtherPath, decoded.OtherPath);
        Assert.Equal(proof.OtherValueHash, decoded.OtherValueHash);
        Assert.Equal(proof.Encode(), decoded.Encode());
    }

    /// <summary>The tamperings every proof must fail under, whatever its form.</summary>
    private static void AssertTamperingFails(StateProof proof, Hash32 root, string label)
    {
        Assert.False(proof.Verify(Hash, Flip(root)), $"{label}: flipped root");
        Assert.False(proof.Verify(Hash, Flip(root, 0)), $"{label}: flipped root bit 0");
        Assert.False(proof.Verify(Hash, Hash32.Zero), $"{label}: zero root");
        for (var i = 0; i < proof.Siblings.Count; i++)
        {
            var altered = proof.Siblings.ToArray();
            altered[i] = Flip(altered[i], i % 256);
            Assert.False((proof with { Siblings = altered }).Verify(Hash, root), $"{label}: sibling {i} altered");
            var removed = proof.Siblings.Where((_, j) => j != i).ToArray();
            Assert.False((proof with { Siblings = removed }).Verify(Hash, root), $"{label}: sibling {i} removed");
        }
        var extra = Hash.Hash([1, 2, 3]);
        Assert.False((proof with { Siblings = [extra, .. proof.Siblings] }).Verify(Hash, root), $"{label}: sibling added at the top");
        Assert.False((proof with { Siblings = [.. proof.Siblings, extra] }).Verify(Hash, root), $"{label}: sibling added at the bottom");
        Assert.False((proof with { Siblings = [.. proof.Siblings, Hash32.Zero] }).Verify(Hash, root), $"{label}: zero sibling appended");
        Assert.False((proof with { Siblings = [Hash32.Zero, .. proof.Siblings] }).Verify(Hash, root), $"{label}: zero sibling prepended");
        if (proof.OtherPath is { } otherPath && proof.OtherValueHash is { } otherValueHash)
        {
            foreach (var bit in new[] { 0, proof.Siblings.Count, 255 })
            {
                Assert.False((proof with { OtherPath = Flip(otherPath, bit) }).Verify(Hash, root), $"{label}: other path bit {bit}");
            }
            Assert.False((proof with { OtherValueHash = Flip(otherValueHash) }).Verify(Hash, root), $"{label}: other value hash");
            Assert.False((proof with { OtherPath = null }).Verify(Hash, root), $"{label}: other path dropped");
            Assert.False((proof with { OtherValueHash = null }).Verify(Hash, root), $"{label}: other value hash dropped");
            Assert.False((proof with { OtherPath = null, OtherValueHash = null }).Verify(Hash, root), $"{label}: other leaf dropped");
        }
    }

    [Fact]
    public void MembershipProofsVerifyAndRoundTripValues()
    {
        var (snapshot, entries, _) = Shared.Value;
        var root = snapshot.Root;
        Assert.Equal(ReferenceStateTree.Root(entries), root);
        var longest = 0;
        foreach (var (key, value) in entries)
        {
            var proof = snapshot.Prove(key);
            Assert.True(proof.Verify(Hash, root));
            Assert.Equal(key, proof.Key);
            Assert.Equal(value, proof.Value);
            Assert.Null(proof.OtherPath);
            Assert.Null(proof.OtherValueHash);
            var decoded = StateProof.Decode(proof.Encode());
            Assert.True(decoded.Verify(Hash, root));
            Assert.Equal(value, decoded.Value);
            AssertRoundTrips(proof);
            longest = Math.Max(longest, proof.Siblings.Count);
        }
        // About log2(2000) ≈ 11 levels, never anywhere near 256.
        Assert.InRange(longest, 11, 40);
    }

    [Fact]
    public void AbsenceProofsVerifyInBothForms()
    {
        var (snapshot, _, absent) = Shared.Value;
        var root = snapshot.Root;
        int empty = 0, otherLeaf = 0;
        foreach (var key in absent)
        {
            Assert.Null(snapshot.Get(key));
            var proof = snapshot.Prove(key);
            Assert.Null(proof.Value);
            Assert.True(proof.Verify(Hash, root));
            AssertRoundTrips(proof);
            Assert.True(StateProof.Decode(proof.Encode()).Verify(Hash, root));
            if (proof.OtherPath is null)
            {
                Assert.Null(proof.OtherValueHash);
                empty++;
            }
            else
            {
                Assert.NotNull(proof.OtherValueHash);
                Assert.NotEqual(StateHashing.KeyPath(Hash, key), proof.OtherPath.Value);
                otherLeaf++;
            }
        }
        Assert.True(empty > 0, "no empty-subtree absence proof was seen");
        Assert.True(otherLeaf > 0, "no other-leaf absence proof was seen");
        Assert.Equal(absent.Count, empty + otherLeaf);
    }

    [Fact]
    public void TamperedMembershipProofsFail()
    {
        var (snapshot, entries, _) = Shared.Value;
        var root = snapshot.Root;
        var otherRoot = Support.Build(entries.Skip(1)).Root;
        foreach (var (key, value) in entries)
        {
            var proof = snapshot.Prove(key);
            var label = Convert.ToHexString(key);
            AssertTamperingFails(proof, root, label);
            Assert.False(proof.Verify(Hash, otherRoot), $"{label}: another version's root");

            Assert.False((proof with { Value = [.. value, 0] }).Verify(Hash, root), $"{label}: value extended");
            Assert.False((proof with { Value = value.Length == 0 ? [0] : value[..^1] }).Verify(Hash, root), $"{label}: value shortened");
            if (value.Length > 0)
            {
                var flipped = value.ToArray();
                flipped[^1] ^= 1;
                Assert.False((proof with { Value = flipped }).Verify(Hash, root), $"{label}: value flipped");
            }
            Assert.False((proof with { Value = null }).Verify(Hash, root), $"{label}: membership turned into absence");

            var alteredKey = key.ToArray();
            alteredKey[0] ^= 1;
            Assert.False((proof with { Key = alteredKey }).Verify(Hash, root), $"{label}: key altered");
            Assert.False((proof with { Key = [.. key, 0] }).Verify(Hash, root), $"{label}: key extended");
        }
    }

    [Fact]
    public void TamperedAbsenceProofsFail()
    {
        var (snapshot, entries, absent) = Shared.Value;
        var root = snapshot.Root;
        var otherRoot = Support.Build(entries.Skip(1)).Root;
        var present = entries.Select(e => Convert.ToHexString(e.Key)).ToHashSet();
        var refused = 0;
        foreach (var key in absent)
        {
            var proof = snapshot.Prove(key);
            var label = Convert.ToHexString(key);
            AssertTamperingFails(proof, root, label);
            Assert.False(proof.Verify(Hash, otherRoot), $"{label}: another version's root");
            Assert.False((proof with { Value = [] }).Verify(Hash, root), $"{label}: absence turned into membership of an empty value");
            Assert.False((proof with { Value = [1] }).Verify(Hash, root), $"{label}: absence turned into membership");

            // A different key: the same proof also shows its absence exactly when its path lies in the same subtree
            // and it is not the other entry itself.
            foreach (var altered in new[] { (byte[])[.. key, 0], [(byte)(key[0] ^ 1), .. key[1..]], [(byte)(key[0] ^ 0x80), .. key[1..]] })
            {
                if (present.Contains(Convert.ToHexString(altered)))
                {
                    Assert.False((proof with { Key = altered }).Verify(Hash, root), $"{label}: altered to a present key");
                    continue;
                }
                var path = StateHashing.KeyPath(Hash, altered);
                var expected = SharesPrefix(path, StateHashing.KeyPath(Hash, key), proof.Siblings.Count) && proof.OtherPath != path;
                Assert.Equal(expected, (proof with { Key = altered }).Verify(Hash, root));
                refused += expected ? 0 : 1;
            }
        }
        Assert.True(refused > absent.Count, $"{refused}");
    }

    [Fact]
    public void ProofsFromAnotherVersionFailAgainstThisRoot()
    {
        var (snapshot, entries, _) = Shared.Value;
        var builder = snapshot.ToBuilder(2);
        builder.Set(entries[0].Key, [0x42]);
        var next = builder.Build();
        // The changed key, and keys whose path shares a subtree with it, have different proofs in the two versions.
        Assert.False(snapshot.Prove(entries[0].Key).Verify(Hash, next.Root));
        Assert.True(next.Prove(entries[0].Key).Verify(Hash, next.Root));
        Assert.Equal(new byte[] { 0x42 }, next.Prove(entries[0].Key).Value);
        // Every membership proof of the old version fails against the new root: its path to the root crosses the change.
        foreach (var (key, _) in entries.Take(200))
        {
            Assert.False(snapshot.Prove(key).Verify(Hash, next.Root));
            Assert.True(next.Prove(key).Verify(Hash, next.Root));
        }
    }

    [Fact]
    public void EmptyAndSingleEntryTrees()
    {
        var empty = StateSnapshot.Empty(Hash);
        var absentInEmpty = empty.Prove([1]);
        Assert.Empty(absentInEmpty.Siblings);
        Assert.Null(absentInEmpty.OtherPath);
        Assert.True(absentInEmpty.Verify(Hash, Hash32.Zero));
        Assert.False(absentInEmpty.Verify(Hash, Flip(Hash32.Zero)));

        var single = Support.Build([([7], [8])]);
        var member = single.Prove([7]);
        Assert.Empty(member.Siblings);
        Assert.True(member.Verify(Hash, single.Root));
        var absent = single.Prove([9]);
        Assert.Empty(absent.Siblings);
        Assert.Equal(StateHashing.KeyPath(Hash, [7]), absent.OtherPath);
        Assert.True(absent.Verify(Hash, single.Root));
        Assert.False(absent.Verify(Hash, Hash32.Zero));
        Assert.False((member with { Siblings = [Hash32.Zero] }).Verify(Hash, single.Root));
    }

    [Fact]
    public void ProofsWorkUnderSm3()
    {
        var sm3 = GmSuite.Instance.Hash;
        var random = new Random(2100);
        var keys = Support.DistinctKeys(random, 400);
        var builder = StateSnapshot.Empty(sm3).ToBuilder(1);
        foreach (var key in keys.Take(200))
        {
            builder.Set(key, key);
        }
        var snapshot = builder.Build();
        foreach (var key in keys)
        {
            var proof = snapshot.Prove(key);
            Assert.True(proof.Verify(sm3, snapshot.Root));
            Assert.False(proof.Verify(Hash, snapshot.Root));
        }
    }
}

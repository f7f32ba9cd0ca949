// StateSnapshot and StateTreeBuilder. Valid: the empty tree's root is 32 zero bytes (also after a builder with no
// changes, and after deleting everything); one entry's root is its leaf hash; the root equals the independent
// reference of spec/state.md for sets of 0..40 entries and for 500 random entries; the root is independent of
// insertion order (several random permutations, fixed seeds, also spread over many versions and with interleaved
// overwrites); delete restores earlier roots exactly (A,B,C minus C equals A,B; random subsets); deleting absent keys
// changes neither root nor Count, on empty and full trees; overwriting updates root, value and version but not Count,
// and an identical overwrite keeps the root; Get/GetEntry return values and null for absent keys; Apply applies sets
// and deletions in order. Persistence: old snapshots never change (root, count, values, enumeration, proofs) after
// building new versions from them, including two builders open at once on the same base and a chain of 30 versions.
// Invalid: Build twice, and Set/Delete after Build, throw. Versions: each leaf records the height it was written at.
// Enumerate yields strictly increasing paths and every entry once; FromSortedEntries(Enumerate()) rebuilds the same
// root, count and values, and refuses entries out of path order or duplicated.

using Huilian.Core;
using Huilian.Core.State;
using Huilian.Storage.State;

namespace Huilian.Storage.Tests.State;

public sealed class StateTreeTests
{
    private static (byte[] Key, byte[] Value)[] RandomEntries(int seed, int count)
    {
        var random = new Random(seed);
        return Support.DistinctKeys(random, count).Select(k => (k, Support.RandomBytes(random, 0, 60))).ToArray();
    }

    private static Dictionary<string, byte[]> Contents(StateSnapshot snapshot) =>
        snapshot.Enumerate().ToDictionary(e => Convert.ToHexString(e.Key), e => e.Value);

    private static void AssertMatchesReference(StateSnapshot snapshot, IReadOnlyCollection<(byte[] Key, byte[] Value)> entries)
    {
        Assert.Equal(ReferenceStateTree.Root(entries), snapshot.Root);
        Assert.Equal(entries.Count, snapshot.Count);
        foreach (var (key, value) in entries)
        {
            Assert.Equal(value, snapshot.Get(key));
        }
    }

    // ---- Valid: roots.

    [Fact]
    public void EmptyTreeRootIsZero()
    {
        var empty = StateSnapshot.Empty(Support.Hash);
        Assert.Equal(Hash32.Zero, empty.Root);
        Assert.Equal(new byte[32], empty.Root.ToArray());
        Assert.Equal(0, empty.Count);
        Assert.Equal(0UL, empty.Height);
        Assert.Empty(empty.Enumerate());
        Assert.Null(empty.Get([1]));
        var unchanged = empty.ToBuilder(1).Build();
        Assert.Equal(Hash32.Zero, unchanged.Root);
        Assert.Equal(1UL, unchanged.Height);
        Assert.Equal(Hash32.Zero, ReferenceStateTree.Root([]));
    }

    [Fact]
    public void SingleEntryRootIsItsLeafHash()
    {
        var key = "evidence/x"u8.ToArray();
        byte[] value = [1, 2, 3];
        var snapshot = Support.Build([(key, value)]);
        var path = StateHashing.KeyPath(Support.Hash, key);
        Assert.Equal(StateHashing.LeafHash(Support.Hash, path, StateHashing.ValueHash(Support.Hash, value)), snapshot.Root);
        Assert.Equal(new Hash32(ReferenceStateTree.Leaf(ReferenceStateTree.Path(key), ReferenceStateTree.ValueHash(value))), snapshot.Root);
        Assert.Equal(1, snapshot.Count);
    }

    [Fact]
    public void RootMatchesTheReferenceForSmallSets()
    {
        for (var n = 0; n <= 40; n++)
        {
            var entries = RandomEntries(100 + n, n);
            AssertMatchesReference(Support.Build(entries), entries);
        }
    }

    [Fact]
    public void RootMatchesTheReferenceForALargeSet()
    {
        var entries = RandomEntries(7, 500);
        AssertMatchesReference(Support.Build(entries), entries);
    }

    [Fact]
    public void RootIsIndependentOfInsertionOrder()
    {
        var entries = RandomEntries(11, 300);
        var expected = ReferenceStateTree.Root(entries);
        for (var seed = 0; seed < 6; seed++)
        {
            var random = new Random(seed);
            var shuffled = entries.ToArray();
            random.Shuffle(shuffled);
            Assert.Equal(expected, Support.Build(shuffled).Root);

            // The same permutation spread over versions of random size.
            var snapshot = StateSnapshot.Empty(Support.Hash);
            var index = 0;
            ulong height = 1;
            while (index < shuffled.Length)
            {
                var take = random.Next(1, 40);
                snapshot = Support.Build(shuffled.Skip(index).Take(take), height++, snapshot);
                index += take;
            }
            Assert.Equal(expected, snapshot.Root);
            Assert.Equal(entries.Length, snapshot.Count);
        }
    }

    [Fact]
    public void InterleavedOverwritesAndDeletesEndInTheSameRoot()
    {
        var entries = RandomEntries(12, 200);
        var expected = ReferenceStateTree.Root(entries);
        var random = new Random(13);
        var builder = StateSnapshot.Empty(Support.Hash).ToBuilder(1);
        // Write garbage first, delete some, then write the real values in random order.
        foreach (var (key, _) in entries)
        {
            builder.Set(key, [0xde, 0xad]);
        }
        foreach (var (key, _) in entries.Where(_ => random.Next(2) == 0))
        {
            builder.Delete(key);
        }
        var shuffled = entries.ToArray();
        random.Shuffle(shuffled);
        foreach (var (key, value) in shuffled)
        {
            builder.Set(key, value);
        }
        var snapshot = builder.Build();
        Assert.Equal(expected, snapshot.Root);
        Assert.Equal(entries.Length, snapshot.Count);
    }

    // ---- Valid: delete and overwrite.

    [Fact]
    public void DeleteRestoresEarlierRoots()
    {
        byte[] a = "a"u8.ToArray(), b = "b"u8.ToArray(), c = "c"u8.ToArray();
        var ab = Support.Build([(a, [1]), (b, [2])]);
        var abc = Support.Build([(a, [1]), (b, [2]), (c, [3])]);
        var builder = abc.ToBuilder(2);
        builder.Delete(c);
        var abAgain = builder.Build();
        Assert.Equal(ab.Root, abAgain.Root);
        Assert.Equal(2, abAgain.Count);
        Assert.Null(abAgain.Get(c));

        // Deleting down to one entry gives its leaf; to none gives zero.
        builder = abAgain.ToBuilder(3);
        builder.Delete(b);
        var onlyA = builder.Build();
        Assert.Equal(Support.Build([(a, [1])]).Root, onlyA.Root);
        builder = onlyA.ToBuilder(4);
        builder.Delete(a);
        var none = builder.Build();
        Assert.Equal(Hash32.Zero, none.Root);
        Assert.Equal(0, none.Count);
        Assert.Empty(none.Enumerate());
    }

    [Fact]
    public void DeletingRandomSubsetsEqualsNeverInserting()
    {
        var entries = RandomEntries(21, 400);
        var full = Support.Build(entries);
        for (var seed = 0; seed < 5; seed++)
        {
            var random = new Random(seed);
            var builder = full.ToBuilder(2);
            var kept = new List<(byte[] Key, byte[] Value)>();
            foreach (var entry in entries)
            {
                if (random.Next(3) == 0)
                {
                    builder.Delete(entry.Key);
                }
                else
                {
                    kept.Add(entry);
                }
            }
            var snapshot = builder.Build();
            AssertMatchesReference(snapshot, kept);
            Assert.Equal(Support.Build(kept).Root, snapshot.Root);
        }
        var all = full.ToBuilder(3);
        foreach (var (key, _) in entries)
        {
            all.Delete(key);
        }
        var empty = all.Build();
        Assert.Equal(Hash32.Zero, empty.Root);
        Assert.Equal(0, empty.Count);
    }

    [Fact]
    public void DeletingAbsentKeysChangesNothing()
    {
        var emptyBuilder = StateSnapshot.Empty(Support.Hash).ToBuilder(1);
        emptyBuilder.Delete([1, 2, 3]);
        var stillEmpty = emptyBuilder.Build();
        Assert.Equal(Hash32.Zero, stillEmpty.Root);
        Assert.Equal(0, stillEmpty.Count);

        var random = new Random(31);
        var entries = RandomEntries(31, 200);
        var full = Support.Build(entries);
        var builder = full.ToBuilder(2);
        var present = entries.Select(e => Convert.ToHexString(e.Key)).ToHashSet();
        foreach (var absent in Support.DistinctKeys(random, 300, present))
        {
            builder.Delete(absent);
        }
        // Deleting the same key twice counts once.
        builder.Delete(entries[0].Key);
        builder.Delete(entries[0].Key);
        var after = builder.Build();
        AssertMatchesReference(after, entries[1..]);

        var single = Support.Build([("k"u8.ToArray(), [1])]);
        var singleBuilder = single.ToBuilder(2);
        singleBuilder.Delete("j"u8.ToArray());
        var singleAfter = singleBuilder.Build();
        Assert.Equal(single.Root, singleAfter.Root);
        Assert.Equal(1, singleAfter.Count);
    }

    [Fact]
    public void OverwriteUpdatesRootAndKeepsCount()
    {
        var entries = RandomEntries(41, 100);
        var snapshot = Support.Build(entries);
        var builder = snapshot.ToBuilder(2);
        builder.Set(entries[5].Key, [9, 9, 9]);
        builder.Set(entries[6].Key, entries[6].Value.ToArray());
        var after = builder.Build();
        Assert.NotEqual(snapshot.Root, after.Root);
        Assert.Equal(100, after.Count);
        Assert.Equal(new byte[] { 9, 9, 9 }, after.Get(entries[5].Key));
        var expected = entries.ToArray();
        expected[5] = (entries[5].Key, [9, 9, 9]);
        AssertMatchesReference(after, expected);

        // Writing the same value again keeps the root, and the version moves to the new height.
        var same = snapshot.ToBuilder(3);
        same.Set(entries[7].Key, entries[7].Value.ToArray());
        var sameAfter = same.Build();
        Assert.Equal(snapshot.Root, sameAfter.Root);
        Assert.Equal(100, sameAfter.Count);
        Assert.Equal(3UL, sameAfter.GetEntry(entries[7].Key)!.Version);
        Assert.Equal(1UL, sameAfter.GetEntry(entries[8].Key)!.Version);

        // An empty value is a value, distinct from deletion.
        var emptyValue = snapshot.ToBuilder(4);
        emptyValue.Set(entries[9].Key, []);
        var emptyAfter = emptyValue.Build();
        Assert.Equal(100, emptyAfter.Count);
        Assert.Equal(Array.Empty<byte>(), emptyAfter.Get(entries[9].Key));
        Assert.NotEqual(snapshot.Root, emptyAfter.Root);
    }

    [Fact]
    public void ApplyWritesAndDeletesInOrder()
    {
        var builder = StateSnapshot.Empty(Support.Hash).ToBuilder(1);
        builder.Apply([new StateWrite([1], [10]), new StateWrite([2], [20]), new StateWrite([1], null), new StateWrite([3], [30]), new StateWrite([3], [31])]);
        var snapshot = builder.Build();
        Assert.Equal(2, snapshot.Count);
        Assert.Null(snapshot.Get([1]));
        Assert.Equal(new byte[] { 31 }, snapshot.Get([3]));
        Assert.Equal(ReferenceStateTree.Root([([2], [20]), ([3], [31])]), snapshot.Root);
    }

    [Fact]
    public void GetAndGetEntryOfAbsentKeysAreNull()
    {
        var entries = RandomEntries(51, 50);
        var snapshot = Support.Build(entries);
        var present = entries.Select(e => Convert.ToHexString(e.Key)).ToHashSet();
        foreach (var absent in Support.DistinctKeys(new Random(52), 200, present))
        {
            Assert.Null(snapshot.Get(absent));
            Assert.Null(snapshot.GetEntry(absent));
        }
    }

    // ---- Persistence.

    [Fact]
    public void OldSnapshotsNeverChange()
    {
        var entries = RandomEntries(61, 150);
        var v1 = Support.Build(entries);
        var v1Root = v1.Root;
        var v1Contents = Contents(v1);
        var v1Enumeration = v1.Enumerate().Select(e => Convert.ToHexString(e.Key)).ToList();
        var v1Proofs = entries.Take(20).Select(e => v1.Prove(e.Key).Encode()).ToList();

        var random = new Random(62);
        var builder = v1.ToBuilder(2);
        foreach (var (key, _) in entries.Where(_ => random.Next(2) == 0))
        {
            builder.Delete(key);
        }
        foreach (var (key, _) in entries.Where(_ => random.Next(2) == 0))
        {
            builder.Set(key, [0xff]);
        }
        foreach (var key in Support.DistinctKeys(random, 100))
        {
            builder.Set(key, [0xee]);
        }
        var v2 = builder.Build();
        Assert.NotEqual(v1Root, v2.Root);

        Assert.Equal(v1Root, v1.Root);
        Assert.Equal(150, v1.Count);
        Assert.Equal(v1Contents, Contents(v1));
        Assert.Equal(v1Enumeration, v1.Enumerate().Select(e => Convert.ToHexString(e.Key)).ToList());
        AssertMatchesReference(v1, entries);
        Assert.Equal(v1Proofs, entries.Take(20).Select(e => v1.Prove(e.Key).Encode()).ToList());
        Assert.Equal(v1Root, StateSnapshot.FromSortedEntries(Support.Hash, v1.Enumerate().ToList(), 1).Root);
    }

    [Fact]
    public void TwoBuildersFromTheSameBaseAreIndependent()
    {
        var entries = RandomEntries(71, 120);
        var baseVersion = Support.Build(entries);
        var baseRoot = baseVersion.Root;
        var left = baseVersion.ToBuilder(2);
        var right = baseVersion.ToBuilder(2);
        var leftExpected = entries.ToDictionary(e => Convert.ToHexString(e.Key), e => e);
        var rightExpected = entries.ToDictionary(e => Convert.ToHexString(e.Key), e => e);
        var random = new Random(72);
        var newKeys = Support.DistinctKeys(random, 80, leftExpected.Keys.ToHashSet());
        // Interleave: both builders touch the same paths in different ways.
        for (var i = 0; i < 80; i++)
        {
            var existing = entries[i];
            left.Set(existing.Key, [1, (byte)i]);
            leftExpected[Convert.ToHexString(existing.Key)] = (existing.Key, [1, (byte)i]);
            right.Delete(existing.Key);
            rightExpected.Remove(Convert.ToHexString(existing.Key));
            right.Set(newKeys[i], [2, (byte)i]);
            rightExpected[Convert.ToHexString(newKeys[i])] = (newKeys[i], [2, (byte)i]);
            if (i % 3 == 0)
            {
                left.Set(newKeys[i], [3]);
                leftExpected[Convert.ToHexString(newKeys[i])] = (newKeys[i], [3]);
            }
        }
        var leftVersion = left.Build();
        Assert.Equal(baseRoot, baseVersion.Root);
        var rightVersion = right.Build();
        AssertMatchesReference(leftVersion, leftExpected.Values.ToList());
        AssertMatchesReference(rightVersion, rightExpected.Values.ToList());
        AssertMatchesReference(baseVersion, entries);

        // Building further from each keeps every other version intact.
        var leftNext = leftVersion.ToBuilder(3);
        leftNext.Delete(entries[100].Key);
        leftNext.Build();
        AssertMatchesReference(leftVersion, leftExpected.Values.ToList());
        AssertMatchesReference(rightVersion, rightExpected.Values.ToList());
        AssertMatchesReference(baseVersion, entries);
    }

    [Fact]
    public void AChainOfVersionsKeepsEveryRoot()
    {
        var random = new Random(81);
        var live = new Dictionary<string, (byte[] Key, byte[] Value)>();
        var versions = new List<(StateSnapshot Snapshot, Hash32 Root, List<(byte[] Key, byte[] Value)> Entries)>();
        var snapshot = StateSnapshot.Empty(Support.Hash);
        for (ulong height = 1; height <= 30; height++)
        {
            var builder = snapshot.ToBuilder(height);
            for (var i = 0; i < 20; i++)
            {
                if (live.Count > 0 && random.Next(3) == 0)
                {
                    var victim = live.Keys.OrderBy(k => k, StringComparer.Ordinal).ElementAt(random.Next(live.Count));
                    builder.Delete(live[victim].Key);
                    live.Remove(victim);
                }
                else
                {
                    var key = Support.RandomBytes(random, 1, 3);
                    var value = Support.RandomBytes(random, 0, 8);
                    builder.Set(key, value);
                    live[Convert.ToHexString(key)] = (key, value);
                }
            }
            snapshot = builder.Build();
            versions.Add((snapshot, snapshot.Root, live.Values.ToList()));
        }
        foreach (var (version, root, entries) in versions)
        {
            Assert.Equal(root, version.Root);
            AssertMatchesReference(version, entries);
        }
    }

    // ---- Invalid: spent builders.

    [Fact]
    public void BuildTwiceThrows()
    {
        var builder = StateSnapshot.Empty(Support.Hash).ToBuilder(1);
        builder.Set([1], [1]);
        builder.Build();
        Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Throws<InvalidOperationException>(() => builder.Set([2], [2]));
        Assert.Throws<InvalidOperationException>(() => builder.Delete([1]));
        Assert.Throws<InvalidOperationException>(() => builder.Apply([new StateWrite([3], [3])]));
    }

    // ---- Versions.

    [Fact]
    public void EachLeafRecordsTheHeightItWasWrittenAt()
    {
        var v1 = Support.Build([([1], [1]), ([2], [2])], height: 1);
        var builder = v1.ToBuilder(5);
        builder.Set([2], [22]);
        builder.Set([3], [3]);
        var v5 = builder.Build();
        Assert.Equal(5UL, v5.Height);
        Assert.Equal(1UL, v5.GetEntry([1])!.Version);
        Assert.Equal(5UL, v5.GetEntry([2])!.Version);
        Assert.Equal(5UL, v5.GetEntry([3])!.Version);
        Assert.Equal(1UL, v1.GetEntry([2])!.Version);
        Assert.Equal(new byte[] { 2 }, v1.GetEntry([2])!.Value);
        Assert.Equal(new byte[] { 1 }, v5.GetEntry([1])!.Key);
        var versions = v5.Enumerate().ToDictionary(e => e.Key[0], e => e.Version);
        Assert.Equal(new Dictionary<byte, ulong> { [1] = 1, [2] = 5, [3] = 5 }, versions);
    }

    // ---- Enumeration and rebuilding.

    [Fact]
    public void EnumerateYieldsEveryEntryInPathOrder()
    {
        var entries = RandomEntries(91, 300);
        var snapshot = Support.Build(entries);
        var enumerated = snapshot.Enumerate().ToList();
        Assert.Equal(300, enumerated.Count);
        var paths = enumerated.Select(e => StateHashing.KeyPath(Support.Hash, e.Key)).ToList();
        for (var i = 1; i < paths.Count; i++)
        {
            Assert.True(paths[i - 1] < paths[i], $"entry {i}");
        }
        Assert.Equal(
            entries.Select(e => Convert.ToHexString(e.Key)).Order(StringComparer.Ordinal),
            enumerated.Select(e => Convert.ToHexString(e.Key)).Order(StringComparer.Ordinal));
        foreach (var entry in enumerated)
        {
            Assert.Equal(snapshot.Get(entry.Key), entry.Value);
        }
    }

    [Fact]
    public void FromSortedEntriesRebuildsTheSameTree()
    {
        foreach (var n in new[] { 0, 1, 2, 3, 17, 500 })
        {
            var entries = RandomEntries(200 + n, n);
            var builder = StateSnapshot.Empty(Support.Hash).ToBuilder(3);
            foreach (var (key, value) in entries)
            {
                builder.Set(key, value);
            }
            var snapshot = builder.Build();
            var rebuilt = StateSnapshot.FromSortedEntries(Support.Hash, snapshot.Enumerate().ToList(), 9);
            Assert.Equal(snapshot.Root, rebuilt.Root);
            Assert.Equal(snapshot.Count, rebuilt.Count);
            Assert.Equal(9UL, rebuilt.Height);
            Assert.Equal(Contents(snapshot), Contents(rebuilt));
            Assert.All(rebuilt.Enumerate(), e => Assert.Equal(3UL, e.Version));
            // A rebuilt tree is a normal base for further versions.
            if (n > 0)
            {
                var next = rebuilt.ToBuilder(10);
                next.Delete(entries[0].Key);
                AssertMatchesReference(next.Build(), entries[1..]);
            }
        }
    }

    [Fact]
    public void FromSortedEntriesRefusesDisorderAndDuplicates()
    {
        var snapshot = Support.Build(RandomEntries(301, 10));
        var sorted = snapshot.Enumerate().ToList();
        var swapped = sorted.ToList();
        (swapped[3], swapped[4]) = (swapped[4], swapped[3]);
        Assert.Throws<StorageCorruptionException>(() => StateSnapshot.FromSortedEntries(Support.Hash, swapped, 1));
        var duplicated = sorted.Take(5).Append(sorted[4]).Concat(sorted.Skip(5)).ToList();
        Assert.Throws<StorageCorruptionException>(() => StateSnapshot.FromSortedEntries(Support.Hash, duplicated, 1));
        var reversed = sorted.AsEnumerable().Reverse().ToList();
        Assert.Throws<StorageCorruptionException>(() => StateSnapshot.FromSortedEntries(Support.Hash, reversed, 1));
    }
}

// SnapshotStore. Valid: Write then TryLoad gives the same root, count, height, entries (in path order) and versions,
// for an empty state, a small state, and one larger than an insert batch (50,000 entries); the loaded snapshot is a
// working base for further versions; rewriting a height replaces it. Invalid, each returning null with a problem: a
// missing file; a file truncated to 0 bytes, to 100 bytes and to half; a flipped byte inside an entry value (root
// mismatch; a flip in a stale copy SQLite left in free space changes nothing); an entry deleted or moved; a meta row
// missing or recording another or a negative height; a wrong or out-of-range count; a root of the wrong length or
// type; a negative version; a value of the wrong type; a dropped table; garbage bytes. ListComplete: newest first, ignoring partial
// files and names that are not state-HEIGHT.db. Prune keeps the newest N (N = 2, more than exist, 0) and removes
// partial files; Delete removes one height.

using Huilian.Core;
using Huilian.Storage.State;
using Microsoft.Data.Sqlite;

namespace Huilian.Storage.Tests.State;

public sealed class SnapshotStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static StateSnapshot Sample(int count, int seed, ulong height = 12)
    {
        var random = new Random(seed);
        var entries = Support.DistinctKeys(random, count).Select(k => (k, Support.RandomBytes(random, 0, 50))).ToList();
        // Two versions so that leaves record different heights.
        var first = Support.Build(entries.Take(count / 2), height - 1);
        return Support.Build(entries.Skip(count / 2), height, first);
    }

    private string FileFor(ulong height) => Path.Combine(_directory.Path, $"state-{height:D12}.db");

    private static void AssertSame(StateSnapshot expected, StateSnapshot actual)
    {
        Assert.Equal(expected.Root, actual.Root);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Height, actual.Height);
        var a = expected.Enumerate().ToList();
        var b = actual.Enumerate().ToList();
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Key, b[i].Key);
            Assert.Equal(a[i].Value, b[i].Value);
            Assert.Equal(a[i].Version, b[i].Version);
        }
    }

    private static void Sql(string file, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private StateSnapshot? Load(SnapshotStore store, ulong height, bool expectProblem)
    {
        var loaded = store.TryLoad(Support.Hash, height, out var problem);
        if (expectProblem)
        {
            Assert.Null(loaded);
            Assert.False(string.IsNullOrWhiteSpace(problem));
        }
        else
        {
            Assert.Null(problem);
            Assert.NotNull(loaded);
        }
        return loaded;
    }

    // ---- Valid.

    [Fact]
    public void WriteThenLoadGivesTheSameSnapshot()
    {
        var store = new SnapshotStore(_directory.Path);
        var snapshot = Sample(300, 1);
        store.Write(snapshot);
        Assert.True(File.Exists(FileFor(12)));
        Assert.False(File.Exists(FileFor(12) + ".partial"));
        var loaded = Load(store, 12, expectProblem: false)!;
        AssertSame(snapshot, loaded);
        Assert.Contains(loaded.Enumerate(), e => e.Version == 11);
        Assert.Contains(loaded.Enumerate(), e => e.Version == 12);

        // The loaded snapshot is a working base.
        var builder = loaded.ToBuilder(13);
        var first = loaded.Enumerate().First();
        builder.Delete(first.Key);
        var next = builder.Build();
        Assert.Equal(299, next.Count);
        Assert.Equal(ReferenceStateTree.Root(loaded.Enumerate().Skip(1).Select(e => (e.Key, e.Value))), next.Root);
    }

    [Fact]
    public void EmptySnapshotRoundTrips()
    {
        var store = new SnapshotStore(_directory.Path);
        var empty = StateSnapshot.Empty(Support.Hash).ToBuilder(0).Build();
        store.Write(empty);
        var loaded = Load(store, 0, expectProblem: false)!;
        Assert.Equal(Hash32.Zero, loaded.Root);
        Assert.Equal(0, loaded.Count);
        Assert.Empty(loaded.Enumerate());
    }

    [Fact]
    public void SnapshotLargerThanOneInsertBatchRoundTrips()
    {
        var builder = StateSnapshot.Empty(Support.Hash).ToBuilder(40);
        for (var i = 0; i < 50_010; i++)
        {
            builder.Set(BitConverter.GetBytes(i), [(byte)i, (byte)(i >> 8)]);
        }
        var snapshot = builder.Build();
        var store = new SnapshotStore(_directory.Path);
        store.Write(snapshot);
        var loaded = Load(store, 40, expectProblem: false)!;
        Assert.Equal(snapshot.Root, loaded.Root);
        Assert.Equal(50_010, loaded.Count);
        Assert.Equal(new byte[] { 0x4f, 0xc3 }, loaded.Get(BitConverter.GetBytes(50_000 - 1)));
    }

    [Fact]
    public void RewritingAHeightReplacesIt()
    {
        var store = new SnapshotStore(_directory.Path);
        store.Write(Sample(20, 4));
        var replacement = Sample(30, 5);
        store.Write(replacement);
        AssertSame(replacement, Load(store, 12, expectProblem: false)!);
        Assert.Equal([12UL], store.ListComplete());
    }

    // ---- Invalid.

    [Fact]
    public void MissingFileIsReported()
    {
        var store = new SnapshotStore(_directory.Path);
        Load(store, 5, expectProblem: true);
        store.Write(Sample(10, 6, height: 6));
        Load(store, 5, expectProblem: true);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(-2)]
    public void TruncatedFileIsReported(int length)
    {
        var store = new SnapshotStore(_directory.Path);
        store.Write(Sample(2000, 7));
        var file = FileFor(12);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(length >= 0 ? length : bytes.Length / -length)]);
        Load(store, 12, expectProblem: true);
    }

    [Fact]
    public void FlippedByteInAValueIsReported()
    {
        // A value with a marker that occurs once in the file.
        var marker = Enumerable.Range(0, 24).Select(i => (byte)(0xa0 + i)).ToArray();
        var random = new Random(8);
        var entries = Support.DistinctKeys(random, 100).Select((k, i) => (k, i == 50 ? marker : Support.RandomBytes(random, 0, 20))).ToList();
        var store = new SnapshotStore(_directory.Path);
        var snapshot = Support.Build(entries, 12);
        store.Write(snapshot);
        var file = FileFor(12);
        var original = File.ReadAllBytes(file);
        // SQLite may leave a stale copy of a record in free space after a page split, so flip each copy in turn:
        // a flip in the live record must be detected, a flip in dead space must change nothing.
        var detected = 0;
        for (var at = original.AsSpan().IndexOf(marker); at >= 0; at = NextIndex(original, marker, at))
        {
            var bytes = (byte[])original.Clone();
            bytes[at + 10] ^= 0x01;
            File.WriteAllBytes(file, bytes);
            var loaded = store.TryLoad(Support.Hash, 12, out var problem);
            if (loaded is null)
            {
                Assert.Contains("root", problem);
                detected++;
            }
            else
            {
                AssertSame(snapshot, loaded);
            }
        }
        Assert.Equal(1, detected);
    }

    private static int NextIndex(byte[] data, byte[] pattern, int previous)
    {
        var next = data.AsSpan(previous + 1).IndexOf(pattern);
        return next < 0 ? -1 : previous + 1 + next;
    }

    [Fact]
    public void DeletedEntryIsReported()
    {
        var store = new SnapshotStore(_directory.Path);
        store.Write(Sample(50, 9));
        Sql(FileFor(12), "DELETE FROM entries WHERE seq = 7");
        Load(store, 12, expectProblem: true);
    }

    [Theory]
    [InlineData("UPDATE meta SET height = 13")]
    [InlineData("UPDATE meta SET height = -1")]
    [InlineData("DELETE FROM meta")]
    [InlineData("UPDATE meta SET count = count + 1")]
    [InlineData("UPDATE meta SET count = -1")]
    [InlineData("UPDATE meta SET count = 9223372036854775807")]
    [InlineData("UPDATE meta SET root = x'00'")]
    [InlineData("UPDATE meta SET root = 'text'")]
    [InlineData("UPDATE entries SET version = -1 WHERE seq = 3")]
    [InlineData("UPDATE entries SET value = 'text' WHERE seq = 3")]
    [InlineData("UPDATE entries SET seq = seq + 1000 WHERE seq = 1")]
    [InlineData("DROP TABLE entries")]
    public void DamagedRowsAreReported(string sql)
    {
        var store = new SnapshotStore(_directory.Path);
        store.Write(Sample(50, 10));
        Sql(FileFor(12), sql);
        Load(store, 12, expectProblem: true);
    }

    [Fact]
    public void GarbageFileIsReported()
    {
        var store = new SnapshotStore(_directory.Path);
        var garbage = new byte[8192];
        new Random(11).NextBytes(garbage);
        File.WriteAllBytes(FileFor(3), garbage);
        Load(store, 3, expectProblem: true);
    }

    // ---- Listing and pruning.

    [Fact]
    public void ListCompleteIsNewestFirstAndIgnoresOtherFiles()
    {
        var store = new SnapshotStore(_directory.Path);
        Assert.Empty(store.ListComplete());
        foreach (var height in new ulong[] { 5, 100, 20, 1 })
        {
            store.Write(Sample(4, (int)height, height));
        }
        File.WriteAllBytes(FileFor(700) + ".partial", [1]);
        File.WriteAllBytes(Path.Combine(_directory.Path, "state-abc.db"), [1]);
        File.WriteAllBytes(Path.Combine(_directory.Path, "state--1.db"), [1]);
        File.WriteAllBytes(Path.Combine(_directory.Path, "other.db"), [1]);
        Assert.Equal([100UL, 20UL, 5UL, 1UL], store.ListComplete());
    }

    [Fact]
    public void PruneKeepsTheNewest()
    {
        var store = new SnapshotStore(_directory.Path);
        foreach (var height in new ulong[] { 3, 9, 6, 12 })
        {
            store.Write(Sample(4, (int)height, height));
        }
        File.WriteAllBytes(FileFor(15) + ".partial", [1]);
        store.Prune(10);
        Assert.Equal([12UL, 9UL, 6UL, 3UL], store.ListComplete());
        Assert.False(File.Exists(FileFor(15) + ".partial"));
        store.Prune(2);
        Assert.Equal([12UL, 9UL], store.ListComplete());
        Assert.False(File.Exists(FileFor(6)));
        Assert.NotNull(store.TryLoad(Support.Hash, 9, out _));
        store.Delete(12);
        Assert.Equal([9UL], store.ListComplete());
        store.Prune(0);
        Assert.Empty(store.ListComplete());
    }
}

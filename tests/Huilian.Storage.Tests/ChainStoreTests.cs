// ChainStore. Open creates the directory and chain.db and records the schema; meta get/set (absent is null,
// overwrite, empty and large values). Append then read back: ReadBlock (every field, absent heights null),
// ReadBlocks (full range, sub-range, past the end, empty range, pages of 1 and 2), ReadTransaction,
// ReadTransactions (ranges inside, across blocks and past the end), ReadTransactionIds (from 0 and after a sequence,
// small pages), ReadHeight and ReadTransactionCount (0 when empty), blocks with no transactions. Atomicity: an Append
// whose transactions repeat a sequence number, or reuse a stored one, fails and leaves no block row and no
// transaction behind, and the store stays usable; appending an existing height fails and keeps the original.
// TruncateAbove removes later blocks and their transactions only (and is a no-op at or above the head). Reopening
// after Dispose keeps blocks, transactions and meta. A schema version mismatch, and a file that is not SQLite, are
// refused with StorageCorruptionException. QuickCheck says ok; FileBytes and Checkpoint work.

using Huilian.Core;
using Microsoft.Data.Sqlite;

namespace Huilian.Storage.Tests;

public sealed class ChainStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string DataPath => Path.Combine(_directory.Path, "data");

    private static Hash32 HashOf(string text) => Support.Hash.Hash(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Block <paramref name="height"/> with <paramref name="count"/> transactions starting at sequence <paramref name="first"/>.</summary>
    private static BlockWrite Block(ulong height, long first, int count)
    {
        var random = new Random((int)height);
        var transactions = Enumerable.Range(0, count).Select(i => new TransactionRecord(
            first + i, height, i, HashOf($"tx {first + i}"), Support.RandomBytes(random, 1, 300), Support.RandomBytes(random, 1, 100))).ToList();
        var block = new BlockRecord(height, HashOf($"block {height}"), Support.RandomBytes(random, 100, 300), Support.RandomBytes(random, 50, 150),
            Support.RandomBytes(random, 0, 200), first, count, Support.RandomBytes(random, 0, 100));
        return new BlockWrite(block, transactions);
    }

    private static void AssertBlock(BlockRecord expected, BlockRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Hash, actual.Hash);
        Assert.Equal(expected.Header, actual.Header);
        Assert.Equal(expected.Commit, actual.Commit);
        Assert.Equal(expected.Writes, actual.Writes);
        Assert.Equal(expected.FirstTransaction, actual.FirstTransaction);
        Assert.Equal(expected.TransactionCount, actual.TransactionCount);
        Assert.Equal(expected.Evidence, actual.Evidence);
    }

    private static void AssertTransaction(TransactionRecord expected, TransactionRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.Height, actual.Height);
        Assert.Equal(expected.Index, actual.Index);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Transaction, actual.Transaction);
        Assert.Equal(expected.Receipt, actual.Receipt);
    }

    /// <summary>Blocks 1 to 4 with 3, 0, 5 and 2 transactions: sequences 1-3, none, 4-8, 9-10.</summary>
    private static List<BlockWrite> Chain() => [Block(1, 1, 3), Block(2, 4, 0), Block(3, 4, 5), Block(4, 9, 2)];

    private static ChainStore Filled(string path, out List<BlockWrite> blocks)
    {
        var store = ChainStore.Open(path);
        blocks = Chain();
        foreach (var block in blocks)
        {
            store.Append(block);
        }
        return store;
    }

    // ---- Open and meta.

    [Fact]
    public void OpenCreatesTheStore()
    {
        using var store = ChainStore.Open(DataPath);
        Assert.True(File.Exists(Path.Combine(DataPath, ChainStore.FileName)));
        Assert.Equal(Path.Combine(DataPath, "chain.db"), store.Path);
        Assert.Equal(BitConverter.GetBytes(ChainStore.SchemaVersion), store.GetMeta("schema"));
        Assert.Equal(0UL, store.ReadHeight());
        Assert.Equal(0, store.ReadTransactionCount());
        Assert.Null(store.ReadBlock(1));
        Assert.Empty(store.ReadBlocks(1, 100));
        Assert.Empty(store.ReadTransactionIds());
        Assert.Equal("ok", store.QuickCheck());
        Assert.True(store.FileBytes() > 0);
    }

    [Fact]
    public void MetaGetAndSet()
    {
        using var store = ChainStore.Open(DataPath);
        Assert.Null(store.GetMeta("genesis"));
        store.SetMeta("genesis", [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, store.GetMeta("genesis"));
        store.SetMeta("genesis", [4]);
        Assert.Equal(new byte[] { 4 }, store.GetMeta("genesis"));
        store.SetMeta("empty", []);
        Assert.Equal(Array.Empty<byte>(), store.GetMeta("empty"));
        var large = new byte[1 << 20];
        new Random(1).NextBytes(large);
        store.SetMeta("大", large);
        Assert.Equal(large, store.GetMeta("大"));
        Assert.Null(store.GetMeta("Genesis"));
    }

    // ---- Append and read.

    [Fact]
    public void AppendedBlocksReadBack()
    {
        using var store = Filled(DataPath, out var blocks);
        Assert.Equal(4UL, store.ReadHeight());
        Assert.Equal(10, store.ReadTransactionCount());
        foreach (var block in blocks)
        {
            AssertBlock(block.Block, store.ReadBlock(block.Block.Height));
        }
        Assert.Null(store.ReadBlock(0));
        Assert.Null(store.ReadBlock(5));
        Assert.Null(store.ReadBlock(long.MaxValue));
    }

    [Theory]
    [InlineData(1UL, 4UL, 256, new ulong[] { 1, 2, 3, 4 })]
    [InlineData(1UL, 4UL, 1, new ulong[] { 1, 2, 3, 4 })]
    [InlineData(1UL, 4UL, 2, new ulong[] { 1, 2, 3, 4 })]
    [InlineData(2UL, 3UL, 1, new ulong[] { 2, 3 })]
    [InlineData(3UL, 100UL, 2, new ulong[] { 3, 4 })]
    [InlineData(0UL, 1UL, 2, new ulong[] { 1 })]
    [InlineData(5UL, 9UL, 2, new ulong[0])]
    [InlineData(3UL, 2UL, 2, new ulong[0])]
    public void ReadBlocksPages(ulong from, ulong to, int pageSize, ulong[] heights)
    {
        using var store = Filled(DataPath, out var blocks);
        var read = store.ReadBlocks(from, to, pageSize).ToList();
        Assert.Equal(heights, read.Select(b => b.Height));
        foreach (var block in read)
        {
            AssertBlock(blocks[(int)block.Height - 1].Block, block);
        }
    }

    [Fact]
    public void TransactionsReadBack()
    {
        using var store = Filled(DataPath, out var blocks);
        var all = blocks.SelectMany(b => b.Transactions).ToList();
        Assert.Equal(10, all.Count);
        foreach (var transaction in all)
        {
            AssertTransaction(transaction, store.ReadTransaction(transaction.Sequence));
        }
        Assert.Null(store.ReadTransaction(0));
        Assert.Null(store.ReadTransaction(11));

        var range = store.ReadTransactions(2, 5);
        Assert.Equal([2L, 3, 4, 5, 6], range.Select(t => t.Sequence));
        for (var i = 0; i < range.Count; i++)
        {
            AssertTransaction(all[i + 1], range[i]);
        }
        Assert.Equal([9L, 10], store.ReadTransactions(9, 10).Select(t => t.Sequence));
        Assert.Empty(store.ReadTransactions(11, 5));
        Assert.Empty(store.ReadTransactions(1, 0));
        // A block's transactions by its first sequence and count.
        var third = store.ReadBlock(3)!;
        Assert.Equal(all.Where(t => t.Height == 3).Select(t => t.Id), store.ReadTransactions(third.FirstTransaction, third.TransactionCount).Select(t => t.Id));
    }

    [Theory]
    [InlineData(0L, 65_536)]
    [InlineData(0L, 1)]
    [InlineData(0L, 3)]
    [InlineData(4L, 2)]
    [InlineData(9L, 1)]
    [InlineData(10L, 4)]
    public void TransactionIdsPage(long after, int pageSize)
    {
        using var store = Filled(DataPath, out var blocks);
        var expected = blocks.SelectMany(b => b.Transactions).Where(t => t.Sequence > after).Select(t => (t.Sequence, t.Id)).ToList();
        Assert.Equal(expected, store.ReadTransactionIds(after, pageSize).ToList());
    }

    // ---- Atomicity.

    [Fact]
    public void FailedAppendLeavesNothingBehind()
    {
        using var store = Filled(DataPath, out _);
        var bad = Block(5, 11, 3);
        var duplicated = new BlockWrite(bad.Block, [bad.Transactions[0], bad.Transactions[1], bad.Transactions[1] with { Index = 2 }]);
        Assert.Throws<SqliteException>(() => store.Append(duplicated));
        Assert.Null(store.ReadBlock(5));
        Assert.Equal(4UL, store.ReadHeight());
        Assert.Equal(10, store.ReadTransactionCount());
        Assert.Null(store.ReadTransaction(11));

        // Reusing a sequence number stored by an earlier block fails the same way.
        var reused = Block(5, 10, 2);
        Assert.Throws<SqliteException>(() => store.Append(reused));
        Assert.Null(store.ReadBlock(5));
        Assert.Equal(10, store.ReadTransactionCount());
        Assert.Equal(HashOf("tx 10"), store.ReadTransaction(10)!.Id);

        // The store is still usable: the correct block appends.
        var good = Block(5, 11, 3);
        store.Append(good);
        AssertBlock(good.Block, store.ReadBlock(5));
        Assert.Equal(13, store.ReadTransactionCount());
        Assert.Equal("ok", store.QuickCheck());
    }

    [Fact]
    public void AppendingAnExistingHeightFails()
    {
        using var store = Filled(DataPath, out var blocks);
        var again = Block(4, 11, 1);
        var replacement = new BlockWrite(again.Block with { Header = [9, 9, 9] }, again.Transactions);
        Assert.Throws<SqliteException>(() => store.Append(replacement));
        AssertBlock(blocks[3].Block, store.ReadBlock(4));
        Assert.Null(store.ReadTransaction(11));
    }

    // ---- Truncation.

    [Fact]
    public void TruncateAboveRemovesLaterBlocksOnly()
    {
        using var store = Filled(DataPath, out var blocks);
        store.TruncateAbove(4);
        Assert.Equal(4UL, store.ReadHeight());
        store.TruncateAbove(100);
        Assert.Equal(10, store.ReadTransactionCount());

        store.TruncateAbove(2);
        Assert.Equal(2UL, store.ReadHeight());
        Assert.Null(store.ReadBlock(3));
        Assert.Null(store.ReadBlock(4));
        AssertBlock(blocks[0].Block, store.ReadBlock(1));
        AssertBlock(blocks[1].Block, store.ReadBlock(2));
        Assert.Equal(3, store.ReadTransactionCount());
        Assert.Equal([1L, 2, 3], store.ReadTransactionIds().Select(t => t.Sequence));
        Assert.Null(store.ReadTransaction(4));

        // The chain continues from the truncated height.
        store.Append(Block(3, 4, 1));
        Assert.Equal(3UL, store.ReadHeight());
        Assert.Equal(4, store.ReadTransactionCount());

        store.TruncateAbove(0);
        Assert.Equal(0UL, store.ReadHeight());
        Assert.Equal(0, store.ReadTransactionCount());
        Assert.NotNull(store.GetMeta("schema"));
    }

    // ---- Reopen and schema.

    [Fact]
    public void ReopeningKeepsData()
    {
        List<BlockWrite> blocks;
        using (var store = Filled(DataPath, out blocks))
        {
            store.SetMeta("genesis", [7, 7]);
            store.Checkpoint();
        }
        using (var reopened = ChainStore.Open(DataPath))
        {
            Assert.Equal(4UL, reopened.ReadHeight());
            Assert.Equal(10, reopened.ReadTransactionCount());
            Assert.Equal(new byte[] { 7, 7 }, reopened.GetMeta("genesis"));
            foreach (var block in blocks)
            {
                AssertBlock(block.Block, reopened.ReadBlock(block.Block.Height));
                foreach (var transaction in block.Transactions)
                {
                    AssertTransaction(transaction, reopened.ReadTransaction(transaction.Sequence));
                }
            }
            reopened.Append(Block(5, 11, 1));
        }
        using (var again = ChainStore.Open(DataPath))
        {
            Assert.Equal(5UL, again.ReadHeight());
            Assert.Equal(11, again.ReadTransactionCount());
        }
    }

    [Fact]
    public void SchemaMismatchIsRefused()
    {
        using (var store = ChainStore.Open(DataPath))
        {
            store.SetMeta("schema", BitConverter.GetBytes(ChainStore.SchemaVersion + 1));
        }
        var exception = Assert.Throws<StorageCorruptionException>(() => ChainStore.Open(DataPath));
        Assert.Contains("schema", exception.Message);
    }

    [Fact]
    public void FileThatIsNotSqliteIsRefused()
    {
        Directory.CreateDirectory(DataPath);
        var garbage = new byte[16_384];
        new Random(2).NextBytes(garbage);
        File.WriteAllBytes(Path.Combine(DataPath, ChainStore.FileName), garbage);
        Assert.Throws<StorageCorruptionException>(() => ChainStore.Open(DataPath));
    }
}

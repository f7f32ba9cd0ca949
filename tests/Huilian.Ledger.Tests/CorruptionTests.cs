using Huilian.Core;
using Microsoft.Data.Sqlite;

namespace Huilian.Ledger.Tests;

// Cases: the check on start refuses a chain it cannot verify and names the height and what broke — a changed
// transaction byte (TransactionRootMismatch), a changed receipt (ReceiptRootMismatch), a changed header
// (BlockHashMismatch), a changed stored block hash (BlockHashMismatch), a changed write set (StateRootMismatch),
// a changed commit signature (CommitInvalidSignature), a deleted block (BlockMissing), a column of the wrong type (StorageDamaged), an extra transaction row
// (TransactionCountMismatch), and a damaged database page (StorageDamaged); an untouched chain reopens.
public sealed class CorruptionTests
{
    [Theory]
    [InlineData("UPDATE txs SET tx = CAST(substr(tx, 1, length(tx) - 1) || X'00' AS BLOB) WHERE seq = 23", 3UL, "TransactionRootMismatch")]
    [InlineData("UPDATE txs SET receipt = CAST(substr(receipt, 1, length(receipt) - 1) || X'20' AS BLOB) WHERE seq = 45", 5UL, "ReceiptRootMismatch")]
    [InlineData("UPDATE blocks SET header = CAST(substr(header, 1, 30) || X'ff' || substr(header, 32) AS BLOB) WHERE height = 4", 4UL, "BlockHashMismatch")]
    [InlineData("UPDATE blocks SET hash = zeroblob(32) WHERE height = 6", 6UL, "BlockHashMismatch")]
    [InlineData("UPDATE blocks SET writes = CAST(substr(writes, 1, 60) || X'ff' || substr(writes, 62) AS BLOB) WHERE height = 7", 7UL, "StateRootMismatch")]
    [InlineData("UPDATE blocks SET commit_cert = CAST(substr(commit_cert, 1, 70) || X'ff' || substr(commit_cert, 72) AS BLOB) WHERE height = 2", 2UL, "CommitInvalidSignature")]
    [InlineData("DELETE FROM blocks WHERE height = 5", 5UL, "BlockMissing")]
    [InlineData("UPDATE txs SET tx = 'text, not bytes' WHERE seq = 33", 4UL, "StorageDamaged")]
    [InlineData("UPDATE txs SET id = zeroblob(32) WHERE seq = 12", 2UL, "TransactionDamaged")]
    [InlineData("INSERT INTO txs(seq, height, idx, id, tx, receipt) VALUES (100000, 99, 0, zeroblob(32), X'00', X'00')", 8UL, "TransactionCountMismatch")]
    public void TamperingIsFoundAtItsHeight(string sql, ulong height, string code)
    {
        using var fixture = new LedgerFixture();
        fixture.CommitEvidenceBlocks(blocks: 8, perBlock: 10);
        fixture.Close();
        Execute(fixture.DataDirectory, sql);
        var exception = Assert.Throws<ChainCorruptionException>(() => fixture.Reopen());
        Assert.Equal(code, exception.Code);
        Assert.Equal(height, exception.Height);
        Assert.Contains($"height {height}", exception.Message);
        RestoreOpenable(fixture);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(35)]
    [InlineData(50)]
    [InlineData(65)]
    [InlineData(80)]
    public void ADamagedDatabasePageIsFound(int percentIntoTheFile)
    {
        using var fixture = new LedgerFixture();
        fixture.CommitEvidenceBlocks(blocks: 30, perBlock: 20);
        fixture.Chain.Store.Checkpoint();
        fixture.Close();
        var path = Path.Combine(fixture.DataDirectory, "chain.db");
        var bytes = File.ReadAllBytes(path);
        // Overwrite the middle of the file with garbage: B-tree pages of the block and transaction tables.
        var start = bytes.Length * percentIntoTheFile / 100;
        for (var i = start; i < Math.Min(bytes.Length, start + 8192); i++)
        {
            bytes[i] = 0xA5;
        }
        File.WriteAllBytes(path, bytes);
        // Which check trips depends on which pages the garbage hit (signatures are random, so layouts vary); what
        // must hold is that the node refuses, with a code and a height inside the chain.
        var exception = Assert.Throws<ChainCorruptionException>(() => fixture.Reopen());
        Assert.False(string.IsNullOrEmpty(exception.Code));
        Assert.InRange(exception.Height, 1UL, 31UL);
        Assert.Contains($"height {exception.Height}", exception.Message);
        RestoreOpenable(fixture);
    }

    [Fact]
    public void AnUntouchedChainReopens()
    {
        using var fixture = new LedgerFixture();
        fixture.CommitEvidenceBlocks(blocks: 8, perBlock: 10);
        fixture.Reopen();
        Assert.Equal(8UL, fixture.Chain.Head.Height);
    }

    private static void Execute(string dataDirectory, string sql)
    {
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "chain.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            Assert.True(command.ExecuteNonQuery() > 0);
        }
        SqliteConnection.ClearAllPools();
    }

    /// <summary>The fixture disposes its chain at the end; give it a fresh, empty one to dispose.</summary>
    private static void RestoreOpenable(LedgerFixture fixture)
    {
        Directory.Delete(fixture.DataDirectory, recursive: true);
        fixture.Reopen();
    }
}

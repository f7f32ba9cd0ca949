using Huilian.Core;
using Microsoft.Data.Sqlite;

namespace Huilian.Storage;

/// <summary>A committed block as stored: its encodings, its write set and where its transactions start.</summary>
public sealed record BlockRecord(
    ulong Height,
    Hash32 Hash,
    byte[] Header,
    byte[] Commit,
    byte[] Writes,
    long FirstTransaction,
    int TransactionCount,
    byte[] Evidence);

/// <summary>A committed transaction as stored, with its receipt and position.</summary>
public sealed record TransactionRecord(long Sequence, ulong Height, int Index, Hash32 Id, byte[] Transaction, byte[] Receipt);

/// <summary>
/// Everything written when a block commits, in one SQLite transaction. <paramref name="NextValidators"/> is the
/// validator set (its state encoding) when executing the block changed it: it governs from the next height.
/// <paramref name="NextValidatorsProof"/> proves that set under the block's state root, for offline proofs that
/// walk from the genesis validators to a later set.
/// </summary>
public sealed record BlockWrite(BlockRecord Block, IReadOnlyList<TransactionRecord> Transactions, byte[]? NextValidators = null, byte[]? NextValidatorsProof = null);

/// <summary>A validator-set change as stored: the height it governs from, the set's state encoding, and its state proof under the state root of the block before.</summary>
public sealed record ValidatorSetRecord(ulong FromHeight, byte[] Set, byte[] Proof);

/// <summary>
/// The block log in SQLite (WAL, synchronous=FULL): blocks by height and transactions by a global sequence
/// number, both appended in key order so inserts stay fast however long the chain grows (ADR 0003). Lookups by
/// hash go through indexes the ledger keeps in memory. A block and its transactions commit atomically.
/// </summary>
public sealed class ChainStore : IDisposable
{
    public const int SchemaVersion = 1;
    public const string FileName = "chain.db";

    private readonly SqliteConnection _connection;
    private readonly string _readConnectionString;
    private readonly Lock _gate = new();

    private ChainStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
        }.ToString();
    }

    public string Path { get; }

    /// <summary>Opens or creates the store in <paramref name="directory"/>.</summary>
    /// <param name="durable">
    /// False only for the simulator, whose crashes are of the process and never of the machine: commits then skip
    /// the fsync. A node always opens its store durable.
    /// </param>
    public static ChainStore Open(string directory, bool durable = true)
    {
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, FileName);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL");
            Execute(connection, durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
            Execute(connection, "PRAGMA cache_size=-65536");
            Execute(connection, "PRAGMA foreign_keys=OFF");
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS blocks(
                    height INTEGER PRIMARY KEY,
                    hash BLOB NOT NULL,
                    header BLOB NOT NULL,
                    commit_cert BLOB NOT NULL,
                    writes BLOB NOT NULL,
                    first_tx INTEGER NOT NULL,
                    tx_count INTEGER NOT NULL,
                    evidence BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS txs(
                    seq INTEGER PRIMARY KEY,
                    height INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    id BLOB NOT NULL,
                    tx BLOB NOT NULL,
                    receipt BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS validator_sets(
                    from_height INTEGER PRIMARY KEY,
                    validator_set BLOB NOT NULL,
                    proof BLOB NOT NULL);
                """);
            var store = new ChainStore(connection, path);
            var schema = store.GetMeta("schema");
            if (schema is null)
            {
                store.SetMeta("schema", BitConverter.GetBytes(SchemaVersion));
            }
            else if (schema.Length != sizeof(int) || BitConverter.ToInt32(schema) != SchemaVersion)
            {
                throw new StorageCorruptionException($"{path} has schema {(schema.Length == sizeof(int) ? BitConverter.ToInt32(schema) : -1)}; this node reads schema {SchemaVersion}.");
            }
            return store;
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            SqliteConnection.ClearAllPools();
            throw new StorageCorruptionException($"{path} cannot be opened: {exception.Message}");
        }
        catch
        {
            connection.Dispose();
            SqliteConnection.ClearAllPools();
            throw;
        }
    }

    public byte[]? GetMeta(string key)
    {
        using (var connection = OpenReader())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM meta WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteScalar() as byte[];
        }
    }

    public void SetMeta(string key, byte[] value)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO meta(key, value) VALUES($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", value);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The height of the last stored block, or 0 when there is none.</summary>
    public ulong ReadHeight()
    {
        using (var connection = OpenReader())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT MAX(height) FROM blocks";
            var value = command.ExecuteScalar();
            return value is long height ? (ulong)height : 0;
        }
    }

    /// <summary>The number of stored transactions, i.e. the last sequence number.</summary>
    public long ReadTransactionCount()
    {
        using (var connection = OpenReader())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT MAX(seq) FROM txs";
            return command.ExecuteScalar() is long count ? count : 0;
        }
    }

    /// <summary>Writes a block and its transactions, all or nothing, durably (fsync) before returning.</summary>
    public void Append(BlockWrite write)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO blocks(height, hash, header, commit_cert, writes, first_tx, tx_count, evidence) VALUES($h, $hash, $header, $commit, $writes, $first, $count, $evidence)";
                command.Parameters.AddWithValue("$h", checked((long)write.Block.Height));
                command.Parameters.AddWithValue("$hash", write.Block.Hash.ToArray());
                command.Parameters.AddWithValue("$header", write.Block.Header);
                command.Parameters.AddWithValue("$commit", write.Block.Commit);
                command.Parameters.AddWithValue("$writes", write.Block.Writes);
                command.Parameters.AddWithValue("$first", write.Block.FirstTransaction);
                command.Parameters.AddWithValue("$count", write.Block.TransactionCount);
                command.Parameters.AddWithValue("$evidence", write.Block.Evidence);
                command.ExecuteNonQuery();
            }
            using (var command = _connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO txs(seq, height, idx, id, tx, receipt) VALUES($seq, $h, $idx, $id, $tx, $receipt)";
                var seq = command.Parameters.Add("$seq", SqliteType.Integer);
                var height = command.Parameters.Add("$h", SqliteType.Integer);
                var index = command.Parameters.Add("$idx", SqliteType.Integer);
                var id = command.Parameters.Add("$id", SqliteType.Blob);
                var tx = command.Parameters.Add("$tx", SqliteType.Blob);
                var receipt = command.Parameters.Add("$receipt", SqliteType.Blob);
                command.Prepare();
                foreach (var record in write.Transactions)
                {
                    seq.Value = record.Sequence;
                    height.Value = checked((long)record.Height);
                    index.Value = record.Index;
                    id.Value = record.Id.ToArray();
                    tx.Value = record.Transaction;
                    receipt.Value = record.Receipt;
                    command.ExecuteNonQuery();
                }
            }
            if (write.NextValidators is { } validators)
            {
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "INSERT INTO validator_sets(from_height, validator_set, proof) VALUES($from, $set, $proof)";
                command.Parameters.AddWithValue("$from", checked((long)write.Block.Height + 1));
                command.Parameters.AddWithValue("$set", validators);
                command.Parameters.AddWithValue("$proof", write.NextValidatorsProof ?? throw new ArgumentException("A validator set change needs its state proof."));
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
    }

    /// <summary>
    /// Every validator-set change, in height order. The genesis set is not stored here (it is in the genesis file).
    /// </summary>
    public List<ValidatorSetRecord> ReadValidatorSets()
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT from_height, validator_set, proof FROM validator_sets ORDER BY from_height";
        using var reader = command.ExecuteReader();
        var sets = new List<ValidatorSetRecord>();
        while (reader.Read())
        {
            sets.Add(new ValidatorSetRecord((ulong)reader.GetInt64(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2)));
        }
        return sets;
    }

    public BlockRecord? ReadBlock(ulong height)
    {
        using (var connection = OpenReader())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT height, hash, header, commit_cert, writes, first_tx, tx_count, evidence FROM blocks WHERE height = $h";
            command.Parameters.AddWithValue("$h", checked((long)height));
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadBlockRow(reader) : null;
        }
    }

    /// <summary>Blocks from <paramref name="fromHeight"/> to <paramref name="toHeight"/> inclusive, in order, a page at a time.</summary>
    public IEnumerable<BlockRecord> ReadBlocks(ulong fromHeight, ulong toHeight, int pageSize = 256)
    {
        var next = fromHeight;
        while (next <= toHeight)
        {
            var page = new List<BlockRecord>(pageSize);
            using (var connection = OpenReader())
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT height, hash, header, commit_cert, writes, first_tx, tx_count, evidence FROM blocks WHERE height >= $from AND height <= $to ORDER BY height LIMIT $limit";
                command.Parameters.AddWithValue("$from", checked((long)next));
                command.Parameters.AddWithValue("$to", checked((long)toHeight));
                command.Parameters.AddWithValue("$limit", pageSize);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    page.Add(ReadBlockRow(reader));
                }
            }
            if (page.Count == 0)
            {
                yield break;
            }
            foreach (var block in page)
            {
                yield return block;
            }
            next = page[^1].Height + 1;
        }
    }

    public TransactionRecord? ReadTransaction(long sequence)
    {
        using (var connection = OpenReader())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT seq, height, idx, id, tx, receipt FROM txs WHERE seq = $seq";
            command.Parameters.AddWithValue("$seq", sequence);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadTransactionRow(reader) : null;
        }
    }

    /// <summary>Transactions with sequence numbers in [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>), in order.</summary>
    public List<TransactionRecord> ReadTransactions(long first, int count)
    {
        if (count < 0 || count > Limits.BlockTransactionsMax || first < 0)
        {
            throw new StorageCorruptionException($"A block claims {count} transactions from sequence {first}: the block row is damaged.");
        }
        var records = new List<TransactionRecord>(count);
        using (var connection = OpenReader())
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT seq, height, idx, id, tx, receipt FROM txs WHERE seq >= $first AND seq < $end ORDER BY seq";
            command.Parameters.AddWithValue("$first", first);
            command.Parameters.AddWithValue("$end", checked(first + count));
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                records.Add(ReadTransactionRow(reader));
            }
        }
        return records;
    }

    /// <summary>(sequence, id) of every transaction, in order: enough to rebuild the in-memory id index.</summary>
    public IEnumerable<(long Sequence, Hash32 Id)> ReadTransactionIds(long afterSequence = 0, int pageSize = 65_536)
    {
        var next = afterSequence;
        while (true)
        {
            var page = new List<(long, Hash32)>(pageSize);
            using (var connection = OpenReader())
            {
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT seq, id FROM txs WHERE seq > $after ORDER BY seq LIMIT $limit";
                command.Parameters.AddWithValue("$after", next);
                command.Parameters.AddWithValue("$limit", pageSize);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    page.Add((reader.GetInt64(0), new Hash32((byte[])reader.GetValue(1))));
                }
            }
            if (page.Count == 0)
            {
                yield break;
            }
            foreach (var item in page)
            {
                yield return item;
            }
            next = page[^1].Item1;
        }
    }

    /// <summary>Removes blocks above <paramref name="height"/> and their transactions: recovery from a half-finished import.</summary>
    public void TruncateAbove(ulong height)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM txs WHERE height > $h; DELETE FROM blocks WHERE height > $h; DELETE FROM validator_sets WHERE from_height > $h + 1;";
            command.Parameters.AddWithValue("$h", checked((long)height));
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>SQLite's own page-level check. Reads every page: slow on large databases.</summary>
    public string QuickCheck()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            return command.ExecuteScalar() as string ?? "no answer";
        }
    }

    public long FileBytes()
    {
        long total = 0;
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            var file = new FileInfo(Path + suffix);
            if (file.Exists)
            {
                total += file.Length;
            }
        }
        return total;
    }

    public void Checkpoint()
    {
        lock (_gate)
        {
            Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
            // Pooled readers would otherwise keep the file open, and a later store at the same path would reuse them.
            using var reader = new SqliteConnection(_readConnectionString);
            SqliteConnection.ClearPool(reader);
        }
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    private static BlockRecord ReadBlockRow(SqliteDataReader reader) => new(
        (ulong)reader.GetInt64(0),
        new Hash32((byte[])reader.GetValue(1)),
        (byte[])reader.GetValue(2),
        (byte[])reader.GetValue(3),
        (byte[])reader.GetValue(4),
        reader.GetInt64(5),
        reader.GetInt32(6),
        (byte[])reader.GetValue(7));

    private static TransactionRecord ReadTransactionRow(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        (ulong)reader.GetInt64(1),
        reader.GetInt32(2),
        new Hash32((byte[])reader.GetValue(3)),
        (byte[])reader.GetValue(4),
        (byte[])reader.GetValue(5));

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

using System.Globalization;
using Huilian.Core;
using Huilian.Core.Crypto;
using Microsoft.Data.Sqlite;

namespace Huilian.Storage.State;

/// <summary>
/// Key-sorted copies of the whole state at a height, one SQLite file each (<c>state-HEIGHT.db</c>). Entries are
/// written in path order, so the insert is sequential and fast; a node starts from the newest complete snapshot
/// and replays the write sets of the blocks after it. A snapshot whose root does not match is ignored.
/// </summary>
public sealed class SnapshotStore
{
    private const string FilePrefix = "state-";
    private const string FileSuffix = ".db";
    private const int InsertBatch = 50_000;

    private readonly string _directory;

    public SnapshotStore(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    /// <summary>Heights of the snapshots on disk that were completely written, newest first.</summary>
    public IReadOnlyList<ulong> ListComplete()
    {
        var heights = new List<ulong>();
        foreach (var file in Directory.EnumerateFiles(_directory, FilePrefix + "*" + FileSuffix))
        {
            var name = Path.GetFileName(file);
            var digits = name[FilePrefix.Length..^FileSuffix.Length];
            if (ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var height))
            {
                heights.Add(height);
            }
        }
        heights.Sort();
        heights.Reverse();
        return heights;
    }

    /// <summary>Writes <paramref name="snapshot"/> to disk. Safe to call on any thread: the snapshot is immutable.</summary>
    public void Write(StateSnapshot snapshot)
    {
        var final = PathFor(snapshot.Height);
        var temporary = final + ".partial";
        File.Delete(temporary);
        using (var connection = Open(temporary, SqliteOpenMode.ReadWriteCreate))
        {
            Execute(connection, "PRAGMA journal_mode=OFF");
            Execute(connection, "PRAGMA synchronous=OFF");
            Execute(connection, "CREATE TABLE entries(seq INTEGER PRIMARY KEY, key BLOB NOT NULL, value BLOB NOT NULL, version INTEGER NOT NULL)");
            Execute(connection, "CREATE TABLE meta(height INTEGER NOT NULL, root BLOB NOT NULL, count INTEGER NOT NULL)");
            long seq = 0;
            var transaction = connection.BeginTransaction();
            var command = PrepareInsert(connection, transaction);
            foreach (var entry in snapshot.Enumerate())
            {
                command.Parameters[0].Value = ++seq;
                command.Parameters[1].Value = entry.Key;
                command.Parameters[2].Value = entry.Value;
                command.Parameters[3].Value = checked((long)entry.Version);
                command.ExecuteNonQuery();
                if (seq % InsertBatch == 0)
                {
                    transaction.Commit();
                    transaction.Dispose();
                    command.Dispose();
                    transaction = connection.BeginTransaction();
                    command = PrepareInsert(connection, transaction);
                }
            }
            using (var meta = connection.CreateCommand())
            {
                meta.Transaction = transaction;
                meta.CommandText = "INSERT INTO meta(height, root, count) VALUES($h, $root, $count)";
                meta.Parameters.AddWithValue("$h", checked((long)snapshot.Height));
                meta.Parameters.AddWithValue("$root", snapshot.Root.ToArray());
                meta.Parameters.AddWithValue("$count", seq);
                meta.ExecuteNonQuery();
            }
            transaction.Commit();
            transaction.Dispose();
            command.Dispose();
        }
        SqliteConnection.ClearAllPools();
        FlushFile(temporary);
        File.Move(temporary, final, overwrite: true);
    }

    /// <summary>Loads the snapshot at <paramref name="height"/> and checks its root; null when absent or damaged.</summary>
    public StateSnapshot? TryLoad(IHashFunction hash, ulong height, out string? problem)
    {
        problem = null;
        var path = PathFor(height);
        if (!File.Exists(path))
        {
            problem = $"no snapshot file at {path}";
            return null;
        }
        try
        {
            using var connection = Open(path, SqliteOpenMode.ReadOnly);
            Hash32 root;
            long count;
            using (var meta = connection.CreateCommand())
            {
                meta.CommandText = "SELECT height, root, count FROM meta";
                using var reader = meta.ExecuteReader();
                if (!reader.Read() || (ulong)reader.GetInt64(0) != height)
                {
                    problem = $"snapshot {path} has no complete header";
                    return null;
                }
                root = new Hash32((byte[])reader.GetValue(1));
                count = reader.GetInt64(2);
            }
            // The count is read from the file: trust it for nothing, not even the initial capacity.
            var entries = new List<StateEntry>((int)Math.Clamp(count, 0, 1_000_000));
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT key, value, version FROM entries ORDER BY seq";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    entries.Add(new StateEntry((byte[])reader.GetValue(0), (byte[])reader.GetValue(1), (ulong)reader.GetInt64(2)));
                }
            }
            var snapshot = StateSnapshot.FromSortedEntries(hash, entries, height);
            if (snapshot.Root != root || snapshot.Count != count)
            {
                problem = $"snapshot {path} does not hash to the root it records";
                return null;
            }
            return snapshot;
        }
        catch (Exception exception) when (exception is SqliteException or StorageCorruptionException or InvalidCastException or ArgumentException or OverflowException)
        {
            problem = $"snapshot {path} is damaged: {exception.Message}";
            return null;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>Deletes every snapshot except the newest <paramref name="keep"/>.</summary>
    public void Prune(int keep)
    {
        foreach (var height in ListComplete().Skip(keep))
        {
            File.Delete(PathFor(height));
        }
        foreach (var partial in Directory.EnumerateFiles(_directory, "*.partial"))
        {
            File.Delete(partial);
        }
    }

    public void Delete(ulong height) => File.Delete(PathFor(height));

    private string PathFor(ulong height) =>
        Path.Combine(_directory, FilePrefix + height.ToString("D12", CultureInfo.InvariantCulture) + FileSuffix);

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static SqliteCommand PrepareInsert(SqliteConnection connection, SqliteTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO entries(seq, key, value, version) VALUES($seq, $key, $value, $version)";
        command.Parameters.Add("$seq", SqliteType.Integer);
        command.Parameters.Add("$key", SqliteType.Blob);
        command.Parameters.Add("$value", SqliteType.Blob);
        command.Parameters.Add("$version", SqliteType.Integer);
        command.Prepare();
        return command;
    }

    private static void FlushFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Huilian.Node.Hosting;

/// <summary>One read of confidential data through this node's API: who, what, when, why, and whether it was allowed.</summary>
public sealed record AccessLogEntry(
    long Sequence,
    DateTimeOffset Time,
    string User,
    string Organisation,
    string Resource,
    string Subject,
    string Purpose,
    string Outcome,
    string PreviousHash,
    string Hash);

/// <summary>
/// The node's access log: every read (or refused attempt) of confidential data through its API, appended to
/// <c>access-log.jsonl</c> in the data directory and flushed before the data is returned. Entries are hash-chained
/// (each names the SHA-256 of the one before), so removing or editing one breaks the chain that
/// <see cref="Verify"/> checks. The regulator queries it through the API.
/// </summary>
public sealed class AccessLog : IDisposable
{
    /// <summary>Why a caller reads confidential data: the stable why-codes.</summary>
    public static IReadOnlyList<string> Purposes { get; } =
        ["own-business", "financing-review", "credit-review", "post-loan-monitoring", "compliance-check", "audit", "dispute"];

    private readonly object _gate = new();
    private readonly FileStream _file;
    private readonly List<AccessLogEntry> _entries = [];
    private string _lastHash = new('0', 64);

    public AccessLog(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length == 0)
                {
                    continue;
                }
                var entry = JsonSerializer.Deserialize(line, AccessLogJson.Default.AccessLogEntry)
                    ?? throw new InvalidDataException($"{path}: an empty entry.");
                _entries.Add(entry);
                _lastHash = entry.Hash;
            }
        }
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public string Path { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Appends and flushes an entry; returns it.</summary>
    public AccessLogEntry Append(DateTimeOffset time, string user, string organisation, string resource, string subject, string purpose, string outcome) =>
        AppendMany(time, user, organisation, resource, [(subject, outcome)], purpose)[0];

    /// <summary>Appends one entry per subject (a page of reads) and flushes once; returns them.</summary>
    public IReadOnlyList<AccessLogEntry> AppendMany(DateTimeOffset time, string user, string organisation, string resource,
        IReadOnlyList<(string Subject, string Outcome)> reads, string purpose)
    {
        lock (_gate)
        {
            var appended = new List<AccessLogEntry>(reads.Count);
            var text = new StringBuilder();
            foreach (var (subject, outcome) in reads)
            {
                var unsigned = new AccessLogEntry(_entries.Count + 1L, time, user, organisation, resource, subject, purpose, outcome, _lastHash, "");
                var entry = unsigned with { Hash = HashOf(unsigned) };
                text.Append(JsonSerializer.Serialize(entry, AccessLogJson.Default.AccessLogEntry)).Append('\n');
                _entries.Add(entry);
                _lastHash = entry.Hash;
                appended.Add(entry);
            }
            _file.Write(Encoding.UTF8.GetBytes(text.ToString()));
            _file.Flush(flushToDisk: true);
            return appended;
        }
    }

    /// <summary>Entries after <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/>, optionally of one organisation.</summary>
    public IReadOnlyList<AccessLogEntry> Read(long afterSequence, int limit, string? organisation = null)
    {
        lock (_gate)
        {
            return _entries.Where(e => e.Sequence > afterSequence && (organisation is null || e.Organisation == organisation)).Take(limit).ToArray();
        }
    }

    /// <summary>Null when the chain of hashes is intact; else the first sequence that breaks it.</summary>
    public long? Verify()
    {
        lock (_gate)
        {
            var previous = new string('0', 64);
            foreach (var entry in _entries)
            {
                if (entry.PreviousHash != previous || entry.Hash != HashOf(entry with { Hash = "" }))
                {
                    return entry.Sequence;
                }
                previous = entry.Hash;
            }
            return null;
        }
    }

    private static string HashOf(AccessLogEntry unsigned) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(unsigned with { Hash = "" }, AccessLogJson.Default.AccessLogEntry))));

    public void Dispose() => _file.Dispose();
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AccessLogEntry))]
internal sealed partial class AccessLogJson : JsonSerializerContext;

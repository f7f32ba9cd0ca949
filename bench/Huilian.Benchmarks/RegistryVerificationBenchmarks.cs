using BenchmarkDotNet.Attributes;
using Huilian.Core.Ledger;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Benchmarks;

/// <summary>
/// Batch verification (registry.verify) at execution level: one block of 50 verify transactions of 200 customs
/// declarations each (10,000 documents; every document claimed with its value, currency and all four field
/// commitments, all matching) on top of a state holding 110,000 published declarations — the number the seeds'
/// bank checked. Measures payload parsing, registry reads, commitment comparison and the verification records
/// written (one per transaction). Signatures are checked on admission, not here; the state is an in-memory sorted
/// dictionary, not the SQLite state tree, so this is the execution cost alone. Documents per second = 10,000 / mean.
/// </summary>
[MemoryDiagnoser]
public class RegistryVerificationBenchmarks
{
    private const int Published = 110_000;
    private const int PerTransaction = RegistryModule.VerifyBatchMax;
    private const int Transactions = 50;

    private TradeBench _bench = null!;
    private Transaction[] _verifications = null!;

    [Params("intl", "gm")]
    public string Suite { get; set; } = "intl";

    [GlobalSetup]
    public void Setup()
    {
        _bench = new TradeBench(Suite);
        var publishes = new List<Transaction>();
        var verifyItems = new List<string>();
        for (var batch = 0; batch < Published / PerTransaction; batch++)
        {
            var publishItems = new List<string>(PerTransaction);
            for (var i = 0; i < PerTransaction; i++)
            {
                var (key, publish, fields) = _bench.Declaration((batch * PerTransaction) + i, 10_000_000);
                publishItems.Add(publish);
                if (verifyItems.Count < PerTransaction * Transactions && (batch + i) % 11 == 0)
                {
                    verifyItems.Add($"{{\"key\":\"{key}\",\"type\":\"customs-declaration\",\"value\":10000000,\"currency\":\"USD\",\"fields\":{fields}}}");
                }
            }
            publishes.Add(_bench.Tx("customs/publisher", "registry", "publish-declaration", "{\"documents\":[" + string.Join(",", publishItems) + "]}"));
        }
        _bench.Commit(publishes, Transactions);
        if (verifyItems.Count != PerTransaction * Transactions)
        {
            throw new InvalidOperationException($"Set-up chose {verifyItems.Count} documents to verify.");
        }
        _verifications = verifyItems.Chunk(PerTransaction)
            .Select(items => _bench.Tx("bank-a/reviewer", "registry", "verify", "{\"enterprise\":\"acme\",\"branch\":\"shanghai\",\"documents\":[" + string.Join(",", items) + "]}"))
            .ToArray();
        var check = _bench.Run(_verifications, commit: false);
        if (!System.Text.Encoding.UTF8.GetString(check.Receipts[0].Result).Contains("\"matched\":200", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The set-up verifications do not all match.");
        }
    }

    /// <summary>Verifies 10,000 of the 110,000 published declarations (50 transactions of 200), without committing.</summary>
    [Benchmark]
    public int Verify10000Declarations() => _bench.Run(_verifications, commit: false).Receipts.Count;

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();
}

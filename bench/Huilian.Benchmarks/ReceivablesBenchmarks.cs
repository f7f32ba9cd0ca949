using BenchmarkDotNet.Attributes;
using Huilian.Core.Ledger;

namespace Huilian.Benchmarks;

/// <summary>
/// Export receivables financing at execution level: a block of 1,000 proxy applications (each with one declaration,
/// owner field checked, balance checked) and a block of 1,000 disbursement registrations (each posting a claim
/// through the duplicate-financing guard), each on a state of 1,000 published declarations and 1,000 approved financings. Execution alone (no signatures, no SQLite state tree, no consensus): an upper bound on
/// financing transactions per second, not the committed rate of a network.
/// </summary>
[MemoryDiagnoser]
public class ReceivablesBenchmarks
{
    private const int Financings = 1_000;

    private TradeBench _bench = null!;
    private Transaction[] _applications = null!;
    private Transaction[] _disbursements = null!;

    [Params("intl")]
    public string Suite { get; set; } = "intl";

    [GlobalSetup]
    public void Setup()
    {
        _bench = new TradeBench(Suite);
        var declarations = Enumerable.Range(0, Financings).Select(i => _bench.Declaration(i, 10_000_000)).ToArray();
        _bench.Commit(declarations.Chunk(200).Select(batch =>
            _bench.Tx("customs/publisher", "registry", "publish-declaration", "{\"documents\":[" + string.Join(",", batch.Select(d => d.PublishItem)) + "]}")));
        _bench.Commit([_bench.Tx("bank-a/enabler", "credit", "enable", "{\"enterprise\":\"acme\"}")]);
        string Apply((string Key, string PublishItem, string Fields) d) =>
            $"{{\"enterprise\":\"acme\",\"branch\":\"shanghai\",\"currency\":\"USD\",\"amount\":8000000,\"documents\":[{{\"key\":\"{d.Key}\",\"claim\":8000000,\"fields\":{d.Fields}}}]}}";
        _bench.Commit(declarations.Select(d => _bench.Tx("bank-a/proxy", "receivables", "apply", Apply(d))));
        var ids = Enumerable.Range(1, Financings).Select(i => "rf-" + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _bench.Commit(ids.Select(id => _bench.Tx("bank-a/acceptor", "receivables", "accept", $"{{\"financing\":\"{id}\"}}")));
        _bench.Commit(ids.Select(id => _bench.Tx("bank-a/reviewer", "receivables", "review", $"{{\"financing\":\"{id}\",\"decision\":\"approve\"}}")));
        _disbursements = ids.Select(id => _bench.Tx("bank-a/disburser", "receivables", "disburse",
            $"{{\"financing\":\"{id}\",\"amount\":8000000,\"value-date\":\"2026-11-20\",\"rate-bp\":425,\"term-days\":90}}")).ToArray();
        _bench.Run(_disbursements, commit: false);
        // The measured applications are a second set (the proxy's next 1,000 nonces) on the same documents: each
        // claim fits, since nothing is disbursed in the committed state.
        _applications = declarations.Select(d => _bench.Tx("bank-a/proxy", "receivables", "apply", Apply(d))).ToArray();
        _bench.Run(_applications, commit: false);
    }

    /// <summary>1,000 applications (registry reads, commitment checks, balance checks, a new financing each), not committed.</summary>
    [Benchmark]
    public int Apply1000() => _bench.Run(_applications, commit: false).Receipts.Count;

    /// <summary>1,000 disbursement registrations (each posts a claim through the guard), not committed.</summary>
    [Benchmark]
    public int Disburse1000() => _bench.Run(_disbursements, commit: false).Receipts.Count;

    [GlobalCleanup]
    public void Cleanup() => _bench.Dispose();
}

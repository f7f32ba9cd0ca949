using System.Globalization;
using System.Text;

namespace Huilian.Node.Hosting;

/// <summary>
/// The node's metrics in the Prometheus text format (version 0.0.4). Counters and gauges are lock-free;
/// histograms take a short lock. Names carry their unit last, as Prometheus asks.
/// </summary>
public sealed class NodeMetrics
{
    private static readonly double[] LatencyBucketsSeconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, long> _admissions = new(StringComparer.Ordinal);

    public long BlocksCommitted;
    public long TransactionsCommitted;
    public long TransactionsDropped;
    public long Height;
    public long MempoolTransactions;
    public long MempoolBytes;
    public long HttpRequests;
    public long StateEntries;

    public Histogram BlockCommitSeconds { get; } = new(LatencyBucketsSeconds);

    public Histogram BlockTransactions { get; } = new([1, 10, 100, 500, 1000, 2000, 5000, 10000]);

    public void CountAdmission(string result)
    {
        lock (_gate)
        {
            _admissions[result] = _admissions.GetValueOrDefault(result) + 1;
        }
    }

    public string Render()
    {
        var text = new StringBuilder(2048);
        Counter(text, "huilian_blocks_committed_total", "Blocks this node committed.", Interlocked.Read(ref BlocksCommitted));
        Counter(text, "huilian_transactions_committed_total", "Transactions in blocks this node committed.", Interlocked.Read(ref TransactionsCommitted));
        Counter(text, "huilian_mempool_dropped_total", "Pending transactions dropped because they could no longer be included.", Interlocked.Read(ref TransactionsDropped));
        Counter(text, "huilian_http_requests_total", "HTTP requests served.", Interlocked.Read(ref HttpRequests));
        Gauge(text, "huilian_height", "Height of the newest committed block.", Interlocked.Read(ref Height));
        Gauge(text, "huilian_mempool_transactions", "Transactions waiting for a block.", Interlocked.Read(ref MempoolTransactions));
        Gauge(text, "huilian_mempool_bytes", "Bytes of transactions waiting for a block.", Interlocked.Read(ref MempoolBytes));
        var gc = GC.GetGCMemoryInfo();
        Gauge(text, "huilian_process_working_set_bytes", "Resident memory of the node process.", Environment.WorkingSet);
        Gauge(text, "huilian_gc_heap_bytes", "Managed heap size after the last collection.", gc.HeapSizeBytes);
        Gauge(text, "huilian_gc_committed_bytes", "Memory the garbage collector has committed.", gc.TotalCommittedBytes);
        Gauge(text, "huilian_state_entries", "State entries at the newest height.", Interlocked.Read(ref StateEntries));
        text.Append("# HELP huilian_transactions_admitted_total Transactions submitted to this node, by outcome.\n");
        text.Append("# TYPE huilian_transactions_admitted_total counter\n");
        lock (_gate)
        {
            foreach (var (result, count) in _admissions)
            {
                text.Append(CultureInfo.InvariantCulture, $"huilian_transactions_admitted_total{{result=\"{result}\"}} {count}\n");
            }
        }
        BlockCommitSeconds.Render(text, "huilian_block_commit_seconds", "Time to execute, store and publish one block.");
        BlockTransactions.Render(text, "huilian_block_transactions", "Transactions per committed block.");
        return text.ToString();
    }

    private static void Counter(StringBuilder text, string name, string help, long value)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
    }

    private static void Gauge(StringBuilder text, string name, string help, long value)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");
    }

    public sealed class Histogram(double[] upperBounds)
    {
        private readonly long[] _counts = new long[upperBounds.Length + 1];
        private readonly Lock _gate = new();
        private double _sum;
        private long _count;

        public void Observe(double value)
        {
            lock (_gate)
            {
                var index = Array.FindIndex(upperBounds, bound => value <= bound);
                _counts[index < 0 ? upperBounds.Length : index]++;
                _sum += value;
                _count++;
            }
        }

        public void Render(StringBuilder text, string name, string help)
        {
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} histogram\n");
            lock (_gate)
            {
                long cumulative = 0;
                for (var i = 0; i < upperBounds.Length; i++)
                {
                    cumulative += _counts[i];
                    text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"{upperBounds[i]}\"}} {cumulative}\n");
                }
                text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"+Inf\"}} {_count}\n");
                text.Append(CultureInfo.InvariantCulture, $"{name}_sum {_sum}\n{name}_count {_count}\n");
            }
        }
    }
}

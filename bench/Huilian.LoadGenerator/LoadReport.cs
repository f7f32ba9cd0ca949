namespace Huilian.LoadGenerator;

/// <summary>Everything one run measured. Written as JSON for machines and Markdown and SVG for people.</summary>
public sealed class LoadReport
{
    public required string Workload { get; init; }

    public required string Mode { get; init; }

    public double? TargetRatePerSecond { get; init; }

    public required int Clients { get; init; }

    public required int Batch { get; init; }

    public required double WarmupSeconds { get; init; }

    public required double DurationSeconds { get; init; }

    public required string ChainId { get; init; }

    public required string Suite { get; init; }

    public required int Nodes { get; init; }

    public required int Validators { get; init; }

    public required ulong StartHeight { get; init; }

    public required ulong EndHeight { get; init; }

    /// <summary>State entries when measurement began and when the run ended: the state size the figures hold for.</summary>
    public required long StateEntriesAtStart { get; init; }

    public required long StateEntriesAtEnd { get; init; }

    public required long Submitted { get; init; }

    public required long Committed { get; init; }

    /// <summary>Transactions committed inside the measurement window, per second of it.</summary>
    public required double CommittedPerSecond { get; init; }

    public required LatencySummary Latency { get; init; }

    /// <summary>Admission refusals by code (a busy node is counted under MempoolFull and retried).</summary>
    public required SortedDictionary<string, long> Refusals { get; init; }

    /// <summary>Receipt codes of committed transactions.</summary>
    public required SortedDictionary<string, long> ReceiptCodes { get; init; }

    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }

    public required CeilingSummary Ceiling { get; init; }

    public required VerificationSummary Verification { get; init; }

    public required MachineSummary Machine { get; init; }

    public required string StartedAt { get; init; }

    /// <summary>Mean encoded size of the transactions submitted (payload, signature and envelope included).</summary>
    public double TransactionBytesMean { get; init; }

    /// <summary>For evidence-confidential with a reader: decrypting a page of records through the API.</summary>
    public PageReadSummary? ConfidentialPageRead { get; init; }

    /// <summary>Batches each client signed before warm-up (0: signed during the run).</summary>
    public int PresignedBatches { get; init; }

    /// <summary>For the receivables workload: financings taken through all seven steps, whole run.</summary>
    public long? LifecyclesCompleted { get; init; }

    /// <summary>The central-database baseline run after Huilian's with the same clients, warm-up and duration (--postgres).</summary>
    public Baseline.BaselineSummary? Baseline { get; set; }
}

public sealed record LatencySummary(long Samples, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs);

public sealed record TimelinePoint(int Second, long Committed, double P50Ms, double P99Ms);

/// <summary>
/// The machine's signature-verification rate for the suite on all cores, and what it allows: every validator
/// verifies every transaction, so the rate divided by the validators bounds throughput on one machine.
/// </summary>
public sealed record CeilingSummary(string Scheme, int Threads, double VerificationsPerSecond, int Validators, double CeilingTransactionsPerSecond, double FractionOfCeiling);

/// <summary>Whether every transaction the node acknowledged as committed is in the chain's blocks.</summary>
public sealed record VerificationSummary(long Acknowledged, long FoundOnChain, long Missing, ulong BlocksScanned);

public sealed record MachineSummary(int ProcessorCount, string Os, string Runtime);

/// <summary>Times of reading a page of confidential records in one call (POST /v1/confidential/read), as the reader.</summary>
public sealed record PageReadSummary(string Reader, int Records, int Runs, double MedianMs, double MinMs, double MaxMs);

using Huilian.Core.Crypto;

namespace Huilian.LoadGenerator;

public sealed class LoadOptions
{
    /// <summary>Base URLs of the nodes to submit to; clients are spread over them round-robin.</summary>
    public required IReadOnlyList<string> Nodes { get; init; }

    /// <summary>An organisation admin: registers one user per client (role evidence-recorder).</summary>
    public required ISigningKey Admin { get; init; }

    /// <summary>The admin's organisation (its CA issues the clients' certificates).</summary>
    public required Crypto.OrganisationCredentials Organisation { get; init; }

    /// <summary>
    /// For the "evidence-confidential" workload: the data-encryption public keys each record's confidential
    /// section is wrapped for (the regulator's must be among them), and the section's plaintext size.
    /// </summary>
    public IReadOnlyList<byte[]> ConfidentialRecipients { get; init; } = [];

    public int ConfidentialBytes { get; init; } = 512;

    /// <summary>A user of a recipient organisation (e.g. the regulator's analyst) who reads a page of 100 sections after the run.</summary>
    public ISigningKey? ConfidentialReader { get; init; }

    public string Workload { get; init; } = "evidence";

    /// <summary>For the "receivables" workload: the bank and customs admins and CAs, and the enterprise financed.</summary>
    public ReceivablesParties? Receivables { get; init; }

    public int Clients { get; init; } = 64;

    /// <summary>Transactions per request (1 submits one at a time; more use the batch endpoint).</summary>
    public int Batch { get; init; } = 1;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Open loop at this many transactions per second; null for closed loop (as fast as commits allow).</summary>
    public double? Rate { get; init; }

    /// <summary>Validators of the network, for the ceiling (verification rate ÷ validators).</summary>
    public int Validators { get; init; } = 1;

    /// <summary>How long to measure the machine's signature-verification rate.</summary>
    public TimeSpan CeilingMeasurement { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Evidence workloads: batches' worth of transactions each client signs before warm-up, so that during the
    /// window the generator does not spend the shared cores on signatures (0: sign as it goes; when they run out,
    /// the client signs as it goes).
    /// </summary>
    public int PresignedBatches { get; init; }

    /// <summary>Evidence records to commit before warming up, to measure at a given state size.</summary>
    public long Preload { get; init; }

    /// <summary>How long to wait for transactions still in flight when the run ends.</summary>
    public TimeSpan Drain { get; init; } = TimeSpan.FromSeconds(30);
}

public sealed record LoadProgress(string Phase, double ElapsedSeconds, long Committed, long Refused, double RecentRatePerSecond, double RecentP99Ms);

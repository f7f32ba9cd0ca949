namespace Huilian.Simulation;

/// <summary>What a Byzantine validator does, besides running otherwise honest code.</summary>
public enum ByzantineBehavior
{
    None,

    /// <summary>Signs a second, conflicting version of every vote and sends both.</summary>
    Equivocate,

    /// <summary>As proposer, sends a block whose state root is wrong (re-signed, so only execution can tell).</summary>
    InvalidProposal,

    /// <summary>Never sends its votes.</summary>
    WithholdVotes,

    /// <summary>Also sends random bytes to every peer.</summary>
    Garbage,
}

/// <summary>One simulation run, fully determined by these values (the seed decides everything random).</summary>
public sealed record SimulationConfig
{
    public required int Seed { get; init; }

    public int Validators { get; init; } = 4;

    public int Observers { get; init; }

    /// <summary>Nodes holding a validator key genesis does not list: observers until governance adds them (ADR 0012).</summary>
    public int Standby { get; init; }

    /// <summary>
    /// During the fault phase, governance adds every standby node as a validator and then removes one honest genesis
    /// validator, while crashes, partitions and drops go on.
    /// </summary>
    public bool ValidatorChanges { get; init; }

    public ByzantineBehavior Byzantine { get; init; } = ByzantineBehavior.None;

    /// <summary>Faults (crashes, partitions, drops, long delays) happen only in this first part of the run.</summary>
    public long FaultPhaseMs { get; init; } = 20_000;

    /// <summary>After the faults heal, every honest node must commit <see cref="ProgressAfterHealMin"/> more blocks within this.</summary>
    public long LivenessWindowMs { get; init; } = 45_000;

    public ulong ProgressAfterHealMin { get; init; } = 3;

    public bool Crashes { get; init; } = true;

    public bool Partitions { get; init; } = true;

    public double DropRateMax { get; init; } = 0.2;

    public double DuplicateRate { get; init; } = 0.05;

    public long DelayMaxMs { get; init; } = 300;

    public int TransactionsPerSecond { get; init; } = 10;

    public int Clients { get; init; } = 3;

    public required string WorkDirectory { get; init; }

    /// <summary>A penalty against an honest node is a bug (a false accusation); tests that forge messages in honest names turn this off.</summary>
    public bool FailWhenHonestNodesArePenalised { get; init; } = true;

    /// <summary>A mix of faults drawn from the seed: the configuration the CI seeds run.</summary>
    public static SimulationConfig Mixed(int seed, string workDirectory)
    {
        var random = new Random(seed ^ 0x5eed);
        var validators = random.Next(10) < 8 ? 4 : 7;
        var behaviors = Enum.GetValues<ByzantineBehavior>();
        return new SimulationConfig
        {
            Seed = seed,
            Validators = validators,
            Observers = random.Next(4) == 0 ? 1 : 0,
            Byzantine = random.Next(3) == 0 ? ByzantineBehavior.None : behaviors[1 + random.Next(behaviors.Length - 1)],
            Crashes = random.Next(4) != 0,
            Partitions = random.Next(3) != 0,
            DropRateMax = random.NextDouble() * 0.3,
            DelayMaxMs = random.Next(3) == 0 ? 2_000 : 300,
            WorkDirectory = workDirectory,
        } is var config && random.Next(3) == 0 ? config with { Standby = 1, ValidatorChanges = true } : config;
    }

    public override string ToString() =>
        $"seed {Seed}: {Validators} validators, {Observers} observers, {Standby} standby, validator changes {ValidatorChanges}, byzantine {Byzantine}, crashes {Crashes}, partitions {Partitions}, " +
        $"drops ≤ {DropRateMax:P0}, delays ≤ {DelayMaxMs} ms";
}

/// <summary>What a run found. <see cref="Failure"/> is null when every check held.</summary>
public sealed record SimulationResult(
    SimulationConfig Config,
    string? Failure,
    ulong HeightAtHeal,
    ulong HeightAtEnd,
    long TransactionsCommitted,
    long MessagesDelivered,
    long MessagesDropped,
    int Crashes,
    int Partitions,
    int EvidenceCommitted,
    int PenaltiesRecorded,
    long SimulatedMs,
    IReadOnlyList<string> LogTail,
    IReadOnlyDictionary<string, int> PenaltyReasons)
{
    public bool Passed => Failure is null;
}

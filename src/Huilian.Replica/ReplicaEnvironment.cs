using Huilian.Consensus.Tendermint;
using Huilian.Replica.Wire;

namespace Huilian.Replica;

/// <summary>
/// Everything a replica needs from the world: a clock, peers, timers. The node provides real ones; the simulator
/// provides simulated ones, which is what makes a whole network replayable from a seed.
/// All callbacks into the replica (messages, timers) must come on one thread, one at a time.
/// </summary>
public interface IReplicaEnvironment
{
    /// <summary>Milliseconds since the Unix epoch.</summary>
    long NowMs { get; }

    IReadOnlyList<string> Peers { get; }

    void Send(string peer, WireMessage message);

    void Broadcast(WireMessage message);

    /// <summary>Calls <see cref="ConsensusReplica.OnTimer"/> with <paramref name="timer"/> after <paramref name="delayMs"/>.</summary>
    void Schedule(long delayMs, ReplicaTimer timer);

    /// <summary>Counts misbehaviour against a peer; the transport disconnects and bans past a threshold.</summary>
    void Penalize(string peer, int points, string reason);

    void Log(ReplicaLogLevel level, string message);
}

public enum ReplicaLogLevel
{
    Debug,
    Information,
    Warning,
}

public abstract record ReplicaTimer;

/// <summary>A consensus timeout falls due.</summary>
public sealed record ConsensusTimer(TimeoutInput Timeout) : ReplicaTimer;

/// <summary>Time to tell peers where we are, to offer them what they lack, and to retry block sync.</summary>
public sealed record GossipTimer : ReplicaTimer;

/// <summary>Time for the proposer to look again for transactions to propose.</summary>
public sealed record ValueTimer(ulong Height, uint Round) : ReplicaTimer;

public sealed record ReplicaOptions
{
    public required string NodeName { get; init; }

    public TimeoutConfig Timeouts { get; init; } = new();

    /// <summary>How often a replica sends its status and offers peers the messages they lack.</summary>
    public long GossipIntervalMs { get; init; } = 200;

    /// <summary>A proposer cuts a block once this many transactions are ready…</summary>
    public int TargetTransactions { get; init; } = 2_000;

    /// <summary>
    /// The most transactions this node puts in a block it proposes (0: the genesis limit). Smaller blocks keep each
    /// height short when a backlog has built up, so latency recovers instead of growing with the block.
    /// </summary>
    public int ProposalTransactionsMax { get; init; }

    /// <summary>…or this long after it was asked for a value, if any are ready…</summary>
    public long BatchWindowMs { get; init; } = 20;

    /// <summary>…or proposes an empty block after this long without any: a heartbeat that keeps heights moving.</summary>
    public long EmptyBlockIntervalMs { get; init; } = 1_000;

    /// <summary>A proposal whose block time is further ahead of this replica's clock is judged invalid.</summary>
    public long ClockDriftMaxMs { get; init; } = 10_000;

    /// <summary>Blocks asked for in one sync request.</summary>
    public uint SyncBatchBlocks { get; init; } = 8;

    /// <summary>A sync request unanswered this long is sent again (to another peer if there is one).</summary>
    public long SyncRetryMs { get; init; } = 2_000;

    /// <summary>Messages for heights ahead of ours kept until we get there.</summary>
    public int FutureMessagesMax { get; init; } = 1_000;
}

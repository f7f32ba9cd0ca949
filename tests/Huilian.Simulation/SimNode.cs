using Huilian.Core.Crypto;
using Huilian.Ledger;
using Huilian.Replica;
using Huilian.Replica.Wire;

namespace Huilian.Simulation;

/// <summary>The sign state of a simulated validator: survives its crashes, as a file on disk would.</summary>
internal sealed class SurvivingSignStateStore : ISignStateStore
{
    private SignState? _state;
    private byte[]? _lockedBlock;

    public SignState? Load() => _state;

    public void Save(SignState state) => _state = state;

    public byte[]? LoadLockedBlock() => _lockedBlock;

    public void SaveLockedBlock(byte[] block) => _lockedBlock = block;
}

/// <summary>
/// One simulated node: a real <see cref="Chain"/> (SQLite in a temporary directory), a real mempool and a real
/// <see cref="ConsensusReplica"/>, reached only through <see cref="SimEnvironment"/>. A crash drops everything in
/// memory; a restart reopens the chain from disk, as a killed process would.
/// </summary>
internal sealed class SimNode
{
    public SimNode(Simulation simulation, int index, string name, ISigningKey? key, ByzantineBehavior byzantine, string directory)
    {
        Simulation = simulation;
        Index = index;
        Name = name;
        Key = key;
        Byzantine = byzantine;
        Directory = directory;
    }

    public Simulation Simulation { get; }

    public int Index { get; }

    public string Name { get; }

    public ISigningKey? Key { get; }

    public ByzantineBehavior Byzantine { get; }

    public bool IsHonest => Byzantine == ByzantineBehavior.None;

    public string Directory { get; }

    public SurvivingSignStateStore SignState { get; } = new();

    public int Generation { get; private set; }

    public bool Alive { get; private set; }

    public Chain? Chain { get; private set; }

    public Mempool? Mempool { get; private set; }

    public ConsensusReplica? Replica { get; private set; }

    public ulong Height => Chain?.Head.Height ?? 0;

    public void Start(ChainSetup setup, ChainOptions options, ReplicaOptions replicaOptions)
    {
        Generation++;
        Chain = Chain.Open(setup, Path.Combine(Directory, "data"), options);
        Mempool = new Mempool(Chain);
        var guard = Key is null ? null : new SignGuard(Key, SignState);
        var generation = Generation;
        Chain.Committed += block => Simulation.OnCommitted(this, generation, block);
        Replica = new ConsensusReplica(replicaOptions, Chain, Mempool, guard, new SimEnvironment(Simulation, this, generation));
        Alive = true;
        Replica.Start();
    }

    public void Crash()
    {
        Alive = false;
        Generation++;
        Replica = null;
        Mempool = null;
        Chain?.Dispose();
        Chain = null;
    }
}

/// <summary>The world as one simulated node sees it; Byzantine behaviour is applied to what it sends.</summary>
internal sealed class SimEnvironment(Simulation simulation, SimNode node, int generation) : IReplicaEnvironment
{
    public long NowMs => simulation.NowMs;

    public IReadOnlyList<string> Peers => simulation.PeerNames(node);

    public void Send(string peer, WireMessage message)
    {
        if (Current)
        {
            simulation.Byzantine.Send(node, peer, message);
        }
    }

    public void Broadcast(WireMessage message)
    {
        if (!Current)
        {
            return;
        }
        foreach (var peer in Peers)
        {
            simulation.Byzantine.Send(node, peer, message);
        }
    }

    public void Schedule(long delayMs, ReplicaTimer timer)
    {
        if (Current)
        {
            simulation.ScheduleTimer(node, generation, delayMs, timer);
        }
    }

    public void Penalize(string peer, int points, string reason) => simulation.RecordPenalty(node, peer, points, reason);

    public void Log(ReplicaLogLevel level, string message)
    {
        if (level >= ReplicaLogLevel.Information)
        {
            simulation.Log(message);
        }
    }

    private bool Current => node.Alive && node.Generation == generation;
}

using System.Text;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Ledger;
using Huilian.Replica;
using Huilian.Replica.Wire;

namespace Huilian.Simulation;

/// <summary>
/// A whole network in one process and one thread: real replicas over a simulated network (drops, delays,
/// duplicates, reordering, partitions) and a simulated clock, with crashes and restarts and Byzantine validators.
/// Everything random comes from the seed, so a run replays exactly. After every commit the checks run: no two
/// blocks at one height, equal state roots, valid certificates and transactions; at the end, progress after the
/// faults healed.
/// </summary>
public sealed class Simulation : IDisposable
{
    private const long StartMs = 1_700_000_100_000;
    private const int LogLinesKept = 80;

    private readonly SimulationConfig _config;
    private readonly Random _random;
    private readonly PriorityQueue<Action, (long Time, long Sequence)> _events = new();
    private readonly List<SimNode> _nodes = [];
    private readonly ChainSetup _setup;
    private readonly ChainOptions _chainOptions = new() { Durable = false, SnapshotAfterWrites = 60, RecentStatesKept = 4 };
    private readonly DeterministicKey[] _clients;
    private readonly ulong[] _clientNonces;
    private readonly DeterministicKey _governor;
    private ulong _governorNonce;
    private ulong _proposals;
    private readonly SortedDictionary<Hash32, string> _governanceTransactions = [];
    private readonly List<(ulong Height, string Description, Receipt Receipt)> _governanceReceipts = [];
    private readonly SortedDictionary<Hash32, (Transaction Transaction, long SubmittedAtMs, int Client)> _pending = [];
    private readonly SortedDictionary<ulong, Hash32> _committedHashes = [];
    private readonly SortedDictionary<ulong, Hash32> _stateRoots = [];
    private readonly SortedSet<Hash32> _committedTransactions = [];
    private readonly SortedSet<Hash32> _committedEvidence = [];
    private readonly Queue<string> _log = new();
    private readonly string _directory;
    private int[] _partition;
    private double _dropRate;
    private long _delayMaxMs;
    private long _sequence;
    private string? _failure;
    private long _delivered;
    private long _dropped;
    private int _crashes;
    private int _partitions;
    private int _penalties;
    private readonly SortedDictionary<string, int> _penaltyReasons = new(StringComparer.Ordinal);
    private readonly List<(string Node, string Peer, int Points, string Reason)> _penaltyLog = [];

    public Simulation(SimulationConfig config)
    {
        _config = config;
        _random = new Random(config.Seed);
        NowMs = StartMs;
        _directory = Path.Combine(config.WorkDirectory, $"seed-{config.Seed}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        Byzantine = new ByzantineBehaviors(this);

        var validatorKeys = Enumerable.Range(0, config.Validators).Select(i => new DeterministicKey($"sim {config.Seed} validator {i}")).ToArray();
        _clients = Enumerable.Range(0, config.Clients).Select(i => new DeterministicKey($"sim {config.Seed} client {i}")).ToArray();
        _clientNonces = new ulong[config.Clients];
        _governor = new DeterministicKey($"sim {config.Seed} governor");
        var genesis = new GenesisDocument
        {
            ChainId = ChainId,
            Suite = "intl",
            GenesisTime = DateTimeOffset.FromUnixTimeMilliseconds(StartMs - 1_000),
            Validators = validatorKeys.Select((key, i) => new GenesisValidator { Name = $"node{i}", PublicKey = Convert.ToHexStringLower(key.PublicKey), Power = 10 }).ToArray(),
            Organisations = Consortium(config.Seed, StartMs - 1_000, _clients, _governor),
        };
        _setup = new ChainSetup(genesis);

        var byzantineIndex = config.Byzantine == ByzantineBehavior.None ? -1 : _random.Next(config.Validators);
        for (var i = 0; i < config.Validators; i++)
        {
            _nodes.Add(new SimNode(this, i, $"node{i}", validatorKeys[i], i == byzantineIndex ? config.Byzantine : ByzantineBehavior.None, Path.Combine(_directory, $"node{i}")));
        }
        for (var i = 0; i < config.Observers; i++)
        {
            _nodes.Add(new SimNode(this, _nodes.Count, $"observer{i}", null, ByzantineBehavior.None, Path.Combine(_directory, $"observer{i}")));
        }
        for (var i = 0; i < config.Standby; i++)
        {
            _nodes.Add(new SimNode(this, _nodes.Count, $"standby{i}", new DeterministicKey($"sim {config.Seed} standby {i}"), ByzantineBehavior.None,
                Path.Combine(_directory, $"standby{i}")));
        }
        _partition = new int[_nodes.Count];
        _dropRate = config.DropRateMax * _random.NextDouble();
        _delayMaxMs = config.DelayMaxMs;
    }

    /// <summary>
    /// The simulated consortium: one regulator organisation whose users are the clients, each an evidence recorder,
    /// and a governor (its admin, who proposes and votes validator changes). Keys sign deterministically and serials
    /// derive from names, so a seed always gives the same genesis.
    /// </summary>
    private static IReadOnlyList<GenesisOrganisation> Consortium(int seed, long genesisMs, IReadOnlyList<DeterministicKey> clients, DeterministicKey governor)
    {
        var builder = new ConsortiumBuilder("intl", DateTimeOffset.FromUnixTimeMilliseconds(genesisMs)) { DeterministicSerials = true };
        builder.AddOrganisation("regulator", "Regulator", OrganisationKinds.Regulator,
            new DeterministicKey($"sim {seed} regulator ca"), new DeterministicKey($"sim {seed} regulator data key"));
        for (var i = 0; i < clients.Count; i++)
        {
            builder.AddUser("regulator", $"client{i}", ["evidence-recorder"], clients[i]);
        }
        builder.AddUser("regulator", "governor", ["organisation-admin"], governor);
        return builder.ToGenesis();
    }

    public string ChainId => $"sim-{_config.Seed}";

    public long NowMs { get; private set; }

    public IHashFunction HashFunction => _setup.Hash;

    /// <summary>The genesis validators (the set may change by governance: ask a node's chain for the set at a height).</summary>
    public ValidatorSet Validators => _setup.GenesisValidators;

    internal ByzantineBehaviors Byzantine { get; }

    public Hash32 HashOf(string text) => _setup.Hash.Hash(Encoding.UTF8.GetBytes(text));

    public SimulationResult Run()
    {
        foreach (var node in _nodes)
        {
            StartNode(node);
        }
        ScheduleFaults();
        ScheduleWorkload();
        ScheduleValidatorChanges();
        var healAt = StartMs + _config.FaultPhaseMs;
        var endAt = healAt + _config.LivenessWindowMs;
        ulong heightAtHeal = 0;
        At(healAt, () => heightAtHeal = Heal());
        var healed = false;
        while (_failure is null && _events.TryDequeue(out var action, out var key))
        {
            if (key.Time > endAt)
            {
                break;
            }
            NowMs = key.Time;
            try
            {
                action();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Fail($"unexpected {exception.GetType().Name} at {NowMs - StartMs} ms: {exception.Message}\n{exception.StackTrace}");
            }
            healed = healed || NowMs >= healAt;
            if (healed && HonestMinimumHeight() >= heightAtHeal + _config.ProgressAfterHealMin && NowMs >= healAt + 2_000)
            {
                break; // Progress shown: no need to simulate the rest of the window.
            }
        }
        if (_failure is null && HonestMinimumHeight() < heightAtHeal + _config.ProgressAfterHealMin)
        {
            foreach (var node in _nodes.Where(n => n.Alive && n.Replica is not null))
            {
                Log(DescribeConsensus(node));
            }
            Fail($"liveness: {_config.LivenessWindowMs} ms after healing, the lowest honest node is at height {HonestMinimumHeight()}, " +
                $"not {heightAtHeal + _config.ProgressAfterHealMin} ({string.Join(", ", _nodes.Select(n => $"{n.Name}={n.Height}{(n.Alive ? "" : " down")}"))})");
        }
        var heightAtEnd = HonestMinimumHeight();
        _finalValidators = LatestValidators();
        if (_failure is null)
        {
            CheckStoredChains();
        }
        return new SimulationResult(_config, _failure, heightAtHeal, heightAtEnd, _committedTransactions.Count, _delivered, _dropped,
            _crashes, _partitions, _committedEvidence.Count, _penalties, NowMs - StartMs, _log.ToArray(), _penaltyReasons);
    }

    // ---- A test bed: start a network without faults, step it, poke at it.

    public string? Failure => _failure;

    public IReadOnlyList<(string Node, string Peer, int Points, string Reason)> Penalties => _penaltyLog;

    public IReadOnlyList<string> LogLines => _log.ToArray();

    /// <summary>Starts every node and the workload, with no scheduled faults.</summary>
    public void StartQuiet(bool workload = true)
    {
        _dropRate = 0;
        _delayMaxMs = Math.Min(_delayMaxMs, 50);
        foreach (var node in _nodes)
        {
            StartNode(node);
        }
        if (workload)
        {
            ScheduleWorkload();
        }
    }

    /// <summary>Processes events until <paramref name="relativeMs"/> after the start of the run.</summary>
    public void RunUntil(long relativeMs)
    {
        var until = StartMs + relativeMs;
        while (_failure is null && _events.TryPeek(out var action, out var key) && key.Time <= until)
        {
            _events.Dequeue();
            NowMs = key.Time;
            try
            {
                action();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Fail($"unexpected {exception.GetType().Name} at {NowMs - StartMs} ms: {exception.Message}\n{exception.StackTrace}");
            }
        }
        NowMs = Math.Max(NowMs, until);
    }

    public long ElapsedMs => NowMs - StartMs;

    /// <summary>Every governance transaction committed (first commit seen), with its height and receipt.</summary>
    public IReadOnlyList<(ulong Height, string Description, Receipt Receipt)> GovernanceReceipts => _governanceReceipts;

    /// <summary>
    /// Proposes a validator-set change and votes for it, as the regulator's admin (which passes it at once in the
    /// simulated consortium). Both transactions are submitted now and resubmitted while pending. Returns the id
    /// the proposal will have (proposals are numbered in order and only this method makes them).
    /// </summary>
    public ulong ProposeValidatorChange(string kind, string validator, ulong power = 10, string? publicKeyHex = null)
    {
        var change = kind switch
        {
            "add-validator" => $"\"name\":\"{validator}\",\"publicKey\":\"{publicKeyHex ?? Convert.ToHexStringLower(KeyOf(validator).PublicKey)}\",\"power\":{power},\"organisation\":\"regulator\"",
            "remove-validator" => $"\"name\":\"{validator}\"",
            "set-validator-power" => $"\"name\":\"{validator}\",\"power\":{power}",
            _ => throw new ArgumentException($"Unknown change {kind}.", nameof(kind)),
        };
        var id = ++_proposals;
        var height = _nodes.Max(n => n.Height);
        var propose = Transaction.Create(_setup.Hash, _governor, ChainId, ++_governorNonce, height + 1_000, "gov", "propose",
            Encoding.UTF8.GetBytes($"{{\"kind\":\"{kind}\",{change}}}"));
        var vote = Transaction.Create(_setup.Hash, _governor, ChainId, ++_governorNonce, height + 1_000, "gov", "vote",
            Encoding.UTF8.GetBytes($"{{\"proposal\":{id},\"approve\":true}}"));
        foreach (var (transaction, description) in new[] { (propose, $"propose {kind} {validator} (proposal {id})"), (vote, $"vote for proposal {id}") })
        {
            _governanceTransactions[transaction.Id] = description;
            _pending[transaction.Id] = (transaction, NowMs, -1);
            Submit(transaction);
        }
        Log($"governance: proposing {kind} {validator} as proposal {id}");
        return id;
    }

    /// <summary>The validator set the furthest honest node will use for its next height.</summary>
    public ValidatorSet LatestValidators() =>
        _nodes.Where(n => n.IsHonest && n.Alive).MaxBy(n => n.Height)?.Chain?.NextValidators
        ?? _finalValidators ?? throw new InvalidOperationException("No honest node is up.");

    private ValidatorSet? _finalValidators;

    public Chain ChainOf(string node) => _nodes.First(n => n.Name == node).Chain ?? throw new InvalidOperationException($"{node} is down.");

    public ConsensusReplica ReplicaOf(string node) => _nodes.First(n => n.Name == node).Replica ?? throw new InvalidOperationException($"{node} is down.");

    public ISigningKey KeyOf(string node) => _nodes.First(n => n.Name == node).Key ?? throw new InvalidOperationException($"{node} has no key.");

    public void CrashNode(string node) => _nodes.First(n => n.Name == node).Crash();

    public void RestartNode(string node) => Restart(_nodes.First(n => n.Name == node));

    public void Isolate(string node, bool isolated)
    {
        var target = _nodes.First(n => n.Name == node);
        _partition[target.Index] = isolated ? 1 : 0;
    }

    /// <summary>Delivers raw bytes to <paramref name="to"/> as if peer <paramref name="from"/> sent them, one millisecond from now.</summary>
    public void Inject(string to, string from, byte[] frame)
    {
        var target = _nodes.First(n => n.Name == to);
        var generation = target.Generation;
        After(1, () => Deliver(from, target, generation, frame));
    }

    internal IReadOnlyList<string> PeerNames(SimNode node) => _nodes.Where(n => n != node).Select(n => n.Name).ToArray();

    internal void Log(string message)
    {
        _log.Enqueue($"[{NowMs - StartMs,7} ms] {message}");
        while (_log.Count > LogLinesKept)
        {
            _log.Dequeue();
        }
    }

    internal void RecordPenalty(SimNode node, string peer, int points, string reason)
    {
        _penalties++;
        _penaltyLog.Add((node.Name, peer, points, reason));
        var kind = reason.Split(':')[0];
        kind = System.Text.RegularExpressions.Regex.Replace(kind, "[0-9]+", "N");
        _penaltyReasons[kind] = _penaltyReasons.GetValueOrDefault(kind) + 1;
        Log($"{node.Name} penalises {peer} by {points}: {reason}");
        var offender = _nodes.FirstOrDefault(n => n.Name == peer);
        if (offender is { IsHonest: true } && _config.FailWhenHonestNodesArePenalised)
        {
            Fail($"honest node {peer} was penalised by {node.Name}: {reason}");
        }
    }

    /// <summary>Sends bytes from one node to another through the simulated network.</summary>
    internal void Transmit(SimNode from, string to, byte[] frame)
    {
        var target = _nodes.First(n => n.Name == to);
        if (!from.Alive || !target.Alive || _partition[from.Index] != _partition[target.Index] || _random.NextDouble() < _dropRate)
        {
            _dropped++;
            return;
        }
        var generation = target.Generation;
        After(1 + _random.NextInt64(_delayMaxMs), () => Deliver(from.Name, target, generation, frame));
        if (_random.NextDouble() < _config.DuplicateRate)
        {
            After(1 + _random.NextInt64(_delayMaxMs * 3), () => Deliver(from.Name, target, generation, frame));
        }
    }

    private void Deliver(string from, SimNode to, int generation, byte[] frame)
    {
        if (!to.Alive || to.Generation != generation)
        {
            _dropped++;
            return;
        }
        _delivered++;
        var message = to.Replica!.Decode(from, frame);
        if (message is not null)
        {
            to.Replica.OnMessage(from, message);
        }
    }

    internal void ScheduleTimer(SimNode node, int generation, long delayMs, ReplicaTimer timer) =>
        After(Math.Max(1, delayMs), () =>
        {
            if (node.Alive && node.Generation == generation)
            {
                node.Replica!.OnTimer(timer);
            }
        });

    internal void OnCommitted(SimNode node, int generation, CommittedBlock block)
    {
        if (!node.IsHonest)
        {
            return;
        }
        var height = block.Header.Height;
        if (_committedHashes.TryGetValue(height, out var known) && known != block.Hash)
        {
            Fail($"safety: {node.Name} committed {block.Hash.ToShortString()} at height {height}, another node committed {known.ToShortString()}");
            return;
        }
        _committedHashes[height] = block.Hash;
        var root = node.Chain!.State.Root;
        if (root != block.Header.StateRoot || (_stateRoots.TryGetValue(height, out var knownRoot) && knownRoot != root))
        {
            Fail($"state: {node.Name} has state root {root.ToShortString()} after height {height}");
            return;
        }
        _stateRoots[height] = root;
        if (node.Chain.ValidatorsAt(height).VerifyCommit(ChainId, height, block.Hash, block.Commit, _setup.Suite.Signatures) is { } error)
        {
            Fail($"certificate: block {height} committed by {node.Name} carries an invalid certificate: {error.Message}");
            return;
        }
        foreach (var transaction in block.Transactions)
        {
            if (!transaction.VerifySignature(_setup.Suite.Signatures)
                || (_clients.All(c => !c.PublicKey.AsSpan().SequenceEqual(transaction.Signer)) && !_governor.PublicKey.AsSpan().SequenceEqual(transaction.Signer)))
            {
                Fail($"validity: block {height} holds transaction {transaction.Id.ToShortString()} that is not validly signed by a member");
                return;
            }
            if (_committedTransactions.Add(transaction.Id) && _governanceTransactions.TryGetValue(transaction.Id, out var description))
            {
                var receipt = block.Receipts[block.Transactions.ToList().IndexOf(transaction)];
                _governanceReceipts.Add((height, description, receipt));
                Log($"governance at height {height}: {description}: {receipt.Code} {receipt.Message}");
                if (!receipt.Succeeded)
                {
                    Fail($"governance: '{description}' was refused at height {height}: {receipt.Code}: {receipt.Message}");
                    return;
                }
            }
            _pending.Remove(transaction.Id);
        }
        foreach (var evidence in block.Evidence)
        {
            _committedEvidence.Add(_setup.Hash.Hash(evidence.Encode()));
        }
    }

    private void StartNode(SimNode node)
    {
        node.Start(_setup, _chainOptions, new ReplicaOptions
        {
            NodeName = node.Name,
            EmptyBlockIntervalMs = 1_000,
        });
    }

    private void ScheduleFaults()
    {
        var honest = _nodes.Where(n => n.IsHonest).ToArray();
        if (_config.Crashes)
        {
            var crashes = 1 + _random.Next(3);
            for (var i = 0; i < crashes; i++)
            {
                var node = _nodes[_random.Next(_nodes.Count)];
                var at = _random.NextInt64(_config.FaultPhaseMs - 2_000);
                var downFor = 500 + _random.NextInt64(6_000);
                At(StartMs + at, () =>
                {
                    if (!node.Alive)
                    {
                        return;
                    }
                    _crashes++;
                    Log($"crash {node.Name} at height {node.Height}");
                    node.Crash();
                    var restartAt = Math.Min(NowMs + downFor, StartMs + _config.FaultPhaseMs);
                    At(restartAt, () => Restart(node));
                });
            }
        }
        if (_config.Partitions)
        {
            var partitions = 1 + _random.Next(2);
            for (var i = 0; i < partitions; i++)
            {
                var at = _random.NextInt64(_config.FaultPhaseMs - 2_000);
                var lasting = 500 + _random.NextInt64(5_000);
                var groups = _nodes.Select(_ => _random.Next(2)).ToArray();
                At(StartMs + at, () =>
                {
                    _partitions++;
                    _partition = groups;
                    Log($"partition {string.Join(" | ", Enumerable.Range(0, 2).Select(g => string.Join(",", _nodes.Where(n => groups[n.Index] == g).Select(n => n.Name))))}");
                    At(Math.Min(NowMs + lasting, StartMs + _config.FaultPhaseMs), () => _partition = new int[_nodes.Count]);
                });
            }
        }
        if (_nodes.FirstOrDefault(n => n.Byzantine == ByzantineBehavior.Garbage) is { } garbage)
        {
            void SendGarbage()
            {
                if (garbage.Alive)
                {
                    foreach (var peer in PeerNames(garbage))
                    {
                        var bytes = new byte[1 + _random.Next(300)];
                        _random.NextBytes(bytes);
                        Transmit(garbage, peer, bytes);
                    }
                }
                After(700, SendGarbage);
            }
            After(300, SendGarbage);
        }
    }

    private void Restart(SimNode node)
    {
        if (node.Alive)
        {
            return;
        }
        Log($"restart {node.Name} from height {ReadStoredHeight(node)}");
        StartNode(node);
    }

    private ulong Heal()
    {
        _partition = new int[_nodes.Count];
        _dropRate = 0;
        _delayMaxMs = Math.Min(_delayMaxMs, 50);
        foreach (var node in _nodes.Where(n => !n.Alive))
        {
            Restart(node);
        }
        var height = _nodes.Where(n => n.IsHonest).Max(n => n.Height);
        Log($"healed at height {height}");
        return height;
    }

    private void ScheduleWorkload()
    {
        var interval = Math.Max(1, 1_000 / Math.Max(1, _config.TransactionsPerSecond));
        void Tick()
        {
            var client = _random.Next(_clients.Length);
            if (_pending.Values.Count(p => p.Client == client) < 5)
            {
                var height = _nodes.Max(n => n.Height);
                var documentHash = HashOf($"document {client} {_clientNonces[client] + 1}");
                var transaction = Transaction.Create(_setup.Hash, _clients[client], ChainId, ++_clientNonces[client], height + 1_000, "evidence", "record",
                    Encoding.UTF8.GetBytes($"{{\"hash\":\"{documentHash}\"}}"));
                _pending[transaction.Id] = (transaction, NowMs, client);
                Submit(transaction);
            }
            foreach (var (_, pending) in _pending.Where(p => NowMs - p.Value.SubmittedAtMs > 3_000).ToArray())
            {
                _pending[pending.Transaction.Id] = pending with { SubmittedAtMs = NowMs };
                Submit(pending.Transaction);
            }
            After(interval, Tick);
        }
        After(interval, Tick);
    }

    /// <summary>
    /// With <see cref="SimulationConfig.ValidatorChanges"/>: in the fault phase, add every standby node as a validator,
    /// then (once they are in the set) remove one honest genesis validator chosen by the seed.
    /// </summary>
    private void ScheduleValidatorChanges()
    {
        if (!_config.ValidatorChanges)
        {
            return;
        }
        var standby = _nodes.Where(n => n.Name.StartsWith("standby", StringComparison.Ordinal)).ToArray();
        var honestGenesis = _nodes.Where(n => n.Index < _config.Validators && n.IsHonest).ToArray();
        var removed = honestGenesis[_random.Next(honestGenesis.Length)];
        At(StartMs + (_config.FaultPhaseMs / 5), () =>
        {
            foreach (var node in standby)
            {
                ProposeValidatorChange("add-validator", node.Name);
            }
        });
        void RemoveWhenAdded()
        {
            var alive = _nodes.Where(n => n.IsHonest && n.Alive).ToArray();
            if (alive.Length > 0 && standby.All(s => LatestValidators().IndexOf(s.Key!.PublicKey) >= 0))
            {
                ProposeValidatorChange("remove-validator", removed.Name);
                return;
            }
            After(1_000, RemoveWhenAdded);
        }
        At(StartMs + (_config.FaultPhaseMs / 2), RemoveWhenAdded);
    }

    private void Submit(Transaction transaction)
    {
        var alive = _nodes.Where(n => n.Alive).ToArray();
        if (alive.Length == 0)
        {
            return;
        }
        var node = alive[_random.Next(alive.Length)];
        var result = node.Mempool!.Admit(transaction);
        if (result.Status is AdmissionStatus.Accepted or AdmissionStatus.AlreadyPending)
        {
            node.Replica!.OnTransactionsAdmitted([transaction.EncodedArray]);
        }
    }

    /// <summary>At the end, every honest node's stored chain must pass the check a restarting node makes.</summary>
    private void CheckStoredChains()
    {
        foreach (var node in _nodes.Where(n => n.IsHonest && n.Alive))
        {
            var height = node.Height;
            node.Crash();
            try
            {
                using var chain = Chain.Open(_setup, Path.Combine(node.Directory, "data"), _chainOptions);
                if (chain.Head.Height != height)
                {
                    Fail($"recovery: {node.Name} reopened at height {chain.Head.Height}, not {height}");
                }
                if (_committedHashes.TryGetValue(height, out var hash) && chain.Head.Hash != hash)
                {
                    Fail($"recovery: {node.Name} reopened with another block at height {height}");
                }
            }
            catch (ChainCorruptionException exception)
            {
                Fail($"recovery: {node.Name}'s stored chain does not verify: {exception.Message}");
            }
        }
    }

    private ulong ReadStoredHeight(SimNode node)
    {
        var path = Path.Combine(node.Directory, "data");
        if (!Directory.Exists(path))
        {
            return 0;
        }
        using var store = Storage.ChainStore.Open(path, durable: false);
        return store.ReadHeight();
    }

    private static string DescribeConsensus(SimNode node)
    {
        var machine = node.Replica!.Machine;
        var text = new StringBuilder($"{node.Name}: h{machine.Height} r{machine.Round} {machine.Step} locked r{machine.LockedRound} {machine.LockedValue.ToShortString()} valid r{machine.ValidRound} {machine.ValidValue.ToShortString()}");
        for (var round = (uint)0; round <= machine.Round; round++)
        {
            var proposal = machine.ProposalAt(round);
            var prevotes = machine.Votes(round, VoteType.Prevote);
            var precommits = machine.Votes(round, VoteType.Precommit);
            text.Append($" | r{round}: prop {(proposal is null ? "-" : proposal.BlockHash.ToShortString() + "/vr" + proposal.ValidRound)}");
            text.Append($" pv[{string.Join(",", prevotes?.All().Select(v => $"{v.ValidatorIndex}:{(v.IsNil ? "nil" : v.BlockHash.ToShortString()[..4])}") ?? [])}]");
            text.Append($" pc[{string.Join(",", precommits?.All().Select(v => $"{v.ValidatorIndex}:{(v.IsNil ? "nil" : v.BlockHash.ToShortString()[..4])}") ?? [])}]");
        }
        return text.ToString();
    }

    private ulong HonestMinimumHeight() => _nodes.Where(n => n.IsHonest).Min(n => n.Alive ? n.Height : 0);

    private void Fail(string failure)
    {
        _failure ??= failure;
        Log("FAILURE: " + failure);
    }

    private void At(long timeMs, Action action) => _events.Enqueue(action, (timeMs, _sequence++));

    private void After(long delayMs, Action action) => At(NowMs + delayMs, action);

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            if (node.Alive)
            {
                node.Crash();
            }
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

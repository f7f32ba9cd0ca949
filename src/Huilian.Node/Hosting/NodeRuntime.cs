using System.Collections.Concurrent;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Ledger;
using Huilian.Replica;

namespace Huilian.Node.Hosting;

/// <summary>How a submitted transaction ended, for callers that wait.</summary>
public sealed record TransactionOutcome(Hash32 Id, ulong Height, Receipt? Receipt, Refusal? Dropped);

/// <summary>
/// Everything a running node holds: its chain, mempool, validator key and the waiters of submitted transactions.
/// Opening it checks the stored chain, so a node that cannot verify its data never starts serving.
/// </summary>
public sealed class NodeRuntime : IDisposable
{
    private readonly ConcurrentDictionary<Hash32, TaskCompletionSource<TransactionOutcome>> _waiters = new();

    private NodeRuntime(NodeConfig config, ChainSetup setup, Chain chain, Mempool mempool, ISigningKey? validatorKey, IPeerTransport transport,
        IReadOnlyDictionary<string, ISigningKey> hostedKeys)
    {
        HostedKeys = hostedKeys;
        AccessLog = new AccessLog(Path.Combine(config.Resolve(config.DataDirectory), "access-log.jsonl"));
        Transport = transport;
        Config = config;
        Setup = setup;
        Chain = chain;
        Mempool = mempool;
        ValidatorKey = validatorKey;
        Metrics.Height = (long)chain.Head.Height;
        Metrics.StateEntries = chain.State.Count;
        chain.Committed += OnCommitted;
        mempool.Dropped += OnDropped;
    }

    public NodeConfig Config { get; }

    /// <summary>The data-encryption keys of the organisations this node serves, by organisation id.</summary>
    public IReadOnlyDictionary<string, ISigningKey> HostedKeys { get; }

    /// <summary>Signed-in API users.</summary>
    public SessionStore Sessions { get; } = new();

    /// <summary>Every read of confidential data through this node's API.</summary>
    public AccessLog AccessLog { get; }

    public ChainSetup Setup { get; }

    public Chain Chain { get; }

    public Mempool Mempool { get; }

    public ISigningKey? ValidatorKey { get; }

    /// <summary>This node's index in the validator set, or -1 for an observer.</summary>
    /// <summary>This node's index in the set deciding the next height; −1 when it does not vote there (an observer, or a key governance has not added).</summary>
    public int ValidatorIndex => ValidatorKey is null ? -1 : Chain.NextValidators.IndexOf(ValidatorKey.PublicKey);

    public NodeMetrics Metrics { get; } = new();

    public IPeerTransport Transport { get; }

    /// <summary>The running replica, once consensus has started.</summary>
    public ConsensusReplica? Replica { get; private set; }

    /// <summary>The replica as last pictured on its thread (at most every 100 ms), for the API.</summary>
    public volatile ReplicaSnapshot? ReplicaStatus;

    /// <summary>Raised with the bytes of each transaction this node's API admitted, for gossip.</summary>
    public event Action<byte[]>? TransactionAdmitted;

    public void NotifyAdmitted(byte[] transaction) => TransactionAdmitted?.Invoke(transaction);

    /// <summary>Builds the replica that drives consensus for this node, signing through a durable guard.</summary>
    public ConsensusReplica CreateReplica(IReplicaEnvironment environment)
    {
        var guard = ValidatorKey is null ? null
            : new SignGuard(ValidatorKey, new FileSignStateStore(Path.Combine(Config.Resolve(Config.DataDirectory), "sign-state.bin")));
        Replica = new ConsensusReplica(Config.Consensus.ToOptions(Config.Name), Chain, Mempool, guard, environment);
        return Replica;
    }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public static string Version => typeof(NodeRuntime).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static NodeRuntime Open(NodeConfig config, IProgress<ChainCheckProgress>? progress = null)
    {
        var setup = ChainSetup.FromFile(config.Resolve(config.Genesis));
        ISigningKey? validatorKey = null;
        if (config.ValidatorKey is not null)
        {
            var keystore = Keystore.Load(config.Resolve(config.ValidatorKey));
            if (keystore.Suite != setup.Suite.Name)
            {
                throw new NodeConfigException($"The validator key is for suite '{keystore.Suite}'; the chain uses '{setup.Suite.Name}'.");
            }
            validatorKey = keystore.Decrypt(config.ReadPassword());
        }
        var chain = Chain.Open(setup, config.Resolve(config.DataDirectory), config.Storage.ToOptions(), progress);
        // Checking a long chain leaves a lot of garbage behind (decoded blocks, the snapshot's entry list): return it now,
        // before the node starts serving, rather than carrying it in the heap.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var mempool = new Mempool(chain, config.Mempool.ToOptions());
        var transport = PeerTransports.Create(config, setup);
        var hostedKeys = new SortedDictionary<string, ISigningKey>(StringComparer.Ordinal);
        foreach (var hosted in config.Organisations)
        {
            var key = Keystore.Load(config.Resolve(hosted.DataKey)).Decrypt(config.ReadPassword());
            var organisation = Execution.Modules.Membership.MembershipState.ReadOrganisation(chain.State, hosted.Id);
            if (organisation is null || !organisation.EncryptionKey.AsSpan().SequenceEqual(key.PublicKey))
            {
                key.Dispose();
                throw new NodeConfigException($"Organisation '{hosted.Id}' in node.json is not a member, or {hosted.DataKey} is not its data-encryption key.");
            }
            hostedKeys[hosted.Id] = key;
        }
        return new NodeRuntime(config, setup, chain, mempool, validatorKey, transport, hostedKeys);
    }

    /// <summary>Waits for <paramref name="id"/> to commit or be dropped; register before submitting to miss nothing.</summary>
    public Task<TransactionOutcome> WaitFor(in Hash32 id) =>
        _waiters.GetOrAdd(id, _ => new TaskCompletionSource<TransactionOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void StopWaiting(in Hash32 id) => _waiters.TryRemove(id, out _);

    private void OnCommitted(CommittedBlock block)
    {
        Interlocked.Increment(ref Metrics.BlocksCommitted);
        Interlocked.Add(ref Metrics.TransactionsCommitted, block.Transactions.Count);
        Interlocked.Exchange(ref Metrics.Height, (long)block.Header.Height);
        Metrics.BlockTransactions.Observe(block.Transactions.Count);
        Interlocked.Exchange(ref Metrics.StateEntries, Chain.State.Count);
        if (_waiters.IsEmpty)
        {
            return;
        }
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            if (_waiters.TryRemove(block.Transactions[i].Id, out var waiter))
            {
                waiter.TrySetResult(new TransactionOutcome(block.Transactions[i].Id, block.Header.Height, block.Receipts[i], null));
            }
        }
    }

    private void OnDropped(Hash32 id, Refusal refusal)
    {
        Interlocked.Increment(ref Metrics.TransactionsDropped);
        if (_waiters.TryRemove(id, out var waiter))
        {
            waiter.TrySetResult(new TransactionOutcome(id, 0, null, refusal));
        }
    }

    public void Dispose()
    {
        Transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Chain.Dispose();
        ValidatorKey?.Dispose();
        AccessLog.Dispose();
        foreach (var key in HostedKeys.Values)
        {
            key.Dispose();
        }
    }
}

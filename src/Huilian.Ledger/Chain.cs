using System.Collections.Concurrent;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Ledger;
using Huilian.Core.Merkle;
using Huilian.Core.State;
using Huilian.Execution.Host;
using Huilian.Storage;
using Huilian.Storage.State;

namespace Huilian.Ledger;

public sealed class ChainOptions
{
    /// <summary>Write a state snapshot once this many state writes have accumulated since the last one.</summary>
    public long SnapshotAfterWrites { get; init; } = 200_000;

    /// <summary>State versions kept in memory for queries at recent heights.</summary>
    public int RecentStatesKept { get; init; } = 16;

    /// <summary>Snapshot files kept on disk.</summary>
    public int SnapshotsKept { get; init; } = 2;

    /// <summary>Fsync every commit. Only the simulator turns this off (its crashes are of processes, not machines).</summary>
    public bool Durable { get; init; } = true;
}

/// <summary>
/// The committed chain of one node. It opens and checks the stored chain, builds and checks blocks through the
/// execution engine, commits them atomically, and answers queries. One thread commits (the ordering loop); any
/// number of threads read, and readers never wait for a commit: the state and head are immutable versions.
/// </summary>
public sealed class Chain : IDisposable
{
    private readonly ChainStore _store;
    private readonly SnapshotStore _snapshots;
    private readonly ChainOptions _options;
    private readonly ConcurrentDictionary<Hash32, long> _transactionIndex = new();
    private readonly ConcurrentDictionary<Hash32, ulong> _blockIndex = new();
    private readonly ConcurrentDictionary<ulong, StateSnapshot> _recentStates = new();
    private readonly Lock _commitGate = new();
    private readonly List<(ulong Height, DuplicateVoteEvidence Evidence)> _misbehavior = [];
    private volatile ChainHead _head;
    private volatile StateSnapshot _state;
    private volatile ValidatorHistory _validators;
    private long _writesSinceSnapshot;
    private Task _snapshotTask = Task.CompletedTask;

    private Chain(ChainSetup setup, ChainStore store, SnapshotStore snapshots, ChainOptions options, ChainHead head, StateSnapshot state, ValidatorHistory validators)
    {
        _validators = validators;
        Setup = setup;
        _store = store;
        _snapshots = snapshots;
        _options = options;
        _head = head;
        _state = state;
    }

    public ChainSetup Setup { get; }

    public ChainHead Head => _head;

    /// <summary>The state after the newest committed block.</summary>
    public StateSnapshot State => _state;

    public ChainStore Store => _store;

    /// <summary>Every validator set of the chain so far, with the height each governs from.</summary>
    public ValidatorHistory Validators => _validators;

    /// <summary>The validator set that decides <paramref name="height"/> (ADR 0012).</summary>
    public ValidatorSet ValidatorsAt(ulong height) => _validators.At(height);

    /// <summary>The set deciding the next block, the one after the head.</summary>
    public ValidatorSet NextValidators => _validators.At(_head.Height + 1);

    public event Action<CommittedBlock>? Committed;

    /// <summary>
    /// Opens the chain in <paramref name="dataDirectory"/>, creating it on first use. Every stored block is checked
    /// (hash links, roots, commit certificates) and the state rebuilt from the newest good snapshot and the
    /// write sets after it; a chain that does not verify is refused with the height where it broke.
    /// </summary>
    public static Chain Open(ChainSetup setup, string dataDirectory, ChainOptions? options = null, IProgress<ChainCheckProgress>? progress = null)
    {
        options ??= new ChainOptions();
        var store = ChainStore.Open(dataDirectory, options.Durable);
        try
        {
            BindToGenesis(store, setup);
            var snapshots = new SnapshotStore(Path.Combine(dataDirectory, "snapshots"));
            var checker = new ChainChecker(setup, store, snapshots, progress);
            var result = checker.CheckAndRecover();
            var chain = new Chain(setup, store, snapshots, options, result.Head, result.State, result.Validators);
            foreach (var (id, sequence) in result.TransactionIndex)
            {
                chain._transactionIndex[id] = sequence;
            }
            foreach (var (hash, height) in result.BlockIndex)
            {
                chain._blockIndex[hash] = height;
            }
            chain._recentStates[result.State.Height] = result.State;
            chain._misbehavior.AddRange(result.Misbehavior);
            chain._writesSinceSnapshot = result.WritesSinceSnapshot;
            return chain;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    private static void BindToGenesis(ChainStore store, ChainSetup setup)
    {
        var stored = store.GetMeta("genesis_hash");
        if (stored is null)
        {
            store.SetMeta("genesis_hash", setup.GenesisHash.ToArray());
            store.SetMeta("chain_id", System.Text.Encoding.UTF8.GetBytes(setup.ChainId));
            return;
        }
        if (new Hash32(stored) != setup.GenesisHash)
        {
            throw new ChainCorruptionException(0, "GenesisMismatch",
                $"the data directory belongs to a chain with genesis {new Hash32(stored).ToShortString()}, not {setup.GenesisHash.ToShortString()} ({setup.ChainId}).");
        }
    }

    /// <summary>The state version after <paramref name="height"/>, if still kept in memory.</summary>
    public StateSnapshot? StateAt(ulong height) => _recentStates.TryGetValue(height, out var state) ? state : null;

    /// <summary>
    /// Executes candidate transactions, in order, into a block on top of the head. A candidate that may not be
    /// included (nonce, expiry, a full block...) is skipped and reported through <paramref name="skipped"/>.
    /// </summary>
    public BlockProposal BuildBlock(IEnumerable<Transaction> candidates, long timeMs, byte[] proposer, Action<Transaction, Refusal>? skipped = null,
        IEnumerable<DuplicateVoteEvidence>? evidence = null)
    {
        var head = _head;
        var baseState = _state;
        var height = checked(head.Height + 1);
        var time = Math.Max(timeMs, checked(head.TimeMs + 1));
        var execution = Setup.Engine.BeginBlock(new BlockContext(Setup.ChainId, height, time, proposer), baseState);
        foreach (var item in evidence ?? [])
        {
            // Evidence that is invalid, too old or already recorded is simply left out of a block we build.
            if (CheckEvidence(item, height) is null)
            {
                execution.ApplyEvidence(item);
            }
        }
        foreach (var transaction in candidates)
        {
            if (execution.IsFullFor(transaction))
            {
                break;
            }
            var refusal = execution.TryApply(transaction);
            if (refusal is not null)
            {
                skipped?.Invoke(transaction, refusal);
            }
        }
        return Seal(head, baseState, execution, proposer);
    }

    /// <summary>
    /// Re-executes a block proposed by someone else and checks that it matches its header. Returns the proposal
    /// ready to commit, or the refusal. Signatures must already be verified by the caller.
    /// </summary>
    public BlockProposal ReplayBlock(BlockHeader header, IReadOnlyList<Transaction> transactions, out Refusal? refusal,
        IReadOnlyList<DuplicateVoteEvidence>? evidence = null)
    {
        var head = _head;
        var baseState = _state;
        refusal = CheckHeaderAgainstHead(header, head);
        var execution = Setup.Engine.BeginBlock(new BlockContext(Setup.ChainId, header.Height, header.TimeMs, header.Proposer), baseState);
        foreach (var item in refusal is null ? evidence ?? [] : [])
        {
            refusal = CheckEvidence(item, header.Height) ?? execution.ApplyEvidence(item);
            if (refusal is not null)
            {
                refusal = new Refusal("BlockHasInvalidEvidence", $"The block's evidence is not acceptable: {refusal.Message}");
                break;
            }
        }
        if (refusal is null)
        {
            foreach (var transaction in transactions)
            {
                refusal = execution.TryApply(transaction);
                if (refusal is not null)
                {
                    refusal = new Refusal("BlockHasInvalidTransaction", $"Transaction {transaction.Id.ToShortString()} may not be included: {refusal.Message}");
                    break;
                }
            }
        }
        var proposal = Seal(head, baseState, execution, header.Proposer);
        if (refusal is null && proposal.Hash != header.ComputeHash(Setup.Hash))
        {
            refusal = new Refusal("BlockRootsMismatch", "Executing the block gives different roots than its header states.");
        }
        return proposal;
    }

    /// <summary>Evidence older than this many blocks is no longer accepted.</summary>
    public const ulong EvidenceAgeBlocksMax = 100_000;

    /// <summary>Null when <paramref name="evidence"/> may be recorded by the block at <paramref name="height"/>.</summary>
    public Refusal? CheckEvidence(DuplicateVoteEvidence evidence, ulong height)
    {
        if (!evidence.IsValid(Setup.ChainId, ValidatorsAt(evidence.First.Height), Setup.Suite.Signatures))
        {
            return new Refusal("EvidenceInvalid", "The two votes do not conflict, or a signature does not verify.");
        }
        if (evidence.First.Height > height || height - evidence.First.Height > EvidenceAgeBlocksMax)
        {
            return new Refusal("EvidenceOutOfRange", $"Evidence from height {evidence.First.Height} cannot be recorded at height {height}.");
        }
        return null;
    }

    private Refusal? CheckHeaderAgainstHead(BlockHeader header, ChainHead head)
    {
        if (header.ChainId != Setup.ChainId || header.Height != head.Height + 1 || header.PreviousHash != head.Hash)
        {
            return new Refusal("BlockDoesNotExtendHead", $"The block at height {header.Height} does not extend the head at {head.Height}.");
        }
        if (header.TimeMs <= head.TimeMs)
        {
            return new Refusal("BlockTimeNotIncreasing", "The block's time is not after its parent's.");
        }
        var validators = ValidatorsAt(header.Height);
        if (validators.IndexOf(header.Proposer) < 0 || header.ValidatorSetHash != validators.Hash)
        {
            return new Refusal("BlockProposerUnknown", "The block's proposer or validator set is not this chain's.");
        }
        return null;
    }

    private BlockProposal Seal(ChainHead head, StateSnapshot baseState, BlockExecution execution, byte[] proposer)
    {
        var transactions = execution.Transactions.ToArray();
        var receipts = execution.Receipts.ToArray();
        var evidence = execution.Evidence.ToArray();
        var writes = execution.WriteSet();
        var builder = baseState.ToBuilder(execution.Block.Height);
        builder.Apply(writes);
        var state = builder.Build();
        var header = new BlockHeader(
            Setup.ChainId,
            execution.Block.Height,
            head.Hash,
            execution.Block.TimeMs,
            checked((uint)transactions.Length),
            TransactionRoot(transactions),
            state.Root,
            ReceiptRoot(receipts),
            EvidenceList.Root(Setup.Hash, evidence),
            proposer,
            ValidatorsAt(execution.Block.Height).Hash);
        return new BlockProposal(header, header.ComputeHash(Setup.Hash), transactions, receipts, writes, state, evidence);
    }

    public Hash32 TransactionRoot(IReadOnlyList<Transaction> transactions)
    {
        var leaves = new Hash32[transactions.Count];
        for (var i = 0; i < leaves.Length; i++)
        {
            leaves[i] = MerkleTree.LeafHash(Setup.Hash, transactions[i].Encoded);
        }
        return MerkleTree.Root(Setup.Hash, leaves);
    }

    public Hash32 ReceiptRoot(IReadOnlyList<Receipt> receipts)
    {
        var leaves = new Hash32[receipts.Count];
        for (var i = 0; i < leaves.Length; i++)
        {
            leaves[i] = MerkleTree.LeafHash(Setup.Hash, receipts[i].Encode());
        }
        return MerkleTree.Root(Setup.Hash, leaves);
    }

    /// <summary>
    /// Makes <paramref name="proposal"/> final: checks the certificate, stores block, transactions, receipts and
    /// write set in one durable transaction, then publishes the new state and head. All or nothing.
    /// </summary>
    public CommittedBlock Commit(BlockProposal proposal, CommitCertificate commit)
    {
        lock (_commitGate)
        {
            var head = _head;
            if (proposal.Height != head.Height + 1 || proposal.Header.PreviousHash != head.Hash)
            {
                throw new InvalidOperationException($"Block {proposal.Height} does not extend the head at {head.Height}.");
            }
            var error = ValidatorsAt(proposal.Height).VerifyCommit(Setup.ChainId, proposal.Height, proposal.Hash, commit, Setup.Suite.Signatures);
            if (error is not null)
            {
                throw new InvalidOperationException($"Refusing to commit block {proposal.Height}: {error.Message}");
            }

            var firstSequence = checked(head.TransactionCount + 1);
            var records = new TransactionRecord[proposal.Transactions.Count];
            for (var i = 0; i < records.Length; i++)
            {
                var transaction = proposal.Transactions[i];
                records[i] = new TransactionRecord(firstSequence + i, proposal.Height, i, transaction.Id, transaction.EncodedArray, proposal.Receipts[i].Encode());
            }
            var block = new BlockRecord(proposal.Height, proposal.Hash, proposal.Header.Encode(), commit.Encode(),
                WriteSetEncoding.Encode(proposal.Writes), firstSequence, records.Length, EvidenceList.Encode(proposal.Evidence));
            // A block whose execution changed the validator set hands consensus a new set from the next height.
            var nextValidators = ValidatorHistory.ChangedSet(proposal.Writes);
            var history = nextValidators is null ? null
                : _validators.With(proposal.Height + 1, ValidatorSet.DecodeState(nextValidators, Setup.Hash));
            var nextValidatorsProof = nextValidators is null ? null : proposal.State.Prove(ValidatorSet.StateKey).Encode();
            _store.Append(new BlockWrite(block, records, nextValidators, nextValidatorsProof));
            if (history is not null)
            {
                _validators = history;
            }

            for (var i = 0; i < records.Length; i++)
            {
                _transactionIndex[records[i].Id] = records[i].Sequence;
            }
            _blockIndex[proposal.Hash] = proposal.Height;
            _state = proposal.State;
            _recentStates[proposal.Height] = proposal.State;
            if (proposal.Height >= (ulong)_options.RecentStatesKept)
            {
                _recentStates.TryRemove(proposal.Height - (ulong)_options.RecentStatesKept, out _);
            }
            _head = new ChainHead(proposal.Header, proposal.Hash, proposal.Height, proposal.Header.TimeMs, checked(head.TransactionCount + records.Length));
            _writesSinceSnapshot += proposal.Writes.Count;
            MaybeSnapshot(proposal.State);

            foreach (var item in proposal.Evidence)
            {
                _misbehavior.Add((proposal.Height, item));
            }
            var committed = new CommittedBlock(proposal.Header, proposal.Hash, commit, proposal.Transactions, proposal.Receipts, firstSequence, proposal.Evidence);
            Committed?.Invoke(committed);
            return committed;
        }
    }

    private void MaybeSnapshot(StateSnapshot state)
    {
        if (_writesSinceSnapshot < _options.SnapshotAfterWrites || !_snapshotTask.IsCompleted)
        {
            return;
        }
        _writesSinceSnapshot = 0;
        _snapshotTask = Task.Run(() =>
        {
            _snapshots.Write(state);
            _snapshots.Prune(_options.SnapshotsKept);
        });
    }

    /// <summary>Writes a snapshot of the current state now and waits for it (used at shutdown and by tests).</summary>
    public void SnapshotNow()
    {
        _snapshotTask.Wait();
        _snapshots.Write(_state);
        _snapshots.Prune(_options.SnapshotsKept);
        _writesSinceSnapshot = 0;
    }

    /// <summary>Every equivocation recorded on chain, with the height of the block that recorded it.</summary>
    public IReadOnlyList<(ulong Height, DuplicateVoteEvidence Evidence)> Misbehavior
    {
        get
        {
            lock (_commitGate)
            {
                return _misbehavior.ToArray();
            }
        }
    }

    public bool ContainsTransaction(in Hash32 id) => _transactionIndex.ContainsKey(id);

    public TransactionRecord? GetTransaction(in Hash32 id) =>
        _transactionIndex.TryGetValue(id, out var sequence) ? _store.ReadTransaction(sequence) : null;

    public BlockRecord? GetBlock(ulong height) => height == 0 || height > _head.Height ? null : _store.ReadBlock(height);

    public BlockRecord? GetBlock(in Hash32 hash) =>
        _blockIndex.TryGetValue(hash, out var height) ? _store.ReadBlock(height) : null;

    public IReadOnlyList<TransactionRecord> GetBlockTransactions(BlockRecord block) =>
        _store.ReadTransactions(block.FirstTransaction, block.TransactionCount);

    /// <summary>
    /// The validator-set changes that take effect at or before <paramref name="height"/>, each as the block that
    /// made it (header and commit certificate) and the state proof of the new set under that block's state root:
    /// what an offline verifier needs to walk from the genesis validators to the set of <paramref name="height"/>.
    /// </summary>
    public IReadOnlyList<(BlockRecord Block, byte[] SetProof)> ValidatorTransitions(ulong height)
    {
        var transitions = new List<(BlockRecord, byte[])>();
        foreach (var record in _store.ReadValidatorSets())
        {
            if (record.FromHeight > height)
            {
                break;
            }
            var block = _store.ReadBlock(record.FromHeight - 1) ?? throw new InvalidOperationException($"Block {record.FromHeight - 1}, which changed the validator set, is missing.");
            transitions.Add((block, record.Proof));
        }
        return transitions;
    }

    /// <summary>The inclusion proof of a transaction in its block's transaction root.</summary>
    public MerkleProof ProveTransaction(TransactionRecord record)
    {
        var block = _store.ReadBlock(record.Height) ?? throw new InvalidOperationException("The transaction's block is missing.");
        var transactions = GetBlockTransactions(block);
        var leaves = new Hash32[transactions.Count];
        for (var i = 0; i < leaves.Length; i++)
        {
            leaves[i] = MerkleTree.LeafHash(Setup.Hash, transactions[i].Transaction);
        }
        return MerkleTree.Prove(Setup.Hash, leaves, record.Index);
    }

    public void Dispose()
    {
        try
        {
            _snapshotTask.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // A failed background snapshot leaves the previous one in place; the block log is what counts.
        }
        _store.Dispose();
    }
}

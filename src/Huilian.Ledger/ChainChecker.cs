using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Ledger;
using Huilian.Core.Merkle;
using Huilian.Core.State;
using Huilian.Storage;
using Huilian.Storage.State;
using Microsoft.Data.Sqlite;

namespace Huilian.Ledger;

/// <summary>How far a check of the stored chain has come.</summary>
public sealed record ChainCheckProgress(string Phase, ulong Height, ulong TargetHeight);

/// <summary>
/// Checks every stored block on start — header hash links and times, the transaction root against the stored
/// transactions and their ids, the receipt root, the commit certificate against the validators — and rebuilds
/// the state from the newest snapshot whose root matches its header, replaying write sets after it and checking
/// each block's state root. The first failure stops the check with the height and what broke.
/// </summary>
internal sealed class ChainChecker(ChainSetup setup, ChainStore store, SnapshotStore snapshots, IProgress<ChainCheckProgress>? progress)
{
    private const int ParallelThreshold = 64;

    internal sealed record Result(
        ChainHead Head,
        StateSnapshot State,
        List<(Hash32 Id, long Sequence)> TransactionIndex,
        List<(Hash32 Hash, ulong Height)> BlockIndex,
        long WritesSinceSnapshot,
        List<(ulong Height, DuplicateVoteEvidence Evidence)> Misbehavior,
        ValidatorHistory Validators);

    public Result CheckAndRecover()
    {
        ulong targetHeight = 0;
        ulong currentHeight = 0;
        ulong failingHeight = 1;
        try
        {
            targetHeight = store.ReadHeight();
            // The newest snapshot loads on another thread while the blocks before it are checked; its root is
            // compared with the header at its height when the scan gets there.
            var snapshotHeight = snapshots.ListComplete().FirstOrDefault(h => h > 0 && h <= targetHeight);
            var snapshotLoad = snapshotHeight > 0 ? Task.Run(() => snapshots.TryLoad(setup.Hash, snapshotHeight, out _)) : null;
            var state = snapshotHeight == 0 ? GenesisState() : null;
            var previousHash = setup.GenesisHash;
            var previousTime = setup.Genesis.GenesisTimeMs;
            long transactionCount = 0;
            long writesSinceSnapshot = 0;
            BlockHeader? lastHeader = null;
            var transactionIndex = new List<(Hash32, long)>();
            var blockIndex = new List<(Hash32, ulong)>();
            var misbehavior = new List<(ulong, DuplicateVoteEvidence)>();
            var reportEvery = Math.Max(1UL, targetHeight / 200);
            var (validators, changes) = ReadValidatorHistory(targetHeight);

            foreach (var (block, records) in ReadAhead(targetHeight))
            {
                currentHeight = checked(currentHeight + 1);
                failingHeight = currentHeight;
                if (block.Height != currentHeight)
                {
                    throw Broken(currentHeight, "BlockMissing", $"block {currentHeight} is missing (found {block.Height} next).");
                }
                var header = DecodeHeader(block);
                var set = validators.At(block.Height);
                CheckHeader(block, header, previousHash, previousTime, set);
                if (block.FirstTransaction != transactionCount + 1 || block.TransactionCount != (int)header.TransactionCount)
                {
                    throw Broken(block.Height, "TransactionCountMismatch", "the block's transaction range does not follow the previous block's.");
                }
                CheckTransactions(block, header, records, transactionIndex);
                CheckCommit(block, set);
                foreach (var item in CheckEvidence(block, header))
                {
                    misbehavior.Add((block.Height, item));
                }

                if (block.Height == snapshotHeight)
                {
                    progress?.Report(new ChainCheckProgress("Loading state snapshot", block.Height, targetHeight));
                    var loaded = snapshotLoad!.GetAwaiter().GetResult();
                    // A damaged or foreign snapshot is only a lost shortcut: rebuild from genesis instead.
                    state = loaded is not null && loaded.Root == header.StateRoot ? loaded : RebuildFromWriteSets(block.Height);
                    CheckSnapshotValidators(block.Height, state, validators);
                    if (changes.TryGetValue(block.Height + 1, out var change))
                    {
                        CheckValidatorChange(block, header, DecodeWrites(block), change);
                    }
                }
                else if (block.Height < snapshotHeight)
                {
                    if (changes.TryGetValue(block.Height + 1, out var change))
                    {
                        CheckValidatorChange(block, header, DecodeWrites(block), change);
                    }
                }
                else if (block.Height > snapshotHeight)
                {
                    var writes = DecodeWrites(block);
                    var builder = state!.ToBuilder(block.Height);
                    builder.Apply(writes);
                    state = builder.Build();
                    if (state.Root != header.StateRoot)
                    {
                        throw Broken(block.Height, "StateRootMismatch", $"the stored write set gives state root {state.Root.ToShortString()}, but the header commits to {header.StateRoot.ToShortString()}.");
                    }
                    writesSinceSnapshot += writes.Length;
                    CheckValidatorChange(block, header, writes, changes.GetValueOrDefault(block.Height + 1));
                }

                blockIndex.Add((block.Hash, block.Height));
                previousHash = block.Hash;
                previousTime = header.TimeMs;
                transactionCount += block.TransactionCount;
                lastHeader = header;
                failingHeight = currentHeight + 1;
                if (block.Height % reportEvery == 0 || block.Height == targetHeight)
                {
                    progress?.Report(new ChainCheckProgress("Checking blocks", block.Height, targetHeight));
                }
            }
            if (currentHeight != targetHeight)
            {
                throw Broken(currentHeight + 1, "BlockMissing", $"block {currentHeight + 1} is missing.");
            }
            if (store.ReadTransactionCount() != transactionCount)
            {
                throw Broken(targetHeight, "TransactionCountMismatch", "the store holds transactions that no block accounts for.");
            }
            var head = new ChainHead(lastHeader, previousHash, targetHeight, previousTime, transactionCount);
            return new Result(head, state ?? GenesisState(), transactionIndex, blockIndex, writesSinceSnapshot, misbehavior, validators);
        }
        catch (SqliteException exception)
        {
            throw Broken(failingHeight, "StorageDamaged", $"the database cannot be read ({exception.Message}).");
        }
        catch (StorageCorruptionException exception)
        {
            throw Broken(failingHeight, "StorageDamaged", exception.Message);
        }
        catch (InvalidCastException)
        {
            throw Broken(failingHeight, "StorageDamaged", "a stored row holds a value of the wrong type.");
        }
    }

    private StateSnapshot GenesisState()
    {
        var builder = StateSnapshot.Empty(setup.Hash).ToBuilder(0);
        builder.Apply(setup.Engine.GenesisWrites(setup.Genesis));
        return builder.Build();
    }

    /// <summary>The state at <paramref name="height"/> from genesis and the stored write sets, each block's root checked.</summary>
    private StateSnapshot RebuildFromWriteSets(ulong height)
    {
        var state = GenesisState();
        foreach (var block in store.ReadBlocks(1, height))
        {
            var builder = state.ToBuilder(block.Height);
            builder.Apply(DecodeWrites(block));
            state = builder.Build();
            if (state.Root != BlockHeader.Decode(block.Header).StateRoot)
            {
                throw Broken(block.Height, "StateRootMismatch", "the stored write set does not give the state root the header commits to.");
            }
        }
        return state;
    }

    /// <summary>
    /// Blocks with their transactions, read by another thread a few blocks ahead of the checks so that reading
    /// SQLite and hashing overlap. A read error surfaces here, after the blocks before it were checked.
    /// </summary>
    private IEnumerable<(BlockRecord Block, List<TransactionRecord> Records)> ReadAhead(ulong targetHeight)
    {
        using var queue = new System.Collections.Concurrent.BlockingCollection<(BlockRecord, List<TransactionRecord>)>(boundedCapacity: 8);
        Exception? failure = null;
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var block in store.ReadBlocks(1, targetHeight))
                {
                    queue.Add((block, store.ReadTransactions(block.FirstTransaction, block.TransactionCount)));
                }
            }
            catch (Exception exception)
            {
                failure = exception;
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        foreach (var item in queue.GetConsumingEnumerable())
        {
            yield return item;
        }
        producer.GetAwaiter().GetResult();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private BlockHeader DecodeHeader(BlockRecord block)
    {
        try
        {
            return BlockHeader.Decode(block.Header);
        }
        catch (EncodingException exception)
        {
            throw Broken(block.Height, "HeaderUnreadable", $"the header cannot be decoded ({exception.Message}).");
        }
    }

    /// <summary>
    /// The validator-set history as stored beside the blocks (ADR 0012): each set decodes and follows the last.
    /// Each row is checked against the write set of the block that made the change as the scan reaches it.
    /// </summary>
    private (ValidatorHistory History, Dictionary<ulong, ValidatorSetRecord> Changes) ReadValidatorHistory(ulong targetHeight)
    {
        var history = ValidatorHistory.Genesis(setup.GenesisValidators);
        var changes = new Dictionary<ulong, ValidatorSetRecord>();
        foreach (var record in store.ReadValidatorSets())
        {
            var (fromHeight, encoded) = (record.FromHeight, record.Set);
            var madeAt = fromHeight - 1;
            if (fromHeight < 2 || madeAt > targetHeight)
            {
                throw Broken(Math.Max(1, Math.Min(madeAt, targetHeight)), "ValidatorSetHistoryDamaged", $"a validator set is stored from height {fromHeight}, which no stored block made.");
            }
            var set = ValidatorHistory.TryDecode(encoded, setup.Hash)
                ?? throw Broken(madeAt, "ValidatorSetHistoryDamaged", $"the validator set stored from height {fromHeight} cannot be decoded.");
            history = history.With(fromHeight, set);
            changes[fromHeight] = record;
        }
        return (history, changes);
    }

    /// <summary>
    /// The stored history must hold exactly the set the block's execution wrote, if it wrote one, with a state proof
    /// of it under the block's state root.
    /// </summary>
    private void CheckValidatorChange(BlockRecord block, BlockHeader header, StateWrite[] writes, ValidatorSetRecord? stored)
    {
        var written = ValidatorHistory.ChangedSet(writes);
        if (written is null && stored is null)
        {
            return;
        }
        if (written is null || stored is null || !written.AsSpan().SequenceEqual(stored.Set))
        {
            throw Broken(block.Height, "ValidatorSetHistoryDamaged",
                "the validator set stored for the next height differs from the one the block's write set installs.");
        }
        StateProof proof;
        try
        {
            proof = StateProof.Decode(stored.Proof);
        }
        catch (EncodingException)
        {
            throw Broken(block.Height, "ValidatorSetHistoryDamaged", "the stored proof of the next validator set cannot be decoded.");
        }
        if (!proof.Key.AsSpan().SequenceEqual(ValidatorSet.StateKey) || proof.Value is null || !proof.Value.AsSpan().SequenceEqual(stored.Set)
            || !proof.Verify(setup.Hash, header.StateRoot))
        {
            throw Broken(block.Height, "ValidatorSetHistoryDamaged", "the stored proof of the next validator set does not lead to the block's state root.");
        }
    }

    /// <summary>A snapshot's validator set (when its state holds one) must be the history's set for the height after it.</summary>
    private void CheckSnapshotValidators(ulong height, StateSnapshot state, ValidatorHistory history)
    {
        if (state.Get(ValidatorSet.StateKey.ToArray()) is { } encoded
            && !encoded.AsSpan().SequenceEqual(history.At(height + 1).EncodeState()))
        {
            throw Broken(height, "ValidatorSetHistoryDamaged", "the state's validator set differs from the stored history's set for the next height.");
        }
    }

    private void CheckHeader(BlockRecord block, BlockHeader header, in Hash32 previousHash, long previousTime, ValidatorSet validators)
    {
        if (header.ComputeHash(setup.Hash) != block.Hash)
        {
            throw Broken(block.Height, "BlockHashMismatch", "the header does not hash to the block's recorded hash.");
        }
        if (header.Height != block.Height || header.ChainId != setup.ChainId)
        {
            throw Broken(block.Height, "HeaderMismatch", "the header names another height or chain.");
        }
        if (header.PreviousHash != previousHash)
        {
            throw Broken(block.Height, "HashLinkBroken", $"the header's previous hash {header.PreviousHash.ToShortString()} is not block {block.Height - 1}'s hash {previousHash.ToShortString()}.");
        }
        if (header.TimeMs <= previousTime)
        {
            throw Broken(block.Height, "BlockTimeNotIncreasing", "the block's time is not after its parent's.");
        }
        if (header.ValidatorSetHash != validators.Hash || validators.IndexOf(header.Proposer) < 0)
        {
            throw Broken(block.Height, "ValidatorSetMismatch", "the header names a proposer or validator set this chain does not have.");
        }
    }

    private void CheckTransactions(BlockRecord block, BlockHeader header, List<TransactionRecord> records, List<(Hash32, long)> transactionIndex)
    {
        if (records.Count != block.TransactionCount)
        {
            throw Broken(block.Height, "TransactionMissing", $"the block lists {block.TransactionCount} transactions; {records.Count} are stored.");
        }
        var transactionLeaves = new Hash32[records.Count];
        var receiptLeaves = new Hash32[records.Count];
        var problems = new string?[records.Count];
        void CheckOne(int i)
        {
            var record = records[i];
            if (record.Height != block.Height || record.Index != i)
            {
                problems[i] = $"transaction {record.Sequence} is filed under the wrong block or position.";
                return;
            }
            transactionLeaves[i] = MerkleTree.LeafHash(setup.Hash, record.Transaction);
            receiptLeaves[i] = MerkleTree.LeafHash(setup.Hash, record.Receipt);
            try
            {
                // Receipts' contents are covered by the receipt root; only the id they name is read here.
                if (Transaction.ComputeId(record.Transaction, setup.Hash) != record.Id || Receipt.ReadTransactionId(record.Receipt) != record.Id)
                {
                    problems[i] = $"transaction {i}'s recorded id does not match its bytes or its receipt.";
                }
            }
            catch (EncodingException exception)
            {
                problems[i] = $"transaction {i} or its receipt cannot be decoded ({exception.Message}).";
            }
        }
        if (records.Count >= ParallelThreshold)
        {
            Parallel.For(0, records.Count, CheckOne);
        }
        else
        {
            for (var i = 0; i < records.Count; i++)
            {
                CheckOne(i);
            }
        }
        for (var i = 0; i < problems.Length; i++)
        {
            if (problems[i] is { } problem)
            {
                throw Broken(block.Height, "TransactionDamaged", problem);
            }
        }
        if (MerkleTree.Root(setup.Hash, transactionLeaves) != header.TransactionRoot)
        {
            throw Broken(block.Height, "TransactionRootMismatch", "the stored transactions do not hash to the header's transaction root.");
        }
        if (MerkleTree.Root(setup.Hash, receiptLeaves) != header.ReceiptRoot)
        {
            throw Broken(block.Height, "ReceiptRootMismatch", "the stored receipts do not hash to the header's receipt root.");
        }
        foreach (var record in records)
        {
            transactionIndex.Add((record.Id, record.Sequence));
        }
    }

    private static DuplicateVoteEvidence[] CheckEvidence(BlockRecord block, BlockHeader header, Core.Crypto.IHashFunction hash)
    {
        DuplicateVoteEvidence[] evidence;
        try
        {
            evidence = EvidenceList.Decode(block.Evidence);
        }
        catch (EncodingException exception)
        {
            throw Broken(block.Height, "EvidenceUnreadable", $"the block's evidence cannot be decoded ({exception.Message}).");
        }
        if (EvidenceList.Root(hash, evidence) != header.EvidenceRoot)
        {
            throw Broken(block.Height, "EvidenceRootMismatch", "the stored evidence does not hash to the header's evidence root.");
        }
        return evidence;
    }

    private DuplicateVoteEvidence[] CheckEvidence(BlockRecord block, BlockHeader header) => CheckEvidence(block, header, setup.Hash);

    private void CheckCommit(BlockRecord block, ValidatorSet validators)
    {
        CommitCertificate commit;
        try
        {
            commit = CommitCertificate.Decode(block.Commit);
        }
        catch (EncodingException exception)
        {
            throw Broken(block.Height, "CommitUnreadable", $"the commit certificate cannot be decoded ({exception.Message}).");
        }
        var error = validators.VerifyCommit(setup.ChainId, block.Height, block.Hash, commit, setup.Suite.Signatures);
        if (error is not null)
        {
            throw Broken(block.Height, error.Code, $"the commit certificate does not verify: {error.Message}");
        }
    }

    private static StateWrite[] DecodeWrites(BlockRecord block)
    {
        try
        {
            return WriteSetEncoding.Decode(block.Writes);
        }
        catch (EncodingException exception)
        {
            throw Broken(block.Height, "WriteSetUnreadable", $"the write set cannot be decoded ({exception.Message}).");
        }
    }

    private static ChainCorruptionException Broken(ulong height, string code, string message) => new(height, code, message);
}

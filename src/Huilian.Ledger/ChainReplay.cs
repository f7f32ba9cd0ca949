using Huilian.Core.Ledger;
using Huilian.Core.Merkle;
using Huilian.Core.State;
using Huilian.Execution.Host;
using Huilian.Storage;
using Huilian.Storage.State;

namespace Huilian.Ledger;

/// <summary>
/// The deepest check of a stored chain: executes every block again from genesis and checks that each
/// transaction is still admissible, that the receipts and the state root come out as the header says, and
/// optionally that every signature verifies. Slower than the check on start, which trusts stored write sets
/// once their roots match.
/// </summary>
public static class ChainReplay
{
    public sealed record Result(ulong Blocks, long Transactions, Core.Hash32 StateRoot);

    public static Result Run(ChainSetup setup, ChainStore store, bool verifySignatures, IProgress<ChainCheckProgress>? progress = null)
    {
        var builder = StateSnapshot.Empty(setup.Hash).ToBuilder(0);
        builder.Apply(setup.Engine.GenesisWrites(setup.Genesis));
        var state = builder.Build();
        var height = store.ReadHeight();
        long transactions = 0;
        var reportEvery = Math.Max(1UL, height / 200);
        var validators = ValidatorHistory.Genesis(setup.GenesisValidators);
        foreach (var block in store.ReadBlocks(1, height))
        {
            var header = BlockHeader.Decode(block.Header);
            var records = store.ReadTransactions(block.FirstTransaction, block.TransactionCount);
            var execution = setup.Engine.BeginBlock(new BlockContext(setup.ChainId, header.Height, header.TimeMs, header.Proposer), state);
            foreach (var item in EvidenceList.Decode(block.Evidence))
            {
                if (!item.IsValid(setup.ChainId, validators.At(item.First.Height), setup.Suite.Signatures) || execution.ApplyEvidence(item) is not null)
                {
                    throw new ChainCorruptionException(block.Height, "EvidenceInvalid", "the block records evidence that does not hold on replay.");
                }
            }
            for (var i = 0; i < records.Count; i++)
            {
                var transaction = Transaction.Decode(records[i].Transaction, setup.Hash);
                if (verifySignatures && !transaction.VerifySignature(setup.Suite.Signatures))
                {
                    throw new ChainCorruptionException(block.Height, "SignatureInvalid", $"transaction {i} ({transaction.Id.ToShortString()}) has an invalid signature.");
                }
                var refusal = execution.TryApply(transaction);
                if (refusal is not null)
                {
                    throw new ChainCorruptionException(block.Height, "ReplayRefused", $"transaction {i} is not admissible on replay: {refusal.Code}: {refusal.Message}");
                }
                if (!execution.Receipts[i].Encode().AsSpan().SequenceEqual(records[i].Receipt))
                {
                    throw new ChainCorruptionException(block.Height, "ReplayReceiptMismatch", $"transaction {i} gives a different receipt on replay.");
                }
            }
            var leaves = execution.Receipts.Select(r => MerkleTree.LeafHash(setup.Hash, r.Encode())).ToArray();
            if (MerkleTree.Root(setup.Hash, leaves) != header.ReceiptRoot)
            {
                throw new ChainCorruptionException(block.Height, "ReceiptRootMismatch", "replayed receipts do not hash to the header's receipt root.");
            }
            var writes = execution.WriteSet();
            if (!WriteSetEncoding.Encode(writes).AsSpan().SequenceEqual(block.Writes))
            {
                throw new ChainCorruptionException(block.Height, "ReplayWriteSetMismatch", "replaying the block writes other state than the stored write set.");
            }
            if (ValidatorHistory.ChangedSet(writes) is { } changed)
            {
                validators = validators.With(block.Height + 1, ValidatorSet.DecodeState(changed, setup.Hash));
            }
            var next = state.ToBuilder(block.Height);
            next.Apply(writes);
            state = next.Build();
            if (state.Root != header.StateRoot)
            {
                throw new ChainCorruptionException(block.Height, "StateRootMismatch", "replayed state does not hash to the header's state root.");
            }
            transactions += records.Count;
            if (block.Height % reportEvery == 0 || block.Height == height)
            {
                progress?.Report(new ChainCheckProgress("Replaying blocks", block.Height, height));
            }
        }
        return new Result(height, transactions, state.Root);
    }
}

using Huilian.Core;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Storage.State;

namespace Huilian.Ledger;

/// <summary>
/// A block executed but not yet committed: its header (roots filled in), transactions, receipts, write set and
/// the state version it produces. Consensus decides whether it commits; nothing is stored until then.
/// </summary>
public sealed class BlockProposal
{
    internal BlockProposal(BlockHeader header, Hash32 hash, IReadOnlyList<Transaction> transactions, IReadOnlyList<Receipt> receipts,
        IReadOnlyList<StateWrite> writes, StateSnapshot state, IReadOnlyList<DuplicateVoteEvidence> evidence)
    {
        Header = header;
        Evidence = evidence;
        Hash = hash;
        Transactions = transactions;
        Receipts = receipts;
        Writes = writes;
        State = state;
    }

    public BlockHeader Header { get; }

    public Hash32 Hash { get; }

    public IReadOnlyList<Transaction> Transactions { get; }

    public IReadOnlyList<Receipt> Receipts { get; }

    /// <summary>Equivocation evidence the block records, applied before its transactions.</summary>
    public IReadOnlyList<DuplicateVoteEvidence> Evidence { get; }

    public IReadOnlyList<StateWrite> Writes { get; }

    public StateSnapshot State { get; }

    public ulong Height => Header.Height;
}

/// <summary>A committed block as the ledger hands it to listeners (the mempool, the API's waiters, metrics).</summary>
public sealed record CommittedBlock(BlockHeader Header, Hash32 Hash, CommitCertificate Commit, IReadOnlyList<Transaction> Transactions,
    IReadOnlyList<Receipt> Receipts, long FirstSequence, IReadOnlyList<DuplicateVoteEvidence> Evidence);

/// <summary>The newest committed block, swapped atomically on each commit.</summary>
public sealed record ChainHead(BlockHeader? Header, Hash32 Hash, ulong Height, long TimeMs, long TransactionCount)
{
    public Hash32 StateRoot => Header?.StateRoot ?? Hash32.Zero;
}

/// <summary>The stored chain cannot be verified; <see cref="Height"/> says where it broke.</summary>
public sealed class ChainCorruptionException(ulong height, string code, string message)
    : Exception($"The chain is broken at height {height}: {message}")
{
    public ulong Height { get; } = height;

    public string Code { get; } = code;
}

using Huilian.Consensus.Tendermint;
using Huilian.Core.Ledger;

namespace Huilian.Replica;

/// <summary>One validator's votes in the current round, as this node has seen them: a block hash, "nil", or null (none seen).</summary>
public sealed record ValidatorVotes(uint Index, string Name, ulong Power, string? Prevote, string? Precommit);

/// <summary>What a peer last said about itself in a status message.</summary>
public sealed record PeerConsensusView(string Name, ulong CommittedHeight, ulong Height, uint Round, string Step);

/// <summary>
/// An immutable picture of the replica for readers on other threads (the API), taken on the replica's thread.
/// </summary>
public sealed record ReplicaSnapshot(
    ulong CommittedHeight,
    ulong Height,
    uint Round,
    string Step,
    int LockedRound,
    int ValidRound,
    uint Proposer,
    bool HasProposal,
    int ValidatorIndex,
    IReadOnlyList<ValidatorVotes> Votes,
    IReadOnlyList<PeerConsensusView> Peers,
    int EvidencePending,
    bool Syncing)
{
    internal static string? Describe(Vote? vote) => vote is null ? null : vote.IsNil ? "nil" : vote.BlockHash.ToString();

    internal static string StepName(Consensus.Tendermint.Step step) => step.ToString().ToLowerInvariant();
}

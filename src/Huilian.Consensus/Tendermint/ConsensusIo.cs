using Huilian.Core;
using Huilian.Core.Ledger;

namespace Huilian.Consensus.Tendermint;

public enum Step
{
    Propose,
    Prevote,
    Precommit,
}

public enum TimeoutKind
{
    Propose,
    Prevote,
    Precommit,
}

/// <summary>
/// How long each step waits, growing linearly with the round (so that after GST rounds eventually outlast message
/// delays) and back to the base at every new height. Capped so a long outage cannot push timeouts to hours.
/// </summary>
public sealed record TimeoutConfig
{
    public long ProposeBaseMs { get; init; } = 3_000;

    public long ProposeDeltaMs { get; init; } = 500;

    public long PrevoteBaseMs { get; init; } = 1_000;

    public long PrevoteDeltaMs { get; init; } = 500;

    public long PrecommitBaseMs { get; init; } = 1_000;

    public long PrecommitDeltaMs { get; init; } = 500;

    public long TimeoutMaxMs { get; init; } = 60_000;

    public long For(TimeoutKind kind, uint round)
    {
        var (baseMs, deltaMs) = kind switch
        {
            TimeoutKind.Propose => (ProposeBaseMs, ProposeDeltaMs),
            TimeoutKind.Prevote => (PrevoteBaseMs, PrevoteDeltaMs),
            _ => (PrecommitBaseMs, PrecommitDeltaMs),
        };
        return Math.Min(TimeoutMaxMs, checked(baseMs + (deltaMs * round)));
    }
}

/// <summary>Something that happened to this validator: a message, a timeout, a value ready. The only way in.</summary>
public abstract record ConsensusInput;

/// <summary>
/// Begin deciding <see cref="Height"/> (at start, after the previous height was committed, or after blocks arrived
/// by sync). <see cref="Validators"/> is the height's validator set and <see cref="SelfIndex"/> this process's index
/// in it (−1: it does not vote at this height); when null the machine keeps the set it has.
/// </summary>
public sealed record StartHeightInput(ulong Height, RestoredState? Restore = null, ValidatorSet? Validators = null, int SelfIndex = -1) : ConsensusInput;

/// <summary>
/// What a validator that restarted mid-height recovers from its sign state: the round it last signed in, and its
/// lock and valid value as they were then. Without the lock a restarted validator could prevote against a value
/// it had precommitted (amnesia), which would weaken safety.
/// </summary>
public sealed record RestoredState(uint Round, int LockedRound, Hash32 LockedValue, int ValidRound, Hash32 ValidValue);

/// <summary>A proposal whose signature the driver checked, with whether its block is valid on top of the committed chain.</summary>
public sealed record ProposalInput(Proposal Proposal, bool Valid) : ConsensusInput;

/// <summary>A vote whose signature the driver checked.</summary>
public sealed record VoteInput(Vote Vote) : ConsensusInput;

public sealed record TimeoutInput(TimeoutKind Kind, ulong Height, uint Round) : ConsensusInput;

/// <summary>The proposer's block for (height, round) is built and valid: Algorithm 1's getValue() returned.</summary>
public sealed record ValueInput(ulong Height, uint Round, Hash32 BlockHash) : ConsensusInput;

/// <summary>Something the driver must do. The only way out.</summary>
public abstract record ConsensusAction;

/// <summary>Build a block for (height, round) and answer with <see cref="ValueInput"/>.</summary>
public sealed record RequestValue(ulong Height, uint Round) : ConsensusAction;

/// <summary>Sign this proposal (never twice for one height and round), broadcast it with its block, and deliver it back.</summary>
public sealed record SignProposal(Proposal Proposal) : ConsensusAction;

/// <summary>Sign this vote (never two different ones for one height, round and type), broadcast it, and deliver it back.</summary>
public sealed record SignVote(Vote Vote) : ConsensusAction;

public sealed record ScheduleTimeout(TimeoutKind Kind, ulong Height, uint Round, long DelayMs) : ConsensusAction;

/// <summary>The block is decided: commit it with this certificate of more than two thirds of the power.</summary>
public sealed record Decide(ulong Height, uint Round, Hash32 BlockHash, CommitCertificate Commit) : ConsensusAction;

/// <summary>A validator signed two different votes for one slot.</summary>
public sealed record ReportEquivocation(DuplicateVoteEvidence Evidence) : ConsensusAction;

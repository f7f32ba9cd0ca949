using Huilian.Core;
using Huilian.Core.Ledger;

namespace Huilian.Consensus.Tendermint;

/// <summary>
/// Tendermint consensus (Buchman, Kwon, Milosevic, "The latest gossip on BFT consensus", 2018, Algorithm 1) as a
/// pure state machine for one process: inputs in, actions out, no clock, sockets or threads. Comments name the
/// lines of Algorithm 1 each rule implements; <c>spec/consensus.md</c> maps them all. "2f+1" is more than two thirds
/// of the voting power and "f+1" more than one third. Block validity (valid(v)) and signatures are checked by the
/// driver before an input arrives; getValue() is asynchronous (<see cref="RequestValue"/> → <see cref="ValueInput"/>).
/// An observer (no validator index) runs the same rules and decides the same blocks, but never signs.
/// After deciding a height the machine waits: the driver commits the block, learns the validator set of the next
/// height (governance may have changed it, ADR 0012) and starts that height with <see cref="StartHeightInput"/>.
/// </summary>
public sealed class TendermintMachine
{
    /// <summary>Messages for rounds further ahead are dropped: bounds memory against a peer that invents rounds.</summary>
    public const uint RoundsAheadMax = 64;

    private ValidatorSet _validators;
    private int _self;
    private bool _decided;
    private readonly TimeoutConfig _timeouts;
    private readonly SortedDictionary<uint, RoundState> _rounds = [];
    private List<ConsensusAction> _actions = [];

    public TendermintMachine(ValidatorSet validators, int selfIndex, TimeoutConfig timeouts)
    {
        if (selfIndex >= validators.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(selfIndex));
        }
        _validators = validators;
        _self = selfIndex;
        _timeouts = timeouts;
    }

    public ulong Height { get; private set; }

    public uint Round { get; private set; }

    public Step Step { get; private set; }

    public Hash32 LockedValue { get; private set; }

    public int LockedRound { get; private set; } = -1;

    public Hash32 ValidValue { get; private set; }

    public int ValidRound { get; private set; } = -1;

    public bool IsValidator => _self >= 0;

    /// <summary>This machine's index in the current height's set, or −1 when it does not vote at this height.</summary>
    public int SelfIndex => _self;

    /// <summary>The validators of the current height.</summary>
    public ValidatorSet Validators => _validators;

    /// <summary>Whether the current height is decided (the machine waits for the next <see cref="StartHeightInput"/>).</summary>
    public bool Decided => _decided;

    /// <summary>Algorithm 1's proposer(h, r): round robin over the validators by height and round.</summary>
    public uint Proposer(ulong height, uint round) => (uint)((height + round) % (ulong)_validators.Count);

    public IReadOnlyList<ConsensusAction> Handle(ConsensusInput input)
    {
        _actions = [];
        if (_decided && input is not StartHeightInput)
        {
            return _actions; // Lines 49–54 decided this height; nothing more happens in it.
        }
        switch (input)
        {
            case StartHeightInput start:
                OnStartHeight(start);
                break;
            case ProposalInput proposal:
                OnProposal(proposal);
                break;
            case VoteInput vote:
                OnVote(vote.Vote);
                break;
            case TimeoutInput timeout:
                OnTimeout(timeout);
                break;
            case ValueInput value:
                OnValue(value);
                break;
        }
        ApplyRules();
        return _actions;
    }

    /// <summary>The votes received at (Height, round) of a type, for gossip and for status pages.</summary>
    public VoteSet? Votes(uint round, VoteType type) =>
        _rounds.TryGetValue(round, out var state) ? (type == VoteType.Prevote ? state.Prevotes : state.Precommits) : null;

    public Proposal? ProposalAt(uint round) => _rounds.TryGetValue(round, out var state) ? state.Proposal : null;

    private void OnStartHeight(StartHeightInput start)
    {
        var (height, restore) = (start.Height, start.Restore);
        if (height < Height || (height == Height && Height != 0))
        {
            return; // Stale: the machine has already moved past it.
        }
        if (start.Validators is { } validators)
        {
            if (start.SelfIndex >= validators.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(start), "The validator index is outside the height's set.");
            }
            _validators = validators;
            _self = start.SelfIndex;
        }
        _decided = false;
        Height = height;
        LockedValue = Hash32.Zero;
        LockedRound = -1;
        ValidValue = Hash32.Zero;
        ValidRound = -1;
        _rounds.Clear();
        if (restore is null)
        {
            StartRound(0);
            return;
        }
        // A restart within the height: keep the lock and valid value the validator had when it last signed, and
        // resume in that round (entering a later round is always allowed; forgetting a lock is not).
        LockedRound = restore.LockedRound;
        LockedValue = restore.LockedRound >= 0 ? restore.LockedValue : Hash32.Zero;
        ValidRound = restore.ValidRound;
        ValidValue = restore.ValidRound >= 0 ? restore.ValidValue : Hash32.Zero;
        StartRound(restore.Round);
    }

    /// <summary>Lines 11–21: StartRound(round).</summary>
    private void StartRound(uint round)
    {
        Round = round;
        Step = Step.Propose;
        var state = RoundAt(round);
        if (_self >= 0 && Proposer(Height, round) == (uint)_self && !state.ProposalRequested)
        {
            state.ProposalRequested = true;
            if (ValidRound >= 0)
            {
                // Line 15: propose the value we saw a quorum of prevotes for.
                Emit(new SignProposal(new Proposal(Height, round, ValidRound, ValidValue, (uint)_self, [])));
            }
            else
            {
                Emit(new RequestValue(Height, round)); // Line 18: getValue().
            }
        }
        // Line 21 (for every process, the proposer included, in case its value never comes).
        Emit(new ScheduleTimeout(TimeoutKind.Propose, Height, round, _timeouts.For(TimeoutKind.Propose, round)));
    }

    private void OnValue(ValueInput value)
    {
        if (value.Height != Height || value.Round != Round || _self < 0 || Proposer(Height, Round) != (uint)_self)
        {
            return;
        }
        var state = RoundAt(Round);
        if (state.ProposalSent || ValidRound >= 0)
        {
            return;
        }
        state.ProposalSent = true;
        Emit(new SignProposal(new Proposal(Height, Round, -1, value.BlockHash, (uint)_self, []))); // Line 19.
    }

    private void OnProposal(ProposalInput input)
    {
        var proposal = input.Proposal;
        if (proposal.Height != Height || proposal.Round > Round + RoundsAheadMax || proposal.ProposerIndex != Proposer(Height, proposal.Round))
        {
            return;
        }
        var state = RoundAt(proposal.Round);
        state.AddSender(proposal.ProposerIndex, _validators);
        if (state.Proposal is null)
        {
            state.Proposal = proposal;
            state.ProposalValid = input.Valid;
            if (_self >= 0 && proposal.ProposerIndex == (uint)_self)
            {
                state.ProposalSent = true;
            }
        }
    }

    private void OnVote(Vote vote)
    {
        if (vote.Height != Height || vote.Round > Round + RoundsAheadMax || vote.ValidatorIndex >= _validators.Count)
        {
            return;
        }
        var state = RoundAt(vote.Round);
        var votes = vote.Type == VoteType.Prevote ? state.Prevotes : state.Precommits;
        var result = votes.Add(vote, out var conflicting);
        if (result is VoteSet.AddResult.Conflict or VoteSet.AddResult.ConflictIgnored)
        {
            Emit(new ReportEquivocation(new DuplicateVoteEvidence(conflicting!, vote).Canonical()));
        }
        if (result == VoteSet.AddResult.Added)
        {
            state.AddSender(vote.ValidatorIndex, _validators);
        }
    }

    private void OnTimeout(TimeoutInput timeout)
    {
        if (timeout.Height != Height || timeout.Round != Round)
        {
            return;
        }
        switch (timeout.Kind)
        {
            // Lines 57–60: OnTimeoutPropose.
            case TimeoutKind.Propose when Step == Step.Propose:
                Prevote(Hash32.Zero);
                break;
            // Lines 61–64: OnTimeoutPrevote.
            case TimeoutKind.Prevote when Step == Step.Prevote:
                Precommit(Hash32.Zero);
                break;
            // Lines 65–67: OnTimeoutPrecommit.
            case TimeoutKind.Precommit:
                StartRound(Round + 1);
                break;
        }
    }

    /// <summary>Evaluates every "upon" rule until none fires: each state change can enable another rule.</summary>
    private void ApplyRules()
    {
        var progressed = true;
        while (progressed)
        {
            progressed = !_decided && (TryDecide() || TrySkipRound() || TryPrevoteOnProposal() || TryPrevoteOnValidRound()
                || TrySchedulePrevoteTimeout() || TryLockOrUpdateValid() || TryPrecommitNil() || TrySchedulePrecommitTimeout());
        }
    }

    /// <summary>Lines 22–27: upon ⟨PROPOSAL, h, r, v, -1⟩ while step = propose.</summary>
    private bool TryPrevoteOnProposal()
    {
        if (Step != Step.Propose || !_rounds.TryGetValue(Round, out var state) || state.Proposal is not { ValidRound: -1 } proposal)
        {
            return false;
        }
        var acceptable = state.ProposalValid && (LockedRound == -1 || LockedValue == proposal.BlockHash);
        Prevote(acceptable ? proposal.BlockHash : Hash32.Zero);
        return true;
    }

    /// <summary>Lines 28–33: upon ⟨PROPOSAL, h, r, v, vr⟩ and 2f+1 ⟨PREVOTE, h, vr, id(v)⟩ while step = propose ∧ 0 ≤ vr &lt; r.</summary>
    private bool TryPrevoteOnValidRound()
    {
        if (Step != Step.Propose || !_rounds.TryGetValue(Round, out var state) || state.Proposal is not { } proposal
            || proposal.ValidRound < 0 || proposal.ValidRound >= Round
            || !_rounds.TryGetValue((uint)proposal.ValidRound, out var validRoundState)
            || !validRoundState.Prevotes.HasQuorumFor(proposal.BlockHash))
        {
            return false;
        }
        var acceptable = state.ProposalValid && (LockedRound <= proposal.ValidRound || LockedValue == proposal.BlockHash);
        Prevote(acceptable ? proposal.BlockHash : Hash32.Zero);
        return true;
    }

    /// <summary>Lines 34–35: upon 2f+1 ⟨PREVOTE, h, r, ∗⟩ while step = prevote, for the first time.</summary>
    private bool TrySchedulePrevoteTimeout()
    {
        if (Step != Step.Prevote || !_rounds.TryGetValue(Round, out var state) || state.PrevoteTimeoutScheduled || !state.Prevotes.HasQuorumOfAny)
        {
            return false;
        }
        state.PrevoteTimeoutScheduled = true;
        Emit(new ScheduleTimeout(TimeoutKind.Prevote, Height, Round, _timeouts.For(TimeoutKind.Prevote, Round)));
        return true;
    }

    /// <summary>Lines 36–43: upon ⟨PROPOSAL, h, r, v, ∗⟩ and 2f+1 ⟨PREVOTE, h, r, id(v)⟩ while valid(v) ∧ step ≥ prevote, for the first time.</summary>
    private bool TryLockOrUpdateValid()
    {
        if (Step == Step.Propose || !_rounds.TryGetValue(Round, out var state) || state.LockOrValidDone
            || state.Proposal is not { } proposal || !state.ProposalValid || !state.Prevotes.HasQuorumFor(proposal.BlockHash))
        {
            return false;
        }
        state.LockOrValidDone = true;
        if (Step == Step.Prevote)
        {
            LockedValue = proposal.BlockHash;
            LockedRound = (int)Round;
            Precommit(proposal.BlockHash);
        }
        ValidValue = proposal.BlockHash;
        ValidRound = (int)Round;
        return true;
    }

    /// <summary>Lines 44–46: upon 2f+1 ⟨PREVOTE, h, r, nil⟩ while step = prevote.</summary>
    private bool TryPrecommitNil()
    {
        if (Step != Step.Prevote || !_rounds.TryGetValue(Round, out var state) || !state.Prevotes.HasQuorumFor(Hash32.Zero))
        {
            return false;
        }
        Precommit(Hash32.Zero);
        return true;
    }

    /// <summary>Lines 47–48: upon 2f+1 ⟨PRECOMMIT, h, r, ∗⟩, for the first time.</summary>
    private bool TrySchedulePrecommitTimeout()
    {
        if (!_rounds.TryGetValue(Round, out var state) || state.PrecommitTimeoutScheduled || !state.Precommits.HasQuorumOfAny)
        {
            return false;
        }
        state.PrecommitTimeoutScheduled = true;
        Emit(new ScheduleTimeout(TimeoutKind.Precommit, Height, Round, _timeouts.For(TimeoutKind.Precommit, Round)));
        return true;
    }

    /// <summary>Lines 49–54: upon ⟨PROPOSAL, h, r, v, ∗⟩ and 2f+1 ⟨PRECOMMIT, h, r, id(v)⟩ while decision[h] = nil, for any round r.</summary>
    private bool TryDecide()
    {
        foreach (var (round, state) in _rounds)
        {
            if (state.Proposal is not { } proposal || !state.ProposalValid || !state.Precommits.HasQuorumFor(proposal.BlockHash))
            {
                continue;
            }
            var signatures = state.Precommits.VotesFor(proposal.BlockHash)
                .Select(vote => new CommitSignature(vote.ValidatorIndex, vote.Signature))
                .ToArray();
            Emit(new Decide(Height, round, proposal.BlockHash, new CommitCertificate(Height, round, proposal.BlockHash, signatures)));
            // Lines 51–54 go on to the next height with locks reset. That waits for the driver: the next height's
            // validator set is known only once the decided block has executed (ADR 0012).
            _decided = true;
            return true;
        }
        return false;
    }

    /// <summary>Lines 55–56: upon f+1 ⟨∗, h, round, ∗, ∗⟩ with round &gt; r: StartRound(round).</summary>
    private bool TrySkipRound()
    {
        uint? target = null;
        foreach (var (round, state) in _rounds)
        {
            if (round > Round && state.SenderPower * 3 > _validators.TotalPower)
            {
                target = round;
            }
        }
        if (target is not { } skipTo)
        {
            return false;
        }
        StartRound(skipTo);
        return true;
    }

    private void Prevote(Hash32 blockHash)
    {
        Step = Step.Prevote;
        if (_self >= 0)
        {
            Emit(new SignVote(new Vote(VoteType.Prevote, Height, Round, blockHash, (uint)_self, [])));
        }
    }

    private void Precommit(Hash32 blockHash)
    {
        Step = Step.Precommit;
        if (_self >= 0)
        {
            Emit(new SignVote(new Vote(VoteType.Precommit, Height, Round, blockHash, (uint)_self, [])));
        }
    }

    private void Emit(ConsensusAction action) => _actions.Add(action);

    private RoundState RoundAt(uint round)
    {
        if (!_rounds.TryGetValue(round, out var state))
        {
            state = new RoundState(_validators);
            _rounds[round] = state;
        }
        return state;
    }

    private sealed class RoundState(ValidatorSet validators)
    {
        private readonly bool[] _senders = new bool[validators.Count];

        public Proposal? Proposal { get; set; }

        public bool ProposalValid { get; set; }

        public bool ProposalRequested { get; set; }

        public bool ProposalSent { get; set; }

        public VoteSet Prevotes { get; } = new(validators);

        public VoteSet Precommits { get; } = new(validators);

        public bool PrevoteTimeoutScheduled { get; set; }

        public bool PrecommitTimeoutScheduled { get; set; }

        public bool LockOrValidDone { get; set; }

        /// <summary>Power of the distinct validators heard from in this round (proposal or vote): the f+1 rule.</summary>
        public ulong SenderPower { get; private set; }

        public void AddSender(uint index, ValidatorSet set)
        {
            if (!_senders[index])
            {
                _senders[index] = true;
                SenderPower = checked(SenderPower + set.Validators[(int)index].Power);
            }
        }
    }
}

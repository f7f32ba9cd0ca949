using Huilian.Consensus.Tendermint;
using Huilian.Core;
using Huilian.Core.Ledger;

namespace Huilian.Consensus.Tests;

// Cases (Algorithm 1 of Buchman, Kwon, Milosevic 2018, line numbers in brackets):
// happy path — 4 validators decide the proposer's block in round 0 [22, 36, 49] and go on to the next height with
// a rotated proposer [11–21]; an observer decides the same blocks and never signs; a missing proposal times out to
// a nil prevote [57], nil prevotes lead to a nil precommit [44] and the next round [65]; an invalid block gets nil
// prevotes [22]; a validator locked on a block prevotes nil for another proposal in a later round [22], and
// re-proposes the valid value with its valid round [15] which a locked validator accepts [28]; f+1 messages of a
// later round make a validator jump there [55]; two different votes from one validator are reported once and
// counted once; messages of other heights or rounds too far ahead are ignored; timeouts grow with the round.
public sealed class TendermintMachineTests
{
    [Fact]
    public void FourValidatorsDecideTheProposersBlockAndMoveOn()
    {
        var harness = new MachineHarness(4) { MaxHeight = 2 };
        harness.StartAll(1);
        harness.DeliverAll();
        foreach (var height in new ulong[] { 1, 2 })
        {
            // The proposer rotates: (height + round) mod n.
            var expected = MachineHarness.HashOf(height, 0, (int)(height % 4));
            var decisions = harness.Decisions.Where(d => d.Decision.Height == height).ToArray();
            Assert.Equal(4, decisions.Length);
            Assert.All(decisions, d => Assert.Equal((0U, expected), (d.Decision.Round, d.Decision.BlockHash)));
            Assert.All(decisions, d => Assert.True(d.Decision.Commit.Signatures.Count >= 3));
        }
        Assert.All(harness.Machines, m => Assert.Equal((3UL, 0U, Step.Propose), (m.Height, m.Round, m.Step)));
    }

    [Fact]
    public void AnObserverDecidesTheSameBlocksAndNeverSigns()
    {
        var harness = new MachineHarness(4, observers: 1);
        harness.StartAll(1);
        harness.DeliverAll();
        Assert.Equal(5, harness.Decisions.Count(d => d.Decision.Height == 1));
        Assert.Contains(harness.Decisions, d => d.Machine == 4);
        Assert.DoesNotContain(harness.SignedVotes, v => v.Machine == 4);
    }

    [Fact]
    public void AMissingProposalLeadsThroughNilVotesToTheNextRound()
    {
        var harness = new MachineHarness(4);
        harness.StartAll(1);
        harness.DropAll((_, input) => input is ProposalInput);
        harness.FireTimeouts(TimeoutKind.Propose);
        harness.DeliverAll();
        Assert.All(harness.Machines, m => Assert.Equal(Step.Precommit, m.Step));
        Assert.All(harness.SignedVotes, v => Assert.True(v.Vote.IsNil));
        harness.FireTimeouts(TimeoutKind.Precommit);
        Assert.All(harness.Machines, m => Assert.Equal(1U, m.Round));
        harness.DeliverAll();
        Assert.Equal(MachineHarness.HashOf(1, 1, 2), harness.Decisions[0].Decision.BlockHash);
        Assert.Equal(1U, harness.Decisions[0].Decision.Round);
    }

    [Fact]
    public void AnInvalidBlockGetsNilPrevotes()
    {
        var harness = new MachineHarness(4);
        var bad = MachineHarness.HashOf(1, 0, 1);
        for (var i = 0; i < 4; i++)
        {
            harness.Invalid.Add((i, bad));
        }
        harness.StartAll(1);
        harness.DeliverAll();
        Assert.Empty(harness.Decisions);
        Assert.All(harness.SignedVotes.Where(v => v.Vote.Type == VoteType.Prevote), v => Assert.True(v.Vote.IsNil));
    }

    [Fact]
    public void ALockedValidatorRefusesAnotherBlockAndTheValidValueIsReproposed()
    {
        var harness = new MachineHarness(4);
        harness.StartAll(1);
        var block = MachineHarness.HashOf(1, 0, 1);
        // Round 0: everyone prevotes the block, but only validator 0 sees the prevote quorum and so locks on it;
        // all precommits are lost.
        harness.DeliverAll((to, input) => input is ProposalInput || (input is VoteInput { Vote.Type: VoteType.Prevote } && to == 0));
        Assert.Equal(block, harness.Machines[0].LockedValue);
        Assert.Equal(0, harness.Machines[0].LockedRound);
        harness.DropAll((_, _) => true);
        for (var i = 1; i < 4; i++)
        {
            Assert.Equal(-1, harness.Machines[i].LockedRound);
        }

        // Everyone moves to round 1 (as their timeouts would make them), where validator 2 proposes a new block.
        for (var i = 0; i < 4; i++)
        {
            var machine = harness.Machines[i];
            if (machine.Step == Step.Prevote)
            {
                harness.Feed(i, new TimeoutInput(TimeoutKind.Prevote, 1, 0));
            }
            harness.Feed(i, new TimeoutInput(TimeoutKind.Precommit, 1, 0));
        }
        harness.DropAll((_, input) => input is VoteInput);
        Assert.All(harness.Machines, m => Assert.Equal(1U, m.Round));
        var other = MachineHarness.HashOf(1, 1, 2);
        harness.DeliverAll((to, input) => input is ProposalInput);
        var prevotesRound1 = harness.SignedVotes.Where(v => v.Vote.Type == VoteType.Prevote && v.Vote.Round == 1).ToArray();
        Assert.True(prevotesRound1.Single(v => v.Machine == 0).Vote.IsNil, "the locked validator must not prevote another block");
        Assert.All(prevotesRound1.Where(v => v.Machine != 0), v => Assert.Equal(other, v.Vote.BlockHash));
        harness.DeliverAll();
        Assert.All(harness.Decisions, d => Assert.Equal(other, d.Decision.BlockHash));
    }

    [Fact]
    public void ARestartedValidatorResumesWithItsLockAndStillRefusesAnotherBlock()
    {
        var harness = new MachineHarness(4);
        harness.StartAll(1);
        var block = MachineHarness.HashOf(1, 0, 1);
        harness.DeliverAll((to, input) => input is ProposalInput || (input is VoteInput { Vote.Type: VoteType.Prevote } && to == 0));
        Assert.Equal(0, harness.Machines[0].LockedRound);
        harness.DropAll((_, _) => true);

        // Validator 0 crashes and restarts: a new machine, given back what its sign state kept.
        harness.Machines[0] = new TendermintMachine(harness.Validators, 0, new TimeoutConfig());
        harness.Feed(0, new StartHeightInput(1, new RestoredState(1, 0, block, 0, block)));
        Assert.Equal(1U, harness.Machines[0].Round);
        Assert.Equal(block, harness.Machines[0].LockedValue);
        Assert.Equal(0, harness.Machines[0].LockedRound);
        Assert.Equal(0, harness.Machines[0].ValidRound);

        // The others reach round 1 by their timeouts; validator 2 proposes a new block there.
        for (var i = 1; i < 4; i++)
        {
            if (harness.Machines[i].Step == Step.Prevote)
            {
                harness.Feed(i, new TimeoutInput(TimeoutKind.Prevote, 1, 0));
            }
            harness.Feed(i, new TimeoutInput(TimeoutKind.Precommit, 1, 0));
        }
        harness.DropAll((_, input) => input is VoteInput);
        harness.DeliverAll((to, input) => input is ProposalInput);
        var prevotes = harness.SignedVotes.Where(v => v.Vote.Type == VoteType.Prevote && v.Vote.Round == 1).ToArray();
        Assert.True(prevotes.Single(v => v.Machine == 0).Vote.IsNil, "the restarted validator forgot its lock and prevoted another block");
    }

    [Fact]
    public void AStartWithoutRestoredStateBeginsAtRoundZeroUnlocked()
    {
        var harness = new MachineHarness(4);
        harness.Feed(0, new StartHeightInput(1));
        Assert.Equal(0U, harness.Machines[0].Round);
        Assert.Equal(-1, harness.Machines[0].LockedRound);
    }

    [Fact]
    public void AValidValueIsReproposedWithItsValidRoundAndALockedValidatorAcceptsIt()
    {
        var harness = new MachineHarness(4);
        harness.StartAll(1);
        var block = MachineHarness.HashOf(1, 0, 1);
        // Round 0: every validator sees the prevote quorum (all lock and set valid), no precommit arrives.
        harness.DeliverAll((_, input) => input is ProposalInput || input is VoteInput { Vote.Type: VoteType.Prevote });
        harness.DropAll((_, _) => true);
        Assert.All(harness.Machines, m => Assert.Equal((block, 0), (m.ValidValue, m.ValidRound)));
        harness.FireTimeouts(TimeoutKind.Precommit);
        // Round 1's proposer (validator 2) re-proposes the valid value with valid round 0 (line 15).
        harness.DeliverAll((_, input) => input is ProposalInput p && p.Proposal.Round == 1);
        var reproposed = harness.Machines[0].ProposalAt(1)!;
        Assert.Equal((block, 0), (reproposed.BlockHash, reproposed.ValidRound));
        harness.DeliverAll();
        Assert.Equal(4, harness.Decisions.Count);
        Assert.All(harness.Decisions, d => Assert.Equal((block, 1U), (d.Decision.BlockHash, d.Decision.Round)));
    }

    [Fact]
    public void FPlusOneMessagesOfALaterRoundMakeAValidatorJumpThere()
    {
        var harness = new MachineHarness(4);
        harness.StartAll(1);
        harness.DropAll((_, _) => true);
        var machine = harness.Machines[0];
        machine.Handle(new VoteInput(new Vote(VoteType.Prevote, 1, 5, Hash32.Zero, 1, [9])));
        Assert.Equal(0U, machine.Round);
        machine.Handle(new VoteInput(new Vote(VoteType.Prevote, 1, 5, Hash32.Zero, 2, [9])));
        Assert.Equal(5U, machine.Round);
        Assert.Equal(Step.Propose, machine.Step);
    }

    [Fact]
    public void TwoDifferentVotesFromOneValidatorAreReportedAndEachCountsForItsOwnValue()
    {
        var harness = new MachineHarness(4);
        harness.StartAll(1);
        harness.DropAll((_, _) => true);
        var machine = harness.Machines[0];
        var a = new Vote(VoteType.Prevote, 1, 0, MachineHarness.HashOf(1, 0, 1), 3, [1]);
        var b = a with { BlockHash = MachineHarness.HashOf(9, 9, 9), Signature = [2] };
        Assert.Empty(machine.Handle(new VoteInput(a)).OfType<ReportEquivocation>());
        var report = Assert.Single(machine.Handle(new VoteInput(b)).OfType<ReportEquivocation>());
        Assert.Equal(report.Evidence.Canonical(), new DuplicateVoteEvidence(b, a).Canonical());
        Assert.Empty(machine.Handle(new VoteInput(a)).OfType<ReportEquivocation>());
        var prevotes = machine.Votes(0, VoteType.Prevote)!;
        // Algorithm 1 counts distinct senders of each message: the equivocator counts once for each value it
        // signed, and once among those who voted at all.
        Assert.Equal(10UL, prevotes.AnyPower);
        Assert.Equal(10UL, prevotes.PowerFor(a.BlockHash));
        Assert.Equal(10UL, prevotes.PowerFor(b.BlockHash));
        // Beyond the kept number of values, equivocation is still reported but no longer counted.
        for (var i = 0; i < VoteSet.ValuesPerValidatorMax; i++)
        {
            machine.Handle(new VoteInput(a with { BlockHash = MachineHarness.HashOf(7, 7, (int)i), Signature = [3] }));
        }
        Assert.Equal(VoteSet.ValuesPerValidatorMax, prevotes.All().Count());
    }

    [Fact]
    public void AProofOfLockCountsAnEquivocatorsVoteForTheLockedValue()
    {
        // Validator 0 sees only validators 0 and 2 prevote the block in round 0 (1 prevotes nil, and equivocating 3
        // sent it nil): no quorum, no lock. Another validator saw 3's vote for the block and locked. When the block is
        // re-proposed with valid round 0 and 3's vote for it arrives as part of the proof of lock, line 28 fires.
        var harness = new MachineHarness(4);
        harness.StartAll(1);
        harness.DropAll((_, _) => true);
        var machine = harness.Machines[0];
        var block = MachineHarness.HashOf(1, 0, 1);
        machine.Handle(new ProposalInput(new Proposal(1, 0, -1, block, 1, [1]), true));
        foreach (var (validator, hash) in new[] { (0u, block), (1u, Hash32.Zero), (2u, block), (3u, Hash32.Zero) })
        {
            machine.Handle(new VoteInput(new Vote(VoteType.Prevote, 1, 0, hash, validator, [1])));
        }
        Assert.Equal(-1, machine.LockedRound);
        machine.Handle(new TimeoutInput(TimeoutKind.Precommit, 1, 0));
        Assert.Equal(1U, machine.Round);
        machine.Handle(new ProposalInput(new Proposal(1, 1, 0, block, 2, [1]), true));
        Assert.Equal(Step.Propose, machine.Step);
        var actions = machine.Handle(new VoteInput(new Vote(VoteType.Prevote, 1, 0, block, 3, [2])));
        Assert.Contains(actions.OfType<ReportEquivocation>(), _ => true);
        var prevote = Assert.Single(actions.OfType<SignVote>());
        Assert.Equal((VoteType.Prevote, 1U, block), (prevote.Vote.Type, prevote.Vote.Round, prevote.Vote.BlockHash));
    }

    [Fact]
    public void MessagesOfOtherHeightsOrFarRoundsAreIgnored()
    {
        var harness = new MachineHarness(4);
        harness.StartAll(3);
        harness.DropAll((_, _) => true);
        var machine = harness.Machines[0];
        Assert.Empty(machine.Handle(new VoteInput(new Vote(VoteType.Prevote, 2, 0, Hash32.Zero, 1, [1]))));
        Assert.Empty(machine.Handle(new VoteInput(new Vote(VoteType.Prevote, 4, 0, Hash32.Zero, 1, [1]))));
        Assert.Empty(machine.Handle(new VoteInput(new Vote(VoteType.Prevote, 3, TendermintMachine.RoundsAheadMax + 1, Hash32.Zero, 1, [1]))));
        Assert.Empty(machine.Handle(new VoteInput(new Vote(VoteType.Prevote, 3, TendermintMachine.RoundsAheadMax + 1, Hash32.Zero, 2, [1]))));
        Assert.Equal(0U, machine.Round);
        Assert.Empty(machine.Handle(new ProposalInput(new Proposal(3, 0, -1, MachineHarness.HashOf(3, 0, 0), 0, [1]), true)));
        Assert.Null(machine.ProposalAt(0)); // Validator 0 is not the proposer of (3, 0): validator 3 is.
        Assert.Empty(machine.Handle(new TimeoutInput(TimeoutKind.Propose, 2, 0)));
        Assert.Equal(Step.Propose, machine.Step);
    }

    [Fact]
    public void TimeoutsGrowWithTheRoundAndAreCapped()
    {
        var config = new TimeoutConfig { ProposeBaseMs = 1000, ProposeDeltaMs = 200, TimeoutMaxMs = 5000 };
        Assert.Equal(1000, config.For(TimeoutKind.Propose, 0));
        Assert.Equal(1600, config.For(TimeoutKind.Propose, 3));
        Assert.Equal(5000, config.For(TimeoutKind.Propose, 1000));
    }

    [Fact]
    public void AfterDecidingAMachineWaitsForTheNextHeightToBeStarted()
    {
        var harness = new MachineHarness(4) { MaxHeight = 2, AdvanceAfterDecide = false };
        harness.StartAll(1);
        harness.DeliverAll();
        Assert.All(harness.Machines, m => Assert.True(m.Decided));
        Assert.All(harness.Machines, m => Assert.Equal(1UL, m.Height));
        var requests = harness.Timeouts.Count;
        // Timeouts and votes of the decided height change nothing: no round is started, nothing is signed.
        harness.FireTimeouts(TimeoutKind.Precommit);
        harness.FireTimeouts(TimeoutKind.Propose);
        Assert.Equal(0, harness.Pending);
        Assert.Equal(requests, harness.Timeouts.Count);
        Assert.All(harness.Machines, m => Assert.Equal(0U, m.Round));
        harness.AdvanceAfterDecide = true;
        harness.StartAll(2);
        harness.DeliverAll();
        Assert.Equal(4, harness.Decisions.Count(d => d.Decision.Height == 2));
    }

    [Fact]
    public void ANewValidatorSetDecidesFromTheHeightItIsGivenFor()
    {
        // Machine 4 starts as an observer; from height 2 the set drops v0 and adds machine 4 with more power.
        var harness = new MachineHarness(4, observers: 1) { MaxHeight = 3 };
        var next = new ValidatorSet(
            [.. harness.Validators.Validators.Skip(1), new Validator("v4", MachineHarness.KeyOf(4), 20)], Crypto.IntlSuite.Instance.Hash);
        harness.SetChanges[2] = next;
        harness.StartAll(1);
        harness.DeliverAll();
        foreach (var height in new ulong[] { 1, 2, 3 })
        {
            var decisions = harness.Decisions.Where(d => d.Decision.Height == height).ToArray();
            Assert.Equal(5, decisions.Length);
            Assert.Single(decisions.Select(d => d.Decision.BlockHash).Distinct());
        }
        // Height 1 is signed by the old set only; from height 2 the removed validator signs nothing and the added one votes.
        Assert.DoesNotContain(harness.SignedVotes, v => v.Machine == 4 && v.Vote.Height == 1);
        Assert.DoesNotContain(harness.SignedVotes, v => v.Machine == 0 && v.Vote.Height >= 2);
        Assert.Contains(harness.SignedVotes, v => v.Machine == 4 && v.Vote.Height == 2 && v.Vote.ValidatorIndex == 3);
        // The proposer of (2, 0) is (2 + 0) mod 4 = index 2 of the new set: machine 3.
        Assert.Equal(MachineHarness.HashOf(2, 0, 3), harness.Decisions.First(d => d.Decision.Height == 2).Decision.BlockHash);
        // Quorum is counted by the new powers: 2/3 of 50 needs 34, so v4 (20) and two others.
        foreach (var decision in harness.Decisions.Where(d => d.Decision.Height >= 2))
        {
            var power = decision.Decision.Commit.Signatures.Sum(s => (long)next.Validators[(int)s.ValidatorIndex].Power);
            Assert.True(power >= (long)next.QuorumPower);
        }
    }

    [Fact]
    public void AStartingHeightGivesAnIndexInsideItsSet()
    {
        var harness = new MachineHarness(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Machines[0].Handle(new StartHeightInput(1, null, harness.Validators, 4)));
    }
}

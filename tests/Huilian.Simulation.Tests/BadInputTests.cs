using Huilian.Core;
using Huilian.Core.Ledger;
using Huilian.Replica.Wire;

namespace Huilian.Simulation.Tests;

// Bad input from peers, each refused, penalised where it proves malice, and never crashing a node:
// a vote with an invalid signature; a proposal with an invalid signature; a proposal whose block does not match the
// hash it signs; garbage bytes; an unknown message kind; replayed messages of a committed height (ignored, not
// penalised); a vote for a round far ahead (ignored); a synced block whose commit certificate has fewer than 2f+1
// valid signatures (refused, penalised, not committed); evidence whose votes do not conflict.
public sealed class BadInputTests : IDisposable
{
    private readonly Simulation _simulation = new(new SimulationConfig
    {
        Seed = 21,
        WorkDirectory = Path.Combine(Path.GetTempPath(), "huilian-simulation-tests"),
        DelayMaxMs = 40,
        FailWhenHonestNodesArePenalised = false,
    });

    public BadInputTests()
    {
        _simulation.StartQuiet();
        _simulation.RunUntil(3_000);
    }

    private List<(string Node, string Peer, int Points, string Reason)> PenaltiesAgainst(string peer) =>
        _simulation.Penalties.Where(p => p.Peer == peer).ToList();

    private Vote SignedVote(string signer, ulong height, uint round, Hash32 hash)
    {
        var chain = _simulation.ChainOf("node0");
        var index = (uint)chain.Setup.GenesisValidators.IndexOf(_simulation.KeyOf(signer).PublicKey);
        var unsigned = new Vote(VoteType.Prevote, height, round, hash, index, []);
        return unsigned with { Signature = _simulation.KeyOf(signer).Sign(unsigned.SignBytes(chain.Setup.ChainId)) };
    }

    [Fact]
    public void AVoteWithAnInvalidSignatureIsPenalisedAndNotCounted()
    {
        var height = _simulation.ReplicaOf("node0").Machine.Height;
        var vote = SignedVote("node1", height, 30, _simulation.HashOf("x")) with { Signature = new byte[64] };
        _simulation.Inject("node0", "node1", new VoteMessage(vote).Encode());
        _simulation.RunUntil(_simulation.ElapsedMs + 5);
        Assert.Contains(PenaltiesAgainst("node1"), p => p.Reason.Contains("invalid signature", StringComparison.Ordinal));
        Assert.Null(_simulation.ReplicaOf("node0").Machine.Votes(30, VoteType.Prevote)?.Of(vote.ValidatorIndex));
    }

    [Fact]
    public void AProposalWithAnInvalidSignatureOrAMismatchedBlockIsPenalised()
    {
        var chain = _simulation.ChainOf("node0");
        var block = chain.GetBlock(chain.Head.Height)!;
        var height = _simulation.ReplicaOf("node0").Machine.Height;
        var badSignature = new ProposalMessage(new Proposal(height, 5, -1, block.Hash, (uint)((height + 5) % 4), new byte[64]), block.Header, [], []);
        _simulation.Inject("node0", "node2", badSignature.Encode());
        var key = _simulation.KeyOf($"node{(height + 6) % 4}");
        var unsigned = new Proposal(height, 6, -1, _simulation.HashOf("not the block"), (uint)((height + 6) % 4), []);
        var mismatched = new ProposalMessage(unsigned with { Signature = key.Sign(unsigned.SignBytes(chain.Setup.ChainId)) }, block.Header, [], []);
        _simulation.Inject("node0", "node3", mismatched.Encode());
        _simulation.RunUntil(_simulation.ElapsedMs + 5);
        Assert.Contains(PenaltiesAgainst("node2"), p => p.Reason.Contains("invalid signature", StringComparison.Ordinal));
        Assert.Contains(PenaltiesAgainst("node3"), p => p.Reason.Contains("does not have", StringComparison.Ordinal));
        Assert.Null(_simulation.Failure);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0xff, 1, 2, 3 })]
    [InlineData(new byte[] { 4, 0, 0, 0, 200 })]
    [InlineData(new byte[] { 3, 0, 0, 0, 1, 1 })]
    public void GarbageIsPenalisedAndTheNodeCarriesOn(byte[] frame)
    {
        var before = _simulation.ChainOf("node0").Head.Height;
        _simulation.Inject("node0", "node1", frame);
        _simulation.RunUntil(_simulation.ElapsedMs + 3_000);
        Assert.Contains(PenaltiesAgainst("node1"), p => p.Reason.StartsWith("malformed message", StringComparison.Ordinal));
        Assert.True(_simulation.ChainOf("node0").Head.Height > before);
        Assert.Null(_simulation.Failure);
    }

    [Fact]
    public void ReplayedMessagesOfACommittedHeightAreIgnoredWithoutPenalty()
    {
        var old = SignedVote("node1", 1, 0, _simulation.ChainOf("node0").GetBlock(1)!.Hash);
        for (var i = 0; i < 5; i++)
        {
            _simulation.Inject("node0", "node1", new VoteMessage(old).Encode());
        }
        var farRound = SignedVote("node1", _simulation.ReplicaOf("node0").Machine.Height, 10_000, Hash32.Zero);
        _simulation.Inject("node0", "node1", new VoteMessage(farRound).Encode());
        _simulation.RunUntil(_simulation.ElapsedMs + 5);
        Assert.Empty(PenaltiesAgainst("node1"));
        Assert.True(_simulation.ReplicaOf("node0").Machine.Round < 10_000);
    }

    [Fact]
    public void ASyncedBlockWithTooFewSignaturesIsRefused()
    {
        _simulation.CrashNode("node3");
        _simulation.RunUntil(_simulation.ElapsedMs + 4_000);
        _simulation.RestartNode("node3");
        _simulation.Isolate("node3", isolated: true);
        var behind = _simulation.ChainOf("node3").Head.Height;
        var source = _simulation.ChainOf("node0");
        var block = source.GetBlock(behind + 1)!;
        var commit = CommitCertificate.Decode(block.Commit);
        var weakened = commit with { Signatures = commit.Signatures.Take(1).ToArray() };
        var transactions = source.GetBlockTransactions(block).Select(t => t.Transaction).ToArray();
        var response = new BlockResponseMessage([new SyncBlock(block.Header, weakened.Encode(), transactions, [])]);
        _simulation.Inject("node3", "node0", response.Encode());
        _simulation.RunUntil(_simulation.ElapsedMs + 5);
        Assert.Equal(behind, _simulation.ChainOf("node3").Head.Height);
        Assert.Contains(PenaltiesAgainst("node0"), p => p.Node == "node3" && p.Reason.Contains("invalid commit certificate", StringComparison.Ordinal));
    }

    [Fact]
    public void EvidenceWhoseVotesDoNotConflictIsPenalised()
    {
        var vote = SignedVote("node1", 2, 0, Hash32.Zero);
        _simulation.Inject("node0", "node2", new EvidenceMessage(new DuplicateVoteEvidence(vote, vote)).Encode());
        _simulation.RunUntil(_simulation.ElapsedMs + 5);
        Assert.Contains(PenaltiesAgainst("node2"), p => p.Reason.Contains("evidence", StringComparison.Ordinal));
    }

    public void Dispose() => _simulation.Dispose();
}

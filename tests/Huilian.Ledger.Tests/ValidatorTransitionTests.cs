using System.Text.Json.Nodes;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Modules.Evidence;
using Huilian.Execution.Modules.Governance;
using Huilian.Ledger.Proofs;

namespace Huilian.Ledger.Tests;

// A solo chain (v0) adds v1 by governance, then removes v0, so the set goes {v0} → {v0, v1} → {v1}. Cases: each set
// decides from the height after the block that applied it, and headers commit to it; a certificate of the old set
// is refused for a block after the change, and one of the new set for a block before it; the chain reopens (the
// start-up check walks the stored history and its proofs) and replays from genesis; an evidence proof made after
// both changes carries two transitions and verifies offline against the genesis file alone; dropping, reordering
// or altering a transition fails with its code; a proof without transitions fails as signed by an unknown set.
public sealed class ValidatorTransitionTests : IDisposable
{
    private readonly LedgerFixture _fixture = new();
    private readonly Core.Crypto.ISigningKey _v1 = CryptoSuites.GenerateKey("intl");

    private ulong _proposals;

    private void Decide(string change)
    {
        var id = ++_proposals;
        _fixture.CommitBlock(
            _fixture.Governance("propose", change),
            _fixture.Governance("vote", $"{{\"proposal\":{id},\"approve\":true}}"));
        var proposal = GovernanceModule.ReadProposal(_fixture.Chain.State, id)!;
        Assert.Equal(ProposalStatus.Passed, proposal.Status);
    }

    /// <summary>Runs the two changes; returns the heights from which {v0, v1} and then {v1} govern.</summary>
    private (ulong Added, ulong Removed) AddThenRemove()
    {
        _fixture.OtherValidators.Add(_v1);
        _fixture.CommitBlock();
        Decide($"{{\"kind\":\"add-validator\",\"name\":\"v1\",\"publicKey\":\"{Convert.ToHexStringLower(_v1.PublicKey)}\",\"power\":10,\"organisation\":\"regulator\"}}"); // block 2
        _fixture.CommitBlock(); // block 3 applies it
        var added = _fixture.Chain.Head.Height + 1;
        _fixture.CommitBlock(); // block 4, decided by {v0, v1}
        Decide("{\"kind\":\"remove-validator\",\"name\":\"v0\"}"); // block 5
        _fixture.CommitBlock(); // block 6 applies it
        var removed = _fixture.Chain.Head.Height + 1;
        _fixture.CommitBlock(_fixture.Evidence(LedgerFixture.HashOf(7))); // block 7, decided by {v1}
        return (added, removed);
    }

    [Fact]
    public void EachSetDecidesFromTheHeightAfterItsChange()
    {
        var (added, removed) = AddThenRemove();
        Assert.Equal((4UL, 7UL), (added, removed));
        var chain = _fixture.Chain;
        for (var height = 1UL; height <= chain.Head.Height; height++)
        {
            var expected = height < added ? 1 : height < removed ? 2 : 1;
            var set = chain.ValidatorsAt(height);
            Assert.Equal(expected, set.Count);
            Assert.Equal(set.Hash, BlockHeader.Decode(chain.GetBlock(height)!.Header).ValidatorSetHash);
            Assert.Equal(expected, CommitCertificate.Decode(chain.GetBlock(height)!.Commit).Signatures.Count);
        }
        Assert.Equal(0, chain.NextValidators.IndexOf(_v1.PublicKey));
        Assert.Equal(-1, chain.NextValidators.IndexOf(_fixture.Validator.PublicKey));
        Assert.Equal("Applied at height 6; the new validator set governs from height 7.", GovernanceModule.ReadProposal(chain.State, 2)!.Outcome);
    }

    [Fact]
    public void ACertificateOfTheWrongSetIsRefused()
    {
        AddThenRemove();
        var chain = _fixture.Chain;
        var proposal = chain.BuildBlock([], _fixture.TimeMs + 1_000, _v1.PublicKey);
        // v0 alone, at its old index: not a validator of this height any more.
        var old = new CommitCertificate(proposal.Height, 0, proposal.Hash,
            [new CommitSignature(0, _fixture.Validator.Sign(VoteSigning.PrecommitBytes(chain.Setup.ChainId, proposal.Height, 0, proposal.Hash)))]);
        var refused = Assert.Throws<InvalidOperationException>(() => chain.Commit(proposal, old));
        Assert.Contains("does not verify", refused.Message);
        // A proposal by the removed validator is not a valid block either.
        var byRemoved = chain.BuildBlock([], _fixture.TimeMs + 1_000, _fixture.Validator.PublicKey);
        chain.ReplayBlock(byRemoved.Header, [], out var refusal);
        Assert.Equal("BlockProposerUnknown", refusal?.Code);
        chain.Commit(proposal, _fixture.Sign(proposal));
    }

    [Fact]
    public void TheChainReopensAndReplaysAcrossTheChanges()
    {
        AddThenRemove();
        var head = _fixture.Chain.Head;
        _fixture.Reopen();
        Assert.Equal(head.Hash, _fixture.Chain.Head.Hash);
        Assert.Equal(3, _fixture.Chain.Validators.Sets.Count);
        Assert.Equal(0, _fixture.Chain.NextValidators.IndexOf(_v1.PublicKey));
        var replay = ChainReplay.Run(_fixture.Setup, _fixture.Chain.Store, verifySignatures: true);
        Assert.Equal(head.StateRoot, replay.StateRoot);
        _fixture.CommitBlock(); // and goes on, signed by v1
    }

    private JsonObject Proof()
    {
        var state = _fixture.Chain.State;
        var block = _fixture.Chain.GetBlock(state.Height)!;
        var proof = EvidenceProof.Create(_fixture.Setup, state.Prove(EvidenceModule.Key(LedgerFixture.HashOf(7))), BlockHeader.Decode(block.Header),
            CommitCertificate.Decode(block.Commit), EvidenceProof.TransitionsFor(_fixture.Chain, block.Height));
        return JsonNode.Parse(proof.ToJson())!.AsObject();
    }

    private string Verify(JsonObject proof)
    {
        var genesis = Core.Genesis.GenesisDocument.Parse(_fixture.Genesis.ToJson());
        try
        {
            EvidenceProof.Parse(proof.ToJsonString()).Verify(genesis);
            return "ok";
        }
        catch (ProofException exception)
        {
            return exception.Code;
        }
    }

    [Fact]
    public void AProofWalksFromTheGenesisValidatorsThroughEveryTransition()
    {
        AddThenRemove();
        var proof = Proof();
        Assert.Equal(2, proof["transitions"]!.AsArray().Count);
        Assert.Equal("ok", Verify(proof));
    }

    public static TheoryData<string, string> TransitionTamperings => new()
    {
        { "none", "ProofValidatorsUnknown" },
        { "first-dropped", "ProofTransitionInvalid" },
        { "last-dropped", "ProofValidatorsUnknown" },
        { "reordered", "ProofTransitionInvalid" },
        { "set-value", "ProofTransitionInvalid" },
        { "commit", "ProofTransitionInvalid" },
        { "header-hex", "ProofMalformed" },
    };

    [Theory]
    [MemberData(nameof(TransitionTamperings))]
    public void AnAlteredTransitionFails(string tampering, string code)
    {
        AddThenRemove();
        var proof = Proof();
        var transitions = proof["transitions"]!.AsArray();
        switch (tampering)
        {
            case "none":
                proof.Remove("transitions");
                break;
            case "first-dropped":
                transitions.RemoveAt(0);
                break;
            case "last-dropped":
                transitions.RemoveAt(1);
                break;
            case "reordered":
                var first = transitions[0]!.DeepClone();
                transitions.RemoveAt(0);
                transitions.Add(first);
                break;
            case "set-value":
                // A proof of another value under the same root: the state proof no longer leads to it.
                var stateProof = Core.State.StateProof.Decode(Convert.FromHexString(transitions[1]!["validators"]!.GetValue<string>()));
                var forged = stateProof with { Value = _fixture.Setup.GenesisValidators.EncodeState() };
                transitions[1]!["validators"] = Convert.ToHexStringLower(forged.Encode());
                break;
            case "commit":
                var commit = Convert.FromHexString(transitions[0]!["commit"]!.GetValue<string>());
                commit[^1] ^= 1;
                transitions[0]!["commit"] = Convert.ToHexStringLower(commit);
                break;
            case "header-hex":
                transitions[0]!["header"] = "zz";
                break;
        }
        Assert.Equal(code, Verify(proof));
    }

    public void Dispose() => _fixture.Dispose();
}

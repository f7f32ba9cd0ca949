using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Core.Ledger;
using Huilian.Execution.Modules.Evidence;
using Huilian.Ledger.Proofs;

namespace Huilian.Ledger.Tests;

// Cases: a proof made from the chain verifies offline against the genesis alone, under both suites, and says
// what was recorded, when and by whom; it still verifies after more blocks (it is against the block it names);
// every tampering fails with its code — the readable record, the state value, a sibling, the header, the
// commit signature, a proof from another chain's genesis, an unknown format — and a proof for an absent key
// cannot be made into a record.
public sealed class EvidenceProofTests
{
    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void AProofVerifiesAgainstTheGenesisAlone(string suite)
    {
        using var fixture = new LedgerFixture(suite);
        var hash = LedgerFixture.HashOf(42);
        var transaction = fixture.Evidence(hash);
        fixture.CommitBlock(transaction);
        fixture.CommitEvidenceBlocks(2, 3, start: 1000);
        var json = MakeProof(fixture, hash).ToJson();

        var genesis = Core.Genesis.GenesisDocument.Parse(fixture.Genesis.ToJson());
        var verified = EvidenceProof.Parse(json).Verify(genesis);
        Assert.Equal(hash, verified.Record.DocumentHash);
        Assert.Equal(1UL, verified.Record.Height);
        Assert.Equal(transaction.Id, verified.Record.TransactionId);
        Assert.Equal(fixture.Admin.PublicKey, verified.Record.Signer);
        Assert.Equal(3UL, verified.ProvenAtHeight);
    }

    public static TheoryData<string, string> Tamperings => new()
    {
        { "record.owner", "ProofRecordAltered" },
        { "record.height", "ProofRecordAltered" },
        { "stateProof.value", "ProofStateInvalid" },
        { "stateProof.sibling", "ProofStateInvalid" },
        { "header", "ProofCommitInvalid" },
        { "commit", "ProofCommitInvalid" },
        { "format", "ProofFormatUnknown" },
        { "genesisHash", "ProofWrongChain" },
        { "header.hex", "ProofMalformed" },
    };

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void TamperedProofsFail(string part, string code)
    {
        using var fixture = new LedgerFixture();
        var hash = LedgerFixture.HashOf(7);
        fixture.CommitBlock(fixture.Evidence(hash), fixture.Evidence(LedgerFixture.HashOf(8)), fixture.Evidence(LedgerFixture.HashOf(9)));
        var node = JsonNode.Parse(MakeProof(fixture, hash).ToJson())!.AsObject();
        switch (part)
        {
            case "record.owner":
                node["record"]!["owner"] = "somebody else";
                break;
            case "record.height":
                node["record"]!["height"] = 99;
                break;
            case "stateProof.value":
                node["stateProof"] = FlipHex(node["stateProof"]!.GetValue<string>(), 60);
                break;
            case "stateProof.sibling":
                node["stateProof"] = FlipHex(node["stateProof"]!.GetValue<string>(), -3);
                break;
            case "header":
                node["header"] = FlipHex(node["header"]!.GetValue<string>(), 40);
                break;
            case "commit":
                node["commit"] = FlipHex(node["commit"]!.GetValue<string>(), -3);
                break;
            case "format":
                node["format"] = "something/v9";
                break;
            case "genesisHash":
                node["genesisHash"] = new string('0', 64);
                break;
            case "header.hex":
                node["header"] = "zz";
                break;
        }
        var exception = Assert.Throws<ProofException>(() => EvidenceProof.Parse(node.ToJsonString()).Verify(fixture.Genesis));
        Assert.Equal(code, exception.Code);
    }

    [Fact]
    public void AProofFromAnotherChainFails()
    {
        using var fixture = new LedgerFixture();
        using var other = new LedgerFixture();
        var hash = LedgerFixture.HashOf(5);
        fixture.CommitBlock(fixture.Evidence(hash));
        var exception = Assert.Throws<ProofException>(() => EvidenceProof.Parse(MakeProof(fixture, hash).ToJson()).Verify(other.Genesis));
        Assert.Equal("ProofWrongChain", exception.Code);
    }

    [Fact]
    public void AnAbsenceProofCannotBecomeAnEvidenceProof()
    {
        using var fixture = new LedgerFixture();
        fixture.CommitBlock(fixture.Evidence(LedgerFixture.HashOf(1)));
        var absent = fixture.Chain.State.Prove(EvidenceModule.Key(LedgerFixture.HashOf(2)));
        Assert.Null(absent.Value);
        Assert.True(absent.Verify(fixture.Setup.Hash, fixture.Chain.State.Root));
        Assert.Throws<ArgumentException>(() => EvidenceProof.Create(fixture.Setup, absent, fixture.Chain.Head.Header!, CommitCertificate.Decode(fixture.Chain.GetBlock(1)!.Commit)));
    }

    private static EvidenceProof MakeProof(LedgerFixture fixture, Core.Hash32 hash)
    {
        var state = fixture.Chain.State;
        var block = fixture.Chain.GetBlock(state.Height)!;
        return EvidenceProof.Create(fixture.Setup, state.Prove(EvidenceModule.Key(hash)), BlockHeader.Decode(block.Header), CommitCertificate.Decode(block.Commit));
    }

    private static string FlipHex(string hex, int index)
    {
        var bytes = Convert.FromHexString(hex);
        bytes[index < 0 ? bytes.Length + index : index] ^= 0x01;
        return Convert.ToHexStringLower(bytes);
    }
}

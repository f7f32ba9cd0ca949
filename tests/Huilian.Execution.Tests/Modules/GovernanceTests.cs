using System.Text.Json;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Governance;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Tests.Modules;

// Rules (genesis defaults: the regulator's approval is required, plus two thirds of the active organisations that
// run validators; here validators are run by regulator, bank-a, bank-b and customs, so 3 of 4 including the
// regulator; voting lasts 10 blocks):
// a proposal passes only when the threshold is met (one vote short stays open; votes of organisations that run no
// validator do not count); it applies at the start of its effective height — the block before still sees the old
// state, a future applyAtHeight is honoured and a late approval applies at the next block, never earlier; a
// suspended organisation's users are refused OrganisationSuspended and a reinstated one signs again; one vote per
// organisation (AlreadyVoted, even from a second admin); only organisation admins vote (SignerLacksRole), not those
// of a suspended organisation (OrganisationSuspended) nor strangers (SignerUnknown); no vote after the deadline
// (ProposalClosed); the regulator's "no" rejects, as do enough "no" votes; admitting an organisation (CA + admin
// certificates) lets its admin sign from the effective height; a non-CA certificate is refused at proposal; a
// changed consensus.blockTransactionsMax is in force from the effective height (BlockFull past it); unknown
// parameters and out-of-range values are refused; the regulator cannot be suspended.
public sealed class GovernanceTests
{
    private readonly TestChain _chain = new("intl", [], ["regulator", "bank-a", "bank-b", "customs"], genesis => genesis.Governance.VotingPeriodBlocks = 10);

    private static string Suspend(string organisation) => $"{{\"kind\":\"suspend-organisation\",\"organisation\":\"{organisation}\"}}";

    private static string Reinstate(string organisation) => $"{{\"kind\":\"reinstate-organisation\",\"organisation\":\"{organisation}\"}}";

    private static string Vote(ulong proposal, bool approve) => $"{{\"proposal\":{proposal},\"approve\":{(approve ? "true" : "false")}}}";

    private ulong Propose(string payload, string by = "regulator/admin")
    {
        var receipt = _chain.Run(_chain.Next(by, "gov", "propose", payload));
        Assert.True(receipt.Code == ResultCodes.Ok, receipt.Code + ": " + receipt.Message);
        using var result = JsonDocument.Parse(receipt.Result);
        return result.RootElement.GetProperty("proposal").GetUInt64();
    }

    private Receipt CastVote(string organisation, ulong proposal, bool approve = true) =>
        _chain.Run(_chain.Next(organisation + "/admin", "gov", "vote", Vote(proposal, approve)));

    private ProposalRecord Proposal(ulong id) => GovernanceModule.ReadProposal(_chain.State, id)!;

    private bool IsSuspended(string organisation) => MembershipState.ReadOrganisation(_chain.State, organisation)!.Suspended;

    /// <summary>A harmless transaction by bank-b's admin: re-setting its own roles.</summary>
    private Transaction BankBAdminActs() => _chain.Next("bank-b/admin", "membership", "set-roles", "{\"user\":\"admin\",\"roles\":[\"organisation-admin\"]}");

    private (Receipt Vote, Refusal? BankB) VoteThenBankBActs(string organisation, ulong proposal)
    {
        var (execution, refusals) = _chain.RunBlock(_chain.Next(organisation + "/admin", "gov", "vote", Vote(proposal, true)), BankBAdminActs());
        Assert.Null(refusals[0]);
        return (execution.Receipts[0], refusals[1]);
    }

    [Fact]
    public void SuspensionPassesOnlyWithTheRegulatorAndThreeOfFourValidatorOrganisationsAndAppliesAtTheNextBlock()
    {
        var id = Propose(Suspend("bank-b"));
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status);

        Assert.Equal(ResultCodes.Ok, CastVote("regulator", id).Code);
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status);
        var (second, _) = VoteThenBankBActs("bank-a", id);
        Assert.Equal(ResultCodes.Ok, second.Code);
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status); // one vote short
        using (var tally = JsonDocument.Parse(second.Result))
        {
            Assert.StartsWith("2 of 4 validator-running organisations approve, 3 needed", tally.RootElement.GetProperty("tally").GetString(), StringComparison.Ordinal);
        }

        var (third, bankBInSameBlock) = VoteThenBankBActs("customs", id);
        Assert.Equal(ResultCodes.Ok, third.Code);
        var passed = Proposal(id);
        Assert.Equal(ProposalStatus.Passed, passed.Status);
        Assert.Equal(_chain.Height + 1, passed.EffectiveHeight);
        // The block that passed it still runs under the old state.
        Assert.Null(bankBInSameBlock);
        Assert.False(IsSuspended("bank-b"));

        var (_, refusals) = _chain.RunBlock(BankBAdminActs());
        Assert.Equal(MembershipCodes.OrganisationSuspended, refusals[0]?.Code);
        Assert.True(IsSuspended("bank-b"));
        Assert.Equal(ProposalStatus.Applied, Proposal(id).Status);
        Assert.Equal(passed.EffectiveHeight, _chain.Height);
    }

    [Fact]
    public void ThreeOrganisationsWithoutTheRegulatorDoNotPassAndTheRegulatorsYesThenDoes()
    {
        var id = Propose(Suspend("bank-b"), by: "bank-a/admin");
        Assert.Equal(ResultCodes.Ok, CastVote("bank-a", id).Code);
        Assert.Equal(ResultCodes.Ok, CastVote("bank-b", id).Code);
        Assert.Equal(ResultCodes.Ok, CastVote("customs", id).Code);
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status);
        _chain.RunBlock();
        Assert.False(IsSuspended("bank-b"));
        Assert.Equal(ResultCodes.Ok, CastVote("regulator", id).Code);
        Assert.Equal(ProposalStatus.Passed, Proposal(id).Status);
    }

    [Fact]
    public void VotesOfOrganisationsThatRunNoValidatorAreRecordedButNotCounted()
    {
        var id = Propose(Suspend("bank-b"));
        Assert.Equal(ResultCodes.Ok, CastVote("regulator", id).Code);
        Assert.Equal(ResultCodes.Ok, CastVote("bank-a", id).Code);
        Assert.Equal(ResultCodes.Ok, CastVote("acme", id).Code);
        Assert.Equal(3, Proposal(id).Votes.Count);
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status);
        Assert.Equal(ResultCodes.Ok, CastVote("customs", id).Code);
        Assert.Equal(ProposalStatus.Passed, Proposal(id).Status);
    }

    [Fact]
    public void WithTheDefaultSingleValidatorOrganisationTheRegulatorAloneDecides()
    {
        var chain = new TestChain();
        var receipt = chain.Run(chain.Next("regulator/admin", "gov", "propose", Suspend("bank-b")));
        Assert.Equal(ResultCodes.Ok, receipt.Code);
        Assert.Equal(ResultCodes.Ok, chain.Run(chain.Next("bank-a/admin", "gov", "vote", Vote(1, true))).Code);
        Assert.Equal(ProposalStatus.Open, GovernanceModule.ReadProposal(chain.State, 1)!.Status);
        Assert.Equal(ResultCodes.Ok, chain.Run(chain.Next("regulator/admin", "gov", "vote", Vote(1, true))).Code);
        Assert.Equal(ProposalStatus.Passed, GovernanceModule.ReadProposal(chain.State, 1)!.Status);
    }

    [Fact]
    public void AProposalWithAFutureApplyAtHeightIsNotAppliedBeforeThatHeight()
    {
        var applyAt = _chain.Height + 8;
        var id = Propose($"{{\"kind\":\"suspend-organisation\",\"organisation\":\"bank-b\",\"applyAtHeight\":{applyAt}}}");
        CastVote("regulator", id);
        CastVote("bank-a", id);
        CastVote("customs", id);
        var passed = Proposal(id);
        Assert.Equal(ProposalStatus.Passed, passed.Status);
        Assert.Equal(applyAt, passed.EffectiveHeight);
        while (_chain.Height < applyAt - 1)
        {
            var (_, refusals) = _chain.RunBlock(BankBAdminActs());
            Assert.True(refusals[0] is null, $"bank-b refused at height {_chain.Height}, before {applyAt}: {refusals[0]?.Message}");
            Assert.False(IsSuspended("bank-b"));
            Assert.Equal(ProposalStatus.Passed, Proposal(id).Status);
        }
        Assert.Equal(applyAt - 1, _chain.Height);
        var (_, atHeight) = _chain.RunBlock(BankBAdminActs());
        Assert.Equal(applyAt, _chain.Height);
        Assert.Equal(MembershipCodes.OrganisationSuspended, atHeight[0]?.Code);
        Assert.Equal(ProposalStatus.Applied, Proposal(id).Status);
    }

    [Fact]
    public void ALateApprovalAppliesAtTheNextBlockNotRetroactively()
    {
        var applyAt = _chain.Height + 2;
        var id = Propose($"{{\"kind\":\"suspend-organisation\",\"organisation\":\"bank-b\",\"applyAtHeight\":{applyAt}}}");
        _chain.RunBlock();
        _chain.RunBlock();
        _chain.RunBlock();
        CastVote("regulator", id);
        CastVote("bank-a", id);
        var (_, bankB) = VoteThenBankBActs("customs", id);
        Assert.True(_chain.Height > applyAt);
        Assert.Null(bankB);
        Assert.Equal(_chain.Height + 1, Proposal(id).EffectiveHeight);
        Assert.False(IsSuspended("bank-b"));
        _chain.RunBlock();
        Assert.True(IsSuspended("bank-b"));
    }

    [Fact]
    public void ApplyAtHeightNotAboveTheCurrentHeightIsRefused()
    {
        _chain.RunBlock();
        var receipt = _chain.Run(_chain.Next("regulator/admin", "gov", "propose", $"{{\"kind\":\"suspend-organisation\",\"organisation\":\"bank-b\",\"applyAtHeight\":{_chain.Height}}}"));
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, receipt.Code);
        Assert.Equal(0UL, GovernanceModule.ReadCount(_chain.State));
    }

    private void SuspendBankB()
    {
        var id = Propose(Suspend("bank-b"));
        CastVote("regulator", id);
        CastVote("bank-a", id);
        CastVote("customs", id);
        _chain.RunBlock();
        Assert.True(IsSuspended("bank-b"));
    }

    [Fact]
    public void ASuspendedOrganisationsUsersAreRefusedAndAReinstatedOneSignsAgain()
    {
        var clerk = _chain.RegisterUser("bank-b", "clerk", RoleNames.EvidenceRecorder);
        SuspendBankB();
        var (_, refusals) = _chain.RunBlock(_chain.By("bank-b/clerk", "evidence", "record", TestChain.EvidencePayload(Core.Hash32.Parse(new string('1', 64)))));
        Assert.Equal(MembershipCodes.OrganisationSuspended, refusals[0]?.Code);
        Assert.Equal(MembershipCodes.OrganisationSuspended, _chain.Engine.Policy.CheckSigner(_chain.State, _chain.IdOf(clerk), _chain.Height + 1, _chain.NowMs)?.Code);

        // With bank-b suspended the electorate is regulator, bank-a, customs: 2 of 3 needed.
        var id = Propose(Reinstate("bank-b"));
        CastVote("regulator", id);
        var (passing, bankBStill) = VoteThenBankBActs("bank-a", id);
        Assert.Equal(ResultCodes.Ok, passing.Code);
        Assert.Equal(ProposalStatus.Passed, Proposal(id).Status);
        Assert.Equal(MembershipCodes.OrganisationSuspended, bankBStill?.Code);

        _chain.Resync("bank-b/admin");
        _chain.Resync("bank-b/clerk");
        var (execution, after) = _chain.RunBlock(BankBAdminActs(), _chain.By("bank-b/clerk", "evidence", "record", TestChain.EvidencePayload(Core.Hash32.Parse(new string('2', 64)))));
        Assert.Equal([null, null], after);
        Assert.All(execution.Receipts, r => Assert.Equal(ResultCodes.Ok, r.Code));
        Assert.False(IsSuspended("bank-b"));
    }

    [Fact]
    public void AnOrganisationVotesOnceEvenThroughASecondAdmin()
    {
        _chain.RegisterUser("bank-a", "admin2", RoleNames.OrganisationAdmin);
        var id = Propose(Suspend("bank-b"));
        Assert.Equal(ResultCodes.Ok, CastVote("bank-a", id).Code);
        Assert.Equal("AlreadyVoted", CastVote("bank-a", id).Code);
        Assert.Equal("AlreadyVoted", CastVote("bank-a", id, approve: false).Code);
        Assert.Equal("AlreadyVoted", _chain.Run(_chain.By("bank-a/admin2", "gov", "vote", Vote(id, true))).Code);
        var vote = Assert.Single(Proposal(id).Votes);
        Assert.Equal(("bank-a", "bank-a/admin", true), (vote.Organisation, vote.Voter, vote.Approve));
    }

    [Fact]
    public void TwoVotesOfOneOrganisationInOneBlockCountOnce()
    {
        _chain.RegisterUser("bank-a", "admin2", RoleNames.OrganisationAdmin);
        var id = Propose(Suspend("bank-b"));
        CastVote("regulator", id);
        var (execution, _) = _chain.RunBlock(_chain.Next("bank-a/admin", "gov", "vote", Vote(id, true)), _chain.By("bank-a/admin2", "gov", "vote", Vote(id, true)));
        Assert.Equal([ResultCodes.Ok, "AlreadyVoted"], execution.Receipts.Select(r => r.Code));
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status);
    }

    [Fact]
    public void OnlyAdminsOfActiveMemberOrganisationsVote()
    {
        var clerk = _chain.RegisterUser("bank-a", "clerk", RoleNames.EvidenceRecorder, "enabling-clerk");
        var id = Propose(Suspend("customs"));
        // A user without organisation-admin.
        var byClerk = _chain.Run(_chain.By("bank-a/clerk", "gov", "vote", Vote(id, true)));
        Assert.Equal(ResultCodes.SignerLacksRole, byClerk.Code);
        Assert.Contains("organisation-admin", byClerk.Message, StringComparison.Ordinal);
        var byUser = _chain.Run(_chain.Tx(_chain.User, 1, "gov", "vote", Vote(id, true), _chain.Height + 10));
        Assert.Equal(ResultCodes.SignerLacksRole, byUser.Code);
        // A key nobody registered.
        var (_, stranger) = _chain.RunBlock(_chain.Tx(_chain.Stranger, 1, "gov", "vote", Vote(id, true), _chain.Height + 10));
        Assert.Equal(ResultCodes.SignerUnknown, stranger[0]?.Code);
        Assert.Empty(Proposal(id).Votes);
        Assert.NotNull(clerk);

        // The admin of a suspended organisation.
        SuspendBankB();
        var (_, suspended) = _chain.RunBlock(_chain.Next("bank-b/admin", "gov", "vote", Vote(id, true)));
        Assert.Equal(MembershipCodes.OrganisationSuspended, suspended[0]?.Code);
        Assert.Empty(Proposal(id).Votes);
    }

    [Fact]
    public void NoVoteIsTakenAfterTheDeadline()
    {
        var id = Propose(Suspend("bank-b"));
        var deadline = Proposal(id).Deadline;
        Assert.Equal(_chain.Height + 10, deadline);
        CastVote("regulator", id);
        while (_chain.Height < deadline - 1)
        {
            _chain.RunBlock();
        }
        Assert.Equal(ResultCodes.Ok, CastVote("bank-a", id).Code); // at the deadline itself
        Assert.Equal(deadline, _chain.Height);
        var late = CastVote("customs", id);
        Assert.Equal("ProposalClosed", late.Code);
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status);
        Assert.Equal(2, Proposal(id).Votes.Count);
        _chain.RunBlock();
        Assert.False(IsSuspended("bank-b"));
    }

    [Fact]
    public void TheRegulatorsNoRejectsAndClosesTheVote()
    {
        var id = Propose(Suspend("bank-b"), by: "bank-a/admin");
        CastVote("bank-a", id);
        CastVote("customs", id);
        Assert.Equal(ResultCodes.Ok, CastVote("regulator", id, approve: false).Code);
        Assert.Equal(ProposalStatus.Rejected, Proposal(id).Status);
        Assert.Equal("ProposalClosed", CastVote("bank-b", id).Code);
        _chain.RunBlock();
        Assert.False(IsSuspended("bank-b"));
    }

    [Fact]
    public void EnoughNoVotesRejectEvenBeforeTheRegulatorVotes()
    {
        var id = Propose(Suspend("bank-b"));
        CastVote("bank-a", id, approve: false);
        Assert.Equal(ProposalStatus.Open, Proposal(id).Status);
        CastVote("customs", id, approve: false); // 4 - 2 = 2 can still approve, 3 needed
        Assert.Equal(ProposalStatus.Rejected, Proposal(id).Status);
    }

    private (OrganisationCredentials Credentials, Core.Crypto.ISigningKey AdminKey, string Payload) AdmitPayload(string id, string kind, bool caIsEndEntity = false)
    {
        var notBefore = DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs).AddDays(-1);
        var credentials = OrganisationCredentials.Create(_chain.Suite.Name, id, id + " Ltd", kind, notBefore);
        var adminKey = CryptoSuites.GenerateKey(_chain.Suite.Name);
        var adminCertificate = credentials.Issue(adminKey.PublicKey, "admin", notBefore, notBefore.AddYears(5));
        var ca = caIsEndEntity ? adminCertificate : credentials.CaCertificate;
        var payload = $"{{\"kind\":\"admit-organisation\",\"organisation\":{{\"id\":\"{id}\",\"name\":\"{id} Ltd\",\"kind\":\"{kind}\",\"caCertificate\":\"{Convert.ToBase64String(ca)}\",\"encryptionKey\":\"{Convert.ToHexStringLower(credentials.EncryptionKey.PublicKey)}\"}},\"admins\":[{{\"name\":\"admin\",\"certificate\":\"{Convert.ToBase64String(adminCertificate)}\"}}]}}";
        return (credentials, adminKey, payload);
    }

    [Fact]
    public void AnAdmittedOrganisationsAdminSignsAndRegistersUsersFromTheEffectiveHeight()
    {
        var (credentials, adminKey, payload) = AdmitPayload("bank-c", "bank");
        var id = Propose(payload);
        CastVote("regulator", id);
        CastVote("bank-a", id);
        var earlyRegistration = RegisterPayload(credentials, "clerk", out var clerkKey);
        var (execution, refusals) = _chain.RunBlock(_chain.Next("customs/admin", "gov", "vote", Vote(id, true)),
            _chain.Tx(adminKey, 1, "membership", "register-user", earlyRegistration, _chain.Height + 10));
        Assert.Equal(ResultCodes.Ok, execution.Receipts[0].Code);
        Assert.Equal(ProposalStatus.Passed, Proposal(id).Status);
        Assert.Equal(ResultCodes.SignerUnknown, refusals[1]?.Code);
        Assert.Null(MembershipState.ReadOrganisation(_chain.State, "bank-c"));

        var registered = _chain.Run(_chain.Tx(adminKey, 1, "membership", "register-user", earlyRegistration, _chain.Height + 10));
        Assert.Equal(ResultCodes.Ok, registered.Code);
        Assert.Equal(ProposalStatus.Applied, Proposal(id).Status);
        var organisation = MembershipState.ReadOrganisation(_chain.State, "bank-c")!;
        Assert.Equal(("bank", false, 2u), (organisation.Kind, organisation.Suspended, organisation.UserCount));
        Assert.Equal("bank-c", MembershipState.ReadEncryptionKeyOwner(_chain.State, credentials.EncryptionKeyId));
        Assert.Contains("bank-c", MembershipState.ReadOrganisationIds(_chain.State));
        var evidence = _chain.Run(_chain.Tx(clerkKey, 1, "evidence", "record", TestChain.EvidencePayload(Core.Hash32.Parse(new string('c', 64))), _chain.Height + 10));
        Assert.Equal(ResultCodes.Ok, evidence.Code);
    }

    private string RegisterPayload(OrganisationCredentials credentials, string name, out Core.Crypto.ISigningKey key)
    {
        key = CryptoSuites.GenerateKey(_chain.Suite.Name);
        var certificate = credentials.Issue(key.PublicKey, name, DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs - 1000), DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs).AddYears(2));
        return $"{{\"name\":\"{name}\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[\"{RoleNames.EvidenceRecorder}\"]}}";
    }

    [Fact]
    public void ADecisionThatCanNoLongerBeMadeWhenDueIsMarkedFailedAndWritesNothing()
    {
        var first = AdmitPayload("bank-c", "bank");
        var second = AdmitPayload("bank-c", "bank");
        var one = Propose(first.Payload);
        var two = Propose(second.Payload);
        foreach (var organisation in new[] { "regulator", "bank-a" })
        {
            CastVote(organisation, one);
            CastVote(organisation, two);
        }
        var (execution, _) = _chain.RunBlock(_chain.Next("customs/admin", "gov", "vote", Vote(one, true)), _chain.Next("customs/admin", "gov", "vote", Vote(two, true)));
        Assert.All(execution.Receipts, r => Assert.Equal(ResultCodes.Ok, r.Code));
        Assert.Equal(Proposal(one).EffectiveHeight, Proposal(two).EffectiveHeight);

        _chain.RunBlock();
        Assert.Equal(ProposalStatus.Applied, Proposal(one).Status);
        Assert.Equal(ProposalStatus.Failed, Proposal(two).Status);
        Assert.StartsWith("OrganisationAlreadyExists", Proposal(two).Outcome, StringComparison.Ordinal);
        // Only the first admission's keys are in state.
        Assert.Equal("bank-c", MembershipState.ReadEncryptionKeyOwner(_chain.State, first.Credentials.EncryptionKeyId));
        Assert.Null(MembershipState.ReadEncryptionKeyOwner(_chain.State, second.Credentials.EncryptionKeyId));
        Assert.Equal(first.Credentials.CaCertificate, Assert.Single(MembershipState.ReadOrganisation(_chain.State, "bank-c")!.CaCertificates));
        Assert.Null(MembershipState.ReadSigner(_chain.State, _chain.IdOf(second.AdminKey)));
        Assert.NotNull(MembershipState.ReadSigner(_chain.State, _chain.IdOf(first.AdminKey)));
        Assert.Equal(1u, MembershipState.ReadOrganisation(_chain.State, "bank-c")!.UserCount);
    }

    [Fact]
    public void ASecondSuspensionDueAtTheSameHeightFailsHarmlessly()
    {
        var one = Propose(Suspend("bank-b"));
        var two = Propose(Suspend("bank-b"));
        foreach (var organisation in new[] { "regulator", "bank-a" })
        {
            CastVote(organisation, one);
            CastVote(organisation, two);
        }
        _chain.RunBlock(_chain.Next("customs/admin", "gov", "vote", Vote(one, true)), _chain.Next("customs/admin", "gov", "vote", Vote(two, true)));
        _chain.RunBlock();
        Assert.True(IsSuspended("bank-b"));
        Assert.Equal(ProposalStatus.Applied, Proposal(one).Status);
        Assert.Equal(ProposalStatus.Failed, Proposal(two).Status);
        Assert.StartsWith("OrganisationAlreadySuspended", Proposal(two).Outcome, StringComparison.Ordinal);
    }

    [Fact]
    public void AdmittingWithANonCaCertificateIsRefusedAtProposal()
    {
        var (_, _, payload) = AdmitPayload("bank-c", "bank", caIsEndEntity: true);
        var receipt = _chain.Run(_chain.Next("regulator/admin", "gov", "propose", payload));
        Assert.Equal(MembershipCodes.CertificateInvalid, receipt.Code);
        Assert.Equal(0UL, GovernanceModule.ReadCount(_chain.State));
    }

    [Fact]
    public void AdmittingWithADataKeyOffTheCurveIsRefusedAtProposal()
    {
        var (credentials, _, payload) = AdmitPayload("bank-c", "bank");
        var offCurve = "04" + new string('1', 128);
        var receipt = _chain.Run(_chain.Next("regulator/admin", "gov", "propose", payload.Replace(Convert.ToHexStringLower(credentials.EncryptionKey.PublicKey), offCurve)));
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, receipt.Code);
        Assert.Contains("curve", receipt.Message);
        Assert.Equal(0UL, GovernanceModule.ReadCount(_chain.State));
    }

    [Fact]
    public void AdmittingASecondRegulatorOrAnExistingIdIsRefusedAtProposal()
    {
        Assert.Equal("RegulatorAlreadyExists", _chain.Run(_chain.Next("regulator/admin", "gov", "propose", AdmitPayload("safe-2", "regulator").Payload)).Code);
        Assert.Equal("OrganisationAlreadyExists", _chain.Run(_chain.Next("regulator/admin", "gov", "propose", AdmitPayload("bank-a", "bank").Payload)).Code);
        Assert.Equal(0UL, GovernanceModule.ReadCount(_chain.State));
    }

    [Fact]
    public void BlockTransactionsMaxChangesAtTheEffectiveHeightAndFillsBlocksFromThen()
    {
        var id = Propose("{\"kind\":\"set-parameter\",\"parameter\":\"consensus.blockTransactionsMax\",\"value\":2}");
        CastVote("regulator", id);
        CastVote("bank-a", id);
        var (passing, refusals) = _chain.RunBlock(
            _chain.Next("customs/admin", "gov", "vote", Vote(id, true)),
            _chain.Next("bank-a/admin", "membership", "set-roles", "{\"user\":\"admin\",\"roles\":[\"organisation-admin\"]}"),
            _chain.Next("bank-b/admin", "membership", "set-roles", "{\"user\":\"admin\",\"roles\":[\"organisation-admin\"]}"));
        Assert.Equal([null, null, null], refusals);
        Assert.Equal(5_000, passing.Parameters.BlockTransactionsMax);
        Assert.Equal(ProposalStatus.Passed, Proposal(id).Status);
        Assert.Equal(5_000, _chain.Engine.ParametersAt(_chain.State).BlockTransactionsMax);

        var (effective, effectiveRefusals) = _chain.RunBlock(
            _chain.Next("bank-a/admin", "membership", "set-roles", "{\"user\":\"admin\",\"roles\":[\"organisation-admin\"]}"),
            _chain.Next("bank-b/admin", "membership", "set-roles", "{\"user\":\"admin\",\"roles\":[\"organisation-admin\"]}"),
            _chain.Next("customs/admin", "membership", "set-roles", "{\"user\":\"admin\",\"roles\":[\"organisation-admin\"]}"));
        Assert.Equal(Proposal(id).EffectiveHeight, _chain.Height);
        Assert.Equal(2, effective.Parameters.BlockTransactionsMax);
        Assert.Equal(2, _chain.Engine.ParametersAt(_chain.State).BlockTransactionsMax);
        Assert.Null(effectiveRefusals[0]);
        Assert.Null(effectiveRefusals[1]);
        Assert.Equal("BlockFull", effectiveRefusals[2]?.Code);
        Assert.Equal(2, effective.Transactions.Count);
        Assert.Equal(_chain.Genesis.Parameters.ExpiryWindowBlocksMax, effective.Parameters.ExpiryWindowBlocksMax);
        Assert.Equal(_chain.Genesis.Parameters.BlockBytesMax, effective.Parameters.BlockBytesMax);
    }

    [Fact]
    public void AVotingPeriodChangeAppliesToLaterProposals()
    {
        var id = Propose("{\"kind\":\"set-parameter\",\"parameter\":\"governance.votingPeriodBlocks\",\"value\":3}");
        CastVote("regulator", id);
        CastVote("bank-a", id);
        CastVote("customs", id);
        _chain.RunBlock();
        var next = Propose(Suspend("bank-b"));
        Assert.Equal(_chain.Height + 3, Proposal(next).Deadline);
    }

    [Theory]
    [InlineData("{\"kind\":\"set-parameter\",\"parameter\":\"consensus.blockBytesMax\",\"value\":2}", "ParameterUnknown")]
    [InlineData("{\"kind\":\"set-parameter\",\"parameter\":\"nonsense\",\"value\":2}", "ParameterUnknown")]
    [InlineData("{\"kind\":\"set-parameter\",\"parameter\":\"consensus.blockTransactionsMax\",\"value\":0}", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("{\"kind\":\"set-parameter\",\"parameter\":\"credit.grantDaysMax\",\"value\":3661}", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("{\"kind\":\"dissolve-consortium\"}", "ProposalKindUnknown")]
    [InlineData("{\"kind\":\"suspend-organisation\",\"organisation\":\"nobody\"}", MembershipCodes.OrganisationUnknown)]
    [InlineData("{\"kind\":\"reinstate-organisation\",\"organisation\":\"bank-a\"}", "OrganisationNotSuspended")]
    [InlineData("{\"kind\":\"remove-validator\",\"name\":\"v9\"}", "ValidatorUnknown")]
    [InlineData("{\"kind\":\"set-validator-power\",\"name\":\"v9\",\"power\":3}", "ValidatorUnknown")]
    [InlineData("{\"kind\":\"set-validator-power\",\"name\":\"v0\",\"power\":1}", "ValidatorPowerUnchanged")]
    [InlineData("{\"kind\":\"set-validator-power\",\"name\":\"v0\",\"power\":0}", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("{\"kind\":\"set-validator-power\",\"name\":\"v0\",\"power\":281474976710657}", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("{\"kind\":\"add-validator\",\"name\":\"v1\",\"publicKey\":\"" + NewKey + "\",\"power\":1,\"organisation\":\"bank-a\"}", "ValidatorExists")]
    [InlineData("{\"kind\":\"add-validator\",\"name\":\"v4\",\"publicKey\":\"04" + "00" + "\",\"power\":1,\"organisation\":\"bank-a\"}", "ValidatorKeyInvalid")]
    [InlineData("{\"kind\":\"add-validator\",\"name\":\"v4\",\"publicKey\":\"" + NewKey + "\",\"power\":1,\"organisation\":\"nobody\"}", MembershipCodes.OrganisationUnknown)]
    [InlineData("{\"kind\":\"add-validator\",\"name\":\"v4\",\"publicKey\":\"" + NewKey + "\",\"power\":0,\"organisation\":\"bank-a\"}", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("{\"kind\":\"add-validator\",\"name\":\"v4\",\"power\":1,\"organisation\":\"bank-a\"}", ResultCodes.PayloadFieldMissing)]
    public void HopelessProposalsAreRefusedAtOnce(string payload, string code)
    {
        var receipt = _chain.Run(_chain.Next("regulator/admin", "gov", "propose", payload));
        Assert.Equal(code, receipt.Code);
        Assert.Equal(0UL, GovernanceModule.ReadCount(_chain.State));
    }

    /// <summary>A valid P-256 public key (uncompressed) no validator holds.</summary>
    private const string NewKey = "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";

    private static string AddValidator(string name, string organisation, ulong power = 1) =>
        $"{{\"kind\":\"add-validator\",\"name\":\"{name}\",\"publicKey\":\"{NewKey}\",\"power\":{power},\"organisation\":\"{organisation}\"}}";

    private ValidatorSet Validators() => GovernanceModule.ReadValidators(_chain.State, _chain.Suite.Hash)!;

    private void Pass(ulong id)
    {
        foreach (var organisation in new[] { "regulator", "bank-a", "bank-b" })
        {
            Assert.Equal(ResultCodes.Ok, CastVote(organisation, id).Code);
        }
        Assert.Equal(ProposalStatus.Passed, Proposal(id).Status);
    }

    [Fact]
    public void ValidatorChangesApplyAtTheEffectiveHeightAndChangeWhichOrganisationsVote()
    {
        Assert.Equal(4, Validators().Count);
        var add = Propose(AddValidator("v4", "bank-a", power: 3));
        Pass(add);
        Assert.Equal(4, Validators().Count); // not before its effective height
        _chain.RunBlock();
        Assert.Equal(ProposalStatus.Applied, Proposal(add).Status);
        Assert.EndsWith($"the new validator set governs from height {_chain.Height + 1}.", Proposal(add).Outcome, StringComparison.Ordinal);
        var set = Validators();
        Assert.Equal(("v4", 3UL, "bank-a"), (set.Validators[4].Name, set.Validators[4].Power, set.Validators[4].Organisation));

        var power = Propose("{\"kind\":\"set-validator-power\",\"name\":\"v4\",\"power\":5}");
        Pass(power);
        _chain.RunBlock();
        Assert.Equal(5UL, Validators().Validators[4].Power);

        // Removing customs' only validator takes customs out of the electorate: 3 of 3 are then needed with the regulator.
        var remove = Propose("{\"kind\":\"remove-validator\",\"name\":\"v3\"}");
        Pass(remove);
        _chain.RunBlock();
        Assert.Equal(["v0", "v1", "v2", "v4"], Validators().Validators.Select(v => v.Name));
        var next = Propose(Suspend("bank-b"));
        Assert.Equal(ResultCodes.Ok, CastVote("regulator", next).Code);
        var customs = CastVote("customs", next);
        using var tally = JsonDocument.Parse(customs.Result);
        Assert.StartsWith("1 of 3 validator-running organisations approve, 2 needed", tally.RootElement.GetProperty("tally").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AValidatorChangeThatCanNoLongerBeMadeWhenDueFailsAndWritesNothing()
    {
        var due = _chain.Height + 10;
        var first = Propose($"{{\"kind\":\"remove-validator\",\"name\":\"v2\",\"applyAtHeight\":{due}}}");
        var second = Propose($"{{\"kind\":\"remove-validator\",\"name\":\"v2\",\"applyAtHeight\":{due}}}");
        Pass(first);
        Pass(second);
        Assert.Equal(due, Proposal(second).EffectiveHeight);
        while (_chain.Height < due)
        {
            _chain.RunBlock();
        }
        Assert.Equal(ProposalStatus.Applied, Proposal(first).Status);
        Assert.Equal(ProposalStatus.Failed, Proposal(second).Status);
        Assert.StartsWith("ValidatorUnknown", Proposal(second).Outcome, StringComparison.Ordinal);
        Assert.Equal(3, Validators().Count);
    }

    [Fact]
    public void TheLastValidatorCannotBeRemoved()
    {
        var solo = new TestChain("intl", [], [], null);
        var receipt = solo.Run(solo.Next("regulator/admin", "gov", "propose", "{\"kind\":\"remove-validator\",\"name\":\"v0\"}"));
        Assert.Equal("LastValidator", receipt.Code);
    }

    [Fact]
    public void TheRegulatorCannotBeSuspended()
    {
        var receipt = _chain.Run(_chain.Next("bank-a/admin", "gov", "propose", Suspend("regulator")));
        Assert.Equal("CannotSuspendRegulator", receipt.Code);
        Assert.Equal(0UL, GovernanceModule.ReadCount(_chain.State));
    }

    [Fact]
    public void ProposalRecordEncodingRoundTrips()
    {
        var record = new ProposalRecord(7, "suspend-organisation", "Suspend organisation 'bank-b'.", "regulator/admin", 3, 13, 0, ProposalStatus.Passed, 9, "3 of 4",
            [new GovernanceVote("regulator", "regulator/admin", true, 4), new GovernanceVote("bank-a", "bank-a/admin", false, 5)]);
        Assert.Equal(record.Encode(), ProposalRecord.Decode(record.Encode()).Encode());
    }
}

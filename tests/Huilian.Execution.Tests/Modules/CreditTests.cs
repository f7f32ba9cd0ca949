using Huilian.Core.Ledger;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Credit;
using Huilian.Execution.Modules.Governance;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Tests.Modules;

// Rules: an enterprise grants a bank read access only after that bank's enabling clerk enabled it
// (EnterpriseNotEnabled); under an active grant the bank's financing-review or credit-acceptance clerks query, and
// every query is logged (who, bank, purpose, height, time, transaction); a bank without a grant is refused
// (EnterpriseNotEnabled when it has not enabled the enterprise, GrantNotFound when it has); a revocation takes effect
// from the next block (queries later in the revoking block pass, then GrantRevoked); a grant lapses after its days
// (GrantExpired, the last millisecond still inside); days must be 1 to credit.grantDaysMax (366 unless governance
// changes it) and the purpose one of the stable codes (PayloadFieldOutOfRange); withdrawing the enabling stops
// queries; each step needs its role.
public sealed class CreditTests
{
    private readonly TestChain _chain = new();

    public CreditTests()
    {
        _chain.RegisterUser("bank-a", "enabler", "enabling-clerk");
        _chain.RegisterUser("bank-a", "reviewer", "financing-review-clerk");
        _chain.RegisterUser("bank-a", "acceptor", "credit-acceptance-clerk");
        _chain.RegisterUser("bank-b", "enabler", "enabling-clerk");
        _chain.RegisterUser("bank-b", "reviewer", "financing-review-clerk");
        _chain.RegisterUser("acme", "treasurer", RoleNames.EnterpriseUser);
    }

    private Receipt Enable(string bank, string enterprise = "acme") => _chain.Run(_chain.By(bank + "/enabler", "credit", "enable", $"{{\"enterprise\":\"{enterprise}\"}}"));

    private Transaction GrantTx(string bank, ulong days = 30) => _chain.By("acme/treasurer", "credit", "grant", $"{{\"bank\":\"{bank}\",\"days\":{days}}}");

    private Receipt Grant(string bank, ulong days = 30) => _chain.Run(GrantTx(bank, days));

    private Transaction QueryTx(string user, string purpose = "credit-review") => _chain.By(user, "credit", "query", $"{{\"enterprise\":\"acme\",\"purpose\":\"{purpose}\"}}");

    private Receipt Query(string user, string purpose = "credit-review") => _chain.Run(QueryTx(user, purpose));

    [Fact]
    public void AnEnterpriseCannotGrantABankThatHasNotEnabledIt()
    {
        var receipt = Grant("bank-a");
        Assert.Equal("EnterpriseNotEnabled", receipt.Code);
        Assert.Null(CreditModule.ReadGrant(_chain.State, "acme", "bank-a"));
    }

    [Fact]
    public void EnableThenGrantThenQueryIsAllowedAndLogged()
    {
        Assert.Equal(ResultCodes.Ok, Enable("bank-a").Code);
        Assert.True(CreditModule.IsEnabled(_chain.State, "bank-a", "acme"));
        Assert.Equal(ResultCodes.Ok, Grant("bank-a").Code);
        var grant = CreditModule.ReadGrant(_chain.State, "acme", "bank-a")!;
        Assert.Equal(("acme/treasurer", _chain.NowMs, _chain.NowMs + (30 * CreditModule.DayMs)), (grant.GrantedBy, grant.FromMs, grant.UntilMs));

        var query = QueryTx("bank-a/reviewer", "financing-application");
        var receipt = _chain.Run(query);
        Assert.Equal(ResultCodes.Ok, receipt.Code);
        Assert.Equal("credit.queried", Assert.Single(receipt.Events).Type);
        Assert.Equal(1UL, CreditModule.ReadQueryCount(_chain.State, "acme"));
        var logged = CreditModule.ReadQuery(_chain.State, "acme", 1)!;
        Assert.Equal((1UL, "acme", "bank-a", "bank-a/reviewer", "financing-application", _chain.Height, _chain.NowMs, query.Id),
            (logged.Sequence, logged.Enterprise, logged.Bank, logged.User, logged.Purpose, logged.Height, logged.TimeMs, logged.TransactionId));
        Assert.Equal(logged.Encode(), CreditQueryRecord.Decode(logged.Encode()).Encode());

        // The credit-acceptance clerk also holds credit.query.
        Assert.Equal(ResultCodes.Ok, Query("bank-a/acceptor", "compliance-check").Code);
        Assert.Equal(2UL, CreditModule.ReadQueryCount(_chain.State, "acme"));
        Assert.Equal("bank-a/acceptor", CreditModule.ReadQuery(_chain.State, "acme", 2)!.User);
    }

    [Fact]
    public void ABankWithoutAGrantCannotQuery()
    {
        Enable("bank-a");
        Grant("bank-a");
        Assert.Equal("EnterpriseNotEnabled", Query("bank-b/reviewer").Code);
        Assert.Equal(ResultCodes.Ok, Enable("bank-b").Code);
        Assert.Equal("GrantNotFound", Query("bank-b/reviewer").Code);
        Assert.Equal(0UL, CreditModule.ReadQueryCount(_chain.State, "acme"));
    }

    [Fact]
    public void ARevocationTakesEffectFromTheNextBlock()
    {
        Enable("bank-a");
        Grant("bank-a");
        var revoke = _chain.By("acme/treasurer", "credit", "revoke", "{\"bank\":\"bank-a\"}");
        var (execution, refusals) = _chain.RunBlock(revoke, QueryTx("bank-a/reviewer"));
        Assert.Equal([null, null], refusals);
        Assert.Equal([ResultCodes.Ok, ResultCodes.Ok], execution.Receipts.Select(r => r.Code));
        var revokedAt = _chain.Height;
        Assert.Equal(revokedAt, CreditModule.ReadGrant(_chain.State, "acme", "bank-a")!.RevokedAt);
        Assert.Equal(1UL, CreditModule.ReadQueryCount(_chain.State, "acme"));

        var after = Query("bank-a/reviewer");
        Assert.Equal(revokedAt + 1, _chain.Height);
        Assert.Equal("GrantRevoked", after.Code);
        Assert.Equal(1UL, CreditModule.ReadQueryCount(_chain.State, "acme"));
        Assert.Equal("GrantNotFound", _chain.Run(_chain.By("acme/treasurer", "credit", "revoke", "{\"bank\":\"bank-a\"}")).Code);

        // A new grant restores access.
        Assert.Equal(ResultCodes.Ok, Grant("bank-a").Code);
        Assert.Equal(ResultCodes.Ok, Query("bank-a/reviewer").Code);
    }

    [Fact]
    public void AGrantLapsesAfterItsDays()
    {
        Enable("bank-a");
        Grant("bank-a", days: 2);
        var until = CreditModule.ReadGrant(_chain.State, "acme", "bank-a")!.UntilMs;
        _chain.TimeOffsetMs = until - (TestChain.GenesisMs + ((long)(_chain.Height + 1) * 1000));
        Assert.Equal(ResultCodes.Ok, Query("bank-a/reviewer").Code); // the last millisecond of the grant
        _chain.TimeOffsetMs += 1;
        Assert.Equal("GrantExpired", Query("bank-a/reviewer").Code);
        _chain.TimeOffsetMs += 30 * CreditModule.DayMs;
        Assert.Equal("GrantExpired", Query("bank-a/reviewer").Code);
        Assert.Equal(1UL, CreditModule.ReadQueryCount(_chain.State, "acme"));
    }

    [Theory]
    [InlineData(0UL, ResultCodes.PayloadFieldOutOfRange)]
    [InlineData(1UL, ResultCodes.Ok)]
    [InlineData(366UL, ResultCodes.Ok)]
    [InlineData(367UL, ResultCodes.PayloadFieldOutOfRange)]
    [InlineData(3_660UL, ResultCodes.PayloadFieldOutOfRange)]
    [InlineData(3_661UL, ResultCodes.PayloadFieldOutOfRange)]
    public void GrantDaysAreOneToTheMaximum(ulong days, string code)
    {
        Enable("bank-a");
        Assert.Equal(code, Grant("bank-a", days).Code);
        Assert.Equal(code == ResultCodes.Ok, CreditModule.ReadGrant(_chain.State, "acme", "bank-a") is not null);
    }

    [Fact]
    public void GovernanceCanRaiseTheGrantDaysMaximum()
    {
        Enable("bank-a");
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, Grant("bank-a", 400).Code);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("regulator/admin", "gov", "propose", "{\"kind\":\"set-parameter\",\"parameter\":\"credit.grantDaysMax\",\"value\":400}")).Code);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("regulator/admin", "gov", "vote", "{\"proposal\":1,\"approve\":true}")).Code);
        Assert.Equal(ProposalStatus.Passed, GovernanceModule.ReadProposal(_chain.State, 1)!.Status);
        Assert.Equal(ResultCodes.Ok, Grant("bank-a", 400).Code);
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, Grant("bank-a", 401).Code);
    }

    [Fact]
    public void AnUnknownPurposeIsRefused()
    {
        Enable("bank-a");
        Grant("bank-a");
        var transaction = QueryTx("bank-a/reviewer", "curiosity");
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, _chain.Engine.CheckPayloadAndPermission(transaction, _chain.State, _chain.IdOf(_chain.KeyFor("bank-a/reviewer")))?.Code);
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, _chain.Run(transaction).Code);
        Assert.Equal(0UL, CreditModule.ReadQueryCount(_chain.State, "acme"));
        foreach (var purpose in CreditModule.Purposes)
        {
            Assert.Equal(ResultCodes.Ok, Query("bank-a/reviewer", purpose).Code);
        }
    }

    [Fact]
    public void WithdrawingTheEnablingStopsQueriesAndGrants()
    {
        Enable("bank-a");
        Grant("bank-a");
        Assert.Equal("EnterpriseAlreadyEnabled", Enable("bank-a").Code);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.By("bank-a/enabler", "credit", "disable", "{\"enterprise\":\"acme\"}")).Code);
        Assert.False(CreditModule.IsEnabled(_chain.State, "bank-a", "acme"));
        Assert.Equal("EnterpriseNotEnabled", Query("bank-a/reviewer").Code);
        Assert.Equal("EnterpriseNotEnabled", Grant("bank-a").Code);
        Assert.Equal("EnterpriseNotEnabled", _chain.Run(_chain.By("bank-a/enabler", "credit", "disable", "{\"enterprise\":\"acme\"}")).Code);
        Assert.Equal(ResultCodes.Ok, Enable("bank-a").Code);
        Assert.Equal(ResultCodes.Ok, Query("bank-a/reviewer").Code);
    }

    [Fact]
    public void EachStepNeedsItsRole()
    {
        Assert.Equal(ResultCodes.SignerLacksRole, _chain.Run(_chain.By("bank-a/reviewer", "credit", "enable", "{\"enterprise\":\"acme\"}")).Code);
        Assert.Equal(ResultCodes.SignerLacksRole, _chain.Run(_chain.Next("bank-a/admin", "credit", "enable", "{\"enterprise\":\"acme\"}")).Code);
        Enable("bank-a");
        Assert.Equal(ResultCodes.SignerLacksRole, _chain.Run(_chain.Next("acme/admin", "credit", "grant", "{\"bank\":\"bank-a\",\"days\":30}")).Code);
        Grant("bank-a");
        Assert.Equal(ResultCodes.SignerLacksRole, Query("bank-a/enabler").Code);
        Assert.Equal(ResultCodes.SignerLacksRole, _chain.Run(_chain.Next("regulator/admin", "credit", "query", "{\"enterprise\":\"acme\",\"purpose\":\"credit-review\"}")).Code);
        Assert.Equal(ResultCodes.SignerLacksRole, _chain.Run(_chain.By("bank-a/reviewer", "credit", "revoke", "{\"bank\":\"bank-a\"}")).Code);
        Assert.Equal(0UL, CreditModule.ReadQueryCount(_chain.State, "acme"));
    }

    [Fact]
    public void OrganisationsMustBeOfTheRightKind()
    {
        Assert.Equal("OrganisationWrongKind", _chain.Run(_chain.By("bank-a/enabler", "credit", "enable", "{\"enterprise\":\"bank-b\"}")).Code);
        Assert.Equal(MembershipCodes.OrganisationUnknown, _chain.Run(_chain.By("bank-a/enabler", "credit", "enable", "{\"enterprise\":\"nobody\"}")).Code);
        Enable("bank-a");
        Assert.Equal("OrganisationWrongKind", _chain.Run(_chain.By("acme/treasurer", "credit", "grant", "{\"bank\":\"customs\",\"days\":30}")).Code);
    }

    [Fact]
    public void RecordEncodingsRoundTrip()
    {
        var enabling = new EnablingRecord("bank-a", "acme", "bank-a/enabler", 3, true);
        Assert.Equal(enabling, EnablingRecord.Decode(enabling.Encode()));
        var grant = new GrantRecord("acme", "bank-a", "acme/treasurer", 10, 20, 3, 4);
        Assert.Equal(grant, GrantRecord.Decode(grant.Encode()));
        Assert.True(grant.IsActive(4, 15));
        Assert.False(grant.IsActive(5, 15));
        Assert.False(grant.IsActive(4, 21));
        Assert.False(grant.IsActive(4, 9));
    }
}

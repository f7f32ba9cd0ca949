using System.Text;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Registry;
using Huilian.Execution.Modules.Workflow;

namespace Huilian.Execution.Tests.Modules.Receivables;

// Rules: export receivables financing runs apply → accept → review (approve | reject with a reason) → disburse →
// repay (partial stays disbursed, full ends repaid), or cancel from any open state; each step by its Table 08-02
// role of the financing's own bank. Bad input, each refused with a stable code and nothing applied (a refused
// over-financing leaves only its alert): a step by the wrong role (SignerLacksRole) or out of order
// (TransitionNotAllowed, naming the state and the next steps); an enterprise the bank has not enabled
// (EnterpriseNotEnabled); a document that does not exist or whose secret is wrong (DocumentNotFound), whose fields do
// not match (DocumentFieldMismatch) or whose currency differs (CurrencyMismatch); claims above a document's
// unfinanced balance (AmountExceedsUnfinancedBalance, DocumentAlreadyFinancedInFull), including the same document
// twice in one transaction (DocumentListedTwice), in one block, and two banks racing (block order decides);
// repayment above the outstanding amount (RepaymentExceedsOutstanding); another bank's financing
// (FinancingOfAnotherBank). Claims become active at disbursement, fall in proportion with repayments and go at
// cancellation; the document's financed total always equals the sum of its active claims.
public sealed class ReceivablesTests
{
    private const ulong Usd100k = 100_000_00;
    private readonly TradeChain _trade = new();
    private readonly TestDocument _d = TestDocument.Declaration("222020261000000001", Usd100k);
    private readonly TestDocument _e = TestDocument.Declaration("222020261000000002", 50_000_00);

    public ReceivablesTests()
    {
        Assert.Equal(ResultCodes.Ok, _trade.Publish(_d, _e).Code);
        Assert.Equal(ResultCodes.Ok, _trade.Enable("bank-a").Code);
        Assert.Equal(ResultCodes.Ok, _trade.Enable("bank-b").Code);
    }

    private FinancingRecord Financing(string id) => WorkflowModule.ReadFinancing(_trade.State, "receivables", id)!;

    private ulong Financed(TestDocument document) => _trade.Document(document)!.FinancedActive;

    /// <summary>Runs <paramref name="transaction"/>, expects <paramref name="code"/>, and that the state did not change (alerts aside).</summary>
    private Receipt Refused(Transaction transaction, string code)
    {
        var before = _trade.Snapshot();
        var receipt = _trade.Run(transaction);
        Assert.True(receipt.Code == code, $"expected {code}, got {receipt.Code}: {receipt.Message}");
        Assert.Empty(receipt.Events);
        Assert.Equal(before, _trade.Snapshot());
        return receipt;
    }

    [Fact]
    public void TheWholeLifecycleMovesTheFinancingAndItsClaims()
    {
        var applied = _trade.Apply("bank-a", 120_000_00, _d.ApplicationItem(_trade, 80_000_00) + "," + _e.ApplicationItem(_trade, 40_000_00));
        Assert.Equal(ResultCodes.Ok, applied.Code);
        var id = TradeChain.FinancingId(applied);
        Assert.Equal("rf-00000001", id);
        Assert.Equal(("applied", "bank-a", "shanghai", "acme", 120_000_00UL), (Financing(id).State, Financing(id).Bank, Financing(id).Branch, Financing(id).Enterprise, Financing(id).AppliedAmount));
        Assert.Equal(0UL, Financed(_d)); // an application claims nothing yet

        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-a/acceptor", "accept", id).Code);
        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-a/reviewer", "review", id, "\"decision\":\"approve\"").Code);
        Assert.Equal("approved", Financing(id).State);
        var disbursed = _trade.Run(_trade.DisburseTx("bank-a", id, 120_000_00));
        Assert.Equal(ResultCodes.Ok, disbursed.Code);
        var financing = Financing(id);
        Assert.Equal(("disbursed", 120_000_00UL, 120_000_00UL, 425UL, 90UL, "2026-11-20"),
            (financing.State, financing.DisbursedAmount, financing.Outstanding, financing.RateBasisPoints, financing.TermDays, financing.ValueDate));
        Assert.Equal((80_000_00UL, 40_000_00UL), (Financed(_d), Financed(_e)));

        // A third of the principal repaid: each claim falls by a third.
        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-a/repayer", "repay", id, "\"amount\":4000000,\"value-date\":\"2026-12-01\"").Code);
        Assert.Equal(("disbursed", 80_000_00UL), (Financing(id).State, Financing(id).Outstanding));
        Assert.Equal((53_333_33UL, 26_666_67UL), (Financed(_d), Financed(_e)));
        Assert.Equal(Financing(id).Outstanding, Financing(id).Claims.Aggregate(0UL, (sum, c) => sum + c.Active));

        var settled = _trade.Step("bank-a/repayer", "repay", id, "\"amount\":8000000,\"value-date\":\"2027-01-15\"");
        Assert.Equal(ResultCodes.Ok, settled.Code);
        Assert.Equal(("repaid", 0UL, 120_000_00UL), (Financing(id).State, Financing(id).Outstanding, Financing(id).Repaid));
        Assert.Equal((0UL, 0UL), (Financed(_d), Financed(_e)));
        Assert.Equal("receivables.repay", Assert.Single(settled.Events).Type);
        Assert.Equal(Financing(id).Encode(), FinancingRecord.Decode(Financing(id).Encode()).Encode());
    }

    [Fact]
    public void EachStepNeedsItsOwnRole()
    {
        var apply = _d.ApplicationItem(_trade, 10_000_00);
        foreach (var user in new[] { "bank-a/acceptor", "bank-a/reviewer", "bank-a/disburser", "bank-a/statistician", "bank-a/enabler", "acme/admin", "customs/publisher", "regulator/analyst" })
        {
            Refused(_trade.By(user, "receivables", "apply", $"{{\"enterprise\":\"acme\",\"currency\":\"USD\",\"amount\":1000000,\"documents\":[{apply}]}}"), ResultCodes.SignerLacksRole);
        }
        var id = TradeChain.FinancingId(_trade.Apply("bank-a", 10_000_00, apply));
        Refused(_trade.StepTx("bank-a/proxy", "accept", id), ResultCodes.SignerLacksRole);
        Refused(_trade.StepTx("bank-a/reviewer", "accept", id), ResultCodes.SignerLacksRole);
        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-a/acceptor", "accept", id).Code);
        Refused(_trade.StepTx("bank-a/acceptor", "review", id, "\"decision\":\"approve\""), ResultCodes.SignerLacksRole);
        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-a/reviewer", "review", id, "\"decision\":\"approve\"").Code);
        Refused(_trade.StepTx("bank-a/repayer", "disburse", id, "\"amount\":1000000,\"value-date\":\"2026-11-20\",\"rate-bp\":400,\"term-days\":90"), ResultCodes.SignerLacksRole);
        Assert.Equal(ResultCodes.Ok, _trade.Run(_trade.DisburseTx("bank-a", id, 10_000_00)).Code);
        Refused(_trade.StepTx("bank-a/disburser", "repay", id, "\"amount\":100,\"value-date\":\"2026-12-20\""), ResultCodes.SignerLacksRole);
    }

    [Fact]
    public void AStepOutOfOrderIsRefusedWithTheStateAndTheNextSteps()
    {
        var id = TradeChain.FinancingId(_trade.Apply("bank-a", 10_000_00, _d.ApplicationItem(_trade, 10_000_00)));
        var refused = Refused(_trade.DisburseTx("bank-a", id, 10_000_00), WorkflowCodes.TransitionNotAllowed);
        Assert.Equal("'rf-00000001' is 'applied'; next: accept, cancel; 'disburse' goes from approved.", refused.Message);
        Refused(_trade.StepTx("bank-a/reviewer", "review", id, "\"decision\":\"approve\""), WorkflowCodes.TransitionNotAllowed);
        Refused(_trade.StepTx("bank-a/repayer", "repay", id, "\"amount\":100,\"value-date\":\"2026-12-20\""), WorkflowCodes.TransitionNotAllowed);
        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-a/acceptor", "accept", id).Code);
        Refused(_trade.StepTx("bank-a/acceptor", "accept", id), WorkflowCodes.TransitionNotAllowed);

        // Reject needs a reason; once rejected, nothing more.
        Refused(_trade.StepTx("bank-a/reviewer", "review", id, "\"decision\":\"reject\""), ResultCodes.PayloadFieldMissing);
        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-a/reviewer", "review", id, "\"decision\":\"reject\",\"reason\":\"export date outside the contract\"").Code);
        Assert.Equal(("rejected", "export date outside the contract"), (Financing(id).State, Financing(id).Reason));
        var terminal = Refused(_trade.StepTx("bank-a/proxy", "cancel", id, "\"reason\":\"withdrawn\""), WorkflowCodes.TransitionNotAllowed);
        Assert.Equal("'rf-00000001' is 'rejected'; next: none (terminal); 'cancel' goes from applied, accepted, approved, disbursed.", terminal.Message);
        Refused(_trade.StepTx("bank-a/acceptor", "accept", "rf-00000099"), WorkflowCodes.FinancingNotFound);
    }

    [Fact]
    public void AnApplicationForAnEnterpriseNotEnabledIsRefused()
    {
        Refused(_trade.ApplyTx("bank-a", 10_000_00, _d.ApplicationItem(_trade, 10_000_00), enterprise: "globex"), WorkflowCodes.EnterpriseNotEnabled);
        Refused(_trade.ApplyTx("bank-a", 10_000_00, _d.ApplicationItem(_trade, 10_000_00), enterprise: "customs"), WorkflowCodes.OrganisationWrongKind);
        Refused(_trade.ApplyTx("bank-a", 10_000_00, _d.ApplicationItem(_trade, 10_000_00), enterprise: "nobody"), "OrganisationUnknown");

        // Withdrawn between approval and disbursement: the disbursement is refused too.
        var id = _trade.Approved("bank-a", 10_000_00, _d.ApplicationItem(_trade, 10_000_00));
        Assert.Equal(ResultCodes.Ok, _trade.Run("bank-a/enabler", "credit", "disable", "{\"enterprise\":\"acme\"}").Code);
        Refused(_trade.DisburseTx("bank-a", id, 10_000_00), WorkflowCodes.EnterpriseNotEnabled);
        Assert.Equal(0UL, Financed(_d));
    }

    [Fact]
    public void DocumentsThatDoNotExistOrDoNotMatchAreRefused()
    {
        var unknown = TestDocument.Declaration("222020261000009999", Usd100k);
        Refused(_trade.ApplyTx("bank-a", 10_000_00, unknown.ApplicationItem(_trade, 10_000_00)), RegistryCodes.DocumentNotFound);
        Refused(_trade.ApplyTx("bank-a", 10_000_00, _d.ApplicationItem(_trade, 10_000_00, secret: "guessed-secret-00000000")), RegistryCodes.DocumentNotFound);
        var owner = Refused(_trade.ApplyTx("bank-a", 10_000_00, _d.ApplicationItem(_trade, 10_000_00, new Dictionary<string, string> { ["owner"] = "globex" })), RegistryCodes.DocumentFieldMismatch);
        Assert.Contains("'owner'", owner.Message, StringComparison.Ordinal);
        var port = Refused(_trade.ApplyTx("bank-a", 10_000_00, _d.ApplicationItem(_trade, 10_000_00, new Dictionary<string, string> { ["port"] = "CNNGB" })), RegistryCodes.DocumentFieldMismatch);
        Assert.Contains("'port'", port.Message, StringComparison.Ordinal);
        Refused(_trade.ApplyTx("bank-a", 10_000_00, _d.ApplicationItem(_trade, 10_000_00), currency: "EUR"), RegistryCodes.CurrencyMismatch);
        Refused(_trade.ApplyTx("bank-a", 10_000_01, _d.ApplicationItem(_trade, 10_000_00)), WorkflowCodes.ClaimsDoNotSumToAmount);
        Assert.Equal(0UL, WorkflowModule.ReadCount(_trade.State, "receivables"));
    }

    [Fact]
    public void AClaimAboveTheUnfinancedBalanceIsRefusedAndLeavesAnAlert()
    {
        _trade.Disbursed("bank-a", 80_000_00, _d.ApplicationItem(_trade, 80_000_00));
        var refused = Refused(_trade.ApplyTx("bank-b", 30_000_00, _d.ApplicationItem(_trade, 30_000_00)), RegistryCodes.AmountExceedsUnfinancedBalance);
        Assert.Contains("80.00% financed", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bank-a", refused.Message, StringComparison.Ordinal);
        var alert = Assert.Single(ReceivablesReports.Alerts(_trade.State, new ReportFilter()));
        Assert.Equal((RegistryCodes.AmountExceedsUnfinancedBalance, "bank-b", "acme", "receivables.apply", 30_000_00UL, 80_000_00UL, Usd100k),
            (alert.Code, alert.Bank, alert.Enterprise, alert.Action, alert.Requested, alert.FinancedActive, alert.Value));

        _trade.Disbursed("bank-a", 20_000_00, _d.ApplicationItem(_trade, 20_000_00));
        var full = Refused(_trade.ApplyTx("bank-b", 1, _d.ApplicationItem(_trade, 1)), RegistryCodes.DocumentAlreadyFinancedInFull);
        Assert.Contains("100.00%", full.Message, StringComparison.Ordinal);
        Assert.Equal(2, ReceivablesReports.Alerts(_trade.State, new ReportFilter()).Count);
        Assert.Equal(Usd100k, Financed(_d));
    }

    [Fact]
    public void TheSameDocumentTwiceInOneApplicationIsRefused()
    {
        Refused(_trade.ApplyTx("bank-a", 60_000_00, _d.ApplicationItem(_trade, 30_000_00) + "," + _d.ApplicationItem(_trade, 30_000_00)), RegistryCodes.DocumentListedTwice);
    }

    [Fact]
    public void TwoDisbursementsOnOneDocumentInOneBlockTheSecondIsRefused()
    {
        var first = _trade.Approved("bank-a", 60_000_00, _d.ApplicationItem(_trade, 60_000_00));
        var second = _trade.Approved("bank-a", 60_000_00, _d.ApplicationItem(_trade, 60_000_00));
        var (execution, refusals) = _trade.Chain.RunBlock(_trade.DisburseTx("bank-a", first, 60_000_00), _trade.DisburseTx("bank-a", second, 60_000_00));
        Assert.All(refusals, Assert.Null);
        Assert.Equal([ResultCodes.Ok, RegistryCodes.AmountExceedsUnfinancedBalance], execution.Receipts.Select(r => r.Code));
        Assert.Equal(60_000_00UL, Financed(_d));
        Assert.Equal(("disbursed", "approved"), (Financing(first).State, Financing(second).State));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwoBanksRacingForTheLastPartTheOneOrderedFirstWins(bool bankBFirst)
    {
        _trade.Disbursed("bank-a", 70_000_00, _d.ApplicationItem(_trade, 70_000_00));
        var a = _trade.Approved("bank-a", 20_000_00, _d.ApplicationItem(_trade, 20_000_00));
        var b = _trade.Approved("bank-b", 20_000_00, _d.ApplicationItem(_trade, 20_000_00));
        var txA = _trade.DisburseTx("bank-a", a, 20_000_00);
        var txB = _trade.DisburseTx("bank-b", b, 20_000_00);
        var (execution, _) = bankBFirst ? _trade.Chain.RunBlock(txB, txA) : _trade.Chain.RunBlock(txA, txB);
        Assert.Equal([ResultCodes.Ok, RegistryCodes.AmountExceedsUnfinancedBalance], execution.Receipts.Select(r => r.Code));
        Assert.Equal(90_000_00UL, Financed(_d));
        Assert.Equal(bankBFirst ? ("approved", "disbursed") : ("disbursed", "approved"), (Financing(a).State, Financing(b).State));
        var alert = ReceivablesReports.Alerts(_trade.State, new ReportFilter())[^1];
        Assert.Equal((bankBFirst ? "bank-a" : "bank-b", "receivables.disburse"), (alert.Bank, alert.Action));
    }

    [Fact]
    public void ARepaymentAboveTheOutstandingAmountIsRefused()
    {
        var id = _trade.Disbursed("bank-a", 50_000_00, _d.ApplicationItem(_trade, 50_000_00));
        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-a/repayer", "repay", id, "\"amount\":1000000,\"value-date\":\"2026-12-01\"").Code);
        Refused(_trade.StepTx("bank-a/repayer", "repay", id, "\"amount\":4000001,\"value-date\":\"2026-12-02\""), WorkflowCodes.RepaymentExceedsOutstanding);
        Refused(_trade.StepTx("bank-a/repayer", "repay", id, "\"amount\":0,\"value-date\":\"2026-12-02\""), ResultCodes.PayloadFieldOutOfRange);
        Refused(_trade.StepTx("bank-a/repayer", "repay", id, "\"amount\":100,\"value-date\":\"2026-13-02\""), ResultCodes.PayloadFieldOutOfRange);
        Assert.Equal((40_000_00UL, 40_000_00UL), (Financing(id).Outstanding, Financed(_d)));
    }

    [Fact]
    public void AnotherBankCannotActOnAFinancing()
    {
        var id = _trade.Approved("bank-a", 50_000_00, _d.ApplicationItem(_trade, 50_000_00));
        var refused = Refused(_trade.DisburseTx("bank-b", id, 50_000_00), WorkflowCodes.FinancingOfAnotherBank);
        Assert.DoesNotContain("approved", refused.Message, StringComparison.Ordinal);
        Refused(_trade.StepTx("bank-b/proxy", "cancel", id, "\"reason\":\"x\""), WorkflowCodes.FinancingOfAnotherBank);
    }

    [Fact]
    public void CancellationReleasesEveryClaim()
    {
        var id = _trade.Disbursed("bank-a", 90_000_00, _d.ApplicationItem(_trade, 60_000_00) + "," + _e.ApplicationItem(_trade, 30_000_00));
        Assert.Equal((60_000_00UL, 30_000_00UL), (Financed(_d), Financed(_e)));
        Refused(_trade.StepTx("bank-a/disburser", "cancel", id), ResultCodes.PayloadFieldMissing);
        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-a/disburser", "cancel", id, "\"reason\":\"registered against the wrong contract\"").Code);
        Assert.Equal(("cancelled", 0UL), (Financing(id).State, Financing(id).Outstanding));
        Assert.Equal((0UL, 0UL), (Financed(_d), Financed(_e)));
    }

    [Fact]
    public void ADisbursementBelowTheApplicationClaimsTheDocumentsInOrderAndNeverAboveIt()
    {
        var id = _trade.Approved("bank-a", 90_000_00, _d.ApplicationItem(_trade, 60_000_00) + "," + _e.ApplicationItem(_trade, 30_000_00));
        Refused(_trade.DisburseTx("bank-a", id, 90_000_01), WorkflowCodes.AmountExceedsApplication);
        Assert.Equal(ResultCodes.Ok, _trade.Run(_trade.DisburseTx("bank-a", id, 70_000_00)).Code);
        Assert.Equal((60_000_00UL, 10_000_00UL), (Financed(_d), Financed(_e)));
        Assert.Equal([60_000_00UL, 10_000_00UL], Financing(id).Claims.Select(c => c.Active));
    }

    [Fact]
    public void AReviewApprovalRechecksTheBalance()
    {
        var late = TradeChain.FinancingId(_trade.Apply("bank-b", 50_000_00, _d.ApplicationItem(_trade, 50_000_00)));
        Assert.Equal(ResultCodes.Ok, _trade.Step("bank-b/acceptor", "accept", late).Code);
        _trade.Disbursed("bank-a", 60_000_00, _d.ApplicationItem(_trade, 60_000_00));
        Refused(_trade.StepTx("bank-b/reviewer", "review", late, "\"decision\":\"approve\""), RegistryCodes.AmountExceedsUnfinancedBalance);
        Assert.Equal("accepted", Financing(late).State);
    }

    [Fact]
    public void AnApplicationsConfidentialSectionMustIncludeTheRegulator()
    {
        string Sealed(params string[] organisations) => ConfidentialSections.Seal(_trade.Chain.Suite.Name, Encoding.UTF8.GetBytes("{\"loan\":\"CNY 560,000 at 3.9%\"}"),
            organisations.Select(o => _trade.Chain.Organisation(o).EncryptionKey.PublicKey).ToArray(),
            ConfidentialEnvelope.AssociatedData(TestChain.ChainId, "receivables", "apply")).ToJson();
        string Payload(string section) =>
            $"{{\"enterprise\":\"acme\",\"currency\":\"USD\",\"amount\":1000000,\"documents\":[{_d.ApplicationItem(_trade, 10_000_00)}],\"confidential\":{section}}}";
        Refused(_trade.By("bank-a/proxy", "receivables", "apply", Payload(Sealed("bank-a", "acme"))), ConfidentialEnvelope.MissingRegulator);
        Assert.Equal(ResultCodes.Ok, _trade.Run("bank-a/proxy", "receivables", "apply", Payload(Sealed("bank-a", "acme", "regulator"))).Code);
    }

    [Fact]
    public void ABlockOfRacingClaimsExecutesTheSameEveryTime()
    {
        // Execution must be a function of the state and the block: the same block on the same state, twice, gives the
        // same receipts and the same writes (no clock, no randomness, no unordered iteration).
        _trade.Disbursed("bank-a", 70_000_00, _d.ApplicationItem(_trade, 70_000_00));
        var a = _trade.Approved("bank-a", 25_000_00, _d.ApplicationItem(_trade, 20_000_00) + "," + _e.ApplicationItem(_trade, 5_000_00));
        var b = _trade.Approved("bank-b", 20_000_00, _d.ApplicationItem(_trade, 20_000_00));
        var block = new[] { _trade.DisburseTx("bank-b", b, 20_000_00), _trade.DisburseTx("bank-a", a, 25_000_00) };
        var context = new BlockContext(TestChain.ChainId, _trade.Chain.Height + 1, _trade.Chain.NowMs + 1000, _trade.Chain.Validator.PublicKey);
        BlockExecution Execute()
        {
            var execution = _trade.Chain.Engine.BeginBlock(context, _trade.State);
            Assert.All(block.Select(execution.TryApply).ToArray(), Assert.Null);
            return execution;
        }
        var first = Execute();
        var second = Execute();
        Assert.Equal([ResultCodes.Ok, RegistryCodes.AmountExceedsUnfinancedBalance], first.Receipts.Select(r => r.Code));
        Assert.Equal(first.Receipts.Select(r => r.Encode()), second.Receipts.Select(r => r.Encode()));
        Assert.Equal(first.WriteSet().Select(w => Convert.ToHexString(w.Key) + "=" + (w.Value is null ? "-" : Convert.ToHexString(w.Value))),
            second.WriteSet().Select(w => Convert.ToHexString(w.Key) + "=" + (w.Value is null ? "-" : Convert.ToHexString(w.Value))));
    }
}

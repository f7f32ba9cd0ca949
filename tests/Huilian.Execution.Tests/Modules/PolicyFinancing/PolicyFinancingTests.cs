using Huilian.Execution.Host;
using Huilian.Execution.Modules.PolicyFinancing;
using Huilian.Execution.Modules.Registry;
using Huilian.Execution.Modules.Workflow;

namespace Huilian.Execution.Tests.Modules.PolicyFinancing;

// Rules: export credit-insurance policy financing is a second process definition (policy-financing.json) with no
// code of its own: its steps are taken by the policy-financing clerks of Table 08-02 (a receivables clerk is
// SignerLacksRole), it finances against insurance policies and the declarations they cover (any other document type
// is DocumentTypeNotFinanced, and export receivables financing does not take policies), and its claims go through
// the same guard as receivables financing: a declaration 80% financed under one process has 20% left under the other.
public sealed class PolicyFinancingTests
{
    private readonly TradeChain _trade = new();
    private readonly TestDocument _declaration = TestDocument.Declaration("222020261000660001", 100_000_00);
    private readonly TestDocument _policy = new(DocumentTypes.CreditInsurancePolicy, "SINO-2026-000123", "policy-secret-0123456789", 100_000_00, "USD",
        new(StringComparer.Ordinal) { ["owner"] = "acme", ["buyer"] = "Müller GmbH", ["valid-until"] = "2027-06-30" });

    public PolicyFinancingTests()
    {
        foreach (var (name, role) in new[]
        {
            ("policy-proxy", "policy-financing-proxy-clerk"), ("policy-acceptor", "policy-financing-acceptance-clerk"), ("policy-reviewer", "policy-financing-review-clerk"),
            ("policy-disburser", "policy-financing-disbursement-clerk"), ("policy-repayer", "policy-financing-repayment-clerk"),
        })
        {
            _trade.Chain.RegisterUser("bank-b", name, role);
        }
        Assert.Equal(ResultCodes.Ok, _trade.Publish(_declaration).Code);
        Assert.Equal(ResultCodes.Ok, _trade.Run("sinosure/publisher", "registry", "publish-policy", "{\"documents\":[" + _policy.PublishItem(_trade) + "]}").Code);
        Assert.Equal(ResultCodes.Ok, _trade.Enable("bank-a").Code);
        Assert.Equal(ResultCodes.Ok, _trade.Enable("bank-b").Code);
    }

    private string ApplyPayload(ulong amount, string documents) =>
        $"{{\"enterprise\":\"acme\",\"branch\":\"beijing\",\"currency\":\"USD\",\"amount\":{amount},\"documents\":[{documents}]}}";

    private Huilian.Core.Ledger.Receipt Step(string user, string action, string financing, string more = "") =>
        _trade.Run(user, "policy-financing", action, $"{{\"financing\":\"{financing}\"{(more.Length == 0 ? "" : "," + more)}}}");

    [Fact]
    public void APolicyFinancingRunsItsOwnStepsAndSharesTheGuardWithReceivables()
    {
        _trade.Disbursed("bank-a", 80_000_00, _declaration.ApplicationItem(_trade, 80_000_00));

        var over = _trade.Run("bank-b/policy-proxy", "policy-financing", "apply",
            ApplyPayload(80_000_00, _policy.ApplicationItem(_trade, 50_000_00) + "," + _declaration.ApplicationItem(_trade, 30_000_00)));
        Assert.Equal(RegistryCodes.AmountExceedsUnfinancedBalance, over.Code);
        Assert.Contains("80.00% financed", over.Message, StringComparison.Ordinal);

        var applied = _trade.Run("bank-b/policy-proxy", "policy-financing", "apply",
            ApplyPayload(70_000_00, _policy.ApplicationItem(_trade, 50_000_00) + "," + _declaration.ApplicationItem(_trade, 20_000_00)));
        Assert.Equal(ResultCodes.Ok, applied.Code);
        var id = TradeChain.FinancingId(applied);
        Assert.Equal("pf-00000001", id);
        Assert.Equal(ResultCodes.SignerLacksRole, Step("bank-b/acceptor", "accept", id).Code); // a receivables clerk
        Assert.Equal(ResultCodes.Ok, Step("bank-b/policy-acceptor", "accept", id).Code);
        Assert.Equal(ResultCodes.Ok, Step("bank-b/policy-reviewer", "review", id, "\"decision\":\"approve\"").Code);
        Assert.Equal(ResultCodes.Ok, Step("bank-b/policy-disburser", "disburse", id, "\"amount\":7000000,\"value-date\":\"2026-11-21\",\"rate-bp\":380,\"term-days\":120").Code);
        Assert.Equal((100_000_00UL, 50_000_00UL), (_trade.Document(_declaration)!.FinancedActive, _trade.Document(_policy)!.FinancedActive));
        Assert.Equal(ResultCodes.Ok, Step("bank-b/policy-repayer", "repay", id, "\"amount\":7000000,\"value-date\":\"2027-03-21\"").Code);
        Assert.Equal("repaid", WorkflowModule.ReadFinancing(_trade.State, PolicyFinancingProcess.ModuleName, id)!.State);
        Assert.Equal((80_000_00UL, 0UL), (_trade.Document(_declaration)!.FinancedActive, _trade.Document(_policy)!.FinancedActive));
    }

    [Fact]
    public void EachProcessFinancesOnlyItsDocumentTypes()
    {
        var bill = new TestDocument(DocumentTypes.BillOfLading, "COSU6123456780", "bl-secret-0123456789", 20_000_00, "USD",
            new(StringComparer.Ordinal) { ["owner"] = "acme", ["consignee"] = "Müller GmbH", ["route"] = "CNSHA-DEHAM", ["ship-date"] = "2026-11-03" });
        Assert.Equal(ResultCodes.Ok, _trade.Run("cosco/publisher", "registry", "publish-transport", "{\"documents\":[" + bill.PublishItem(_trade) + "]}").Code);
        var before = _trade.Snapshot();
        var refused = _trade.Run("bank-b/policy-proxy", "policy-financing", "apply", ApplyPayload(10_000_00, bill.ApplicationItem(_trade, 10_000_00)));
        Assert.Equal(WorkflowCodes.DocumentTypeNotFinanced, refused.Code);
        Assert.Contains("credit-insurance-policy, customs-declaration", refused.Message, StringComparison.Ordinal);
        Assert.Equal(WorkflowCodes.DocumentTypeNotFinanced, _trade.Apply("bank-a", 10_000_00, _policy.ApplicationItem(_trade, 10_000_00)).Code);
        Assert.Equal(before, _trade.Snapshot());
        Assert.Equal(ResultCodes.Ok, _trade.Apply("bank-a", 10_000_00, bill.ApplicationItem(_trade, 10_000_00)).Code);
    }
}

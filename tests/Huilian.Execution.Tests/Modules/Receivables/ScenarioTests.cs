using System.Text.Json;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Registry;
using Huilian.Execution.Modules.Workflow;

namespace Huilian.Execution.Tests.Modules.Receivables;

// The scenario of issue 5, at execution level: customs publishes declaration D worth US$100,000; bank A verifies it
// and finances US$80,000; bank B, handed the same declaration, is refused US$30,000 and told D is 80% financed, not by
// whom; the regulator sees both banks' financings and an alert on B's attempt; A registers a repayment of US$40,000;
// B may now finance up to US$60,000 (one cent more is refused); the statistician's reports and the
// declaration-verification-failure statistics count all of it, each bank's statistician only its own bank.
public sealed class ScenarioTests
{
    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void DeclarationDIsNeverFinancedBeyondItsValueAndTheReportsCountIt(string suite)
    {
        var trade = new TradeChain(suite);
        var d = TestDocument.Declaration("222020261000777001", 100_000_00);
        Assert.Equal(ResultCodes.Ok, trade.Publish(d).Code);
        Assert.Equal(ResultCodes.Ok, trade.Enable("bank-a").Code);
        Assert.Equal(ResultCodes.Ok, trade.Enable("bank-b").Code);

        // A verifies D and finances 80,000.
        var verifiedByA = trade.Run("bank-a/reviewer", "registry", "verify", "{\"enterprise\":\"acme\",\"branch\":\"shanghai\",\"documents\":[" + d.VerifyItem(trade) + "]}");
        Assert.Equal("Match", Outcome(verifiedByA).Outcome);
        var a = trade.Disbursed("bank-a", 80_000_00, d.ApplicationItem(trade, 80_000_00));

        // B verifies: the document matches and is 80% financed.
        var verifiedByB = trade.Run("bank-b/reviewer", "registry", "verify", "{\"enterprise\":\"acme\",\"branch\":\"beijing\",\"documents\":[" + d.VerifyItem(trade) + "]}");
        Assert.Equal(("Match", 8_000), Outcome(verifiedByB));
        // B also mistypes a declaration's goods once: a verification failure the statistics count.
        var mistyped = trade.Run("bank-b/reviewer", "registry", "verify",
            "{\"enterprise\":\"acme\",\"branch\":\"beijing\",\"documents\":[" + d.VerifyItem(trade, new Dictionary<string, string> { ["goods"] = "tablets" }) + "]}");
        Assert.Equal("FieldMismatch:goods", Outcome(mistyped).Outcome);

        // B is refused 30,000 and told 80%, not by whom.
        var refused = trade.Apply("bank-b", 30_000_00, d.ApplicationItem(trade, 30_000_00), branch: "beijing");
        Assert.Equal(RegistryCodes.AmountExceedsUnfinancedBalance, refused.Code);
        Assert.Contains("80.00% financed", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bank-a", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rf-", refused.Message, StringComparison.Ordinal);
        Assert.Equal(80_000_00UL, trade.Document(d)!.FinancedActive);

        // The regulator sees both banks and the alert on B.
        var regulator = Authorized("regulator/analyst", trade, ReceivablesReports.StatusReportResource, new ReportFilter());
        Assert.Null(regulator.Bank);
        var alerts = ReceivablesReports.Alerts(trade.State, regulator);
        var alert = Assert.Single(alerts);
        Assert.Equal(("bank-b", "beijing", "acme", 30_000_00UL, 80_000_00UL), (alert.Bank, alert.Branch, alert.Enterprise, alert.Requested, alert.FinancedActive));

        // A repays 40,000; B may now finance up to 60,000, and not a cent more.
        Assert.Equal(ResultCodes.Ok, trade.Step("bank-a/repayer", "repay", a, "\"amount\":4000000,\"value-date\":\"2026-12-20\"").Code);
        Assert.Equal(40_000_00UL, trade.Document(d)!.FinancedActive);
        Assert.Equal(RegistryCodes.AmountExceedsUnfinancedBalance, trade.Apply("bank-b", 60_000_01, d.ApplicationItem(trade, 60_000_01), branch: "beijing").Code);
        var b = trade.Approved("bank-b", 60_000_00, d.ApplicationItem(trade, 60_000_00));
        Assert.Equal(ResultCodes.Ok, trade.Run(trade.DisburseTx("bank-b", b, 60_000_00)).Code);
        Assert.Equal(100_000_00UL, trade.Document(d)!.FinancedActive);

        // The regulator's status report lists both financings; each bank's statistician sees its own only.
        Assert.Equal([("bank-a", "disbursed", 40_000_00UL), ("bank-b", "disbursed", 60_000_00UL)],
            ReceivablesReports.FinancingReport(trade.State, regulator).Select(f => (f.Bank, f.State, f.Outstanding)));
        var forA = Authorized("bank-a/statistician", trade, ReceivablesReports.StatisticsResource, new ReportFilter());
        var statisticsA = Assert.Single(ReceivablesReports.FinancingStatistics(trade.State, forA));
        Assert.Equal(new FinancingStatisticsRow("bank-a", "acme", "USD", 1, 0, 0, 1, 80_000_00, 40_000_00, 40_000_00, 0), statisticsA);
        var forB = Authorized("bank-b/statistician", trade, ReceivablesReports.StatisticsResource, new ReportFilter());
        var statisticsB = Assert.Single(ReceivablesReports.FinancingStatistics(trade.State, forB));
        Assert.Equal(new FinancingStatisticsRow("bank-b", "acme", "USD", 1, 0, 0, 1, 60_000_00, 0, 60_000_00, 2), statisticsB);
        Assert.Equal(2, ReceivablesReports.FinancingStatistics(trade.State, regulator).Count);
        Assert.Equal([(30_000_00UL, 80_000_00UL), (60_000_01UL, 40_000_00UL)], ReceivablesReports.Alerts(trade.State, regulator).Select(x => (x.Requested, x.FinancedActive)));
        Assert.Empty(ReceivablesReports.Alerts(trade.State, forA));

        // Verification failures: B's mistyped declaration, at its branch.
        var failuresForB = Authorized("bank-b/statistician", trade, ReceivablesReports.DeclarationFailuresResource, new ReportFilter());
        Assert.Equal([new VerificationFailureRow("bank-b", "beijing", "acme", 2, 1, 0, 1, 0, 0)], ReceivablesReports.DeclarationFailures(trade.State, failuresForB));
        Assert.Equal([new VerificationFailureRow("bank-a", "shanghai", "acme", 1, 0, 0, 0, 0, 0)],
            ReceivablesReports.DeclarationFailures(trade.State, Authorized("bank-a/statistician", trade, ReceivablesReports.DeclarationFailuresResource, new ReportFilter())));

        // A's statistician may not report on B.
        var outside = ReceivablesReports.Authorize(trade.UserRecord("bank-a/statistician"), trade.Organisation("bank-a"), ReceivablesReports.StatisticsResource,
            new ReportFilter(Bank: "bank-b"), out _);
        Assert.Equal(ReceivablesReports.NotEntitled, outside?.Code);

        Assert.Equal("bank,enterprise,currency,applications,rejected,cancelled,disbursed,disbursedAmountMinor,repaidMinor,outstandingMinor,refusedAttempts\r\n" +
            "bank-b,acme,USD,1,0,0,1,6000000,0,6000000,2\r\n", ReceivablesReports.StatisticsCsv([statisticsB]));
    }

    private static (string Outcome, int FinancedBasisPoints) Outcome(Huilian.Core.Ledger.Receipt receipt)
    {
        Assert.Equal(ResultCodes.Ok, receipt.Code);
        using var document = JsonDocument.Parse(receipt.Result);
        var item = document.RootElement.GetProperty("items")[0];
        return (item.GetProperty("outcome").GetString()!, item.GetProperty("financedBp").GetInt32());
    }

    private static ReportFilter Authorized(string user, TradeChain trade, string resource, ReportFilter filter)
    {
        var refusal = ReceivablesReports.Authorize(trade.UserRecord(user), trade.Organisation(user.Split('/')[0]), resource, filter, out var effective);
        Assert.True(refusal is null, refusal?.Message);
        return effective;
    }
}

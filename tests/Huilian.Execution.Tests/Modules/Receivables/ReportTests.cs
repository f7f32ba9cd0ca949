using Huilian.Execution.Host;
using Huilian.Execution.Modules.Receivables;

namespace Huilian.Execution.Tests.Modules.Receivables;

// Rules: the three statistician resources of Table 08-02 are reports over state. A bank statistician reports on its
// own bank (its bank is filled in; naming another bank is NotEntitled); a regulator analyst (audit.see-through)
// reports on any bank or all; any other user is SignerLacksRole. Filters: a period of block time [from, until), a
// branch, an enterprise. CSV follows RFC 4180 (CRLF, quoting fields with commas or quotes).
public sealed class ReportTests
{
    private readonly TradeChain _trade = new();

    [Theory]
    [InlineData("bank-a/statistician", null, null, "bank-a")]
    [InlineData("bank-a/statistician", "bank-a", null, "bank-a")]
    [InlineData("bank-a/statistician", "bank-b", "NotEntitled", null)]
    [InlineData("bank-b/statistician", "bank-a", "NotEntitled", null)]
    [InlineData("regulator/analyst", "bank-b", null, "bank-b")]
    [InlineData("regulator/analyst", null, null, null)]
    [InlineData("bank-a/proxy", null, ResultCodes.SignerLacksRole, null)]
    [InlineData("bank-a/reviewer", "bank-a", ResultCodes.SignerLacksRole, null)]
    [InlineData("regulator/admin", null, ResultCodes.SignerLacksRole, null)]
    [InlineData("acme/admin", "bank-a", ResultCodes.SignerLacksRole, null)]
    public void WhoMayReportOnWhichBank(string user, string? bank, string? code, string? effectiveBank)
    {
        foreach (var resource in new[] { ReceivablesReports.StatisticsResource, ReceivablesReports.StatusReportResource, ReceivablesReports.DeclarationFailuresResource })
        {
            var refusal = ReceivablesReports.Authorize(_trade.UserRecord(user), _trade.Organisation(user.Split('/')[0]), resource, new ReportFilter(Bank: bank), out var effective);
            Assert.Equal(code, refusal?.Code);
            if (code is null)
            {
                Assert.Equal(effectiveBank, effective.Bank);
            }
        }
    }

    [Fact]
    public void FiltersSelectByPeriodBranchAndEnterprise()
    {
        var d = TestDocument.Declaration("222020261000880001", 100_000_00);
        var g = TestDocument.Declaration("222020261000880002", 100_000_00, owner: "globex");
        _trade.Publish(d, g);
        _trade.Enable("bank-a");
        _trade.Enable("bank-a", "globex");
        _trade.Apply("bank-a", 10_000_00, d.ApplicationItem(_trade, 10_000_00), branch: "shanghai");
        var middle = _trade.Chain.NowMs + 1;
        _trade.Apply("bank-a", 20_000_00, g.ApplicationItem(_trade, 20_000_00), enterprise: "globex", branch: "ningbo");
        _trade.Apply("bank-a", 30_000_00, d.ApplicationItem(_trade, 30_000_00), branch: "ningbo");

        ulong[] Applied(ReportFilter filter) => ReceivablesReports.FinancingReport(_trade.State, filter).Select(f => f.AppliedAmount).ToArray();
        Assert.Equal([10_000_00UL, 20_000_00UL, 30_000_00UL], Applied(new ReportFilter()));
        Assert.Equal([10_000_00UL], Applied(new ReportFilter(UntilMs: middle)));
        Assert.Equal([20_000_00UL, 30_000_00UL], Applied(new ReportFilter(FromMs: middle)));
        Assert.Equal([20_000_00UL, 30_000_00UL], Applied(new ReportFilter(Branch: "ningbo")));
        Assert.Equal([20_000_00UL], Applied(new ReportFilter(Enterprise: "globex")));
        Assert.Empty(Applied(new ReportFilter(Bank: "bank-b")));
        var statistics = ReceivablesReports.FinancingStatistics(_trade.State, new ReportFilter());
        Assert.Equal([("acme", 2), ("globex", 1)], statistics.Select(r => (r.Enterprise, r.Applications)));
    }

    [Fact]
    public void CsvQuotesFieldsThatNeedIt()
    {
        var csv = ReceivablesReports.DeclarationFailuresCsv([new VerificationFailureRow("bank-a", "pudong, \"new\" area", "acme", 3, 1, 1, 0, 0, 0)]);
        Assert.Equal("bank,branch,enterprise,verified,failed,notFound,fieldMismatch,alreadyFinancedInFull,otherMismatch\r\n" +
            "bank-a,\"pudong, \"\"new\"\" area\",acme,3,1,1,0,0,0\r\n", csv);
        var report = ReceivablesReports.ReportCsv([]);
        Assert.StartsWith("financing,bank,branch,enterprise,state,currency,", report, StringComparison.Ordinal);
    }
}

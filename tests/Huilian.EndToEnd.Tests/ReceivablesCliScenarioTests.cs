using System.Text.Json;

namespace Huilian.EndToEnd.Tests;

// Issue 5's scenario entirely through the real `huilian` CLI against a real `huilian up --solo` node, found by the CLI from the network directory alone: customs
// publishes declaration D worth US$100,000; bank A verifies it (Match, 0% financed), enables the exporter and finances
// US$80,000 (apply → accept → review approve → disburse, each by its Table 08-02 clerk); bank B, handed the same
// declaration, verifies it (Match, 80% financed; a typo in the port and a wrong secret are recorded failures) and is
// refused US$30,000 with AmountExceedsUnfinancedBalance, told "80.00% financed" and nothing of bank A or its
// financing; the regulator's analyst sees A's financing and B's alert; A registers a repayment of US$40,000; B is
// refused US$60,000.01 (a second alert) and finances exactly US$60,000 to disbursement; the statisticians' statistics
// (CSV), status reports and the declaration verification-failure statistics (CSV) count all of it, each bank its
// own, the regulator both.
[Collection("processes")]
public sealed class ReceivablesCliScenarioTests
{
    private const string Number = "222020260000012345";
    private const string Secret = "d-secret-0123456789abcdef";
    private const string Declaration = "customs-declaration:" + Number + ":" + Secret;

    [Fact]
    public async Task TheIssueScenarioRunsThroughTheCliOnHuilianUp()
    {
        using var directory = new TemporaryDirectory();
        var dir = directory.Path;
        // Port 0: the node picks its port; the CLI, given only --dir and --as, finds it (nodes/node0/node.url).
        var (node, _) = await HuilianProcess.StartNode("up", "--solo", "--no-seed", "--dir", dir, "--port", "0");
        await using (node)
        {
            async Task<string> Ok(string user, params string[] arguments)
            {
                var result = await HuilianProcess.Run([.. arguments, "--as", user, "--dir", dir]);
                Assert.True(result.ExitCode == 0, $"{string.Join(' ', arguments)} as {user}: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
                return result.Stdout;
            }
            async Task<string> Refused(int exitCode, string user, params string[] arguments)
            {
                var result = await HuilianProcess.Run([.. arguments, "--as", user, "--dir", dir]);
                Assert.True(result.ExitCode == exitCode, $"{string.Join(' ', arguments)} as {user}: expected exit {exitCode}, got {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
                return result.Stdout + result.Stderr;
            }

            // Customs publishes D: US$100,000.00 = 10,000,000 cents.
            var file = directory.Combine("declarations.json");
            File.WriteAllText(file, $$$"""
                [{"type": "customs-declaration", "number": "{{{Number}}}", "secret": "{{{Secret}}}", "value": 10000000, "currency": "USD",
                  "fields": {"owner": "acme", "goods": "8471.30 laptops", "export-date": "2026-11-02", "port": "CNSHA"}}]
                """);
            var published = JsonDocument.Parse(await Ok("customs/publisher", "registry", "publish", file)).RootElement;
            Assert.Equal(Number, published[0].GetProperty("number").GetString());

            string[] VerifyArguments(string secret, string port, string branch) =>
                ["registry", "verify", "--type", "customs-declaration", "--number", Number, "--secret", secret, "--field", "owner=acme", "--field", "port=" + port,
                 "--value", "10000000", "--currency", "USD", "--enterprise", "acme", "--branch", branch];

            // Bank A verifies, enables the exporter and finances US$80,000.
            Assert.StartsWith("Match; financed 0.00%", await Ok("bank-a/proxy", VerifyArguments(Secret, "CNSHA", "pudong")));
            Assert.Contains("enabled enterprise acme", await Ok("bank-a/enabler", "credit", "enable", "--enterprise", "acme"));
            Assert.StartsWith("rf-00000001 is applied; next: accept, cancel",
                await Ok("bank-a/proxy", "receivables", "apply", "--enterprise", "acme", "--currency", "USD", "--document", Declaration + ":8000000", "--branch", "pudong"));
            Assert.StartsWith("rf-00000001 is accepted", await Ok("bank-a/acceptor", "receivables", "accept", "--financing", "rf-00000001"));
            Assert.StartsWith("rf-00000001 is approved", await Ok("bank-a/reviewer", "receivables", "review", "--financing", "rf-00000001", "--decision", "approve"));
            Assert.StartsWith("rf-00000001 is disbursed",
                await Ok("bank-a/disburser", "receivables", "disburse", "--financing", "rf-00000001", "--amount", "8000000", "--value-date", "2026-11-20", "--rate-bp", "425", "--term-days", "90"));

            // Bank B, handed the same declaration: Match, 80% financed; then two failed verifications (a typo, a wrong secret).
            Assert.StartsWith("Match; financed 80.00%", await Ok("bank-b/proxy", VerifyArguments(Secret, "CNSHA", "futian")));
            Assert.StartsWith("FieldMismatch:port;", await Refused(2, "bank-b/proxy", VerifyArguments(Secret, "CNSZX", "futian")));
            Assert.StartsWith("NotFound;", await Refused(2, "bank-b/proxy", VerifyArguments(Secret + "x", "CNSHA", "futian")));
            Assert.Contains("enabled enterprise acme", await Ok("bank-b/enabler", "credit", "enable", "--enterprise", "acme"));
            string[] ApplyB(string claim) => ["receivables", "apply", "--enterprise", "acme", "--currency", "USD", "--document", Declaration + ":" + claim, "--branch", "futian"];
            var refusal = await Refused(1, "bank-b/proxy", ApplyB("3000000"));
            Assert.Contains("AmountExceedsUnfinancedBalance", refusal);
            Assert.Contains("80.00% financed", refusal);
            Assert.Contains("unfinanced balance is 2000000 USD", refusal);
            Assert.DoesNotContain("bank-a", refusal);
            Assert.DoesNotContain("rf-00000001", refusal);

            // The regulator sees both: A's financing and B's refused attempt.
            var report = JsonDocument.Parse(await Ok("regulator/analyst", "receivables", "report")).RootElement.GetProperty("rows");
            Assert.Equal(["rf-00000001:bank-a:disbursed:8000000"], report.EnumerateArray().Select(r =>
                $"{r.GetProperty("id").GetString()}:{r.GetProperty("bank").GetString()}:{r.GetProperty("state").GetString()}:{r.GetProperty("outstandingMinor").GetUInt64()}"));
            var alerts = JsonDocument.Parse(await Ok("regulator/analyst", "receivables", "alerts")).RootElement.GetProperty("alerts");
            var alert = Assert.Single(alerts.EnumerateArray());
            Assert.Equal(("AmountExceedsUnfinancedBalance", "bank-b", "futian", "acme", 3_000_000UL, 8_000_000UL, 10_000_000UL),
                (alert.GetProperty("code").GetString(), alert.GetProperty("bank").GetString(), alert.GetProperty("branch").GetString(), alert.GetProperty("enterprise").GetString(),
                 alert.GetProperty("requestedMinor").GetUInt64(), alert.GetProperty("financedMinor").GetUInt64(), alert.GetProperty("valueMinor").GetUInt64()));
            // Bank A's statistician does not see B's alert.
            Assert.Empty(JsonDocument.Parse(await Ok("bank-a/statistician", "receivables", "alerts")).RootElement.GetProperty("alerts").EnumerateArray());

            // A registers a repayment of US$40,000: D is 40% financed; B may finance up to US$60,000, not a cent more.
            Assert.StartsWith("rf-00000001 is disbursed",
                await Ok("bank-a/repayer", "receivables", "repay", "--financing", "rf-00000001", "--amount", "4000000", "--value-date", "2026-12-20"));
            Assert.Contains("40.00% financed", await Ok("bank-b/proxy", "registry", "show", "--type", "customs-declaration", "--number", Number, "--secret", Secret));
            Assert.Contains("AmountExceedsUnfinancedBalance", await Refused(1, "bank-b/proxy", ApplyB("6000001")));
            Assert.StartsWith("rf-00000002 is applied", await Ok("bank-b/proxy", ApplyB("6000000")));
            Assert.StartsWith("rf-00000002 is accepted", await Ok("bank-b/acceptor", "receivables", "accept", "--financing", "rf-00000002"));
            Assert.StartsWith("rf-00000002 is approved", await Ok("bank-b/reviewer", "receivables", "review", "--financing", "rf-00000002", "--decision", "approve"));
            Assert.StartsWith("rf-00000002 is disbursed",
                await Ok("bank-b/disburser", "receivables", "disburse", "--financing", "rf-00000002", "--amount", "6000000", "--value-date", "2026-12-21", "--rate-bp", "390", "--term-days", "60"));
            Assert.StartsWith("AlreadyFinancedInFull; financed 100.00%", await Refused(2, "bank-a/proxy", VerifyArguments(Secret, "CNSHA", "pudong")));

            // The statisticians' reports, each its own bank; the regulator's, both.
            Assert.Equal(Csv("bank,enterprise,currency,applications,rejected,cancelled,disbursed,disbursedAmountMinor,repaidMinor,outstandingMinor,refusedAttempts",
                    "bank-a,acme,USD,1,0,0,1,8000000,4000000,4000000,0"),
                Lines(await Ok("bank-a/statistician", "receivables", "statistics", "--csv")));
            Assert.Equal(Csv("bank,enterprise,currency,applications,rejected,cancelled,disbursed,disbursedAmountMinor,repaidMinor,outstandingMinor,refusedAttempts",
                    "bank-b,acme,USD,1,0,0,1,6000000,0,6000000,2"),
                Lines(await Ok("bank-b/statistician", "receivables", "statistics", "--csv")));
            Assert.Equal(Csv("bank,enterprise,currency,applications,rejected,cancelled,disbursed,disbursedAmountMinor,repaidMinor,outstandingMinor,refusedAttempts",
                    "bank-a,acme,USD,1,0,0,1,8000000,4000000,4000000,0", "bank-b,acme,USD,1,0,0,1,6000000,0,6000000,2"),
                Lines(await Ok("regulator/analyst", "receivables", "statistics", "--csv")));
            Assert.Equal(Csv("financing,bank,branch,enterprise,state,currency,appliedMinor,disbursedMinor,outstandingMinor,repaidMinor,rateBp,termDays,valueDate,documents,appliedAtHeight"),
                Lines(await Ok("bank-b/statistician", "receivables", "report", "--csv", "--branch", "pudong")));
            var statusB = Lines(await Ok("bank-b/statistician", "receivables", "report", "--csv"));
            Assert.Equal(2, statusB.Length);
            Assert.StartsWith("rf-00000002,bank-b,futian,acme,disbursed,USD,6000000,6000000,6000000,0,390,60,2026-12-21,1,", statusB[1]);
            Assert.Equal(2, JsonDocument.Parse(await Ok("regulator/analyst", "receivables", "alerts", "--bank", "bank-b")).RootElement.GetProperty("alerts").GetArrayLength());

            const string FailuresHeader = "bank,branch,enterprise,verified,failed,notFound,fieldMismatch,alreadyFinancedInFull,otherMismatch";
            Assert.Equal(Csv(FailuresHeader, "bank-a,pudong,acme,2,1,0,0,1,0"), Lines(await Ok("bank-a/statistician", "receivables", "declaration-failures", "--csv")));
            Assert.Equal(Csv(FailuresHeader, "bank-b,futian,acme,3,2,1,1,0,0"), Lines(await Ok("bank-b/statistician", "receivables", "declaration-failures", "--csv")));
            Assert.Equal(Csv(FailuresHeader, "bank-a,pudong,acme,2,1,0,0,1,0", "bank-b,futian,acme,3,2,1,1,0,0"),
                Lines(await Ok("regulator/analyst", "receivables", "declaration-failures", "--csv")));
            Assert.Contains("NotEntitled", await Refused(1, "bank-b/statistician", "receivables", "declaration-failures", "--bank", "bank-a"));
        }
    }

    private static string[] Csv(params string[] lines) => lines;

    /// <summary>Standard output's lines (the harness turns the CSV's CRLF into line breaks).</summary>
    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}

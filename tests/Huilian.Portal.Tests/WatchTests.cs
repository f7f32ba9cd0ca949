using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Huilian.Portal.Tests;

/// <summary>
/// The explorer (blocks, a block, a transaction with its confidential section decrypted only for a recipient and the
/// read logged, validators and their last votes, node and network), the regulator's dashboard, alerts, financings and
/// access log, and the statisticians' reports with filters checked on the server and CSV export — on the seeded demo
/// network (120 financings, bank B's refused double financing, failed declaration verifications).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class WatchTests(PortalFixture portal)
{
    /// <summary>Runs the CLI against the fixture's network and returns what it printed.</summary>
    private async Task<string> Cli(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "huilian.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.ArgumentList.Add("--dir");
        info.ArgumentList.Add(portal.Directory);
        info.ArgumentList.Add("--node");
        info.ArgumentList.Add(portal.Url);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        Assert.True(process.ExitCode == 0, $"huilian {string.Join(' ', arguments)}: {await error}");
        return await output;
    }

    /// <summary>The API's enterprise financing statistics as the CLI prints them (CSV): one dictionary per row.</summary>
    private async Task<IReadOnlyList<Dictionary<string, string>>> Statistics(string user)
    {
        var lines = (await Cli("receivables", "statistics", "--csv", "--as", user)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(line => header.Zip(line.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToArray();
    }

    private static async Task Check(IPage page, string screenshot)
    {
        await PortalFixture.AssertNoMissingText(page);
        await PortalFixture.AssertAccessible(page);
        await PortalFixture.Screenshot(page, screenshot);
    }

    [GeneratedRegex("\\(transaction ([0-9a-f]{64})\\)")]
    private static partial Regex TransactionIdPattern();

    // ---------------------------------------------------------------- explorer

    [Fact]
    public async Task The_explorer_lists_blocks_and_opens_a_block_and_its_transaction_without_signing_in()
    {
        var page = await portal.NewPage("en");
        var response = await page.GotoAsync("/explorer");
        Assert.Equal(200, response!.Status);
        var rows = page.GetByTestId("block-row");
        Assert.True(await rows.CountAsync() is > 0 and <= 20);
        Assert.True(ulong.Parse(await page.GetByTestId("chain-height").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("en")) > 0);
        await Check(page, "explorer-blocks");

        // A block with transactions: the seed's, among the first twenty blocks — seeding starts as the node starts serving,
        // and later blocks may all be empty ones (a solo node commits one a second) after a long test run.
        await page.GotoAsync("/explorer?before=21");
        var withTransactions = rows.Filter(new() { HasNot = page.Locator("td:nth-child(3)", new() { HasTextRegex = new Regex("^0$") }) }).First;
        await withTransactions.Locator("a").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("block-title")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("commit-signatures")).ToContainTextAsync("node0");
        Assert.True(await page.GetByTestId("block-transactions").Locator("tbody tr").CountAsync() > 0);
        await Check(page, "explorer-block");

        await page.GetByTestId("block-transactions").Locator("a").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("tx-title")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("tx-action")).ToContainTextAsync(".");
        await Assertions.Expect(page.GetByTestId("tx-code")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("tx-block")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("tx-payload")).ToBeVisibleAsync();
        await Check(page, "explorer-transaction");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_unknown_block_or_transaction_is_a_clear_not_found_sentence_not_a_blank_page()
    {
        var page = await portal.NewPage("en");
        var response = await page.GotoAsync("/explorer/blocks/987654321");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByTestId("block-not-found")).ToHaveTextAsync("No such block");
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "BlockNotFound");
        await Assertions.Expect(page.GetByTestId("problem")).ToContainTextAsync("The chain has no block at this height.");
        await Check(page, "explorer-block-not-found");

        response = await page.GotoAsync("/explorer/blocks/not-a-height");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByTestId("problem")).ToContainTextAsync("'not-a-height' is not a block height");

        response = await page.GotoAsync("/explorer/tx/" + new string('0', 64));
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByTestId("tx-not-found")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "TransactionNotFound");

        // The search checks what it is given, on the server.
        await page.GotoAsync("/explorer");
        await page.GetByTestId("explorer-search").FillAsync("no such thing");
        var search = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("explorer-search").PressAsync("Enter"), r => r.Url.Contains("q=", StringComparison.Ordinal));
        Assert.Equal(422, search.Status);
        await Assertions.Expect(page.GetByTestId("field-error-q")).ToContainTextAsync("Enter a block height");
        await page.GetByTestId("explorer-search").FillAsync("1");
        await page.GetByTestId("explorer-search").PressAsync("Enter");
        await page.WaitForURLAsync("**/explorer/blocks/1");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Validators_show_their_last_votes_and_the_network_page_the_node()
    {
        var page = await portal.NewPage("en");
        await page.GotoAsync("/explorer/validators");
        var row = page.GetByTestId("validator-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("node0");
        await Assertions.Expect(row.GetByTestId("signed-latest")).ToHaveTextAsync("signed");
        await Assertions.Expect(page.GetByTestId("consensus-round")).ToContainTextAsync("Consensus is at height");
        await Assertions.Expect(page.GetByTestId("no-misbehavior")).ToBeVisibleAsync();
        await Check(page, "explorer-validators");

        await page.GotoAsync("/explorer/network");
        await Assertions.Expect(page.GetByTestId("node-name")).ToHaveTextAsync("node0");
        Assert.True(ulong.Parse(await page.GetByTestId("node-height").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("en")) > 0);
        await Assertions.Expect(page.GetByTestId("peer-summary")).ToContainTextAsync("0 of 0 peers");
        await Check(page, "explorer-network");

        // In Chinese as well.
        var chinese = await portal.NewPage("zh-CN");
        await chinese.GotoAsync("/explorer/validators");
        await Assertions.Expect(chinese.Locator("h1")).ToHaveTextAsync("验证节点");
        await Check(chinese, "explorer-validators-zh");
        await chinese.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_confidential_section_is_decrypted_only_for_a_recipient_and_every_read_is_logged()
    {
        var file = Path.Combine(portal.Directory, "invoice-" + Guid.NewGuid().ToString("N") + ".txt");
        await File.WriteAllTextAsync(file, "Invoice INV-7 " + file);
        var put = await Cli("evidence", "put", file, "--type", "invoice", "--key", portal.KeyPath("acme/treasurer"),
            "--confidential", "Buyer: Hamburg Trading GmbH; USD 250,000.00; due 2027-02-28", "--share-with", "bank-a");
        var id = TransactionIdPattern().Match(put).Groups[1].Value;
        Assert.Equal(64, id.Length);

        // Anyone: the public parts; the section stays encrypted and the page says who may read it.
        var anonymous = await portal.NewPage("en");
        await anonymous.GotoAsync("/explorer/tx/" + id);
        await Assertions.Expect(anonymous.GetByTestId("tx-action")).ToHaveTextAsync("evidence.record");
        await Assertions.Expect(anonymous.GetByTestId("tx-payload")).ToContainTextAsync("encrypted for 3 recipient organisations");
        await Assertions.Expect(anonymous.GetByTestId("confidential-sign-in")).ToBeVisibleAsync();
        Assert.DoesNotContain("Hamburg", await anonymous.ContentAsync(), StringComparison.Ordinal);
        await anonymous.Context.CloseAsync();

        // Bank B is not a recipient: refused on the transaction's page, with the code.
        var bankB = await portal.SignIn("bank-b/reviewer", "en");
        await bankB.GotoAsync("/explorer/tx/" + id);
        await bankB.GetByTestId("confidential-purpose").SelectOptionAsync("financing-review");
        var refused = await bankB.RunAndWaitForResponseAsync(() => bankB.GetByTestId("confidential-read").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(403, refused.Status);
        await Assertions.Expect(bankB.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "NotEntitled");
        await Assertions.Expect(bankB.GetByTestId("tx-action")).ToHaveTextAsync("evidence.record");
        Assert.DoesNotContain("Hamburg", await bankB.ContentAsync(), StringComparison.Ordinal);
        await bankB.Context.CloseAsync();

        // Bank A is: a purpose is required (checked by the portal), then the section is decrypted and the read logged.
        var bankA = await portal.SignIn("bank-a/reviewer", "en");
        await bankA.GotoAsync("/explorer/tx/" + id);
        await Assertions.Expect(bankA.GetByTestId("tx-confidential")).ToContainTextAsync("access log");
        var missing = await bankA.RunAndWaitForResponseAsync(() => bankA.GetByTestId("confidential-read").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, missing.Status);
        await Assertions.Expect(bankA.GetByTestId("field-error-purpose")).ToBeVisibleAsync();
        await bankA.GetByTestId("confidential-purpose").SelectOptionAsync("financing-review");
        await bankA.GetByTestId("confidential-read").ClickAsync();
        await Assertions.Expect(bankA.GetByTestId("confidential-text")).ToHaveTextAsync("Buyer: Hamburg Trading GmbH; USD 250,000.00; due 2027-02-28");
        await Assertions.Expect(bankA.GetByTestId("confidential-logged")).ToContainTextAsync("access log");
        await Check(bankA, "explorer-transaction-confidential");
        await bankA.Context.CloseAsync();

        // The regulator's access log shows both: bank A's read and bank B's refusal.
        var regulator = await portal.SignIn("regulator/analyst", "en");
        await regulator.GotoAsync("/regulator/access-log");
        await Assertions.Expect(regulator.GetByTestId("chain-intact")).ToBeVisibleAsync();
        var entries = regulator.GetByTestId("access-row").Filter(new() { Has = regulator.Locator($"a[href='/explorer/tx/{id}']") });
        await Assertions.Expect(entries.Filter(new() { HasText = "bank-a/reviewer" })).ToContainTextAsync("read");
        await Assertions.Expect(entries.Filter(new() { HasText = "bank-b/reviewer" })).ToContainTextAsync("refused");
        await Check(regulator, "regulator-access-log");
        await regulator.GotoAsync("/regulator/access-log?organisation=Not+An+Id");
        await Assertions.Expect(regulator.GetByTestId("field-error-organisation")).ToBeVisibleAsync();
        await regulator.Context.CloseAsync();
    }

    // ---------------------------------------------------------------- regulator

    [Fact]
    public async Task The_regulators_dashboard_draws_its_charts_with_the_figures_of_the_statistics_API()
    {
        var statistics = await Statistics("regulator/analyst");
        var page = await portal.SignIn("regulator/analyst", "en");
        var response = await page.GotoAsync("/regulator/dashboard");
        Assert.Equal(200, response!.Status);
        foreach (var chart in new[] { "chart-applications", "chart-amounts", "chart-verifications" })
        {
            await Assertions.Expect(page.GetByTestId(chart)).ToHaveAttributeAsync("data-rendered", "true");
            Assert.True(await page.GetByTestId(chart).Locator("svg").CountAsync() > 0, chart + " has no SVG");
            Assert.True(await page.GetByTestId(chart + "-table").Locator("tbody tr").CountAsync() > 0, chart + " has no table");
        }
        var applications = statistics.Sum(r => int.Parse(r["applications"], CultureInfo.InvariantCulture));
        Assert.True(applications >= 120);
        await Assertions.Expect(page.GetByTestId("kpi-applications-receivables")).ToHaveTextAsync(applications.ToString("N0", CultureInfo.GetCultureInfo("en")));
        // Per bank and currency, the dashboard's receivables totals are the statistics' sums.
        foreach (var group in statistics.GroupBy(r => (Bank: r["bank"], Currency: r["currency"])).Where(g => g.Sum(r => int.Parse(r["applications"], CultureInfo.InvariantCulture)) > 0))
        {
            var row = page.Locator($"[data-testid=total-row][data-bank='{group.Key.Bank}'][data-scenario=receivables][data-currency='{group.Key.Currency}']");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-applications", group.Sum(r => int.Parse(r["applications"], CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture));
        }
        var usdDisbursed = statistics.Where(r => r["currency"] == "USD").Sum(r => long.Parse(r["disbursedAmountMinor"], CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("kpi-disbursed-USD")).ToHaveTextAsync("USD " + (usdDisbursed / 100m).ToString("N2", CultureInfo.GetCultureInfo("en")));
        var refused = statistics.Sum(r => int.Parse(r["refusedAttempts"], CultureInfo.InvariantCulture));
        await Assertions.Expect(page.GetByTestId("kpi-alerts")).ToHaveTextAsync(refused.ToString(CultureInfo.InvariantCulture));
        Assert.True(refused >= 1);
        Assert.True(int.Parse(await page.GetByTestId("kpi-failures").InnerTextAsync(), NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("en")) > 0);
        await Check(page, "regulator-dashboard");

        // Filters are checked on the server; by month works too.
        response = await page.GotoAsync("/regulator/dashboard?from=2026-02-30");
        Assert.Equal(422, response!.Status);
        await Assertions.Expect(page.GetByTestId("field-error-from")).ToHaveTextAsync("Enter a date as yyyy-mm-dd, e.g. 2026-11-01.");
        await page.GotoAsync("/regulator/dashboard?period=month&currency=EUR");
        await Assertions.Expect(page.GetByTestId("chart-amounts")).ToHaveAttributeAsync("data-rendered", "true");
        await page.Context.CloseAsync();

        var chinese = await portal.SignIn("regulator/analyst", "zh-CN");
        await chinese.GotoAsync("/regulator/dashboard");
        await Assertions.Expect(chinese.Locator("h1")).ToHaveTextAsync("监管驾驶舱");
        await Assertions.Expect(chinese.GetByTestId("chart-applications")).ToHaveAttributeAsync("data-rendered", "true");
        await Check(chinese, "regulator-dashboard-zh");
        await chinese.Context.CloseAsync();
    }

    [Fact]
    public async Task The_alerts_show_bank_Bs_refused_double_financing_and_drill_down_to_the_financing_record()
    {
        var page = await portal.SignIn("regulator/analyst", "en");
        await page.GotoAsync("/regulator/alerts");
        var alert = page.Locator("[data-testid=alert-row][data-bank='bank-b']").First;
        await Assertions.Expect(alert).ToContainTextAsync("DocumentAlreadyFinancedInFull");
        await Assertions.Expect(alert).ToContainTextAsync("The document was already financed in full.");
        await Check(page, "regulator-alerts");

        // Drill down: the financings holding the document — bank A's, which financed it in full.
        await alert.GetByTestId("alert-financings").ClickAsync();
        await page.WaitForURLAsync(new Regex("/regulator/financings\\?document=[0-9a-f]{64}"));
        var financing = page.GetByTestId("financing-row");
        await Assertions.Expect(financing).ToHaveCountAsync(1);
        await Assertions.Expect(financing).ToHaveAttributeAsync("data-bank", "bank-a");
        await Assertions.Expect(financing.GetByTestId("financing-link")).ToHaveAttributeAsync("href", new Regex("^/financing/receivables/rf-\\d{8}$"));
        await Check(page, "regulator-financings-of-document");
        // The record page itself: the regulator reads any bank's record.
        await financing.GetByTestId("financing-link").ClickAsync();
        await page.WaitForURLAsync(new Regex("/financing/receivables/rf-\\d{8}$"));
        await Assertions.Expect(page.GetByTestId("record-state")).ToBeVisibleAsync();
        await page.GoBackAsync();

        // And the refused transaction itself, in the explorer.
        await page.GoBackAsync();
        await page.Locator("[data-testid=alert-row][data-bank='bank-b']").First.GetByTestId("alert-transaction").ClickAsync();
        await Assertions.Expect(page.GetByTestId("tx-action")).ToHaveTextAsync("receivables.apply");
        await Assertions.Expect(page.GetByTestId("tx-code")).ToHaveTextAsync("DocumentAlreadyFinancedInFull");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_regulator_lists_every_banks_financings_a_page_at_a_time_and_sees_verification_failures_and_regions()
    {
        var page = await portal.SignIn("regulator/analyst", "en");
        await page.GotoAsync("/regulator/financings");
        await Assertions.Expect(page.GetByTestId("financings-total")).ToContainTextAsync("page 1 of");
        await Assertions.Expect(page.GetByTestId("financing-row")).ToHaveCountAsync(50);
        var banks = (await page.GetByTestId("financing-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.bank)")).Distinct().ToArray();
        Assert.True(banks.Length > 1, "one bank only: " + string.Join(",", banks));
        await page.GetByTestId("next-page").ClickAsync();
        await Assertions.Expect(page.GetByTestId("financings-total")).ToContainTextAsync("page 2 of");
        await Check(page, "regulator-financings");
        await page.GotoAsync("/regulator/financings?bank=bank-c&state=disbursed");
        foreach (var bank in await page.GetByTestId("financing-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.bank)"))
        {
            Assert.Equal("bank-c", bank);
        }
        var bad = await page.GotoAsync("/regulator/financings?document=xyz&scenario=nope");
        Assert.Equal(422, bad!.Status);
        await Assertions.Expect(page.GetByTestId("field-error-document")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("field-error-scenario")).ToBeVisibleAsync();

        await page.GotoAsync("/reports/declaration-failures");
        await Assertions.Expect(page.GetByTestId("report-scope")).ToContainTextAsync("Every bank.");
        var failed = await page.GetByTestId("report-row").EvaluateAllAsync<int[]>("rows => rows.map(r => Number(r.dataset.failed))");
        Assert.True(failed.Sum() > 0);
        await Check(page, "regulator-declaration-failures");

        await page.GotoAsync("/reports/statistics");
        Assert.True(await page.GetByTestId("region-row").CountAsync() > 0);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-regions").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("region,bank,currency,applications", csv, StringComparison.Ordinal);
        await Check(page, "regulator-statistics");
        await page.Context.CloseAsync();
    }

    // ---------------------------------------------------------------- statistician

    [Fact]
    public async Task A_bank_statistician_reports_on_its_own_bank_with_filters_checked_on_the_server_and_exports_CSV()
    {
        var page = await portal.SignIn("bank-a/statistician", "en");
        var response = await page.GotoAsync("/reports/statistics");
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.GetByTestId("report-scope")).ToContainTextAsync("Bank bank-a only.");
        var rows = page.GetByTestId("report-row");
        Assert.True(await rows.CountAsync() > 0);
        foreach (var bank in await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.bank)"))
        {
            Assert.Equal("bank-a", bank);
        }
        Assert.Equal(0, await page.GetByTestId("filter-bank").CountAsync());
        Assert.Equal(0, await page.GetByTestId("region-row").CountAsync());
        await Check(page, "reports-statistics-bank-a");

        // A bad date: a field error from the server (422), and no report.
        await page.GetByTestId("filter-from").FillAsync("2026-13-01");
        await page.GetByTestId("filter-until").FillAsync("yesterday");
        var bad = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("filter-apply").ClickAsync(), r => r.Url.Contains("from=", StringComparison.Ordinal));
        Assert.Equal(422, bad.Status);
        await Assertions.Expect(page.GetByTestId("field-error-from")).ToHaveTextAsync("Enter a date as yyyy-mm-dd, e.g. 2026-11-01.");
        await Assertions.Expect(page.GetByTestId("field-error-until")).ToBeVisibleAsync();
        Assert.Equal(0, await page.GetByTestId("report-row").CountAsync());
        await PortalFixture.Screenshot(page, "reports-statistics-bad-date");
        response = await page.GotoAsync("/reports/statistics?from=2026-12-01&until=2026-11-01");
        Assert.Equal(422, response!.Status);
        await Assertions.Expect(page.GetByTestId("field-error-until")).ToHaveTextAsync("The end of the period must come after its start.");

        // A period that holds everything, then the CSV: bank A's rows only, the API's header first.
        await page.GotoAsync("/reports/statistics?from=2000-01-01&until=2100-01-01");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-export").ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("bank,enterprise,currency,applications,rejected,cancelled,disbursed,disbursedAmountMinor,repaidMinor,outstandingMinor,refusedAttempts", lines[0]);
        Assert.True(lines.Length > 1);
        Assert.All(lines.Skip(1), line => Assert.StartsWith("bank-a,", line, StringComparison.Ordinal));
        var own = await Statistics("bank-a/statistician");
        Assert.Equal(own.Count, lines.Length - 1);

        await page.GotoAsync("/reports/status");
        Assert.True(await page.GetByTestId("report-row").CountAsync() > 0);
        foreach (var bank in await page.GetByTestId("report-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.bank)"))
        {
            Assert.Equal("bank-a", bank);
        }
        await Check(page, "reports-status-bank-a");
        download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-export").ClickAsync());
        Assert.StartsWith("financing,bank,branch,enterprise,state", await File.ReadAllTextAsync((await download.PathAsync())!), StringComparison.Ordinal);

        await page.GotoAsync("/reports/declaration-failures");
        foreach (var bank in await page.GetByTestId("report-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.bank)"))
        {
            Assert.Equal("bank-a", bank);
        }
        await Check(page, "reports-declaration-failures-bank-a");

        // Another bank's figures by URL: the portal asks only for its own bank (no bank filter is sent).
        await page.GotoAsync("/reports/statistics?bank=bank-b");
        await Assertions.Expect(page.GetByTestId("report-scope")).ToContainTextAsync("Bank bank-a only.");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/regulator/dashboard")]
    [InlineData("/regulator/alerts")]
    [InlineData("/regulator/financings")]
    [InlineData("/regulator/access-log")]
    public async Task A_bank_statistician_is_refused_the_regulators_pages(string path)
    {
        var page = await portal.SignIn("bank-a/statistician", "en");
        var response = await page.GotoAsync(path);
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "NotEntitled");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Not available to you");
        if (path == "/regulator/dashboard")
        {
            await Check(page, "regulator-dashboard-refused");
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_clerk_without_a_reporting_role_is_refused_the_reports()
    {
        var page = await portal.SignIn("bank-a/acceptor", "en");
        var response = await page.GotoAsync("/reports/statistics");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "NotEntitled");
        await page.Context.CloseAsync();
    }
}

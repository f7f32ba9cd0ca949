using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Huilian.Portal.Tests;

/// <summary>
/// The bank's financing workspace in the browser: the whole export receivables lifecycle through the pages, each step by
/// its Table 08-02 clerk (apply → accept → review → disburse → repay in full), a refused double financing, the
/// application's and the steps' server-side checks, and another bank's financing opened by URL.
/// </summary>
[Collection(WorkCollection.Name)]
public sealed partial class FinancingWorkspaceTests(PortalFixture portal)
{
    [GeneratedRegex(@"/financing/receivables/(rf-\d{8})$")]
    private static partial Regex RecordUrl();

    private static async Task Check(IPage page, string screenshot)
    {
        await PortalFixture.AssertNoMissingText(page);
        await PortalFixture.AssertAccessible(page);
        await PortalFixture.Screenshot(page, screenshot);
    }

    private static async Task FillApplication(IPage page, string enterprise, string currency, DemoDocument document, string claim)
    {
        await page.GotoAsync("/financing/receivables/apply");
        await page.GetByTestId("apply-enterprise").SelectOptionAsync(enterprise);
        await page.GetByTestId("apply-currency").FillAsync(currency);
        await page.GetByTestId("doc0-type").SelectOptionAsync(document.Type);
        await page.GetByTestId("doc0-number").FillAsync(document.Number);
        await page.GetByTestId("doc0-secret").FillAsync(document.Secret);
        await page.GetByTestId("doc0-claim").FillAsync(claim);
    }

    private async Task<IPage> AtRecord(string user, string id)
    {
        var page = await portal.SignIn(user, "en");
        await page.GotoAsync("/financing/receivables/" + id);
        return page;
    }

    [Fact]
    public async Task The_whole_export_receivables_lifecycle_through_the_pages()
    {
        var document = DemoDocument.Unfinanced(portal, 0);

        // The proxy-application clerk applies on the enterprise's behalf.
        var proxy = await portal.SignIn("bank-c/proxy", "en");
        await FillApplication(proxy, document.Owner, "USD", document, document.ValueTyped);
        await proxy.GetByTestId("apply-branch").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        var branch = await proxy.GetByTestId("apply-branch").InputValueAsync();
        Assert.NotEqual("", branch);
        await Check(proxy, "financing-apply");
        await proxy.GetByTestId("apply-submit").ClickAsync();
        await proxy.WaitForURLAsync(RecordUrl());
        var id = RecordUrl().Match(proxy.Url).Groups[1].Value;
        await Assertions.Expect(proxy.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "applied");
        await Assertions.Expect(proxy.GetByTestId("notice")).ToContainTextAsync(id);
        await Assertions.Expect(proxy.GetByTestId("record-facts")).ToContainTextAsync(branch);
        await Assertions.Expect(proxy.GetByTestId("record-applied")).ToHaveTextAsync("USD " + (document.ValueMinor / 100m).ToString("N2", System.Globalization.CultureInfo.GetCultureInfo("en")));
        await Check(proxy, "financing-record-applied");
        await proxy.Context.CloseAsync();

        // The acceptance clerk finds it in the queue to accept, opens it and accepts.
        var acceptor = await portal.SignIn("bank-c/acceptor", "en");
        await acceptor.GotoAsync("/financing/receivables/queue/accept");
        await Assertions.Expect(acceptor.GetByTestId("queue-row-" + id)).ToBeVisibleAsync();
        await Check(acceptor, "financing-queue-accept");
        await acceptor.GetByTestId("open-" + id).ClickAsync();
        await acceptor.GetByTestId("do-accept").ClickAsync();
        await Assertions.Expect(acceptor.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "accepted");
        await acceptor.Context.CloseAsync();

        // The review clerk approves, from the queue to review.
        var reviewer = await portal.SignIn("bank-c/reviewer", "en");
        await reviewer.GotoAsync("/financing/receivables/queue/review");
        await reviewer.GetByTestId("open-" + id).ClickAsync();
        await Check(reviewer, "financing-record-review");
        await reviewer.GetByTestId("decision-approve").CheckAsync();
        await reviewer.GetByTestId("do-review").ClickAsync();
        await Assertions.Expect(reviewer.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "approved");
        await reviewer.Context.CloseAsync();

        // The disbursement clerk registers the disbursement: amount, value date, rate, term.
        var disburser = await AtRecord("bank-c/disburser", id);
        await disburser.GetByTestId("disburse-amount").FillAsync(document.ValueTyped);
        await disburser.GetByTestId("disburse-value-date").FillAsync("2026-12-01");
        await disburser.GetByTestId("disburse-rate").FillAsync("4.25");
        await disburser.GetByTestId("disburse-term").FillAsync("90");
        await disburser.GetByTestId("do-disburse").ClickAsync();
        await Assertions.Expect(disburser.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "disbursed");
        await Assertions.Expect(disburser.GetByTestId("record-outstanding")).ToHaveTextAsync(await disburser.GetByTestId("record-applied").TextContentAsync() ?? "");
        await Check(disburser, "financing-record-disbursed");
        await disburser.Context.CloseAsync();

        // The repayment clerk registers repayment in full: the financing is closed.
        var repayer = await AtRecord("bank-c/repayer", id);
        await repayer.GetByTestId("repay-amount").FillAsync(document.ValueTyped);
        await repayer.GetByTestId("repay-value-date").FillAsync("2027-03-01");
        await repayer.GetByTestId("do-repay").ClickAsync();
        await Assertions.Expect(repayer.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "repaid");
        await Assertions.Expect(repayer.GetByTestId("record-outstanding")).ToHaveTextAsync("USD 0.00");
        await Assertions.Expect(repayer.GetByTestId("no-actions")).ToBeVisibleAsync();
        // The history shows every step with who did it.
        foreach (var (action, user) in new[] { ("apply", "bank-c/proxy"), ("accept", "bank-c/acceptor"), ("review", "bank-c/reviewer"), ("disburse", "bank-c/disburser"), ("repay", "bank-c/repayer") })
        {
            await Assertions.Expect(repayer.GetByTestId("history-" + action)).ToContainTextAsync(user);
        }
        await Check(repayer, "financing-record-repaid");
        await repayer.Context.CloseAsync();
    }

    private async Task<string> Applied(DemoDocument document, string claim)
    {
        var proxy = await portal.SignIn("bank-c/proxy", "en");
        await FillApplication(proxy, document.Owner, "USD", document, claim);
        await proxy.GetByTestId("apply-submit").ClickAsync();
        await proxy.WaitForURLAsync(RecordUrl());
        var id = RecordUrl().Match(proxy.Url).Groups[1].Value;
        await proxy.Context.CloseAsync();
        return id;
    }

    private async Task Step(string user, string id, Func<IPage, Task> act, string expectedState)
    {
        var page = await AtRecord(user, id);
        await act(page);
        await Assertions.Expect(page.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", expectedState);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_financing_is_cancelled_with_a_reason_rejected_with_a_reason_and_partly_repaid()
    {
        // Cancel: the reason is required.
        var cancelled = await Applied(DemoDocument.Unfinanced(portal, 3), "500.00");
        var proxy = await AtRecord("bank-c/proxy", cancelled);
        var response = await proxy.RunAndWaitForResponseAsync(() => proxy.GetByTestId("do-cancel").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(proxy.GetByTestId("field-error-cancelReason")).ToHaveTextAsync("Give the reason.");
        await proxy.GetByTestId("cancel-reason").FillAsync("The enterprise withdrew its request.");
        await proxy.GetByTestId("do-cancel").ClickAsync();
        await Assertions.Expect(proxy.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "cancelled");
        await Assertions.Expect(proxy.GetByTestId("record-facts")).ToContainTextAsync("The enterprise withdrew its request.");
        await Assertions.Expect(proxy.GetByTestId("history-cancel")).ToContainTextAsync("bank-c/proxy");
        await proxy.Context.CloseAsync();

        // Reject, with its reason.
        var rejected = await Applied(DemoDocument.Unfinanced(portal, 4), "600.00");
        await Step("bank-c/acceptor", rejected, page => page.GetByTestId("do-accept").ClickAsync(), "accepted");
        await Step("bank-c/reviewer", rejected, async page =>
        {
            await page.GetByTestId("decision-reject").CheckAsync();
            await page.GetByTestId("review-reason").FillAsync("Insufficient collateral.");
            await page.GetByTestId("do-review").ClickAsync();
        }, "rejected");

        // A partial repayment leaves it disbursed with the rest outstanding; more than outstanding is refused.
        var repaid = await Applied(DemoDocument.Unfinanced(portal, 5), "1000.00");
        await Step("bank-c/acceptor", repaid, page => page.GetByTestId("do-accept").ClickAsync(), "accepted");
        await Step("bank-c/reviewer", repaid, async page =>
        {
            await page.GetByTestId("decision-approve").CheckAsync();
            await page.GetByTestId("do-review").ClickAsync();
        }, "approved");
        await Step("bank-c/disburser", repaid, async page =>
        {
            await page.GetByTestId("disburse-amount").FillAsync("800");
            await page.GetByTestId("disburse-value-date").FillAsync("2026-12-01");
            await page.GetByTestId("disburse-rate").FillAsync("3.5");
            await page.GetByTestId("disburse-term").FillAsync("60");
            await page.GetByTestId("do-disburse").ClickAsync();
        }, "disbursed");
        var repayer = await AtRecord("bank-c/repayer", repaid);
        await repayer.GetByTestId("repay-amount").FillAsync("300.00");
        await repayer.GetByTestId("repay-value-date").FillAsync("2027-01-15");
        await repayer.GetByTestId("do-repay").ClickAsync();
        await Assertions.Expect(repayer.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "disbursed");
        await Assertions.Expect(repayer.GetByTestId("record-outstanding")).ToHaveTextAsync("USD 500.00");
        await repayer.GetByTestId("repay-amount").FillAsync("500.01");
        await repayer.GetByTestId("repay-value-date").FillAsync("2027-01-16");
        await repayer.GetByTestId("do-repay").ClickAsync();
        await Assertions.Expect(repayer.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "RepaymentExceedsOutstanding");
        await Assertions.Expect(repayer.GetByTestId("repay-amount")).ToHaveValueAsync("500.01");
        // A date the browser's date field would not send: the server refuses it too.
        await repayer.GetByTestId("repay-value-date").EvaluateAsync("e => { e.type = 'text'; e.value = '16/01/2027'; }");
        await repayer.GetByTestId("repay-amount").FillAsync("500.00");
        await repayer.GetByTestId("do-repay").ClickAsync();
        await Assertions.Expect(repayer.GetByTestId("field-error-valueDate")).ToHaveTextAsync("The value date is a date, yyyy-mm-dd.");
        await Assertions.Expect(repayer.GetByTestId("record-outstanding")).ToHaveTextAsync("USD 500.00");
        await Check(repayer, "financing-record-partly-repaid");
        await repayer.Context.CloseAsync();
    }

    [Fact]
    public async Task A_document_financed_in_full_is_refused_with_the_guards_sentence_and_code()
    {
        // Bank A financed declaration 5 in full (demo seed); bank C is handed it again.
        var financed = DemoDocument.Read(portal).Single(d => d.Type == "customs-declaration" && d.Number == "222020260000000005");
        var proxy = await portal.SignIn("bank-c/proxy", "en");
        await FillApplication(proxy, financed.Owner, financed.Currency, financed, "1000.00");
        var response = await proxy.RunAndWaitForResponseAsync(() => proxy.GetByTestId("apply-submit").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(proxy.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "DocumentAlreadyFinancedInFull");
        await Assertions.Expect(proxy.GetByTestId("problem")).ToContainTextAsync("already financed in full");
        // What was typed is still there to correct.
        await Assertions.Expect(proxy.GetByTestId("doc0-number")).ToHaveValueAsync(financed.Number);
        await Check(proxy, "financing-apply-refused-duplicate");
        await proxy.Context.CloseAsync();
    }

    [Fact]
    public async Task The_application_checks_every_field_on_the_server()
    {
        var document = DemoDocument.Unfinanced(portal, 1);
        var proxy = await portal.SignIn("bank-c/proxy", "en");

        // Nothing filled in.
        await proxy.GotoAsync("/financing/receivables/apply");
        var response = await proxy.RunAndWaitForResponseAsync(() => proxy.GetByTestId("apply-submit").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(proxy.GetByTestId("field-error-enterprise")).ToHaveTextAsync("Choose the enterprise.");
        await Assertions.Expect(proxy.GetByTestId("field-error-currency")).ToHaveTextAsync("Enter the currency, e.g. USD.");
        await Assertions.Expect(proxy.GetByTestId("field-error-doc0-number")).ToHaveTextAsync("Enter at least one document.");

        // A malformed amount, and a secret too short.
        await FillApplication(proxy, document.Owner, "USD", document, "12,3x");
        await proxy.GetByTestId("doc0-secret").FillAsync("short");
        await proxy.GetByTestId("apply-submit").ClickAsync();
        await Assertions.Expect(proxy.GetByTestId("field-error-doc0-claim")).ToHaveTextAsync("The amount is not a number.");
        await Assertions.Expect(proxy.GetByTestId("field-error-doc0-secret")).ToContainTextAsync("16 to 128 characters");

        // Too many decimals for the currency.
        await FillApplication(proxy, document.Owner, "USD", document, "100.123");
        await proxy.GetByTestId("apply-submit").ClickAsync();
        await Assertions.Expect(proxy.GetByTestId("field-error-doc0-claim")).ToHaveTextAsync("The amount has more decimals than the currency allows.");

        // The wrong currency: the declaration is in USD.
        await FillApplication(proxy, document.Owner, "EUR", document, "100.00");
        await proxy.GetByTestId("apply-submit").ClickAsync();
        await Assertions.Expect(proxy.GetByTestId("field-error-doc0-claim")).ToContainTextAsync("not in this currency");
        await Assertions.Expect(proxy.GetByTestId("field-error-currency")).ToContainTextAsync("not in this currency");

        // A malformed currency and a wrong secret (no such document).
        await FillApplication(proxy, document.Owner, "US", document, "100.00");
        await proxy.GetByTestId("apply-submit").ClickAsync();
        await Assertions.Expect(proxy.GetByTestId("field-error-currency")).ToContainTextAsync("three capital letters");
        await FillApplication(proxy, document.Owner, "USD", document with { Secret = document.Secret + "-wrong" }, "100.00");
        await proxy.GetByTestId("apply-submit").ClickAsync();
        await Assertions.Expect(proxy.GetByTestId("field-error-doc0-number")).ToContainTextAsync("No document with this type, number and secret");
        await Check(proxy, "financing-apply-field-errors");
        await proxy.Context.CloseAsync();
    }

    [Fact]
    public async Task The_steps_check_their_fields_and_the_node_refuses_what_breaks_the_rules()
    {
        // A seeded approved financing of bank C (plan: index 2 of each bank is approved).
        var disburser = await portal.SignIn("bank-c/disburser", "en");
        await disburser.GotoAsync("/financing/receivables/queue/disburse");
        var first = disburser.Locator("[data-testid^='open-rf-']").First;
        var id = (await first.TextContentAsync())!.Trim();
        await first.ClickAsync();
        await Assertions.Expect(disburser.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "approved");

        var response = await disburser.RunAndWaitForResponseAsync(() => disburser.GetByTestId("do-disburse").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(disburser.GetByTestId("field-error-amount")).ToHaveTextAsync("Enter an amount.");
        await Assertions.Expect(disburser.GetByTestId("field-error-valueDate")).ToHaveTextAsync("Enter the value date.");
        await Assertions.Expect(disburser.GetByTestId("field-error-rate")).ToHaveTextAsync("Enter the rate.");
        await Assertions.Expect(disburser.GetByTestId("field-error-term")).ToHaveTextAsync("Enter the term in days.");

        await disburser.GetByTestId("disburse-amount").FillAsync("1.001");
        await disburser.GetByTestId("disburse-value-date").FillAsync("2026-12-01");
        await disburser.GetByTestId("disburse-rate").FillAsync("4.255");
        await disburser.GetByTestId("disburse-term").FillAsync("0");
        await disburser.GetByTestId("do-disburse").ClickAsync();
        await Assertions.Expect(disburser.GetByTestId("field-error-amount")).ToHaveTextAsync("The amount has more decimals than the currency allows.");
        await Assertions.Expect(disburser.GetByTestId("field-error-rate")).ToContainTextAsync("at most two decimals");
        await Assertions.Expect(disburser.GetByTestId("field-error-term")).ToContainTextAsync("1 to 3660");

        // More than the application: the node refuses, and the page says so with the code.
        await disburser.GetByTestId("disburse-amount").FillAsync("99999999.00");
        await disburser.GetByTestId("disburse-rate").FillAsync("4.25");
        await disburser.GetByTestId("disburse-term").FillAsync("90");
        await disburser.GetByTestId("do-disburse").ClickAsync();
        await Assertions.Expect(disburser.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "AmountExceedsApplication");
        await Assertions.Expect(disburser.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "approved");
        await Check(disburser, "financing-record-step-errors");
        await disburser.Context.CloseAsync();

        // The review clerk must give a reason to reject (a financing accepted in the seed).
        var reviewer = await portal.SignIn("bank-c/reviewer", "en");
        await reviewer.GotoAsync("/financing/receivables/queue/review");
        await reviewer.Locator("[data-testid^='open-rf-']").First.ClickAsync();
        await reviewer.GetByTestId("decision-reject").CheckAsync();
        await reviewer.GetByTestId("do-review").ClickAsync();
        await Assertions.Expect(reviewer.GetByTestId("field-error-reviewReason")).ToHaveTextAsync("Give the reason.");
        await Assertions.Expect(reviewer.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "accepted");
        await reviewer.Context.CloseAsync();
        Assert.StartsWith("rf-", id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_banks_financing_by_URL_is_refused_not_blank()
    {
        // rf-00000001 is bank A's first financing (demo seed); bank C's clerk opens it by URL.
        var page = await portal.SignIn("bank-c/acceptor", "en");
        var response = await page.GotoAsync("/financing/receivables/rf-00000001");
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "FinancingNotFound");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Not available to you");
        // Bank A's own clerk sees it.
        var own = await portal.SignIn("bank-a/acceptor", "en");
        var ok = await own.GotoAsync("/financing/receivables/rf-00000001");
        Assert.Equal(200, ok!.Status);
        await Assertions.Expect(own.GetByTestId("record-state")).ToBeVisibleAsync();
        // An unknown process and an unknown queue are refused too.
        Assert.Equal(404, (await page.GotoAsync("/financing/no-such-process/queue/accept"))!.Status);
        Assert.Equal(404, (await page.GotoAsync("/financing/receivables/queue/no-such-step"))!.Status);
        await Check(page, "financing-refused-other-bank");
        await page.Context.CloseAsync();
        await own.Context.CloseAsync();
    }

    [Fact]
    public async Task Policy_financing_has_the_same_pages()
    {
        var page = await portal.SignIn("bank-a/proxy", "en");
        var response = await page.GotoAsync("/financing/policy-financing/apply");
        if (response!.Status == 403)
        {
            // The demo proxy clerk may not hold the policy-financing role; then the page is refused, not blank.
            await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "NotEntitled");
        }
        else
        {
            Assert.Equal(200, response.Status);
            await Assertions.Expect(page.GetByTestId("doc0-type").Locator("option[value='credit-insurance-policy']")).ToHaveCountAsync(1);
        }
        await page.Context.CloseAsync();
    }
}

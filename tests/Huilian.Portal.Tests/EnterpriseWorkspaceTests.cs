using Microsoft.Playwright;

namespace Huilian.Portal.Tests;

/// <summary>
/// The enterprise's workspace (its documents, its financings, its credit-information grants) and the bank's credit and
/// branch pages, in the browser: an enterprise grants a bank read access, the bank queries under it, the enterprise
/// sees who read what and revokes; a bank's enabling clerk disables and enables an enterprise; a branch clerk records a
/// branch. Bad input on each form.
/// </summary>
[Collection(WorkCollection.Name)]
public sealed class EnterpriseWorkspaceTests(PortalFixture portal)
{
    private static async Task Check(IPage page, string screenshot)
    {
        await PortalFixture.AssertNoMissingText(page);
        await PortalFixture.AssertAccessible(page);
        await PortalFixture.Screenshot(page, screenshot);
    }

    [Fact]
    public async Task An_enterprise_grants_a_bank_sees_its_query_and_revokes()
    {
        var treasurer = await portal.SignIn("yangtze-solar/treasurer", "en");
        await treasurer.GotoAsync("/enterprise/grants");
        await Check(treasurer, "enterprise-grants");

        // Bad input: no bank, days out of range.
        await treasurer.GetByTestId("grant-days").FillAsync("400");
        var response = await treasurer.RunAndWaitForResponseAsync(() => treasurer.GetByTestId("grant-submit").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(treasurer.GetByTestId("field-error-bank")).ToHaveTextAsync("Choose the bank.");
        await Assertions.Expect(treasurer.GetByTestId("field-error-days")).ToContainTextAsync("1 to 366");

        await treasurer.GetByTestId("grant-bank").SelectOptionAsync("bank-c");
        await treasurer.GetByTestId("grant-days").FillAsync("30");
        await treasurer.GetByTestId("grant-submit").ClickAsync();
        await Assertions.Expect(treasurer.GetByTestId("notice")).ToContainTextAsync("bank-c may read your credit information for 30 days");
        await Assertions.Expect(treasurer.GetByTestId("grant-row-bank-c")).ToHaveAttributeAsync("data-grant", "active");

        // The bank queries under the grant.
        var reviewer = await portal.SignIn("bank-c/reviewer", "en");
        await reviewer.GotoAsync("/credit/query");
        await reviewer.GetByTestId("query-submit").ClickAsync();
        await Assertions.Expect(reviewer.GetByTestId("field-error-enterprise")).ToHaveTextAsync("Choose the enterprise.");
        await Assertions.Expect(reviewer.GetByTestId("field-error-purpose")).ToHaveTextAsync("Choose the purpose.");
        await reviewer.GetByTestId("query-enterprise").SelectOptionAsync("yangtze-solar");
        await reviewer.GetByTestId("query-purpose").SelectOptionAsync("credit-review");
        await reviewer.GetByTestId("query-submit").ClickAsync();
        await Assertions.Expect(reviewer.GetByTestId("query-done")).ToContainTextAsync("yangtze-solar");
        await Check(reviewer, "credit-query");

        // The enterprise sees who read what, and revokes.
        await treasurer.GotoAsync("/enterprise/grants");
        await Assertions.Expect(treasurer.GetByTestId("query-log")).ToContainTextAsync("bank-c/reviewer");
        await Assertions.Expect(treasurer.GetByTestId("query-log")).ToContainTextAsync("Credit review");
        await treasurer.GetByTestId("revoke-bank-c").ClickAsync();
        await Assertions.Expect(treasurer.GetByTestId("notice")).ToContainTextAsync("Your grant to bank-c is revoked.");
        await Assertions.Expect(treasurer.GetByTestId("grant-row-bank-c")).Not.ToHaveAttributeAsync("data-grant", "active");
        await Check(treasurer, "enterprise-grants-revoked");

        // A query after the revocation is refused with the node's code.
        await reviewer.GotoAsync("/credit/query");
        await reviewer.GetByTestId("query-enterprise").SelectOptionAsync("yangtze-solar");
        await reviewer.GetByTestId("query-purpose").SelectOptionAsync("credit-review");
        await reviewer.GetByTestId("query-submit").ClickAsync();
        await Assertions.Expect(reviewer.GetByTestId("problem")).ToHaveAttributeAsync("data-code", new System.Text.RegularExpressions.Regex("^Grant(Revoked|NotFound|Expired)$"));
        await reviewer.Context.CloseAsync();
        await treasurer.Context.CloseAsync();
    }

    [Fact]
    public async Task An_enterprise_sees_its_financings_and_its_documents_as_far_as_the_ledger_shows_them()
    {
        var page = await portal.SignIn("acme/treasurer", "en");
        await page.GotoAsync("/enterprise/financings");
        await Assertions.Expect(page.GetByTestId("financings-list")).ToBeVisibleAsync();
        await Check(page, "enterprise-financings");
        var banks = await page.Locator("[data-testid='financings-list'] tbody td:nth-child(2)").AllTextContentsAsync();
        Assert.True(banks.Distinct().Count() > 1, "acme's financings are at several banks");
        // An enterprise opens its own financing's record (read only: no steps).
        await page.Locator("[data-testid='financings-list'] tbody a").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("record-state")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("[data-testid^='do-']").CountAsync());

        await page.GotoAsync("/enterprise/documents");
        await Assertions.Expect(page.GetByTestId("documents-not-indexed")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("claimed-documents")).ToBeVisibleAsync();
        var mine = DemoDocument.Read(portal).First(d => d.Owner == "acme" && d.Type == "customs-declaration");
        await page.GetByTestId("lookup-type").SelectOptionAsync(mine.Type);
        await page.GetByTestId("lookup-number").FillAsync(mine.Number);
        await page.GetByTestId("lookup-secret").FillAsync(mine.Secret);
        await page.GetByTestId("lookup-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("document-found")).ToContainTextAsync(mine.Currency);
        await Check(page, "enterprise-documents");
        await page.GetByTestId("lookup-secret").FillAsync(mine.Secret + "x");
        await page.GetByTestId("lookup-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "DocumentNotFound");
        await page.GetByTestId("lookup-secret").FillAsync("");
        await page.GetByTestId("lookup-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-error-secret")).ToBeVisibleAsync();

        // Another enterprise's record by URL: not found, refused.
        var other = DemoDocument.Read(portal).First(d => d.Owner != "acme" && d.SeededFinancing.StartsWith("rf-", StringComparison.Ordinal));
        var id = other.SeededFinancing.Split(' ')[0];
        Assert.Equal(404, (await page.GotoAsync("/financing/receivables/" + id))!.Status);
        // A bank's page is not an enterprise's.
        Assert.Equal(403, (await page.GotoAsync("/financing/receivables/queue/accept"))!.Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_banks_enabling_clerk_disables_and_enables_an_enterprise()
    {
        var page = await portal.SignIn("bank-b/enabler", "en");
        await page.GotoAsync("/credit/enabling");
        await Assertions.Expect(page.GetByTestId("enabling-row-huaxia-textiles")).ToHaveAttributeAsync("data-enabled", "yes");
        await Check(page, "credit-enabling");
        await page.GetByTestId("disable-huaxia-textiles").ClickAsync();
        await Assertions.Expect(page.GetByTestId("enabling-row-huaxia-textiles")).ToHaveAttributeAsync("data-enabled", "no");
        await page.GetByTestId("enable-huaxia-textiles").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("huaxia-textiles is enabled");
        await Assertions.Expect(page.GetByTestId("enabling-row-huaxia-textiles")).ToHaveAttributeAsync("data-enabled", "yes");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_branch_clerk_records_a_branch_and_bad_region_codes_are_refused()
    {
        var page = await portal.SignIn("bank-c/branches", "en");
        await page.GotoAsync("/matching/branches");
        await Check(page, "matching-branches");
        await page.GetByTestId("branch-id").FillAsync("Bad Id");
        await page.GetByTestId("branch-region").FillAsync("31011");
        var response = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("branch-submit").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(page.GetByTestId("field-error-branch")).ToContainTextAsync("starts with a letter");
        await Assertions.Expect(page.GetByTestId("field-error-name")).ToHaveTextAsync("Enter the branch's name.");
        await Assertions.Expect(page.GetByTestId("field-error-region")).ToContainTextAsync("six digits");

        await page.GetByTestId("branch-id").FillAsync("pudong-test");
        await page.GetByTestId("branch-name").FillAsync("Pudong test branch");
        await page.GetByTestId("branch-region").FillAsync("310115");
        await page.GetByTestId("branch-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("branch-row-pudong-test")).ToContainTextAsync("310115");
        await page.Context.CloseAsync();
    }
}

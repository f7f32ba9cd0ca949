using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace Huilian.Portal.Tests;

/// <summary>
/// The registry's pages in the browser: a bank clerk verifies documents (each outcome as a sentence); a publisher
/// publishes one document, uploads a CSV batch and sees what it published; uploads of the wrong type, too large, or
/// with malformed rows are refused with nothing published.
/// </summary>
[Collection(WorkCollection.Name)]
public sealed class RegistryWorkspaceTests(PortalFixture portal)
{
    private static async Task Check(IPage page, string screenshot)
    {
        await PortalFixture.AssertNoMissingText(page);
        await PortalFixture.AssertAccessible(page);
        await PortalFixture.Screenshot(page, screenshot);
    }

    /// <summary>A document number no other test uses.</summary>
    private static string NewNumber() => "9" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + Random.Shared.Next(100, 999).ToString(CultureInfo.InvariantCulture);

    private static async Task Verify(IPage page, DemoDocument document, string owner, string? secret = null)
    {
        await page.GotoAsync("/registry/verify");
        await page.GetByTestId("verify-type").SelectOptionAsync(document.Type);
        await page.GetByTestId("verify-number").FillAsync(document.Number);
        await page.GetByTestId("verify-secret").FillAsync(secret ?? document.Secret);
        await page.GetByTestId("verify-owner").FillAsync(owner);
        await page.GetByTestId("verify-enterprise").SelectOptionAsync(document.Owner);
        await page.GetByTestId("verify-branch").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.GetByTestId("verify-value").FillAsync(document.ValueTyped);
        await page.GetByTestId("verify-currency").FillAsync(document.Currency);
        await page.GetByTestId("verify-submit").ClickAsync();
    }

    [Fact]
    public async Task A_bank_clerk_verifies_documents_and_reads_each_outcome_as_a_sentence()
    {
        var document = DemoDocument.Unfinanced(portal, 2);
        var page = await portal.SignIn("bank-b/proxy", "en");
        await Verify(page, document, document.Owner);
        await Assertions.Expect(page.GetByTestId("verify-outcome")).ToHaveAttributeAsync("data-outcome", "Match");
        await Assertions.Expect(page.GetByTestId("verify-outcome")).ToContainTextAsync("everything claimed matches");
        await Check(page, "registry-verify-match");

        await Verify(page, document, "someone-else");
        await Assertions.Expect(page.GetByTestId("verify-outcome")).ToHaveAttributeAsync("data-outcome", "FieldMismatch:owner");
        await Assertions.Expect(page.GetByTestId("verify-outcome")).ToContainTextAsync("the claimed Owner differs");

        await Verify(page, document, document.Owner, document.Secret + "x");
        await Assertions.Expect(page.GetByTestId("verify-outcome")).ToHaveAttributeAsync("data-outcome", "NotFound");

        var financed = DemoDocument.Read(portal).Single(d => d.Type == "customs-declaration" && d.Number == "222020260000000005");
        await Verify(page, financed, financed.Owner);
        await Assertions.Expect(page.GetByTestId("verify-outcome")).ToHaveAttributeAsync("data-outcome", "AlreadyFinancedInFull");
        await Check(page, "registry-verify-financed");

        // Missing and malformed fields are the page's, before anything is sent.
        await page.GotoAsync("/registry/verify");
        await page.GetByTestId("verify-value").FillAsync("10.5");
        await page.GetByTestId("verify-fields").FillAsync("colour=red");
        var response = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("verify-submit").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(page.GetByTestId("field-error-number")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("field-error-secret")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("field-error-currency")).ToHaveTextAsync("Give the currency of the claimed value.");
        await Assertions.Expect(page.GetByTestId("field-error-otherFields")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_publisher_publishes_one_document_and_finds_it_among_what_it_published()
    {
        var page = await portal.SignIn("customs/publisher", "en");
        await page.GotoAsync("/registry/publish");
        await Check(page, "registry-publish");

        // Bad input first: too many decimals, a missing field, the wrong currency form.
        var number = NewNumber();
        await page.GetByTestId("publish-number").FillAsync(number);
        await page.GetByTestId("publish-value").FillAsync("1234.567");
        await page.GetByTestId("publish-currency").FillAsync("USD");
        await page.GetByTestId("publish-field-owner").FillAsync("acme");
        var response = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("publish-submit").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(page.GetByTestId("field-error-value")).ToHaveTextAsync("The amount has more decimals than the currency allows.");
        await Assertions.Expect(page.GetByTestId("field-error-field-goods")).ToHaveTextAsync("This field is required for this type.");
        await page.GetByTestId("publish-currency").FillAsync("US$");
        await page.GetByTestId("publish-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-error-currency")).ToContainTextAsync("three capital letters");

        await page.GetByTestId("publish-value").FillAsync("1234.56");
        await page.GetByTestId("publish-currency").FillAsync("USD");
        await page.GetByTestId("publish-field-goods").FillAsync("8471.30 laptops");
        await page.GetByTestId("publish-field-export-date").FillAsync("2026-11-20");
        await page.GetByTestId("publish-field-port").FillAsync("CNSHA");
        await page.GetByTestId("publish-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("publish-done")).ToContainTextAsync(number);
        await Assertions.Expect(page.GetByTestId("published-number")).ToHaveTextAsync(number);
        var secret = await page.GetByTestId("published-secret").TextContentAsync();
        Assert.Equal(32, secret!.Length);
        var key = await page.GetByTestId("published-key").TextContentAsync();
        await Check(page, "registry-published-one");

        await page.GotoAsync("/registry/published");
        await Assertions.Expect(page.GetByTestId("published-row-" + key)).ToContainTextAsync("USD 1,234.56");
        await Check(page, "registry-published-list");
        await page.Context.CloseAsync();
    }

    private static FilePayload Csv(string name, string text, string mime = "text/csv") => new() { Name = name, MimeType = mime, Buffer = Encoding.UTF8.GetBytes(text) };

    private const string Header = "type,number,secret,owner,valueMinor,currency,fields\n";

    private static async Task<int> PublishedTotal(IPage page)
    {
        await page.GotoAsync("/registry/published");
        var text = await page.GetByTestId("published-total").TextContentAsync();
        return int.Parse(new string(text!.Where(char.IsAsciiDigit).ToArray()), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_publisher_uploads_a_CSV_batch_and_bad_files_publish_nothing()
    {
        var page = await portal.SignIn("customs/publisher", "en");
        var before = await PublishedTotal(page);
        await page.GotoAsync("/registry/upload");
        await Check(page, "registry-upload");

        // Not a CSV file.
        await page.GetByTestId("upload-file").SetInputFilesAsync(new FilePayload { Name = "scan.png", MimeType = "image/png", Buffer = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3] });
        var response = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("upload-submit").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(page.GetByTestId("field-error-file")).ToHaveTextAsync("This is not a CSV file (.csv).");

        // Too large.
        await page.GetByTestId("upload-file").SetInputFilesAsync(Csv("big.csv", Header + new string('x', 300 * 1024)));
        await page.GetByTestId("upload-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-error-file")).ToHaveTextAsync("The file is larger than 256 KiB.");

        // Malformed rows: each named by its line; nothing published, not even the good row.
        var good = NewNumber();
        var rows = Header
            + $"customs-declaration,{good},,acme,1250000,USD,\"goods=8471.30 laptops;export-date=2026-11-02;port=CNSHA\"\n"
            + $"commercial-invoice,{NewNumber()},,acme,1250000,USD,\"buyer=x;goods=y;issue-date=2026-11-02\"\n"
            + $"customs-declaration,{NewNumber()}1,,acme,12.50,USD,\"goods=8471.30 laptops;export-date=2026-11-02;port=CNSHA\"\n"
            + $"customs-declaration,{NewNumber()}2,,acme,1250000,usd,\"goods=8471.30 laptops;port=CNSHA\"\n";
        await page.GetByTestId("upload-file").SetInputFilesAsync(Csv("batch.csv", rows));
        await page.GetByTestId("upload-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-errors")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("upload-error-line-3")).ToContainTextAsync("not a type your organisation publishes");
        await Assertions.Expect(page.GetByTestId("upload-error-line-4")).ToContainTextAsync("'12.50' is not a whole number");
        await Assertions.Expect(page.GetByTestId("upload-error-line-5").First).ToContainTextAsync("not a currency code");
        Assert.Equal(0, await page.GetByTestId("upload-error-line-2").CountAsync());
        await Check(page, "registry-upload-row-errors");
        Assert.Equal(before, await PublishedTotal(page));

        // A good batch of two: published in one transaction, secrets handed back.
        await page.GotoAsync("/registry/upload");
        var batch = Header
            + $"customs-declaration,{good},,acme,1250000,USD,\"goods=8471.30 laptops;export-date=2026-11-02;port=CNSHA\"\n"
            + $"customs-declaration,{NewNumber()}3,secret-of-the-second-one,pearl-machinery,990000,EUR,\"owner=pearl-machinery;goods=8429.51 front loaders;export-date=2026-11-03;port=CNNGB\"\n";
        await page.GetByTestId("upload-file").SetInputFilesAsync(Csv("batch.csv", batch));
        await page.GetByTestId("upload-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-done")).ToHaveTextAsync("2 documents are published.");
        await Assertions.Expect(page.GetByTestId("uploaded")).ToContainTextAsync("secret-of-the-second-one");
        await Check(page, "registry-upload-done");
        Assert.Equal(before + 2, await PublishedTotal(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Registry_pages_are_for_their_roles_only()
    {
        var page = await portal.SignIn("customs/publisher", "en");
        Assert.Equal(403, (await page.GotoAsync("/registry/verify"))!.Status);
        await page.Context.CloseAsync();
        var bank = await portal.SignIn("bank-a/acceptor", "en");
        Assert.Equal(403, (await bank.GotoAsync("/registry/publish"))!.Status);
        Assert.Equal(403, (await bank.GotoAsync("/registry/upload"))!.Status);
        Assert.Equal(403, (await bank.GotoAsync("/registry/published"))!.Status);
        await Assertions.Expect(bank.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "NotEntitled");
        await bank.Context.CloseAsync();
    }
}

using System.Text.Json;
using Microsoft.Playwright;

namespace Huilian.Portal.Tests;

/// <summary>Evidence storage through the portal: record a file's hash, look it up, download its proof.</summary>
[Collection(PortalCollection.Name)]
public sealed class EvidencePagesTests(PortalFixture portal)
{
    [Fact]
    public async Task A_recorder_records_a_file_looks_it_up_and_downloads_a_proof_that_verifies_offline()
    {
        var page = await portal.SignIn("bank-a/recorder", "en");
        await page.GotoAsync("/evidence");
        var content = System.Text.Encoding.UTF8.GetBytes("Bill of lading BL-2026-PORTAL " + Guid.NewGuid());
        await page.GetByTestId("evidence-file").SetInputFilesAsync(new FilePayload { Name = "bill-of-lading.pdf", MimeType = "application/pdf", Buffer = content });
        await page.Locator("#owner").FillAsync("acme");
        await page.Locator("#type").FillAsync("bill-of-lading");
        var post = await page.RunAndWaitForRequestAsync(() => page.GetByTestId("evidence-record").ClickAsync(), r => r.Method == "POST");
        // The browser hashed the file (the demo chain is intl: SHA-256) and sent only the hash.
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
        var sent = System.Text.Encoding.UTF8.GetString(post.PostDataBuffer!);
        Assert.Contains(hash, sent, StringComparison.Ordinal);
        Assert.DoesNotContain("BL-2026-PORTAL", sent, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Recorded");
        await Assertions.Expect(page.GetByTestId("evidence-record-found")).ToContainTextAsync("bill-of-lading.pdf");
        await Assertions.Expect(page.GetByTestId("evidence-record-found")).ToContainTextAsync(hash);
        await PortalFixture.AssertNoMissingText(page);
        await PortalFixture.AssertAccessible(page);
        await PortalFixture.Screenshot(page, "evidence-recorded");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("evidence-proof").ClickAsync());
        var proofPath = Path.Combine(portal.Directory, "portal-proof.json");
        await download.SaveAsAsync(proofPath);
        using (var proof = JsonDocument.Parse(await File.ReadAllTextAsync(proofPath)))
        {
            Assert.Equal("huilian-evidence-proof/v1", proof.RootElement.GetProperty("format").GetString());
        }
        // The downloaded proof verifies offline against the genesis, with the CLI.
        var (exit, output) = await portal.RunCli("evidence", "verify", proofPath, "--genesis", Path.Combine(portal.Directory, "genesis.json"));
        Assert.True(exit == 0, output);

        // The same proof checked in the browser, against the node's genesis: valid; altered: refused with its code.
        var verify = await portal.NewPage("en");
        await verify.GotoAsync("/explorer/verify");
        await verify.GetByTestId("proof-file").SetInputFilesAsync(proofPath);
        await verify.GetByTestId("verify-button").ClickAsync();
        await Assertions.Expect(verify.GetByTestId("verify-result")).ToHaveAttributeAsync("data-ok", "true");
        await Assertions.Expect(verify.GetByTestId("verify-result")).ToContainTextAsync("bill-of-lading.pdf");
        await PortalFixture.AssertNoMissingText(verify);
        await PortalFixture.AssertAccessible(verify);
        await PortalFixture.Screenshot(verify, "explorer-verify-valid");
        var altered = (await File.ReadAllTextAsync(proofPath)).Replace("\"owner\":\"acme\"", "\"owner\":\"someone-else\"", StringComparison.Ordinal);
        Assert.Contains("someone-else", altered, StringComparison.Ordinal);
        await verify.ReloadAsync();
        await verify.GetByTestId("proof-text").FillAsync(altered);
        await verify.GetByTestId("verify-button").ClickAsync();
        await Assertions.Expect(verify.GetByTestId("verify-result")).ToHaveAttributeAsync("data-ok", "false");
        await Assertions.Expect(verify.GetByTestId("verify-result")).ToHaveAttributeAsync("data-code", "ProofRecordAltered");
        await PortalFixture.Screenshot(verify, "explorer-verify-altered");
        await verify.Context.CloseAsync();

        // Recording the same file again changes nothing and says so.
        await page.GotoAsync("/evidence");
        await page.GetByTestId("evidence-file").SetInputFilesAsync(new FilePayload { Name = "again.pdf", MimeType = "application/pdf", Buffer = content });
        await page.GetByTestId("evidence-record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("was already recorded");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_confidential_note_is_sealed_for_the_chosen_organisations_and_the_regulator_only()
    {
        var page = await portal.SignIn("bank-a/recorder", "en");
        await page.GotoAsync("/evidence");
        await page.GetByTestId("evidence-hash").FillAsync(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())));
        await page.GetByTestId("evidence-confidential").FillAsync("Buyer: Hamburg Trading GmbH; USD 250,000.00");
        await page.GetByTestId("share-bank-b").CheckAsync();
        await page.GetByTestId("evidence-record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("notice")).ToContainTextAsync("Recorded");
        var transaction = (await page.GetByTestId("evidence-record-found").Locator("a[href^='/explorer/tx/']").GetAttributeAsync("href"))!["/explorer/tx/".Length..];
        await page.Context.CloseAsync();

        var shared = await portal.RunCli("confidential", "read", transaction, "--purpose", "financing-review", "--as", "bank-b/reviewer");
        Assert.True(shared.ExitCode == 0, shared.Output);
        Assert.Contains("Hamburg Trading GmbH", shared.Output, StringComparison.Ordinal);
        var regulator = await portal.RunCli("confidential", "read", transaction, "--purpose", "compliance-check", "--as", "regulator/analyst");
        Assert.True(regulator.ExitCode == 0, regulator.Output);
        var other = await portal.RunCli("confidential", "read", transaction, "--purpose", "own-business", "--as", "bank-c/admin");
        Assert.NotEqual(0, other.ExitCode);
        Assert.DoesNotContain("Hamburg Trading GmbH", other.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_scripts_the_node_hashes_the_file_and_records_the_same_hash()
    {
        var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en", BaseURL = portal.Url, JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByTestId("demo-user").SelectOptionAsync("bank-a/recorder");
        await page.GetByTestId("sign-in-demo").ClickAsync();
        await page.GotoAsync("/evidence");
        var content = System.Text.Encoding.UTF8.GetBytes("Packing list PL-" + Guid.NewGuid());
        await page.GetByTestId("evidence-file").SetInputFilesAsync(new FilePayload { Name = "packing-list.txt", MimeType = "text/plain", Buffer = content });
        await page.GetByTestId("evidence-record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("evidence-record-found")).ToContainTextAsync(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)));
        await Assertions.Expect(page.GetByTestId("evidence-record-found")).ToContainTextAsync("packing-list.txt");
        await context.CloseAsync();
    }

    [Fact]
    public async Task Bad_input_is_refused_and_an_unknown_hash_is_not_found()
    {
        var page = await portal.SignIn("bank-a/recorder", "en");
        await page.GotoAsync("/evidence");
        await page.GetByTestId("evidence-record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-error-document")).ToHaveTextAsync("Choose a file or enter its hash — one of the two.");
        await page.GetByTestId("evidence-hash").FillAsync("abc");
        await page.GetByTestId("evidence-record").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-error-hash")).ToHaveTextAsync("A hash is 64 hexadecimal characters.");
        await page.GetByTestId("evidence-lookup").FillAsync(new string('7', 64));
        await page.GetByTestId("evidence-lookup-button").ClickAsync();
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "EvidenceNotFound");
        await page.Context.CloseAsync();

        // A user without the recorder role can look up, not record.
        var clerk = await portal.SignIn("bank-a/acceptor", "en");
        await clerk.GotoAsync("/evidence");
        Assert.Equal(0, await clerk.GetByTestId("evidence-record").CountAsync());
        await clerk.Context.CloseAsync();
    }
}

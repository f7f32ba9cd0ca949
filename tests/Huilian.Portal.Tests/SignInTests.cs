using Microsoft.Playwright;

namespace Huilian.Portal.Tests;

/// <summary>Signing in (demo picker and keystore file), the role-based navigation, the language switch, sign-out and expiry.</summary>
[Collection(PortalCollection.Name)]
public sealed class SignInTests(PortalFixture portal)
{
    /// <summary>Each kind of user sees its own workspace and only the navigation its roles grant.</summary>
    [Theory]
    [InlineData("bank-a/proxy", "/financing/receivables/apply", "/regulator/dashboard")]
    [InlineData("bank-a/acceptor", "/financing/receivables/queue/accept", "/financing/receivables/apply")]
    [InlineData("bank-a/reviewer", "/financing/receivables/queue/review", "/admin/users")]
    [InlineData("bank-a/disburser", "/financing/receivables/queue/disburse", "/registry/publish")]
    [InlineData("bank-a/repayer", "/financing/receivables/queue/repay", "/financing/receivables/queue/accept")]
    [InlineData("bank-a/statistician", "/reports/statistics", "/regulator/dashboard")]
    [InlineData("regulator/analyst", "/regulator/dashboard", "/financing/receivables/apply")]
    [InlineData("customs/publisher", "/registry/publish", "/reports/statistics")]
    [InlineData("acme/treasurer", "/enterprise/grants", "/registry/publish")]
    [InlineData("bank-a/admin", "/admin/users", "/financing/receivables/apply")]
    public async Task Each_role_sees_its_workspace_and_only_what_it_is_granted(string user, string granted, string notGranted)
    {
        var page = await portal.SignIn(user);
        await Assertions.Expect(page.GetByTestId("workspace-title")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("who")).ToContainTextAsync(user);
        var navigation = page.Locator("nav.side");
        Assert.Equal(1, await navigation.Locator($"a[href='{granted}']").CountAsync());
        Assert.Equal(0, await navigation.Locator($"a[href='{notGranted}']").CountAsync());
        await PortalFixture.AssertNoMissingText(page);
        await PortalFixture.AssertAccessible(page);
        await PortalFixture.Screenshot(page, "workspace-" + user.Replace('/', '-'));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_bank_clerks_navigation_is_its_Table_08_02_rows()
    {
        var page = await portal.SignIn("bank-a/proxy", "en");
        var table = page.Locator("nav.side h2", new() { HasText = "Table 08-02" });
        await Assertions.Expect(table).ToBeVisibleAsync();
        // The proxy clerk's one Table 08-02 row, labelled from the role catalogue.
        await Assertions.Expect(page.Locator("nav.side a[href='/financing/receivables/apply']")).ToHaveTextAsync("Apply on the enterprise's behalf");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Signs_in_with_a_keystore_file_and_its_password()
    {
        var page = await portal.NewPage("en");
        await page.GotoAsync("/sign-in");
        await page.Locator("#keystore").SetInputFilesAsync(portal.KeyPath("bank-b/reviewer"));
        await page.Locator("#password").FillAsync(portal.Password);
        await page.GetByTestId("sign-in-keystore").ClickAsync();
        await Assertions.Expect(page.GetByTestId("who")).ToContainTextAsync("bank-b/reviewer");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_its_code_and_no_session()
    {
        var page = await portal.NewPage("en");
        await page.GotoAsync("/sign-in");
        await page.Locator("#keystore").SetInputFilesAsync(portal.KeyPath("bank-b/reviewer"));
        await page.Locator("#password").FillAsync("not the password");
        var response = await page.RunAndWaitForResponseAsync(() => page.GetByTestId("sign-in-keystore").ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(422, response.Status);
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "KeystoreWrongPassword");
        await Assertions.Expect(page.GetByTestId("problem")).ToContainTextAsync("The password does not open this keystore.");
        Assert.Equal(0, await page.GetByTestId("who").CountAsync());
        await PortalFixture.Screenshot(page, "sign-in-wrong-password");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Files_that_are_not_keystores_and_missing_fields_are_refused()
    {
        var page = await portal.NewPage("en");
        await page.GotoAsync("/sign-in");
        await page.GetByTestId("sign-in-keystore").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-error-keystore")).ToHaveTextAsync("Choose your keystore file.");
        await Assertions.Expect(page.GetByTestId("field-error-password")).ToHaveTextAsync("Enter the keystore's password.");

        await page.Locator("#keystore").SetInputFilesAsync(new FilePayload { Name = "photo.png", MimeType = "image/png", Buffer = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 } });
        await page.Locator("#password").FillAsync("x");
        await page.GetByTestId("sign-in-keystore").ClickAsync();
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "KeystoreCorrupt");

        await page.Locator("#keystore").SetInputFilesAsync(new FilePayload { Name = "big.key", MimeType = "application/json", Buffer = new byte[20_000] });
        await page.Locator("#password").FillAsync("x");
        await page.GetByTestId("sign-in-keystore").ClickAsync();
        await Assertions.Expect(page.GetByTestId("field-error-keystore")).ToHaveTextAsync("This file is too large to be a keystore (at most 16 KiB).");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_language_switches_between_Chinese_and_English_and_stays()
    {
        var page = await portal.SignIn("bank-a/acceptor", "zh-CN");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.GetByTestId("sign-out")).ToHaveTextAsync("退出");
        await Assertions.Expect(page.Locator("nav.side a[href='/financing/receivables/queue/accept']")).ToHaveTextAsync("受理");
        await PortalFixture.Screenshot(page, "language-zh");
        await page.GetByTestId("language-en").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.GetByTestId("sign-out")).ToHaveTextAsync("Sign out");
        await Assertions.Expect(page.Locator("nav.side a[href='/financing/receivables/queue/accept']")).ToHaveTextAsync("Accept");
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("sign-out")).ToHaveTextAsync("Sign out");
        await PortalFixture.Screenshot(page, "language-en");
        await page.GetByTestId("language-zh").ClickAsync();
        await Assertions.Expect(page.GetByTestId("sign-out")).ToHaveTextAsync("退出");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var page = await portal.SignIn("bank-c/acceptor", "en");
        await page.GetByTestId("sign-out").ClickAsync();
        await page.WaitForURLAsync("**/sign-in");
        await page.GotoAsync("/admin/users");
        Assert.Contains("/sign-in?returnUrl=", page.Url, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_expired_session_sends_the_user_to_sign_in_saying_so_and_back_after()
    {
        var page = await portal.NewPage("en");
        // A session id the portal does not know: as after expiry or a node restart.
        await page.Context.AddCookiesAsync([new Cookie { Name = "hl_session", Value = "expired-session-id", Url = portal.Url }]);
        await page.GotoAsync("/admin/users");
        Assert.Contains("/sign-in", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("expired")).ToContainTextAsync("Your session expired");
        await page.GetByTestId("demo-user").SelectOptionAsync("bank-a/admin");
        await page.GetByTestId("sign-in-demo").ClickAsync();
        await page.WaitForURLAsync("**/admin/users");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_page_the_roles_do_not_grant_is_refused_not_blank()
    {
        var page = await portal.SignIn("bank-a/acceptor", "en");
        var response = await page.GotoAsync("/admin/users");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "NotEntitled");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Not available to you");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Forms_without_their_token_are_refused()
    {
        var page = await portal.SignIn("bank-a/admin", "en");
        var response = await page.APIRequest.PostAsync(portal.Url + "/sign-out", new APIRequestContextOptions { Form = page.APIRequest.CreateFormData() });
        Assert.Equal(400, response.Status);
        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByTestId("who")).ToContainTextAsync("bank-a/admin");
        await page.Context.CloseAsync();
    }
}

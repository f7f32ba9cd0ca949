using Microsoft.Playwright;

namespace Huilian.Portal.Tests;

/// <summary>An organisation's admin manages its users through the portal; governance proposals and votes.</summary>
[Collection(PortalCollection.Name)]
public sealed class AdminPagesTests(PortalFixture portal)
{
    [Fact]
    public async Task An_admin_registers_a_user_who_then_signs_in_with_its_keystore_and_is_suspended_and_reinstated()
    {
        // The certificate comes from the organisation's CA, outside the portal (the CA key never reaches it).
        var (exit, output) = await portal.RunCli("org", "user", "issue", "--org", "bank-a", "--name", "portal-clerk");
        Assert.True(exit == 0, output);
        var pem = Path.ChangeExtension(portal.KeyPath("bank-a/portal-clerk"), ".pem");

        var admin = await portal.SignIn("bank-a/admin", "en");
        await admin.GotoAsync("/admin/users");
        await Assertions.Expect(admin.GetByTestId("user-proxy")).ToBeVisibleAsync();
        await PortalFixture.AssertNoMissingText(admin);
        await PortalFixture.AssertAccessible(admin);
        await PortalFixture.Screenshot(admin, "admin-users");

        // Bad input first: nothing registered.
        await admin.GetByTestId("register-name").FillAsync("portal-clerk");
        await admin.GetByTestId("register-certificate").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "not a certificate"u8.ToArray() });
        await admin.GetByTestId("register-user").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("field-error-certificate")).ToHaveTextAsync("This file is not a PEM certificate.");
        await Assertions.Expect(admin.GetByTestId("field-error-roles")).ToHaveTextAsync("Choose at least one role.");
        Assert.Equal(0, await admin.GetByTestId("user-portal-clerk").CountAsync());

        await admin.GetByTestId("register-name").FillAsync("portal-clerk");
        await admin.GetByTestId("register-certificate").SetInputFilesAsync(pem);
        await admin.GetByTestId("register-role-financing-acceptance-clerk").CheckAsync();
        await admin.GetByTestId("register-user").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("notice")).ToContainTextAsync("Registered portal-clerk");
        await Assertions.Expect(admin.GetByTestId("user-portal-clerk")).ToContainTextAsync("Financing acceptance clerk");

        var clerk = await portal.NewPage("en");
        await clerk.GotoAsync("/sign-in");
        await clerk.Locator("#keystore").SetInputFilesAsync(portal.KeyPath("bank-a/portal-clerk"));
        await clerk.Locator("#password").FillAsync(portal.Password);
        await clerk.GetByTestId("sign-in-keystore").ClickAsync();
        await Assertions.Expect(clerk.GetByTestId("who")).ToContainTextAsync("bank-a/portal-clerk");
        Assert.Equal(1, await clerk.Locator("nav.side a[href='/financing/receivables/queue/accept']").CountAsync());
        await clerk.Context.CloseAsync();

        await admin.GetByTestId("suspend-portal-clerk").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("user-portal-clerk")).ToContainTextAsync("suspended");
        // A suspended user cannot sign in: the node refuses its key.
        var refused = await portal.NewPage("en");
        await refused.GotoAsync("/sign-in");
        await refused.Locator("#keystore").SetInputFilesAsync(portal.KeyPath("bank-a/portal-clerk"));
        await refused.Locator("#password").FillAsync(portal.Password);
        await refused.GetByTestId("sign-in-keystore").ClickAsync();
        await Assertions.Expect(refused.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "UserSuspended");
        await refused.Context.CloseAsync();

        await admin.GetByTestId("reinstate-portal-clerk").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("user-portal-clerk")).ToContainTextAsync("active");
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task The_regulator_lists_any_organisations_users_and_a_bank_admin_only_its_own()
    {
        var analyst = await portal.SignIn("regulator/analyst", "en");
        await analyst.GotoAsync("/admin/users?organisation=bank-b");
        await Assertions.Expect(analyst.GetByTestId("users")).ToContainTextAsync("bank-b");
        await Assertions.Expect(analyst.GetByTestId("user-reviewer")).ToBeVisibleAsync();
        Assert.Equal(0, await analyst.GetByTestId("register-user").CountAsync());
        await analyst.Context.CloseAsync();

        var admin = await portal.SignIn("bank-a/admin", "en");
        await admin.GotoAsync("/admin/users?organisation=bank-b");
        // The query is ignored for a bank: it sees its own users.
        await Assertions.Expect(admin.GetByTestId("users")).ToContainTextAsync("bank-a");
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_proposes_a_change_and_votes_and_bad_proposals_are_refused()
    {
        var admin = await portal.SignIn("bank-a/admin", "en");
        await admin.GotoAsync("/governance");
        await PortalFixture.AssertNoMissingText(admin);
        await PortalFixture.AssertAccessible(admin);

        // Server-side checks: a validator change without its validator, then one the node refuses.
        await admin.GetByTestId("gov-kind").SelectOptionAsync("set-validator-power");
        await admin.GetByTestId("gov-propose").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("field-error-subject")).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByTestId("field-error-value")).ToBeVisibleAsync();
        await admin.GetByTestId("gov-kind").SelectOptionAsync("set-validator-power");
        await admin.GetByTestId("gov-subject").FillAsync("no-such-validator");
        await admin.GetByTestId("gov-value").FillAsync("5");
        await admin.GetByTestId("gov-propose").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("problem")).ToHaveAttributeAsync("data-code", "ValidatorUnknown");

        await admin.GetByTestId("gov-kind").SelectOptionAsync("set-parameter");
        await admin.Locator("#parameter").SelectOptionAsync("credit.grantDaysMax");
        await admin.GetByTestId("gov-value").FillAsync("3660");
        await admin.GetByTestId("gov-summary").FillAsync("Allow credit grants of up to ten years");
        await admin.GetByTestId("gov-propose").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("notice")).ToContainTextAsync("is open for votes");
        var row = admin.Locator("[data-testid^='proposal-']", new() { HasText = "Allow credit grants of up to ten years" });
        await Assertions.Expect(row).ToBeVisibleAsync();
        var id = (await row.GetAttributeAsync("data-testid"))!["proposal-".Length..];
        await admin.GetByTestId("approve-" + id).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("notice")).ToContainTextAsync($"voted for proposal {id}");
        await Assertions.Expect(admin.GetByTestId("proposal-" + id)).ToContainTextAsync("bank-a: for");
        await PortalFixture.Screenshot(admin, "governance");
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_proposes_admitting_an_organisation_with_its_certificates_and_data_key()
    {
        // The new member prepares its CA, data key and first admin's certificate with the CLI, on its own machine.
        var (exit, output) = await portal.RunCli("org", "ca", "init", "--id", "newco", "--kind", "carrier", "--name", "New Carrier Co.");
        Assert.True(exit == 0, output);
        var dataKey = output.Split('\n').Single(l => l.TrimStart().StartsWith("data key ", StringComparison.Ordinal)).Trim()["data key".Length..].Trim();
        (exit, output) = await portal.RunCli("org", "user", "issue", "--org", "newco", "--name", "admin");
        Assert.True(exit == 0, output);
        var orgs = Path.Combine(portal.Directory, "orgs", "newco");

        var admin = await portal.SignIn("regulator/admin", "en");
        await admin.GotoAsync("/governance");
        await admin.GetByTestId("admit-id").FillAsync("NewCo!");
        await admin.GetByTestId("admit-propose").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("field-error-newId")).ToBeVisibleAsync();
        await Assertions.Expect(admin.GetByTestId("field-error-caCertificate")).ToHaveTextAsync("Choose the certificate file.");

        await admin.GetByTestId("admit-id").FillAsync("newco");
        await admin.GetByTestId("admit-name").FillAsync("New Carrier Co.");
        await admin.GetByTestId("admit-kind").SelectOptionAsync("carrier");
        await admin.GetByTestId("admit-ca").SetInputFilesAsync(Path.Combine(orgs, "ca.pem"));
        await admin.GetByTestId("admit-data-key").FillAsync(dataKey);
        await admin.GetByTestId("admit-admin-name").FillAsync("admin");
        await admin.GetByTestId("admit-admin-certificate").SetInputFilesAsync(Path.ChangeExtension(portal.KeyPath("newco/admin"), ".pem"));
        await admin.GetByTestId("admit-propose").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("notice")).ToContainTextAsync("is open for votes");
        await Assertions.Expect(admin.Locator("[data-testid^='proposal-']").First).ToContainTextAsync("Admit an organisation");
        await admin.Context.CloseAsync();
    }
}

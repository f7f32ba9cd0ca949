using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Huilian.Portal.Tests;

/// <summary>
/// The second financing scenario, export credit-insurance policy financing, is defined as data only; the demo gives
/// no clerk its roles. A bank's admin grants them through the users page, and the clerks then take a financing on an
/// insurer's policy through the same pages as export receivables.
/// </summary>
[Collection(WorkCollection.Name)]
public sealed partial class PolicyFinancingTests(PortalFixture portal)
{
    [GeneratedRegex(@"/financing/policy-financing/(pf-\d{8})$")]
    private static partial Regex RecordUrl();

    [Fact]
    public async Task An_admin_grants_the_policy_financing_roles_and_the_clerks_finance_a_policy()
    {
        var admin = await portal.SignIn("bank-c/admin", "en");
        await admin.GotoAsync("/admin/users");
        foreach (var (user, role) in new[]
                 {
                     ("proxy", "policy-financing-proxy-clerk"), ("acceptor", "policy-financing-acceptance-clerk"),
                     ("reviewer", "policy-financing-review-clerk"), ("disburser", "policy-financing-disbursement-clerk"),
                 })
        {
            await admin.GetByTestId("edit-roles-" + user).ClickAsync();
            await admin.GetByTestId($"role-{user}-{role}").CheckAsync();
            await admin.GetByTestId("set-roles-" + user).ClickAsync();
            await Assertions.Expect(admin.GetByTestId("notice")).ToContainTextAsync($"Changed the roles of {user}");
        }
        await admin.Context.CloseAsync();

        var policy = DemoDocument.Read(portal).Last(d => d.Type == "credit-insurance-policy" && d.SeededFinancing.Length == 0 && d.Currency == "USD");
        var proxy = await portal.SignIn("bank-c/proxy", "en");
        // The new role shows as its Table 08-02 row.
        await Assertions.Expect(proxy.Locator("nav.side a[href='/financing/policy-financing/apply']")).ToBeVisibleAsync();
        await proxy.GotoAsync("/financing/policy-financing/apply");
        await proxy.GetByTestId("apply-enterprise").SelectOptionAsync(policy.Owner);
        await proxy.GetByTestId("apply-currency").FillAsync("USD");
        await proxy.GetByTestId("doc0-type").SelectOptionAsync(policy.Type);
        await proxy.GetByTestId("doc0-number").FillAsync(policy.Number);
        await proxy.GetByTestId("doc0-secret").FillAsync(policy.Secret);
        await proxy.GetByTestId("doc0-claim").FillAsync(policy.ValueTyped);
        await proxy.GetByTestId("apply-submit").ClickAsync();
        await proxy.WaitForURLAsync(RecordUrl());
        var id = RecordUrl().Match(proxy.Url).Groups[1].Value;
        await Assertions.Expect(proxy.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "applied");
        await PortalFixture.Screenshot(proxy, "policy-financing-applied");
        await proxy.Context.CloseAsync();

        var acceptor = await portal.SignIn("bank-c/acceptor", "en");
        await acceptor.GotoAsync("/financing/policy-financing/queue/accept");
        await acceptor.GetByTestId("open-" + id).ClickAsync();
        await acceptor.GetByTestId("do-accept").ClickAsync();
        await Assertions.Expect(acceptor.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "accepted");
        await acceptor.Context.CloseAsync();

        var reviewer = await portal.SignIn("bank-c/reviewer", "en");
        await reviewer.GotoAsync("/financing/policy-financing/" + id);
        await reviewer.GetByTestId("decision-approve").CheckAsync();
        await reviewer.GetByTestId("do-review").ClickAsync();
        await Assertions.Expect(reviewer.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "approved");
        await reviewer.Context.CloseAsync();

        var disburser = await portal.SignIn("bank-c/disburser", "en");
        await disburser.GotoAsync("/financing/policy-financing/" + id);
        await disburser.GetByTestId("disburse-amount").FillAsync(policy.ValueTyped);
        await disburser.GetByTestId("disburse-value-date").FillAsync("2026-12-01");
        await disburser.GetByTestId("disburse-rate").FillAsync("3.9");
        await disburser.GetByTestId("disburse-term").FillAsync("120");
        await disburser.GetByTestId("do-disburse").ClickAsync();
        await Assertions.Expect(disburser.GetByTestId("record-state")).ToHaveAttributeAsync("data-state", "disbursed");
        await PortalFixture.AssertNoMissingText(disburser);
        await PortalFixture.AssertAccessible(disburser);
        await PortalFixture.Screenshot(disburser, "policy-financing-disbursed");
        await disburser.Context.CloseAsync();
    }
}

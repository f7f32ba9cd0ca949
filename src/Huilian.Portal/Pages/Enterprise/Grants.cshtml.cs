using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Enterprise;

/// <summary>
/// My credit-information grants (企业信用信息授权): each bank, whether it enabled my enterprise (开通, which a grant
/// needs), my grant to it (from, until, revoked); grant a bank read access for a number of days, revoke it; and who read
/// what — the credit-query log (bank, user, purpose, when).
/// </summary>
[ForKinds("enterprise")]
public sealed class GrantsModel : PortalPageModel
{
    public const int DaysMax = 366;

    [BindProperty]
    public string? Bank { get; set; }

    [BindProperty]
    public string? Days { get; set; }

    public IReadOnlyList<JsonElement> Relations { get; private set; } = [];

    public IReadOnlyList<JsonElement> Queries { get; private set; } = [];

    public bool CanGrant => Me.Holds("credit.grant");

    public bool CanRevoke => Me.Holds("credit.revoke");

    public bool CanSeeLog => Me.Holds("credit.query-log");

    private async Task Load(CancellationToken cancellationToken)
    {
        var credit = await Api.Get(Me, "/v1/workspace/credit", cancellationToken);
        Relations = WorkPages.Array(credit, "relations").ToArray();
        if (CanSeeLog)
        {
            var log = await Api.Get(Me, $"/v1/credit/{Uri.EscapeDataString(Me.Organisation)}/queries?limit=1000", cancellationToken);
            Queries = WorkPages.Array(log, "queries").Reverse().ToArray();
        }
    }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    public async Task<IActionResult> OnPostGrantAsync(CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        if (!CanGrant)
        {
            throw new Hosting.PortalProblem("NotEntitled", T["error.NotEntitled"], 403);
        }
        var bank = Relations.FirstOrDefault(r => WorkPages.Str(r, "organisation") == Bank);
        if (string.IsNullOrEmpty(Bank))
        {
            Fail("bank", "enterprise.bankMissing");
        }
        else if (bank.ValueKind != JsonValueKind.Object)
        {
            Fail("bank", "enterprise.bankUnknown");
        }
        ulong days = 0;
        if (string.IsNullOrWhiteSpace(Days))
        {
            Fail("days", "enterprise.daysMissing");
        }
        else if (!ulong.TryParse(Days.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is 0 or > DaysMax)
        {
            Fail("days", "enterprise.daysMalformed");
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        await Api.Submit(Me, "credit", "grant", new JsonObject { ["bank"] = Bank, ["days"] = days }, cancellationToken);
        Notice = T.Format("enterprise.granted", Bank!, days);
        return Redirect("/enterprise/grants");
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        if (!CanRevoke)
        {
            throw new Hosting.PortalProblem("NotEntitled", T["error.NotEntitled"], 403);
        }
        if (string.IsNullOrEmpty(Bank) || !Relations.Any(r => WorkPages.Str(r, "organisation") == Bank))
        {
            Fail("revoke", "enterprise.bankUnknown");
            Response.StatusCode = 422;
            return Page();
        }
        await Api.Submit(Me, "credit", "revoke", new JsonObject { ["bank"] = Bank }, cancellationToken);
        Notice = T.Format("enterprise.revoked", Bank);
        return Redirect("/enterprise/grants");
    }
}

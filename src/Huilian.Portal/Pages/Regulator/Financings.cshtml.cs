using System.Text.Json;
using Huilian.Portal.Pages.Watch;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Regulator;

/// <summary>
/// Every bank's financings, filtered (scenario, bank, branch, enterprise, state, a document they claim, period) and a
/// page at a time, newest first — the node counts and cuts (/v1/dashboard/financings); each row opens the record page.
/// </summary>
[ForKinds("regulator")]
[Requires("audit.see-through")]
public sealed class FinancingsModel : ReportFilterPage
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Scenario { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Document { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public JsonElement Result { get; private set; }

    public static readonly IReadOnlyList<string> Scenarios = ["receivables", "policy-financing"];

    public async Task<IActionResult> OnGet(CancellationToken cancellationToken)
    {
        var valid = FiltersValid();
        Scenario = string.IsNullOrWhiteSpace(Scenario) ? null : Scenario.Trim();
        State = string.IsNullOrWhiteSpace(State) ? null : State.Trim();
        Document = string.IsNullOrWhiteSpace(Document) ? null : Document.Trim().ToLowerInvariant();
        if (Scenario is not null && !Scenarios.Contains(Scenario))
        {
            valid = Fail("scenario", "regulator.financings.error.scenario");
        }
        if (State is not null && !Show.IsIdentifier(State))
        {
            valid = Fail("state", "reports.error.identifier");
        }
        if (Document is not null && !Show.IsHash(Document))
        {
            valid = Fail("document", "regulator.financings.error.document");
        }
        if (PageNumber < 1 || PageNumber > 100_000)
        {
            PageNumber = 1;
        }
        if (!valid)
        {
            Response.StatusCode = 422;
            return Page();
        }
        var query = FilterQuery(("scenario", Scenario), ("state", State), ("document", Document), ("offset", ((PageNumber - 1) * PageSize).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("limit", PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Result = await Api.Get(Me, "/v1/dashboard/financings?" + query, cancellationToken);
        return Page();
    }

    public int Pages => (int)Math.Max(1, (Result.I64("total") + PageSize - 1) / PageSize);

    /// <summary>This page's query with another page number.</summary>
    public string PageLink(int page) => "/regulator/financings?" + FilterQuery(("scenario", Scenario), ("state", State), ("document", Document), ("p", page.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}

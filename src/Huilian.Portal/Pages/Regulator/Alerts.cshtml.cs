using System.Text.Json;
using Huilian.Portal.Pages.Watch;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Regulator;

/// <summary>
/// Refused duplicate or over-financing attempts (the guard's alerts) across every bank, with drill-down to the refused
/// transaction, its block, and the financings that hold the document's active claims.
/// </summary>
[ForKinds("regulator")]
[Requires("audit.see-through")]
public sealed class AlertsModel : ReportFilterPage
{
    public JsonElement Alerts { get; private set; }

    public async Task<IActionResult> OnGet(CancellationToken cancellationToken)
    {
        if (!FiltersValid())
        {
            return Page();
        }
        Alerts = await Api.Get(Me, "/v1/receivables/alerts?" + FilterQuery(), cancellationToken);
        return Page();
    }
}

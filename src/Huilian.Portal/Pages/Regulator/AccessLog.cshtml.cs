using System.Text.Json;
using Huilian.Portal.Pages.Watch;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Regulator;

/// <summary>This node's log of confidential reads — who read what, when, why, and whether it was allowed — with the hash chain's check, a page at a time.</summary>
[Requires("audit.access-log")]
public sealed class AccessLogModel : PortalPageModel
{
    public const int PageSize = 100;

    /// <summary>The page starts after this sequence number; by default the newest page.</summary>
    [BindProperty(SupportsGet = true)]
    public long? After { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Organisation { get; set; }

    public JsonElement Log { get; private set; }

    public async Task<IActionResult> OnGet(CancellationToken cancellationToken)
    {
        Organisation = string.IsNullOrWhiteSpace(Organisation) ? null : Organisation.Trim();
        if (Organisation is not null && !Show.IsIdentifier(Organisation))
        {
            Fail("organisation", "reports.error.identifier");
            Response.StatusCode = 422;
            return Page();
        }
        var organisation = Organisation is null ? "" : "&organisation=" + Uri.EscapeDataString(Organisation);
        if (After is null)
        {
            // The newest page: the log's size first, then the last entries.
            var total = (await Api.Get(Me, "/v1/audit/access-log?limit=1" + organisation, cancellationToken)).I64("total");
            After = Math.Max(0, total - PageSize);
        }
        After = Math.Max(0, After.Value);
        Log = await Api.Get(Me, $"/v1/audit/access-log?after={After}&limit={PageSize}" + organisation, cancellationToken);
        return Page();
    }

    /// <summary>The entries of this page, newest first.</summary>
    public IReadOnlyList<JsonElement> Entries => Log.Items("entries").Reverse().ToArray();

    public long? OlderAfter => After > 0 ? Math.Max(0, After.Value - PageSize) : null;

    public long? NewerAfter => Log.Items("entries").Count() == PageSize ? After + PageSize : null;

    public string Link(long after) => $"/regulator/access-log?after={after}" + (Organisation is null ? "" : "&organisation=" + Uri.EscapeDataString(Organisation));
}

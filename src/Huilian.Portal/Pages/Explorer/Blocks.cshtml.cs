using System.Text.Json;
using Huilian.Portal.Pages.Watch;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Explorer;

/// <summary>The explorer's first page: the newest blocks, a page at a time, the node's height, and a search by height or transaction id.</summary>
[Anonymous]
public sealed class BlocksModel : PortalPageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true)]
    public string? Before { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Q { get; set; }

    public JsonElement Status { get; private set; }

    public JsonElement Listing { get; private set; }

    public async Task<IActionResult> OnGet(CancellationToken cancellationToken)
    {
        if (Q is { } q)
        {
            q = q.Trim();
            if (ulong.TryParse(q, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var height))
            {
                return Redirect("/explorer/blocks/" + height.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            if (Show.IsHash(q))
            {
                return Redirect("/explorer/tx/" + q.ToLowerInvariant());
            }
            Fail("q", "explorer.search.malformed");
            Response.StatusCode = 422;
        }
        ulong? before = null;
        if (Before is not null)
        {
            if (!ulong.TryParse(Before, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                Before = null;
            }
            else
            {
                before = parsed;
            }
        }
        Status = await Api.GetPublic("/v1/status", cancellationToken);
        Listing = await Api.GetPublic($"/v1/explorer/blocks?limit={PageSize}" + (before is { } b ? "&before=" + b : ""), cancellationToken);
        return Page();
    }

    /// <summary>The lowest height on this page, to ask for the page before it; null at the first block.</summary>
    public ulong? Older => Listing.Items("blocks").Select(b => b.U64("height")).DefaultIfEmpty(0UL).Min() is var lowest and > 1 ? lowest : null;
}

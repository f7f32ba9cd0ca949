using System.Text.Json;
using Huilian.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Explorer;

/// <summary>One block: its header, who signed its commit, and its transactions with their result codes. An unknown height says so (404).</summary>
[Anonymous]
public sealed class BlockModel : PortalPageModel
{
    /// <summary>The most transactions listed on the page (a block may hold thousands).</summary>
    public const int TransactionsShown = 500;

    [BindProperty(SupportsGet = true)]
    public string Height { get; set; } = "";

    public JsonElement Block { get; private set; }

    public bool Absent { get; private set; }

    public async Task<IActionResult> OnGet(CancellationToken cancellationToken)
    {
        if (!ulong.TryParse(Height, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var height))
        {
            return Missing(new PortalProblem("RequestMalformed", T.Format("explorer.block.malformed", Height), 404));
        }
        try
        {
            Block = await Api.GetPublic("/v1/blocks/" + height.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        }
        catch (PortalProblem problem) when (problem.Status is 400 or 404)
        {
            return Missing(problem);
        }
        return Page();
    }

    /// <summary>Not a blank page: the block page itself, saying there is no such block and what the newest is.</summary>
    private IActionResult Missing(PortalProblem problem)
    {
        Absent = true;
        Problem = problem;
        Response.StatusCode = 404;
        return Page();
    }
}

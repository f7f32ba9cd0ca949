using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Execution.Modules.Credit;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Credit;

/// <summary>
/// Query an enterprise's credit information under its grant (企业信用信息查询): the enterprise, the purpose; the node
/// checks the enabling and the grant, and logs the query where the enterprise sees it.
/// </summary>
[Requires("credit.query")]
public sealed class QueryModel : PortalPageModel
{
    [BindProperty]
    public string? Enterprise { get; set; }

    [BindProperty]
    public string? Purpose { get; set; }

    public IReadOnlyList<JsonElement> Relations { get; private set; } = [];

    public (string Enterprise, ulong Query, string Until)? Result { get; private set; }

    private async Task Load(CancellationToken cancellationToken) =>
        Relations = WorkPages.Array(await Api.Get(Me, "/v1/workspace/credit", cancellationToken), "relations").ToArray();

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        if (string.IsNullOrEmpty(Enterprise))
        {
            Fail("enterprise", "credit.enterpriseMissing");
        }
        else if (!Relations.Any(r => WorkPages.Str(r, "organisation") == Enterprise))
        {
            Fail("enterprise", "credit.enterpriseUnknown");
        }
        if (string.IsNullOrEmpty(Purpose) || !CreditModule.Purposes.Contains(Purpose))
        {
            Fail("purpose", "credit.purposeMissing");
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        var receipt = await Api.Submit(Me, "credit", "query", new JsonObject { ["enterprise"] = Enterprise, ["purpose"] = Purpose }, cancellationToken);
        Result = (Enterprise!, WorkPages.U64(receipt.Result, "query"), WorkPages.Str(receipt.Result, "grantUntil"));
        return Page();
    }
}

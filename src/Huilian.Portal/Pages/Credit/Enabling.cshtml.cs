using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Credit;

/// <summary>
/// Enable or disable an enterprise at my bank (企业出口融资申请及信用信息授权业务开通): the gate every financing step
/// and every grant checks. Lists every member enterprise with its state at my bank and its grant to my bank.
/// </summary>
[Requires("credit.enable", "credit.disable")]
public sealed class EnablingModel : PortalPageModel
{
    [BindProperty]
    public string? Enterprise { get; set; }

    public IReadOnlyList<JsonElement> Relations { get; private set; } = [];

    private async Task Load(CancellationToken cancellationToken) =>
        Relations = WorkPages.Array(await Api.Get(Me, "/v1/workspace/credit", cancellationToken), "relations").ToArray();

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    private async Task<IActionResult> Change(string action, CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        if (!Me.Holds("credit." + action))
        {
            throw new Hosting.PortalProblem("NotEntitled", T["error.NotEntitled"], 403);
        }
        if (string.IsNullOrEmpty(Enterprise) || !Relations.Any(r => WorkPages.Str(r, "organisation") == Enterprise))
        {
            Fail("enterprise", "credit.enterpriseUnknown");
            Response.StatusCode = 422;
            return Page();
        }
        var receipt = await Api.Submit(Me, "credit", action, new JsonObject { ["enterprise"] = Enterprise }, cancellationToken);
        Notice = receipt.Unchanged ? T.Format("credit.alreadyEnabled", Enterprise) : T.Format(action == "enable" ? "credit.enabledNotice" : "credit.disabledNotice", Enterprise);
        return Redirect("/credit/enabling");
    }

    public Task<IActionResult> OnPostEnableAsync(CancellationToken cancellationToken) => Change("enable", cancellationToken);

    public Task<IActionResult> OnPostDisableAsync(CancellationToken cancellationToken) => Change("disable", cancellationToken);
}

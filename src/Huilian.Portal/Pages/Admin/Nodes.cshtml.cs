using System.Text.Json.Nodes;
using Huilian.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Admin;

/// <summary>Registers a node identity certificate of the organisation (issued by its CA: `huilian org node issue`).</summary>
[Requires("membership.register-node")]
public sealed class NodesModel : PortalPageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public IFormFile? Certificate { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!IsName(Name?.Trim()))
        {
            Fail("name", string.IsNullOrWhiteSpace(Name) ? "admin.nameMissing" : "admin.nameMalformed");
        }
        var certificate = await ReadCertificate(Certificate, "certificate", cancellationToken);
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        var receipt = await Api.Submit(Me, "membership", "register-node", new JsonObject { ["name"] = Name!.Trim(), ["certificate"] = certificate }, cancellationToken);
        Notice = T.Format("admin.nodeRegistered", Name.Trim(), receipt.Height);
        return Redirect("/admin/nodes");
    }
}

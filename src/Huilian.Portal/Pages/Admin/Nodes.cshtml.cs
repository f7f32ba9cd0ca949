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
        if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > 64 || Name.Trim().Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            Fail("name", string.IsNullOrWhiteSpace(Name) ? "admin.nameMissing" : "admin.nameMalformed");
        }
        string? certificate = null;
        if (Certificate is null || Certificate.Length == 0)
        {
            Fail("certificate", "admin.certificateMissing");
        }
        else if (Certificate.Length > UsersModel.CertificateBytesMax)
        {
            Fail("certificate", "admin.certificateTooLarge");
        }
        else
        {
            using var reader = new StreamReader(Certificate.OpenReadStream());
            try
            {
                certificate = Convert.ToBase64String(Crypto.CertificateAuthority.FromPem(await reader.ReadToEndAsync(cancellationToken)));
            }
            catch (FormatException)
            {
                Fail("certificate", "admin.certificateMalformed");
            }
        }
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

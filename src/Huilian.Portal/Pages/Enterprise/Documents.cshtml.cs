using System.Text.Json;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;
using Huilian.Node.Api;
using Huilian.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Enterprise;

/// <summary>
/// My documents, as far as the ledger lets an enterprise see them. The ledger does not index documents by owner — the
/// owner is a salted commitment, so that no member can list an exporter's documents — so this page shows the
/// documents my financings claim (by key, with their financed share), and looks up any document by its type, number
/// and secret (computed into its key here; nothing is recorded).
/// </summary>
[ForKinds("enterprise")]
public sealed class DocumentsModel : PortalPageModel
{
    [BindProperty]
    public string? Type { get; set; }

    [BindProperty]
    public string? Number { get; set; }

    [BindProperty]
    public string? Secret { get; set; }

    /// <summary>Documents my financings claim: key → (process, financing, state).</summary>
    public IReadOnlyList<(string Key, string Process, string Financing, string State)> Claimed { get; private set; } = [];

    /// <summary>A document looked up.</summary>
    public JsonElement? Found { get; private set; }

    private async Task Load(CancellationToken cancellationToken)
    {
        var claimed = new List<(string, string, string, string)>();
        foreach (var process in WorkspaceApi.Processes.Keys)
        {
            var answer = await Api.Get(Me, $"/v1/workspace/financings?process={process}&limit={WorkspaceApi.PageMax}", cancellationToken);
            foreach (var f in WorkPages.Array(answer, "financings"))
            {
                foreach (var key in WorkPages.Array(f, "keys"))
                {
                    claimed.Add((key.GetString()!, process, WorkPages.Str(f, "id"), WorkPages.Str(f, "state")));
                }
            }
        }
        Claimed = claimed;
    }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        var type = Type is null ? null : DocumentTypes.Find(Type);
        if (type is null)
        {
            Fail("type", "registry.typeMissing");
        }
        if (!Registry.RegistryForms.IsNumber(Number?.Trim()))
        {
            Fail("number", "registry.numberMissing");
        }
        if (!Registry.RegistryForms.IsSecret(Secret?.Trim()))
        {
            Fail("secret", "registry.secretMalformed");
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        var hash = CryptoSuites.Get(Api.Node.Setup.Suite.Name).Hash;
        var key = DocumentKeys.Key(hash, type!.Id, Number!.Trim(), Secret!.Trim()).ToString();
        try
        {
            Found = await Api.Get(Me, "/v1/registry/documents/" + key, cancellationToken);
        }
        catch (PortalProblem problem) when (problem.Status == 404)
        {
            // Not found is an answer here, not a refused page.
            Problem = new PortalProblem(problem.Code, problem.Message, 404);
            Response.StatusCode = 404;
        }
        return Page();
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Matching;

/// <summary>
/// My bank's branches (网点信息维护): id, name and region (GB/T 2260 administrative-division code, six digits), as
/// recorded on the ledger; add a branch or change one (the same id again).
/// </summary>
[Requires("matching.maintain-branches")]
public sealed class BranchesModel : PortalPageModel
{
    [BindProperty]
    public string? Branch { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Region { get; set; }

    public IReadOnlyList<JsonElement> Branches { get; private set; } = [];

    private async Task Load(CancellationToken cancellationToken) =>
        Branches = WorkPages.Array(await Api.Get(Me, "/v1/workspace/branches", cancellationToken), "branches").ToArray();

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        Branch = Branch?.Trim();
        Name = Name?.Trim();
        Region = Region?.Trim();
        if (string.IsNullOrEmpty(Branch))
        {
            Fail("branch", "matching.branchMissing");
        }
        else if (!WorkPages.IsIdentifier(Branch))
        {
            Fail("branch", "matching.branchMalformed");
        }
        if (string.IsNullOrEmpty(Name))
        {
            Fail("name", "matching.nameMissing");
        }
        else if (Name.Length > 128 || Name.Any(char.IsControl))
        {
            Fail("name", "matching.nameMalformed");
        }
        if (string.IsNullOrEmpty(Region))
        {
            Fail("region", "matching.regionMissing");
        }
        else if (Region.Length != 6 || !Region.All(char.IsAsciiDigit) || Region.StartsWith("00", StringComparison.Ordinal))
        {
            Fail("region", "matching.regionMalformed");
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        var receipt = await Api.Submit(Me, "matching", "maintain-branches", new JsonObject { ["branch"] = Branch, ["name"] = Name, ["region"] = Region }, cancellationToken);
        Notice = receipt.Unchanged ? T.Format("matching.unchanged", Branch!) : T.Format("matching.saved", Branch!, Region!);
        return Redirect("/matching/branches");
    }
}

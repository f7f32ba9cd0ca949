using System.Text.Json;
using Huilian.Execution.Modules.Registry;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Registry;

/// <summary>What my organisation published, newest first, paged, by type: key, value and currency, the financed share.</summary>
[Requires("registry.publish-declaration", "registry.publish-invoice", "registry.publish-policy", "registry.publish-transport", "registry.publish-tax-filing")]
public sealed class PublishedModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Offset { get; set; }

    public IReadOnlyList<DocumentType> Types => DocumentTypes.All.Where(t => Me.Holds("registry." + t.PublishAction)).ToArray();

    public IReadOnlyList<JsonElement> Documents { get; private set; } = [];

    public int Total { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(Type) && !Types.Any(t => t.Id == Type))
        {
            Fail("type", "registry.typeNotYours");
            Type = null;
        }
        Offset = Math.Max(0, Offset);
        var query = $"/v1/workspace/published?offset={Offset}&limit={WorkPages.PageSize}" + (string.IsNullOrEmpty(Type) ? "" : "&type=" + Uri.EscapeDataString(Type));
        var answer = await Api.Get(Me, query, cancellationToken);
        Total = (int)WorkPages.U64(answer, "total");
        Documents = WorkPages.Array(answer, "documents").ToArray();
    }

    public string PageLink(int offset) => $"?offset={offset}" + (string.IsNullOrEmpty(Type) ? "" : "&type=" + Uri.EscapeDataString(Type));
}

namespace Huilian.Portal.Pages;

/// <summary>The home page: for a signed-in user, the workspace (organisation, roles, the work its roles grant); otherwise the way in.</summary>
[Anonymous]
public sealed class IndexModel : PortalPageModel
{
    public void OnGet()
    {
    }
}

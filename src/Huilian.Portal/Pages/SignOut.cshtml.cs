using Huilian.Portal.Sessions;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages;

/// <summary>Ends the session: the key held for it is disposed, the cookie removed.</summary>
[Anonymous]
public sealed class SignOutModel : PortalPageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost()
    {
        if (Request.Cookies[PortalSessions.CookieName] is { } id)
        {
            HttpContext.RequestServices.GetRequiredService<PortalSessions>().End(id);
        }
        Response.Cookies.Delete(PortalSessions.CookieName, new CookieOptions { Path = "/" });
        return Redirect("/sign-in");
    }
}

using Huilian.Portal.Hosting;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages;

/// <summary>Switches the portal's language (zh-CN or en) for this browser, for a year, and goes back.</summary>
[Anonymous]
public sealed class LanguageModel : PortalPageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost(string? language, string? returnUrl)
    {
        if (language is not null && PortalText.Languages.Contains(language))
        {
            Response.Cookies.Append(PortalExtension.LanguageCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), SameSite = SameSiteMode.Lax, Path = "/", IsEssential = true });
        }
        return Redirect(LocalOrHome(returnUrl));
    }
}

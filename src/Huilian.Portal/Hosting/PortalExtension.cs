using System.Globalization;
using Huilian.Node.Hosting;
using Huilian.Portal.Sessions;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.ResponseCompression;

namespace Huilian.Portal.Hosting;

/// <summary>
/// The portal, served by the node beside its API (ADR 0015): Razor Pages at the site's root, its browser assets under
/// /assets/, the language from a cookie (hl_lang) or the browser's Accept-Language, compression for pages and assets.
/// The API (/v1, /openapi, /metrics, /health) is left as it is: no culture, no compression, no cookies.
/// </summary>
public sealed class PortalExtension : INodeExtension
{
    public const string LanguageCookie = "hl_lang";

    public void AddServices(WebApplicationBuilder builder, NodeRuntime runtime)
    {
        builder.Services.AddRazorPages(options =>
            {
                options.Conventions.ConfigureFilter(new Microsoft.AspNetCore.Mvc.AutoValidateAntiforgeryTokenAttribute());
            })
            .AddApplicationPart(typeof(PortalExtension).Assembly);
        // The form tokens' keys, kept in the node's folder (sessions themselves live in memory only).
        builder.Services.AddDataProtection().SetApplicationName("huilian-portal")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(runtime.Config.BaseDirectory, "portal-keys")));
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "hl_form";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.FormFieldName = "__form";
        });
        builder.Services.AddResponseCompression(options =>
        {
            options.EnableForHttps = false;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
            options.MimeTypes = ["text/html", "text/css", "application/javascript", "text/csv", "image/svg+xml"];
        });
        // Chinese text as itself, not as character references (a page is a third the size).
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddSingleton(new PortalSessions());
        builder.Services.AddSingleton<PortalText>();
        builder.Services.AddSingleton<PortalApi>();
        builder.Services.AddSingleton(new PortalAssets());
        builder.Services.AddSingleton(new DemoUsers(runtime.Config));
    }

    public void Map(WebApplication app, NodeRuntime runtime)
    {
        var cultures = PortalText.Languages.Select(l => new CultureInfo(l)).ToList();
        var localization = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(PortalText.Chinese),
            SupportedCultures = cultures,
            SupportedUICultures = cultures,
        };
        localization.RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = LanguageCookie }, new AcceptLanguageHeaderRequestCultureProvider()];
        app.UseWhen(IsPortal, portal =>
        {
            portal.UseResponseCompression();
            portal.UseRequestLocalization(localization);
            portal.Use(async (context, next) =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
                await next(context);
            });
        });
        app.MapGet("/assets/{name}", (string name, HttpContext http, PortalAssets assets) => assets.Serve(name, http)).ExcludeFromDescription();
        app.MapRazorPages();
    }

    /// <summary>Everything but the API's own paths.</summary>
    private static bool IsPortal(HttpContext context)
    {
        var path = context.Request.Path;
        return !(path.StartsWithSegments("/v1") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health"));
    }
}

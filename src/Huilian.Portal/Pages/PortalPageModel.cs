using Huilian.Portal.Hosting;
using Huilian.Portal.Sessions;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Huilian.Portal.Pages;

/// <summary>The page is open without signing in (the explorer, sign-in).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnonymousAttribute : Attribute;

/// <summary>The page needs one of these resources (role-catalogue ids); a user holding none gets NotEntitled (403).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresAttribute(params string[] resources) : Attribute
{
    public IReadOnlyList<string> Resources { get; } = resources;
}

/// <summary>The page is for organisations of these kinds (enterprise, regulator…); others get NotEntitled (403).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ForKindsAttribute(params string[] kinds) : Attribute
{
    public IReadOnlyList<string> Kinds { get; } = kinds;
}

/// <summary>
/// The base of every portal page: finds the signed-in user (or sends the browser to sign in, saying when a session
/// expired), enforces the page's <see cref="RequiresAttribute"/> and <see cref="ForKindsAttribute"/>, and turns a
/// refusal from the node (<see cref="PortalProblem"/>) thrown by a handler into the page shown again with the refusal as
/// a sentence and its code — never a blank or error page. Another organisation's record opened by URL is refused
/// by the API (not found or not entitled), and shows so with its status.
/// </summary>
public abstract class PortalPageModel : PageModel
{
    private PortalText? _text;

    public PortalSession? UserSession { get; private set; }

    /// <summary>The signed-in user; only on pages that are not <see cref="AnonymousAttribute"/>.</summary>
    public PortalSession Me => UserSession ?? throw new InvalidOperationException("No user is signed in.");

    public PortalText T => _text ??= HttpContext.RequestServices.GetRequiredService<PortalText>();

    protected PortalApi Api => HttpContext.RequestServices.GetRequiredService<PortalApi>();

    /// <summary>A refusal to show at the top of the page.</summary>
    public PortalProblem? Problem { get; set; }

    /// <summary>A sentence saying what was done (a receipt), shown at the top of the page.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>Field errors found by the page's own checks: field name → text key.</summary>
    public Dictionary<string, string> FieldErrors { get; } = new(StringComparer.Ordinal);

    /// <remarks>
    /// This replaces PageModel's own filter method, so a page's <c>OnPageHandlerExecuting</c>/<c>OnPageHandlerExecuted</c>
    /// overrides do not run: put per-page set-up in the handler itself.
    /// </remarks>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ViewData["PortalPage"] = this;
        var sessions = HttpContext.RequestServices.GetRequiredService<PortalSessions>();
        var cookie = Request.Cookies[PortalSessions.CookieName];
        UserSession = sessions.Find(cookie);
        var type = GetType();
        if (UserSession is null && !type.IsDefined(typeof(AnonymousAttribute), inherit: true))
        {
            var returnUrl = Request.Path + Request.QueryString;
            var expired = cookie is not null ? "&expired=true" : "";
            context.Result = Redirect($"/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}{expired}");
            return;
        }
        if (UserSession is not null)
        {
            var requires = (RequiresAttribute?)Attribute.GetCustomAttribute(type, typeof(RequiresAttribute));
            var kinds = (ForKindsAttribute?)Attribute.GetCustomAttribute(type, typeof(ForKindsAttribute));
            if ((requires is not null && !requires.Resources.Any(UserSession.Holds)) || (kinds is not null && !kinds.Kinds.Contains(UserSession.OrganisationKind)))
            {
                Problem = new PortalProblem("NotEntitled", T.Format("error.NotEntitled.page", UserSession.UserId), 403);
                context.Result = Refused(403);
                return;
            }
        }
        var executed = await next();
        if (executed.Exception is PortalProblem problem && !executed.ExceptionHandled)
        {
            executed.ExceptionHandled = true;
            Problem = problem;
            if (problem.Status is 403 or 404)
            {
                // Another organisation's record by URL: refused, and the page says so.
                executed.Result = Refused(problem.Status);
                return;
            }
            Response.StatusCode = problem.Status is 401 or 503 ? problem.Status : 422;
            executed.Result = Page();
        }
    }

    /// <summary>The refusal page (Pages/Shared/Refused.cshtml, in the layout) with <see cref="Problem"/> and a status.</summary>
    protected IActionResult Refused(int status)
    {
        Response.StatusCode = status;
        return new ViewResult
        {
            ViewName = "Refused",
            StatusCode = status,
            ViewData = new Microsoft.AspNetCore.Mvc.ViewFeatures.ViewDataDictionary<PortalPageModel>(ViewData, this),
            TempData = TempData,
        };
    }

    /// <summary>The sentence for a refusal code: the portal's own text when it has one, else the node's message.</summary>
    public string Sentence(PortalProblem problem) => T.Find("error." + problem.Code) ?? (problem.Message.Length > 0 ? problem.Message : T["error.generic"]);

    /// <summary>Adds a field error (a text key) and returns false, for `if (!Check(...)) return Page();` chains.</summary>
    protected bool Fail(string field, string textKey)
    {
        FieldErrors[field] = textKey;
        return false;
    }

    /// <summary>The error of a field found by the page's checks, as a span the field's aria-describedby names; nothing when none.</summary>
    public Microsoft.AspNetCore.Html.IHtmlContent ErrorFor(string field) =>
        FieldErrors.TryGetValue(field, out var key)
            ? new Microsoft.AspNetCore.Html.HtmlString($"<span class=\"field-error\" id=\"{field}-error\" data-testid=\"field-error-{field}\">{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(T[key])}</span>")
            : Microsoft.AspNetCore.Html.HtmlString.Empty;

    /// <summary>A certificate file is about 1 KiB; anything much larger is not one.</summary>
    public const int CertificateBytesMax = 16 * 1024;

    /// <summary>
    /// An uploaded certificate (PEM, as `huilian org … issue` writes it) as base64 DER for a payload; null with the
    /// field's error when it is missing, too large or not a certificate.
    /// </summary>
    protected async Task<string?> ReadCertificate(IFormFile? file, string field, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            Fail(field, "admin.certificateMissing");
            return null;
        }
        if (file.Length > CertificateBytesMax)
        {
            Fail(field, "admin.certificateTooLarge");
            return null;
        }
        using var reader = new StreamReader(file.OpenReadStream());
        try
        {
            return Convert.ToBase64String(Crypto.CertificateAuthority.FromPem(await reader.ReadToEndAsync(cancellationToken)));
        }
        catch (FormatException)
        {
            Fail(field, "admin.certificateMalformed");
            return null;
        }
    }

    /// <summary>A user's or node's name as certificates carry it: 1 to 64 letters, digits, '-', '_' or '.'.</summary>
    public static bool IsName(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>A local path to go back to, or "/" for anything else (no open redirects).</summary>
    public static string LocalOrHome(string? url) =>
        url is { Length: > 0 and < 2000 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}

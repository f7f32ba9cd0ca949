using System.Text.Json;
using Huilian.Crypto;
using Huilian.Portal.Hosting;
using Huilian.Portal.Sessions;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages;

/// <summary>
/// Sign-in with a keystore file (the user's encrypted key, as `huilian` writes it) and its password, or in a demo
/// network by picking a demo user. Either way the key signs the node API's challenge: the node checks the key's
/// certificate, the user and the organisation exactly as for a transaction, and the portal keeps the key for the
/// session (ADR 0015).
/// </summary>
[Anonymous]
public sealed class SignInModel : PortalPageModel
{
    /// <summary>A keystore is about 600 bytes; anything much larger is not one.</summary>
    public const int KeystoreBytesMax = 16 * 1024;

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Expired { get; set; }

    [BindProperty]
    public IFormFile? Keystore { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? DemoUser { get; set; }

    public IReadOnlyList<(string Organisation, string User)> Demo { get; private set; } = [];

    public void OnGet() => Demo = HttpContext.RequestServices.GetRequiredService<DemoUsers>().List();

    public async Task<IActionResult> OnPostKeystoreAsync(CancellationToken cancellationToken)
    {
        Demo = HttpContext.RequestServices.GetRequiredService<DemoUsers>().List();
        if (Keystore is null || Keystore.Length == 0)
        {
            Fail("keystore", "signIn.keystoreMissing");
        }
        else if (Keystore.Length > KeystoreBytesMax)
        {
            Fail("keystore", "signIn.keystoreTooLarge");
        }
        if (string.IsNullOrEmpty(Password))
        {
            Fail("password", "signIn.passwordMissing");
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        string json;
        using (var reader = new StreamReader(Keystore!.OpenReadStream()))
        {
            json = await reader.ReadToEndAsync(cancellationToken);
        }
        return await SignInWith(json, Password!, cancellationToken);
    }

    public async Task<IActionResult> OnPostDemoAsync(CancellationToken cancellationToken)
    {
        var demo = HttpContext.RequestServices.GetRequiredService<DemoUsers>();
        Demo = demo.List();
        if (DemoUser is null || demo.Find(DemoUser) is not { } found)
        {
            Fail("demoUser", "signIn.demoUnknown");
            Response.StatusCode = 422;
            return Page();
        }
        return await SignInWith(found.KeystoreJson, found.Password, cancellationToken);
    }

    private async Task<IActionResult> SignInWith(string keystoreJson, string password, CancellationToken cancellationToken)
    {
        Core.Crypto.ISigningKey key;
        try
        {
            var keystore = Crypto.Keystore.Parse(keystoreJson);
            if (keystore.Suite != Api.Node.Setup.Suite.Name)
            {
                throw new PortalProblem("KeystoreWrongSuite", T.Format("error.KeystoreWrongSuite", keystore.Suite, Api.Node.Setup.Suite.Name), 422);
            }
            key = keystore.Decrypt(password);
        }
        catch (KeystoreException exception)
        {
            // A wrong password and a damaged file both fail to open the key.
            throw new PortalProblem(exception.Code, exception.Message, 422);
        }
        JsonElement me;
        string token;
        try
        {
            (token, me) = await Api.SignIn(key, cancellationToken);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        var organisation = me.GetProperty("organisation");
        var resources = me.GetProperty("resources").EnumerateArray().Select(r => new GrantedResource(
            r.GetProperty("id").GetString()!, r.GetProperty("kind").GetString()!, r.GetProperty("zh").GetString()!, r.GetProperty("en").GetString()!,
            r.GetProperty("planned").GetBoolean(), r.TryGetProperty("table", out var table) && table.ValueKind == JsonValueKind.String ? table.GetString() : null)).ToArray();
        var sessions = HttpContext.RequestServices.GetRequiredService<PortalSessions>();
        var session = new PortalSession(PortalSessions.NewId(), key, me.GetProperty("user").GetString()!, organisation.GetProperty("id").GetString()!,
            organisation.GetProperty("name").GetString()!, organisation.GetProperty("kind").GetString()!,
            me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToArray(), resources,
            me.GetProperty("hostsOrganisationKey").GetBoolean(), sessions.Now)
        {
            ApiToken = token,
        };
        if (!sessions.Add(session))
        {
            throw new PortalProblem("Busy", T["error.Busy"], 503);
        }
        Response.Cookies.Append(PortalSessions.CookieName, session.Id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = Request.IsHttps,
            Path = "/",
            IsEssential = true,
        });
        return Redirect(LocalOrHome(ReturnUrl));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Execution.Modules.Membership;
using Huilian.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Admin;

/// <summary>
/// An organisation's users: their roles, status and certificates. Its admins register users (a certificate issued
/// by the organisation's CA — `huilian org user issue` — uploaded as PEM; the CA key never comes near the portal),
/// change roles, suspend and reinstate, revoke a certificate and add one (key rotation). The regulator's analyst
/// lists any organisation's users.
/// </summary>
[Requires("membership.list-users")]
public sealed class UsersModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Organisation { get; set; }

    /// <summary>The user whose roles form is open (?edit=NAME).</summary>
    [BindProperty(SupportsGet = true)]
    public string? Edit { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public IFormFile? Certificate { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    /// <summary>The user an action is for (the form field "user").</summary>
    [BindProperty(Name = "user")]
    public string? Subject { get; set; }

    [BindProperty]
    public string? KeyId { get; set; }

    public JsonElement? Users { get; private set; }

    public IReadOnlyList<(string Id, string Name)> Organisations { get; private set; } = [];

    /// <summary>Whether the signed-in user administers the organisation shown.</summary>
    public bool Administers => Me.Holds("membership.register-user") && ShownOrganisation == Me.Organisation;

    public string ShownOrganisation => Organisation is { Length: > 0 } && Me.IsKind("regulator") ? Organisation : Me.Organisation;

    /// <summary>The roles an organisation of the shown kind may hold, from the role catalogue.</summary>
    public IReadOnlyList<RoleDefinition> AssignableRoles => RoleCatalog.Default.Roles.Where(r => r.OrganisationKinds.Count == 0 || r.OrganisationKinds.Contains(Me.OrganisationKind)).ToArray();

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    public async Task<IActionResult> OnPostRegisterAsync(CancellationToken cancellationToken)
    {
        CheckName(Name, "name");
        var certificate = await ReadCertificate(Certificate, "certificate", cancellationToken);
        CheckRoles();
        if (FieldErrors.Count > 0)
        {
            return await Invalid(cancellationToken);
        }
        var payload = new JsonObject { ["name"] = Name!.Trim(), ["certificate"] = certificate, ["roles"] = new JsonArray(Roles.Select(r => (JsonNode)r).ToArray()) };
        await Act("membership", "register-user", payload, "admin.registered", Name.Trim(), cancellationToken);
        return Redirect("/admin/users");
    }

    public async Task<IActionResult> OnPostRolesAsync(CancellationToken cancellationToken)
    {
        Edit = Subject;
        CheckName(Subject, "user");
        CheckRoles(allowNone: true);
        if (FieldErrors.Count > 0)
        {
            return await Invalid(cancellationToken);
        }
        var payload = new JsonObject { ["user"] = Subject, ["roles"] = new JsonArray(Roles.Select(r => (JsonNode)r).ToArray()) };
        await Act("membership", "set-roles", payload, "admin.rolesSet", Subject!, cancellationToken);
        return Redirect("/admin/users");
    }

    public async Task<IActionResult> OnPostSuspendAsync(CancellationToken cancellationToken) => await UserAction("suspend-user", "admin.suspended", cancellationToken);

    public async Task<IActionResult> OnPostReinstateAsync(CancellationToken cancellationToken) => await UserAction("reinstate-user", "admin.reinstated", cancellationToken);

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken)
    {
        if (KeyId is not { Length: 64 } || !KeyId.All(Uri.IsHexDigit))
        {
            Fail("keyId", "admin.keyIdMalformed");
            return await Invalid(cancellationToken);
        }
        await Act("membership", "revoke-certificate", new JsonObject { ["keyId"] = KeyId }, "admin.revoked", KeyId[..16], cancellationToken);
        return Redirect("/admin/users");
    }

    public async Task<IActionResult> OnPostAddCertificateAsync(CancellationToken cancellationToken)
    {
        CheckName(Subject, "user");
        var certificate = await ReadCertificate(Certificate, "certificate", cancellationToken);
        if (FieldErrors.Count > 0)
        {
            return await Invalid(cancellationToken);
        }
        await Act("membership", "add-certificate", new JsonObject { ["user"] = Subject, ["certificate"] = certificate }, "admin.certificateAdded", Subject!, cancellationToken);
        return Redirect("/admin/users");
    }

    private async Task<IActionResult> UserAction(string action, string noticeKey, CancellationToken cancellationToken)
    {
        CheckName(Subject, "user");
        if (FieldErrors.Count > 0)
        {
            return await Invalid(cancellationToken);
        }
        await Act("membership", action, new JsonObject { ["user"] = Subject }, noticeKey, Subject!, cancellationToken);
        return Redirect("/admin/users");
    }

    private async Task Act(string module, string action, JsonObject payload, string noticeKey, string subject, CancellationToken cancellationToken)
    {
        if (!Me.Holds(module + "." + action))
        {
            throw new PortalProblem("NotEntitled", T["error.NotEntitled"], 422);
        }
        try
        {
            var receipt = await Api.Submit(Me, module, action, payload, cancellationToken);
            Notice = receipt.Unchanged ? T.Format("admin.unchanged", receipt.Message) : T.Format(noticeKey, subject, receipt.Height);
        }
        catch (PortalProblem)
        {
            await Load(cancellationToken);
            throw;
        }
    }

    private async Task<IActionResult> Invalid(CancellationToken cancellationToken)
    {
        Response.StatusCode = 422;
        await Load(cancellationToken);
        return Page();
    }

    private async Task Load(CancellationToken cancellationToken)
    {
        if (Me.IsKind("regulator"))
        {
            var organisations = await Api.Get(Me, "/v1/organisations", cancellationToken);
            Organisations = organisations.GetProperty("organisations").EnumerateArray()
                .Select(o => (o.GetProperty("id").GetString()!, o.GetProperty("name").GetString()!)).ToArray();
        }
        Users = await Api.Get(Me, "/v1/organisations/" + Uri.EscapeDataString(ShownOrganisation) + "/users", cancellationToken);
    }

    private void CheckName(string? name, string field)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            Fail(field, "admin.nameMissing");
        }
        else if (!IsName(name.Trim()))
        {
            Fail(field, "admin.nameMalformed");
        }
    }

    private void CheckRoles(bool allowNone = false)
    {
        var known = AssignableRoles.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        if (Roles.Count == 0 && !allowNone)
        {
            Fail("roles", "admin.rolesMissing");
        }
        if (Roles.Any(r => !known.Contains(r)) || Roles.Count > 32)
        {
            Fail("roles", "admin.roleUnknown");
        }
    }
}

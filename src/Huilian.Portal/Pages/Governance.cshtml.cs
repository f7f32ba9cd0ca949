using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Execution.Host;
using Huilian.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages;

/// <summary>
/// Governance: the proposals, newest first, with their votes and outcome; an organisation admin votes for the
/// organisation and proposes changes — suspend or reinstate an organisation, change a protocol parameter, add or
/// remove a validator or change its power, admit an organisation (its CA certificate and its first admin's certificate
/// as PEM files, prepared with `huilian org ca init` and `huilian org user issue`; its data-encryption public key).
/// </summary>
[Requires("gov.propose", "gov.vote")]
public sealed class GovernanceModel : PortalPageModel
{
    public static readonly IReadOnlyList<string> Kinds =
        ["suspend-organisation", "reinstate-organisation", "set-parameter", "add-validator", "remove-validator", "set-validator-power"];

    [BindProperty]
    public string? Kind { get; set; }

    [BindProperty]
    public string? Summary { get; set; }

    [BindProperty]
    public string? ApplyAtHeight { get; set; }

    [BindProperty]
    public string? Subject { get; set; }

    [BindProperty]
    public string? Parameter { get; set; }

    [BindProperty]
    public string? Value { get; set; }

    [BindProperty]
    public string? PublicKey { get; set; }

    [BindProperty]
    public string? Organisation { get; set; }

    [BindProperty]
    public ulong Proposal { get; set; }

    [BindProperty]
    public string? NewId { get; set; }

    [BindProperty]
    public string? NewName { get; set; }

    [BindProperty]
    public string? NewKind { get; set; }

    [BindProperty]
    public IFormFile? CaCertificate { get; set; }

    [BindProperty]
    public string? DataKey { get; set; }

    [BindProperty]
    public string? AdminName { get; set; }

    [BindProperty]
    public IFormFile? AdminCertificate { get; set; }

    [BindProperty]
    public bool Approve { get; set; }

    public JsonElement? Proposals { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    public async Task<IActionResult> OnPostVoteAsync(CancellationToken cancellationToken)
    {
        if (Proposal == 0)
        {
            Fail("proposal", "gov.proposalMissing");
            return await Invalid(cancellationToken);
        }
        await Load(cancellationToken);
        var receipt = await Api.Submit(Me, "gov", "vote", new JsonObject { ["proposal"] = Proposal, ["approve"] = Approve }, cancellationToken);
        Notice = T.Format(Approve ? "gov.votedFor" : "gov.votedAgainst", Proposal, receipt.Height);
        return Redirect("/governance");
    }

    public async Task<IActionResult> OnPostProposeAsync(CancellationToken cancellationToken)
    {
        var payload = new JsonObject();
        if (Kind is null || !Kinds.Contains(Kind))
        {
            Fail("kind", "gov.kindUnknown");
            return await Invalid(cancellationToken);
        }
        payload["kind"] = Kind;
        if (!string.IsNullOrWhiteSpace(Summary))
        {
            payload["summary"] = Summary.Trim().Length <= 256 ? Summary.Trim() : Summary.Trim()[..256];
        }
        if (!string.IsNullOrWhiteSpace(ApplyAtHeight))
        {
            if (!ulong.TryParse(ApplyAtHeight.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var height) || height == 0)
            {
                Fail("applyAtHeight", "gov.heightMalformed");
            }
            payload["applyAtHeight"] = height;
        }
        switch (Kind)
        {
            case "suspend-organisation" or "reinstate-organisation":
                Required("subject", Subject);
                payload["organisation"] = Subject?.Trim();
                break;
            case "set-parameter":
                if (Parameter is null || !ParameterNames.All.Contains(Parameter))
                {
                    Fail("parameter", "gov.parameterUnknown");
                }
                payload["parameter"] = Parameter;
                payload["value"] = Number("value", Value);
                break;
            case "add-validator":
                Required("subject", Subject);
                if (PublicKey is not { Length: 130 } || !PublicKey.All(Uri.IsHexDigit))
                {
                    Fail("publicKey", "gov.publicKeyMalformed");
                }
                Required("organisation", Organisation);
                payload["name"] = Subject?.Trim();
                payload["publicKey"] = PublicKey?.ToLowerInvariant();
                payload["power"] = Number("value", Value);
                payload["organisation"] = Organisation?.Trim();
                break;
            case "remove-validator":
                Required("subject", Subject);
                payload["name"] = Subject?.Trim();
                break;
            case "set-validator-power":
                Required("subject", Subject);
                payload["name"] = Subject?.Trim();
                payload["power"] = Number("value", Value);
                break;
        }
        if (FieldErrors.Count > 0)
        {
            return await Invalid(cancellationToken);
        }
        await Load(cancellationToken);
        var receipt = await Api.Submit(Me, "gov", "propose", payload, cancellationToken);
        Notice = T.Format("gov.proposed", receipt.Result.TryGetProperty("proposal", out var id) ? id.ToString() : "?", receipt.Height);
        return Redirect("/governance");
    }

    public async Task<IActionResult> OnPostAdmitAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(NewId) || NewId.Trim().Length > 64 || NewId.Trim().Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            Fail("newId", "gov.organisationIdMalformed");
        }
        Required("newName", NewName);
        if (NewName is { Length: > 128 })
        {
            Fail("newName", "gov.fieldMissing");
        }
        if (NewKind is null || !Huilian.Core.Genesis.OrganisationKinds.All.Contains(NewKind))
        {
            Fail("newKind", "gov.kindUnknown");
        }
        var ca = await ReadCertificate(CaCertificate, "caCertificate", cancellationToken);
        var key = DataKey?.Trim().ToLowerInvariant();
        if (key is not { Length: 130 } || !key.StartsWith("04", StringComparison.Ordinal) || !key.All(char.IsAsciiHexDigit))
        {
            Fail("dataKey", "gov.publicKeyMalformed");
        }
        if (!IsName(AdminName?.Trim()))
        {
            Fail("adminName", "admin.nameMalformed");
        }
        var admin = await ReadCertificate(AdminCertificate, "adminCertificate", cancellationToken);
        if (FieldErrors.Count > 0)
        {
            return await Invalid(cancellationToken);
        }
        var payload = new JsonObject
        {
            ["kind"] = "admit-organisation",
            ["organisation"] = new JsonObject { ["id"] = NewId!.Trim(), ["name"] = NewName!.Trim(), ["kind"] = NewKind, ["caCertificate"] = ca, ["encryptionKey"] = key },
            ["admins"] = new JsonArray(new JsonObject { ["name"] = AdminName!.Trim(), ["certificate"] = admin }),
        };
        if (!string.IsNullOrWhiteSpace(Summary))
        {
            payload["summary"] = Summary.Trim().Length <= 256 ? Summary.Trim() : Summary.Trim()[..256];
        }
        await Load(cancellationToken);
        var receipt = await Api.Submit(Me, "gov", "propose", payload, cancellationToken);
        Notice = T.Format("gov.proposed", receipt.Result.TryGetProperty("proposal", out var id) ? id.ToString() : "?", receipt.Height);
        return Redirect("/governance");
    }

    private void Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > 64)
        {
            Fail(field, "gov.fieldMissing");
        }
    }

    private ulong Number(string field, string? value)
    {
        if (!ulong.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number == 0)
        {
            Fail(field, "gov.numberMalformed");
        }
        return number;
    }

    private async Task<IActionResult> Invalid(CancellationToken cancellationToken)
    {
        Response.StatusCode = 422;
        await Load(cancellationToken);
        return Page();
    }

    private async Task Load(CancellationToken cancellationToken) => Proposals = await Api.Get(Me, "/v1/gov/proposals?limit=100", cancellationToken);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Node.Hosting;
using Huilian.Portal.Hosting;
using Huilian.Portal.Pages.Watch;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Explorer;

/// <summary>
/// One transaction: its public parts for anyone (signer, action, payload, receipt, block), and — for a signed-in user
/// of an organisation the confidential section is addressed to (the regulator always is) — the section decrypted by
/// the node on request, with a purpose; the node logs every read, allowed or refused.
/// </summary>
[Anonymous]
public sealed class TransactionModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    [BindProperty]
    public string? Purpose { get; set; }

    public JsonElement Transaction { get; private set; }

    public string? SignerName { get; private set; }

    public bool Absent { get; private set; }

    /// <summary>The payload as shown: the confidential envelope (ciphertext) replaced by a note.</summary>
    public string PayloadShown { get; private set; } = "";

    public bool HasConfidential { get; private set; }

    public int ConfidentialRecipients { get; private set; }

    /// <summary>The decrypted section, when read.</summary>
    public JsonElement Confidential { get; private set; }

    public IReadOnlyList<string> Purposes => AccessLog.Purposes;

    public async Task<IActionResult> OnGet(CancellationToken cancellationToken) => await Load(cancellationToken) ? Page() : Missing();

    public async Task<IActionResult> OnPostRead(CancellationToken cancellationToken)
    {
        if (!await Load(cancellationToken))
        {
            return Missing();
        }
        if (UserSession is null)
        {
            return Redirect($"/sign-in?returnUrl={Uri.EscapeDataString("/explorer/tx/" + Id)}");
        }
        if (Purpose is null || !Purposes.Contains(Purpose))
        {
            Fail("purpose", "explorer.confidential.purposeMissing");
            Response.StatusCode = 422;
            return Page();
        }
        try
        {
            Confidential = await Api.Get(Me, $"/v1/confidential/{Id}?purpose={Uri.EscapeDataString(Purpose)}", cancellationToken);
        }
        catch (PortalProblem problem) when (problem.Status is 403 or 404 or 409 or 422)
        {
            // Refused on this transaction's page, not a page of its own: the public parts stay in view.
            Problem = problem;
            Response.StatusCode = problem.Status == 409 ? 409 : 403;
        }
        return Page();
    }

    private async Task<bool> Load(CancellationToken cancellationToken)
    {
        Id = Id.Trim().ToLowerInvariant();
        if (!Show.IsHash(Id))
        {
            Problem = new PortalProblem("RequestMalformed", T.Format("explorer.tx.malformed", Id), 404);
            return false;
        }
        try
        {
            Transaction = await Api.GetPublic("/v1/transactions/" + Id, cancellationToken);
        }
        catch (PortalProblem problem) when (problem.Status is 400 or 404)
        {
            Problem = problem;
            return false;
        }
        var body = Transaction.Prop("transaction");
        var signerId = body.Str("signerId");
        if (signerId.Length > 0)
        {
            try
            {
                SignerName = (await Api.GetPublic("/v1/accounts/" + signerId, cancellationToken)).Str("name");
            }
            catch (PortalProblem)
            {
                SignerName = null;
            }
        }
        var payload = body.Prop("payload");
        if (payload.ValueKind == JsonValueKind.Object)
        {
            var node = JsonNode.Parse(payload.GetRawText())!.AsObject();
            if (node["confidential"] is JsonObject envelope)
            {
                HasConfidential = true;
                ConfidentialRecipients = envelope["recipients"] is JsonArray recipients ? recipients.Count : 0;
                node["confidential"] = T.Format("explorer.confidential.placeholder", ConfidentialRecipients);
            }
            PayloadShown = node.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
        else if (payload.ValueKind != JsonValueKind.Undefined)
        {
            PayloadShown = Show.Pretty(payload);
        }
        return true;
    }

    private IActionResult Missing()
    {
        Absent = true;
        Response.StatusCode = 404;
        return Page();
    }
}

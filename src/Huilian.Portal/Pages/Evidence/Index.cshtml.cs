using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Core;
using Huilian.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Evidence;

/// <summary>
/// Evidence storage (存证): record a document's hash — from a file hashed on this node and not kept, or a hash computed
/// elsewhere — with owner, type and label; look a hash up and download its proof, which anyone can verify offline
/// (`huilian evidence verify`, or the explorer's proof page). Recording needs the evidence-recorder role; looking up
/// is open to every signed-in user.
/// </summary>
[RequestSizeLimit(FileBytesMax + 64 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = FileBytesMax + 64 * 1024)]
public sealed class IndexModel : PortalPageModel
{
    /// <summary>The largest file the portal hashes (the API never sees it: only its hash is recorded).</summary>
    public const long FileBytesMax = 32L * 1024 * 1024;

    [BindProperty]
    public IFormFile? Document { get; set; }

    [BindProperty]
    public string? Hash { get; set; }

    [BindProperty]
    public string? Owner { get; set; }

    [BindProperty]
    public string? Type { get; set; }

    [BindProperty]
    public string? Label { get; set; }

    /// <summary>Text sealed as a confidential section: readable by the recorder's organisation, <see cref="ShareWith"/> and the regulator.</summary>
    [BindProperty]
    public string? Confidential { get; set; }

    [BindProperty]
    public List<string> ShareWith { get; set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? Lookup { get; set; }

    /// <summary>The most text the portal seals (the transaction's payload is bounded too).</summary>
    public const int ConfidentialCharactersMax = 8_000;

    /// <summary>Member organisations to share a confidential section with: id, name, kind, data key.</summary>
    public IReadOnlyList<(string Id, string Name, string Kind, string Key)> Members { get; private set; } = [];

    public JsonElement? Record { get; private set; }

    public bool CanRecord => Me.Holds("evidence.record");

    /// <summary>The chain's crypto suite (intl or gm): which hash the browser computes.</summary>
    public string Suite => Api.Node.Setup.Suite.Name;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadMembers(cancellationToken);
        if (!string.IsNullOrWhiteSpace(Lookup))
        {
            if (!Hash32.TryParse(Lookup.Trim(), out var hash))
            {
                Fail("lookup", "evidence.hashMalformed");
                Response.StatusCode = 422;
                return;
            }
            Record = await FindRecord(hash, cancellationToken);
            if (Record is null)
            {
                Problem = new PortalProblem("EvidenceNotFound", T["error.EvidenceNotFound"], 404);
            }
        }
    }

    public async Task<IActionResult> OnPostRecordAsync(CancellationToken cancellationToken)
    {
        if (!CanRecord)
        {
            throw new PortalProblem("NotEntitled", T["error.NotEntitled"], 422);
        }
        Hash32 hash = default;
        var hasFile = Document is { Length: > 0 };
        var hasHash = !string.IsNullOrWhiteSpace(Hash);
        if (hasFile == hasHash)
        {
            Fail("document", "evidence.fileOrHash");
        }
        else if (hasFile && Document!.Length > FileBytesMax)
        {
            Fail("document", "evidence.fileTooLarge");
        }
        else if (hasHash && !Hash32.TryParse(Hash!.Trim(), out hash))
        {
            Fail("hash", "evidence.hashMalformed");
        }
        CheckLength("owner", Owner, Limits.EvidenceOwnerLengthMax);
        CheckLength("type", Type, Limits.EvidenceTypeLengthMax);
        CheckLength("label", Label, Limits.EvidenceLabelLengthMax);
        await LoadMembers(cancellationToken);
        if (Confidential is { Length: > ConfidentialCharactersMax })
        {
            Fail("confidential", "evidence.confidentialTooLong");
        }
        if (ShareWith.Count > 0 && string.IsNullOrWhiteSpace(Confidential))
        {
            Fail("confidential", "evidence.shareWithoutText");
        }
        if (ShareWith.Any(id => Members.All(m => m.Id != id)) || ShareWith.Count > 16)
        {
            Fail("shareWith", "evidence.shareUnknown");
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        if (hasFile)
        {
            using var buffer = new MemoryStream((int)Document!.Length);
            await Document.CopyToAsync(buffer, cancellationToken);
            hash = Api.Node.Setup.Hash.Hash(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
        var payload = new JsonObject
        {
            ["hash"] = hash.ToString(),
            ["owner"] = Owner?.Trim() ?? "",
            ["type"] = Type?.Trim() ?? "",
            ["label"] = (Label?.Trim() is { Length: > 0 } label ? label : Document?.FileName) ?? "",
        };
        if (!string.IsNullOrWhiteSpace(Confidential))
        {
            // Sealed here, for the recorder's organisation, the chosen ones and every regulator, as the CLI does.
            var recipients = Members.Where(m => m.Id == Me.Organisation || ShareWith.Contains(m.Id) || m.Kind == "regulator")
                .Select(m => Convert.FromHexString(m.Key)).ToList();
            var sealedSection = Crypto.ConfidentialSections.Seal(Api.Node.Setup.Suite.Name, System.Text.Encoding.UTF8.GetBytes(Confidential.Trim()), recipients,
                Execution.Host.ConfidentialEnvelope.AssociatedData(Api.Node.Setup.ChainId, "evidence", "record"));
            payload["confidential"] = JsonNode.Parse(sealedSection.ToJson());
        }
        var receipt = await Api.Submit(Me, "evidence", "record", payload, cancellationToken);
        Notice = receipt.Unchanged
            ? T.Format("evidence.alreadyRecorded", hash)
            : T.Format("evidence.recorded", hash, receipt.Height, receipt.TransactionId);
        return Redirect("/evidence?lookup=" + hash);
    }

    /// <summary>The proof of a recorded hash, as a file for `huilian evidence verify` or the explorer's proof page.</summary>
    public async Task<IActionResult> OnGetProofAsync(string hash, CancellationToken cancellationToken)
    {
        if (!Hash32.TryParse(hash, out var parsed))
        {
            throw new PortalProblem("RequestMalformed", T["evidence.hashMalformed"], 404);
        }
        var body = await Api.Get(Me, "/v1/evidence/" + parsed, cancellationToken);
        var proof = body.GetProperty("proof").GetRawText();
        return File(System.Text.Encoding.UTF8.GetBytes(proof), "application/json", $"evidence-proof-{parsed.ToString()[..16]}.json");
    }

    private async Task LoadMembers(CancellationToken cancellationToken)
    {
        if (!CanRecord)
        {
            return;
        }
        var organisations = await Api.Get(Me, "/v1/organisations", cancellationToken);
        Members = organisations.GetProperty("organisations").EnumerateArray()
            .Select(o => (o.GetProperty("id").GetString()!, o.GetProperty("name").GetString()!, o.GetProperty("kind").GetString()!, o.GetProperty("encryptionKey").GetString()!))
            .ToArray();
    }

    private async Task<JsonElement?> FindRecord(Hash32 hash, CancellationToken cancellationToken)
    {
        try
        {
            return (await Api.Get(Me, "/v1/evidence/" + hash, cancellationToken)).GetProperty("record");
        }
        catch (PortalProblem problem) when (problem.Status == 404)
        {
            return null;
        }
    }

    private void CheckLength(string field, string? value, int max)
    {
        if (value is not null && value.Trim().Length > max)
        {
            FieldErrors[field] = "evidence.tooLong";
        }
    }
}

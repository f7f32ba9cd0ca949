using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Registry;

/// <summary>
/// Verify a document (单证核验) against what its source published: by type, number and secret, with the values the
/// exporter claims (owner, value and currency, any other committed field). The key and the commitments are computed
/// here; the node compares them and records the verification. The outcome is shown as a sentence: Match,
/// FieldMismatch:&lt;field&gt;, NotFound, AlreadyFinancedInFull, CurrencyMismatch, ValueMismatch.
/// </summary>
[Requires("registry.verify")]
public sealed class VerifyModel : PortalPageModel
{
    [BindProperty]
    public string? Type { get; set; }

    [BindProperty]
    public string? Number { get; set; }

    [BindProperty]
    public string? Secret { get; set; }

    [BindProperty]
    public string? Enterprise { get; set; }

    [BindProperty]
    public string? Branch { get; set; }

    [BindProperty]
    public string? Owner { get; set; }

    [BindProperty]
    public string? Value { get; set; }

    [BindProperty]
    public string? Currency { get; set; }

    /// <summary>Other claimed fields, one "name=value" a line.</summary>
    [BindProperty]
    public string? OtherFields { get; set; }

    public IReadOnlyList<(string Id, string Name)> Enterprises { get; private set; } = [];

    /// <summary>My bank's branches: the verifying branch counts in the verification-failure statistics.</summary>
    public IReadOnlyList<(string Id, string Name)> Branches { get; private set; } = [];

    /// <summary>The outcome recorded ("Match", "FieldMismatch:goods"…), the financed share and the verification's number.</summary>
    public (string Outcome, ulong FinancedBp, ulong Verification)? Result { get; private set; }

    private async Task Load(CancellationToken cancellationToken)
    {
        Enterprises = await WorkPages.Organisations(Api, Me, "enterprise", cancellationToken);
        var branches = await Api.Get(Me, "/v1/workspace/branches", cancellationToken);
        Branches = WorkPages.Array(branches, "branches").Select(b => (WorkPages.Str(b, "branch"), WorkPages.Str(b, "name"))).ToArray();
    }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        var type = Type is null ? null : DocumentTypes.Find(Type);
        if (type is null)
        {
            Fail("type", "registry.typeMissing");
        }
        if (!RegistryForms.IsNumber(Number?.Trim()))
        {
            Fail("number", "registry.numberMissing");
        }
        if (!RegistryForms.IsSecret(Secret?.Trim()))
        {
            Fail("secret", "registry.secretMalformed");
        }
        if (!string.IsNullOrEmpty(Enterprise) && !Enterprises.Any(e => e.Id == Enterprise))
        {
            Fail("enterprise", "registry.enterpriseUnknown");
        }
        if (!string.IsNullOrEmpty(Branch) && !Branches.Any(b => b.Id == Branch))
        {
            Fail("branch", "financing.branchUnknown");
        }
        Currency = Currency?.Trim().ToUpperInvariant();
        ulong value = 0;
        if (!string.IsNullOrEmpty(Currency) && !Money.IsCurrencyCode(Currency))
        {
            Fail("currency", "registry.currencyMalformed");
        }
        else if (!string.IsNullOrWhiteSpace(Value))
        {
            if (string.IsNullOrEmpty(Currency))
            {
                Fail("currency", "registry.currencyForValue");
            }
            else if (!Money.TryParse(Value, Currency, out value, out var error))
            {
                Fail("value", "error." + error);
            }
        }
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(Owner))
        {
            fields[DocumentTypes.OwnerField] = Owner.Trim();
        }
        if (type is not null && !RegistryForms.ParseFieldLines(OtherFields, type, fields))
        {
            Fail("otherFields", "registry.fieldsMalformed");
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        var hash = CryptoSuites.Get(Api.Node.Setup.Suite.Name).Hash;
        var number = Number!.Trim();
        var secret = Secret!.Trim();
        var item = new JsonObject
        {
            ["key"] = DocumentKeys.Key(hash, type!.Id, number, secret).ToString(),
            ["type"] = type.Id,
            ["fields"] = JsonNode.Parse(DocumentKeys.CommitmentsJson(hash, type.Id, number, secret, fields))!.AsObject(),
        };
        if (value > 0)
        {
            item["value"] = value;
        }
        if (!string.IsNullOrEmpty(Currency))
        {
            item["currency"] = Currency;
        }
        var payload = new JsonObject { ["documents"] = new JsonArray(item) };
        if (!string.IsNullOrEmpty(Enterprise))
        {
            payload["enterprise"] = Enterprise;
        }
        if (!string.IsNullOrEmpty(Branch))
        {
            payload["branch"] = Branch;
        }
        var receipt = await Api.Submit(Me, "registry", "verify", payload, cancellationToken);
        var outcome = receipt.Result.GetProperty("items")[0];
        Result = (WorkPages.Str(outcome, "outcome"), WorkPages.U64(outcome, "financedBp"),
            receipt.Result.TryGetProperty("verification", out var sequence) && sequence.ValueKind == JsonValueKind.Number ? sequence.GetUInt64() : 0);
        return Page();
    }
}

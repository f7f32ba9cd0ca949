using System.Text.Json.Nodes;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;
using Huilian.Portal.Hosting;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Registry;

/// <summary>
/// Publish one document as its source (customs: declarations; tax: invoices and tax filings; insurer: policies;
/// carrier: transport documents): type, number, value and currency, and the type's fields. The secret is drawn here
/// unless one is given; the key and the salted field commitments are computed here; the number and the values never
/// reach the ledger. The page shows the number, secret and key to hand to the owner.
/// </summary>
[Requires("registry.publish-declaration", "registry.publish-invoice", "registry.publish-policy", "registry.publish-transport", "registry.publish-tax-filing")]
public sealed class PublishModel : PortalPageModel
{
    [BindProperty]
    public string? Type { get; set; }

    [BindProperty]
    public string? Number { get; set; }

    [BindProperty]
    public string? Secret { get; set; }

    [BindProperty]
    public string? Value { get; set; }

    [BindProperty]
    public string? Currency { get; set; }

    [BindProperty]
    public Dictionary<string, string?> Fields { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The types the user's roles may publish.</summary>
    public IReadOnlyList<DocumentType> Types => DocumentTypes.All.Where(t => Me.Holds("registry." + t.PublishAction)).ToArray();

    /// <summary>Every field of those types, in a stable order (a type's own are required, the others left empty).</summary>
    public IReadOnlyList<string> FieldNames => Types.SelectMany(t => t.Fields).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The sentence saying what was published (shown with the secret, on this response only).</summary>
    public string? Done { get; private set; }

    /// <summary>What to hand the owner after publishing: number, secret, key.</summary>
    public (string Type, string Number, string Secret, string Key)? Published { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var type = Types.FirstOrDefault(t => t.Id == Type);
        if (type is null)
        {
            Fail("type", "registry.typeNotYours");
        }
        Number = Number?.Trim();
        if (!RegistryForms.IsNumber(Number))
        {
            Fail("number", "registry.numberMissing");
        }
        Secret = Secret?.Trim();
        if (!string.IsNullOrEmpty(Secret) && !RegistryForms.IsSecret(Secret))
        {
            Fail("secret", "registry.secretMalformed");
        }
        Currency = Currency?.Trim().ToUpperInvariant();
        ulong value = 0;
        if (string.IsNullOrEmpty(Currency))
        {
            Fail("currency", "registry.currencyMissing");
        }
        else if (!Money.IsCurrencyCode(Currency))
        {
            Fail("currency", "registry.currencyMalformed");
        }
        else if (!Money.TryParse(Value, Currency, out value, out var error))
        {
            Fail("value", "error." + error);
        }
        else if (value > RegistryModule.ValueMax)
        {
            Fail("value", "error.AmountTooLarge");
        }
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in FieldNames)
        {
            var given = Fields.GetValueOrDefault(name)?.Trim();
            if (type is null)
            {
                continue;
            }
            if (type.Fields.Contains(name))
            {
                if (string.IsNullOrEmpty(given))
                {
                    Fail("field-" + name, "registry.fieldMissing");
                }
                else if (!RegistryForms.IsFieldValue(given))
                {
                    Fail("field-" + name, "registry.fieldMalformed");
                }
                else
                {
                    fields[name] = given;
                }
            }
            else if (!string.IsNullOrEmpty(given))
            {
                Fail("field-" + name, "registry.fieldNotOfType");
            }
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        var hash = CryptoSuites.Get(Api.Node.Setup.Suite.Name).Hash;
        var secret = string.IsNullOrEmpty(Secret) ? RegistryForms.DrawSecret() : Secret;
        var key = DocumentKeys.Key(hash, type!.Id, Number!, secret).ToString();
        var document = new JsonObject
        {
            ["key"] = key,
            ["type"] = type.Id,
            ["value"] = value,
            ["currency"] = Currency,
            ["fields"] = JsonNode.Parse(DocumentKeys.CommitmentsJson(hash, type.Id, Number!, secret, fields))!.AsObject(),
        };
        var receipt = await Api.Submit(Me, "registry", type.PublishAction, new JsonObject { ["documents"] = new JsonArray(document) }, cancellationToken);
        Published = (type.Id, Number!, secret, key);
        // Shown on this response, not after a redirect: the secret must not sit in a URL or a cookie.
        Done = receipt.Unchanged ? T["registry.publish.unchanged"] : T.Format("registry.publish.done", T.Find("registry.type." + type.Id) ?? type.Id, Number!);
        ModelState.Clear();
        Number = null;
        Secret = null;
        Value = null;
        Fields.Clear();
        return Page();
    }
}

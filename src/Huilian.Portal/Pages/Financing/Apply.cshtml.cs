using System.Text.Json.Nodes;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;
using Huilian.Execution.Modules.Workflow;
using Huilian.Portal.Hosting;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Financing;

/// <summary>One document of an application as the enterprise handed it to the bank: type, number, secret, the claim on it.</summary>
public sealed class DocumentRow
{
    public string? Type { get; set; }

    public string? Number { get; set; }

    public string? Secret { get; set; }

    public string? Claim { get; set; }

    public bool Blank => string.IsNullOrWhiteSpace(Number) && string.IsNullOrWhiteSpace(Secret) && string.IsNullOrWhiteSpace(Claim);
}

/// <summary>
/// Apply on the enterprise's behalf (融资业务代申请), for either process: the enterprise, the currency, the handling
/// branch, the documents' owner as published, and one or more documents with the claim on each. The keys and the owner
/// commitments are computed here from number and secret (as the CLI does); only they reach the node. Every field is
/// checked here first, each document is looked up (found? in the financing's currency?), then the node decides.
/// </summary>
[ForKinds("bank")]
public sealed class ApplyModel : PortalPageModel
{
    public const int Rows = 4;

    [BindProperty(SupportsGet = true)]
    public string? Process { get; set; }

    [BindProperty]
    public string? Enterprise { get; set; }

    [BindProperty]
    public string? Currency { get; set; }

    [BindProperty]
    public string? Branch { get; set; }

    [BindProperty]
    public string? Owner { get; set; }

    [BindProperty]
    public List<DocumentRow> Documents { get; set; } = [];

    public WorkflowDefinition Definition { get; private set; } = null!;

    public IReadOnlyList<(string Id, string Name)> Enterprises { get; private set; } = [];

    public IReadOnlyList<(string Id, string Name)> Branches { get; private set; } = [];

    private async Task Load(CancellationToken cancellationToken)
    {
        Definition = WorkPages.Process(Process, T);
        if (!Me.Holds(Definition.Id + ".apply"))
        {
            throw new PortalProblem("NotEntitled", T.Format("error.NotEntitled.page", Me.UserId), 403);
        }
        while (Documents.Count < Rows)
        {
            Documents.Add(new DocumentRow { Type = Definition.DocumentTypes[0] });
        }
        Enterprises = await WorkPages.Organisations(Api, Me, "enterprise", cancellationToken);
        var branches = await Api.Get(Me, "/v1/workspace/branches", cancellationToken);
        Branches = WorkPages.Array(branches, "branches").Select(b => (WorkPages.Str(b, "branch"), WorkPages.Str(b, "name"))).ToArray();
    }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        if (string.IsNullOrWhiteSpace(Enterprise))
        {
            Fail("enterprise", "financing.enterpriseMissing");
        }
        else if (!Enterprises.Any(e => e.Id == Enterprise))
        {
            Fail("enterprise", "financing.enterpriseUnknown");
        }
        Currency = Currency?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(Currency))
        {
            Fail("currency", "financing.currencyMissing");
        }
        else if (!Money.IsCurrencyCode(Currency))
        {
            Fail("currency", "financing.currencyMalformed");
        }
        if (!string.IsNullOrWhiteSpace(Branch) && !Branches.Any(b => b.Id == Branch))
        {
            Fail("branch", "financing.branchUnknown");
        }
        if (!string.IsNullOrWhiteSpace(Owner) && Owner.Trim().Length > 128)
        {
            Fail("owner", "financing.ownerTooLong");
        }
        var hash = CryptoSuites.Get(Api.Node.Setup.Suite.Name).Hash;
        var documents = new JsonArray();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        ulong amount = 0;
        var filled = Documents.Select((row, index) => (row, index)).Where(r => !r.row.Blank).ToArray();
        if (filled.Length == 0)
        {
            Fail("doc0-number", "financing.documentsMissing");
        }
        foreach (var (row, i) in filled)
        {
            if (row.Type is null || !Definition.DocumentTypes.Contains(row.Type))
            {
                Fail($"doc{i}-type", "financing.documentTypeNotFinanced");
                continue;
            }
            if (!Registry.RegistryForms.IsNumber(row.Number?.Trim()))
            {
                Fail($"doc{i}-number", "financing.numberMissing");
            }
            if (!Registry.RegistryForms.IsSecret(row.Secret?.Trim()))
            {
                Fail($"doc{i}-secret", "financing.secretMalformed");
            }
            ulong claim = 0;
            if (Money.IsCurrencyCode(Currency) && !Money.TryParse(row.Claim, Currency!, out claim, out var amountError))
            {
                Fail($"doc{i}-claim", "error." + amountError);
            }
            if (FieldErrors.Keys.Any(k => k.StartsWith($"doc{i}-", StringComparison.Ordinal)) || !Money.IsCurrencyCode(Currency))
            {
                continue;
            }
            var number = row.Number!.Trim();
            var secret = row.Secret!.Trim();
            var key = DocumentKeys.Key(hash, row.Type, number, secret).ToString();
            if (!keys.Add(key))
            {
                Fail($"doc{i}-number", "financing.documentListedTwice");
                continue;
            }
            // The document as registered: found, and in the financing's currency (ADR 0013)?
            try
            {
                var registered = await Api.Get(Me, "/v1/registry/documents/" + key, cancellationToken);
                if (WorkPages.Str(registered, "currency") != Currency)
                {
                    Fail($"doc{i}-claim", "financing.currencyNotDocuments");
                    FieldErrors["currency"] = "financing.currencyNotDocuments";
                    continue;
                }
            }
            catch (PortalProblem problem) when (problem.Status == 404)
            {
                Fail($"doc{i}-number", "financing.documentNotFound");
                continue;
            }
            amount = checked(amount + claim);
            var owner = string.IsNullOrWhiteSpace(Owner) ? Enterprise! : Owner.Trim();
            var fields = new SortedDictionary<string, string>(StringComparer.Ordinal) { [DocumentTypes.OwnerField] = owner };
            documents.Add(new JsonObject
            {
                ["key"] = key,
                ["claim"] = claim,
                ["fields"] = JsonNode.Parse(DocumentKeys.CommitmentsJson(hash, row.Type, number, secret, fields))!.AsObject(),
            });
        }
        if (FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        var payload = new JsonObject
        {
            ["enterprise"] = Enterprise,
            ["currency"] = Currency,
            ["amount"] = amount,
            ["documents"] = documents,
        };
        if (!string.IsNullOrWhiteSpace(Branch))
        {
            payload["branch"] = Branch;
        }
        var receipt = await Api.Submit(Me, Definition.Id, "apply", payload, cancellationToken);
        var id = WorkPages.Str(receipt.Result, "financing");
        Notice = T.Format("financing.createdNotice", id, Money.Format(amount, Currency!));
        return Redirect($"/financing/{Definition.Id}/{Uri.EscapeDataString(id)}");
    }
}

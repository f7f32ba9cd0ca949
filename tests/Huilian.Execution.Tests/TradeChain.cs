using System.Text;
using Huilian.Core;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Execution.Tests;

/// <summary>
/// A document as its holder knows it: type, number, the secret its source handed out, value and currency, and the
/// values of its committed fields. Computes the registry key and commitments the way a client does.
/// </summary>
internal sealed record TestDocument(string Type, string Number, string Secret, ulong Value, string Currency, SortedDictionary<string, string> Fields)
{
    public static TestDocument Declaration(string number, ulong value, string owner = "acme", string currency = "USD") =>
        new(DocumentTypes.CustomsDeclaration, number, "s3cret-" + number + "-0123456789", value, currency, new(StringComparer.Ordinal)
        {
            [DocumentTypes.OwnerField] = owner,
            ["goods"] = "8471.30 portable computers, 400 units",
            ["export-date"] = "2026-11-02",
            ["port"] = "CNSHA",
        });

    public Hash32 Key(TradeChain chain) => DocumentKeys.Key(chain.Chain.Suite.Hash, Type, Number, Secret);

    /// <summary>Field commitments as a JSON object; <paramref name="overrides"/> replaces claimed values (a mismatch), <paramref name="only"/> limits the fields.</summary>
    public string FieldsJson(TradeChain chain, IReadOnlyDictionary<string, string>? overrides = null, IReadOnlyList<string>? only = null, string? secret = null)
    {
        var claimed = Fields.Where(f => only is null || only.Contains(f.Key))
            .Select(f => KeyValuePair.Create(f.Key, overrides is not null && overrides.TryGetValue(f.Key, out var other) ? other : f.Value));
        return DocumentKeys.CommitmentsJson(chain.Chain.Suite.Hash, Type, Number, secret ?? Secret, claimed);
    }

    public string PublishItem(TradeChain chain) =>
        $"{{\"key\":\"{Key(chain)}\",\"type\":\"{Type}\",\"value\":{Value},\"currency\":\"{Currency}\",\"fields\":{FieldsJson(chain)}}}";

    /// <summary>A verify item: what a bank holding the number and secret claims.</summary>
    public string VerifyItem(TradeChain chain, IReadOnlyDictionary<string, string>? overrides = null, string? secret = null, string? type = null)
    {
        var key = DocumentKeys.Key(chain.Chain.Suite.Hash, type ?? Type, Number, secret ?? Secret);
        // Claiming another type, a client sends only the fields both types share (the owner).
        var only = type is null || type == Type ? null : new[] { DocumentTypes.OwnerField };
        return $"{{\"key\":\"{key}\",\"type\":\"{type ?? Type}\",\"value\":{Value},\"currency\":\"{Currency}\",\"fields\":{FieldsJson(chain, overrides, only, secret)}}}";
    }

    /// <summary>An application's document: key, claim, and the owner (and optionally every) field.</summary>
    public string ApplicationItem(TradeChain chain, ulong claim, IReadOnlyDictionary<string, string>? overrides = null, string? secret = null) =>
        $"{{\"key\":\"{DocumentKeys.Key(chain.Chain.Suite.Hash, Type, Number, secret ?? Secret)}\",\"claim\":{claim},\"fields\":{FieldsJson(chain, overrides, null, secret)}}}";
}

/// <summary>
/// A consortium for trade-finance tests: the five founders of <see cref="TestChain"/> plus a tax authority, an insurer
/// and a carrier; a publisher at each source; at bank-a and bank-b a clerk for every step of export receivables
/// financing (proxy, acceptor, reviewer, disburser, repayer, statistician, enabler); a regulator analyst.
/// </summary>
internal sealed class TradeChain
{
    public static readonly string[] Banks = ["bank-a", "bank-b"];

    public TradeChain(string suite = "intl")
    {
        Chain = new TestChain(suite, [("tax", OrganisationKinds.TaxAuthority), ("sinosure", OrganisationKinds.Insurer), ("cosco", OrganisationKinds.Carrier), ("globex", OrganisationKinds.Enterprise)], [], null);
        Chain.RegisterUser("customs", "publisher", "customs-publisher");
        Chain.RegisterUser("tax", "publisher", "tax-publisher");
        Chain.RegisterUser("sinosure", "publisher", "insurer-publisher");
        Chain.RegisterUser("cosco", "publisher", "carrier-publisher");
        Chain.RegisterUser("regulator", "analyst", "regulator-analyst");
        foreach (var bank in Banks)
        {
            Chain.RegisterUser(bank, "proxy", "financing-proxy-clerk");
            Chain.RegisterUser(bank, "acceptor", "financing-acceptance-clerk");
            Chain.RegisterUser(bank, "reviewer", "financing-review-clerk");
            Chain.RegisterUser(bank, "disburser", "financing-disbursement-clerk");
            Chain.RegisterUser(bank, "repayer", "financing-repayment-clerk");
            Chain.RegisterUser(bank, "statistician", "bank-statistician");
            Chain.RegisterUser(bank, "enabler", "enabling-clerk");
        }
    }

    public TestChain Chain { get; }

    public DictionaryState State => Chain.State;

    public Transaction By(string user, string module, string action, string payload) => Chain.By(user, module, action, payload);

    public Receipt Run(Transaction transaction) => Chain.Run(transaction);

    public Receipt Run(string user, string module, string action, string payload) => Chain.Run(Chain.By(user, module, action, payload));

    public Receipt Publish(params TestDocument[] documents) =>
        Run("customs/publisher", "registry", "publish-declaration", "{\"documents\":[" + string.Join(",", documents.Select(d => d.PublishItem(this))) + "]}");

    public Receipt Enable(string bank, string enterprise = "acme") => Run(bank + "/enabler", "credit", "enable", $"{{\"enterprise\":\"{enterprise}\"}}");

    public Transaction ApplyTx(string bank, ulong amount, string documents, string enterprise = "acme", string currency = "USD", string branch = "shanghai") =>
        By(bank + "/proxy", "receivables", "apply",
            $"{{\"enterprise\":\"{enterprise}\",\"branch\":\"{branch}\",\"currency\":\"{currency}\",\"amount\":{amount},\"documents\":[{documents}]}}");

    public Receipt Apply(string bank, ulong amount, string documents, string enterprise = "acme", string currency = "USD", string branch = "shanghai") =>
        Run(ApplyTx(bank, amount, documents, enterprise, currency, branch));

    public Receipt Step(string user, string action, string financing, string more = "") =>
        Run(StepTx(user, action, financing, more));

    public Transaction StepTx(string user, string action, string financing, string more = "") =>
        By(user, "receivables", action, $"{{\"financing\":\"{financing}\"{(more.Length == 0 ? "" : "," + more)}}}");

    public Transaction DisburseTx(string bank, string financing, ulong amount) =>
        StepTx(bank + "/disburser", "disburse", financing, $"\"amount\":{amount},\"value-date\":\"2026-11-20\",\"rate-bp\":425,\"term-days\":90");

    /// <summary>Applies, accepts and approves a financing at <paramref name="bank"/>; returns its id.</summary>
    public string Approved(string bank, ulong amount, string documents, string enterprise = "acme")
    {
        var applied = Apply(bank, amount, documents, enterprise);
        Assert.True(applied.Code == ResultCodes.Ok, applied.Code + ": " + applied.Message);
        var id = FinancingId(applied);
        Assert.Equal(ResultCodes.Ok, Step(bank + "/acceptor", "accept", id).Code);
        var reviewed = Step(bank + "/reviewer", "review", id, "\"decision\":\"approve\"");
        Assert.True(reviewed.Code == ResultCodes.Ok, reviewed.Code + ": " + reviewed.Message);
        return id;
    }

    /// <summary>Applies, accepts, approves and disburses <paramref name="amount"/>; returns the financing id.</summary>
    public string Disbursed(string bank, ulong amount, string documents, string enterprise = "acme")
    {
        var id = Approved(bank, amount, documents, enterprise);
        var disbursed = Run(DisburseTx(bank, id, amount));
        Assert.True(disbursed.Code == ResultCodes.Ok, disbursed.Code + ": " + disbursed.Message);
        return id;
    }

    public static string FinancingId(Receipt receipt)
    {
        using var document = System.Text.Json.JsonDocument.Parse(receipt.Result);
        return document.RootElement.GetProperty("financing").GetString()!;
    }

    public DocumentRecord? Document(TestDocument document) => FinancingGuard.ReadDocument(State, document.Key(this));

    /// <summary>The state, minus what a refused transaction may still write (its signer's nonce, an alert).</summary>
    public SortedDictionary<string, string> Snapshot(bool includeAlerts = false)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in State.Snapshot())
        {
            var text = Encoding.ASCII.GetString(key);
            if (text.StartsWith("sys.nonce/", StringComparison.Ordinal) || (!includeAlerts && text.StartsWith("registry/alert", StringComparison.Ordinal)))
            {
                continue;
            }
            result[Convert.ToHexString(key)] = Convert.ToHexString(value);
        }
        return result;
    }

    public UserRecord UserRecord(string user)
    {
        var parts = user.Split('/');
        return MembershipState.ReadUser(State, parts[0], parts[1])!;
    }

    public OrganisationRecord Organisation(string id) => MembershipState.ReadOrganisation(State, id)!;
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Cli;

/// <summary>
/// Seeds a new demo network (issue 5, item 7) as a real client would: signed transactions of the demo users,
/// submitted in batches through the node's API, phase by phase (each phase waits for the previous one to commit,
/// since a review needs the acceptance before it). What is seeded is a fixed function of the plan below — no
/// randomness, no clock — so every new network holds the same documents, financings and ids:
/// <list type="bullet">
/// <item>400 documents: 240 customs declarations (every seventh in EUR), 96 commercial invoices, 24 credit-insurance
/// policies, 40 bills of lading, owned by the four exporters;</item>
/// <item>every bank records its branches and their regions (matching.maintain-branches) and enables every exporter; each bank's proxy clerk verifies the declarations it finances, per branch
/// and enterprise, with a wrong secret (NotFound) and a wrong port (FieldMismatch) among them;</item>
/// <item>40 financings a bank, one declaration each (every fifth USD one also an invoice), in every state: applied,
/// accepted, approved, rejected, disbursed, partially repaid, repaid, cancelled (from applied and from approved);</item>
/// <item>one refused attempt: bank B applies against a declaration bank A financed in full
/// (DocumentAlreadyFinancedInFull), which leaves the regulator's one alert.</item>
/// </list>
/// The numbers and secrets go to <c>demo/documents.csv</c>, the financings to <c>demo/financings.csv</c>, so that a
/// person can verify and finance the unfinanced documents by hand. Demo secrets derive from the document number:
/// anyone can recompute them, which is right for a demo and wrong for anything else.
/// </summary>
public static class DemoSeed
{
    public const int Declarations = 240;
    public const int Invoices = 96;
    public const int Policies = 24;
    public const int BillsOfLading = 40;
    public const int FinancingsPerBank = 40;

    /// <summary>The states of the plan, by financing index modulo 10.</summary>
    public static readonly string[] Plan =
        ["applied", "accepted", "approved", "rejected", "disbursed", "partially-repaid", "repaid", "cancelled-applied", "disbursed", "cancelled-approved"];

    private static readonly string[] Goods = ["8471.30 laptops", "6204.62 cotton trousers", "8429.51 front loaders", "8541.43 solar modules", "9403.60 wooden furniture", "8516.50 microwave ovens"];
    private static readonly string[] Ports = ["CNSHA", "CNNGB", "CNSZX", "CNTAO"];
    private static readonly string[] Buyers = ["Rotterdam Trading B.V.", "Hamburg Import GmbH", "Dubai Gulf Supplies LLC", "Lagos Continental Ltd", "Santos Comercio S.A."];

    public sealed record Document(string Type, string Number, string Secret, ulong Value, string Currency, SortedDictionary<string, string> Fields)
    {
        public string Owner => Fields[DocumentTypes.OwnerField];
    }

    public sealed record Financing(string Bank, int Index, string Branch, string Enterprise, string Currency, (Document Document, ulong Claim)[] Claims, string Planned)
    {
        public ulong Amount => Claims.Aggregate(0UL, (sum, c) => sum + c.Claim);

        public string Id { get; set; } = "";
    }

    private static string Secret(string number) =>
        "demo-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("huilian/demo/secret/v1\0" + number)))[..20];

    private static string Date(int month, int day) => string.Create(CultureInfo.InvariantCulture, $"2026-{month:D2}-{day:D2}");

    public static IReadOnlyList<Document> DeclarationsPlan() => Enumerable.Range(0, Declarations).Select(i =>
    {
        var number = string.Create(CultureInfo.InvariantCulture, $"22202026{i + 1:D10}");
        var value = (ulong)(15_000 + (i * 7919 % 186) * 1_000) * 100;
        return new Document(DocumentTypes.CustomsDeclaration, number, Secret(number), value, i % 7 == 3 ? "EUR" : "USD",
            new(StringComparer.Ordinal)
            {
                [DocumentTypes.OwnerField] = DemoConsortium.Exporters[OwnerIndex(i)],
                ["goods"] = Goods[(i / 4) % Goods.Length],
                ["export-date"] = Date(1 + i % 10, 1 + i % 28),
                ["port"] = Ports[(i / 3) % Ports.Length],
            });
    }).ToArray();

    public static IReadOnlyList<Document> InvoicesPlan() => Enumerable.Range(0, Invoices).Select(j =>
    {
        var number = string.Create(CultureInfo.InvariantCulture, $"3100{j + 1:D8}");
        return new Document(DocumentTypes.CommercialInvoice, number, Secret(number), (ulong)(20_000 + j * 31 % 50 * 1_000) * 100, "USD",
            new(StringComparer.Ordinal)
            {
                [DocumentTypes.OwnerField] = DemoConsortium.Exporters[j % 4],
                ["buyer"] = Buyers[j % Buyers.Length],
                ["goods"] = Goods[j % Goods.Length],
                ["issue-date"] = Date(1 + j % 10, 1 + j % 28),
            });
    }).ToArray();

    public static IReadOnlyList<Document> PoliciesPlan() => Enumerable.Range(0, Policies).Select(j =>
    {
        var number = string.Create(CultureInfo.InvariantCulture, $"SINO-2026-{j + 1:D5}");
        return new Document(DocumentTypes.CreditInsurancePolicy, number, Secret(number), (ulong)(100_000 + j * 10_000) * 100, "USD",
            new(StringComparer.Ordinal)
            {
                [DocumentTypes.OwnerField] = DemoConsortium.Exporters[j % 4],
                ["buyer"] = Buyers[j % Buyers.Length],
                ["valid-until"] = Date(12, 1 + j % 28),
            });
    }).ToArray();

    public static IReadOnlyList<Document> BillsOfLadingPlan() => Enumerable.Range(0, BillsOfLading).Select(j =>
    {
        var number = string.Create(CultureInfo.InvariantCulture, $"COSU{6200000 + j + 1}");
        return new Document(DocumentTypes.BillOfLading, number, Secret(number), (ulong)(2_000 + j * 50) * 100, "USD",
            new(StringComparer.Ordinal)
            {
                [DocumentTypes.OwnerField] = DemoConsortium.Exporters[j % 4],
                ["consignee"] = Buyers[j % Buyers.Length],
                ["route"] = Ports[j % Ports.Length] + "-NLRTM",
                ["ship-date"] = Date(1 + j % 10, 2 + j % 27),
            });
    }).ToArray();

    /// <summary>The financings: bank b's k-th finances declaration 80·b + k (80% of it; bank A's fifth, 100%), in state Plan[k mod 10].</summary>
    public static IReadOnlyList<Financing> FinancingsPlan(IReadOnlyList<Document> declarations, IReadOnlyList<Document> invoices)
    {
        var financings = new List<Financing>();
        for (var b = 0; b < DemoConsortium.Banks.Count; b++)
        {
            var (bank, branches) = DemoConsortium.Banks[b];
            for (var k = 0; k < FinancingsPerBank; k++)
            {
                var declaration = declarations[80 * b + k];
                var claim = FullyFinanced(b, k) ? declaration.Value : declaration.Value / 100 * 80;
                var claims = new List<(Document, ulong)> { (declaration, claim) };
                if (k % 5 == 0 && declaration.Currency == "USD")
                {
                    var invoice = invoices[4 * (8 * b + k / 5) + OwnerIndex(80 * b + k)];
                    claims.Add((invoice, 1_000_000));
                }
                financings.Add(new Financing(bank, k, branches[k % 2].Id, declaration.Owner, declaration.Currency, [.. claims], Plan[k % 10]));
            }
        }
        return financings;
    }

    /// <summary>Declaration i's exporter: mixed so that every exporter has financings in every state at every bank.</summary>
    private static int OwnerIndex(int i) => (i + i / 10) % 4;

    private static bool FullyFinanced(int bank, int index) => bank == 0 && index == 4;

    /// <summary>Seeds the network at <paramref name="nodeUrl"/> (new, made by `huilian up`) and writes demo/.</summary>
    public static async Task Run(NetworkLayout layout, string nodeUrl, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var password = layout.ReadPassword(null);
        using var client = new NodeClient(nodeUrl);
        var chain = await client.GetChainInfo(cancellationToken);
        var hash = CryptoSuites.Get(chain.Suite).Hash;
        var seeder = new Seeder(client, layout, password, chain, hash);
        try
        {
            var declarations = DeclarationsPlan();
            var invoices = InvoicesPlan();
            var policies = PoliciesPlan();
            var bills = BillsOfLadingPlan();
            var financings = FinancingsPlan(declarations, invoices);

            // 1. Publish every document; every bank enables every exporter.
            var phase = new List<(Transaction, string?)>();
            foreach (var (publisher, action, documents) in new[]
            {
                ("customs/publisher", "publish-declaration", declarations), ("tax/publisher", "publish-invoice", invoices),
                ("insurer/publisher", "publish-policy", policies), ("carrier/publisher", "publish-transport", bills),
            })
            {
                foreach (var chunk in documents.Chunk(200))
                {
                    phase.Add((await seeder.Sign(publisher, "registry", action, PublishPayload(hash, chunk)), null));
                }
            }
            foreach (var (bank, branches) in DemoConsortium.Banks)
            {
                foreach (var (id, name, region) in branches)
                {
                    phase.Add((await seeder.Sign(bank + "/branches", "matching", "maintain-branches", new JsonObject { ["branch"] = id, ["name"] = name, ["region"] = region }), null));
                }
                foreach (var exporter in DemoConsortium.Exporters)
                {
                    phase.Add((await seeder.Sign(bank + "/enabler", "credit", "enable", new JsonObject { ["enterprise"] = exporter }), null));
                }
            }
            await seeder.Commit(phase, cancellationToken);

            // 2. Each bank's proxy clerk verifies, then applies: one bank after the other, so the ids are the same every time.
            foreach (var (bank, branches) in DemoConsortium.Banks)
            {
                var own = financings.Where(f => f.Bank == bank).ToArray();
                phase = [];
                foreach (var group in own.GroupBy(f => (f.Branch, f.Enterprise)))
                {
                    var items = new JsonArray();
                    foreach (var financing in group)
                    {
                        var declaration = financing.Claims[0].Document;
                        items.Add(VerifyItem(hash, declaration, declaration.Fields));
                    }
                    var first = group.First().Claims[0].Document;
                    if (group.Key.Branch == branches[0].Id)
                    {
                        items.Add(VerifyItem(hash, first with { Secret = first.Secret + "-typo" }, first.Fields));
                    }
                    else
                    {
                        items.Add(VerifyItem(hash, first, new SortedDictionary<string, string>(first.Fields, StringComparer.Ordinal) { ["port"] = "CNXMN" }));
                    }
                    phase.Add((await seeder.Sign(bank + "/proxy", "registry", "verify",
                        new JsonObject { ["documents"] = items, ["enterprise"] = group.Key.Enterprise, ["branch"] = group.Key.Branch }), null));
                }
                var applications = new List<(Financing, Transaction)>();
                foreach (var financing in own)
                {
                    var transaction = await seeder.Sign(bank + "/proxy", "receivables", "apply", ApplyPayload(hash, financing));
                    applications.Add((financing, transaction));
                    phase.Add((transaction, null));
                }
                var receipts = await seeder.Commit(phase, cancellationToken);
                foreach (var (financing, transaction) in applications)
                {
                    financing.Id = receipts[transaction.Id].GetProperty("result").GetProperty("financing").GetString()!;
                }
            }

            // 3. to 6. The steps, each phase waiting for the one before.
            await seeder.Commit(await Steps(seeder, financings, f => f.Planned switch
            {
                "applied" => null,
                "cancelled-applied" => ("proxy", "cancel", new JsonObject { ["financing"] = f.Id, ["reason"] = "The exporter withdrew the application." }),
                _ => ("acceptor", "accept", new JsonObject { ["financing"] = f.Id }),
            }), cancellationToken);
            await seeder.Commit(await Steps(seeder, financings, f => f.Planned switch
            {
                "applied" or "accepted" or "cancelled-applied" => null,
                "rejected" => ("reviewer", "review", new JsonObject { ["financing"] = f.Id, ["decision"] = "reject", ["reason"] = "The buyer's payment record is insufficient." }),
                _ => ("reviewer", "review", new JsonObject { ["financing"] = f.Id, ["decision"] = "approve" }),
            }), cancellationToken);
            await seeder.Commit(await Steps(seeder, financings, f => f.Planned switch
            {
                "disbursed" or "partially-repaid" or "repaid" => ("disburser", "disburse", new JsonObject
                {
                    ["financing"] = f.Id, ["amount"] = f.Amount, ["value-date"] = Date(11, 1 + f.Index % 20),
                    ["rate-bp"] = 300 + f.Index * 7 % 200, ["term-days"] = f.Index % 3 == 0 ? 180 : 90,
                }),
                "cancelled-approved" => ("disburser", "cancel", new JsonObject { ["financing"] = f.Id, ["reason"] = "The exporter found cheaper funding." }),
                _ => null,
            }), cancellationToken);
            var repayments = await Steps(seeder, financings, f => f.Planned switch
            {
                "partially-repaid" => ("repayer", "repay", new JsonObject { ["financing"] = f.Id, ["amount"] = f.Amount / 100 * 40, ["value-date"] = Date(11, 21 + f.Index % 8) }),
                "repaid" => ("repayer", "repay", new JsonObject { ["financing"] = f.Id, ["amount"] = f.Amount, ["value-date"] = Date(11, 21 + f.Index % 8) }),
                _ => null,
            });
            // Bank B, handed the declaration bank A financed in full, applies against it: refused, and an alert.
            var twice = financings.Single(f => f.Bank == "bank-a" && FullyFinanced(0, f.Index));
            var attempt = twice with { Bank = "bank-b", Branch = DemoConsortium.Banks[1].Branches[0].Id, Claims = [(twice.Claims[0].Document, twice.Amount / 100 * 30)] };
            repayments.Add((await seeder.Sign("bank-b/proxy", "receivables", "apply", ApplyPayload(hash, attempt)), "DocumentAlreadyFinancedInFull"));
            await seeder.Commit(repayments, cancellationToken);

            WriteFiles(layout, [.. declarations, .. invoices, .. policies, .. bills], financings);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Seeded the demo in {started.ElapsedMilliseconds} ms: {declarations.Count + invoices.Count + policies.Count + bills.Count} documents, {financings.Count} financings in every state, {seeder.Submitted} transactions; numbers and secrets in {Path.Combine(layout.Directory, "demo", "documents.csv")}."));
        }
        finally
        {
            seeder.Dispose();
        }
    }

    private static async Task<List<(Transaction, string?)>> Steps(Seeder seeder, IEnumerable<Financing> financings, Func<Financing, (string Clerk, string Action, JsonObject Payload)?> step)
    {
        var phase = new List<(Transaction, string?)>();
        foreach (var financing in financings)
        {
            if (step(financing) is { } s)
            {
                phase.Add((await seeder.Sign(financing.Bank + "/" + s.Clerk, "receivables", s.Action, s.Payload), null));
            }
        }
        return phase;
    }

    private static JsonObject PublishPayload(IHashFunction hash, IEnumerable<Document> documents)
    {
        var items = new JsonArray();
        foreach (var document in documents)
        {
            items.Add(new JsonObject
            {
                ["key"] = DocumentKeys.Key(hash, document.Type, document.Number, document.Secret).ToString(),
                ["type"] = document.Type,
                ["value"] = document.Value,
                ["currency"] = document.Currency,
                ["fields"] = Commitments(hash, document, document.Fields),
            });
        }
        return new JsonObject { ["documents"] = items };
    }

    private static JsonObject VerifyItem(IHashFunction hash, Document document, SortedDictionary<string, string> claimed) => new()
    {
        ["key"] = DocumentKeys.Key(hash, document.Type, document.Number, document.Secret).ToString(),
        ["type"] = document.Type,
        ["value"] = document.Value,
        ["currency"] = document.Currency,
        ["fields"] = Commitments(hash, document, claimed),
    };

    private static JsonObject ApplyPayload(IHashFunction hash, Financing financing)
    {
        var documents = new JsonArray();
        foreach (var (document, claim) in financing.Claims)
        {
            documents.Add(new JsonObject
            {
                ["key"] = DocumentKeys.Key(hash, document.Type, document.Number, document.Secret).ToString(),
                ["claim"] = claim,
                ["fields"] = Commitments(hash, document, new(StringComparer.Ordinal) { [DocumentTypes.OwnerField] = document.Owner }),
            });
        }
        return new JsonObject
        {
            ["enterprise"] = financing.Enterprise,
            ["branch"] = financing.Branch,
            ["currency"] = financing.Currency,
            ["amount"] = financing.Amount,
            ["documents"] = documents,
        };
    }

    private static JsonObject Commitments(IHashFunction hash, Document document, SortedDictionary<string, string> fields)
    {
        return JsonNode.Parse(DocumentKeys.CommitmentsJson(hash, document.Type, document.Number, document.Secret, fields))!.AsObject();
    }

    private static void WriteFiles(NetworkLayout layout, IReadOnlyList<Document> documents, IReadOnlyList<Financing> financings)
    {
        var directory = Path.Combine(layout.Directory, "demo");
        Directory.CreateDirectory(directory);
        var financedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var financing in financings)
        {
            foreach (var (document, _) in financing.Claims)
            {
                financedBy[document.Type + "\0" + document.Number] = $"{financing.Id} {financing.Bank} {financing.Planned}";
            }
        }
        var text = new StringBuilder("type,number,secret,owner,valueMinor,currency,fields,seededFinancing\n");
        foreach (var document in documents)
        {
            var fields = string.Join(";", document.Fields.Select(f => $"{f.Key}={f.Value}"));
            text.Append(CultureInfo.InvariantCulture, $"{document.Type},{document.Number},{document.Secret},{document.Owner},{document.Value},{document.Currency},\"{fields}\",{financedBy.GetValueOrDefault(document.Type + "\0" + document.Number, "")}\n");
        }
        File.WriteAllText(Path.Combine(directory, "documents.csv"), text.ToString());
        var list = new StringBuilder("financing,bank,branch,enterprise,plannedState,currency,amountMinor,documents\n");
        foreach (var financing in financings)
        {
            list.Append(CultureInfo.InvariantCulture,
                $"{financing.Id},{financing.Bank},{financing.Branch},{financing.Enterprise},{financing.Planned},{financing.Currency},{financing.Amount},{string.Join(" ", financing.Claims.Select(c => c.Document.Type + ":" + c.Document.Number))}\n");
        }
        File.WriteAllText(Path.Combine(directory, "financings.csv"), list.ToString());
    }

    /// <summary>The demo users' keys and nonces; signs, submits in batches and waits for receipts.</summary>
    private sealed class Seeder(NodeClient client, NetworkLayout layout, string password, ChainInfo chain, IHashFunction hash) : IDisposable
    {
        private readonly Dictionary<string, (ISigningKey Key, ulong Nonce)> _signers = new(StringComparer.Ordinal);

        public int Submitted { get; private set; }

        public async Task<Transaction> Sign(string user, string module, string action, JsonObject payload)
        {
            if (!_signers.TryGetValue(user, out var signer))
            {
                var key = Keystore.Load(layout.UserKeyPath(user)).Decrypt(password);
                var account = await client.TryGetJson("/v1/accounts/" + Convert.ToHexStringLower(key.PublicKey));
                signer = (key, account is { } found ? found.GetProperty("nextNonce").GetUInt64() : 1);
            }
            _signers[user] = (signer.Key, signer.Nonce + 1);
            return Transaction.Create(hash, signer.Key, chain.ChainId, signer.Nonce, chain.Height + 10_000, module, action, Encoding.UTF8.GetBytes(payload.ToJsonString()));
        }

        /// <summary>Submits a phase (1,000 a request) and waits until every transaction commits with the expected code (null: Ok).</summary>
        public async Task<Dictionary<Hash32, JsonElement>> Commit(IReadOnlyList<(Transaction Transaction, string? Expected)> phase, CancellationToken cancellationToken)
        {
            foreach (var chunk in phase.Chunk(Core.Limits.SubmitBatchTransactionsMax))
            {
                var results = await client.SubmitBatch(chunk.Select(t => t.Transaction.EncodedArray).ToArray(), cancellationToken);
                for (var i = 0; i < chunk.Length; i++)
                {
                    var status = results[i].GetProperty("status").GetString();
                    if (status is not ("pending" or "committed"))
                    {
                        throw new CliException($"Seeding: {chunk[i].Transaction.Module}.{chunk[i].Transaction.Action} was not admitted: {results[i].GetProperty("code").GetString()}: {results[i].GetProperty("message").GetString()}");
                    }
                }
                Submitted += chunk.Length;
            }
            var receipts = new Dictionary<Hash32, JsonElement>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            foreach (var (transaction, expected) in phase)
            {
                while (true)
                {
                    var found = await client.TryGetJson("/v1/transactions/" + transaction.Id, cancellationToken);
                    if (found is { } record && record.GetProperty("status").GetString() == "committed")
                    {
                        var receipt = record.GetProperty("receipt");
                        var code = receipt.GetProperty("code").GetString();
                        if (code != (expected ?? "Ok"))
                        {
                            throw new CliException($"Seeding: {transaction.Module}.{transaction.Action} answered {code}: {receipt.GetProperty("message").GetString()} (expected {expected ?? "Ok"}).");
                        }
                        receipts[transaction.Id] = receipt;
                        break;
                    }
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new CliException($"Seeding: transaction {transaction.Id} did not commit within 60 s.");
                    }
                    await Task.Delay(20, cancellationToken);
                }
            }
            return receipts;
        }

        public void Dispose()
        {
            foreach (var (key, _) in _signers.Values)
            {
                key.Dispose();
            }
        }
    }
}

using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Core.Crypto;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian registry key | publish | verify | show</c>: the trade-document registry (docs/REGISTRY.md). Keys and
/// field commitments are computed here, at the client, from the number and the secret; only they reach the node.
/// </summary>
internal static class RegistryCommands
{
    /// <summary>Documents per publish transaction: 200 fully committed declarations fill the 64 KiB payload (docs/PERFORMANCE.md).</summary>
    private const int PublishPerTransaction = 200;

    public static Command Create() => new("registry", "Trade documents published by their source, verified by banks (docs/REGISTRY.md).")
    {
        Key(), Publish(), Verify(), Show(),
    };

    /// <summary>A document as its holder knows it (the publish file's items).</summary>
    internal sealed record PlainDocument(string Type, string Number, string Secret, ulong Value, string Currency, SortedDictionary<string, string> Fields);

    private static Option<string> TypeOption() => new("--type")
    {
        Description = "The document type: " + string.Join(", ", DocumentTypes.All.Select(t => t.Id)) + ".",
        Required = true,
    };

    private static Option<string> NumberOption() => new("--number") { Description = "The document number (never sent: only its key is).", Required = true };

    private static Option<string> SecretOption() => new("--secret") { Description = "The secret the publisher handed to the document's owner.", Required = true };

    private static Option<string[]> FieldOption() => new("--field")
    {
        Description = "A field's value as name=value (repeatable), e.g. --field owner=acme --field port=CNSHA; sent as a salted commitment.",
        AllowMultipleArgumentsPerToken = false,
    };

    internal static SortedDictionary<string, string> ParseFields(IEnumerable<string>? pairs)
    {
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !fields.TryAdd(pair[..equals], pair[(equals + 1)..]))
            {
                throw new CliException($"'{pair}' is not name=value, or names a field twice.");
            }
        }
        return fields;
    }

    /// <summary>The "fields" object: each field's commitment under the document's salt.</summary>
    internal static JsonObject Commitments(IHashFunction hash, string type, string number, string secret, SortedDictionary<string, string> fields)
    {
        return JsonNode.Parse(DocumentKeys.CommitmentsJson(hash, type, number, secret, fields))!.AsObject();
    }

    private static string CheckType(string type) =>
        DocumentTypes.Find(type) is null ? throw new CliException($"There is no document type '{type}'; use one of {string.Join(", ", DocumentTypes.All.Select(t => t.Id))}.") : type;

    private static Command Key()
    {
        var type = TypeOption();
        var number = NumberOption();
        var secret = SecretOption();
        var fields = FieldOption();
        var suite = new Option<string>("--suite") { Description = "The chain's crypto suite: intl (SHA-256) or gm (SM3).", DefaultValueFactory = _ => "intl" };
        suite.AcceptOnlyFromAmong("intl", "gm");
        var command = new Command("key", "Compute a document's registry key and field commitments offline, as a bank or publisher does (nothing is sent).")
        {
            type, number, secret, fields, suite,
        };
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var hash = CryptoSuites.Get(parse.GetValue(suite)!).Hash;
            var typeId = CheckType(parse.GetValue(type)!);
            var key = DocumentKeys.Key(hash, typeId, parse.GetValue(number)!, parse.GetValue(secret)!);
            var output = new JsonObject
            {
                ["type"] = typeId,
                ["key"] = key.ToString(),
                ["fields"] = Commitments(hash, typeId, parse.GetValue(number)!, parse.GetValue(secret)!, ParseFields(parse.GetValue(fields))),
            };
            Console.WriteLine(output.ToJsonString(MemberOptions.Indented));
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }

    private static Command Publish()
    {
        var member = new MemberOptions();
        var file = new Argument<FileInfo>("file")
        {
            Description = "A JSON list of documents: [{\"type\", \"number\", \"secret\" (optional: drawn here), \"value\" (minor units), \"currency\", \"fields\": {name: value}}], all of one publish action.",
        };
        var command = member.AddTo(new Command("publish",
            "Publish documents as their source (customs: declarations; tax: invoices, tax filings; insurer: policies; carrier: transport documents), 200 a transaction; prints each number's secret and key for its owner.")
        {
            file,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var documents = ReadDocuments(parse.GetValue(file)!);
            var actions = documents.Select(d => DocumentTypes.Find(d.Type)!.PublishAction).Distinct(StringComparer.Ordinal).ToArray();
            if (actions.Length != 1)
            {
                throw new CliException($"A file publishes through one action; these documents need {string.Join(" and ", actions)}.");
            }
            using var client = new NodeClient(member.NodeUrl(parse));
            var hash = CryptoSuites.Get((await client.GetChainInfo(cancellationToken)).Suite).Hash;
            var published = new JsonArray();
            foreach (var batch in documents.Chunk(PublishPerTransaction))
            {
                var items = new JsonArray();
                foreach (var document in batch)
                {
                    items.Add(new JsonObject
                    {
                        ["key"] = DocumentKeys.Key(hash, document.Type, document.Number, document.Secret).ToString(),
                        ["type"] = document.Type,
                        ["value"] = document.Value,
                        ["currency"] = document.Currency,
                        ["fields"] = Commitments(hash, document.Type, document.Number, document.Secret, document.Fields),
                    });
                    published.Add(new JsonObject
                    {
                        ["type"] = document.Type,
                        ["number"] = document.Number,
                        ["secret"] = document.Secret,
                        ["key"] = DocumentKeys.Key(hash, document.Type, document.Number, document.Secret).ToString(),
                    });
                }
                await member.Submit(parse, "registry", actions[0], new JsonObject { ["documents"] = items }, cancellationToken);
            }
            Console.Error.WriteLine($"Published {documents.Count} document(s) through registry.{actions[0]}. Hand each owner its number and secret:");
            Console.WriteLine(published.ToJsonString(MemberOptions.Indented));
            return 0;
        }));
        return command;
    }

    private static List<PlainDocument> ReadDocuments(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliException($"There is no file {file.FullName}.");
        }
        var documents = new List<PlainDocument>();
        using var json = JsonDocument.Parse(File.ReadAllText(file.FullName));
        foreach (var item in json.RootElement.EnumerateArray())
        {
            string Text(string name) => item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new CliException($"Each document needs \"{name}\".");
            var secret = item.TryGetProperty("secret", out var given) ? given.GetString()! : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in item.GetProperty("fields").EnumerateObject())
            {
                fields[field.Name] = field.Value.GetString()!;
            }
            documents.Add(new PlainDocument(CheckType(Text("type")), Text("number"), secret, item.GetProperty("value").GetUInt64(), Text("currency"), fields));
        }
        return documents.Count == 0 ? throw new CliException("The file lists no documents.") : documents;
    }

    private static Command Verify()
    {
        var member = new MemberOptions();
        var type = TypeOption();
        var number = NumberOption();
        var secret = SecretOption();
        var fields = FieldOption();
        var value = new Option<ulong?>("--value") { Description = "The value the exporter claims, in minor units (cents)." };
        var currency = new Option<string?>("--currency") { Description = "The currency the exporter claims, e.g. USD." };
        var enterprise = new Option<string?>("--enterprise") { Description = "The enterprise whose document it is (for the statistics)." };
        var branch = new Option<string?>("--branch") { Description = "The verifying branch (for the statistics)." };
        var json = CommandSupport.JsonOption();
        var command = member.AddTo(new Command("verify",
            "Verify a document against what its source published: found? fields match? how much is financed? (registry.verify, by a bank's proxy or review clerk; the verification is recorded)")
        {
            type, number, secret, fields, value, currency, enterprise, branch, json,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            using var client = new NodeClient(member.NodeUrl(parse));
            var hash = CryptoSuites.Get((await client.GetChainInfo(cancellationToken)).Suite).Hash;
            var typeId = CheckType(parse.GetValue(type)!);
            var item = new JsonObject
            {
                ["key"] = DocumentKeys.Key(hash, typeId, parse.GetValue(number)!, parse.GetValue(secret)!).ToString(),
                ["type"] = typeId,
                ["fields"] = Commitments(hash, typeId, parse.GetValue(number)!, parse.GetValue(secret)!, ParseFields(parse.GetValue(fields))),
            };
            if (parse.GetValue(value) is { } claimedValue)
            {
                item["value"] = claimedValue;
            }
            if (parse.GetValue(currency) is { } claimedCurrency)
            {
                item["currency"] = claimedCurrency;
            }
            var payload = new JsonObject { ["documents"] = new JsonArray(item) };
            if (parse.GetValue(enterprise) is { } forEnterprise)
            {
                payload["enterprise"] = forEnterprise;
            }
            if (parse.GetValue(branch) is { } atBranch)
            {
                payload["branch"] = atBranch;
            }
            if (await member.Submit(parse, "registry", "verify", payload, cancellationToken) is { } result)
            {
                if (parse.GetValue(json))
                {
                    MemberOptions.PrintJson(result);
                    return 0;
                }
                var outcome = result.GetProperty("items")[0];
                var basisPoints = outcome.GetProperty("financedBp").GetUInt64();
                Console.WriteLine($"{outcome.GetProperty("outcome").GetString()}; financed {FinancingGuard.Percent(basisPoints)} (verification {result.GetProperty("verification")}, recorded).");
                return outcome.GetProperty("outcome").GetString() == VerificationOutcomes.Match ? 0 : 2;
            }
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var member = new MemberOptions();
        var type = TypeOption();
        var number = NumberOption();
        var secret = SecretOption();
        var json = CommandSupport.JsonOption();
        var command = member.AddTo(new Command("show", "Show a document's public registry entry: type, publisher, value, financed share (signs in; records nothing).")
        {
            type, number, secret, json,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var (client, _) = await member.SignIn(parse, cancellationToken);
            using (client)
            {
                var hash = CryptoSuites.Get((await client.GetChainInfo(cancellationToken)).Suite).Hash;
                var key = DocumentKeys.Key(hash, CheckType(parse.GetValue(type)!), parse.GetValue(number)!, parse.GetValue(secret)!);
                var document = await client.GetJson("/v1/registry/documents/" + key, cancellationToken);
                if (parse.GetValue(json))
                {
                    MemberOptions.PrintJson(document);
                    return 0;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{document.GetProperty("type").GetString()} published by {document.GetProperty("publisher").GetString()}: {document.GetProperty("valueMinor")} {document.GetProperty("currency").GetString()} (minor units), {document.GetProperty("financed").GetString()} financed."));
                return 0;
            }
        }));
        return command;
    }
}

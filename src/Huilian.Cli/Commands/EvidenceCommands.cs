using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Crypto;
using Huilian.Ledger.Proofs;

namespace Huilian.Cli.Commands;

/// <summary><c>huilian evidence put | get | verify</c>: evidence storage (存证) from the command line.</summary>
internal static class EvidenceCommands
{
    public static Command Create()
    {
        var command = new Command("evidence", "Record a document's hash, look it up, and verify its proof offline.");
        command.Subcommands.Add(Put());
        command.Subcommands.Add(Get());
        command.Subcommands.Add(Verify());
        return command;
    }

    /// <summary>
    /// Seals <paramref name="text"/> for the signer's organisation, <paramref name="shareWith"/> and the regulator, with
    /// their data-encryption keys as the chain lists them (signing in to read the member list).
    /// </summary>
    private static async Task<System.Text.Json.Nodes.JsonObject> SealFor(NodeClient client, Core.Crypto.ISigningKey key, ChainInfo chain, string text,
        IReadOnlyList<string> shareWith, CancellationToken cancellationToken)
    {
        var session = await client.SignIn(key, cancellationToken);
        var members = (await client.GetJson("/v1/organisations", cancellationToken)).GetProperty("organisations").EnumerateArray()
            .ToDictionary(o => o.GetProperty("id").GetString()!, o => (Kind: o.GetProperty("kind").GetString()!, Key: o.GetProperty("encryptionKey").GetString()!));
        var wanted = new List<string> { session.GetProperty("organisation").GetString()! };
        wanted.AddRange(shareWith.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        wanted.AddRange(members.Where(m => m.Value.Kind == "regulator").Select(m => m.Key));
        var recipients = new List<byte[]>();
        foreach (var id in wanted.Distinct(StringComparer.Ordinal))
        {
            if (!members.TryGetValue(id, out var member))
            {
                throw new CliException($"There is no organisation '{id}' to share with.");
            }
            recipients.Add(Convert.FromHexString(member.Key));
        }
        var sealedSection = ConfidentialSections.Seal(chain.Suite, System.Text.Encoding.UTF8.GetBytes(text), recipients,
            Execution.Host.ConfidentialEnvelope.AssociatedData(chain.ChainId, "evidence", "record"));
        return System.Text.Json.Nodes.JsonNode.Parse(sealedSection.ToJson())!.AsObject();
    }

    private static Command Put()
    {
        var file = new Argument<string>("file") { Description = "The document to record (only its hash leaves this machine)." };
        var node = CommandSupport.NodeOption();
        var directory = CommandSupport.DirectoryOption();
        var key = CommandSupport.KeyOption();
        var passwordFile = CommandSupport.PasswordFileOption();
        var owner = new Option<string?>("--owner") { Description = "Who owns the document." };
        var type = new Option<string?>("--type") { Description = "The kind of document, e.g. contract, invoice." };
        var label = new Option<string?>("--label") { Description = "A label for people." };
        var confidential = new Option<string?>("--confidential") { Description = "Text to attach as a confidential section: encrypted for the signer's organisation, the --share-with organisations and the regulator." };
        var shareWith = new Option<string[]>("--share-with") { Description = "Organisations (ids) that may also read the confidential section.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("put", "Record the hash of FILE on the chain and wait until it commits.")
        {
            file, node, directory, key, passwordFile, owner, type, label, confidential, shareWith,
        };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliException($"No file at {path}.");
            }
            using var client = new NodeClient(parse.GetValue(node)!);
            var chain = await client.GetChainInfo(cancellationToken);
            var suite = CryptoSuites.Get(chain.Suite);
            var hash = HashFile(suite.Hash, path);
            var fields = new System.Text.Json.Nodes.JsonObject
            {
                ["hash"] = hash.ToString(),
                ["owner"] = parse.GetValue(owner) ?? "",
                ["type"] = parse.GetValue(type) ?? "",
                ["label"] = parse.GetValue(label) ?? Path.GetFileName(path),
            };
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            using var signingKey = CommandSupport.LoadKey(layout, parse.GetValue(key), parse.GetValue(passwordFile));
            if (parse.GetValue(confidential) is { } secret)
            {
                fields["confidential"] = await SealFor(client, signingKey, chain, secret, parse.GetValue(shareWith) ?? [], cancellationToken);
            }
            var payload = fields.ToJsonString();
            var (status, body, transaction) = await client.SignAndSubmit(signingKey, suite.Hash, "evidence", "record", payload, wait: true, cancellationToken: cancellationToken);
            if (status >= 400)
            {
                throw new CliException(NodeClient.DescribeProblem(status, body));
            }
            if (status == 202)
            {
                throw new CliException($"Transaction {transaction.Id} is still pending; check it later with `huilian tx show {transaction.Id}`.");
            }
            var receipt = body.GetProperty("receipt");
            var code = receipt.GetProperty("code").GetString();
            var result = receipt.GetProperty("result");
            if (code == "Ok")
            {
                Console.WriteLine($"Recorded {hash} at height {result.GetProperty("height").GetUInt64()}, time {result.GetProperty("time").GetString()} (transaction {transaction.Id}).");
                return 0;
            }
            if (code == "EvidenceAlreadyRecorded")
            {
                var record = result.GetProperty("record");
                Console.WriteLine($"Already recorded: {hash} was recorded at height {record.GetProperty("height").GetUInt64()}, time {record.GetProperty("time").GetString()}.");
                return 0;
            }
            throw new CliException($"{code}: {receipt.GetProperty("message").GetString()}");
        }));
        return command;
    }

    private static Command Get()
    {
        var target = new Argument<string>("file-or-hash") { Description = "A file (hashed here) or a document hash (64 hex)." };
        var node = CommandSupport.NodeOption();
        var proofOut = new Option<string?>("--proof") { Description = "Write the proof to this file, for `huilian evidence verify`." };
        var json = CommandSupport.JsonOption();
        var command = new Command("get", "Look up the record of a document hash and optionally save its proof.") { target, node, proofOut, json };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            using var client = new NodeClient(parse.GetValue(node)!);
            var given = parse.GetValue(target)!;
            Hash32 hash;
            if (File.Exists(given))
            {
                var chain = await client.GetChainInfo(cancellationToken);
                hash = HashFile(CryptoSuites.Get(chain.Suite).Hash, given);
            }
            else if (!Hash32.TryParse(given, out hash))
            {
                throw new CliException($"'{given}' is neither a file nor a 64-character hex hash.");
            }
            var body = await client.TryGetJson("/v1/evidence/" + hash, cancellationToken)
                ?? throw new CliException($"EvidenceNotFound: no evidence is recorded for {hash}.");
            if (parse.GetValue(proofOut) is { } outPath)
            {
                await File.WriteAllTextAsync(outPath, JsonSerializer.Serialize(body.GetProperty("proof"), new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            }
            var record = body.GetProperty("record");
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(record, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                Console.WriteLine($"hash     {record.GetProperty("hash").GetString()}");
                Console.WriteLine($"height   {record.GetProperty("height").GetUInt64()}");
                Console.WriteLine($"time     {record.GetProperty("time").GetString()}");
                Console.WriteLine($"signer   {record.GetProperty("signer").GetString()}");
                Console.WriteLine($"owner    {record.GetProperty("owner").GetString()}");
                Console.WriteLine($"type     {record.GetProperty("type").GetString()}");
                Console.WriteLine($"label    {record.GetProperty("label").GetString()}");
                Console.WriteLine($"tx       {record.GetProperty("transactionId").GetString()}");
                if (parse.GetValue(proofOut) is { } written)
                {
                    Console.WriteLine($"proof    written to {written}");
                }
            }
            return 0;
        }));
        return command;
    }

    private static Command Verify()
    {
        var proofFile = new Argument<string>("proof") { Description = "A proof file written by `huilian evidence get --proof`." };
        var directory = CommandSupport.DirectoryOption();
        var genesisOption = new Option<string?>("--genesis") { Description = "The chain's genesis file (default: DIR/genesis.json)." };
        var command = new Command("verify", "Verify an evidence proof offline against the chain's genesis validators; exits 0 only if it holds.")
        {
            proofFile, directory, genesisOption,
        };
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var path = parse.GetValue(proofFile)!;
            if (!File.Exists(path))
            {
                throw new CliException($"No proof file at {path}.");
            }
            var genesisPath = parse.GetValue(genesisOption) ?? new NetworkLayout(parse.GetValue(directory)!).GenesisPath;
            if (!File.Exists(genesisPath))
            {
                throw new CliException($"No genesis file at {genesisPath}; pass --dir or --genesis.");
            }
            var genesis = Core.Genesis.GenesisDocument.Parse(File.ReadAllText(genesisPath));
            var verified = EvidenceProof.Parse(UnwrapApiAnswer(File.ReadAllText(path))).Verify(genesis);
            var record = verified.Record;
            Console.WriteLine("Valid proof.");
            Console.WriteLine($"Hash {record.DocumentHash} was recorded at height {record.Height}, time {record.Time}, by signer {Convert.ToHexStringLower(record.Signer)[..16]}…");
            var validators = verified.Transitions == 0 ? "the genesis validators"
                : string.Create(CultureInfo.InvariantCulture, $"reached from the genesis validators through {verified.Transitions} validator-set change(s)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Proven against block {verified.ProvenAtHeight} ({verified.ProvenAtBlock.ToShortString()}…) certified by {verified.CommitSignatures} of {verified.Validators} validator(s) of chain {genesis.ChainId}, {validators}."));
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }

    /// <summary>
    /// The proof inside an answer of GET /v1/evidence/{hash} ({"record": …, "proof": {…}}), saved as is; any other text
    /// unchanged, for <see cref="EvidenceProof.Parse"/> to judge.
    /// </summary>
    internal static string UnwrapApiAnswer(string text)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == System.Text.Json.JsonValueKind.Object && !root.TryGetProperty("format", out _)
                && root.TryGetProperty("proof", out var proof) && proof.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                return proof.GetRawText();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return text;
    }

    internal static Hash32 HashFile(IHashFunction hash, string path)
    {
        var info = new FileInfo(path);
        if (info.Length > 1L << 30)
        {
            throw new CliException("Files above 1 GiB are not hashed here; hash it yourself and record the hash with `huilian tx submit`.");
        }
        return hash.Hash(File.ReadAllBytes(path));
    }
}

using System.CommandLine;
using System.Text;
using System.Text.Json;
using Huilian.Core.Ledger;
using Huilian.Crypto;

namespace Huilian.Cli.Commands;

/// <summary><c>huilian tx submit | build | show</c>.</summary>
internal static class TransactionCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var command = new Command("tx", "Build, sign, submit and inspect transactions.");
        command.Subcommands.Add(Submit());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command Submit()
    {
        var node = CommandSupport.NodeOption();
        var directory = CommandSupport.DirectoryOption();
        var key = CommandSupport.KeyOption();
        var passwordFile = CommandSupport.PasswordFileOption();
        var module = new Option<string>("--module") { Description = "The module, e.g. evidence.", Required = true };
        var action = new Option<string>("--action") { Description = "The action, e.g. record.", Required = true };
        var payload = new Option<string?>("--payload") { Description = "The payload, a JSON object." };
        var payloadFile = new Option<string?>("--payload-file") { Description = "A file holding the JSON payload." };
        var nonce = new Option<ulong?>("--nonce") { Description = "The nonce (default: the signer's next, asked of the node)." };
        var expiry = new Option<ulong>("--expiry-blocks") { Description = "Blocks from now until the transaction expires.", DefaultValueFactory = _ => 1000 };
        var wait = new Option<bool>("--wait") { Description = "Wait until the transaction commits and print its receipt." };
        var buildOnly = new Option<bool>("--build-only") { Description = "Print the signed transaction as hex instead of sending it (POST it later as {\"transaction\": hex})." };
        var command = new Command("submit", "Sign a transaction and submit it to a node.")
        {
            node, directory, key, passwordFile, module, action, payload, payloadFile, nonce, expiry, wait, buildOnly,
        };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payloadText = parse.GetValue(payload) ?? (parse.GetValue(payloadFile) is { } file ? await File.ReadAllTextAsync(file, cancellationToken) : null)
                ?? throw new CliException("Give the payload with --payload or --payload-file.");
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            using var client = new NodeClient(parse.GetValue(node)!);
            var chain = await client.GetChainInfo(cancellationToken);
            using var signingKey = CommandSupport.LoadKey(layout, parse.GetValue(key), parse.GetValue(passwordFile));
            var suite = CryptoSuites.Get(chain.Suite);
            var nextNonce = parse.GetValue(nonce) ?? await NextNonce(client, signingKey.PublicKey, cancellationToken);
            var transaction = Transaction.Create(suite.Hash, signingKey, chain.ChainId, nextNonce, chain.Height + parse.GetValue(expiry),
                parse.GetValue(module)!, parse.GetValue(action)!, Encoding.UTF8.GetBytes(payloadText));
            if (parse.GetValue(buildOnly))
            {
                Console.WriteLine(Convert.ToHexStringLower(transaction.Encoded));
                return 0;
            }
            var (status, body) = await client.Submit(transaction.EncodedArray, parse.GetValue(wait), cancellationToken);
            Console.WriteLine(JsonSerializer.Serialize(body, Indented));
            if (status >= 400)
            {
                CommandSupport.Error(NodeClient.DescribeProblem(status, body));
                return 1;
            }
            return ReceiptFailed(body) ? 1 : 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var node = CommandSupport.NodeOption();
        var id = new Argument<string>("id") { Description = "The transaction id (64 hex)." };
        var command = new Command("show", "Show a transaction, its status and receipt.") { id, node };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            using var client = new NodeClient(parse.GetValue(node)!);
            var body = await client.GetJson("/v1/transactions/" + parse.GetValue(id) + "?proof=true", cancellationToken);
            Console.WriteLine(JsonSerializer.Serialize(body, Indented));
            return 0;
        }));
        return command;
    }

    internal static async Task<ulong> NextNonce(NodeClient client, byte[] publicKey, CancellationToken cancellationToken)
    {
        var account = await client.TryGetJson("/v1/accounts/" + Convert.ToHexStringLower(publicKey), cancellationToken);
        return account is { } found ? found.GetProperty("nextNonce").GetUInt64() : 1;
    }

    /// <summary>A committed transaction whose receipt is a refusal (anything but Ok or an idempotent "already" code).</summary>
    internal static bool ReceiptFailed(JsonElement body) =>
        body.TryGetProperty("receipt", out var receipt) && receipt.GetProperty("code").GetString() is { } code
        && code != "Ok" && !code.Contains("Already", StringComparison.Ordinal);
}

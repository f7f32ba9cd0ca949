using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Core.Crypto;
using Huilian.Crypto;
using Spectre.Console;

namespace Huilian.Cli.Commands;

/// <summary>
/// The options of a command that acts as a member: the node, the network directory, and who signs — a keystore
/// (<c>--key</c>) or a user of the network directory (<c>--as org/user</c>, its key at keys/&lt;org&gt;/&lt;user&gt;.key).
/// Also signs in for the authenticated queries and submits membership, governance and credit actions.
/// </summary>
internal sealed class MemberOptions
{
    private readonly string _defaultUser;

    public MemberOptions(string defaultUser = DemoConsortium.OperatorAdmin)
    {
        _defaultUser = defaultUser;
        As = new Option<string?>("--as") { Description = $"Act as this user of the network directory, org/user (its key keys/<org>/<user>.key; default {defaultUser}).", HelpName = "org/user" };
    }

    public Option<string> Node { get; } = CommandSupport.NodeOption();

    public Option<string> Directory { get; } = CommandSupport.DirectoryOption();

    public Option<string?> Key { get; } = new("--key") { Description = "A keystore file to sign with, instead of --as." };

    public Option<string?> As { get; }

    public Option<string?> PasswordFile { get; } = CommandSupport.PasswordFileOption();

    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Adds the options to <paramref name="command"/> and returns it.</summary>
    public Command AddTo(Command command)
    {
        command.Options.Add(Node);
        command.Options.Add(Directory);
        command.Options.Add(As);
        command.Options.Add(Key);
        command.Options.Add(PasswordFile);
        return command;
    }

    public NetworkLayout Layout(ParseResult parse) => new(parse.GetValue(Directory)!);

    /// <summary>
    /// The node to talk to: --node when given; otherwise, in a network directory that says which node serves the
    /// acting user's organisation (consortium.json), that node — it holds the organisation's data key, so confidential
    /// reads work; else the default URL.
    /// </summary>
    public string NodeUrl(ParseResult parse)
    {
        var given = parse.GetResult(Node) is { Implicit: false };
        if (given || parse.GetValue(Key) is not null)
        {
            return parse.GetValue(Node)!;
        }
        var layout = Layout(parse);
        var organisation = (parse.GetValue(As) ?? _defaultUser).Split('/')[0];
        if (!File.Exists(layout.ConsortiumPath) || !File.Exists(layout.NetworkPath))
        {
            return parse.GetValue(Node)!;
        }
        var serving = layout.LoadConsortium().Organisations.FirstOrDefault(o => o.Id == organisation)?.Node;
        var node = layout.LoadManifest().Nodes.FirstOrDefault(n => n.Name == serving);
        if (node is null)
        {
            return parse.GetValue(Node)!;
        }
        if (Uri.TryCreate(node.Url, UriKind.Absolute, out var configured) && configured.Port == 0)
        {
            // A solo node made with --port 0 picks its port at each start and writes it down while it runs.
            var urlFile = Path.Combine(layout.Directory, node.Directory, NodeProcesses.UrlFileName);
            return File.Exists(urlFile) ? File.ReadAllText(urlFile).Trim()
                : throw new CliException($"Node {node.Name} picks its port when it starts and is not running now (no {urlFile}); start it, or pass --node with the URL `huilian up` printed.");
        }
        return node.Url;
    }

    /// <summary>The signing key: --key, else the keystore of --as (or of the default user).</summary>
    public ISigningKey LoadKey(ParseResult parse)
    {
        var layout = Layout(parse);
        var keyPath = parse.GetValue(Key);
        var user = parse.GetValue(As);
        if (keyPath is not null && user is not null)
        {
            throw new CliException("Give --key or --as, not both.", 2);
        }
        if (keyPath is null)
        {
            user ??= _defaultUser;
            var parts = user.Split('/');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new CliException($"--as takes org/user, e.g. bank-a/reviewer; got '{user}'.", 2);
            }
            keyPath = layout.UserKeyPath(user);
            if (!File.Exists(keyPath))
            {
                throw new CliException($"No key for '{user}' at {keyPath}; `huilian org users --dir {layout.Directory}` lists the users of this network directory.");
            }
        }
        return Keystore.Load(keyPath).Decrypt(layout.ReadPassword(parse.GetValue(PasswordFile)));
    }

    /// <summary>A client of the node, signed in as the signer; the token response (user, organisation, roles) comes with it.</summary>
    public async Task<(NodeClient Client, JsonElement Session)> SignIn(ParseResult parse, CancellationToken cancellationToken)
    {
        using var key = LoadKey(parse);
        var client = new NodeClient(NodeUrl(parse));
        try
        {
            return (client, await client.SignIn(key, cancellationToken));
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Signs <paramref name="module"/>.<paramref name="action"/> with <paramref name="payload"/>, submits it and waits
    /// for its receipt. Returns the receipt's result (empty object when it has none); prints and returns null when the
    /// action changed nothing (already so); throws the refusal as "Code: message".
    /// </summary>
    public async Task<JsonElement?> Submit(ParseResult parse, string module, string action, JsonObject payload, CancellationToken cancellationToken)
    {
        using var client = new NodeClient(NodeUrl(parse));
        var chain = await client.GetChainInfo(cancellationToken);
        using var key = LoadKey(parse);
        var (status, body, transaction) = await client.SignAndSubmit(key, CryptoSuites.Get(chain.Suite).Hash, module, action, payload.ToJsonString(),
            wait: true, cancellationToken: cancellationToken);
        if (status >= 400)
        {
            throw new CliException(NodeClient.DescribeProblem(status, body));
        }
        if (status == 202)
        {
            throw new CliException($"Transaction {transaction.Id} is still pending; check it later with `huilian tx show {transaction.Id}`.");
        }
        var receipt = body.GetProperty("receipt");
        var code = receipt.GetProperty("code").GetString()!;
        var message = receipt.GetProperty("message").GetString();
        if (code == "Ok")
        {
            return receipt.GetProperty("result") is { ValueKind: JsonValueKind.Object } result ? result : JsonDocument.Parse("{}").RootElement;
        }
        if (Execution.Host.ResultCodes.AlreadySo.Contains(code))
        {
            Console.WriteLine($"Unchanged ({code}): {message}");
            return null;
        }
        throw new CliException($"{code}: {message}");
    }

    /// <summary>Prints a JSON document for scripts (indented, non-ASCII text as is).</summary>
    public static void PrintJson(JsonElement element) => Console.WriteLine(JsonSerializer.Serialize(element, Indented));

    /// <summary>
    /// Writes a table: to a terminal as usual; to a pipe or file without colours and wide enough not to wrap cells,
    /// so that scripts can grep it.
    /// </summary>
    public static void Write(Table table)
    {
        if (!Console.IsOutputRedirected)
        {
            AnsiConsole.Write(table);
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        console.Profile.Width = 240;
        console.Write(table);
    }

    /// <summary>A time from the API (ISO 8601) as "yyyy-MM-dd HH:mm:ss" UTC.</summary>
    public static string Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture, out var time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
            : value.ToString();

    /// <summary>A property's text, or "-" when it is absent or null.</summary>
    public static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "-";
}

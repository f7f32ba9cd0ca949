using System.CommandLine;
using Huilian.Core.Codec;
using Huilian.Crypto;
using Huilian.Ledger;
using Huilian.Ledger.Proofs;
using Huilian.Node.Hosting;
using Spectre.Console;

namespace Huilian.Cli.Commands;

/// <summary>Options shared by several commands, and the error handling every command uses.</summary>
internal static class CommandSupport
{
    public static Option<string> DirectoryOption() => new("--dir")
    {
        Description = "The network directory (genesis, keys, node folders).",
        DefaultValueFactory = _ => NetworkLayout.DefaultDirectory,
    };

    public static Option<string> NodeOption() => new("--node")
    {
        Description = "The node's base URL.",
        DefaultValueFactory = _ => $"http://127.0.0.1:{NetworkLayout.DefaultPort}",
    };

    public static Option<string?> KeyOption() => new("--key")
    {
        Description = "A keystore file to sign with (default: the network's admin key).",
    };

    public static Option<string?> PasswordFileOption() => new("--password-file")
    {
        Description = "A file holding the keystore password (default: HUILIAN_PASSWORD, then the network's secrets/password).",
    };

    public static Option<bool> JsonOption() => new("--json") { Description = "Print JSON for scripts." };

    /// <summary>Runs a command body, turning known failures into a message on stderr and an exit code.</summary>
    public static async Task<int> Run(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (CliException exception)
        {
            Error(exception.Message);
            return exception.ExitCode;
        }
        catch (Exception exception) when (exception is KeystoreException or NodeConfigException or Core.Genesis.GenesisException
            or ChainCorruptionException or ProofException or EncodingException or IOException or UnauthorizedAccessException or FormatException)
        {
            var code = exception switch
            {
                KeystoreException k => k.Code + ": ",
                ChainCorruptionException c => c.Code + ": ",
                ProofException p => p.Code + ": ",
                EncodingException e => e.Code + ": ",
                _ => "",
            };
            Error(code + exception.Message);
            return 1;
        }
    }

    public static void Error(string message)
    {
        if (Console.IsErrorRedirected)
        {
            Console.Error.WriteLine("error: " + message);
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.MarkupLine("[red]error:[/] " + Markup.Escape(message));
    }

    /// <summary>An organisation's CA and data keys from a demo network directory (orgs/&lt;id&gt;/).</summary>
    public static OrganisationCredentials LoadOrganisation(NetworkLayout layout, string id, string password)
    {
        var directory = layout.OrganisationDirectory(id);
        if (!File.Exists(Path.Combine(directory, "ca.key")))
        {
            throw new CliException($"No CA key for organisation '{id}' at {directory}.");
        }
        var genesis = layout.LoadGenesis();
        var organisation = genesis.Organisations.FirstOrDefault(o => o.Id == id)
            ?? throw new CliException($"Organisation '{id}' is not in this network's genesis.");
        return new OrganisationCredentials(genesis.Suite, id, organisation.Name, organisation.Kind,
            Keystore.Load(Path.Combine(directory, "ca.key")).Decrypt(password),
            CertificateAuthority.FromPem(File.ReadAllText(Path.Combine(directory, "ca.pem"))),
            Keystore.Load(Path.Combine(directory, "data.key")).Decrypt(password));
    }

    public static Core.Crypto.ISigningKey LoadKey(NetworkLayout layout, string? keyPath, string? passwordFile)
    {
        var path = keyPath ?? layout.KeyPath(NetworkLayout.AdminKeyName);
        return Keystore.Load(path).Decrypt(layout.ReadPassword(passwordFile));
    }
}

using System.CommandLine;
using Huilian.Cli.Commands;

namespace Huilian.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Huilian (汇链): a consortium blockchain for cross-border trade finance.");
        root.Subcommands.Add(UpCommand.Create());
        root.Subcommands.Add(InitCommand.Create());
        root.Subcommands.Add(NodeCommands.Create());
        root.Subcommands.Add(NetworkCommands.Create());
        root.Subcommands.Add(TransactionCommands.Create());
        root.Subcommands.Add(EvidenceCommands.Create());
        root.Subcommands.Add(OrgCommands.Create());
        root.Subcommands.Add(GovCommands.Create());
        root.Subcommands.Add(AccessCommands.WhoAmI());
        root.Subcommands.Add(CreditCommands.Create());
        root.Subcommands.Add(RegistryCommands.Create());
        root.Subcommands.Add(ReceivablesCommands.Create());
        root.Subcommands.Add(MatchingCommands.Create());
        root.Subcommands.Add(AccessCommands.Confidential());
        root.Subcommands.Add(AccessCommands.Audit());
        root.Subcommands.Add(BlockCommands.Create());
        root.Subcommands.Add(ChainCommands.Create());
        root.Subcommands.Add(CryptoCommands.Create());
        root.Subcommands.Add(BenchCommand.Create());
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        return await root.Parse(args).InvokeAsync(configuration);
    }
}

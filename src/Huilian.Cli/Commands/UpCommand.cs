using System.CommandLine;
using Huilian.Node.Hosting;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian up</c>: the one command that gives a working chain. Creates a network directory on first use
/// (genesis, keys, configuration) and runs its node in the foreground, printing the base URL once it serves.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var directory = CommandSupport.DirectoryOption();
        var solo = new Option<bool>("--solo") { Description = "One validator (the default until BFT consensus lands)." };
        var port = new Option<int?>("--port") { Description = $"Listen on this port (0 picks a free one; default {NetworkLayout.DefaultPort} for a new network)." };
        var suite = new Option<string>("--suite") { Description = "Crypto suite for a new network: intl or gm.", DefaultValueFactory = _ => "intl" };
        suite.AcceptOnlyFromAmong("intl", "gm");
        var command = new Command("up", "Create a network on first use, then run it; prints the node's base URL.") { directory, solo, port, suite };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            if (!layout.Exists)
            {
                NetworkLayout.Create(layout.Directory, parse.GetValue(suite)!, "huilian-local", 1, parse.GetValue(port) ?? NetworkLayout.DefaultPort);
                Console.Error.WriteLine($"Created a solo network in {layout.Directory} (suite {parse.GetValue(suite)}).");
            }
            var manifest = layout.LoadManifest();
            var config = NodeConfig.Load(layout.NodeDirectory(manifest.Nodes[0].Name));
            if (parse.GetValue(port) is { } chosen)
            {
                config = config.WithListen($"http://127.0.0.1:{chosen}");
            }
            return await NodeRunner.Run(config, cancellationToken);
        }));
        return command;
    }
}

/// <summary><c>huilian init</c>: creates a network directory without starting it.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var directory = CommandSupport.DirectoryOption();
        var suite = new Option<string>("--suite") { Description = "Crypto suite: intl or gm.", DefaultValueFactory = _ => "intl" };
        suite.AcceptOnlyFromAmong("intl", "gm");
        var chainId = new Option<string>("--chain-id") { Description = "The chain id.", DefaultValueFactory = _ => "huilian-local" };
        var port = new Option<int>("--port") { Description = "The first node's API port (0: pick a free one at each start).", DefaultValueFactory = _ => NetworkLayout.DefaultPort };
        var command = new Command("init", "Create a network directory: genesis, keys and node configuration.") { directory, suite, chainId, port };
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var layout = NetworkLayout.Create(parse.GetValue(directory)!, parse.GetValue(suite)!, parse.GetValue(chainId)!, 1, parse.GetValue(port));
            Console.WriteLine($"Created network {parse.GetValue(chainId)} in {layout.Directory}");
            Console.WriteLine($"  genesis   {layout.GenesisPath}");
            Console.WriteLine($"  node      {layout.NodeDirectory("node0")}");
            Console.WriteLine($"  admin key {layout.KeyPath(NetworkLayout.AdminKeyName)}");
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }
}

/// <summary><c>huilian node run</c>: runs one node from its folder.</summary>
internal static class NodeCommands
{
    public static Command Create()
    {
        var nodeDirectory = new Option<string>("--dir") { Description = "The node's folder (holding node.json).", Required = true };
        var port = new Option<int?>("--port") { Description = "Listen on this port instead of the configured one." };
        var run = new Command("run", "Run a node in the foreground; prints its base URL once it serves.") { nodeDirectory, port };
        run.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var config = NodeConfig.Load(parse.GetValue(nodeDirectory)!);
            if (parse.GetValue(port) is { } chosen)
            {
                config = config.WithListen($"http://127.0.0.1:{chosen}");
            }
            return await NodeRunner.Run(config, cancellationToken);
        }));
        return new Command("node", "Run a node.") { run };
    }
}

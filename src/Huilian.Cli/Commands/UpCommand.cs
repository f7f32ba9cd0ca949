using System.CommandLine;
using Huilian.Node.Hosting;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian up</c>: the one command that gives a working chain. Creates a network directory on first use (genesis,
/// keys, certificates, configuration) — four validators by default, one with <c>--solo</c> — and runs it in the
/// foreground until Ctrl-C: a solo node in this process, a network as one child process per node. Prints the first
/// node's base URL on standard output once every node serves. A network it creates is seeded with the demo's
/// documents and financings (<see cref="DemoSeed"/>) before the URL is printed, unless <c>--no-seed</c>; a restart
/// never seeds.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var directory = CommandSupport.DirectoryOption();
        var solo = new Option<bool>("--solo") { Description = "Create a network of one validator, run in this process." };
        var validators = new Option<int>("--validators") { Description = "Validators of a new network.", DefaultValueFactory = _ => 4 };
        var port = new Option<int?>("--port") { Description = $"First API port of a new network (default {NetworkLayout.DefaultPort}; peers use port+100 on; 0 picks free ports). A solo node: listen on this port." };
        var suite = NetworkCommands.SuiteOption();
        var noSeed = new Option<bool>("--no-seed") { Description = "Do not seed a new network with the demo's documents and financings (demo/documents.csv lists them)." };
        var command = new Command("up", "Create a network on first use (seeded with demo documents and financings), then run it until Ctrl-C; prints the first node's base URL.")
        {
            directory, solo, validators, port, suite, noSeed,
        };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            Func<string, CancellationToken, Task>? seed = null;
            if (!layout.Exists)
            {
                if (!parse.GetValue(noSeed))
                {
                    seed = (url, token) => Seed(layout, url, token);
                }
                var count = parse.GetValue(solo) ? 1 : parse.GetValue(validators);
                NetworkLayout.Create(layout.Directory, parse.GetValue(suite)!, "huilian-local", count, parse.GetValue(port) ?? NetworkLayout.DefaultPort);
                Console.Error.WriteLine(count == 1
                    ? $"Created a solo network in {layout.Directory} (suite {parse.GetValue(suite)})."
                    : $"Created a network of {count} validators in {layout.Directory} (suite {parse.GetValue(suite)}).");
            }
            var manifest = layout.LoadManifest();
            if (manifest.Nodes.Count == 1)
            {
                var config = NodeConfig.Load(layout.NodeDirectory(manifest.Nodes[0].Name));
                if (parse.GetValue(port) is { } chosen)
                {
                    config = config.WithListen($"http://127.0.0.1:{chosen}");
                }
                return await NodeRunner.Run(config, cancellationToken, seed);
            }
            return await RunNetwork(layout, manifest, seed, cancellationToken);
        }));
        return command;
    }

    /// <summary>
    /// Seeds a network just created; a failure is reported and the network runs on (partly seeded: remove the
    /// directory and run `huilian up` again for a clean demo).
    /// </summary>
    private static async Task Seed(NetworkLayout layout, string url, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine("Seeding the demo consortium's documents and financings (--no-seed skips this)…");
        try
        {
            await DemoSeed.Run(layout, url, cancellationToken);
        }
        catch (CliException exception)
        {
            CommandSupport.Error($"Seeding the demo failed; the network runs without all of its demo data. {exception.Message}");
        }
    }

    /// <summary>Runs every node as a child process until cancelled, then stops them all.</summary>
    private static async Task<int> RunNetwork(NetworkLayout layout, NetworkManifest manifest, Func<string, CancellationToken, Task>? seed, CancellationToken cancellationToken)
    {
        try
        {
            await NetworkCommands.StartAll(layout, manifest, cancellationToken);
            if (seed is not null)
            {
                await seed(manifest.Nodes[0].Url, cancellationToken);
            }
            foreach (var node in manifest.Nodes)
            {
                Console.Error.WriteLine($"  {node.Name,-10} {node.Role,-9} {node.Url}  log {NodeProcesses.LogPath(layout, node.Name)}");
            }
            Console.Error.WriteLine($"{manifest.Nodes.Count} nodes serve; `huilian network status --dir {layout.Directory}` shows them. Ctrl-C stops them.");
            Console.Error.WriteLine($"The portal: open {manifest.Nodes[0].Url} in a browser and sign in (any demo user); the API is under {manifest.Nodes[0].Url}/v1.");
            Console.WriteLine(manifest.Nodes[0].Url);
            Console.Out.Flush();
            var reported = new HashSet<string>(StringComparer.Ordinal);
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                foreach (var node in manifest.Nodes)
                {
                    var running = NodeProcesses.RunningPid(layout, node.Name) is not null;
                    if (!running && reported.Add(node.Name))
                    {
                        Console.Error.WriteLine($"Node {node.Name} is not running (`huilian network start {node.Name} --dir {layout.Directory}` starts it again).");
                    }
                    else if (running)
                    {
                        reported.Remove(node.Name);
                    }
                }
            }
            return 0;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        finally
        {
            Console.Error.WriteLine("Stopping the nodes…");
            await Task.WhenAll(manifest.Nodes.Select(node => Task.Run(() => NodeProcesses.Stop(layout, node.Name, TimeSpan.FromSeconds(15)), CancellationToken.None)));
        }
    }
}

/// <summary><c>huilian init</c>: creates a network directory without starting it.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var directory = CommandSupport.DirectoryOption();
        var suite = NetworkCommands.SuiteOption();
        var chainId = new Option<string>("--chain-id") { Description = "The chain id.", DefaultValueFactory = _ => "huilian-local" };
        var port = new Option<int>("--port") { Description = "The first node's API port (0: free ports; a solo node then picks one at each start).", DefaultValueFactory = _ => NetworkLayout.DefaultPort };
        var validators = new Option<int>("--validators") { Description = "Number of validators.", DefaultValueFactory = _ => 1 };
        var observers = new Option<int>("--observers") { Description = "Number of observer nodes.", DefaultValueFactory = _ => 0 };
        var command = new Command("init", "Create a network directory: genesis, keys, certificates and node configurations.") { directory, suite, chainId, port, validators, observers };
        command.SetAction(parse => CommandSupport.Run(() =>
        {
            var layout = NetworkLayout.Create(parse.GetValue(directory)!, parse.GetValue(suite)!, parse.GetValue(chainId)!, parse.GetValue(validators),
                parse.GetValue(port), parse.GetValue(observers));
            Console.WriteLine($"Created network {parse.GetValue(chainId)} in {layout.Directory}");
            Console.WriteLine($"  genesis   {layout.GenesisPath}");
            foreach (var node in layout.LoadManifest().Nodes)
            {
                Console.WriteLine($"  {node.Role,-9} {layout.NodeDirectory(node.Name)}  {node.Url}");
            }
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

using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian network up|status|down|kill|start</c>: a network of node processes on this machine, on loopback ports,
/// for trying Huilian out, for demos and for the end-to-end fault tests.
/// </summary>
internal static class NetworkCommands
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    public static Command Create()
    {
        return new Command("network", "Run a network of node processes on this machine.")
        {
            Up(), Status(), Down(), Kill(), Stop(), Start(),
        };
    }

    private static Command Up()
    {
        var directory = CommandSupport.DirectoryOption();
        var validators = new Option<int>("--validators") { Description = "Validators of a new network (3f+1 tolerates f faults).", DefaultValueFactory = _ => 4 };
        var observers = new Option<int>("--observers") { Description = "Observer nodes of a new network: they follow the chain and serve reads.", DefaultValueFactory = _ => 0 };
        var suite = SuiteOption();
        var chainId = new Option<string>("--chain-id") { Description = "The chain id of a new network.", DefaultValueFactory = _ => "huilian-local" };
        var port = new Option<int>("--port") { Description = "First API port of a new network (peers use port+100 on); 0 picks free ports.", DefaultValueFactory = _ => 0 };
        var command = new Command("up", "Create a network on first use, then start every node that is not running, in the background.")
        {
            directory, validators, observers, suite, chainId, port,
        };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            if (!layout.Exists)
            {
                NetworkLayout.Create(layout.Directory, parse.GetValue(suite)!, parse.GetValue(chainId)!, parse.GetValue(validators),
                    parse.GetValue(port), parse.GetValue(observers));
                Console.Error.WriteLine($"Created a network of {parse.GetValue(validators)} validators and {parse.GetValue(observers)} observers in {layout.Directory}.");
            }
            var manifest = layout.LoadManifest();
            await StartAll(layout, manifest, cancellationToken);
            foreach (var node in manifest.Nodes)
            {
                Console.WriteLine($"{node.Name}\t{node.Role}\t{node.Url}\tpid {NodeProcesses.RunningPid(layout, node.Name)}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>Starts every node that is not running and waits until all serve.</summary>
    public static async Task StartAll(NetworkLayout layout, NetworkManifest manifest, CancellationToken cancellationToken)
    {
        foreach (var node in manifest.Nodes)
        {
            NodeProcesses.Start(layout, node.Name);
        }
        await Task.WhenAll(manifest.Nodes.Select(node => NodeProcesses.WaitUntilServing(layout, node, StartTimeout, cancellationToken)));
    }

    private static Command Status()
    {
        var directory = CommandSupport.DirectoryOption();
        var json = CommandSupport.JsonOption();
        var command = new Command("status", "Each node's height, last hash, consensus round and peers.") { directory, json };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            var manifest = layout.LoadManifest();
            var rows = await Task.WhenAll(manifest.Nodes.Select(node => Probe(layout, node, cancellationToken)));
            if (parse.GetValue(json))
            {
                using var stream = Console.OpenStandardOutput();
                using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                writer.WriteStartObject();
                writer.WriteString("chainId", manifest.ChainId);
                writer.WriteStartArray("nodes");
                foreach (var row in rows)
                {
                    row.Write(writer);
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.Flush();
                stream.WriteByte((byte)'\n');
                return 0;
            }
            var table = new Table().AddColumns("node", "role", "url", "pid", "height", "last hash", "round", "peers", "state");
            foreach (var row in rows)
            {
                table.AddRow(
                    Markup.Escape(row.Name), row.Role, Markup.Escape(row.Url), row.Pid?.ToString() ?? "-",
                    row.Height?.ToString() ?? "-", row.LastHash is { } hash ? hash[..16] + "…" : "-",
                    row.Round is { } round ? $"{row.ConsensusHeight}/{round} {row.Step}" : "-",
                    row.PeersConnected is { } peers ? $"{peers}/{row.PeersKnown}" : "-",
                    row.Serving ? "[green]serving[/]" : row.Pid is null ? "[red]stopped[/]" : "[yellow]not answering[/]");
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Down()
    {
        var directory = CommandSupport.DirectoryOption();
        var command = new Command("down", "Stop every node of the network (SIGTERM, then SIGKILL after 15 s).") { directory };
        command.SetAction(parse => CommandSupport.Run(async () =>
        {
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            var manifest = layout.LoadManifest();
            var stopped = await Task.WhenAll(manifest.Nodes.Select(node => Task.Run(() => NodeProcesses.Stop(layout, node.Name, TimeSpan.FromSeconds(15)) ? node.Name : null)));
            var names = stopped.OfType<string>().ToArray();
            Console.WriteLine(names.Length == 0 ? "No node was running." : $"Stopped {string.Join(", ", names)}.");
            return 0;
        }).GetAwaiter().GetResult());
        return command;
    }

    private static Command Kill() => OneNode("kill", "Stop one node hard (SIGKILL), as a power cut would.", (layout, entry, _) =>
        Task.FromResult(NodeProcesses.Kill(layout, entry.Name) ? $"Killed {entry.Name}." : $"{entry.Name} was not running."));

    private static Command Stop() => OneNode("stop", "Stop one node gracefully (SIGTERM, then SIGKILL after 15 s).", (layout, entry, _) =>
        Task.FromResult(NodeProcesses.Stop(layout, entry.Name, TimeSpan.FromSeconds(15)) ? $"Stopped {entry.Name}." : $"{entry.Name} was not running."));

    private static Command Start() => OneNode("start", "Start one node again and wait until it serves.", async (layout, entry, cancellationToken) =>
    {
        var pid = NodeProcesses.Start(layout, entry.Name);
        await NodeProcesses.WaitUntilServing(layout, entry, StartTimeout, cancellationToken);
        return $"{entry.Name}\t{entry.Url}\tpid {NodeProcesses.RunningPid(layout, entry.Name) ?? pid}";
    });

    /// <summary>A command acting on one node of the network, named by its argument; prints what the action returns.</summary>
    private static Command OneNode(string name, string description, Func<NetworkLayout, NetworkNode, CancellationToken, Task<string>> action)
    {
        var directory = CommandSupport.DirectoryOption();
        var node = new Argument<string>("node") { Description = "The node's name, e.g. node2." };
        var command = new Command(name, description) { node, directory };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            Console.WriteLine(await action(layout, Find(layout, parse.GetValue(node)!), cancellationToken));
            return 0;
        }));
        return command;
    }

    public static Option<string> SuiteOption()
    {
        var suite = new Option<string>("--suite") { Description = "Crypto suite of a new network: intl or gm.", DefaultValueFactory = _ => "intl" };
        suite.AcceptOnlyFromAmong("intl", "gm");
        return suite;
    }

    private static NetworkNode Find(NetworkLayout layout, string name) =>
        layout.LoadManifest().Nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new CliException($"No node '{name}' in {layout.Directory}; it has {string.Join(", ", layout.LoadManifest().Nodes.Select(n => n.Name))}.");

    private static async Task<NodeRow> Probe(NetworkLayout layout, NetworkNode node, CancellationToken cancellationToken)
    {
        var row = new NodeRow { Name = node.Name, Role = node.Role, Url = node.Url, Pid = NodeProcesses.RunningPid(layout, node.Name) };
        try
        {
            using var client = new NodeClient(node.Url, TimeSpan.FromSeconds(3));
            var status = await client.GetJson("/v1/status", cancellationToken);
            row.Serving = true;
            row.Height = status.GetProperty("height").GetUInt64();
            row.LastHash = status.GetProperty("lastHash").GetString();
            if (status.TryGetProperty("consensus", out var consensus) && consensus.ValueKind == JsonValueKind.Object)
            {
                row.ConsensusHeight = consensus.GetProperty("height").GetUInt64();
                row.Round = consensus.GetProperty("round").GetUInt32();
                row.Step = consensus.GetProperty("step").GetString();
            }
            if (status.TryGetProperty("peers", out var peers))
            {
                row.PeersConnected = peers.GetProperty("connected").GetInt32();
                row.PeersKnown = peers.GetProperty("known").GetInt32();
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or CliException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            row.Error = exception.Message;
        }
        return row;
    }

    private sealed class NodeRow
    {
        public required string Name { get; init; }
        public required string Role { get; init; }
        public required string Url { get; init; }
        public int? Pid { get; init; }
        public bool Serving { get; set; }
        public ulong? Height { get; set; }
        public string? LastHash { get; set; }
        public ulong? ConsensusHeight { get; set; }
        public uint? Round { get; set; }
        public string? Step { get; set; }
        public int? PeersConnected { get; set; }
        public int? PeersKnown { get; set; }
        public string? Error { get; set; }

        public void Write(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteString("name", Name);
            writer.WriteString("role", Role);
            writer.WriteString("url", Url);
            writer.WriteBoolean("running", Pid is not null);
            if (Pid is { } pid) { writer.WriteNumber("pid", pid); } else { writer.WriteNull("pid"); }
            writer.WriteBoolean("serving", Serving);
            if (Height is { } height) { writer.WriteNumber("height", height); } else { writer.WriteNull("height"); }
            writer.WriteString("lastHash", LastHash);
            if (ConsensusHeight is { } consensusHeight) { writer.WriteNumber("consensusHeight", consensusHeight); } else { writer.WriteNull("consensusHeight"); }
            if (Round is { } round) { writer.WriteNumber("round", round); } else { writer.WriteNull("round"); }
            writer.WriteString("step", Step);
            if (PeersConnected is { } peers) { writer.WriteNumber("peers", peers); } else { writer.WriteNull("peers"); }
            if (PeersKnown is { } known) { writer.WriteNumber("peersKnown", known); } else { writer.WriteNull("peersKnown"); }
            writer.WriteString("error", Error);
            writer.WriteEndObject();
        }
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Huilian.EndToEnd.Tests;

/// <summary>A network made by `huilian network up`: its nodes (from network.json), their heights, and checks across them.</summary>
internal sealed class TestNetwork
{
    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    public TestNetwork(string directory)
    {
        Directory = directory;
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "network.json")));
        Nodes = manifest.RootElement.GetProperty("nodes").EnumerateArray()
            .Select(n => (Name: n.GetProperty("name").GetString()!, Url: n.GetProperty("url").GetString()!, Role: n.GetProperty("role").GetString()!))
            .ToArray();
        foreach (var node in Nodes)
        {
            _clients[node.Name] = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = TimeSpan.FromSeconds(10) };
        }
    }

    public string Directory { get; }

    public IReadOnlyList<(string Name, string Url, string Role)> Nodes { get; }

    public string[] AllNames => Nodes.Select(n => n.Name).ToArray();

    public string[] Validators => Nodes.Where(n => n.Role == "validator").Select(n => n.Name).ToArray();

    public HttpClient Client(string name) => _clients[name];

    /// <summary>Starts one node of the network (`huilian network start NAME`).</summary>
    public async Task Start(string name)
    {
        var start = await HuilianProcess.Run("network", "start", name, "--dir", Directory);
        Assert.True(start.ExitCode == 0, $"network start {name}: {start.Stderr}");
    }

    /// <summary>Sends a signal (KILL, STOP, CONT, TERM) to a process.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public int? Pid(string name)
    {
        var path = Path.Combine(Directory, "nodes", name, "node.pid");
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var pid) ? pid : null;
    }

    public async Task<ulong?> Height(string name)
    {
        try
        {
            var status = await Client(name).GetFromJsonAsync<JsonElement>("/v1/status");
            return status.GetProperty("height").GetUInt64();
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<ulong> MaxHeight(IEnumerable<string> names) =>
        (await Task.WhenAll(names.Select(Height))).Max(h => h ?? 0);

    public async Task WaitForProgress(IReadOnlyList<string> names, int blocks, TimeSpan timeout)
    {
        var start = await MaxHeight(names);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var heights = await Task.WhenAll(names.Select(Height));
            if (heights.All(h => h >= start + (ulong)blocks))
            {
                return;
            }
            await Task.Delay(200);
        }
        var final = await Task.WhenAll(names.Select(Height));
        Assert.Fail($"No progress of {blocks} blocks from {start} in {timeout.TotalSeconds} s on {string.Join(", ", names)}: heights {string.Join(", ", final)}.");
    }

    public async Task WaitForCatchUp(string name, IReadOnlyList<string> others, TimeSpan timeout)
    {
        var target = await MaxHeight(others);
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (await Height(name) >= target)
            {
                return;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"{name} did not reach height {target} in {timeout.TotalSeconds} s (it is at {await Height(name)}).");
    }

    public async Task WaitForSameHeight(IReadOnlyList<string> names, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var heights = await Task.WhenAll(names.Select(Height));
            if (heights.All(h => h is not null) && heights.Distinct().Count() == 1)
            {
                return;
            }
            await Task.Delay(300);
        }
    }

    /// <summary>
    /// Every named node has the same block hash at every height they all have, and every acknowledged transaction
    /// is in its chain at the acknowledged height (for the heights it has).
    /// </summary>
    public async Task CheckConsistent(IReadOnlyList<string> names, IEnumerable<KeyValuePair<string, ulong>> acknowledged)
    {
        var heights = await Task.WhenAll(names.Select(Height));
        Assert.All(heights, h => Assert.NotNull(h));
        var common = heights.Min(h => h!.Value);
        var chains = await Task.WhenAll(names.Select(name => ReadChain(name, common)));
        for (ulong height = 1; height <= common; height++)
        {
            var hashes = chains.Select(c => c.Hashes[height]).Distinct().ToArray();
            Assert.True(hashes.Length == 1, $"Fork at height {height}: {string.Join(" / ", names.Zip(chains, (n, c) => n + " " + c.Hashes[height]))}");
        }
        foreach (var (id, height) in acknowledged)
        {
            if (height > common)
            {
                continue;
            }
            foreach (var (name, chain) in names.Zip(chains))
            {
                Assert.True(chain.Transactions.TryGetValue(id, out var found) && found == height,
                    $"Transaction {id} was acknowledged at height {height} but {name} has it at {(chain.Transactions.TryGetValue(id, out var h) ? h : "no height")}.");
            }
        }
    }

    private async Task<(Dictionary<ulong, string> Hashes, Dictionary<string, ulong> Transactions)> ReadChain(string name, ulong upTo)
    {
        var hashes = new Dictionary<ulong, string>();
        var transactions = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (ulong height = 1; height <= upTo; height++)
        {
            var block = await Client(name).GetFromJsonAsync<JsonElement>($"/v1/blocks/{height}");
            hashes[height] = block.GetProperty("header").GetProperty("hash").GetString()!;
            foreach (var transaction in block.GetProperty("transactions").EnumerateArray())
            {
                transactions[transaction.GetProperty("id").GetString()!] = height;
            }
        }
        return (hashes, transactions);
    }
}

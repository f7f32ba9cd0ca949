using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Xunit.Abstractions;

namespace Huilian.EndToEnd.Tests;

// Cases, all on one network of four validator processes and one observer under steady load, in sequence:
// (1) SIGKILL one validator: the other three keep committing. (2) Start it again: it catches up to the others.
// (3) SIGKILL two validators: the chain stops (no quorum) and does not fork. (4) Start one of them: the chain resumes.
// (5) SIGSTOP the proposer of the height in progress: a later round with another proposer commits; SIGCONT, it catches up.
// (6) Restart every node in turn (SIGTERM, start): the chain keeps committing throughout. (7) SIGKILL every node
// at once and start them again: each resumes from its sign state and the chain goes on.
// After each step every running node reports the same hash at every height, and every transaction whose commit a node
// acknowledged is in every node's chain at the acknowledged height.
[Collection("processes")]
public sealed class NetworkFaultTests(ITestOutputHelper output)
{
    private const int Clients = 6;
    private static readonly TimeSpan ProgressTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FourValidatorsSurviveCrashesPausesAndRestartsUnderLoad()
    {
        using var directory = new TemporaryDirectory();
        var up = await HuilianProcess.Run("network", "up", "--validators", "4", "--observers", "1", "--dir", directory.Path);
        Assert.True(up.ExitCode == 0, up.Stderr);
        var network = new TestNetwork(directory.Path);
        try
        {
            await Run(network);
        }
        finally
        {
            foreach (var pid in network.Nodes.Select(n => network.Pid(n.Name)).OfType<int>())
            {
                TestNetwork.Signal(pid, "CONT");
            }
            var down = await HuilianProcess.Run("network", "down", "--dir", directory.Path);
            output.WriteLine(down.Stdout + down.Stderr);
        }
    }

    private async Task Run(TestNetwork network)
    {
        var watch = Stopwatch.StartNew();
        var load = await Load.Start(network);
        try
        {
            await load.WaitForAcknowledged(100, ProgressTimeout);
            Log(watch, $"load running: {load.Acknowledged.Count} acknowledged");

            // `network status --json` is what scripts read: every node, with its URL, height and last hash.
            var status = await HuilianProcess.Run("network", "status", "--dir", network.Directory, "--json");
            Assert.True(status.ExitCode == 0, status.Stderr);
            using (var json = JsonDocument.Parse(status.Stdout))
            {
                var nodes = json.RootElement.GetProperty("nodes").EnumerateArray().ToArray();
                Assert.Equal(network.AllNames, nodes.Select(n => n.GetProperty("name").GetString()));
                Assert.All(nodes, n =>
                {
                    Assert.True(n.GetProperty("serving").GetBoolean());
                    Assert.StartsWith("http://127.0.0.1:", n.GetProperty("url").GetString(), StringComparison.Ordinal);
                    Assert.True(n.GetProperty("height").GetUInt64() >= 1);
                    Assert.Equal(64, n.GetProperty("lastHash").GetString()!.Length);
                    Assert.Equal(4, n.GetProperty("peers").GetInt32());
                });
            }

            // (1) One validator down: three of four still hold a quorum.
            Assert.Equal(0, (await HuilianProcess.Run("network", "kill", "node3", "--dir", network.Directory)).ExitCode);
            var live = new[] { "node0", "node1", "node2", "observer0" };
            await network.WaitForProgress(live, blocks: 5, ProgressTimeout);
            var acknowledged = load.Acknowledged.Count;
            await load.WaitForAcknowledged(acknowledged + 50, ProgressTimeout);
            await network.CheckConsistent(live, load.Acknowledged);
            Log(watch, "node3 killed: the others committed 5 more blocks and 50 more acknowledged transactions");

            // (2) It comes back and catches up.
            var rejoin = Stopwatch.StartNew();
            await network.Start("node3");
            await network.WaitForCatchUp("node3", ["node0", "node1", "node2"], ProgressTimeout);
            Log(watch, $"node3 restarted and caught up in {rejoin.ElapsedMilliseconds} ms (process start included)");
            await network.CheckConsistent(network.AllNames, load.Acknowledged);

            // (3) Two validators down: 20 of 40 power is below the quorum of 27; nothing may commit, nothing may fork.
            Assert.Equal(0, (await HuilianProcess.Run("network", "kill", "node2", "--dir", network.Directory)).ExitCode);
            Assert.Equal(0, (await HuilianProcess.Run("network", "kill", "node3", "--dir", network.Directory)).ExitCode);
            var halted = new[] { "node0", "node1", "observer0" };
            await Task.Delay(TimeSpan.FromSeconds(2)); // a block already precommitted by both may still land
            var stalledAt = await network.MaxHeight(halted);
            await Task.Delay(TimeSpan.FromSeconds(8));
            var stillAt = await network.MaxHeight(halted);
            Assert.True(stillAt <= stalledAt, $"With two of four validators down the chain went from {stalledAt} to {stillAt}.");
            await network.CheckConsistent(halted, load.Acknowledged);
            Log(watch, $"node2 and node3 killed: the chain stopped at height {stillAt}");

            // (4) One returns: three of four again, the chain resumes.
            await network.Start("node2");
            await network.WaitForProgress(["node0", "node1", "node2"], blocks: 3, ProgressTimeout);
            await network.Start("node3");
            await network.WaitForCatchUp("node3", ["node0", "node1", "node2"], ProgressTimeout);
            await network.CheckConsistent(network.AllNames, load.Acknowledged);
            Log(watch, "node2 and node3 back: the chain resumed and both caught up");

            // (5) Pause the proposer of the height in progress: its round times out and another proposer commits.
            var consensus = await network.Client("node0").GetFromJsonAsync<JsonElement>("/v1/consensus");
            var proposer = consensus.GetProperty("proposerName").GetString()!;
            var pausedAt = consensus.GetProperty("height").GetUInt64();
            var pid = network.Pid(proposer) ?? throw new InvalidOperationException($"{proposer} is not running.");
            TestNetwork.Signal(pid, "STOP");
            var others = network.Validators.Where(n => n != proposer).ToArray();
            try
            {
                await network.WaitForProgress(others, blocks: 3, ProgressTimeout);
                Assert.True(await network.MaxHeight(others) >= pausedAt + 2);
                await network.CheckConsistent(others.Append("observer0").ToArray(), load.Acknowledged);
            }
            finally
            {
                TestNetwork.Signal(pid, "CONT");
            }
            await network.WaitForCatchUp(proposer, others, ProgressTimeout);
            Log(watch, $"{proposer} (proposer at height {pausedAt}) paused: the others committed past it; resumed, it caught up");

            // (6) Restart every node in turn, gracefully.
            foreach (var name in network.AllNames)
            {
                var stop = await HuilianProcess.Run("network", "stop", name, "--dir", network.Directory);
                Assert.Equal(0, stop.ExitCode);
                var rest = network.AllNames.Where(n => n != name).ToArray();
                await network.WaitForProgress(rest, blocks: 2, ProgressTimeout);
                await network.Start(name);
                await network.WaitForCatchUp(name, rest, ProgressTimeout);
            }
            Log(watch, "every node restarted in turn; the chain kept committing");

            // (7) Every node killed at once, mid-height, and started again: each resumes from its sign state.
            foreach (var name in network.AllNames)
            {
                Assert.Equal(0, (await HuilianProcess.Run("network", "kill", name, "--dir", network.Directory)).ExitCode);
            }
            var again = await HuilianProcess.Run("network", "up", "--dir", network.Directory);
            Assert.True(again.ExitCode == 0, again.Stderr);
            await network.WaitForProgress(network.AllNames, blocks: 3, ProgressTimeout);
            await network.CheckConsistent(network.AllNames, load.Acknowledged);
            Log(watch, "every node killed at once and started again: the chain resumed");
            acknowledged = load.Acknowledged.Count;
            await load.WaitForAcknowledged(acknowledged + 50, ProgressTimeout);
        }
        finally
        {
            await load.Stop();
        }
        await network.WaitForSameHeight(network.AllNames, ProgressTimeout);
        await network.CheckConsistent(network.AllNames, load.Acknowledged);
        Log(watch, $"done: {load.Acknowledged.Count} acknowledged transactions, all on every node at the acknowledged height; "
            + $"{load.Retries} resubmissions after a node went away");
        Assert.True(load.Refusals.IsEmpty, "Refused: " + string.Join("; ", load.Refusals.Take(5)));
    }

    private void Log(Stopwatch watch, string message) => output.WriteLine($"[{watch.Elapsed.TotalSeconds,6:F1} s] {message}");

    /// <summary>
    /// Clients that each register a key and then record evidence, one transaction at a time, waiting for its commit,
    /// at the nodes in turn. When a node goes away mid-request the client sends the same transaction to the next node:
    /// it is either already in a mempool or committed, and only a commit answer counts as acknowledged.
    /// </summary>
    private sealed class Load
    {
        private readonly CancellationTokenSource _stop = new();
        private Task[] _tasks = [];
        private long _retries;

        public ConcurrentDictionary<string, ulong> Acknowledged { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<string> Refusals { get; } = new();

        public long Retries => Interlocked.Read(ref _retries);

        public static async Task<Load> Start(TestNetwork network)
        {
            var load = new Load();
            var status = await network.Client("node0").GetFromJsonAsync<JsonElement>("/v1/status");
            var chainId = status.GetProperty("chainId").GetString()!;
            var hash = IntlSuite.Instance.Hash;
            var password = (await File.ReadAllTextAsync(Path.Combine(network.Directory, "secrets", "password"))).Trim();
            using var admin = Keystore.Load(Path.Combine(network.Directory, "keys", "admin.key")).Decrypt(password);
            var keys = Enumerable.Range(0, Clients).Select(_ => EcdsaP256.Generate()).ToArray();
            for (var i = 0; i < Clients; i++)
            {
                var payload = DemoMembers.RegisterRecorder(network.Directory, password, keys[i], $"client{i}");
                var register = Transaction.Create(hash, admin, chainId, (ulong)i + 1, 5_000, "membership", "register-user", Encoding.UTF8.GetBytes(payload));
                var (code, body) = await Submit(network.Client("node0"), register);
                Assert.True(code == 200 && body.GetProperty("status").GetString() == "committed", $"register client{i}: {code} {body}");
            }
            var names = network.AllNames;
            load._tasks = Enumerable.Range(0, Clients).Select(c => Task.Run(() => load.Client(network, names, c, keys[c], chainId))).ToArray();
            return load;
        }

        private async Task Client(TestNetwork network, string[] names, int client, ISigningKey key, string chainId)
        {
            var hash = IntlSuite.Instance.Hash;
            var target = client;
            ulong nonce = 0;
            while (!_stop.IsCancellationRequested)
            {
                nonce++;
                var documentHash = hash.Hash(Encoding.UTF8.GetBytes($"client {client} document {nonce}"));
                var transaction = Transaction.Create(hash, key, chainId, nonce, 5_000, "evidence", "record",
                    Encoding.UTF8.GetBytes($"{{\"hash\":\"{documentHash}\"}}"));
                while (!_stop.IsCancellationRequested)
                {
                    var node = names[target++ % names.Length];
                    try
                    {
                        var (code, body) = await Submit(network.Client(node), transaction, _stop.Token);
                        if (code == 200 && body.GetProperty("status").GetString() == "committed")
                        {
                            Acknowledged[transaction.Id.ToString()] = body.GetProperty("height").GetUInt64();
                            break;
                        }
                        if (code is 200 or 202 or 503)
                        {
                            // Pending (the wait timed out while the chain had no quorum) or busy: ask again.
                            Interlocked.Increment(ref _retries);
                            continue;
                        }
                        Refusals.Enqueue($"{node}: {code} {body}");
                        return;
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException or JsonException)
                    {
                        Interlocked.Increment(ref _retries);
                        await Task.Delay(100, CancellationToken.None);
                    }
                }
            }
        }

        public async Task WaitForAcknowledged(int count, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (Acknowledged.Count < count && watch.Elapsed < timeout)
            {
                await Task.Delay(100);
            }
            Assert.True(Acknowledged.Count >= count, $"Only {Acknowledged.Count} of {count} transactions acknowledged in {timeout.TotalSeconds} s; refusals: {string.Join("; ", Refusals.Take(3))}");
        }

        public async Task Stop()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_tasks);
        }

        private static async Task<(int Status, JsonElement Body)> Submit(HttpClient http, Transaction transaction, CancellationToken cancellationToken = default)
        {
            using var content = new ByteArrayContent(transaction.EncodedArray);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await http.PostAsync("/v1/transactions?wait=true&timeoutMs=5000", content, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            using var document = JsonDocument.Parse(text);
            return ((int)response.StatusCode, document.RootElement.Clone());
        }
    }
}

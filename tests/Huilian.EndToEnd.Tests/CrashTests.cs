using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Microsoft.Data.Sqlite;

namespace Huilian.EndToEnd.Tests;

// Cases: (1) a node process killed with SIGKILL under load from several clients restarts, its chain verifies,
// and every transaction whose commit it acknowledged is still committed, at the same height; the chain grows
// again after restart. (2) A node whose database was tampered with refuses to start and says at which height
// the chain broke; `chain verify` says the same.
[Collection("processes")]
public sealed class CrashTests
{
    private const int Clients = 8;

    [Fact]
    public async Task KillingTheNodeUnderLoadLosesNoAcknowledgedTransaction()
    {
        using var directory = new TemporaryDirectory();
        var (node, url) = await HuilianProcess.StartNode("up", "--solo", "--no-seed", "--dir", directory.Path, "--port", "0");
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<Hash32, ulong>();
        await using (node)
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
            var status = await http.GetFromJsonAsync<JsonElement>("/v1/status");
            var chainId = status.GetProperty("chainId").GetString()!;
            var hash = IntlSuite.Instance.Hash;
            var password = (await File.ReadAllTextAsync(directory.Combine("secrets", "password"))).Trim();
            using var admin = Keystore.Load(directory.Combine("keys", "admin.key")).Decrypt(password);

            // Register one recorder key per client, so that each client keeps its own nonce sequence.
            var clients = Enumerable.Range(0, Clients).Select(_ => EcdsaP256.Generate()).ToArray();
            for (var i = 0; i < Clients; i++)
            {
                var payload = DemoMembers.RegisterRecorder(directory.Path, password, clients[i], $"client{i}");
                var register = Transaction.Create(hash, admin, chainId, (ulong)i + 1, 5_000, "membership", "register-user", Encoding.UTF8.GetBytes(payload));
                var (code, _) = await Submit(http, register);
                Assert.Equal(200, code);
            }

            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
            {
                ulong nonce = 0;
                while (!stop.IsCancellationRequested)
                {
                    nonce++;
                    var documentHash = hash.Hash(Encoding.UTF8.GetBytes($"client {c} document {nonce}"));
                    var transaction = Transaction.Create(hash, clients[c], chainId, nonce, 5_000, "evidence", "record",
                        Encoding.UTF8.GetBytes($"{{\"hash\":\"{documentHash}\"}}"));
                    try
                    {
                        var (code, body) = await Submit(http, transaction);
                        if (code == 200 && body.GetProperty("status").GetString() == "committed")
                        {
                            acknowledged[transaction.Id] = body.GetProperty("height").GetUInt64();
                        }
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // The node is gone: whatever was in flight was never acknowledged.
                    }
                }
            })).ToArray();

            // Let load build up, then kill the node without warning.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (acknowledged.Count < 300 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            node.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll(load);
            Assert.True(acknowledged.Count >= 50, $"Only {acknowledged.Count} transactions were acknowledged before the kill.");
        }

        var (restarted, restartedUrl) = await HuilianProcess.StartNode("node", "run", "--dir", directory.Combine("nodes", "node0"), "--port", "0");
        await using (restarted)
        {
            using var http = new HttpClient { BaseAddress = new Uri(restartedUrl) };
            foreach (var (id, height) in acknowledged)
            {
                var body = await http.GetFromJsonAsync<JsonElement>("/v1/transactions/" + id);
                Assert.Equal("committed", body.GetProperty("status").GetString());
                Assert.Equal(height, body.GetProperty("height").GetUInt64());
            }
            var status = await http.GetFromJsonAsync<JsonElement>("/v1/status");
            Assert.True(status.GetProperty("height").GetUInt64() >= acknowledged.Values.Max());
            await restarted.Stop();
        }

        var verify = await HuilianProcess.Run("chain", "verify", "--dir", directory.Path, "--replay");
        Assert.True(verify.ExitCode == 0, verify.Stderr);
    }

    [Fact]
    public async Task ANodeRefusesToServeATamperedChainAndSaysWhereItBroke()
    {
        using var directory = new TemporaryDirectory();
        var (node, url) = await HuilianProcess.StartNode("up", "--solo", "--no-seed", "--dir", directory.Path, "--port", "0");
        await using (node)
        {
            for (var i = 0; i < 3; i++)
            {
                var file = directory.Combine($"doc{i}.txt");
                await File.WriteAllTextAsync(file, $"document {i}");
                var put = await HuilianProcess.Run("evidence", "put", file, "--node", url, "--dir", directory.Path);
                Assert.True(put.ExitCode == 0, put.Stderr);
            }
            await node.Stop();
        }

        var database = directory.Combine("nodes", "node0", "data", "chain.db");
        long tamperedHeight;
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var find = connection.CreateCommand();
            // Empty heartbeat blocks come and go between the records: tamper with the block holding the second one.
            find.CommandText = "SELECT height FROM txs ORDER BY seq LIMIT 1 OFFSET 1";
            tamperedHeight = (long)find.ExecuteScalar()!;
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE txs SET tx = CAST(substr(tx, 1, length(tx) - 1) || X'00' AS BLOB) WHERE seq = 2";
            Assert.Equal(1, command.ExecuteNonQuery());
        }

        await using var refused = HuilianProcess.Start("node", "run", "--dir", directory.Combine("nodes", "node0"), "--port", "0");
        var exitCode = await refused.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains($"height {tamperedHeight}", refused.Stderr);
        Assert.Contains("TransactionRootMismatch", refused.Stderr);
        Assert.Equal("", refused.Stdout.Trim());

        var verify = await HuilianProcess.Run("chain", "verify", "--dir", directory.Path);
        Assert.Equal(1, verify.ExitCode);
        Assert.Contains($"height {tamperedHeight}", verify.Stderr);
    }

    private static async Task<(int Status, JsonElement Body)> Submit(HttpClient http, Transaction transaction)
    {
        using var content = new ByteArrayContent(transaction.EncodedArray);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await http.PostAsync("/v1/transactions?wait=true", content);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }
}

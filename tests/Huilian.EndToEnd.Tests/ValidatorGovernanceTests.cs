using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Huilian.EndToEnd.Tests;

// On a network of four validator processes (run by the regulator, the central bank, bank A and bank B), all through
// the CLI: (1) the members vote to remove node3; every node then reports three validators, node3 reports that it no
// longer votes, and the blocks after the change carry certificates of the three. (2) node3 is killed and started
// again: it follows the chain as an observer. (3) The members vote node3's key back in under a new name; every node
// reports four validators and node3 votes again: with node0 killed, the chain goes on only because node3's votes
// complete the quorum (three of four). (4) A document recorded after both changes has a proof that verifies offline
// against the genesis file, walking the two transitions.
[Collection("processes")]
public sealed class ValidatorGovernanceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task MembersRemoveAndReAddAValidatorOfARunningNetwork()
    {
        using var directory = new TemporaryDirectory();
        var dir = directory.Path;
        var up = await HuilianProcess.Run("network", "up", "--validators", "4", "--dir", dir);
        Assert.True(up.ExitCode == 0, up.Stderr);
        var network = new TestNetwork(dir);
        var watch = Stopwatch.StartNew();
        try
        {
            await network.WaitForProgress(network.AllNames, blocks: 2, Timeout);

            // (1) Remove node3: the regulator proposes; it and two of the other three validator-running members approve.
            await Decide(dir, "remove-validator", "--name", "node3");
            await WaitForValidators(network, network.AllNames, 3);
            Assert.Equal(-1, (await Status(network, "node3")).GetProperty("validatorIndex").GetInt32());
            await network.WaitForProgress(network.AllNames, blocks: 2, Timeout);
            var removedFrom = await FirstHeightWithValidators(network, "node0", 3);
            var signers = await CertificateSigners(network, "node0", removedFrom);
            Assert.All(signers, s => Assert.InRange(s, 0, 2));
            Log(watch, $"node3 removed: three validators decide from height {removedFrom}");

            // (2) Killed and started again, node3 follows without voting.
            TestNetwork.Signal(network.Pid("node3")!.Value, "KILL");
            await network.WaitForProgress(["node0", "node1", "node2"], blocks: 3, Timeout);
            await network.Start("node3");
            await network.WaitForCatchUp("node3", ["node0", "node1", "node2"], Timeout);
            Assert.Equal(-1, (await Status(network, "node3")).GetProperty("validatorIndex").GetInt32());
            Log(watch, "node3 restarted as an observer and caught up");

            // (3) Its key is voted back in; with node0 down only node3's votes complete the quorum.
            await Decide(dir, "add-validator", "--name", "node3-again", "--key", Path.Combine(dir, "nodes", "node3", "validator.key"),
                "--power", "10", "--organisation", "bank-b");
            await WaitForValidators(network, network.AllNames, 4);
            Assert.Equal(3, (await Status(network, "node3")).GetProperty("validatorIndex").GetInt32());
            TestNetwork.Signal(network.Pid("node0")!.Value, "KILL");
            await network.WaitForProgress(["node1", "node2", "node3"], blocks: 3, Timeout);
            Log(watch, "node3 added back: with node0 down, node1-3 keep committing");

            // (4) A proof made now walks from the genesis validators through both changes.
            var document = Path.Combine(dir, "contract.txt");
            await File.WriteAllTextAsync(document, "contract after two validator-set changes");
            var url = network.Nodes.First(n => n.Name == "node1").Url;
            var put = await HuilianProcess.Run("evidence", "put", document, "--dir", dir, "--node", url);
            Assert.True(put.ExitCode == 0, put.Stderr);
            var proofFile = Path.Combine(dir, "contract.proof.json");
            var get = await HuilianProcess.Run("evidence", "get", document, "--node", url, "--proof", proofFile);
            Assert.True(get.ExitCode == 0, get.Stderr);
            using (var proof = JsonDocument.Parse(await File.ReadAllTextAsync(proofFile)))
            {
                Assert.Equal(2, proof.RootElement.GetProperty("transitions").GetArrayLength());
            }
            var verify = await HuilianProcess.Run("evidence", "verify", proofFile, "--dir", dir);
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
            Assert.Contains("through 2 validator-set change(s)", verify.Stdout);
            Log(watch, "a proof across both changes verified offline: " + verify.Stdout.Trim());

            var history = await network.Client("node1").GetFromJsonAsync<JsonElement>("/v1/validators");
            Assert.Equal([4, 3, 4], history.GetProperty("sets").EnumerateArray().Select(s => s.GetProperty("validators").GetArrayLength()));
            Assert.Equal(removedFrom, history.GetProperty("sets")[1].GetProperty("fromHeight").GetUInt64());
        }
        finally
        {
            var down = await HuilianProcess.Run("network", "down", "--dir", dir);
            output.WriteLine(down.Stdout + down.Stderr);
        }
    }

    /// <summary>Proposes a validator change as the regulator's admin and has the regulator, the central bank and bank A approve it (as many as needed).</summary>
    private async Task Decide(string dir, params string[] change)
    {
        var propose = await HuilianProcess.Run(["gov", "propose", .. change, "--dir", dir]);
        Assert.True(propose.ExitCode == 0, propose.Stderr);
        var id = Regex.Match(propose.Stdout, @"Proposal (\d+)").Groups[1].Value;
        output.WriteLine(propose.Stdout.Trim());
        string last = "";
        // Votes until it passes: which organisations run validators (and so how many are needed) changes with the set.
        foreach (var voter in new[] { "regulator/admin", "central-bank/admin", "bank-a/admin" })
        {
            var vote = await HuilianProcess.Run("gov", "vote", "--proposal", id, "--approve", "--as", voter, "--dir", dir);
            Assert.True(vote.ExitCode == 0, vote.Stderr);
            last = vote.Stdout;
            if (last.Contains("passed", StringComparison.Ordinal))
            {
                break;
            }
        }
        output.WriteLine(last.Trim());
        Assert.Contains("passed", last);
    }

    private static async Task<JsonElement> Status(TestNetwork network, string node) =>
        await network.Client(node).GetFromJsonAsync<JsonElement>("/v1/status");

    private static async Task WaitForValidators(TestNetwork network, IReadOnlyList<string> nodes, int count)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Timeout)
        {
            var statuses = await Task.WhenAll(nodes.Select(n => Status(network, n)));
            if (statuses.All(s => s.GetProperty("validators").GetArrayLength() == count))
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"Not every node reports {count} validators after {Timeout.TotalSeconds} s.");
    }

    /// <summary>The first block whose certificate has signatures from a set of <paramref name="count"/> (its header's set changed there).</summary>
    private static async Task<ulong> FirstHeightWithValidators(TestNetwork network, string node, int count)
    {
        var head = (await network.Height(node))!.Value;
        string? previousSet = null;
        for (var height = 1UL; height <= head; height++)
        {
            var block = await network.Client(node).GetFromJsonAsync<JsonElement>($"/v1/blocks/{height}");
            var set = block.GetProperty("header").GetProperty("validatorSetHash").GetString();
            if (previousSet is not null && set != previousSet)
            {
                return height;
            }
            previousSet = set;
        }
        Assert.Fail($"No block on {node} up to {head} was decided by a changed set of {count}.");
        return 0;
    }

    private static async Task<int[]> CertificateSigners(TestNetwork network, string node, ulong fromHeight)
    {
        var head = (await network.Height(node))!.Value;
        var signers = new List<int>();
        for (var height = fromHeight; height <= head; height++)
        {
            var block = await network.Client(node).GetFromJsonAsync<JsonElement>($"/v1/blocks/{height}");
            signers.AddRange(block.GetProperty("commit").GetProperty("signatures").EnumerateArray().Select(s => s.GetProperty("validatorIndex").GetInt32()));
        }
        return [.. signers];
    }

    private void Log(Stopwatch watch, string message) => output.WriteLine($"[{watch.Elapsed.TotalSeconds,6:F1} s] {message}");
}

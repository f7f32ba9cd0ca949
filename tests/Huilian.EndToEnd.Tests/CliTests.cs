using System.Net.Http.Json;
using System.Text.Json;

namespace Huilian.EndToEnd.Tests;

// Cases, each with the real `huilian` process: `up` creates a network on first use and serves within the time
// a person would wait, printing only the URL on standard output; evidence put / put again / get --proof /
// verify offline (exit 0) / verify a tampered proof (exit 1 with the code) / verify against another chain's
// genesis; `block show`; `tx submit` with a bad payload exits non-zero with the code; `chain verify` on the
// stopped node's data; `crypto hash|sign|verify` by hand under both suites, against the standard vectors.
[Collection("processes")]
public sealed class CliTests
{
    [Fact]
    public async Task UpCreatesANetworkAndServesIt()
    {
        using var directory = new TemporaryDirectory();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (process, url) = await HuilianProcess.StartNode("up", "--solo", "--no-seed", "--dir", directory.Path, "--port", "0");
        await using (process)
        {
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), $"`huilian up` took {started.Elapsed} to serve.");
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var status = await http.GetFromJsonAsync<JsonElement>("/v1/status");
            Assert.Equal("huilian-local", status.GetProperty("chainId").GetString());
            Assert.Equal("intl", status.GetProperty("suite").GetString());
            Assert.True(File.Exists(directory.Combine("genesis.json")));
            Assert.True(File.Exists(directory.Combine("keys", "admin.key")));
            Assert.DoesNotContain("PRIVATE", File.ReadAllText(directory.Combine("nodes", "node0", "validator.key")), StringComparison.OrdinalIgnoreCase);
            Assert.Equal(url, process.Stdout.Trim());
        }
    }

    [Fact]
    public async Task EvidenceCanBeRecordedLookedUpAndProvedOfflineFromTheCli()
    {
        using var directory = new TemporaryDirectory();
        var (node, url) = await HuilianProcess.StartNode("up", "--solo", "--no-seed", "--dir", directory.Path, "--port", "0");
        await using (node)
        {
            var document = directory.Combine("contract.pdf");
            await File.WriteAllTextAsync(document, "Sales contract 2026-117 between Acme Export and Lumen GmbH");
            var dir = directory.Path;

            var put = await HuilianProcess.Run("evidence", "put", document, "--node", url, "--dir", dir, "--owner", "Acme Export", "--type", "contract");
            Assert.True(put.ExitCode == 0, put.Stderr);
            Assert.Contains("Recorded", put.Stdout);

            var again = await HuilianProcess.Run("evidence", "put", document, "--node", url, "--dir", dir);
            Assert.True(again.ExitCode == 0, again.Stderr);
            Assert.Contains("Already recorded", again.Stdout);

            var proofPath = directory.Combine("proof.json");
            var get = await HuilianProcess.Run("evidence", "get", document, "--node", url, "--proof", proofPath);
            Assert.True(get.ExitCode == 0, get.Stderr);
            Assert.Contains("Acme Export", get.Stdout);

            var verify = await HuilianProcess.Run("evidence", "verify", proofPath, "--dir", dir);
            Assert.True(verify.ExitCode == 0, verify.Stderr);
            Assert.Contains("Valid proof", verify.Stdout);

            var tampered = directory.Combine("tampered.json");
            await File.WriteAllTextAsync(tampered, (await File.ReadAllTextAsync(proofPath)).Replace("Acme Export", "Someone Else", StringComparison.Ordinal));
            var refused = await HuilianProcess.Run("evidence", "verify", tampered, "--dir", dir);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("ProofRecordAltered", refused.Stderr);

            using var otherNetwork = new TemporaryDirectory();
            Assert.Equal(0, (await HuilianProcess.Run("init", "--dir", otherNetwork.Path)).ExitCode);
            var wrongChain = await HuilianProcess.Run("evidence", "verify", proofPath, "--dir", otherNetwork.Path);
            Assert.Equal(1, wrongChain.ExitCode);
            Assert.Contains("ProofWrongChain", wrongChain.Stderr);

            var missing = await HuilianProcess.Run("evidence", "get", new string('0', 64), "--node", url);
            Assert.Equal(1, missing.ExitCode);
            Assert.Contains("EvidenceNotFound", missing.Stderr);

            var block = await HuilianProcess.Run("block", "show", "latest", "--node", url, "--json");
            Assert.True(block.ExitCode == 0, block.Stderr);
            // Heights also advance with empty heartbeat blocks, so the two records are at height 2 or above.
            Assert.True(JsonDocument.Parse(block.Stdout).RootElement.GetProperty("header").GetProperty("height").GetUInt64() >= 2);

            var badPayload = await HuilianProcess.Run("tx", "submit", "--node", url, "--dir", dir, "--module", "evidence", "--action", "record", "--payload", "{\"hash\":42}", "--wait");
            Assert.Equal(1, badPayload.ExitCode);
            Assert.Contains("PayloadFieldWrongType", badPayload.Stderr);

            await node.Stop();
        }
        var chainVerify = await HuilianProcess.Run("chain", "verify", "--dir", directory.Path, "--replay", "--signatures");
        Assert.True(chainVerify.ExitCode == 0, chainVerify.Stderr);
        Assert.Matches(@"Replay matches: \d+ blocks and 2 transactions", chainVerify.Stdout);
    }

    [Theory]
    [InlineData("intl", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("gm", "abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0")]
    [InlineData("gm", "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd", "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732")]
    public async Task CryptoHashPrintsTheStandardDigest(string suite, string text, string digest)
    {
        var result = await HuilianProcess.Run("crypto", "hash", "--suite", suite, "--text", text);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(digest, result.Stdout.Trim());
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public async Task CryptoSignAndVerifyByHand(string suite)
    {
        // The RFC 6979 A.2.5 private key is a valid scalar on both P-256 and sm2p256v1.
        const string privateKey = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
        var sign = await HuilianProcess.Run("crypto", "sign", "--suite", suite, "--private-key", privateKey, "--text", "sample");
        Assert.True(sign.ExitCode == 0, sign.Stderr);
        var signature = sign.Stdout.Trim();
        var publicKey = sign.Stderr.Trim().Split(' ')[^1];
        Assert.Equal(128, signature.Length);

        var valid = await HuilianProcess.Run("crypto", "verify", "--suite", suite, "--public-key", publicKey, "--text", "sample", "--signature", signature);
        Assert.Equal(0, valid.ExitCode);
        Assert.Equal("valid", valid.Stdout.Trim());

        var otherText = await HuilianProcess.Run("crypto", "verify", "--suite", suite, "--public-key", publicKey, "--text", "sample!", "--signature", signature);
        Assert.Equal(1, otherText.ExitCode);
        Assert.Equal("invalid", otherText.Stdout.Trim());

        var otherSuite = suite == "intl" ? "gm" : "intl";
        var wrongSuite = await HuilianProcess.Run("crypto", "verify", "--suite", otherSuite, "--public-key", publicKey, "--text", "sample", "--signature", signature);
        Assert.Equal(1, wrongSuite.ExitCode);
    }

    [Fact]
    public async Task CryptoVerifyRefusesTheHighSRfc6979VectorAndAcceptsItsLowSTwin()
    {
        // RFC 6979 A.2.5, P-256 with SHA-256, message "sample". Its s is above n/2, which Huilian refuses so that no
        // one can alter a signature's bytes; n - s, the low-S twin of the same signature, verifies.
        const string publicKey = "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
        const string r = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716";
        const string highS = "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
        const string lowS = "0834e36ad29a83bf2bc9385e491d6099c8fdf9d1ed67aa7ea5f51f93782857a9";
        var high = await HuilianProcess.Run("crypto", "verify", "--suite", "intl", "--public-key", publicKey, "--text", "sample", "--signature", r + highS);
        Assert.Equal(1, high.ExitCode);
        var low = await HuilianProcess.Run("crypto", "verify", "--suite", "intl", "--public-key", publicKey, "--text", "sample", "--signature", r + lowS);
        Assert.Equal(0, low.ExitCode);
    }
}

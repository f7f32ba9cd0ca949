using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Huilian.Core;
using Huilian.Execution.Host;
using Huilian.Ledger.Proofs;

namespace Huilian.Node.Tests;

// Cases, through HTTP against a real node on loopback:
// submit — raw bytes and {"transaction": hex}; wait=true returns the receipt once committed; resubmitting an
// identical transaction returns the same committed answer; the batch endpoint gives one result per item;
// bad input, each problem+json with a stable code and nothing applied — malformed JSON body, unknown JSON field,
// non-hex transaction, undecodable bytes, oversized body (413), unsupported content type (415), bad signature
// (401), unknown signer (403), wrong chain, expired, replayed nonce (409), missing/wrong-type/out-of-range
// payload fields, unknown module or action, a full mempool (503 with Retry-After);
// reads — transaction with inclusion proof, block by height/hash/latest, state entry with a proof that verifies,
// evidence with a proof that verifies offline, account with next nonce, status, health, metrics, OpenAPI, and
// problem+json for unknown routes and malformed ids.
public sealed class ApiTests
{
    [Fact]
    public async Task TheGenesisIsServedAndHashesToTheGenesisHashTheStatusNames()
    {
        await using var node = await NodeFixture.Start();
        var genesis = await node.Get("/v1/genesis");
        Assert.Equal(200, genesis.Status);
        var document = Core.Genesis.GenesisDocument.Parse(genesis.Body.GetRawText());
        var status = await node.Get("/v1/status");
        Assert.Equal(status.Body.GetProperty("chainId").GetString(), document.ChainId);
        var suite = Crypto.CryptoSuites.Get(document.Suite);
        Assert.Equal(status.Body.GetProperty("genesisHash").GetString(), document.ComputeHash(suite.Hash).ToString());
    }

    [Fact]
    public async Task ConsensusPeersMisbehaviourAndTheLandingPageAreServed()
    {
        await using var node = await NodeFixture.Start();
        var consensus = await node.Get("/v1/consensus");
        for (var attempt = 0; consensus.Status == 503 && attempt < 50; attempt++)
        {
            await Task.Delay(100); // the replica starts in the background
            consensus = await node.Get("/v1/consensus");
        }
        Assert.Equal(200, consensus.Status);
        Assert.Equal("node0", consensus.Body.GetProperty("proposerName").GetString());
        Assert.Equal(1, consensus.Body.GetProperty("votes").GetArrayLength());
        Assert.Equal(0, consensus.Body.GetProperty("validatorIndex").GetInt32());
        Assert.True(consensus.Body.GetProperty("height").GetUInt64() >= 1);

        var peers = await node.Get("/v1/network/peers");
        Assert.Equal(200, peers.Status);
        Assert.Equal(0, peers.Body.GetProperty("peers").GetArrayLength());
        var misbehavior = await node.Get("/v1/misbehavior");
        Assert.Equal(200, misbehavior.Status);
        Assert.Equal(0, misbehavior.Body.GetProperty("misbehavior").GetArrayLength());
        var validators = await node.Get("/v1/validators");
        Assert.Equal(200, validators.Status);
        var sets = validators.Body.GetProperty("sets");
        Assert.Equal(1, sets.GetArrayLength());
        Assert.Equal(1UL, sets[0].GetProperty("fromHeight").GetUInt64());
        Assert.Equal(1, sets[0].GetProperty("validators").GetArrayLength());

        var status = await node.Get("/v1/status");
        Assert.Equal(0, status.Body.GetProperty("peers").GetProperty("known").GetInt32());
        Assert.Equal(JsonValueKind.Object, status.Body.GetProperty("consensus").ValueKind);

        var page = await node.Http.GetStringAsync("/");
        Assert.Contains("Consensus: height", page, StringComparison.Ordinal);
        Assert.Contains("/v1/consensus", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitAndWaitReturnsTheReceiptAndResubmittingReturnsTheSameAnswer()
    {
        await using var node = await NodeFixture.Start();
        var transaction = node.Evidence(NodeFixture.HashOf(1));
        var (status, body, _) = await node.Submit(transaction.EncodedArray, wait: true);
        Assert.Equal(200, status);
        Assert.Equal("committed", body.GetProperty("status").GetString());
        Assert.Equal(transaction.Id.ToString(), body.GetProperty("id").GetString());
        Assert.Equal("Ok", body.GetProperty("receipt").GetProperty("code").GetString());
        Assert.Equal(body.GetProperty("height").GetUInt64(), body.GetProperty("receipt").GetProperty("result").GetProperty("height").GetUInt64());
        Assert.Equal("evidence.recorded", body.GetProperty("receipt").GetProperty("events")[0].GetProperty("type").GetString());

        var (again, againBody, _) = await node.Submit(transaction.EncodedArray, wait: true);
        Assert.Equal(200, again);
        Assert.Equal(body.ToString(), againBody.ToString());
        Assert.Equal(1L, node.Runtime.Chain.Head.TransactionCount);
    }

    [Fact]
    public async Task SubmitAsJsonWithoutWaitingIsPendingThenCommits()
    {
        await using var node = await NodeFixture.Start();
        var transaction = node.Evidence(NodeFixture.HashOf(2));
        using var response = await node.Http.PostAsync("/v1/transactions",
            new StringContent($"{{\"transaction\":\"{Convert.ToHexStringLower(transaction.Encoded)}\"}}", Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)response.StatusCode);
        var id = transaction.Id.ToString();
        for (var i = 0; i < 200 && (await node.Get("/v1/transactions/" + id)).Body.GetProperty("status").GetString() != "committed"; i++)
        {
            await Task.Delay(25);
        }
        var (status, body, _) = await node.Get($"/v1/transactions/{id}?proof=true");
        Assert.Equal(200, status);
        Assert.Equal("committed", body.GetProperty("status").GetString());
        Assert.Equal("evidence", body.GetProperty("transaction").GetProperty("module").GetString());
        Assert.Equal(1, body.GetProperty("inclusionProof").GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task BatchGivesOneResultPerItem()
    {
        await using var node = await NodeFixture.Start();
        var good = node.Evidence(NodeFixture.HashOf(3));
        var badSignature = node.Evidence(NodeFixture.HashOf(4)).EncodedArray;
        badSignature[^2] ^= 1;
        var body = JsonSerializer.Serialize(new { transactions = new[] { Convert.ToHexStringLower(good.Encoded), "zz", Convert.ToHexStringLower(badSignature) } });
        using var response = await node.Http.PostAsync("/v1/transactions/batch", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)response.StatusCode);
        var results = (await NodeFixture.ReadJson(response)).GetProperty("results");
        Assert.Equal("pending", results[0].GetProperty("status").GetString());
        Assert.Equal(ResultCodes.TransactionMalformed, results[1].GetProperty("code").GetString());
        Assert.Equal(ResultCodes.SignatureInvalid, results[2].GetProperty("code").GetString());
    }

    [Fact]
    public async Task BinaryBatchGivesOneResultPerItemAndRefusesBadFraming()
    {
        await using var node = await NodeFixture.Start();
        var good = node.Evidence(NodeFixture.HashOf(5)).EncodedArray;
        var badSignature = node.Evidence(NodeFixture.HashOf(6)).EncodedArray;
        badSignature[^2] ^= 1;
        static byte[] Frame(params byte[][] items) => items.SelectMany(item =>
        {
            var length = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(length, (uint)item.Length);
            return length.Concat(item);
        }).ToArray();
        async Task<(int Status, JsonElement Body)> Post(byte[] body)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            using var response = await node.Http.PostAsync("/v1/transactions/batch", content);
            return ((int)response.StatusCode, await NodeFixture.ReadJson(response));
        }
        var (status, body) = await Post(Frame(good, [1, 2, 3], badSignature));
        Assert.Equal(200, status);
        var results = body.GetProperty("results");
        Assert.Equal("pending", results[0].GetProperty("status").GetString());
        Assert.Equal(ResultCodes.TransactionMalformed, results[1].GetProperty("code").GetString());
        Assert.Equal(ResultCodes.SignatureInvalid, results[2].GetProperty("code").GetString());

        // A length past the end, a truncated length, a zero length: the whole batch is refused, nothing admitted.
        var first = node.Evidence(NodeFixture.HashOf(7));
        var overrun = Frame(first.EncodedArray);
        overrun[3] += 1;
        Assert.Equal("RequestMalformed", (await Post(overrun)).Body.GetProperty("code").GetString());
        var second = node.Evidence(NodeFixture.HashOf(8));
        Assert.Equal("RequestMalformed", (await Post([.. Frame(second.EncodedArray), 0, 0])).Body.GetProperty("code").GetString());
        Assert.Equal("RequestMalformed", (await Post([0, 0, 0, 0])).Body.GetProperty("code").GetString());
        Assert.Equal(404, (await node.Get("/v1/transactions/" + first.Id)).Status);
        Assert.Equal(404, (await node.Get("/v1/transactions/" + second.Id)).Status);
    }

    public static TheoryData<string, int, string> BadSubmissions => new()
    {
        { "MalformedJson", 400, "RequestMalformed" },
        { "UnknownJsonField", 400, "RequestMalformed" },
        { "NotHex", 400, "RequestMalformed" },
        { "Undecodable", 400, ResultCodes.TransactionMalformed },
        { "Oversized", 413, "RequestTooLarge" },
        { "WrongContentType", 415, "UnsupportedMediaType" },
        { "BadSignature", 401, ResultCodes.SignatureInvalid },
        { "UnknownSigner", 403, ResultCodes.SignerUnknown },
        { "WrongChain", 400, ResultCodes.ChainIdMismatch },
        { "Expired", 409, ResultCodes.TransactionExpired },
        { "MissingField", 400, ResultCodes.PayloadFieldMissing },
        { "WrongType", 400, ResultCodes.PayloadFieldWrongType },
        { "OutOfRange", 400, ResultCodes.PayloadFieldOutOfRange },
        { "UnknownField", 400, ResultCodes.PayloadFieldUnknown },
        { "UnknownModule", 400, ResultCodes.UnknownModule },
        { "UnknownAction", 400, ResultCodes.UnknownAction },
    };

    [Theory]
    [MemberData(nameof(BadSubmissions))]
    public async Task BadSubmissionsAreRefusedWithProblemJsonAndChangeNothing(string name, int expectedStatus, string expectedCode)
    {
        await using var node = await NodeFixture.Start();
        var hash = NodeFixture.HashOf(5);
        var setup = node.Runtime.Setup;
        HttpContent content = name switch
        {
            "MalformedJson" => Json("{\"transaction\": "),
            "UnknownJsonField" => Json($"{{\"transaction\":\"{Hex(node.Evidence(hash).Encoded)}\",\"extra\":1}}"),
            "NotHex" => Json("{\"transaction\":\"not hex\"}"),
            "Undecodable" => Bytes([0x01, 0x00, 0x00]),
            "Oversized" => Bytes(new byte[(int)Limits.RequestBodyBytesMax + 10]),
            "WrongContentType" => new StringContent("hello", Encoding.UTF8, "text/plain"),
            "BadSignature" => Bytes(Flip(node.Evidence(hash).EncodedArray)),
            "UnknownSigner" => Bytes(node.Evidence(hash, key: node.Outsider, nonce: 1).EncodedArray),
            "WrongChain" => Bytes(node.Evidence(hash, chainId: "other-chain").EncodedArray),
            "Expired" => Bytes(node.Evidence(hash, expiry: 0).EncodedArray),
            "MissingField" => Bytes(node.Evidence(hash, payload: "{}").EncodedArray),
            "WrongType" => Bytes(node.Evidence(hash, payload: "{\"hash\":5}").EncodedArray),
            "OutOfRange" => Bytes(node.Evidence(hash, payload: $"{{\"hash\":\"{hash}\",\"owner\":\"{new string('x', 500)}\"}}").EncodedArray),
            "UnknownField" => Bytes(node.Evidence(hash, payload: $"{{\"hash\":\"{hash}\",\"amount\":1}}").EncodedArray),
            "UnknownModule" => Bytes(Core.Ledger.Transaction.Create(setup.Hash, node.Admin, setup.ChainId, 1, 100, "nosuch", "record", "{}"u8).EncodedArray),
            "UnknownAction" => Bytes(Core.Ledger.Transaction.Create(setup.Hash, node.Admin, setup.ChainId, 1, 100, "evidence", "nosuch", "{}"u8).EncodedArray),
            _ => throw new ArgumentException(name),
        };
        using var response = await node.Http.PostAsync("/v1/transactions?wait=true", content);
        Assert.Equal(expectedStatus, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await NodeFixture.ReadJson(response);
        Assert.Equal(expectedCode, problem.GetProperty("code").GetString());
        Assert.Equal(expectedStatus, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.Equal(0, node.Runtime.Mempool.Count);
        Assert.Equal(0L, node.Runtime.Chain.Head.TransactionCount);
    }

    [Fact]
    public async Task AReplayedNonceIsRefused()
    {
        await using var node = await NodeFixture.Start();
        Assert.Equal(200, (await node.Submit(node.Evidence(NodeFixture.HashOf(6), nonce: 1).EncodedArray, wait: true)).Status);
        var (status, body, contentType) = await node.Submit(node.Evidence(NodeFixture.HashOf(7), nonce: 1).EncodedArray, wait: true);
        Assert.Equal(409, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(ResultCodes.NonceAlreadyUsed, body.GetProperty("code").GetString());
        Assert.Equal(1L, node.Runtime.Chain.Head.TransactionCount);
    }

    [Fact]
    public async Task AFullMempoolAnswersBusyWithRetryAfter()
    {
        await using var node = await NodeFixture.Start(mempool: new Hosting.MempoolConfig { TransactionsMax = 1, PerSignerMax = 100 });
        // Nonce 2 waits for nonce 1, so it stays pending and fills the mempool.
        Assert.Equal(202, (await node.Submit(node.Evidence(NodeFixture.HashOf(8), nonce: 2).EncodedArray)).Status);
        using var content = new ByteArrayContent(node.Evidence(NodeFixture.HashOf(9), nonce: 3).EncodedArray);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await node.Http.PostAsync("/v1/transactions", content);
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Equal("MempoolFull", (await NodeFixture.ReadJson(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ReadsServeBlocksStateEvidenceAccountsAndStatus()
    {
        await using var node = await NodeFixture.Start();
        var hash = NodeFixture.HashOf(10);
        var submitted = await node.Submit(node.Evidence(hash).EncodedArray, wait: true);
        var height = submitted.Body.GetProperty("height").GetUInt64();

        var latest = await node.Get("/v1/blocks/latest");
        Assert.Equal(200, latest.Status);
        var blockHash = latest.Body.GetProperty("header").GetProperty("hash").GetString();
        Assert.Equal(height, latest.Body.GetProperty("header").GetProperty("height").GetUInt64());
        Assert.Equal("node0", latest.Body.GetProperty("commit").GetProperty("signatures")[0].GetProperty("validator").GetString());
        Assert.Equal(blockHash, (await node.Get($"/v1/blocks/{height}")).Body.GetProperty("header").GetProperty("hash").GetString());
        Assert.Equal(height, (await node.Get($"/v1/blocks/by-hash/{blockHash}")).Body.GetProperty("header").GetProperty("height").GetUInt64());

        var evidence = await node.Get($"/v1/evidence/{hash}");
        Assert.Equal(200, evidence.Status);
        Assert.Equal("Acme", evidence.Body.GetProperty("record").GetProperty("owner").GetString());
        var verified = EvidenceProof.Parse(evidence.Body.GetProperty("proof").GetRawText()).Verify(node.Genesis);
        Assert.Equal(hash, verified.Record.DocumentHash);

        var key = Convert.ToHexStringLower(Execution.Modules.Evidence.EvidenceModule.Key(hash));
        var state = await node.Get($"/v1/state/{key}?proof=true");
        Assert.True(state.Body.GetProperty("exists").GetBoolean());
        var proof = Core.State.StateProof.Decode(Convert.FromHexString(state.Body.GetProperty("proof").GetProperty("stateProof").GetString()!));
        var header = Core.Ledger.BlockHeader.Decode(Convert.FromHexString(state.Body.GetProperty("proof").GetProperty("header").GetString()!));
        Assert.True(proof.Verify(node.Runtime.Setup.Hash, header.StateRoot));
        var absent = await node.Get($"/v1/state/{Convert.ToHexStringLower(Execution.Modules.Evidence.EvidenceModule.Key(NodeFixture.HashOf(11)))}?proof=true");
        Assert.False(absent.Body.GetProperty("exists").GetBoolean());

        var account = await node.Get("/v1/accounts/" + Convert.ToHexStringLower(node.Admin.PublicKey));
        Assert.Equal(2UL, account.Body.GetProperty("nextNonce").GetUInt64());
        Assert.Equal("regulator/admin", account.Body.GetProperty("name").GetString());
        Assert.Equal("regulator", account.Body.GetProperty("organisationKind").GetString());
        Assert.True(account.Body.GetProperty("canSign").GetBoolean());
        Assert.Contains("evidence-recorder", account.Body.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var status = await node.Get("/v1/status");
        Assert.Equal("node-test", status.Body.GetProperty("chainId").GetString());
        Assert.Equal(height, status.Body.GetProperty("height").GetUInt64());
        Assert.Equal(blockHash, status.Body.GetProperty("lastHash").GetString());
        Assert.Equal("node0", status.Body.GetProperty("validators")[0].GetProperty("name").GetString());
        Assert.Equal("solo", status.Body.GetProperty("ordering").GetString());

        Assert.Equal("ok", (await node.Get("/health")).Body.GetProperty("status").GetString());
        var metrics = await node.Http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE huilian_blocks_committed_total counter", metrics);
        Assert.Contains("huilian_transactions_committed_total 1", metrics);
        Assert.Contains("huilian_transactions_admitted_total{result=\"Accepted\"} 1", metrics);
        var openApi = await node.Get("/openapi/v1.json");
        Assert.Equal(200, openApi.Status);
        Assert.True(openApi.Body.GetProperty("paths").TryGetProperty("/v1/transactions", out _));
        Assert.True(openApi.Body.GetProperty("paths").TryGetProperty("/v1/evidence/{hash}", out _));
        Assert.True(openApi.Body.GetProperty("paths").GetProperty("/v1/transactions").GetProperty("post").GetProperty("requestBody").GetProperty("content").TryGetProperty("application/octet-stream", out _));
    }

    [Theory]
    [InlineData("/v1/transactions/nothex", 400, "RequestMalformed")]
    [InlineData("/v1/transactions/0000000000000000000000000000000000000000000000000000000000000000", 404, "TransactionNotFound")]
    [InlineData("/v1/blocks/99", 404, "BlockNotFound")]
    [InlineData("/v1/blocks/abc", 400, "RequestMalformed")]
    [InlineData("/v1/blocks/by-hash/00", 400, "RequestMalformed")]
    [InlineData("/v1/state/zz", 400, "RequestMalformed")]
    [InlineData("/v1/state/00", 404, "StateEntryNotFound")]
    [InlineData("/v1/evidence/0000000000000000000000000000000000000000000000000000000000000000", 404, "EvidenceNotFound")]
    [InlineData("/v1/accounts/xyz", 400, "RequestMalformed")]
    [InlineData("/v1/accounts/0000000000000000000000000000000000000000000000000000000000000000", 404, "AccountNotFound")]
    [InlineData("/no/such/route", 404, "RouteNotFound")]
    public async Task ReadErrorsAreProblemJson(string path, int status, string code)
    {
        await using var node = await NodeFixture.Start();
        var result = await node.Get(path);
        Assert.Equal(status, result.Status);
        Assert.Equal("application/problem+json", result.ContentType);
        Assert.Equal(code, result.Body.GetProperty("code").GetString());
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    private static ByteArrayContent Bytes(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static byte[] Flip(byte[] bytes)
    {
        bytes[^3] ^= 0x01;
        return bytes;
    }
}

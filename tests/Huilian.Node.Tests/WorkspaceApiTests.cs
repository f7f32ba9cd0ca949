// The workspace reads of the API (WorkspaceApi): the financings of a process by state, a financing with its documents,
// verifications and history, what a publisher published, the credit relations of a bank or an enterprise, a bank's
// branches. Each is authorised like the receivables reads: a bank sees only its own, an enterprise only its own, the
// regulator every financing; another bank's financing is not found; lists are paged (limit 1 to 500) and a bad query
// is RequestMalformed; nobody reads without signing in.

using System.Text;
using System.Text.Json;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Node.Tests;

public sealed class WorkspaceApiTests
{
    private static ConsortiumBuilder Consortium()
    {
        var consortium = new ConsortiumBuilder("intl", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        consortium.AddOrganisation("regulator", "Regulator", OrganisationKinds.Regulator);
        consortium.AddOrganisation("customs", "Customs", OrganisationKinds.Customs);
        consortium.AddOrganisation("bank-a", "Bank A", OrganisationKinds.Bank);
        consortium.AddOrganisation("bank-b", "Bank B", OrganisationKinds.Bank);
        consortium.AddOrganisation("acme", "Acme", OrganisationKinds.Enterprise);
        consortium.AddOrganisation("pearl", "Pearl", OrganisationKinds.Enterprise);
        consortium.AddUser("regulator", "admin", ["organisation-admin"]);
        consortium.AddUser("regulator", "analyst", ["regulator-analyst"]);
        consortium.AddUser("customs", "publisher", ["customs-publisher"]);
        consortium.AddUser("acme", "treasurer", ["enterprise-user"]);
        consortium.AddUser("pearl", "treasurer", ["enterprise-user"]);
        foreach (var bank in new[] { "bank-a", "bank-b" })
        {
            foreach (var (name, role) in new[]
            {
                ("enabler", "enabling-clerk"), ("proxy", "financing-proxy-clerk"), ("acceptor", "financing-acceptance-clerk"), ("reviewer", "financing-review-clerk"),
                ("statistician", "bank-statistician"), ("branches", "branch-information-clerk"),
            })
            {
                consortium.AddUser(bank, name, [role]);
            }
        }
        return consortium;
    }

    private sealed class Runner(NodeFixture node, ConsortiumBuilder consortium)
    {
        private readonly Dictionary<string, ulong> _next = [];

        public async Task<JsonElement> Ok(string user, string module, string action, string payload)
        {
            var nonce = _next[user] = _next.GetValueOrDefault(user) + 1;
            var transaction = Transaction.Create(node.Runtime.Setup.Hash, consortium.User(user).Key, node.Runtime.Setup.ChainId, nonce, 1_000, module, action, Encoding.UTF8.GetBytes(payload));
            var (status, body, _) = await node.Submit(transaction.EncodedArray, wait: true);
            Assert.True(status == 200, body.ToString());
            var receipt = body.GetProperty("receipt");
            Assert.True(receipt.GetProperty("code").GetString() == "Ok", $"{user} {module}.{action}: {receipt}");
            return receipt.GetProperty("result");
        }
    }

    /// <summary>Two declarations (acme's D1, pearl's D2); bank A finances D1 to acceptance, bank B applies on D2; bank A records a branch.</summary>
    private static async Task<(NodeFixture Node, ConsortiumBuilder Consortium, string KeyD1, string FinancingA, string FinancingB)> Scenario()
    {
        var consortium = Consortium();
        var node = await NodeFixture.Start(consortium: consortium);
        var runner = new Runner(node, consortium);
        var hash = node.Runtime.Setup.Hash;
        const string type = DocumentTypes.CustomsDeclaration;
        string Fields(string number, string owner) => DocumentKeys.CommitmentsJson(hash, type, number, "secret-0123456789abcdef", new Dictionary<string, string>
        {
            ["owner"] = owner, ["goods"] = "8471.30 computers", ["export-date"] = "2026-11-02", ["port"] = "CNSHA",
        });
        string Key(string number) => DocumentKeys.Key(hash, type, number, "secret-0123456789abcdef").ToString();
        string Document(string number, string owner) => $"{{\"key\":\"{Key(number)}\",\"type\":\"{type}\",\"value\":10000000,\"currency\":\"USD\",\"fields\":{Fields(number, owner)}}}";
        await runner.Ok("customs/publisher", "registry", "publish-declaration", $"{{\"documents\":[{Document("D1", "acme")},{Document("D2", "pearl")}]}}");
        foreach (var bank in new[] { "bank-a", "bank-b" })
        {
            await runner.Ok(bank + "/enabler", "credit", "enable", "{\"enterprise\":\"acme\"}");
            await runner.Ok(bank + "/enabler", "credit", "enable", "{\"enterprise\":\"pearl\"}");
        }
        await runner.Ok("bank-a/branches", "matching", "maintain-branches", "{\"branch\":\"shanghai\",\"name\":\"Shanghai branch\",\"region\":\"310115\"}");
        await runner.Ok("bank-a/reviewer", "registry", "verify",
            $"{{\"enterprise\":\"acme\",\"documents\":[{{\"key\":\"{Key("D1")}\",\"type\":\"{type}\",\"value\":10000000,\"currency\":\"USD\",\"fields\":{Fields("D1", "acme")}}}]}}");
        string Apply(string number, string owner, ulong amount) =>
            $"{{\"enterprise\":\"{owner}\",\"currency\":\"USD\",\"amount\":{amount},\"documents\":[{{\"key\":\"{Key(number)}\",\"claim\":{amount},\"fields\":{{\"owner\":{JsonDocument.Parse(Fields(number, owner)).RootElement.GetProperty("owner").GetRawText()}}}}}]}}";
        var a = (await runner.Ok("bank-a/proxy", "receivables", "apply", Apply("D1", "acme", 5_000_000))).GetProperty("financing").GetString()!;
        await runner.Ok("bank-a/acceptor", "receivables", "accept", $"{{\"financing\":\"{a}\"}}");
        var b = (await runner.Ok("bank-b/proxy", "receivables", "apply", Apply("D2", "pearl", 2_000_000))).GetProperty("financing").GetString()!;
        return (node, consortium, Key("D1"), a, b);
    }

    private static IEnumerable<string> Ids(JsonElement body) => body.GetProperty("financings").EnumerateArray().Select(f => f.GetProperty("id").GetString()!);

    [Fact]
    public async Task FinancingsAreListedToTheirBankTheirEnterpriseAndTheRegulatorOnly()
    {
        var (node, consortium, _, a, b) = await Scenario();
        await using (node)
        {
            var acceptorA = await node.SignIn(consortium.User("bank-a/acceptor").Key);
            var proxyB = await node.SignIn(consortium.User("bank-b/proxy").Key);
            var acme = await node.SignIn(consortium.User("acme/treasurer").Key);
            var analyst = await node.SignIn(consortium.User("regulator/analyst").Key);
            var customs = await node.SignIn(consortium.User("customs/publisher").Key);

            var ownA = (await node.Get("/v1/workspace/financings?process=receivables", acceptorA)).Body;
            Assert.Equal([a], Ids(ownA));
            Assert.Equal("bank", ownA.GetProperty("scope").GetString());
            Assert.Equal([a], Ids((await node.Get("/v1/workspace/financings?process=receivables&state=accepted", acceptorA)).Body));
            Assert.Empty(Ids((await node.Get("/v1/workspace/financings?process=receivables&state=applied", acceptorA)).Body));
            Assert.Equal([a], Ids((await node.Get("/v1/workspace/financings?process=receivables&state=applied,accepted", acceptorA)).Body));
            Assert.Equal([b], Ids((await node.Get("/v1/workspace/financings", proxyB)).Body));
            Assert.Equal([a], Ids((await node.Get("/v1/workspace/financings", acme)).Body));
            Assert.Equal([b, a], Ids((await node.Get("/v1/workspace/financings", analyst)).Body));
            Assert.Equal([a], Ids((await node.Get("/v1/workspace/financings?enterprise=acme", analyst)).Body));
            Assert.Empty(Ids((await node.Get("/v1/workspace/financings?process=policy-financing", analyst)).Body));
            Assert.Equal(1, (await node.Get("/v1/workspace/financings?limit=1", analyst)).Body.GetProperty("financings").GetArrayLength());
            Assert.Equal([a], Ids((await node.Get("/v1/workspace/financings?limit=1&offset=1", analyst)).Body));

            var refused = await node.Get("/v1/workspace/financings", customs);
            Assert.Equal((403, "NotEntitled"), (refused.Status, refused.Body.GetProperty("code").GetString()));
            Assert.Equal(401, (await node.Get("/v1/workspace/financings")).Status);
            foreach (var bad in new[] { "limit=0", "limit=501", "limit=x", "offset=-1", "state=bogus", "process=bogus", "enterprise=Not%20an%20id" })
            {
                var answer = await node.Get("/v1/workspace/financings?" + bad, acceptorA);
                Assert.True((400, "RequestMalformed") == (answer.Status, answer.Body.GetProperty("code").GetString()), bad);
            }
        }
    }

    [Fact]
    public async Task AFinancingShowsItsDocumentsVerificationsAndHistoryToItsOwnOnly()
    {
        var (node, consortium, key, a, b) = await Scenario();
        await using (node)
        {
            var acceptorA = await node.SignIn(consortium.User("bank-a/acceptor").Key);
            var record = await node.Get($"/v1/workspace/financings/receivables/{a}", acceptorA);
            Assert.Equal(200, record.Status);
            var body = record.Body;
            Assert.Equal(("accepted", "bank-a", 5_000_000L), (body.GetProperty("state").GetString(), body.GetProperty("bank").GetString(), body.GetProperty("appliedMinor").GetInt64()));
            Assert.Equal(["review", "cancel"], body.GetProperty("next").EnumerateArray().Select(n => n.GetString()!));
            var document = Assert.Single(body.GetProperty("documents").EnumerateArray());
            Assert.Equal((key, "customs-declaration", "customs", 10_000_000L), (document.GetProperty("key").GetString(), document.GetProperty("type").GetString(), document.GetProperty("publisher").GetString(), document.GetProperty("valueMinor").GetInt64()));
            var verification = Assert.Single(body.GetProperty("verifications").EnumerateArray());
            Assert.Equal(("Match", "bank-a/reviewer"), (verification.GetProperty("outcome").GetString(), verification.GetProperty("user").GetString()));
            var history = body.GetProperty("history").EnumerateArray().ToArray();
            Assert.Equal([("apply", "", "applied", "bank-a/proxy"), ("accept", "applied", "accepted", "bank-a/acceptor")],
                history.Select(h => (h.GetProperty("action").GetString()!, h.GetProperty("from").GetString()!, h.GetProperty("to").GetString()!, h.GetProperty("user").GetString()!)));
            Assert.Equal("5000000", history[0].GetProperty("payload").GetProperty("amount").GetString());
            Assert.False(history[0].GetProperty("payload").TryGetProperty("documents", out _));
            Assert.True(body.GetProperty("historyComplete").GetBoolean());

            // The enterprise reads its own; another bank, another enterprise, a wrong process: not found.
            Assert.Equal(200, (await node.Get($"/v1/workspace/financings/receivables/{a}", await node.SignIn(consortium.User("acme/treasurer").Key))).Status);
            foreach (var (user, path) in new[] { ("bank-b/proxy", $"receivables/{a}"), ("pearl/treasurer", $"receivables/{a}"), ("bank-a/acceptor", $"policy-financing/{a}"), ("bank-a/acceptor", $"receivables/{b}"), ("bank-a/acceptor", "nothing/rf-00000001"), ("customs/publisher", $"receivables/{a}") })
            {
                var answer = await node.Get("/v1/workspace/financings/" + path, await node.SignIn(consortium.User(user).Key));
                Assert.True((404, "FinancingNotFound") == (answer.Status, answer.Body.GetProperty("code").GetString()), user + " " + path);
            }
            Assert.Equal(200, (await node.Get($"/v1/workspace/financings/receivables/{b}", await node.SignIn(consortium.User("regulator/analyst").Key))).Status);
        }
    }

    [Fact]
    public async Task PublishersCreditRelationsAndBranchesAreTheCallersOwn()
    {
        var (node, consortium, key, _, _) = await Scenario();
        await using (node)
        {
            var customs = await node.SignIn(consortium.User("customs/publisher").Key);
            var published = (await node.Get("/v1/workspace/published?limit=1", customs)).Body;
            Assert.Equal((2, "customs"), (published.GetProperty("total").GetInt32(), published.GetProperty("publisher").GetString()));
            Assert.Equal(1, published.GetProperty("documents").GetArrayLength());
            var all = (await node.Get("/v1/workspace/published?type=customs-declaration", customs)).Body.GetProperty("documents").EnumerateArray().ToArray();
            Assert.Contains(all, d => d.GetProperty("key").GetString() == key && d.GetProperty("financedBp").GetInt32() == 0);
            Assert.Equal(0, (await node.Get("/v1/workspace/published?type=commercial-invoice", customs)).Body.GetProperty("total").GetInt32());
            var proxyA = await node.SignIn(consortium.User("bank-a/proxy").Key);
            Assert.Equal(403, (await node.Get("/v1/workspace/published", proxyA)).Status);
            Assert.Equal(400, (await node.Get("/v1/workspace/published?type=nonsense", customs)).Status);
            Assert.Equal(400, (await node.Get("/v1/workspace/published?limit=1000", customs)).Status);

            var acme = (await node.Get("/v1/workspace/credit", await node.SignIn(consortium.User("acme/treasurer").Key))).Body;
            Assert.Equal(["bank-a", "bank-b"], acme.GetProperty("relations").EnumerateArray().Select(r => r.GetProperty("organisation").GetString()!).Order());
            Assert.All(acme.GetProperty("relations").EnumerateArray(), r => Assert.True(r.GetProperty("enabled").GetBoolean()));
            var bankA = (await node.Get("/v1/workspace/credit", proxyA)).Body;
            Assert.Equal(["acme", "pearl"], bankA.GetProperty("relations").EnumerateArray().Select(r => r.GetProperty("organisation").GetString()!).Order());
            Assert.Equal(403, (await node.Get("/v1/workspace/credit", customs)).Status);

            var branchesA = (await node.Get("/v1/workspace/branches", proxyA)).Body.GetProperty("branches").EnumerateArray().ToArray();
            Assert.Equal(("shanghai", "310115", "bank-a/branches"), (branchesA.Single().GetProperty("branch").GetString(), branchesA.Single().GetProperty("region").GetString(), branchesA.Single().GetProperty("maintainedBy").GetString()));
            Assert.Empty((await node.Get("/v1/workspace/branches", await node.SignIn(consortium.User("bank-b/proxy").Key))).Body.GetProperty("branches").EnumerateArray());
            Assert.Equal(403, (await node.Get("/v1/workspace/branches", customs)).Status);
            Assert.Equal(401, (await node.Get("/v1/workspace/branches")).Status);

            var paths = (await node.Get("/openapi/v1.json")).Body.GetProperty("paths");
            foreach (var path in new[] { "/v1/workspace/financings", "/v1/workspace/financings/{process}/{id}", "/v1/workspace/published", "/v1/workspace/credit", "/v1/workspace/branches" })
            {
                Assert.True(paths.TryGetProperty(path, out var operations), path);
                Assert.False(string.IsNullOrEmpty(operations.GetProperty("get").GetProperty("summary").GetString()), path);
            }
        }
    }
}

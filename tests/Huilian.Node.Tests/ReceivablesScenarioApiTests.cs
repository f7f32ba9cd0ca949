// The scenario of issue 5 through a real node's API (transactions submitted over HTTP, reports read over HTTP),
// on a node with its default modules (registry and receivables among them). Customs publishes declaration D worth US$100,000; bank A verifies it and
// finances US$80,000; bank B is refused US$30,000 and told D is 80% financed, not by whom; the regulator sees both
// banks and an alert on B; A registers a repayment of US$40,000; B finances US$60,000; the statisticians' reports
// (each its own bank) and the verification-failure statistics count it all; CSV exports agree.

using System.Text;
using System.Text.Json;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Registry;
using Huilian.Ledger;

namespace Huilian.Node.Tests;

public sealed class ReceivablesScenarioApiTests
{
    private static ConsortiumBuilder Consortium()
    {
        var consortium = new ConsortiumBuilder("intl", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        consortium.AddOrganisation("regulator", "Regulator", OrganisationKinds.Regulator);
        consortium.AddOrganisation("customs", "Customs", OrganisationKinds.Customs);
        consortium.AddOrganisation("bank-a", "Bank A", OrganisationKinds.Bank);
        consortium.AddOrganisation("bank-b", "Bank B", OrganisationKinds.Bank);
        consortium.AddOrganisation("acme", "Acme", OrganisationKinds.Enterprise);
        consortium.AddUser("regulator", "admin", ["organisation-admin"]);
        consortium.AddUser("regulator", "analyst", ["regulator-analyst"]);
        consortium.AddUser("customs", "publisher", ["customs-publisher"]);
        foreach (var bank in new[] { "bank-a", "bank-b" })
        {
            foreach (var (name, role) in new[]
            {
                ("enabler", "enabling-clerk"), ("proxy", "financing-proxy-clerk"), ("acceptor", "financing-acceptance-clerk"), ("reviewer", "financing-review-clerk"),
                ("disburser", "financing-disbursement-clerk"), ("repayer", "financing-repayment-clerk"), ("statistician", "bank-statistician"),
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

        public async Task<(string Code, string Message, JsonElement Result)> Run(string user, string module, string action, string payload)
        {
            var nonce = _next[user] = _next.GetValueOrDefault(user) + 1;
            var transaction = Transaction.Create(node.Runtime.Setup.Hash, consortium.User(user).Key, node.Runtime.Setup.ChainId, nonce, 1_000, module, action, Encoding.UTF8.GetBytes(payload));
            var (status, body, _) = await node.Submit(transaction.EncodedArray, wait: true);
            Assert.True(status == 200, body.ToString());
            var receipt = body.GetProperty("receipt");
            return (receipt.GetProperty("code").GetString()!, receipt.GetProperty("message").GetString()!, receipt.GetProperty("result"));
        }

        public async Task<JsonElement> Ok(string user, string module, string action, string payload)
        {
            var (code, message, result) = await Run(user, module, action, payload);
            Assert.True(code == "Ok", $"{user} {module}.{action}: {code} {message}");
            return result;
        }
    }

    [Fact]
    public async Task DeclarationDThroughTheApi()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var runner = new Runner(node, consortium);
        var hash = node.Runtime.Setup.Hash;
        const string type = DocumentTypes.CustomsDeclaration, number = "222020261000555001", secret = "d-secret-0123456789abcdef";
        var key = DocumentKeys.Key(hash, type, number, secret);
        string Fields(string goods = "8471.30 computers") => DocumentKeys.CommitmentsJson(hash, type, number, secret, new Dictionary<string, string>
        {
            ["owner"] = "acme", ["goods"] = goods, ["export-date"] = "2026-11-02", ["port"] = "CNSHA",
        });
        string Apply(ulong amount, string branch) =>
            $"{{\"enterprise\":\"acme\",\"branch\":\"{branch}\",\"currency\":\"USD\",\"amount\":{amount},\"documents\":[{{\"key\":\"{key}\",\"claim\":{amount},\"fields\":{Fields()}}}]}}";
        string Verify(string goods, string branch) =>
            $"{{\"enterprise\":\"acme\",\"branch\":\"{branch}\",\"documents\":[{{\"key\":\"{key}\",\"type\":\"{type}\",\"value\":10000000,\"currency\":\"USD\",\"fields\":{Fields(goods)}}}]}}";
        async Task<string> Finance(string bank, ulong amount, string branch)
        {
            var id = (await runner.Ok(bank + "/proxy", "receivables", "apply", Apply(amount, branch))).GetProperty("financing").GetString()!;
            await runner.Ok(bank + "/acceptor", "receivables", "accept", $"{{\"financing\":\"{id}\"}}");
            await runner.Ok(bank + "/reviewer", "receivables", "review", $"{{\"financing\":\"{id}\",\"decision\":\"approve\"}}");
            await runner.Ok(bank + "/disburser", "receivables", "disburse", $"{{\"financing\":\"{id}\",\"amount\":{amount},\"value-date\":\"2026-11-20\",\"rate-bp\":425,\"term-days\":90}}");
            return id;
        }

        await runner.Ok("customs/publisher", "registry", "publish-declaration",
            $"{{\"documents\":[{{\"key\":\"{key}\",\"type\":\"{type}\",\"value\":10000000,\"currency\":\"USD\",\"fields\":{Fields()}}}]}}");
        await runner.Ok("bank-a/enabler", "credit", "enable", "{\"enterprise\":\"acme\"}");
        await runner.Ok("bank-b/enabler", "credit", "enable", "{\"enterprise\":\"acme\"}");

        Assert.Equal("Match", (await runner.Ok("bank-a/reviewer", "registry", "verify", Verify("8471.30 computers", "shanghai"))).GetProperty("items")[0].GetProperty("outcome").GetString());
        var a = await Finance("bank-a", 80_000_00, "shanghai");
        var seenByB = (await runner.Ok("bank-b/reviewer", "registry", "verify", Verify("8471.30 computers", "beijing"))).GetProperty("items")[0];
        Assert.Equal(("Match", 8_000), (seenByB.GetProperty("outcome").GetString(), seenByB.GetProperty("financedBp").GetInt32()));
        Assert.Equal("FieldMismatch:goods", (await runner.Ok("bank-b/reviewer", "registry", "verify", Verify("tablets", "beijing"))).GetProperty("items")[0].GetProperty("outcome").GetString());

        var (code, message, _) = await runner.Run("bank-b/proxy", "receivables", "apply", Apply(30_000_00, "beijing"));
        Assert.Equal(RegistryCodes.AmountExceedsUnfinancedBalance, code);
        Assert.Contains("80.00% financed", message, StringComparison.Ordinal);
        Assert.DoesNotContain("bank-a", message, StringComparison.Ordinal);

        var statisticianB = await node.SignIn(consortium.User("bank-b/statistician").Key);
        var analyst = await node.SignIn(consortium.User("regulator/analyst").Key);
        var document = await node.Get("/v1/registry/documents/" + key, statisticianB);
        Assert.Equal(("80.00%", 10_000_000L), (document.Body.GetProperty("financed").GetString(), document.Body.GetProperty("valueMinor").GetInt64()));
        var alerts = (await node.Get("/v1/receivables/alerts", analyst)).Body.GetProperty("alerts");
        Assert.Equal(("bank-b", 3_000_000L, 8_000_000L), (alerts[0].GetProperty("bank").GetString(), alerts[0].GetProperty("requestedMinor").GetInt64(), alerts[0].GetProperty("financedMinor").GetInt64()));
        var shownToB = await node.Get($"/v1/receivables/financings/{a}", statisticianB);
        Assert.Equal(404, shownToB.Status); // B does not learn whose financing makes up the 80%.

        await runner.Ok("bank-a/repayer", "receivables", "repay", $"{{\"financing\":\"{a}\",\"amount\":4000000,\"value-date\":\"2026-12-20\"}}");
        Assert.Equal(RegistryCodes.AmountExceedsUnfinancedBalance, (await runner.Run("bank-b/proxy", "receivables", "apply", Apply(60_000_01, "beijing"))).Code);
        await Finance("bank-b", 60_000_00, "beijing");
        Assert.Equal("100.00%", (await node.Get("/v1/registry/documents/" + key, statisticianB)).Body.GetProperty("financed").GetString());

        var report = (await node.Get("/v1/receivables/report", analyst)).Body.GetProperty("rows");
        Assert.Equal([("bank-a", 4_000_000L), ("bank-b", 6_000_000L)], report.EnumerateArray().Select(r => (r.GetProperty("bank").GetString()!, r.GetProperty("outstandingMinor").GetInt64())));
        var statisticsB = (await node.Get("/v1/receivables/statistics", statisticianB)).Body.GetProperty("rows");
        var rowB = Assert.Single(statisticsB.EnumerateArray());
        Assert.Equal((1, 1, 6_000_000L, 2), (rowB.GetProperty("applications").GetInt32(), rowB.GetProperty("disbursed").GetInt32(), rowB.GetProperty("disbursedAmount").GetInt64(), rowB.GetProperty("refusedAttempts").GetInt32()));
        var failures = Assert.Single((await node.Get("/v1/receivables/declaration-failures", statisticianB)).Body.GetProperty("rows").EnumerateArray());
        Assert.Equal(("beijing", 2, 1, 1), (failures.GetProperty("branch").GetString(), failures.GetProperty("verified").GetInt32(), failures.GetProperty("failed").GetInt32(), failures.GetProperty("fieldMismatch").GetInt32()));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/receivables/statistics?format=csv");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", statisticianB);
        using var response = await node.Http.SendAsync(request);
        Assert.EndsWith("\r\nbank-b,acme,USD,1,0,0,1,6000000,0,6000000,2\r\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

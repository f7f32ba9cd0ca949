// The dashboard's reads (/v1/dashboard/volumes, /verifications, /financings) and the explorer's block list through a
// real node: bank A finances declaration D1 to disbursement; bank B verifies D2 with the wrong goods (a failure),
// applies against D2 and is refused on D1 (an alert). The regulator analyst sees both banks in every series; a bank
// statistician its own bank only and is refused another's; a clerk and an anonymous caller are refused; bad filters
// are RequestMalformed; the drill-down list filters by bank, state and document and pages.

using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Node.Tests;

public sealed class DashboardApiTests
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
            consortium.AddUser(bank, "clerk", ["enabling-clerk", "financing-proxy-clerk", "financing-acceptance-clerk", "financing-review-clerk", "financing-disbursement-clerk"]);
            consortium.AddUser(bank, "statistician", ["bank-statistician"]);
        }
        return consortium;
    }

    private sealed class Runner(NodeFixture node, ConsortiumBuilder consortium)
    {
        private readonly Dictionary<string, ulong> _next = [];

        public async Task<(string Code, JsonElement Result)> Run(string user, string module, string action, string payload)
        {
            var nonce = _next[user] = _next.GetValueOrDefault(user) + 1;
            var transaction = Transaction.Create(node.Runtime.Setup.Hash, consortium.User(user).Key, node.Runtime.Setup.ChainId, nonce, 1_000, module, action, Encoding.UTF8.GetBytes(payload));
            var (status, body, _) = await node.Submit(transaction.EncodedArray, wait: true);
            Assert.True(status == 200, body.ToString());
            var receipt = body.GetProperty("receipt");
            return (receipt.GetProperty("code").GetString()!, receipt.GetProperty("result"));
        }

        public async Task<JsonElement> Ok(string user, string module, string action, string payload)
        {
            var (code, result) = await Run(user, module, action, payload);
            Assert.True(code == "Ok", $"{user} {module}.{action}: {code}");
            return result;
        }
    }

    private static async Task<(NodeFixture Node, Dictionary<string, string> Tokens, string D1)> Scenario()
    {
        var consortium = Consortium();
        var node = await NodeFixture.Start(consortium: consortium);
        var runner = new Runner(node, consortium);
        var hash = node.Runtime.Setup.Hash;
        const string type = DocumentTypes.CustomsDeclaration;
        string Key(string number) => DocumentKeys.Key(hash, type, number, "secret-" + number + "-0123456789").ToString();
        string Fields(string number, string goods = "8471.30 computers") => DocumentKeys.CommitmentsJson(hash, type, number, "secret-" + number + "-0123456789",
            new Dictionary<string, string> { ["owner"] = "acme", ["goods"] = goods, ["export-date"] = "2026-11-02", ["port"] = "CNSHA" });
        string Document(string number) => $"{{\"key\":\"{Key(number)}\",\"type\":\"{type}\",\"value\":10000000,\"currency\":\"USD\",\"fields\":{Fields(number)}}}";
        string Apply(string number, ulong amount, string branch) =>
            $"{{\"enterprise\":\"acme\",\"branch\":\"{branch}\",\"currency\":\"USD\",\"amount\":{amount},\"documents\":[{{\"key\":\"{Key(number)}\",\"claim\":{amount},\"fields\":{Fields(number)}}}]}}";

        await runner.Ok("customs/publisher", "registry", "publish-declaration", $"{{\"documents\":[{Document("D1")},{Document("D2")}]}}");
        await runner.Ok("bank-a/clerk", "credit", "enable", "{\"enterprise\":\"acme\"}");
        await runner.Ok("bank-b/clerk", "credit", "enable", "{\"enterprise\":\"acme\"}");
        await runner.Ok("bank-a/clerk", "registry", "verify", $"{{\"enterprise\":\"acme\",\"branch\":\"pudong\",\"documents\":[{Document("D1")}]}}");
        var a = (await runner.Ok("bank-a/clerk", "receivables", "apply", Apply("D1", 10_000_000, "pudong"))).GetProperty("financing").GetString()!;
        await runner.Ok("bank-a/clerk", "receivables", "accept", $"{{\"financing\":\"{a}\"}}");
        await runner.Ok("bank-a/clerk", "receivables", "review", $"{{\"financing\":\"{a}\",\"decision\":\"approve\"}}");
        await runner.Ok("bank-a/clerk", "receivables", "disburse", $"{{\"financing\":\"{a}\",\"amount\":10000000,\"value-date\":\"2026-11-20\",\"rate-bp\":425,\"term-days\":90}}");
        var wrongGoods = $"{{\"key\":\"{Key("D2")}\",\"type\":\"{type}\",\"value\":10000000,\"currency\":\"USD\",\"fields\":{Fields("D2", "tablets")}}}";
        await runner.Ok("bank-b/clerk", "registry", "verify", $"{{\"enterprise\":\"acme\",\"branch\":\"futian\",\"documents\":[{wrongGoods}]}}");
        await runner.Ok("bank-b/clerk", "receivables", "apply", Apply("D2", 5_000_000, "futian"));
        Assert.Equal(RegistryCodes.DocumentAlreadyFinancedInFull, (await runner.Run("bank-b/clerk", "receivables", "apply", Apply("D1", 1_000_000, "futian"))).Code);

        var tokens = new Dictionary<string, string>();
        foreach (var user in new[] { "regulator/analyst", "bank-a/statistician", "bank-b/statistician", "bank-a/clerk" })
        {
            tokens[user] = await node.SignIn(consortium.User(user).Key);
        }
        return (node, tokens, Key("D1"));
    }

    [Fact]
    public async Task VolumesVerificationsAndFinancingsAreCountedPerBankForTheRegulatorAndOwnBankForAStatistician()
    {
        var (node, tokens, d1) = await Scenario();
        await using var _ = node;
        var analyst = tokens["regulator/analyst"];

        var volumes = await node.Get("/v1/dashboard/volumes", analyst);
        Assert.True(volumes.Status == 200, volumes.Body.ToString());
        Assert.Equal(2, volumes.Body.GetProperty("financings").GetInt32());
        Assert.Equal(["receivables", "policy-financing"], volumes.Body.GetProperty("scenarios").EnumerateArray().Select(s => s.GetProperty("id").GetString()));
        var states = volumes.Body.GetProperty("states").GetProperty("receivables");
        Assert.Equal((1, 1, 0), (states.GetProperty("applied").GetInt32(), states.GetProperty("disbursed").GetInt32(), states.GetProperty("repaid").GetInt32()));
        Assert.All(volumes.Body.GetProperty("states").GetProperty("policy-financing").EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt32()));
        var rows = volumes.Body.GetProperty("rows").EnumerateArray().ToArray();
        Assert.All(rows, r => Assert.Matches(new Regex("^\\d{4}-\\d{2}-\\d{2}$"), r.GetProperty("period").GetString()));
        Assert.All(rows, r => Assert.Equal(("receivables", "USD"), (r.GetProperty("scenario").GetString(), r.GetProperty("currency").GetString())));
        long Sum(string bank, string field) => rows.Where(r => r.GetProperty("bank").GetString() == bank).Sum(r => r.GetProperty(field).GetInt64());
        Assert.Equal((1L, 10_000_000L, 1L, 10_000_000L, 10_000_000L), (Sum("bank-a", "applications"), Sum("bank-a", "appliedMinor"), Sum("bank-a", "disbursed"), Sum("bank-a", "disbursedMinor"), Sum("bank-a", "outstandingMinor")));
        Assert.Equal((1L, 5_000_000L, 0L), (Sum("bank-b", "applications"), Sum("bank-b", "appliedMinor"), Sum("bank-b", "disbursed")));
        // The same figures as the statistics report.
        var statistics = (await node.Get("/v1/receivables/statistics", analyst)).Body.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(statistics.Sum(r => r.GetProperty("applications").GetInt64()), rows.Sum(r => r.GetProperty("applications").GetInt64()));
        Assert.Equal(statistics.Sum(r => r.GetProperty("disbursedAmount").GetInt64()), rows.Sum(r => r.GetProperty("disbursedMinor").GetInt64()));

        var monthly = await node.Get("/v1/dashboard/volumes?period=month", analyst);
        Assert.All(monthly.Body.GetProperty("rows").EnumerateArray(), r => Assert.Matches(new Regex("^\\d{4}-\\d{2}$"), r.GetProperty("period").GetString()));
        var future = await node.Get("/v1/dashboard/volumes?from=2100-01-01", analyst);
        Assert.Equal((0, 0), (future.Body.GetProperty("financings").GetInt32(), future.Body.GetProperty("rows").GetArrayLength()));

        var verifications = await node.Get("/v1/dashboard/verifications", analyst);
        Assert.Equal(1, verifications.Body.GetProperty("alerts").GetInt32());
        var byBank = verifications.Body.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("bank").GetString()!);
        Assert.Equal((1, 0, 0), (byBank["bank-a"].GetProperty("documents").GetInt32(), byBank["bank-a"].GetProperty("failed").GetInt32(), byBank["bank-a"].GetProperty("alerts").GetInt32()));
        Assert.Equal((1, 1, 1, 1), (byBank["bank-b"].GetProperty("documents").GetInt32(), byBank["bank-b"].GetProperty("failed").GetInt32(), byBank["bank-b"].GetProperty("fieldMismatch").GetInt32(), byBank["bank-b"].GetProperty("alerts").GetInt32()));

        // A bank's statistician: its own bank only, its bank filled in.
        var own = await node.Get("/v1/dashboard/volumes", tokens["bank-b/statistician"]);
        Assert.Equal(200, own.Status);
        Assert.Equal("bank-b", own.Body.GetProperty("filter").GetProperty("bank").GetString());
        Assert.All(own.Body.GetProperty("rows").EnumerateArray(), r => Assert.Equal("bank-b", r.GetProperty("bank").GetString()));
        Assert.Equal(1, own.Body.GetProperty("financings").GetInt32());
        var ownChecks = await node.Get("/v1/dashboard/verifications", tokens["bank-a/statistician"]);
        Assert.Equal(0, ownChecks.Body.GetProperty("alerts").GetInt32());
        Assert.All(ownChecks.Body.GetProperty("rows").EnumerateArray(), r => Assert.Equal("bank-a", r.GetProperty("bank").GetString()));
    }

    [Fact]
    public async Task TheDashboardIsRefusedToOtherBanksClerksAndStrangersAndBadFiltersAreMalformed()
    {
        var (node, tokens, _) = await Scenario();
        await using var __ = node;
        foreach (var path in new[] { "/v1/dashboard/volumes", "/v1/dashboard/verifications", "/v1/dashboard/financings" })
        {
            var other = await node.Get(path + "?bank=bank-b", tokens["bank-a/statistician"]);
            Assert.Equal((403, "NotEntitled"), (other.Status, other.Body.GetProperty("code").GetString()));
            var clerk = await node.Get(path, tokens["bank-a/clerk"]);
            Assert.Equal((403, "SignerLacksRole"), (clerk.Status, clerk.Body.GetProperty("code").GetString()));
            Assert.Equal(401, (await node.Get(path)).Status);
            foreach (var bad in new[] { "?from=2026-13-01", "?until=tomorrow", "?period=week" })
            {
                var malformed = await node.Get(path + bad, tokens["regulator/analyst"]);
                Assert.Equal((400, "RequestMalformed"), (malformed.Status, malformed.Body.GetProperty("code").GetString()));
            }
        }
        foreach (var bad in new[] { "?limit=0", "?limit=201", "?offset=-1", "?scenario=leasing", "?state=unknown-state", "?document=xyz" })
        {
            var malformed = await node.Get("/v1/dashboard/financings" + bad, tokens["regulator/analyst"]);
            Assert.True((400, "RequestMalformed") == (malformed.Status, malformed.Body.GetProperty("code").GetString()), bad);
        }
    }

    [Fact]
    public async Task TheDrillDownListFiltersByBankStateAndDocumentAndPages()
    {
        var (node, tokens, d1) = await Scenario();
        await using var _ = node;
        var analyst = tokens["regulator/analyst"];
        var all = (await node.Get("/v1/dashboard/financings", analyst)).Body;
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        // Newest first: bank B's application came after bank A's.
        Assert.Equal(["bank-b", "bank-a"], all.GetProperty("financings").EnumerateArray().Select(f => f.GetProperty("bank").GetString()));
        var ofDocument = (await node.Get("/v1/dashboard/financings?document=" + d1, analyst)).Body;
        var financing = Assert.Single(ofDocument.GetProperty("financings").EnumerateArray());
        Assert.Equal(("bank-a", "disbursed", "receivables", d1), (financing.GetProperty("bank").GetString(), financing.GetProperty("state").GetString(),
            financing.GetProperty("scenario").GetString(), financing.GetProperty("documents")[0].GetString()));
        Assert.Equal(1, (await node.Get("/v1/dashboard/financings?state=applied", analyst)).Body.GetProperty("total").GetInt32());
        Assert.Equal(0, (await node.Get("/v1/dashboard/financings?scenario=policy-financing", analyst)).Body.GetProperty("total").GetInt32());
        var paged = (await node.Get("/v1/dashboard/financings?limit=1&offset=1", analyst)).Body;
        Assert.Equal((2, "bank-a"), (paged.GetProperty("total").GetInt32(), Assert.Single(paged.GetProperty("financings").EnumerateArray()).GetProperty("bank").GetString()));
        var own = (await node.Get("/v1/dashboard/financings", tokens["bank-b/statistician"])).Body;
        Assert.Equal("bank-b", Assert.Single(own.GetProperty("financings").EnumerateArray()).GetProperty("bank").GetString());
    }

    [Theory]
    [InlineData("2026-11-28T23:59:59.999Z", "2026-11-28", "2026-11")]
    [InlineData("2026-12-01T00:00:00.000Z", "2026-12-01", "2026-12")]
    [InlineData("2024-02-29T12:00:00.000Z", "2024-02-29", "2024-02")]
    [InlineData("1969-12-31T23:00:00.000Z", "1969-12-31", "1969-12")]
    public void PeriodsAreUtcDaysAndMonths(string time, string day, string month)
    {
        var ms = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        Assert.Equal(day, Api.DashboardApi.PeriodText(Api.DashboardApi.PeriodKey(ms, monthly: false), monthly: false));
        Assert.Equal(month, Api.DashboardApi.PeriodText(Api.DashboardApi.PeriodKey(ms, monthly: true), monthly: true));
    }

    [Fact]
    public async Task TheExplorerListsBlockHeadersNewestFirstAPageAtATime()
    {
        await using var node = await NodeFixture.Start();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await node.Submit(node.Evidence(NodeFixture.HashOf(i), nonce: (ulong)i + 1).EncodedArray, wait: true)).Status);
        }
        var page = await node.Get("/v1/explorer/blocks?limit=2");
        Assert.Equal(200, page.Status);
        var heights = page.Body.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("height").GetUInt64()).ToArray();
        Assert.Equal(2, heights.Length);
        Assert.True(heights[0] == heights[1] + 1 && heights[0] == page.Body.GetProperty("head").GetUInt64());
        var block = page.Body.GetProperty("blocks")[0];
        Assert.Equal(64, block.GetProperty("hash").GetString()!.Length);
        Assert.Equal("node0", block.GetProperty("proposerName").GetString());
        var older = await node.Get($"/v1/explorer/blocks?before={heights[1]}&limit=100");
        Assert.Equal(heights[1] - 1, older.Body.GetProperty("blocks")[0].GetProperty("height").GetUInt64());
        Assert.Equal(1UL, older.Body.GetProperty("blocks").EnumerateArray().Last().GetProperty("height").GetUInt64());
        Assert.Equal(heights[1] - 1, (ulong)older.Body.GetProperty("blocks").GetArrayLength());
        Assert.Equal(0, (await node.Get("/v1/explorer/blocks?before=1")).Body.GetProperty("blocks").GetArrayLength());
        foreach (var bad in new[] { "?limit=0", "?limit=101", "?before=-3", "?before=abc" })
        {
            Assert.Equal(400, (await node.Get("/v1/explorer/blocks" + bad)).Status);
        }
        var paths = (await node.Get("/openapi/v1.json")).Body.GetProperty("paths");
        foreach (var path in new[] { "/v1/explorer/blocks", "/v1/dashboard/volumes", "/v1/dashboard/verifications", "/v1/dashboard/financings" })
        {
            Assert.True(paths.GetProperty(path).GetProperty("get").GetProperty("summary").GetString()!.Length > 20, path);
        }
    }
}

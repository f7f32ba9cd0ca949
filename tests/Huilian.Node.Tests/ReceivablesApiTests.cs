// The registry and receivables reads of the API, authorised like the member API: a bank statistician reads its own
// bank's statistics, status report, declaration-verification failures and alerts (its bank filled in), and is
// refused another bank's (NotEntitled); a clerk without the statistician's role is refused (SignerLacksRole); a
// regulator analyst reads any bank; nobody reads without signing in. Bad dates and formats are RequestMalformed; CSV
// is served as text/csv with its header line. An unknown registry key or financing is 404.
// The node does not run the registry and receivables modules yet (ChainSetup.DefaultModules, docs/REGISTRY.md),
// so these reports are empty here; their contents are tested at execution level (Huilian.Execution.Tests).

using System.Net.Http.Headers;
using Huilian.Core.Genesis;
using Huilian.Crypto;

namespace Huilian.Node.Tests;

public sealed class ReceivablesApiTests
{
    private static ConsortiumBuilder Consortium()
    {
        var consortium = new ConsortiumBuilder("intl", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        consortium.AddOrganisation("regulator", "Regulator", OrganisationKinds.Regulator);
        consortium.AddOrganisation("bank-a", "Bank A", OrganisationKinds.Bank);
        consortium.AddOrganisation("bank-b", "Bank B", OrganisationKinds.Bank);
        consortium.AddUser("regulator", "admin", ["organisation-admin"]);
        consortium.AddUser("regulator", "analyst", ["regulator-analyst"]);
        consortium.AddUser("bank-a", "statistician", ["bank-statistician"]);
        consortium.AddUser("bank-a", "proxy", ["financing-proxy-clerk"]);
        consortium.AddUser("bank-b", "statistician", ["bank-statistician"]);
        return consortium;
    }

    [Fact]
    public async Task ReportsAreAuthorisedByBankAndRole()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var statisticianA = await node.SignIn(consortium.User("bank-a/statistician").Key);
        var proxyA = await node.SignIn(consortium.User("bank-a/proxy").Key);
        var analyst = await node.SignIn(consortium.User("regulator/analyst").Key);

        foreach (var report in new[] { "statistics", "report", "declaration-failures", "alerts" })
        {
            var own = await node.Get($"/v1/receivables/{report}", statisticianA);
            Assert.True(own.Status == 200, report + ": " + own.Body);
            Assert.Equal("bank-a", own.Body.GetProperty("filter").GetProperty("bank").GetString());
            Assert.False(own.Body.GetProperty("truncated").GetBoolean());

            var other = await node.Get($"/v1/receivables/{report}?bank=bank-b", statisticianA);
            Assert.Equal((403, "NotEntitled"), (other.Status, other.Body.GetProperty("code").GetString()));
            var clerk = await node.Get($"/v1/receivables/{report}", proxyA);
            Assert.Equal((403, "SignerLacksRole"), (clerk.Status, clerk.Body.GetProperty("code").GetString()));
            var regulator = await node.Get($"/v1/receivables/{report}?bank=bank-b&from=2026-01-01&until=2027-01-01", analyst);
            Assert.Equal(200, regulator.Status);
            Assert.Equal("bank-b", regulator.Body.GetProperty("filter").GetProperty("bank").GetString());
            Assert.Equal(401, (await node.Get($"/v1/receivables/{report}")).Status);
            var badDate = await node.Get($"/v1/receivables/{report}?from=2026-13-01", statisticianA);
            Assert.Equal((400, "RequestMalformed"), (badDate.Status, badDate.Body.GetProperty("code").GetString()));
        }
        Assert.Equal(400, (await node.Get("/v1/receivables/statistics?format=xml", statisticianA)).Status);
    }

    [Fact]
    public async Task ReportsExportAsCsvAndUnknownRecordsAreNotFound()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var statisticianB = await node.SignIn(consortium.User("bank-b/statistician").Key);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/receivables/declaration-failures?format=csv");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", statisticianB);
        using var response = await node.Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bank,branch,enterprise,verified,failed,notFound,fieldMismatch,alreadyFinancedInFull,otherMismatch\r\n", await response.Content.ReadAsStringAsync());

        var missing = await node.Get("/v1/registry/documents/" + new string('a', 64), statisticianB);
        Assert.Equal((404, "DocumentNotFound"), (missing.Status, missing.Body.GetProperty("code").GetString()));
        Assert.Equal(400, (await node.Get("/v1/registry/documents/not-a-key", statisticianB)).Status);
        var financing = await node.Get("/v1/receivables/financings/rf-00000001", statisticianB);
        Assert.Equal((404, "FinancingNotFound"), (financing.Status, financing.Body.GetProperty("code").GetString()));
    }
}

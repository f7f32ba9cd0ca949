// The authenticated API. Sign-in: only a registered, valid certificate's key gets a token; a wrong signature, an
// unknown key and a reused challenge are refused. Queries are authorised by organisation and role: bank A's admin
// cannot list bank B's users, a clerk without organisation-admin cannot list its own; the regulator's analyst can
// list any. Confidential sections: decrypted only for users of recipient organisations, every read and refused
// attempt written to the hash-chained access log, which only regulator analysts may query; a purpose is required.
// Revoking a certificate ends the sessions signed in with it. The credit-query log is visible to the enterprise and
// the regulator, not to a bank.

using System.Text;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;

namespace Huilian.Node.Tests;

public sealed class MemberApiTests
{
    private static ConsortiumBuilder Consortium(string suite = "intl")
    {
        var consortium = new ConsortiumBuilder(suite, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        consortium.AddOrganisation("regulator", "Regulator", OrganisationKinds.Regulator);
        consortium.AddOrganisation("bank-a", "Bank A", OrganisationKinds.Bank);
        consortium.AddOrganisation("bank-b", "Bank B", OrganisationKinds.Bank);
        consortium.AddOrganisation("acme", "Acme", OrganisationKinds.Enterprise);
        consortium.AddUser("regulator", "admin", ["organisation-admin", "evidence-recorder"]);
        consortium.AddUser("regulator", "analyst", ["regulator-analyst"]);
        consortium.AddUser("bank-a", "admin", ["organisation-admin"]);
        consortium.AddUser("bank-a", "clerk", ["evidence-recorder", "financing-review-clerk"]);
        consortium.AddUser("bank-a", "enabler", ["enabling-clerk"]);
        consortium.AddUser("bank-b", "admin", ["organisation-admin"]);
        consortium.AddUser("acme", "treasurer", ["enterprise-user"]);
        return consortium;
    }

    private sealed class Nonces(NodeFixture node, ConsortiumBuilder consortium)
    {
        private readonly Dictionary<string, ulong> _next = [];

        public async Task<JsonElement> Run(string user, string module, string action, string payload)
        {
            var key = consortium.User(user).Key;
            var nonce = _next[user] = _next.GetValueOrDefault(user) + 1;
            var transaction = Transaction.Create(node.Runtime.Setup.Hash, key, node.Runtime.Setup.ChainId, nonce, 1_000, module, action, Encoding.UTF8.GetBytes(payload));
            var (status, body, _) = await node.Submit(transaction.EncodedArray, wait: true);
            Assert.True(status == 200, body.ToString());
            Assert.True(body.GetProperty("receipt").GetProperty("code").GetString() == "Ok", body.ToString());
            return body;
        }
    }

    [Fact]
    public async Task OnlyARegisteredCertificatesKeySignsIn()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var (unknown, unknownBody) = await node.TrySignIn(node.Outsider);
        Assert.Equal(401, unknown);
        Assert.Equal(ResultCodes.SignerUnknown, unknownBody.GetProperty("code").GetString());
        var (forged, forgedBody) = await node.TrySignIn(consortium.User("bank-a/clerk").Key, challenge => new string('0', 64));
        Assert.Equal(401, forged);
        Assert.Equal("Unauthenticated", forgedBody.GetProperty("code").GetString());

        var token = await node.SignIn(consortium.User("bank-a/clerk").Key);
        var me = await node.Get("/v1/me", token);
        Assert.Equal(200, me.Status);
        Assert.Equal("bank-a/clerk", me.Body.GetProperty("user").GetString());
        Assert.Contains("receivables.review", me.Body.GetProperty("resources").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.True(me.Body.GetProperty("hostsOrganisationKey").GetBoolean());

        Assert.Equal(401, (await node.Get("/v1/me")).Status);
        Assert.Equal(401, (await node.Get("/v1/me", "not-a-token")).Status);
    }

    [Fact]
    public async Task AChallengeIsUsedOnce()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var key = consortium.User("bank-a/clerk").Key;
        using var challengeResponse = await node.Http.PostAsync("/v1/auth/challenge", null);
        var challenge = (await NodeFixture.ReadJson(challengeResponse)).GetProperty("challenge").GetString()!;
        var request = JsonSerializer.Serialize(new
        {
            publicKey = Convert.ToHexStringLower(key.PublicKey),
            challenge,
            signature = Convert.ToHexStringLower(key.Sign(Hosting.SessionStore.SignedMessage(node.Runtime.Setup.ChainId, challenge))),
        });
        using var first = await node.Http.PostAsync("/v1/auth/token", new StringContent(request, Encoding.UTF8, "application/json"));
        using var again = await node.Http.PostAsync("/v1/auth/token", new StringContent(request, Encoding.UTF8, "application/json"));
        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(401, (int)again.StatusCode);
    }

    [Fact]
    public async Task UserListsAreAuthorisedByOrganisationAndRole()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var bankAdmin = await node.SignIn(consortium.User("bank-a/admin").Key);
        var clerk = await node.SignIn(consortium.User("bank-a/clerk").Key);
        var analyst = await node.SignIn(consortium.User("regulator/analyst").Key);

        var own = await node.Get("/v1/organisations/bank-a/users", bankAdmin);
        Assert.Equal(200, own.Status);
        Assert.Equal(new[] { "admin", "clerk", "enabler" }, own.Body.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("name").GetString()!).ToArray());

        var other = await node.Get("/v1/organisations/bank-b/users", bankAdmin);
        Assert.Equal(403, other.Status);
        Assert.Equal("NotEntitled", other.Body.GetProperty("code").GetString());
        Assert.Equal(403, (await node.Get("/v1/organisations/bank-a/users", clerk)).Status);
        Assert.Equal(200, (await node.Get("/v1/organisations/bank-b/users", analyst)).Status);
        Assert.Equal(4, (await node.Get("/v1/organisations", clerk)).Body.GetProperty("organisations").GetArrayLength());
    }

    [Fact]
    public async Task ConfidentialSectionsAreReadOnlyByRecipientsAndEveryReadIsLogged()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var runner = new Nonces(node, consortium);
        const string secret = "Invoice INV-2026-0042: USD 1,250,000.00 to Hamburg buyer";
        var section = ConfidentialSections.Seal("intl", Encoding.UTF8.GetBytes(secret),
            [consortium.Organisation("bank-a").EncryptionKey.PublicKey, consortium.Organisation("regulator").EncryptionKey.PublicKey],
            ConfidentialEnvelope.AssociatedData(node.Runtime.Setup.ChainId, "evidence", "record"));
        var submitted = await runner.Run("bank-a/clerk", "evidence", "record", $"{{\"hash\":\"{NodeFixture.HashOf(1)}\",\"confidential\":{section.ToJson()}}}");
        var id = submitted.GetProperty("id").GetString();

        var clerk = await node.SignIn(consortium.User("bank-a/clerk").Key);
        var competitor = await node.SignIn(consortium.User("bank-b/admin").Key);
        var analyst = await node.SignIn(consortium.User("regulator/analyst").Key);

        var read = await node.Get($"/v1/confidential/{id}?purpose=own-business", clerk);
        Assert.True(read.Status == 200, read.Body.ToString());
        Assert.Equal(secret, read.Body.GetProperty("text").GetString());
        Assert.Equal(new[] { "bank-a", "regulator" }, read.Body.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()!).ToArray());

        var refused = await node.Get($"/v1/confidential/{id}?purpose=own-business", competitor);
        Assert.Equal(403, refused.Status);
        Assert.DoesNotContain("INV-2026", refused.Body.ToString());
        Assert.Equal("PurposeRequired", (await node.Get($"/v1/confidential/{id}", clerk)).Body.GetProperty("code").GetString());

        var seen = await node.Get($"/v1/confidential/{id}?purpose=audit", analyst);
        Assert.Equal(secret, seen.Body.GetProperty("text").GetString());

        Assert.Equal(403, (await node.Get("/v1/audit/access-log", clerk)).Status);
        var log = await node.Get("/v1/audit/access-log", analyst);
        Assert.Equal(200, log.Status);
        Assert.True(log.Body.GetProperty("chainIntact").GetBoolean());
        var entries = log.Body.GetProperty("entries").EnumerateArray().Select(e => (
            e.GetProperty("user").GetString(), e.GetProperty("purpose").GetString(), e.GetProperty("outcome").GetString(), e.GetProperty("subject").GetString())).ToArray();
        Assert.Equal(
            [("bank-a/clerk", "own-business", "read", id), ("bank-b/admin", "own-business", "refused: not a recipient", id), ("regulator/analyst", "audit", "read", id)],
            entries);
    }

    [Fact]
    public async Task APageOfSectionsIsReadInOneCallAndEachReadIsLogged()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var runner = new Nonces(node, consortium);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var section = ConfidentialSections.Seal("intl", Encoding.UTF8.GetBytes($"secret {i}"),
                [consortium.Organisation("bank-a").EncryptionKey.PublicKey, consortium.Organisation("regulator").EncryptionKey.PublicKey],
                ConfidentialEnvelope.AssociatedData(node.Runtime.Setup.ChainId, "evidence", "record"));
            var body = await runner.Run("bank-a/clerk", "evidence", "record", $"{{\"hash\":\"{NodeFixture.HashOf(10 + i)}\",\"confidential\":{section.ToJson()}}}");
            ids.Add(body.GetProperty("id").GetString()!);
        }
        var plain = await runner.Run("regulator/admin", "evidence", "record", $"{{\"hash\":\"{NodeFixture.HashOf(20)}\"}}");
        ids.Add(plain.GetProperty("id").GetString()!);
        ids.Add(new string('a', 64));

        async Task<JsonElement[]> Page(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/confidential/read")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { ids, purpose = "audit" }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await node.Http.SendAsync(request);
            var json = await NodeFixture.ReadJson(response);
            Assert.True((int)response.StatusCode == 200, json.ToString());
            return json.GetProperty("items").EnumerateArray().ToArray();
        }

        var analyst = await node.SignIn(consortium.User("regulator/analyst").Key);
        var items = await Page(analyst);
        Assert.Equal(new[] { "read", "read", "read", "no confidential section", "not found" }, items.Select(i => i.GetProperty("outcome").GetString()!).ToArray());
        Assert.Equal("secret 2", Encoding.UTF8.GetString(Convert.FromBase64String(items[2].GetProperty("base64").GetString()!)));

        var competitor = await node.SignIn(consortium.User("bank-b/admin").Key);
        var refused = await Page(competitor);
        Assert.All(refused.Take(3), i => Assert.Equal("refused: not a recipient", i.GetProperty("outcome").GetString()));
        Assert.All(refused, i => Assert.Equal(JsonValueKind.Null, i.GetProperty("base64").ValueKind));
        Assert.Equal(10, node.Runtime.AccessLog.Count);
        Assert.Null(node.Runtime.AccessLog.Verify());
    }

    [Fact]
    public async Task RevokingACertificateEndsItsSessions()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var runner = new Nonces(node, consortium);
        var clerk = await node.SignIn(consortium.User("bank-a/clerk").Key);
        Assert.Equal(200, (await node.Get("/v1/me", clerk)).Status);
        var keyId = node.Runtime.Setup.Hash.Hash(consortium.User("bank-a/clerk").Key.PublicKey);
        await runner.Run("bank-a/admin", "membership", "revoke-certificate", $"{{\"keyId\":\"{keyId}\"}}");
        var after = await node.Get("/v1/me", clerk);
        Assert.Equal(401, after.Status);
        Assert.Equal("CertificateRevoked", after.Body.GetProperty("code").GetString());
        Assert.Equal(401, (await node.TrySignIn(consortium.User("bank-a/clerk").Key)).Status);
    }

    [Fact]
    public async Task TheCreditQueryLogIsVisibleToTheEnterpriseAndTheRegulatorOnly()
    {
        var consortium = Consortium();
        await using var node = await NodeFixture.Start(consortium: consortium);
        var runner = new Nonces(node, consortium);
        await runner.Run("bank-a/enabler", "credit", "enable", "{\"enterprise\":\"acme\"}");
        await runner.Run("acme/treasurer", "credit", "grant", "{\"bank\":\"bank-a\",\"days\":30}");
        await runner.Run("bank-a/clerk", "credit", "query", "{\"enterprise\":\"acme\",\"purpose\":\"credit-review\"}");

        var treasurer = await node.SignIn(consortium.User("acme/treasurer").Key);
        var bank = await node.SignIn(consortium.User("bank-a/admin").Key);
        var analyst = await node.SignIn(consortium.User("regulator/analyst").Key);
        var own = await node.Get("/v1/credit/acme/queries", treasurer);
        Assert.Equal(200, own.Status);
        var query = own.Body.GetProperty("queries")[0];
        Assert.Equal("bank-a/clerk", query.GetProperty("user").GetString());
        Assert.Equal("credit-review", query.GetProperty("purpose").GetString());
        Assert.Equal(200, (await node.Get("/v1/credit/acme/queries", analyst)).Status);
        Assert.Equal(403, (await node.Get("/v1/credit/acme/queries", bank)).Status);
    }
}

using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Huilian.Core.Genesis;
using Huilian.Crypto;
using Huilian.Execution.Host;

namespace Huilian.EndToEnd.Tests;

// The consortium from the command line, with the real `huilian` process: `org users` lists the demo consortium of a
// network directory without a node; `org ca init` and `org user issue` make a CA and certificates offline under both
// suites; and on one solo network: a bank admin issues and registers a user who then signs in; the regulator
// suspends the carrier and admits a new organisation by proposal and vote (the solo validator's organisation, the
// regulator, decides alone), after which the carrier cannot sign in and the new organisation's admin can; a bank
// enables an enterprise, the enterprise grants it, the bank queries, and the query log is the enterprise's to read,
// not another bank's; a confidential section is read by a recipient, refused to another bank, and both are in the
// regulator's access log.
[Collection("processes")]
public sealed class ConsortiumCliTests
{
    private static readonly string[] DemoOrganisations = ["regulator", "central-bank", "bank-a", "bank-b", "bank-c", "acme", "huaxia-textiles", "pearl-machinery", "yangtze-solar", "customs", "tax", "insurer", "carrier"];

    [Fact]
    public async Task OrgUsersListsTheDemoConsortiumOfANetworkDirectory()
    {
        using var directory = new TemporaryDirectory();
        Assert.Equal(0, (await HuilianProcess.Run("init", "--dir", directory.Path)).ExitCode);

        var listing = await HuilianProcess.Run("org", "users", "--dir", directory.Path);
        Assert.True(listing.ExitCode == 0, listing.Stderr);
        foreach (var organisation in DemoOrganisations)
        {
            Assert.Contains(organisation, listing.Stdout);
        }
        Assert.Matches(@"reviewer\s+financing-review-clerk\s+keys/bank-a/reviewer\.key", listing.Stdout);
        Assert.Matches(@"admin\s+organisation-admin, evidence-recorder\s+keys/admin\.key", listing.Stdout);

        var json = await HuilianProcess.Run("org", "users", "--dir", directory.Path, "--json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        var organisations = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("organisations").EnumerateArray().ToArray();
        Assert.Equal(DemoOrganisations, organisations.Select(o => o.GetProperty("id").GetString()));
        var treasurer = organisations.Single(o => o.GetProperty("id").GetString() == "acme").GetProperty("users").EnumerateArray()
            .Single(u => u.GetProperty("name").GetString() == "treasurer");
        Assert.Equal(new[] { "enterprise-user", "evidence-recorder" }, treasurer.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(File.Exists(directory.Combine(treasurer.GetProperty("key").GetString()!)));

        var one = await HuilianProcess.Run("org", "users", "--dir", directory.Path, "--org", "carrier", "--json");
        Assert.Equal(new[] { "carrier" }, JsonDocument.Parse(one.Stdout).RootElement.GetProperty("organisations").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        var unknown = await HuilianProcess.Run("org", "users", "--dir", directory.Path, "--org", "nobody");
        Assert.Equal(1, unknown.ExitCode);
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public async Task OrgCaInitAndUserIssueMakeACaAndCertificatesOffline(string suite)
    {
        using var directory = new TemporaryDirectory();
        var dir = directory.Path;
        Assert.Equal(0, (await HuilianProcess.Run("init", "--dir", dir, "--suite", suite)).ExitCode);
        var password = File.ReadAllText(directory.Combine("secrets", "password")).TrimEnd('\n');
        var crypto = CryptoSuites.Get(suite);

        var init = await HuilianProcess.Run("org", "ca", "init", "--dir", dir, "--id", "bank-d", "--name", "Bank D 丁银行", "--kind", "bank");
        Assert.True(init.ExitCode == 0, init.Stderr);
        var caPem = directory.Combine("orgs", "bank-d", "ca.pem");
        var ca = crypto.Certificates.TryParse(CertificateAuthority.FromPem(File.ReadAllText(caPem)), out var caError);
        Assert.True(ca is not null, caError);
        Assert.True(ca.IsCertificateAuthority);
        Assert.Equal("bank-d", ca.SubjectOrganisation);
        var fingerprint = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(ca.Der));
        Assert.Contains(fingerprint, init.Stdout.Replace(":", "", StringComparison.Ordinal));
        using (var dataKey = Keystore.Load(directory.Combine("orgs", "bank-d", "data.key")).Decrypt(password))
        {
            Assert.Contains(Convert.ToHexStringLower(dataKey.PublicKey), init.Stdout);
        }

        var again = await HuilianProcess.Run("org", "ca", "init", "--dir", dir, "--id", "bank-d", "--name", "Bank D", "--kind", "bank");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Stderr);

        var issue = await HuilianProcess.Run("org", "user", "issue", "--dir", dir, "--org", "bank-d", "--name", "admin", "--role", "organisation-admin");
        Assert.True(issue.ExitCode == 0, issue.Stderr);
        var der = CertificateAuthority.FromPem(File.ReadAllText(directory.Combine("keys", "bank-d", "admin.pem")));
        var facts = crypto.Certificates.TryParse(der, out var error);
        Assert.True(facts is not null, error);
        Assert.Equal(("admin", "bank-d", false), (facts.SubjectCommonName, facts.SubjectOrganisation, facts.IsCertificateAuthority));
        Assert.True(crypto.Certificates.IsSignedBy(der, ca.SubjectPublicKey));
        using (var key = Keystore.Load(directory.Combine("keys", "bank-d", "admin.key")).Decrypt(password))
        {
            Assert.Equal(key.PublicKey, facts.SubjectPublicKey);
            Assert.Contains("keyId        " + crypto.Hash.Hash(key.PublicKey), issue.Stdout);
        }

        // For an existing key: only the certificate is written, by a demo organisation's CA.
        using var existing = CryptoSuites.GenerateKey(suite);
        var forKey = await HuilianProcess.Run("org", "user", "issue", "--dir", dir, "--org", "acme", "--name", "clerk", "--public-key", Convert.ToHexStringLower(existing.PublicKey));
        Assert.True(forKey.ExitCode == 0, forKey.Stderr);
        Assert.False(File.Exists(directory.Combine("keys", "acme", "clerk.key")));
        var clerk = crypto.Certificates.TryParse(CertificateAuthority.FromPem(File.ReadAllText(directory.Combine("keys", "acme", "clerk.pem"))), out _);
        Assert.Equal(existing.PublicKey, clerk!.SubjectPublicKey);

        var wrongCurve = await HuilianProcess.Run("org", "user", "issue", "--dir", dir, "--org", "acme", "--name", "other", "--public-key", "04" + new string('1', 128));
        Assert.NotEqual(0, wrongCurve.ExitCode);
    }

    [Fact]
    public async Task MembersGovernanceCreditAndConfidentialReadsFromTheCliOnASoloNetwork()
    {
        using var directory = new TemporaryDirectory();
        var dir = directory.Path;
        var (node, url) = await HuilianProcess.StartNode("up", "--solo", "--no-seed", "--dir", dir, "--port", "0");
        await using (node)
        {
            Task<(int ExitCode, string Stdout, string Stderr)> Offline(params string[] arguments) => HuilianProcess.Run([.. arguments, "--dir", dir]);
            Task<(int ExitCode, string Stdout, string Stderr)> Online(params string[] arguments) => HuilianProcess.Run([.. arguments, "--dir", dir, "--node", url]);

            // A bank's admin issues and registers a user, who then signs in with the new key.
            Ok(await Offline("org", "user", "issue", "--org", "bank-a", "--name", "alice"));
            var register = Ok(await Online("org", "user", "register", "--name", "alice", "--certificate", directory.Combine("keys", "bank-a", "alice.pem"),
                "--role", "evidence-recorder", "--role", "bank-statistician", "--as", "bank-a/admin"));
            Assert.Contains("Registered bank-a/alice", register);
            var twice = await Online("org", "user", "register", "--name", "alice", "--certificate", directory.Combine("keys", "bank-a", "alice.pem"),
                "--role", "evidence-recorder", "--as", "bank-a/admin");
            Assert.Equal(1, twice.ExitCode);
            Assert.Contains("UserAlreadyExists", twice.Stderr);
            var alice = JsonDocument.Parse(Ok(await Online("whoami", "--as", "bank-a/alice", "--json"))).RootElement;
            Assert.Equal("bank-a/alice", alice.GetProperty("user").GetString());
            Assert.Equal(new[] { "evidence-recorder", "bank-statistician" }, alice.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            Assert.Contains("bank-a/alice", Ok(await Online("whoami", "--key", directory.Combine("keys", "bank-a", "alice.key"))));

            // The regulator proposes suspending the carrier and admitting a new organisation, and votes: with one
            // validator, run by the regulator, its vote decides.
            var suspend = Ok(await Online("gov", "propose", "suspend-organisation", "--organisation", "carrier", "--summary", "Carrier under investigation"));
            var suspendId = Regex.Match(suspend, @"Proposal (\d+)").Groups[1].Value;
            Assert.Contains("passed", Ok(await Online("gov", "vote", "--proposal", suspendId, "--approve")));
            Ok(await Offline("org", "ca", "init", "--id", "bank-d", "--name", "Bank D", "--kind", "bank"));
            Ok(await Offline("org", "user", "issue", "--org", "bank-d", "--name", "admin"));
            var admit = Ok(await Online("gov", "propose", "admit-organisation", "--id", "bank-d", "--name", "Bank D", "--kind", "bank",
                "--ca", directory.Combine("orgs", "bank-d", "ca.pem"), "--data-key", directory.Combine("orgs", "bank-d", "data.key"),
                "--admin", "admin=" + directory.Combine("keys", "bank-d", "admin.pem")));
            var admitId = Regex.Match(admit, @"Proposal (\d+)").Groups[1].Value;
            Assert.Contains("passed", Ok(await Online("gov", "vote", "--proposal", admitId, "--as", "regulator/admin", "--approve")));
            var closed = await Online("gov", "vote", "--proposal", suspendId, "--reject");
            Assert.Equal(1, closed.ExitCode);
            var regulator = await Online("gov", "propose", "suspend-organisation", "--organisation", "regulator");
            Assert.Equal(1, regulator.ExitCode);
            Assert.Contains("CannotSuspendRegulator", regulator.Stderr);

            var deadline = DateTime.UtcNow.AddSeconds(30);
            JsonElement proposals;
            while (true)
            {
                proposals = JsonDocument.Parse(Ok(await Online("gov", "list", "--json"))).RootElement.GetProperty("proposals");
                if (proposals.EnumerateArray().All(p => p.GetProperty("status").GetString() == "applied") || DateTime.UtcNow > deadline)
                {
                    break;
                }
                await Task.Delay(500);
            }
            Assert.All(proposals.EnumerateArray(), p => Assert.Equal("applied", p.GetProperty("status").GetString()));
            Assert.Matches(@"Carrier under investigation\s*│\s*applied\s*│\s*regulator yes", Ok(await Online("gov", "list")));

            var suspended = await Online("whoami", "--as", "carrier/publisher");
            Assert.Equal(1, suspended.ExitCode);
            Assert.Contains("OrganisationSuspended", suspended.Stderr);
            Assert.Contains("bank-d/admin", Ok(await Online("whoami", "--as", "bank-d/admin")));
            var members = JsonDocument.Parse(Ok(await Online("org", "list", "--json"))).RootElement.GetProperty("organisations").EnumerateArray()
                .ToDictionary(o => o.GetProperty("id").GetString()!, o => o.GetProperty("status").GetString());
            Assert.Equal(("suspended", "active"), (members["carrier"], members["bank-d"]));

            // Credit information: enabled by the bank, granted by the enterprise, queried and logged.
            Assert.Contains("enabled enterprise acme", Ok(await Online("credit", "enable", "--enterprise", "acme", "--as", "bank-a/enabler")));
            var ungranted = await Online("credit", "query", "--enterprise", "acme", "--purpose", "credit-review", "--as", "bank-a/reviewer");
            Assert.Equal(1, ungranted.ExitCode);
            Assert.Contains("GrantNotFound", ungranted.Stderr);
            Ok(await Online("credit", "grant", "--bank", "bank-a", "--days", "30", "--as", "acme/treasurer"));
            Assert.Contains("Query 1 of acme", Ok(await Online("credit", "query", "--enterprise", "acme", "--purpose", "credit-review", "--as", "bank-a/reviewer")));
            Assert.Matches(@"bank-a\s*│\s*bank-a/reviewer\s*│\s*credit-review", Ok(await Online("credit", "log", "--as", "acme/treasurer")));
            var log = JsonDocument.Parse(Ok(await Online("credit", "log", "--enterprise", "acme", "--as", "regulator/analyst", "--json"))).RootElement;
            Assert.Equal(1, log.GetProperty("count").GetInt32());
            var otherBank = await Online("credit", "log", "--enterprise", "acme", "--as", "bank-b/admin");
            Assert.Equal(1, otherBank.ExitCode);
            Assert.Contains("NotEntitled", otherBank.Stderr);

            // A confidential section for acme (and the regulator): acme reads it, bank-b may not, the regulator's
            // analyst sees both attempts in the access log.
            var transactionId = await SubmitConfidentialEvidence(directory, url, "Invoice 2026-117: USD 1,250,000 to Lumen GmbH");
            Assert.Equal("Invoice 2026-117: USD 1,250,000 to Lumen GmbH",
                Ok(await Online("confidential", "read", transactionId, "--purpose", "own-business", "--as", "acme/treasurer")).Trim());
            var notRecipient = await Online("confidential", "read", transactionId, "--purpose", "credit-review", "--as", "bank-b/admin");
            Assert.Equal(1, notRecipient.ExitCode);
            Assert.Contains("NotEntitled", notRecipient.Stderr);
            var audit = Ok(await Online("audit", "log"));
            Assert.Matches(@"acme/treasurer\s*│\s*confidential\.read", audit);
            Assert.Contains("refused: not a recipient", audit);
            Assert.Contains("hash chain intact", audit);
            Assert.Equal(1, (await Online("audit", "log", "--as", "regulator/admin")).ExitCode);

            // The same through `evidence put --confidential`: sealed by the CLI for acme, bank-a and the regulator.
            var document = directory.Combine("inv-118.txt");
            await File.WriteAllTextAsync(document, "Invoice 2026-118");
            var put = Ok(await HuilianProcess.Run("evidence", "put", document, "--node", url, "--dir", directory.Path,
                "--key", directory.Combine("keys", "acme", "treasurer.key"), "--confidential", "Buyer: Lumen GmbH, USD 80,000", "--share-with", "bank-a"));
            var putId = System.Text.RegularExpressions.Regex.Match(put, "transaction ([0-9a-f]{64})").Groups[1].Value;
            Assert.Equal("Buyer: Lumen GmbH, USD 80,000", Ok(await Online("confidential", "read", putId, "--purpose", "financing-review", "--as", "bank-a/reviewer")).Trim());
            Assert.Equal(1, (await Online("confidential", "read", putId, "--purpose", "own-business", "--as", "bank-b/admin")).ExitCode);
        }
    }

    private static string Ok((int ExitCode, string Stdout, string Stderr) result)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}: {result.Stderr}\n{result.Stdout}");
        return result.Stdout;
    }

    /// <summary>Records evidence whose confidential section is sealed for acme and the regulator; returns the transaction id.</summary>
    private static async Task<string> SubmitConfidentialEvidence(TemporaryDirectory directory, string url, string text)
    {
        var genesis = GenesisDocument.Parse(File.ReadAllText(directory.Combine("genesis.json")));
        byte[] DataKey(string organisation) => Convert.FromHexString(genesis.Organisations.Single(o => o.Id == organisation).EncryptionKey);
        var sealedSection = ConfidentialSections.Seal(genesis.Suite, Encoding.UTF8.GetBytes(text), [DataKey("regulator"), DataKey("acme")],
            ConfidentialEnvelope.AssociatedData(genesis.ChainId, "evidence", "record"));
        var payload = JsonSerializer.Serialize(new
        {
            hash = CryptoSuites.Get(genesis.Suite).Hash.Hash(Encoding.UTF8.GetBytes(text)).ToString(),
            owner = "acme",
            type = "invoice",
            confidential = new
            {
                recipients = sealedSection.Recipients.Select(r => new { keyId = r.KeyId.ToString(), wrappedKey = Convert.ToBase64String(r.WrappedKey) }),
                nonce = Convert.ToBase64String(sealedSection.Nonce),
                ciphertext = Convert.ToBase64String(sealedSection.Ciphertext),
            },
        });
        var submit = Ok(await HuilianProcess.Run("tx", "submit", "--node", url, "--dir", directory.Path, "--key", directory.Combine("keys", "acme", "treasurer.key"),
            "--module", "evidence", "--action", "record", "--payload", payload, "--wait"));
        var body = JsonDocument.Parse(submit).RootElement;
        Assert.Equal("Ok", body.GetProperty("receipt").GetProperty("code").GetString());
        return body.GetProperty("id").GetString()!;
    }
}

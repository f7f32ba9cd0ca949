// Guards added after review: a certificate stops signing when its organisation's CA expires, even if the certificate
// itself runs longer; an organisation cannot lose its last active admin (by revoking, dropping the role or
// suspending); a suspended organisation is not accepted as a recipient of new confidential sections.

using System.Text;
using Huilian.Core;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Tests.Modules;

public sealed class MembershipGuardsTests
{
    private readonly TestChain _chain = new();

    [Fact]
    public void ACertificateStopsSigningWhenItsOrganisationsCaExpires()
    {
        // The CA runs 20 years from a day before genesis; this user's certificate runs 30.
        var key = CryptoSuites.GenerateKey("intl");
        var start = DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs);
        var certificate = _chain.Consortium.Organisation("bank-a").Issue(key.PublicKey, "long", start, start.AddYears(30));
        var registered = _chain.Run(_chain.Next("bank-a/admin", "membership", "register-user",
            $"{{\"name\":\"long\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[\"evidence-recorder\"]}}"));
        Assert.Equal(ResultCodes.Ok, registered.Code);
        Assert.Null(_chain.Engine.Policy.CheckSigner(_chain.State, _chain.IdOf(key), _chain.Height + 1, _chain.NowMs + 1000));

        var caNotAfter = MembershipState.ReadOrganisation(_chain.State, "bank-a")!.CaNotAfterMs;
        Assert.Null(_chain.Engine.Policy.CheckSigner(_chain.State, _chain.IdOf(key), _chain.Height + 1, caNotAfter));
        var refusal = _chain.Engine.Policy.CheckSigner(_chain.State, _chain.IdOf(key), _chain.Height + 1, caNotAfter + 1);
        Assert.Equal(MembershipCodes.CertificateExpired, refusal!.Code);
        Assert.Contains("CA of organisation 'bank-a'", refusal.Message);
    }

    [Fact]
    public void AnOrganisationKeepsAnActiveAdmin()
    {
        var admin = _chain.Key("bank-b/admin");
        var keyId = _chain.IdOf(admin);
        Assert.Equal("LastAdmin", _chain.Run(_chain.Next("bank-b/admin", "membership", "set-roles", "{\"user\":\"admin\",\"roles\":[\"evidence-recorder\"]}")).Code);
        Assert.Equal("LastAdmin", _chain.Run(_chain.Next("bank-b/admin", "membership", "revoke-certificate", $"{{\"keyId\":\"{keyId}\"}}")).Code);
        Assert.Contains(RoleNames.OrganisationAdmin, MembershipState.ReadUser(_chain.State, "bank-b", "admin")!.Roles);
        Assert.Equal(0UL, MembershipState.ReadSigner(_chain.State, keyId)!.RevokedAt);

        // With a second admin the first may step down, and the second cannot then be suspended by anyone.
        _chain.RegisterUser("bank-b", "deputy", RoleNames.OrganisationAdmin);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("bank-b/admin", "membership", "set-roles", "{\"user\":\"admin\",\"roles\":[]}")).Code);
        Assert.Equal("LastAdmin", _chain.Run(_chain.By("bank-b/deputy", "membership", "revoke-certificate",
            $"{{\"keyId\":\"{_chain.IdOf(_chain.KeyFor("bank-b/deputy"))}\"}}")).Code);
    }

    [Fact]
    public void ASuspendedOrganisationIsNotARecipientOfNewSections()
    {
        // The test chain's only validator belongs to the regulator, whose vote alone passes.
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("regulator/admin", "gov", "propose", "{\"kind\":\"suspend-organisation\",\"organisation\":\"bank-b\"}")).Code);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("regulator/admin", "gov", "vote", "{\"proposal\":1,\"approve\":true}")).Code);
        _chain.RunBlock();
        Assert.True(MembershipState.ReadOrganisation(_chain.State, "bank-b")!.Suspended);

        var section = ConfidentialSections.Seal("intl", "terms"u8, [
            _chain.Consortium.Organisation("bank-b").EncryptionKey.PublicKey,
            _chain.Consortium.Organisation("regulator").EncryptionKey.PublicKey,
        ], ConfidentialEnvelope.AssociatedData(TestChain.ChainId, "evidence", "record"));
        var payload = $"{{\"hash\":\"{Hash32.Parse(new string('5', 64))}\",\"confidential\":{section.ToJson()}}}";
        var receipt = _chain.Run(_chain.Next("regulator/admin", "evidence", "record", payload));
        Assert.Equal(ConfidentialEnvelope.SuspendedRecipient, receipt.Code);
        Assert.Contains("bank-b", receipt.Message);
    }
}

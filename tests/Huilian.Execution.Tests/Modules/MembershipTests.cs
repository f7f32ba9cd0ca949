using System.Globalization;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Tests.Modules;

// Rules: an organisation's admin registers a user with a certificate CN=name, O=organisation issued by the
// organisation's CA, and the user then signs; a certificate from another organisation's CA is refused
// CertificateUnknownIssuer, a wrong CN or O, garbage or a CA certificate CertificateInvalid, an expired one
// CertificateExpired; a registered certificate signs only within its validity at the block's time (CertificateExpired
// after notAfter, CertificateNotYetValid before notBefore); a revoked certificate still signs in the rest of the
// revoking block and is refused CertificateRevoked from the next; key rotation lets old and new keys sign together
// until the old is revoked; an organisation revokes only its own certificates (OtherOrganisation); an unregistered
// key is SignerUnknown; a suspended user is refused UserSuspended and signs again once reinstated; an admin cannot
// suspend itself; nodes' keys cannot sign business transactions.
public sealed class MembershipTests
{
    private readonly TestChain _chain = new();
    private int _documents;

    private static DateTimeOffset At(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>The time of the next block the chain will run.</summary>
    private long NextBlockMs => _chain.NowMs + 1000;

    private static string RegisterPayload(string name, byte[] certificate, params string[] roles) =>
        $"{{\"name\":\"{name}\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[{string.Join(",", roles.Select(r => "\"" + r + "\""))}]}}";

    private string NextEvidence() => TestChain.EvidencePayload(Hash32.Parse((++_documents).ToString("x64", CultureInfo.InvariantCulture)));

    private byte[] Certificate(ISigningKey key, string name, string issuer = "bank-a", string? subjectOrganisation = null, long? notBeforeMs = null, long? notAfterMs = null)
    {
        var ca = _chain.Organisation(issuer);
        return CertificateAuthority.Issue(_chain.Suite.Name, ca.CaKey, ca.CaCertificate, key.PublicKey, name, subjectOrganisation ?? issuer,
            At(notBeforeMs ?? TestChain.GenesisMs - 60_000), At(notAfterMs ?? TestChain.GenesisMs + (5L * 365 * 86_400_000)));
    }

    private Receipt Register(string name, byte[] certificate, string organisation = "bank-a", params string[] roles) =>
        _chain.Run(_chain.Next(organisation + "/admin", "membership", "register-user", RegisterPayload(name, certificate, roles.Length == 0 ? [RoleNames.EvidenceRecorder] : roles)));

    private ISigningKey RegisterClerk(string name = "clerk", long? notBeforeMs = null, long? notAfterMs = null)
    {
        var key = CryptoSuites.GenerateKey(_chain.Suite.Name);
        var receipt = Register(name, Certificate(key, name, notBeforeMs: notBeforeMs, notAfterMs: notAfterMs));
        Assert.True(receipt.Code == ResultCodes.Ok, receipt.Message);
        _chain.UseKey("bank-a/" + name, key);
        return key;
    }

    private Transaction Record(ISigningKey key, ulong nonce) => _chain.Tx(key, nonce, "evidence", "record", NextEvidence(), _chain.Height + 50);

    private Refusal? Offer(Transaction transaction) => _chain.RunBlock(transaction).Refusals[0];

    [Fact]
    public void AUserRegisteredWithItsOrganisationsCertificateSigns()
    {
        var before = MembershipState.ReadOrganisation(_chain.State, "bank-a")!.UserCount;
        var key = CryptoSuites.GenerateKey(_chain.Suite.Name);
        var certificate = Certificate(key, "clerk");
        var receipt = Register("clerk", certificate);
        Assert.Equal(ResultCodes.Ok, receipt.Code);
        var registered = Assert.Single(receipt.Events);
        Assert.Equal("membership.user-registered", registered.Type);
        Assert.Contains(new EventAttribute("keyId", _chain.IdOf(key).ToString()), registered.Attributes);

        var user = MembershipState.ReadUser(_chain.State, "bank-a", "clerk")!;
        Assert.Equal([RoleNames.EvidenceRecorder], user.Roles);
        Assert.Equal((false, _chain.Height), (user.Suspended, user.RegisteredAt));
        Assert.Equal([_chain.IdOf(key)], user.Signers);
        var signer = MembershipState.ReadSigner(_chain.State, _chain.IdOf(key))!;
        Assert.Equal(("bank-a", "clerk", false, 0UL), (signer.Organisation, signer.Holder, signer.IsNode, signer.RevokedAt));
        Assert.Equal(_chain.Suite.Hash.Hash(certificate), signer.CertificateHash);
        Assert.Equal(before + 1, MembershipState.ReadOrganisation(_chain.State, "bank-a")!.UserCount);
        Assert.Contains("clerk", MembershipState.ReadUserNames(_chain.State, MembershipState.ReadOrganisation(_chain.State, "bank-a")!));

        Assert.Equal(ResultCodes.Ok, _chain.Run(Record(key, 1)).Code);
    }

    [Fact]
    public void ACertificateFromAnotherOrganisationsCaIsAnUnknownIssuer()
    {
        var key = CryptoSuites.GenerateKey(_chain.Suite.Name);
        // CN and O are right for bank-a, but bank-b's CA signed it.
        var receipt = Register("eve", Certificate(key, "eve", issuer: "bank-b", subjectOrganisation: "bank-a"));
        Assert.Equal(MembershipCodes.CertificateUnknownIssuer, receipt.Code);
        Assert.Null(MembershipState.ReadUser(_chain.State, "bank-a", "eve"));
        Assert.Null(MembershipState.ReadSigner(_chain.State, _chain.IdOf(key)));
    }

    [Fact]
    public void ACertificateWithAnotherCommonNameOrOrganisationIsInvalid()
    {
        var key = CryptoSuites.GenerateKey(_chain.Suite.Name);
        Assert.Equal(MembershipCodes.CertificateInvalid, Register("clerk", Certificate(key, "someone-else")).Code);
        Assert.Equal(MembershipCodes.CertificateInvalid, Register("clerk", Certificate(key, "clerk", issuer: "bank-a", subjectOrganisation: "bank-b")).Code);
        // bank-b's CA issuing for bank-b's name, registered by bank-a.
        Assert.Equal(MembershipCodes.CertificateInvalid, Register("clerk", Certificate(key, "clerk", issuer: "bank-b")).Code);
        Assert.Null(MembershipState.ReadUser(_chain.State, "bank-a", "clerk"));
    }

    [Fact]
    public void GarbageOrACaCertificateIsInvalid()
    {
        Assert.Equal(MembershipCodes.CertificateInvalid, Register("clerk", "not a certificate at all"u8.ToArray()).Code);
        Assert.Equal(MembershipCodes.CertificateInvalid, Register("clerk", [0x30, 0x82, 0x01, 0x00, 0x01]).Code);
        Assert.Equal(MembershipCodes.CertificateInvalid, Register("clerk", _chain.Organisation("bank-a").CaCertificate).Code);
        var notBase64 = _chain.Run(_chain.Next("bank-a/admin", "membership", "register-user", "{\"name\":\"clerk\",\"certificate\":\"@@@not-base64@@@\",\"roles\":[]}"));
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, notBase64.Code);
        Assert.Null(MembershipState.ReadUser(_chain.State, "bank-a", "clerk"));
    }

    [Fact]
    public void AnExpiredCertificateIsRefusedAtRegistration()
    {
        var key = CryptoSuites.GenerateKey(_chain.Suite.Name);
        var receipt = Register("clerk", Certificate(key, "clerk", notBeforeMs: TestChain.GenesisMs - 86_400_000, notAfterMs: NextBlockMs - 1000));
        Assert.Equal(MembershipCodes.CertificateExpired, receipt.Code);
        Assert.Null(MembershipState.ReadUser(_chain.State, "bank-a", "clerk"));
    }

    [Fact]
    public void ARegisteredCertificateStopsSigningOnceBlockTimePassesItsNotAfter()
    {
        var notAfter = TestChain.GenesisMs + 3_600_000;
        var key = RegisterClerk(notAfterMs: notAfter);
        Assert.Null(Offer(Record(key, 1)));
        // A block whose time is exactly notAfter: still valid (the validity period is inclusive).
        _chain.TimeOffsetMs = notAfter - (TestChain.GenesisMs + ((long)(_chain.Height + 1) * 1000));
        Assert.Equal(notAfter, NextBlockMs);
        Assert.Null(Offer(Record(key, 2)));
        _chain.TimeOffsetMs += 1;
        Assert.Equal(MembershipCodes.CertificateExpired, Offer(Record(key, 3))?.Code);
        _chain.TimeOffsetMs += 86_400_000;
        Assert.Equal(MembershipCodes.CertificateExpired, Offer(Record(key, 3))?.Code);
    }

    [Fact]
    public void ACertificateWhoseNotAfterIsTheBlockTimeIsAcceptedAtRegistrationAsItIsForSigning()
    {
        // RFC 5280: the validity period runs from notBefore through notAfter, inclusive; MembershipPolicy lets such a
        // certificate sign in a block whose time is exactly notAfter, so registration in that block must accept it.
        var key = CryptoSuites.GenerateKey(_chain.Suite.Name);
        var receipt = Register("clerk", Certificate(key, "clerk", notAfterMs: NextBlockMs));
        Assert.True(receipt.Code == ResultCodes.Ok, $"{receipt.Code}: {receipt.Message}");
    }

    [Fact]
    public void SuspendingAUserTakesEffectForItsLaterTransactionsInTheSameBlock()
    {
        var key = RegisterClerk();
        var (execution, refusals) = _chain.RunBlock(Record(key, 1), _chain.Next("bank-a/admin", "membership", "suspend-user", "{\"user\":\"clerk\"}"), Record(key, 2));
        Assert.Null(refusals[0]);
        Assert.Null(refusals[1]);
        Assert.Equal(MembershipCodes.UserSuspended, refusals[2]?.Code);
        Assert.Equal(2, execution.Receipts.Count);
    }

    [Fact]
    public void ACertificateIsNotValidBeforeItsNotBefore()
    {
        var notBefore = TestChain.GenesisMs + 3_600_000;
        var key = RegisterClerk(notBeforeMs: notBefore);
        Assert.Equal(MembershipCodes.CertificateNotYetValid, Offer(Record(key, 1))?.Code);
        _chain.TimeOffsetMs = notBefore - (TestChain.GenesisMs + ((long)(_chain.Height + 1) * 1000));
        Assert.Null(Offer(Record(key, 1)));
    }

    [Fact]
    public void ARevokedCertificateSignsInTheRestOfItsBlockAndIsRefusedFromTheNext()
    {
        var key = RegisterClerk();
        var revoke = _chain.Next("bank-a/admin", "membership", "revoke-certificate", $"{{\"keyId\":\"{_chain.IdOf(key)}\"}}");
        var (execution, refusals) = _chain.RunBlock(revoke, Record(key, 1));
        var revokedAt = _chain.Height;
        Assert.Equal([null, null], refusals);
        Assert.Equal([ResultCodes.Ok, ResultCodes.Ok], execution.Receipts.Select(r => r.Code));
        Assert.Equal(revokedAt, MembershipState.ReadSigner(_chain.State, _chain.IdOf(key))!.RevokedAt);

        var refused = Offer(Record(key, 2));
        Assert.Equal(revokedAt + 1, _chain.Height);
        Assert.Equal(MembershipCodes.CertificateRevoked, refused?.Code);
        Assert.Equal(MembershipCodes.CertificateRevoked, Offer(Record(key, 2))?.Code);

        // Revoking again changes nothing.
        var again = _chain.Run(_chain.Next("bank-a/admin", "membership", "revoke-certificate", $"{{\"keyId\":\"{_chain.IdOf(key)}\"}}"));
        Assert.Equal("CertificateAlreadyRevoked", again.Code);
        Assert.Equal(revokedAt, MembershipState.ReadSigner(_chain.State, _chain.IdOf(key))!.RevokedAt);
    }

    [Fact]
    public void KeyRotationLetsOldAndNewKeysSignUntilTheOldIsRevoked()
    {
        var oldKey = RegisterClerk();
        var newKey = CryptoSuites.GenerateKey(_chain.Suite.Name);
        var added = _chain.Run(_chain.Next("bank-a/admin", "membership", "add-certificate",
            $"{{\"user\":\"clerk\",\"certificate\":\"{Convert.ToBase64String(Certificate(newKey, "clerk"))}\"}}"));
        Assert.Equal(ResultCodes.Ok, added.Code);
        Assert.Equal([_chain.IdOf(oldKey), _chain.IdOf(newKey)], MembershipState.ReadUser(_chain.State, "bank-a", "clerk")!.Signers);

        var (both, refusals) = _chain.RunBlock(Record(oldKey, 1), Record(newKey, 1));
        Assert.Equal([null, null], refusals);
        Assert.All(both.Receipts, r => Assert.Equal(ResultCodes.Ok, r.Code));

        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("bank-a/admin", "membership", "revoke-certificate", $"{{\"keyId\":\"{_chain.IdOf(oldKey)}\"}}")).Code);
        var (after, afterRefusals) = _chain.RunBlock(Record(oldKey, 2), Record(newKey, 2));
        Assert.Equal(MembershipCodes.CertificateRevoked, afterRefusals[0]?.Code);
        Assert.Null(afterRefusals[1]);
        Assert.Equal(ResultCodes.Ok, Assert.Single(after.Receipts).Code);
    }

    [Fact]
    public void AddingACertificateForAnotherNameOrAnAlreadyRegisteredKeyIsRefused()
    {
        var key = RegisterClerk();
        var other = CryptoSuites.GenerateKey(_chain.Suite.Name);
        Assert.Equal(MembershipCodes.CertificateInvalid, _chain.Run(_chain.Next("bank-a/admin", "membership", "add-certificate",
            $"{{\"user\":\"clerk\",\"certificate\":\"{Convert.ToBase64String(Certificate(other, "admin"))}\"}}")).Code);
        Assert.Equal(MembershipCodes.CertificateAlreadyRegistered, _chain.Run(_chain.Next("bank-a/admin", "membership", "add-certificate",
            $"{{\"user\":\"clerk\",\"certificate\":\"{Convert.ToBase64String(Certificate(key, "clerk"))}\"}}")).Code);
        Assert.Equal(MembershipCodes.UserUnknown, _chain.Run(_chain.Next("bank-a/admin", "membership", "add-certificate",
            $"{{\"user\":\"nobody\",\"certificate\":\"{Convert.ToBase64String(Certificate(other, "nobody"))}\"}}")).Code);
        Assert.Single(MembershipState.ReadUser(_chain.State, "bank-a", "clerk")!.Signers);
    }

    [Fact]
    public void AUserHoldsAtMostEightValidCertificates()
    {
        RegisterClerk();
        for (var i = 0; i < UserRecord.SignersMax - 1; i++)
        {
            var extra = CryptoSuites.GenerateKey(_chain.Suite.Name);
            Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("bank-a/admin", "membership", "add-certificate",
                $"{{\"user\":\"clerk\",\"certificate\":\"{Convert.ToBase64String(Certificate(extra, "clerk"))}\"}}")).Code);
        }
        var ninth = CryptoSuites.GenerateKey(_chain.Suite.Name);
        Assert.Equal(MembershipCodes.UserCertificatesFull, _chain.Run(_chain.Next("bank-a/admin", "membership", "add-certificate",
            $"{{\"user\":\"clerk\",\"certificate\":\"{Convert.ToBase64String(Certificate(ninth, "clerk"))}\"}}")).Code);
    }

    [Fact]
    public void ABankAdminCannotRevokeAnotherBanksCertificate()
    {
        var key = RegisterClerk();
        var receipt = _chain.Run(_chain.Next("bank-b/admin", "membership", "revoke-certificate", $"{{\"keyId\":\"{_chain.IdOf(key)}\"}}"));
        Assert.Equal(MembershipCodes.OtherOrganisation, receipt.Code);
        Assert.Equal(0UL, MembershipState.ReadSigner(_chain.State, _chain.IdOf(key))!.RevokedAt);
        Assert.Null(Offer(Record(key, 1)));
        // Nor the regulator.
        Assert.Equal(MembershipCodes.OtherOrganisation, _chain.Run(_chain.Next("regulator/admin", "membership", "revoke-certificate", $"{{\"keyId\":\"{_chain.IdOf(key)}\"}}")).Code);
        Assert.Equal(MembershipCodes.CertificateUnknown, _chain.Run(_chain.Next("bank-a/admin", "membership", "revoke-certificate", $"{{\"keyId\":\"{new string('0', 64)}\"}}")).Code);
    }

    [Fact]
    public void AnUnknownKeyIsRefusedSignerUnknown()
    {
        var refusal = Offer(_chain.Tx(_chain.Stranger, 1, "evidence", "record", NextEvidence(), _chain.Height + 10));
        Assert.Equal(ResultCodes.SignerUnknown, refusal?.Code);
        Assert.Equal(ResultCodes.SignerUnknown, _chain.Engine.Policy.Authorize(_chain.State, _chain.IdOf(_chain.Stranger), _chain.Engine.Actions.Find("evidence", "record")!)?.Code);
    }

    [Fact]
    public void ASuspendedUserIsRefusedAndAReinstatedOneSignsAgain()
    {
        var key = RegisterClerk();
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("bank-a/admin", "membership", "suspend-user", "{\"user\":\"clerk\"}")).Code);
        Assert.True(MembershipState.ReadUser(_chain.State, "bank-a", "clerk")!.Suspended);
        Assert.Equal(MembershipCodes.UserSuspended, Offer(Record(key, 1))?.Code);
        Assert.Equal("UserAlreadySuspended", _chain.Run(_chain.Next("bank-a/admin", "membership", "suspend-user", "{\"user\":\"clerk\"}")).Code);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("bank-a/admin", "membership", "reinstate-user", "{\"user\":\"clerk\"}")).Code);
        Assert.Null(Offer(Record(key, 1)));
        Assert.Equal("UserNotSuspended", _chain.Run(_chain.Next("bank-a/admin", "membership", "reinstate-user", "{\"user\":\"clerk\"}")).Code);
    }

    [Fact]
    public void AnAdminCannotSuspendItselfButAnotherAdminCan()
    {
        var self = _chain.Run(_chain.Next("bank-a/admin", "membership", "suspend-user", "{\"user\":\"admin\"}"));
        Assert.Equal("CannotSuspendSelf", self.Code);
        Assert.False(MembershipState.ReadUser(_chain.State, "bank-a", "admin")!.Suspended);
        _chain.RegisterUser("bank-a", "admin2", RoleNames.OrganisationAdmin);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.By("bank-a/admin2", "membership", "suspend-user", "{\"user\":\"admin\"}")).Code);
        Assert.Equal(MembershipCodes.UserSuspended, Offer(_chain.Next("bank-a/admin", "membership", "reinstate-user", "{\"user\":\"admin\"}"))?.Code);
    }

    [Fact]
    public void AnAdminActsOnlyOnItsOwnOrganisationsUsers()
    {
        _chain.RegisterUser("bank-b", "clerk", RoleNames.EvidenceRecorder);
        Assert.Equal(MembershipCodes.UserUnknown, _chain.Run(_chain.Next("bank-a/admin", "membership", "suspend-user", "{\"user\":\"clerk\"}")).Code);
        Assert.Equal(MembershipCodes.UserUnknown, _chain.Run(_chain.Next("bank-a/admin", "membership", "set-roles", "{\"user\":\"clerk\",\"roles\":[\"organisation-admin\"]}")).Code);
        Assert.False(MembershipState.ReadUser(_chain.State, "bank-b", "clerk")!.Suspended);
        Assert.Equal([RoleNames.EvidenceRecorder], MembershipState.ReadUser(_chain.State, "bank-b", "clerk")!.Roles);
    }

    [Fact]
    public void RegisteringTheSameNameOrKeyTwiceIsRefused()
    {
        var key = RegisterClerk();
        var other = CryptoSuites.GenerateKey(_chain.Suite.Name);
        Assert.Equal(MembershipCodes.UserAlreadyExists, Register("clerk", Certificate(other, "clerk")).Code);
        Assert.Equal(MembershipCodes.CertificateAlreadyRegistered, Register("clerk2", Certificate(key, "clerk2")).Code);
        Assert.Null(MembershipState.ReadUser(_chain.State, "bank-a", "clerk2"));
    }

    [Fact]
    public void OnlyAnAdminRegistersUsersAndRolesChangeWhatAUserMayDo()
    {
        var key = RegisterClerk();
        var other = CryptoSuites.GenerateKey(_chain.Suite.Name);
        var byClerk = _chain.Run(_chain.Tx(key, 1, "membership", "register-user", RegisterPayload("other", Certificate(other, "other")), _chain.Height + 10));
        Assert.Equal(ResultCodes.SignerLacksRole, byClerk.Code);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("bank-a/admin", "membership", "set-roles", "{\"user\":\"clerk\",\"roles\":[]}")).Code);
        Assert.Equal(ResultCodes.SignerLacksRole, _chain.Run(Record(key, 2)).Code);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Next("bank-a/admin", "membership", "set-roles", "{\"user\":\"clerk\",\"roles\":[\"evidence-recorder\",\"organisation-admin\"]}")).Code);
        Assert.Equal(ResultCodes.Ok, _chain.Run(Record(key, 3)).Code);
        Assert.Equal(ResultCodes.Ok, _chain.Run(_chain.Tx(key, 4, "membership", "register-user", RegisterPayload("other", Certificate(other, "other")), _chain.Height + 10)).Code);
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, _chain.Run(_chain.Next("bank-a/admin", "membership", "set-roles", "{\"user\":\"clerk\",\"roles\":[\"evidence-recorder\",\"evidence-recorder\"]}")).Code);
        Assert.Equal(MembershipCodes.RoleNotAllowed, _chain.Run(_chain.Next("bank-a/admin", "membership", "set-roles", "{\"user\":\"clerk\",\"roles\":[\"no-such-role\"]}")).Code);
    }

    [Fact]
    public void ANodeKeyCannotSignBusinessTransactions()
    {
        _chain.RegisterUser("bank-a", "ops", RoleNames.NodeOperator);
        var nodeKey = CryptoSuites.GenerateKey(_chain.Suite.Name);
        var registered = _chain.Run(_chain.By("bank-a/ops", "membership", "register-node", $"{{\"name\":\"node-1\",\"certificate\":\"{Convert.ToBase64String(Certificate(nodeKey, "node-1"))}\"}}"));
        Assert.Equal(ResultCodes.Ok, registered.Code);
        Assert.True(MembershipState.ReadSigner(_chain.State, _chain.IdOf(nodeKey))!.IsNode);
        Assert.Equal(MembershipCodes.NodeCannotSign, Offer(Record(nodeKey, 1))?.Code);
    }

    [Fact]
    public void RecordEncodingsRoundTrip()
    {
        var user = new UserRecord("bank-a", "clerk", ["a", "b"], true, 7, [Hash32.Parse(new string('1', 64)), Hash32.Parse(new string('2', 64))]);
        Assert.Equal(user.Encode(), UserRecord.Decode(user.Encode()).Encode());
        var signer = new SignerRecord("bank-a", "clerk", false, Hash32.Parse(new string('3', 64)), "0a1b", -5, 10, 2, 3);
        Assert.Equal(signer.Encode(), SignerRecord.Decode(signer.Encode()).Encode());
        Assert.False(signer.IsRevokedAt(3));
        Assert.True(signer.IsRevokedAt(4));
        Assert.False((signer with { RevokedAt = 0 }).IsRevokedAt(ulong.MaxValue));
    }
}

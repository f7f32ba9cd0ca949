using System.Globalization;
using System.Text;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Execution.Host;

namespace Huilian.Execution.Modules.Membership;

/// <summary>
/// Organisations, their users and certificates. Genesis writes the founding organisations; each organisation's
/// admin then registers its users (with certificates its CA issued) and their roles, rotates their keys (a user may
/// hold several valid certificates at once) and revokes certificates, which stop signing from the next block.
/// Admitting or suspending whole organisations is governance (see the "gov" module).
/// </summary>
public sealed class MembershipModule : IModule
{
    public const string ModuleName = MembershipState.Module;

    public string Name => ModuleName;

    public void InitGenesis(GenesisDocument genesis, GenesisWriter writer)
    {
        var ids = new List<string>();
        foreach (var organisation in genesis.Organisations)
        {
            var admitted = Admit(writer.Certificates, writer.Signatures, writer.Hash, new OrganisationSpec(organisation.Id, organisation.Name, organisation.Kind,
                Convert.FromBase64String(organisation.CaCertificate), Convert.FromHexString(organisation.EncryptionKey)), genesis.GenesisTimeMs, 0,
                key => writer.Get(key), (key, value) => writer.Put(key, value));
            if (admitted is not null)
            {
                throw new GenesisException($"Organisation '{organisation.Id}': {admitted.Message}");
            }
            ids.Add(organisation.Id);
            foreach (var user in organisation.Users)
            {
                var refusal = RegisterUser(writer.Certificates, writer.Hash, organisation.Id, user.Name, Convert.FromBase64String(user.Certificate),
                    user.Roles, genesis.GenesisTimeMs, 0, key => writer.Get(key), (key, value) => writer.Put(key, value));
                if (refusal is not null)
                {
                    throw new GenesisException($"User '{organisation.Id}/{user.Name}': {refusal.Message}");
                }
            }
        }
    }

    public void Register(ActionRegistry registry)
    {
        registry.Add("register-user", "Registers a user of the signer's organisation with its certificate and roles.", ParseRegisterUser, ExecuteRegisterUser);
        registry.Add("add-certificate", "Adds a certificate to a user (key rotation: old and new are valid together until the old expires or is revoked).", ParseAddCertificate, ExecuteAddCertificate);
        registry.Add("revoke-certificate", "Revokes a certificate of the signer's organisation; it stops signing from the next block.", ParseKeyId, ExecuteRevoke);
        registry.Add("set-roles", "Replaces the roles of a user of the signer's organisation.", ParseSetRoles, ExecuteSetRoles);
        registry.Add("suspend-user", "Suspends a user of the signer's organisation.", ParseUser, (c, r) => ExecuteSuspend(c, r, true));
        registry.Add("reinstate-user", "Reinstates a suspended user of the signer's organisation.", ParseUser, (c, r) => ExecuteSuspend(c, r, false));
        registry.Add("register-node", "Registers a node certificate of the signer's organisation.", ParseRegisterNode, ExecuteRegisterNode);
    }

    /// <summary>An organisation being admitted: by genesis or by a governance decision.</summary>
    public sealed record OrganisationSpec(string Id, string Name, string Kind, byte[] CaCertificate, byte[] EncryptionKey);

    /// <summary>Writes a new organisation: its CA must be a self-signed CA certificate of the chain's suite.</summary>
    public static Refusal? Admit(ICertificateVerifier certificates, ISignatureScheme signatures, IHashFunction hash, OrganisationSpec spec, long timeMs, ulong height,
        Func<byte[], byte[]?> get, Action<byte[], byte[]> set)
    {
        if (!Identifier.IsValid(spec.Id, 64) || !OrganisationKinds.IsKnown(spec.Kind) || spec.Name.Length is 0 or > 128)
        {
            return new Refusal(ResultCodes.PayloadFieldOutOfRange, "An organisation needs an identifier id, a name of 1 to 128 characters and a known kind.");
        }
        if (get(MembershipState.OrganisationKey(spec.Id)) is not null)
        {
            return new Refusal("OrganisationAlreadyExists", $"Organisation '{spec.Id}' is already a member.");
        }
        var ca = certificates.TryParse(spec.CaCertificate, out var error);
        if (ca is null)
        {
            return new Refusal(MembershipCodes.CertificateInvalid, "The CA certificate is not usable: " + error);
        }
        if (!ca.IsCertificateAuthority || !certificates.IsSignedBy(spec.CaCertificate, ca.SubjectPublicKey))
        {
            return new Refusal(MembershipCodes.CertificateInvalid, "The CA certificate must be a self-signed certificate authority (basicConstraints cA).");
        }
        if (ca.NotAfterMs < timeMs)
        {
            return new Refusal(MembershipCodes.CertificateExpired, "The CA certificate has expired.");
        }
        if (!signatures.IsValidPublicKey(spec.EncryptionKey))
        {
            return new Refusal(ResultCodes.PayloadFieldOutOfRange, "The data-encryption key must be an uncompressed public key (65 bytes, starting 04) on the chain's curve.");
        }
        var keyId = hash.Hash(spec.EncryptionKey);
        if (get(MembershipState.EncryptionKeyKey(keyId)) is not null)
        {
            return new Refusal("EncryptionKeyInUse", "Another organisation already uses this data-encryption key.");
        }
        if (spec.Kind == OrganisationKinds.Regulator)
        {
            if (get(MembershipState.RegulatorKey()) is not null)
            {
                return new Refusal("RegulatorAlreadyExists", "The consortium already has its regulator.");
            }
            set(MembershipState.RegulatorKey(), Encoding.ASCII.GetBytes(spec.Id));
        }
        set(MembershipState.OrganisationKey(spec.Id), new OrganisationRecord(spec.Id, spec.Name, spec.Kind, [spec.CaCertificate], spec.EncryptionKey, false, height, 0, ca.NotAfterMs).Encode());
        set(MembershipState.EncryptionKeyKey(keyId), Encoding.ASCII.GetBytes(spec.Id));
        var ids = MembershipState.ReadNames(get(MembershipState.OrganisationListKey())).ToList();
        if (ids.Count >= GenesisDocument.OrganisationsMax)
        {
            return new Refusal("OrganisationsFull", $"The consortium holds at most {GenesisDocument.OrganisationsMax} organisations.");
        }
        ids.Add(spec.Id);
        set(MembershipState.OrganisationListKey(), MembershipState.EncodeNames(ids));
        return null;
    }

    /// <summary>Registers a user with its first certificate: the certificate must be CN=name, O=organisation, issued by the organisation's CA.</summary>
    public static Refusal? RegisterUser(ICertificateVerifier certificates, IHashFunction hash, string organisationId, string name, byte[] certificate,
        IReadOnlyList<string> roles, long timeMs, ulong height, Func<byte[], byte[]?> get, Action<byte[], byte[]> set)
    {
        var organisation = Decode(get(MembershipState.OrganisationKey(organisationId)));
        if (organisation is null)
        {
            return new Refusal(MembershipCodes.OrganisationUnknown, $"Organisation '{organisationId}' is not a member.");
        }
        if (!Identifier.IsValid(name, 64))
        {
            return new Refusal(ResultCodes.PayloadFieldOutOfRange, $"User name '{name}' must be an identifier (a-z, 0-9, '.', '_', '-').");
        }
        var roleRefusal = CheckRoles(organisation, roles);
        if (roleRefusal is not null)
        {
            return roleRefusal;
        }
        if (get(MembershipState.UserKey(organisationId, name)) is not null)
        {
            return new Refusal(MembershipCodes.UserAlreadyExists, $"User '{organisationId}/{name}' is already registered.");
        }
        var refusal = CheckCertificate(certificates, organisation, name, certificate, timeMs, out var facts);
        if (refusal is not null)
        {
            return refusal;
        }
        var signerId = hash.Hash(facts!.SubjectPublicKey);
        if (get(MembershipState.SignerKey(signerId)) is not null)
        {
            return new Refusal(MembershipCodes.CertificateAlreadyRegistered, "A certificate with this key is already registered.");
        }
        set(MembershipState.SignerKey(signerId), new SignerRecord(organisationId, name, false, hash.Hash(certificate), facts.SerialNumberHex, facts.NotBeforeMs, facts.NotAfterMs, height, 0).Encode());
        set(MembershipState.UserKey(organisationId, name), new UserRecord(organisationId, name, roles.ToArray(), false, height, [signerId]).Encode());
        var page = organisation.UserCount / MembershipState.UserPageSize;
        var names = MembershipState.ReadNames(get(MembershipState.UserPageKey(organisationId, page))).ToList();
        names.Add(name);
        set(MembershipState.UserPageKey(organisationId, page), MembershipState.EncodeNames(names));
        set(MembershipState.OrganisationKey(organisationId), (organisation with { UserCount = checked(organisation.UserCount + 1) }).Encode());
        return null;
    }

    private static OrganisationRecord? Decode(byte[]? value) => value is null ? null : OrganisationRecord.Decode(value);

    private static Refusal? CheckRoles(OrganisationRecord organisation, IReadOnlyList<string> roles)
    {
        if (roles.Count > UserRecord.RolesMax)
        {
            return new Refusal(ResultCodes.PayloadFieldOutOfRange, $"A user holds at most {UserRecord.RolesMax} roles.");
        }
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            var problem = RoleCatalog.Default.CheckRoleForKind(role, organisation.Kind);
            if (problem is not null)
            {
                return new Refusal(MembershipCodes.RoleNotAllowed, problem);
            }
            if (!seen.Add(role))
            {
                return new Refusal(ResultCodes.PayloadFieldOutOfRange, $"Role '{role}' is listed twice.");
            }
        }
        return null;
    }

    /// <summary>Checks an end-entity certificate for <paramref name="holder"/> of <paramref name="organisation"/>.</summary>
    public static Refusal? CheckCertificate(ICertificateVerifier certificates, OrganisationRecord organisation, string holder, byte[] certificate, long timeMs, out CertificateFacts? facts)
    {
        facts = certificates.TryParse(certificate, out var error);
        if (facts is null)
        {
            return new Refusal(MembershipCodes.CertificateInvalid, "The certificate is not usable: " + error);
        }
        if (facts.IsCertificateAuthority)
        {
            return new Refusal(MembershipCodes.CertificateInvalid, "A CA certificate cannot sign transactions; issue an end-entity certificate.");
        }
        if (facts.SubjectCommonName != holder || facts.SubjectOrganisation != organisation.Id)
        {
            return new Refusal(MembershipCodes.CertificateInvalid,
                $"The certificate's subject is CN={facts.SubjectCommonName}, O={facts.SubjectOrganisation}; it must be CN={holder}, O={organisation.Id}.");
        }
        var issued = false;
        foreach (var ca in organisation.CaCertificates)
        {
            var caFacts = certificates.TryParse(ca, out _);
            if (caFacts is not null && certificates.IsSignedBy(certificate, caFacts.SubjectPublicKey))
            {
                issued = true;
                break;
            }
        }
        if (!issued)
        {
            return new Refusal(MembershipCodes.CertificateUnknownIssuer, $"The certificate was not issued by a CA of organisation '{organisation.Id}'.");
        }
        if (organisation.CaNotAfterMs < timeMs)
        {
            return new Refusal(MembershipCodes.CertificateExpired, $"The CA of organisation '{organisation.Id}' has expired; it issues no more certificates.");
        }
        // RFC 5280: notAfter is inclusive, as it is when the certificate signs (MembershipPolicy).
        if (facts.NotAfterMs < timeMs)
        {
            return new Refusal(MembershipCodes.CertificateExpired, "The certificate has already expired.");
        }
        return null;
    }

    private sealed record RegisterUserRequest(string Name, byte[] Certificate, IReadOnlyList<string> Roles);

    private sealed record AddCertificateRequest(string User, byte[] Certificate);

    private sealed record KeyIdRequest(Hash32 KeyId);

    private sealed record SetRolesRequest(string User, IReadOnlyList<string> Roles);

    private sealed record UserRequest(string User);

    private sealed record RegisterNodeRequest(string Name, byte[] Certificate);

    private static RegisterUserRequest ParseRegisterUser(PayloadReader payload) => new(
        payload.RequiredString("name", 64),
        payload.RequiredBase64("certificate", Limits.CertificateBytesMax),
        payload.RequiredStringList("roles", UserRecord.RolesMax, 64));

    private static AddCertificateRequest ParseAddCertificate(PayloadReader payload) => new(
        payload.RequiredString("user", 64),
        payload.RequiredBase64("certificate", Limits.CertificateBytesMax));

    private static KeyIdRequest ParseKeyId(PayloadReader payload) => new(payload.RequiredHash("keyId"));

    private static SetRolesRequest ParseSetRoles(PayloadReader payload) => new(
        payload.RequiredString("user", 64),
        payload.RequiredStringList("roles", UserRecord.RolesMax, 64));

    private static UserRequest ParseUser(PayloadReader payload) => new(payload.RequiredString("user", 64));

    private static RegisterNodeRequest ParseRegisterNode(PayloadReader payload) => new(
        payload.RequiredString("name", 64),
        payload.RequiredBase64("certificate", Limits.CertificateBytesMax));

    /// <summary>The acting user's organisation (the policy has already checked the signer is an active user).</summary>
    private static OrganisationRecord ActingOrganisation(ActionContext context, out SignerRecord signer)
    {
        signer = MembershipState.ReadSigner(context.State, context.SignerId)
            ?? throw new ActionRefusedException(ResultCodes.SignerUnknown, "The signer has no registered certificate.");
        return MembershipState.ReadOrganisation(context.State, signer.Organisation)
            ?? throw new ActionRefusedException(MembershipCodes.OrganisationUnknown, $"Organisation '{signer.Organisation}' is not a member.");
    }

    private static UserRecord RequireUser(ActionContext context, OrganisationRecord organisation, string name) =>
        MembershipState.ReadUser(context.State, organisation.Id, name)
            ?? throw new ActionRefusedException(MembershipCodes.UserUnknown, $"Organisation '{organisation.Id}' has no user '{name}'.");

    /// <summary>
    /// Refuses a change that would leave the organisation without an admin able to act (active, holding
    /// organisation-admin and a valid, unrevoked certificate): nobody could then register users or vote.
    /// </summary>
    private static void KeepAnAdmin(ActionContext context, OrganisationRecord organisation, string changedUser, Func<UserRecord, UserRecord?> after)
    {
        foreach (var name in MembershipState.ReadUserNames(context.State, organisation))
        {
            var user = MembershipState.ReadUser(context.State, organisation.Id, name)!;
            var changed = name == changedUser ? after(user) : user;
            if (changed is { Suspended: false } && changed.Roles.Contains(RoleNames.OrganisationAdmin) && changed.Signers.Any(id =>
                    MembershipState.ReadSigner(context.State, id) is { } signer && signer.RevokedAt == 0 && signer.NotAfterMs >= context.Block.TimeMs))
            {
                return;
            }
        }
        throw new ActionRefusedException("LastAdmin", $"This would leave organisation '{organisation.Id}' without an active admin with a valid certificate; register another admin first.");
    }

    private static ActionOutcome ExecuteRegisterUser(ActionContext context, RegisterUserRequest request)
    {
        var organisation = ActingOrganisation(context, out _);
        var refusal = RegisterUser(context.Certificates, context.Hash, organisation.Id, request.Name, request.Certificate, request.Roles,
            context.Block.TimeMs, context.Block.Height, key => context.Get(key), context.Set);
        if (refusal is not null)
        {
            throw new ActionRefusedException(refusal.Code, refusal.Message);
        }
        var keyId = context.Hash.Hash(context.Certificates.TryParse(request.Certificate, out _)!.SubjectPublicKey);
        context.Emit("membership.user-registered", new EventAttribute("user", organisation.Id + "/" + request.Name), new EventAttribute("keyId", keyId.ToString()));
        return ActionOutcome.Ok(Json(w =>
        {
            w.WriteString("user", organisation.Id + "/" + request.Name);
            w.WriteString("keyId", keyId.ToString());
        }));
    }

    private static ActionOutcome ExecuteAddCertificate(ActionContext context, AddCertificateRequest request)
    {
        var organisation = ActingOrganisation(context, out _);
        var user = RequireUser(context, organisation, request.User);
        var refusal = CheckCertificate(context.Certificates, organisation, user.Name, request.Certificate, context.Block.TimeMs, out var facts);
        if (refusal is not null)
        {
            throw new ActionRefusedException(refusal.Code, refusal.Message);
        }
        var keyId = context.Hash.Hash(facts!.SubjectPublicKey);
        if (context.Get(MembershipState.SignerKey(keyId)) is not null)
        {
            throw new ActionRefusedException(MembershipCodes.CertificateAlreadyRegistered, "A certificate with this key is already registered.");
        }
        // Keys that can no longer sign (expired or revoked) make room for new ones.
        var kept = new List<Hash32>();
        foreach (var existing in user.Signers)
        {
            var record = MembershipState.ReadSigner(context.State, existing);
            if (record is not null && !record.IsRevokedAt(context.Block.Height) && record.NotAfterMs > context.Block.TimeMs)
            {
                kept.Add(existing);
            }
        }
        if (kept.Count >= UserRecord.SignersMax)
        {
            throw new ActionRefusedException(MembershipCodes.UserCertificatesFull, $"User '{user.Id}' already holds {UserRecord.SignersMax} valid certificates; revoke one first.");
        }
        kept.Add(keyId);
        context.Set(MembershipState.SignerKey(keyId), new SignerRecord(organisation.Id, user.Name, false, context.Hash.Hash(request.Certificate), facts.SerialNumberHex,
            facts.NotBeforeMs, facts.NotAfterMs, context.Block.Height, 0).Encode());
        context.Set(MembershipState.UserKey(organisation.Id, user.Name), (user with { Signers = kept }).Encode());
        context.Emit("membership.certificate-added", new EventAttribute("user", user.Id), new EventAttribute("keyId", keyId.ToString()));
        return ActionOutcome.Ok(Json(w =>
        {
            w.WriteString("user", user.Id);
            w.WriteString("keyId", keyId.ToString());
            w.WriteNumber("certificates", kept.Count);
        }));
    }

    private static ActionOutcome ExecuteRevoke(ActionContext context, KeyIdRequest request)
    {
        var organisation = ActingOrganisation(context, out _);
        var signer = MembershipState.ReadSigner(context.State, request.KeyId)
            ?? throw new ActionRefusedException(MembershipCodes.CertificateUnknown, $"No certificate is registered for key {request.KeyId.ToShortString()}….");
        if (signer.Organisation != organisation.Id)
        {
            throw new ActionRefusedException(MembershipCodes.OtherOrganisation, "An organisation revokes only its own certificates.");
        }
        if (signer.RevokedAt != 0)
        {
            return ActionOutcome.Unchanged("CertificateAlreadyRevoked", string.Create(CultureInfo.InvariantCulture, $"The certificate was revoked at height {signer.RevokedAt}."), []);
        }
        if (!signer.IsNode)
        {
            KeepAnAdmin(context, organisation, signer.Holder, user => user with { Signers = user.Signers.Where(id => id != request.KeyId).ToArray() });
        }
        context.Set(MembershipState.SignerKey(request.KeyId), (signer with { RevokedAt = context.Block.Height }).Encode());
        context.Emit("membership.certificate-revoked", new EventAttribute("holder", signer.Organisation + "/" + signer.Holder), new EventAttribute("keyId", request.KeyId.ToString()));
        return ActionOutcome.Ok(Json(w =>
        {
            w.WriteString("holder", signer.Organisation + "/" + signer.Holder);
            w.WriteNumber("revokedAt", context.Block.Height);
            w.WriteNumber("effectiveFromHeight", context.Block.Height + 1);
        }));
    }

    private static ActionOutcome ExecuteSetRoles(ActionContext context, SetRolesRequest request)
    {
        var organisation = ActingOrganisation(context, out _);
        var user = RequireUser(context, organisation, request.User);
        var refusal = CheckRoles(organisation, request.Roles);
        if (refusal is not null)
        {
            throw new ActionRefusedException(refusal.Code, refusal.Message);
        }
        KeepAnAdmin(context, organisation, user.Name, current => current with { Roles = request.Roles.ToArray() });
        context.Set(MembershipState.UserKey(organisation.Id, user.Name), (user with { Roles = request.Roles.ToArray() }).Encode());
        context.Emit("membership.roles-set", new EventAttribute("user", user.Id));
        return ActionOutcome.Ok(Json(w =>
        {
            w.WriteString("user", user.Id);
            w.WriteStartArray("roles");
            foreach (var role in request.Roles)
            {
                w.WriteStringValue(role);
            }
            w.WriteEndArray();
        }));
    }

    private static ActionOutcome ExecuteSuspend(ActionContext context, UserRequest request, bool suspend)
    {
        var organisation = ActingOrganisation(context, out var signer);
        var user = RequireUser(context, organisation, request.User);
        if (suspend && user.Name == signer.Holder)
        {
            throw new ActionRefusedException("CannotSuspendSelf", "An admin cannot suspend itself; another admin of the organisation must.");
        }
        if (user.Suspended == suspend)
        {
            return ActionOutcome.Unchanged(suspend ? "UserAlreadySuspended" : "UserNotSuspended", $"User '{user.Id}' is already {(suspend ? "suspended" : "active")}.", []);
        }
        if (suspend)
        {
            KeepAnAdmin(context, organisation, user.Name, current => current with { Suspended = true });
        }
        context.Set(MembershipState.UserKey(organisation.Id, user.Name), (user with { Suspended = suspend }).Encode());
        context.Emit(suspend ? "membership.user-suspended" : "membership.user-reinstated", new EventAttribute("user", user.Id));
        return ActionOutcome.Ok(Json(w => w.WriteString("user", user.Id)));
    }

    private static ActionOutcome ExecuteRegisterNode(ActionContext context, RegisterNodeRequest request)
    {
        var organisation = ActingOrganisation(context, out _);
        var refusal = CheckCertificate(context.Certificates, organisation, request.Name, request.Certificate, context.Block.TimeMs, out var facts);
        if (refusal is not null)
        {
            throw new ActionRefusedException(refusal.Code, refusal.Message);
        }
        var keyId = context.Hash.Hash(facts!.SubjectPublicKey);
        if (context.Get(MembershipState.SignerKey(keyId)) is not null)
        {
            throw new ActionRefusedException(MembershipCodes.CertificateAlreadyRegistered, "A certificate with this key is already registered.");
        }
        context.Set(MembershipState.SignerKey(keyId), new SignerRecord(organisation.Id, request.Name, true, context.Hash.Hash(request.Certificate), facts.SerialNumberHex,
            facts.NotBeforeMs, facts.NotAfterMs, context.Block.Height, 0).Encode());
        context.Emit("membership.node-registered", new EventAttribute("node", organisation.Id + "/" + request.Name), new EventAttribute("keyId", keyId.ToString()));
        return ActionOutcome.Ok(Json(w =>
        {
            w.WriteString("node", organisation.Id + "/" + request.Name);
            w.WriteString("keyId", keyId.ToString());
        }));
    }

    internal static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }
}

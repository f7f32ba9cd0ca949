using System.Globalization;
using Huilian.Core;
using Huilian.Core.State;
using Huilian.Execution.Host;

namespace Huilian.Execution.Modules.Membership;

/// <summary>Stable codes of membership refusals.</summary>
public static class MembershipCodes
{
    public const string CertificateRevoked = "CertificateRevoked";
    public const string CertificateExpired = "CertificateExpired";
    public const string CertificateNotYetValid = "CertificateNotYetValid";
    public const string CertificateInvalid = "CertificateInvalid";
    public const string CertificateUnknownIssuer = "CertificateUnknownIssuer";
    public const string CertificateAlreadyRegistered = "CertificateAlreadyRegistered";
    public const string OrganisationSuspended = "OrganisationSuspended";
    public const string OrganisationUnknown = "OrganisationUnknown";
    public const string UserSuspended = "UserSuspended";
    public const string UserUnknown = "UserUnknown";
    public const string UserAlreadyExists = "UserAlreadyExists";
    public const string UserCertificatesFull = "UserCertificatesFull";
    public const string RoleNotAllowed = "RoleNotAllowed";
    public const string NodeCannotSign = "NodeCannotSign";
    public const string CertificateUnknown = "CertificateUnknown";
    public const string OtherOrganisation = "OtherOrganisation";
}

/// <summary>
/// Who may sign, and what: a signer is a key whose X.509 certificate an organisation registered; it may sign while
/// the certificate is within its validity at the block's time and not revoked before this block, and while its
/// user and organisation are active. An action is allowed when one of the user's roles grants its resource in the
/// <see cref="RoleCatalog"/>.
/// </summary>
public sealed class MembershipPolicy(RoleCatalog catalog) : IPermissionPolicy
{
    public MembershipPolicy()
        : this(RoleCatalog.Default)
    {
    }

    public RoleCatalog Catalog { get; } = catalog;

    public Refusal? CheckSigner(IStateReader state, in Hash32 signerId, ulong height, long timeMs) =>
        Resolve(state, signerId, height, timeMs, out _, out _);

    /// <summary>The user (and organisation) a signer acts for, or why it may not act.</summary>
    public Refusal? Resolve(IStateReader state, in Hash32 signerId, ulong height, long timeMs, out UserRecord? user, out OrganisationRecord? organisation)
    {
        user = null;
        organisation = null;
        var signer = MembershipState.ReadSigner(state, signerId);
        if (signer is null)
        {
            return new Refusal(ResultCodes.SignerUnknown, $"Signer {signerId.ToShortString()}… has no registered certificate on this chain.");
        }
        if (signer.IsNode)
        {
            return new Refusal(MembershipCodes.NodeCannotSign, $"Key {signerId.ToShortString()}… is node '{signer.Holder}' of '{signer.Organisation}'; nodes do not sign business transactions.");
        }
        if (signer.IsRevokedAt(height))
        {
            return new Refusal(MembershipCodes.CertificateRevoked, string.Create(CultureInfo.InvariantCulture,
                $"The certificate (serial {signer.SerialNumber}) of '{signer.Organisation}/{signer.Holder}' was revoked at height {signer.RevokedAt}."));
        }
        if (timeMs > signer.NotAfterMs)
        {
            return new Refusal(MembershipCodes.CertificateExpired, $"The certificate (serial {signer.SerialNumber}) of '{signer.Organisation}/{signer.Holder}' expired at {FormatTime(signer.NotAfterMs)}.");
        }
        if (timeMs < signer.NotBeforeMs)
        {
            return new Refusal(MembershipCodes.CertificateNotYetValid, $"The certificate (serial {signer.SerialNumber}) of '{signer.Organisation}/{signer.Holder}' is valid from {FormatTime(signer.NotBeforeMs)}.");
        }
        organisation = MembershipState.ReadOrganisation(state, signer.Organisation);
        if (organisation is null)
        {
            return new Refusal(MembershipCodes.OrganisationUnknown, $"Organisation '{signer.Organisation}' is not a member.");
        }
        if (organisation.Suspended)
        {
            return new Refusal(MembershipCodes.OrganisationSuspended, $"Organisation '{organisation.Id}' is suspended; its users cannot act.");
        }
        if (timeMs > organisation.CaNotAfterMs)
        {
            return new Refusal(MembershipCodes.CertificateExpired, $"The CA of organisation '{organisation.Id}' expired at {FormatTime(organisation.CaNotAfterMs)}; the certificates it issued no longer sign.");
        }
        user = MembershipState.ReadUser(state, signer.Organisation, signer.Holder);
        if (user is null)
        {
            return new Refusal(MembershipCodes.UserUnknown, $"User '{signer.Organisation}/{signer.Holder}' is not registered.");
        }
        if (user.Suspended)
        {
            return new Refusal(MembershipCodes.UserSuspended, $"User '{user.Id}' is suspended.");
        }
        return null;
    }

    public Refusal? Authorize(IStateReader state, in Hash32 signerId, ActionDefinition action)
    {
        var signer = MembershipState.ReadSigner(state, signerId);
        var user = signer is null || signer.IsNode ? null : MembershipState.ReadUser(state, signer.Organisation, signer.Holder);
        if (user is null)
        {
            return new Refusal(ResultCodes.SignerUnknown, $"Signer {signerId.ToShortString()}… is not a registered user.");
        }
        return AuthorizeResource(user, action.FullName);
    }

    /// <summary>Null when <paramref name="user"/> holds a role granting <paramref name="resource"/>; else SignerLacksRole naming the roles that do.</summary>
    public Refusal? AuthorizeResource(UserRecord user, string resource)
    {
        if (Catalog.Grants(user.Roles, resource))
        {
            return null;
        }
        var holders = Catalog.RolesHolding(resource);
        var required = holders.Count == 0 ? "no role (the resource is not in the role catalogue)" : "the role '" + string.Join("' or '", holders) + "'";
        return new Refusal(ResultCodes.SignerLacksRole, $"{resource} requires {required}, which '{user.Id}' does not hold.");
    }

    private static string FormatTime(long ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

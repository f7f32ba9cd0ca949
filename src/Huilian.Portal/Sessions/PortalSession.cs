using Huilian.Core.Crypto;

namespace Huilian.Portal.Sessions;

/// <summary>A resource the user's roles grant, with its labels in both languages (from the role catalogue).</summary>
public sealed record GrantedResource(string Id, string Kind, string Chinese, string English, bool Planned, string? Table);

/// <summary>
/// A signed-in portal user. The portal signs the user's transactions with <see cref="Key"/>, which lives only in this
/// node's memory for the life of the session and is disposed when it ends (ADR 0015). <see cref="ApiToken"/> is the
/// bearer token of the node API's own sign-in, renewed by the portal when it expires.
/// </summary>
public sealed class PortalSession : IDisposable
{
    private readonly ISigningKey _key;

    public PortalSession(string id, ISigningKey key, string userId, string organisation, string organisationName, string organisationKind,
        IReadOnlyList<string> roles, IReadOnlyList<GrantedResource> resources, bool hostsOrganisationKey, DateTimeOffset now)
    {
        Id = id;
        _key = key;
        UserId = userId;
        Organisation = organisation;
        OrganisationName = organisationName;
        OrganisationKind = organisationKind;
        Roles = roles;
        Resources = resources;
        HostsOrganisationKey = hostsOrganisationKey;
        Created = now;
        LastSeen = now;
    }

    public string Id { get; }

    public ISigningKey Key => _key;

    /// <summary>org/user.</summary>
    public string UserId { get; }

    public string UserName => UserId[(UserId.IndexOf('/', StringComparison.Ordinal) + 1)..];

    public string Organisation { get; }

    public string OrganisationName { get; }

    /// <summary>regulator, central-bank, bank, enterprise, customs, tax, insurer, carrier, operator.</summary>
    public string OrganisationKind { get; }

    public IReadOnlyList<string> Roles { get; }

    public IReadOnlyList<GrantedResource> Resources { get; }

    /// <summary>Whether this node holds the organisation's data key (it can decrypt sections addressed to it).</summary>
    public bool HostsOrganisationKey { get; }

    public DateTimeOffset Created { get; }

    public DateTimeOffset LastSeen { get; set; }

    public string? ApiToken { get; set; }


    /// <summary>One transaction at a time per session: each takes the signer's next nonce.</summary>
    public SemaphoreSlim SubmitLock { get; } = new(1, 1);

    public bool Holds(string resource) => Resources.Any(r => r.Id == resource);

    public bool IsKind(string kind) => OrganisationKind == kind;

    public void Dispose()
    {
        _key.Dispose();
        SubmitLock.Dispose();
    }
}

using System.Security.Cryptography;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;

namespace Huilian.Crypto;

/// <summary>
/// An organisation's secrets and public identity: its CA key and certificate (which issue its users' and nodes'
/// certificates) and its data-encryption key pair (confidential sections are wrapped for its public half).
/// </summary>
public sealed class OrganisationCredentials(string suite, string id, string name, string kind, ISigningKey caKey, byte[] caCertificate, ISigningKey encryptionKey)
{
    public string Suite { get; } = suite;

    public string Id { get; } = id;

    public string Name { get; } = name;

    public string Kind { get; } = kind;

    public ISigningKey CaKey { get; } = caKey;

    public byte[] CaCertificate { get; } = caCertificate;

    public ISigningKey EncryptionKey { get; } = encryptionKey;

    /// <summary>The id recipients are named by in envelopes: the hash of the data-encryption public key.</summary>
    public Hash32 EncryptionKeyId => CryptoSuites.Get(Suite).Hash.Hash(EncryptionKey.PublicKey);

    /// <summary>Issues an end-entity certificate CN=<paramref name="holder"/>, O=this organisation's id.</summary>
    public byte[] Issue(ReadOnlySpan<byte> publicKey, string holder, DateTimeOffset notBefore, DateTimeOffset notAfter, string? organisationalUnit = null,
        byte[]? serialNumber = null) =>
        CertificateAuthority.Issue(Suite, CaKey, CaCertificate, publicKey, holder, Id, notBefore, notAfter, organisationalUnit: organisationalUnit, serialNumber: serialNumber);

    /// <summary>
    /// Creates an organisation with fresh CA and data-encryption keys (or the given ones); the CA is valid for
    /// <paramref name="years"/> years.
    /// </summary>
    public static OrganisationCredentials Create(string suite, string id, string name, string kind, DateTimeOffset notBefore, int years = 20,
        ISigningKey? caKey = null, ISigningKey? encryptionKey = null, byte[]? serialNumber = null)
    {
        caKey ??= CryptoSuites.GenerateKey(suite);
        var certificate = CertificateAuthority.CreateRoot(suite, caKey, name.Length <= CertificateAuthority.NameLengthMax ? name : id + " CA", id, notBefore, notBefore.AddYears(years), serialNumber);
        return new OrganisationCredentials(suite, id, name, kind, caKey, certificate, encryptionKey ?? CryptoSuites.GenerateKey(suite));
    }
}

/// <summary>A user of an organisation: its signing key, certificate and roles.</summary>
public sealed record UserCredentials(string Organisation, string Name, ISigningKey Key, byte[] Certificate, IReadOnlyList<string> Roles)
{
    public string Id => Organisation + "/" + Name;
}

/// <summary>
/// Builds the membership part of a genesis: founding organisations with their CAs and encryption keys, and their
/// first users with certificates issued by those CAs. Used by `huilian init`, the demo consortium and tests.
/// </summary>
public sealed class ConsortiumBuilder(string suite, DateTimeOffset genesisTime)
{
    private readonly List<OrganisationCredentials> _organisations = [];
    private readonly List<UserCredentials> _users = [];

    public string Suite { get; } = suite;

    public IReadOnlyList<OrganisationCredentials> Organisations => _organisations;

    public IReadOnlyList<UserCredentials> Users => _users;

    /// <summary>
    /// When set, certificate serial numbers derive from the holder's name instead of randomness, so keys with
    /// deterministic signatures give a byte-identical genesis (the simulator replays a seed exactly).
    /// </summary>
    public bool DeterministicSerials { get; init; }

    private byte[]? Serial(string name) => DeterministicSerials ? CryptoSuites.Get(Suite).Hash.Hash(System.Text.Encoding.UTF8.GetBytes(name)).ToArray()[..16] : null;

    public OrganisationCredentials AddOrganisation(string id, string name, string kind, ISigningKey? caKey = null, ISigningKey? encryptionKey = null)
    {
        var organisation = OrganisationCredentials.Create(Suite, id, name, kind, genesisTime.AddDays(-1), caKey: caKey, encryptionKey: encryptionKey, serialNumber: Serial(id));
        _organisations.Add(organisation);
        return organisation;
    }

    public OrganisationCredentials Organisation(string id) => _organisations.First(o => o.Id == id);

    /// <summary>Adds a user with a certificate valid from a day before genesis for <paramref name="years"/> years.</summary>
    public UserCredentials AddUser(string organisation, string name, IReadOnlyList<string> roles, ISigningKey? key = null, int years = 10)
    {
        var credentials = Organisation(organisation);
        key ??= CryptoSuites.GenerateKey(Suite);
        var certificate = credentials.Issue(key.PublicKey, name, genesisTime.AddDays(-1), genesisTime.AddYears(years), serialNumber: Serial(organisation + "/" + name));
        var user = new UserCredentials(organisation, name, key, certificate, roles);
        _users.Add(user);
        return user;
    }

    public UserCredentials User(string id) => _users.First(u => u.Id == id);

    /// <summary>
    /// The smallest consortium: one regulator organisation whose "admin" user (with <paramref name="adminKey"/>) is
    /// organisation admin and evidence recorder. For tests and single-organisation chains.
    /// </summary>
    public static IReadOnlyList<GenesisOrganisation> SoloOrganisation(string suite, DateTimeOffset genesisTime, ISigningKey adminKey)
    {
        var builder = new ConsortiumBuilder(suite, genesisTime);
        builder.AddOrganisation("regulator", "Regulator", OrganisationKinds.Regulator);
        builder.AddUser("regulator", "admin", ["organisation-admin", "evidence-recorder"], adminKey);
        return builder.ToGenesis();
    }

    public IReadOnlyList<GenesisOrganisation> ToGenesis() => _organisations.Select(o => new GenesisOrganisation
    {
        Id = o.Id,
        Name = o.Name,
        Kind = o.Kind,
        CaCertificate = Convert.ToBase64String(o.CaCertificate),
        EncryptionKey = Convert.ToHexStringLower(o.EncryptionKey.PublicKey),
        Users = _users.Where(u => u.Organisation == o.Id).Select(u => new GenesisUser
        {
            Name = u.Name,
            Certificate = Convert.ToBase64String(u.Certificate),
            Roles = u.Roles,
        }).ToArray(),
    }).ToArray();
}

/// <summary>A sealed confidential section: ciphertext under a fresh data key, the key wrapped per recipient.</summary>
public sealed record SealedSection(IReadOnlyList<(Hash32 KeyId, byte[] WrappedKey)> Recipients, byte[] Nonce, byte[] Ciphertext)
{
    /// <summary>
    /// The section as a payload's "confidential" field:
    /// {"recipients": [{"keyId", "wrappedKey"}], "nonce", "ciphertext"}, bytes in base64, key ids in hex.
    /// </summary>
    public string ToJson()
    {
        var text = new System.Text.StringBuilder("{\"recipients\":[");
        for (var i = 0; i < Recipients.Count; i++)
        {
            text.Append(i == 0 ? "" : ",").Append("{\"keyId\":\"").Append(Recipients[i].KeyId.ToString())
                .Append("\",\"wrappedKey\":\"").Append(Convert.ToBase64String(Recipients[i].WrappedKey)).Append("\"}");
        }
        return text.Append("],\"nonce\":\"").Append(Convert.ToBase64String(Nonce))
            .Append("\",\"ciphertext\":\"").Append(Convert.ToBase64String(Ciphertext)).Append("\"}").ToString();
    }
}

/// <summary>Seals and opens confidential sections (the client side of the envelope the ledger checks).</summary>
public static class ConfidentialSections
{
    /// <summary>Encrypts <paramref name="plaintext"/> for each of <paramref name="recipientKeys"/> (data-encryption public keys).</summary>
    public static SealedSection Seal(string suite, ReadOnlySpan<byte> plaintext, IReadOnlyList<byte[]> recipientKeys, ReadOnlySpan<byte> associatedData)
    {
        var crypto = CryptoSuites.Get(suite);
        var dataKey = KeyWrap.NewDataKey(suite);
        try
        {
            var nonce = RandomNumberGenerator.GetBytes(crypto.Aead.NonceLength);
            var ciphertext = crypto.Aead.Seal(dataKey, nonce, plaintext, associatedData);
            var recipients = new (Hash32 KeyId, byte[] WrappedKey)[recipientKeys.Count];
            for (var i = 0; i < recipients.Length; i++)
            {
                recipients[i] = (crypto.Hash.Hash(recipientKeys[i]), KeyWrap.Wrap(suite, recipientKeys[i], dataKey, associatedData));
            }
            return new SealedSection(recipients, nonce, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Opens a section with a recipient's data-encryption private key; null when it is not a recipient or anything fails.</summary>
    public static byte[]? Open(string suite, ISigningKey recipientKey, IReadOnlyList<(Hash32 KeyId, byte[] WrappedKey)> recipients, byte[] nonce, byte[] ciphertext, ReadOnlySpan<byte> associatedData)
    {
        var crypto = CryptoSuites.Get(suite);
        var keyId = crypto.Hash.Hash(recipientKey.PublicKey);
        foreach (var (id, wrapped) in recipients)
        {
            if (id != keyId)
            {
                continue;
            }
            var privateKey = recipientKey.ExportPrivateKey();
            try
            {
                var dataKey = KeyWrap.Unwrap(suite, privateKey, wrapped, associatedData);
                if (dataKey is null)
                {
                    return null;
                }
                try
                {
                    return crypto.Aead.Open(dataKey, nonce, ciphertext, associatedData);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(dataKey);
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(privateKey);
            }
        }
        return null;
    }
}

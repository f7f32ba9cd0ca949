using System.Runtime.CompilerServices;
using System.Text;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.State;
using Huilian.Execution.Host;

namespace Huilian.Execution.Modules.Membership;

/// <summary>
/// A member organisation: its kind, the CAs whose certificates it honours (and when the CA expires: its users'
/// certificates stop signing then too), its data-encryption key.
/// </summary>
public sealed record OrganisationRecord(
    string Id,
    string Name,
    string Kind,
    IReadOnlyList<byte[]> CaCertificates,
    byte[] EncryptionKey,
    bool Suspended,
    ulong AdmittedAt,
    uint UserCount,
    long CaNotAfterMs)
{
    public const byte FormatVersion = 1;
    public const int CaCertificatesMax = 4;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(1024);
        writer.WriteU8(FormatVersion);
        writer.WriteString(Id);
        writer.WriteString(Name);
        writer.WriteString(Kind);
        writer.WriteCount(CaCertificates.Count);
        foreach (var certificate in CaCertificates)
        {
            writer.WriteBytes(certificate);
        }
        writer.WriteBytes(EncryptionKey);
        writer.WriteBool(Suspended);
        writer.WriteU64(AdmittedAt);
        writer.WriteU32(UserCount);
        writer.WriteI64(CaNotAfterMs);
        return writer.ToArray();
    }

    public static OrganisationRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown organisation record format.");
        }
        var id = reader.ReadString(64, "id");
        var name = reader.ReadString(512, "name");
        var kind = reader.ReadString(32, "kind");
        var count = reader.ReadCount(CaCertificatesMax, "caCertificates");
        var certificates = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            certificates[i] = reader.ReadBytesArray(Limits.CertificateBytesMax, "caCertificate");
        }
        var record = new OrganisationRecord(id, name, kind, certificates, reader.ReadBytesArray(Limits.PublicKeyLengthMax, "encryptionKey"),
            reader.ReadBool(), reader.ReadU64(), reader.ReadU32(), reader.ReadI64());
        reader.End();
        return record;
    }
}

/// <summary>A user of an organisation: its roles, whether it is suspended, and the keys (certificates) it signs with.</summary>
public sealed record UserRecord(
    string Organisation,
    string Name,
    IReadOnlyList<string> Roles,
    bool Suspended,
    ulong RegisteredAt,
    IReadOnlyList<Hash32> Signers)
{
    public const byte FormatVersion = 1;
    public const int RolesMax = 32;

    /// <summary>Certificates a user may hold at once: enough to rotate keys with overlap.</summary>
    public const int SignersMax = 8;

    public string Id => Organisation + "/" + Name;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(256);
        writer.WriteU8(FormatVersion);
        writer.WriteString(Organisation);
        writer.WriteString(Name);
        writer.WriteCount(Roles.Count);
        foreach (var role in Roles)
        {
            writer.WriteString(role);
        }
        writer.WriteBool(Suspended);
        writer.WriteU64(RegisteredAt);
        writer.WriteCount(Signers.Count);
        foreach (var signer in Signers)
        {
            writer.WriteHash(signer);
        }
        return writer.ToArray();
    }

    public static UserRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown user record format.");
        }
        var organisation = reader.ReadString(64, "organisation");
        var name = reader.ReadString(64, "name");
        var roleCount = reader.ReadCount(RolesMax, "roles");
        var roles = new string[roleCount];
        for (var i = 0; i < roleCount; i++)
        {
            roles[i] = reader.ReadString(64, "role");
        }
        var suspended = reader.ReadBool();
        var registeredAt = reader.ReadU64();
        var signerCount = reader.ReadCount(SignersMax, "signers");
        var signers = new Hash32[signerCount];
        for (var i = 0; i < signerCount; i++)
        {
            signers[i] = reader.ReadHash();
        }
        reader.End();
        return new UserRecord(organisation, name, roles, suspended, registeredAt, signers);
    }
}

/// <summary>What a signer key is: a user's or a node's certificate, its validity, and whether it was revoked.</summary>
public sealed record SignerRecord(
    string Organisation,
    string Holder,
    bool IsNode,
    Hash32 CertificateHash,
    string SerialNumber,
    long NotBeforeMs,
    long NotAfterMs,
    ulong RegisteredAt,
    ulong RevokedAt)
{
    public const byte FormatVersion = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(192);
        writer.WriteU8(FormatVersion);
        writer.WriteString(Organisation);
        writer.WriteString(Holder);
        writer.WriteBool(IsNode);
        writer.WriteHash(CertificateHash);
        writer.WriteString(SerialNumber);
        writer.WriteI64(NotBeforeMs);
        writer.WriteI64(NotAfterMs);
        writer.WriteU64(RegisteredAt);
        writer.WriteU64(RevokedAt);
        return writer.ToArray();
    }

    public static SignerRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown signer record format.");
        }
        var record = new SignerRecord(reader.ReadString(64, "organisation"), reader.ReadString(64, "holder"), reader.ReadBool(),
            reader.ReadHash(), reader.ReadString(128, "serial"), reader.ReadI64(), reader.ReadI64(), reader.ReadU64(), reader.ReadU64());
        reader.End();
        return record;
    }

    /// <summary>Revoked certificates stop signing from the block after the one that revoked them.</summary>
    public bool IsRevokedAt(ulong height) => RevokedAt != 0 && height > RevokedAt;
}

/// <summary>State keys and cached reads of the membership records.</summary>
public static class MembershipState
{
    public const string Module = "membership";

    /// <summary>User names of an organisation, in registration order, in pages of this many.</summary>
    public const int UserPageSize = 128;

    private static readonly ConditionalWeakTable<byte[], OrganisationRecord> Organisations = new();
    private static readonly ConditionalWeakTable<byte[], UserRecord> Users = new();
    private static readonly ConditionalWeakTable<byte[], SignerRecord> Signers = new();

    public static byte[] OrganisationKey(string id) => StateKeys.For(Module, Encoding.ASCII.GetBytes("org/" + id));

    public static byte[] OrganisationListKey() => StateKeys.For(Module, "orgs"u8);

    public static byte[] UserKey(string organisation, string name) => StateKeys.For(Module, Encoding.ASCII.GetBytes("user/" + organisation + "/" + name));

    public static byte[] UserPageKey(string organisation, uint page) => StateKeys.For(Module, Encoding.ASCII.GetBytes("users/" + organisation + "/" + page.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public static byte[] SignerKey(in Hash32 signerId)
    {
        Span<byte> suffix = stackalloc byte[7 + Hash32.Length];
        "signer/"u8.CopyTo(suffix);
        signerId.CopyTo(suffix[7..]);
        return StateKeys.For(Module, suffix);
    }

    /// <summary>Which organisation a data-encryption key (by its id, the hash of the public key) belongs to.</summary>
    public static byte[] EncryptionKeyKey(in Hash32 keyId)
    {
        Span<byte> suffix = stackalloc byte[7 + Hash32.Length];
        "enckey/"u8.CopyTo(suffix);
        keyId.CopyTo(suffix[7..]);
        return StateKeys.For(Module, suffix);
    }

    public static byte[] RegulatorKey() => StateKeys.For(Module, "regulator"u8);

    public static OrganisationRecord? ReadOrganisation(IStateReader state, string id)
    {
        var value = state.Get(OrganisationKey(id));
        return value is null ? null : Organisations.GetValue(value, static bytes => OrganisationRecord.Decode(bytes));
    }

    public static UserRecord? ReadUser(IStateReader state, string organisation, string name)
    {
        var value = state.Get(UserKey(organisation, name));
        return value is null ? null : Users.GetValue(value, static bytes => UserRecord.Decode(bytes));
    }

    public static SignerRecord? ReadSigner(IStateReader state, in Hash32 signerId)
    {
        var value = state.Get(SignerKey(signerId));
        return value is null ? null : Signers.GetValue(value, static bytes => SignerRecord.Decode(bytes));
    }

    /// <summary>The id of the regulator organisation (null before genesis writes it).</summary>
    public static string? ReadRegulator(IStateReader state)
    {
        var value = state.Get(RegulatorKey());
        return value is null ? null : Encoding.ASCII.GetString(value);
    }

    public static string? ReadEncryptionKeyOwner(IStateReader state, in Hash32 keyId)
    {
        var value = state.Get(EncryptionKeyKey(keyId));
        return value is null ? null : Encoding.ASCII.GetString(value);
    }

    public static IReadOnlyList<string> ReadOrganisationIds(IStateReader state) => ReadNames(state.Get(OrganisationListKey()));

    /// <summary>The names of an organisation's users, in registration order.</summary>
    public static IReadOnlyList<string> ReadUserNames(IStateReader state, OrganisationRecord organisation)
    {
        var names = new List<string>((int)organisation.UserCount);
        var pages = (organisation.UserCount + UserPageSize - 1) / UserPageSize;
        for (uint page = 0; page < pages; page++)
        {
            names.AddRange(ReadNames(state.Get(UserPageKey(organisation.Id, page))));
        }
        return names;
    }

    internal static byte[] EncodeNames(IReadOnlyList<string> names)
    {
        var writer = new CanonicalWriter(64 * names.Count + 8);
        writer.WriteCount(names.Count);
        foreach (var name in names)
        {
            writer.WriteString(name);
        }
        return writer.ToArray();
    }

    internal static IReadOnlyList<string> ReadNames(byte[]? value)
    {
        if (value is null)
        {
            return [];
        }
        var reader = new CanonicalReader(value);
        var count = reader.ReadCount(4096, "names");
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            names[i] = reader.ReadString(64, "name");
        }
        reader.End();
        return names;
    }
}

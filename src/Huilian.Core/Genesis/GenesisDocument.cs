using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Huilian.Core.Crypto;
using Huilian.Core.Codec;
using Huilian.Core.Ledger;

namespace Huilian.Core.Genesis;

/// <summary>
/// The document every node of a chain starts from: its id, crypto suite, first validators, first accounts and
/// consensus parameters. Its hash is the "previous hash" of block 1, so two nodes with different genesis files can
/// never agree on a block.
/// </summary>
public sealed class GenesisDocument
{
    public const int OrganisationsMax = 1_000;

    public const int UsersMax = 10_000;

    public const int NodesMax = 256;

    /// <summary>Bounded so that the total power of the largest validator set cannot overflow.</summary>
    public const ulong ValidatorPowerMax = Validator.PowerMax;

    public required string ChainId { get; init; }

    /// <summary>"intl" or "gm".</summary>
    public required string Suite { get; init; }

    public required DateTimeOffset GenesisTime { get; init; }

    public required IReadOnlyList<GenesisValidator> Validators { get; init; }

    /// <summary>The founding organisations of the consortium, with their CAs, data-encryption keys and first users.</summary>
    public IReadOnlyList<GenesisOrganisation> Organisations { get; set; } = [];

    /// <summary>Who must approve a governance proposal, and for how long it stays open.</summary>
    public GovernanceRules Governance { get; set; } = new();

    /// <summary>The nodes allowed to connect to one another: their names and TLS certificates (DER, base64).</summary>
    public IReadOnlyList<GenesisNode> Nodes { get; set; } = [];

    public ConsensusParameters Parameters { get; set; } = new();

    public long GenesisTimeMs => GenesisTime.ToUnixTimeMilliseconds();

    public static GenesisDocument Parse(string json)
    {
        GenesisDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, GenesisJsonContext.Default.GenesisDocument);
        }
        catch (JsonException exception)
        {
            throw new GenesisException($"The genesis file is not valid: {exception.Message}");
        }
        if (document is null)
        {
            throw new GenesisException("The genesis file is empty.");
        }
        document.Validate();
        return document;
    }

    public string ToJson() => JsonSerializer.Serialize(this, GenesisJsonContext.Default.GenesisDocument);

    public void Validate()
    {
        if (!Identifier.IsValid(ChainId, Limits.ChainIdLengthMax))
        {
            throw new GenesisException($"Chain id '{ChainId}' must be 1 to {Limits.ChainIdLengthMax} characters of a-z, 0-9, '.', '_' or '-', starting with a letter.");
        }
        if (Suite is not ("intl" or "gm"))
        {
            throw new GenesisException($"Crypto suite '{Suite}' is unknown; use 'intl' or 'gm'.");
        }
        if (Validators.Count == 0 || Validators.Count > Limits.ValidatorsMax)
        {
            throw new GenesisException($"Genesis must name 1 to {Limits.ValidatorsMax} validators.");
        }
        var validatorNames = new SortedSet<string>(StringComparer.Ordinal);
        var validatorKeys = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var validator in Validators)
        {
            if (validator is null)
            {
                throw new GenesisException("A validator entry is null.");
            }
            if (string.IsNullOrWhiteSpace(validator.Name) || validator.Name.Length > 64 || !validatorNames.Add(validator.Name))
            {
                throw new GenesisException($"Validator name '{validator.Name}' must be 1 to 64 characters and unique.");
            }
            RequireKey(validator.PublicKey, $"validator '{validator.Name}'");
            if (!validatorKeys.Add(validator.PublicKey))
            {
                throw new GenesisException($"Validator '{validator.Name}' shares its public key with another validator.");
            }
            if (validator.Power == 0 || validator.Power > ValidatorPowerMax)
            {
                throw new GenesisException($"Validator '{validator.Name}' must have voting power from 1 to {ValidatorPowerMax}.");
            }
        }
        ValidateOrganisations();
        if (Nodes.Count > NodesMax)
        {
            throw new GenesisException($"Genesis may name at most {NodesMax} nodes.");
        }
        var nodeNames = new SortedSet<string>(StringComparer.Ordinal);
        var certificates = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var node in Nodes)
        {
            if (node is null || string.IsNullOrWhiteSpace(node.Name) || node.Name.Length > 64 || !nodeNames.Add(node.Name))
            {
                throw new GenesisException($"Node name '{node?.Name}' must be 1 to 64 characters and unique.");
            }
            try
            {
                if (System.Convert.FromBase64String(node.Certificate).Length is 0 or > 8192)
                {
                    throw new FormatException();
                }
            }
            catch (FormatException)
            {
                throw new GenesisException($"The certificate of node '{node.Name}' must be its DER encoding in base64 (at most 8 KiB).");
            }
            if (!certificates.Add(node.Fingerprint()))
            {
                throw new GenesisException($"Node '{node.Name}' has the same certificate as another node; each node needs its own.");
            }
        }
        Parameters.Validate();
        Governance.Validate();
    }

    private void ValidateOrganisations()
    {
        if (Organisations.Count > OrganisationsMax)
        {
            throw new GenesisException($"Genesis may name at most {OrganisationsMax} organisations.");
        }
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        var users = 0;
        foreach (var organisation in Organisations)
        {
            if (organisation is null || !Identifier.IsValid(organisation.Id, 64) || !ids.Add(organisation.Id))
            {
                throw new GenesisException($"Organisation id '{organisation?.Id}' must be a unique identifier (a-z, 0-9, '.', '_', '-', at most 64).");
            }
            if (string.IsNullOrWhiteSpace(organisation.Name) || organisation.Name.Length > 128)
            {
                throw new GenesisException($"Organisation '{organisation.Id}' needs a name of 1 to 128 characters.");
            }
            if (!OrganisationKinds.IsKnown(organisation.Kind))
            {
                throw new GenesisException($"Organisation '{organisation.Id}' has kind '{organisation.Kind}'; use one of {string.Join(", ", OrganisationKinds.All)}.");
            }
            RequireCertificate(organisation.CaCertificate, $"the CA of organisation '{organisation.Id}'");
            RequireKey(organisation.EncryptionKey, $"the data-encryption key of organisation '{organisation.Id}'");
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var user in organisation.Users)
            {
                if (user is null || !Identifier.IsValid(user.Name, 64) || !names.Add(user.Name))
                {
                    throw new GenesisException($"User '{user?.Name}' of organisation '{organisation.Id}' must have a unique identifier name.");
                }
                RequireCertificate(user.Certificate, $"user '{organisation.Id}/{user.Name}'");
                foreach (var role in user.Roles)
                {
                    if (!Identifier.IsValid(role, 64))
                    {
                        throw new GenesisException($"Role '{role}' of user '{organisation.Id}/{user.Name}' is not a valid identifier.");
                    }
                }
                users++;
            }
        }
        if (users > UsersMax)
        {
            throw new GenesisException($"Genesis may name at most {UsersMax} users.");
        }
        if (Organisations.Count > 0 && Organisations.Count(o => o.Kind == OrganisationKinds.Regulator) != 1)
        {
            throw new GenesisException("A consortium has exactly one regulator organisation: it is a recipient of every confidential section.");
        }
        foreach (var validator in Validators)
        {
            if (validator.Organisation is not null && !ids.Contains(validator.Organisation))
            {
                throw new GenesisException($"Validator '{validator.Name}' names organisation '{validator.Organisation}', which genesis does not list.");
            }
        }
    }

    private static void RequireCertificate(string base64, string owner)
    {
        try
        {
            if (base64 is null || System.Convert.FromBase64String(base64).Length is 0 or > Limits.CertificateBytesMax)
            {
                throw new FormatException();
            }
        }
        catch (FormatException)
        {
            throw new GenesisException($"The certificate of {owner} must be its DER encoding in base64 (at most {Limits.CertificateBytesMax} bytes).");
        }
    }

    public ValidatorSet CreateValidatorSet(IHashFunction hash) =>
        new(Validators.Select(v => new Validator(v.Name, System.Convert.FromHexString(v.PublicKey), v.Power, v.Organisation ?? "")), hash);

    /// <summary>The canonical encoding of every field, hashed under the genesis domain.</summary>
    public Hash32 ComputeHash(IHashFunction hash)
    {
        var writer = new CanonicalWriter(1024);
        writer.WriteString(ChainId);
        writer.WriteString(Suite);
        writer.WriteI64(GenesisTimeMs);
        writer.WriteCount(Validators.Count);
        foreach (var validator in Validators)
        {
            writer.WriteString(validator.Name);
            writer.WriteBytes(System.Convert.FromHexString(validator.PublicKey));
            writer.WriteU64(validator.Power);
        }
        writer.WriteCount(Organisations.Count);
        foreach (var organisation in Organisations)
        {
            writer.WriteString(organisation.Id);
            writer.WriteString(organisation.Name);
            writer.WriteString(organisation.Kind);
            writer.WriteBytes(System.Convert.FromBase64String(organisation.CaCertificate));
            writer.WriteBytes(System.Convert.FromHexString(organisation.EncryptionKey));
            writer.WriteCount(organisation.Users.Count);
            foreach (var user in organisation.Users)
            {
                writer.WriteString(user.Name);
                writer.WriteBytes(System.Convert.FromBase64String(user.Certificate));
                writer.WriteCount(user.Roles.Count);
                foreach (var role in user.Roles)
                {
                    writer.WriteString(role);
                }
            }
        }
        writer.WriteBool(Governance.RegulatorRequired);
        writer.WriteU32(Governance.ValidatorOrganisationsNumerator);
        writer.WriteU32(Governance.ValidatorOrganisationsDenominator);
        writer.WriteU64(Governance.VotingPeriodBlocks);
        foreach (var validator in Validators)
        {
            writer.WriteString(validator.Organisation ?? "");
        }
        writer.WriteCount(Nodes.Count);
        foreach (var node in Nodes)
        {
            writer.WriteString(node.Name);
            writer.WriteBytes(System.Convert.FromBase64String(node.Certificate));
        }
        writer.WriteU32(checked((uint)Parameters.BlockTransactionsMax));
        writer.WriteU64(checked((ulong)Parameters.BlockBytesMax));
        writer.WriteU64(Parameters.ExpiryWindowBlocksMax);
        return hash.HashDomain(HashDomain.Genesis, writer.WrittenSpan);
    }

    private static void RequireKey(string hex, string owner)
    {
        if (hex is null || hex.Length != 130 || !hex.StartsWith("04", StringComparison.Ordinal) || !IsHex(hex))
        {
            throw new GenesisException($"The public key of {owner} must be 130 hexadecimal characters (SEC1 uncompressed, starting 04).");
        }
    }

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{ChainId} ({Suite}, {Validators.Count} validators)");
}

public sealed class GenesisValidator
{
    public required string Name { get; init; }

    /// <summary>SEC1 uncompressed public key, hex.</summary>
    public required string PublicKey { get; init; }

    public ulong Power { get; set; } = 1;

    /// <summary>The organisation that runs this validator (governance counts organisations that run validators).</summary>
    public string? Organisation { get; set; }
}

public sealed class GenesisNode
{
    public required string Name { get; init; }

    /// <summary>The node's TLS certificate, DER in base64: peers authenticate it by its SHA-256 fingerprint.</summary>
    public required string Certificate { get; init; }

    /// <summary>The SHA-256 fingerprint of the certificate's DER bytes, lowercase hex.</summary>
    public string Fingerprint() => System.Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Convert.FromBase64String(Certificate)));
}

/// <summary>A founding member: its CA (which issues its users' certificates) and its data-encryption key.</summary>
public sealed class GenesisOrganisation
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>One of <see cref="OrganisationKinds.All"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The organisation's CA certificate, DER in base64.</summary>
    public required string CaCertificate { get; init; }

    /// <summary>The public key confidential sections are wrapped for (SEC1 uncompressed, hex).</summary>
    public required string EncryptionKey { get; init; }

    public IReadOnlyList<GenesisUser> Users { get; set; } = [];
}

/// <summary>A user of a founding organisation: its certificate (issued by the organisation's CA) and roles.</summary>
public sealed class GenesisUser
{
    public required string Name { get; init; }

    /// <summary>DER in base64.</summary>
    public required string Certificate { get; init; }

    public IReadOnlyList<string> Roles { get; set; } = [];
}

/// <summary>The kinds of organisation a consortium admits.</summary>
public static class OrganisationKinds
{
    public const string Regulator = "regulator";
    public const string CentralBank = "central-bank";
    public const string Bank = "bank";
    public const string Enterprise = "enterprise";
    public const string Customs = "customs";
    public const string TaxAuthority = "tax-authority";
    public const string Insurer = "insurer";
    public const string Carrier = "carrier";

    public static IReadOnlyList<string> All { get; } = [Regulator, CentralBank, Bank, Enterprise, Customs, TaxAuthority, Insurer, Carrier];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind);
}

/// <summary>
/// The approval a governance proposal needs: the regulator's vote (when required) and at least
/// numerator/denominator of the organisations that run validators; open for a number of blocks.
/// </summary>
public sealed class GovernanceRules
{
    public bool RegulatorRequired { get; set; } = true;

    public uint ValidatorOrganisationsNumerator { get; set; } = 2;

    public uint ValidatorOrganisationsDenominator { get; set; } = 3;

    public ulong VotingPeriodBlocks { get; set; } = 100_000;

    public void Validate()
    {
        if (ValidatorOrganisationsDenominator == 0 || ValidatorOrganisationsNumerator > ValidatorOrganisationsDenominator)
        {
            throw new GenesisException("governance: the validator-organisation fraction must be between 0 and 1 with a non-zero denominator.");
        }
        if (VotingPeriodBlocks is < 1 or > 10_000_000)
        {
            throw new GenesisException("governance: votingPeriodBlocks must be 1 to 10,000,000.");
        }
    }
}

/// <summary>Bounds every validator enforces on the blocks it accepts.</summary>
public sealed class ConsensusParameters
{
    public int BlockTransactionsMax { get; set; } = 5_000;

    public long BlockBytesMax { get; set; } = 8L * 1024 * 1024;

    public ulong ExpiryWindowBlocksMax { get; set; } = 10_000;

    public void Validate()
    {
        if (BlockTransactionsMax < 1 || BlockTransactionsMax > Limits.BlockTransactionsMax)
        {
            throw new GenesisException($"blockTransactionsMax must be 1 to {Limits.BlockTransactionsMax}.");
        }
        if (BlockBytesMax < Limits.TransactionBytesMax || BlockBytesMax > Limits.BlockBytesMax)
        {
            throw new GenesisException($"blockBytesMax must be {Limits.TransactionBytesMax} to {Limits.BlockBytesMax}.");
        }
        if (ExpiryWindowBlocksMax < 1 || ExpiryWindowBlocksMax > Limits.ExpiryWindowBlocksMax)
        {
            throw new GenesisException($"expiryWindowBlocksMax must be 1 to {Limits.ExpiryWindowBlocksMax}.");
        }
    }
}

public sealed class GenesisException(string message) : Exception(message);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(GenesisDocument))]
internal sealed partial class GenesisJsonContext : JsonSerializerContext;

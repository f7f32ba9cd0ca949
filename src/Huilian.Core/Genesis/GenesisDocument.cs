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
    public const int AccountsMax = 10_000;

    public const int NodesMax = 256;

    /// <summary>Bounded so that the total power of the largest validator set cannot overflow.</summary>
    public const ulong ValidatorPowerMax = 1UL << 48;

    public required string ChainId { get; init; }

    /// <summary>"intl" or "gm".</summary>
    public required string Suite { get; init; }

    public required DateTimeOffset GenesisTime { get; init; }

    public required IReadOnlyList<GenesisValidator> Validators { get; init; }

    public IReadOnlyList<GenesisAccount> Accounts { get; set; } = [];

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
        if (Accounts.Count > AccountsMax)
        {
            throw new GenesisException($"Genesis may name at most {AccountsMax} accounts.");
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
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var account in Accounts)
        {
            if (account is null)
            {
                throw new GenesisException("An account entry is null.");
            }
            RequireKey(account.PublicKey, $"account '{account.Name}'");
            if (string.IsNullOrWhiteSpace(account.Name) || account.Name.Length > 64 || !names.Add(account.Name))
            {
                throw new GenesisException($"Account name '{account.Name}' must be 1 to 64 characters and unique.");
            }
            foreach (var role in account.Roles)
            {
                if (!Identifier.IsValid(role, 64))
                {
                    throw new GenesisException($"Role '{role}' of account '{account.Name}' is not a valid identifier.");
                }
            }
        }
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
    }

    public ValidatorSet CreateValidatorSet(IHashFunction hash) =>
        new(Validators.Select(v => new Validator(v.Name, System.Convert.FromHexString(v.PublicKey), v.Power)), hash);

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
        writer.WriteCount(Accounts.Count);
        foreach (var account in Accounts)
        {
            writer.WriteString(account.Name);
            writer.WriteBytes(System.Convert.FromHexString(account.PublicKey));
            writer.WriteCount(account.Roles.Count);
            foreach (var role in account.Roles)
            {
                writer.WriteString(role);
            }
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
}

public sealed class GenesisNode
{
    public required string Name { get; init; }

    /// <summary>The node's TLS certificate, DER in base64: peers authenticate it by its SHA-256 fingerprint.</summary>
    public required string Certificate { get; init; }

    /// <summary>The SHA-256 fingerprint of the certificate's DER bytes, lowercase hex.</summary>
    public string Fingerprint() => System.Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Convert.FromBase64String(Certificate)));
}

public sealed class GenesisAccount
{
    public required string Name { get; init; }

    public required string PublicKey { get; init; }

    public IReadOnlyList<string> Roles { get; set; } = [];
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

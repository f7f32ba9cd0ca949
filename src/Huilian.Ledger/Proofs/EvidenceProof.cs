using System.Text.Json;
using System.Text.Json.Serialization;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Crypto;
using Huilian.Execution.Modules.Evidence;

namespace Huilian.Ledger.Proofs;

/// <summary>
/// A self-contained proof that a document hash was recorded: the state entry with its Merkle proof, the header
/// whose state root it proves against, and that header's commit certificate. Anyone holding the chain's genesis
/// file can check it offline; no node is needed. The "record" field is for people: verification reads the
/// record from the proven bytes and refuses a file whose "record" says anything else.
/// </summary>
public sealed class EvidenceProof
{
    public const string FormatName = "huilian-evidence-proof/v1";

    public required string Format { get; init; }

    public required string ChainId { get; init; }

    public required string Suite { get; init; }

    public required string GenesisHash { get; init; }

    public required EvidenceProofRecord Record { get; init; }

    /// <summary>The canonical encoding of the state proof (key, value, siblings), hex.</summary>
    public required string StateProof { get; init; }

    /// <summary>The canonical encoding of the block header the proof is against, hex.</summary>
    public required string Header { get; init; }

    /// <summary>The canonical encoding of that header's commit certificate, hex.</summary>
    public required string Commit { get; init; }

    public static EvidenceProof Create(ChainSetup setup, StateProof stateProof, BlockHeader header, CommitCertificate commit)
    {
        var record = EvidenceRecord.Decode(stateProof.Value ?? throw new ArgumentException("The state proof shows no record."));
        return new EvidenceProof
        {
            Format = FormatName,
            ChainId = setup.ChainId,
            Suite = setup.Suite.Name,
            GenesisHash = setup.GenesisHash.ToString(),
            Record = EvidenceProofRecord.From(record),
            StateProof = Convert.ToHexStringLower(stateProof.Encode()),
            Header = Convert.ToHexStringLower(header.Encode()),
            Commit = Convert.ToHexStringLower(commit.Encode()),
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, ProofJsonContext.Default.EvidenceProof);

    public static EvidenceProof Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, ProofJsonContext.Default.EvidenceProof)
                ?? throw new ProofException("ProofMalformed", "The proof file is empty.");
        }
        catch (JsonException exception)
        {
            throw new ProofException("ProofMalformed", $"The proof file is not valid: {exception.Message}");
        }
    }

    /// <summary>Checks the proof against <paramref name="genesis"/>; throws <see cref="ProofException"/> on any failure.</summary>
    public VerifiedEvidence Verify(GenesisDocument genesis)
    {
        if (Format != FormatName)
        {
            throw new ProofException("ProofFormatUnknown", $"Proof format '{Format}' is not supported; expected '{FormatName}'.");
        }
        if (ChainId != genesis.ChainId || Suite != genesis.Suite)
        {
            throw new ProofException("ProofWrongChain", $"The proof is for chain '{ChainId}' ({Suite}); the genesis file is for '{genesis.ChainId}' ({genesis.Suite}).");
        }
        var suite = CryptoSuites.Get(genesis.Suite);
        var genesisHash = genesis.ComputeHash(suite.Hash);
        if (!string.Equals(GenesisHash, genesisHash.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            throw new ProofException("ProofWrongChain", "The proof names another genesis than the genesis file.");
        }

        BlockHeader header;
        CommitCertificate commit;
        StateProof stateProof;
        try
        {
            header = BlockHeader.Decode(Convert.FromHexString(Header));
            commit = CommitCertificate.Decode(Convert.FromHexString(Commit));
            stateProof = Core.State.StateProof.Decode(Convert.FromHexString(StateProof));
        }
        catch (Exception exception) when (exception is FormatException or EncodingException)
        {
            throw new ProofException("ProofMalformed", $"The proof's encoded parts cannot be read: {exception.Message}");
        }
        if (header.ChainId != genesis.ChainId)
        {
            throw new ProofException("ProofWrongChain", "The header belongs to another chain.");
        }

        var blockHash = header.ComputeHash(suite.Hash);
        var validators = genesis.CreateValidatorSet(suite.Hash);
        if (header.ValidatorSetHash != validators.Hash)
        {
            throw new ProofException("ProofValidatorsUnknown", "The header was signed by a validator set other than the genesis validators.");
        }
        var commitError = validators.VerifyCommit(genesis.ChainId, header.Height, blockHash, commit, suite.Signatures);
        if (commitError is not null)
        {
            throw new ProofException("ProofCommitInvalid", $"The block is not certified by the validators: {commitError.Message}");
        }
        if (!stateProof.Verify(suite.Hash, header.StateRoot))
        {
            throw new ProofException("ProofStateInvalid", "The state proof does not lead to the header's state root.");
        }
        if (stateProof.Value is null)
        {
            throw new ProofException("ProofShowsAbsence", "The proof shows that no record exists under this key.");
        }
        EvidenceRecord record;
        try
        {
            record = EvidenceRecord.Decode(stateProof.Value);
        }
        catch (EncodingException exception)
        {
            throw new ProofException("ProofStateInvalid", $"The proven value is not an evidence record: {exception.Message}");
        }
        if (!stateProof.Key.AsSpan().SequenceEqual(EvidenceModule.Key(record.DocumentHash)))
        {
            throw new ProofException("ProofStateInvalid", "The proven key is not the evidence key of the record's hash.");
        }
        if (EvidenceProofRecord.From(record) != Record)
        {
            throw new ProofException("ProofRecordAltered", "The file's readable record differs from the proven record.");
        }
        return new VerifiedEvidence(record, header.Height, blockHash, header.TimeMs, commit.Signatures.Count);
    }
}

/// <summary>The human-readable copy of the proven record.</summary>
public sealed record EvidenceProofRecord(string Hash, string Owner, string Type, string Label, string Signer, ulong Height, string Time, string TransactionId)
{
    public static EvidenceProofRecord From(EvidenceRecord record) => new(
        record.DocumentHash.ToString(), record.Owner, record.Type, record.Label, Convert.ToHexStringLower(record.Signer),
        record.Height, record.Time, record.TransactionId.ToString());
}

/// <summary>What a valid proof establishes.</summary>
public sealed record VerifiedEvidence(EvidenceRecord Record, ulong ProvenAtHeight, Hash32 ProvenAtBlock, long ProvenAtTimeMs, int CommitSignatures);

public sealed class ProofException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(EvidenceProof))]
internal sealed partial class ProofJsonContext : JsonSerializerContext;

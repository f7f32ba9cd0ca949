using System.Text.Json;
using System.Text.Json.Serialization;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Crypto;
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
/// record from the proven bytes and refuses a file whose "record" says anything else. When governance changed the
/// validator set before the proven block, <see cref="Transitions"/> carries each change: the block that made it,
/// certified by the set before it, and a state proof of the new set under that block's state root, so the
/// verifier walks from the genesis validators to the set that certified the proven block (ADR 0012).
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

    /// <summary>The validator-set changes between genesis and the proven block, oldest first (absent or empty: none).</summary>
    public IReadOnlyList<ValidatorTransition>? Transitions { get; init; }

    /// <summary>Bounds the walk an offline verifier makes.</summary>
    public const int TransitionsMax = 10_000;

    public static EvidenceProof Create(ChainSetup setup, StateProof stateProof, BlockHeader header, CommitCertificate commit,
        IReadOnlyList<ValidatorTransition>? transitions = null)
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
            Transitions = transitions is { Count: > 0 } ? transitions : null,
        };
    }

    /// <summary>The transitions a proof against the block at <paramref name="height"/> needs, read from the chain.</summary>
    public static IReadOnlyList<ValidatorTransition> TransitionsFor(Chain chain, ulong height) =>
        chain.ValidatorTransitions(height)
            .Select(t => new ValidatorTransition(Convert.ToHexStringLower(t.Block.Header), Convert.ToHexStringLower(t.Block.Commit), Convert.ToHexStringLower(t.SetProof)))
            .ToArray();

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
        catch (Exception exception) when (exception is FormatException or EncodingException or ArgumentNullException)
        {
            throw new ProofException("ProofMalformed", $"The proof's encoded parts cannot be read: {exception.Message}");
        }
        if (header.ChainId != genesis.ChainId)
        {
            throw new ProofException("ProofWrongChain", "The header belongs to another chain.");
        }

        var blockHash = header.ComputeHash(suite.Hash);
        var validators = WalkTransitions(genesis, suite, header.Height);
        if (header.ValidatorSetHash != validators.Hash)
        {
            throw new ProofException("ProofValidatorsUnknown", Transitions is { Count: > 0 }
                ? "The header was signed by a validator set other than the one its transitions lead to."
                : "The header was signed by a validator set other than the genesis validators.");
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
        EvidenceProofRecord readable;
        try
        {
            readable = EvidenceProofRecord.From(record);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new ProofException("ProofStateInvalid", "The proven record's time is outside the years 1 to 9999.");
        }
        if (readable != Record)
        {
            throw new ProofException("ProofRecordAltered", "The file's readable record differs from the proven record.");
        }
        return new VerifiedEvidence(record, header.Height, blockHash, header.TimeMs, commit.Signatures.Count, validators.Count, Transitions?.Count ?? 0);
    }

    /// <summary>From the genesis validators through every transition (each certified by the set before it) to the set of <paramref name="provenHeight"/>.</summary>
    private ValidatorSet WalkTransitions(GenesisDocument genesis, ICryptoSuite suite, ulong provenHeight)
    {
        var validators = genesis.CreateValidatorSet(suite.Hash);
        var transitions = Transitions ?? [];
        if (transitions.Count > TransitionsMax)
        {
            throw new ProofException("ProofMalformed", $"The proof carries {transitions.Count} validator-set transitions; at most {TransitionsMax} are read.");
        }
        ulong previousHeight = 0;
        for (var i = 0; i < transitions.Count; i++)
        {
            var transition = transitions[i]
                ?? throw new ProofException("ProofMalformed", $"Transition {i + 1} cannot be read: it is null.");
            BlockHeader header;
            CommitCertificate commit;
            StateProof setProof;
            try
            {
                header = BlockHeader.Decode(Convert.FromHexString(transition.Header));
                commit = CommitCertificate.Decode(Convert.FromHexString(transition.Commit));
                setProof = Core.State.StateProof.Decode(Convert.FromHexString(transition.Validators));
            }
            catch (Exception exception) when (exception is FormatException or EncodingException or ArgumentNullException)
            {
                throw new ProofException("ProofMalformed", $"Transition {i + 1} cannot be read: {exception.Message}");
            }
            // A change made by block e governs from e + 1: it must be made before the proven block, in order.
            if (header.ChainId != genesis.ChainId || header.Height <= previousHeight || header.Height >= provenHeight)
            {
                throw new ProofException("ProofTransitionInvalid", $"Transition {i + 1} (block {header.Height}) is out of order or not before the proven block {provenHeight}.");
            }
            if (header.ValidatorSetHash != validators.Hash)
            {
                throw new ProofException("ProofTransitionInvalid", $"Transition {i + 1}: block {header.Height} was not decided by the set the transitions before it lead to.");
            }
            if (validators.VerifyCommit(genesis.ChainId, header.Height, header.ComputeHash(suite.Hash), commit, suite.Signatures) is { } error)
            {
                throw new ProofException("ProofTransitionInvalid", $"Transition {i + 1}: block {header.Height} is not certified by its validators: {error.Message}");
            }
            if (!setProof.Key.AsSpan().SequenceEqual(ValidatorSet.StateKey) || setProof.Value is null || !setProof.Verify(suite.Hash, header.StateRoot))
            {
                throw new ProofException("ProofTransitionInvalid", $"Transition {i + 1}: the new validator set is not proven under block {header.Height}'s state root.");
            }
            try
            {
                validators = ValidatorSet.DecodeState(setProof.Value, suite.Hash);
            }
            catch (Exception exception) when (exception is EncodingException or OverflowException)
            {
                throw new ProofException("ProofTransitionInvalid", $"Transition {i + 1}: the proven value is not a validator set: {exception.Message}");
            }
            previousHeight = header.Height;
        }
        return validators;
    }
}

/// <summary>The human-readable copy of the proven record.</summary>
public sealed record EvidenceProofRecord(string Hash, string Owner, string Type, string Label, string Signer, ulong Height, string Time, string TransactionId)
{
    public static EvidenceProofRecord From(EvidenceRecord record) => new(
        record.DocumentHash.ToString(), record.Owner, record.Type, record.Label, Convert.ToHexStringLower(record.Signer),
        record.Height, record.Time, record.TransactionId.ToString());
}

/// <summary>One validator-set change in a proof: the block that made it and its certificate, and the state proof of the new set (all hex).</summary>
public sealed record ValidatorTransition(string Header, string Commit, string Validators);

/// <summary>What a valid proof establishes.</summary>
public sealed record VerifiedEvidence(EvidenceRecord Record, ulong ProvenAtHeight, Hash32 ProvenAtBlock, long ProvenAtTimeMs, int CommitSignatures,
    int Validators = 0, int Transitions = 0);

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

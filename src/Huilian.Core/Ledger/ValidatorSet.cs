using Huilian.Core.Crypto;
using Huilian.Core.Codec;

namespace Huilian.Core.Ledger;

/// <summary>
/// A validator: its name, consensus key and voting power, and the organisation that runs it (empty when genesis
/// names none). The organisation is held in state for governance; it is not part of the set's hash, which covers
/// what consensus needs (name, key, power).
/// </summary>
public sealed record Validator(string Name, byte[] PublicKey, ulong Power, string Organisation = "")
{
    public const int NameLengthMax = 64;

    /// <summary>The most voting power genesis or governance gives one validator: sums over <see cref="Limits.ValidatorsMax"/> validators cannot overflow.</summary>
    public const ulong PowerMax = 1UL << 48;
}

/// <summary>
/// The validators of a chain, in a fixed order (their index is their identity in commit certificates), with
/// voting power. A commit needs signatures holding more than two thirds of the total power.
/// </summary>
public sealed class ValidatorSet
{
    private readonly Validator[] _validators;

    public ValidatorSet(IEnumerable<Validator> validators, IHashFunction hash)
    {
        _validators = validators.ToArray();
        if (_validators.Length == 0 || _validators.Length > Limits.ValidatorsMax)
        {
            throw new ArgumentException($"A validator set holds 1 to {Limits.ValidatorsMax} validators.");
        }
        ulong total = 0;
        for (var i = 0; i < _validators.Length; i++)
        {
            if (_validators[i].Power == 0)
            {
                throw new ArgumentException($"Validator '{_validators[i].Name}' has no voting power.");
            }
            total = checked(total + _validators[i].Power);
            for (var j = 0; j < i; j++)
            {
                if (_validators[j].PublicKey.AsSpan().SequenceEqual(_validators[i].PublicKey))
                {
                    throw new ArgumentException($"Validators '{_validators[j].Name}' and '{_validators[i].Name}' share a key.");
                }
                if (_validators[j].Name == _validators[i].Name)
                {
                    throw new ArgumentException($"Two validators are named '{_validators[i].Name}'.");
                }
            }
        }
        TotalPower = total;
        Hash = hash.HashDomain(HashDomain.ValidatorSet, Encode());
    }

    public IReadOnlyList<Validator> Validators => _validators;

    public int Count => _validators.Length;

    public ulong TotalPower { get; }

    /// <summary>The least power that is more than two thirds of the total.</summary>
    public ulong QuorumPower => checked((ulong)((UInt128)TotalPower * 2 / 3) + 1);

    public Hash32 Hash { get; }

    public int IndexOf(ReadOnlySpan<byte> publicKey)
    {
        for (var i = 0; i < _validators.Length; i++)
        {
            if (publicKey.SequenceEqual(_validators[i].PublicKey))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The state key the current set is kept under (written at genesis, changed only by governance).</summary>
    public static ReadOnlySpan<byte> StateKey => "sys.validators"u8;

    /// <summary>The state form of the set: every field, the organisation included.</summary>
    public byte[] EncodeState()
    {
        var writer = new CanonicalWriter(_validators.Length * 120);
        writer.WriteU8(StateFormatVersion);
        writer.WriteCount(_validators.Length);
        foreach (var validator in _validators)
        {
            writer.WriteString(validator.Name);
            writer.WriteBytes(validator.PublicKey);
            writer.WriteU64(validator.Power);
            writer.WriteString(validator.Organisation);
        }
        return writer.ToArray();
    }

    private const byte StateFormatVersion = 1;

    /// <summary>Reads the state form; throws <see cref="EncodingException"/> when it is not a valid set.</summary>
    public static ValidatorSet DecodeState(ReadOnlySpan<byte> encoded, IHashFunction hash)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != StateFormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown validator set format.");
        }
        var count = reader.ReadCount(Limits.ValidatorsMax, "validators");
        var validators = new Validator[count];
        for (var i = 0; i < count; i++)
        {
            validators[i] = new Validator(reader.ReadString(Validator.NameLengthMax, "name"), reader.ReadBytesArray(Limits.PublicKeyLengthMax, "publicKey"),
                reader.ReadU64(), reader.ReadString(Limits.IdentifierLengthMax, "organisation"));
        }
        reader.End();
        try
        {
            return new ValidatorSet(validators, hash);
        }
        catch (ArgumentException exception)
        {
            throw new EncodingException(EncodingErrors.InvalidValue, $"Not a valid validator set: {exception.Message}");
        }
    }

    public int IndexOf(string name)
    {
        for (var i = 0; i < _validators.Length; i++)
        {
            if (_validators[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The set's canonical encoding (name, key, power), which its hash covers and headers commit to.</summary>
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(_validators.Length * 100);
        writer.WriteCount(_validators.Length);
        foreach (var validator in _validators)
        {
            writer.WriteString(validator.Name);
            writer.WriteBytes(validator.PublicKey);
            writer.WriteU64(validator.Power);
        }
        return writer.ToArray();
    }

    /// <summary>
    /// Checks that <paramref name="commit"/> makes the block with hash <paramref name="blockHash"/> at
    /// <paramref name="height"/> final. Returns null when it does, or a stable error code and sentence.
    /// </summary>
    public CommitError? VerifyCommit(string chainId, ulong height, in Hash32 blockHash, CommitCertificate commit, ISignatureScheme scheme)
    {
        if (commit.Height != height)
        {
            return new CommitError("CommitHeightMismatch", $"The commit is for height {commit.Height}, not {height}.");
        }
        if (commit.BlockHash != blockHash)
        {
            return new CommitError("CommitBlockHashMismatch", $"The commit signs block {commit.BlockHash.ToShortString()}, not {blockHash.ToShortString()}.");
        }
        var seen = new bool[_validators.Length];
        ulong power = 0;
        var signBytes = VoteSigning.PrecommitBytes(chainId, height, commit.Round, blockHash);
        foreach (var signature in commit.Signatures)
        {
            if (signature.ValidatorIndex >= _validators.Length)
            {
                return new CommitError("CommitUnknownValidator", $"The commit names validator index {signature.ValidatorIndex}; the set has {_validators.Length}.");
            }
            if (seen[signature.ValidatorIndex])
            {
                return new CommitError("CommitDuplicateSignature", $"Validator {signature.ValidatorIndex} signed the commit twice.");
            }
            seen[signature.ValidatorIndex] = true;
            var validator = _validators[signature.ValidatorIndex];
            if (!scheme.Verify(validator.PublicKey, signBytes, signature.Signature))
            {
                return new CommitError("CommitInvalidSignature", $"The signature of validator '{validator.Name}' does not verify.");
            }
            power = checked(power + validator.Power);
        }
        if (power < QuorumPower)
        {
            return new CommitError("CommitInsufficientPower", $"The commit carries {power} of {TotalPower} voting power; {QuorumPower} is needed.");
        }
        return null;
    }
}

public sealed record CommitError(string Code, string Message);

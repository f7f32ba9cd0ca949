using Huilian.Core.Crypto;
using Huilian.Core.Codec;

namespace Huilian.Core.Ledger;

public sealed record Validator(string Name, byte[] PublicKey, ulong Power);

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

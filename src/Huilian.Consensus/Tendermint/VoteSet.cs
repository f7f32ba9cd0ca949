using Huilian.Core;
using Huilian.Core.Ledger;

namespace Huilian.Consensus.Tendermint;

/// <summary>
/// The votes of one type at one (height, round): at most one per validator, power tallied per block hash.
/// A second, different vote from the same validator is not counted; it is returned as equivocation.
/// </summary>
public sealed class VoteSet
{
    private readonly ValidatorSet _validators;
    private readonly Vote?[] _byValidator;
    private readonly SortedDictionary<Hash32, ulong> _powerByHash = [];

    public VoteSet(ValidatorSet validators)
    {
        _validators = validators;
        _byValidator = new Vote?[validators.Count];
    }

    /// <summary>Power of every validator that voted, whatever for.</summary>
    public ulong AnyPower { get; private set; }

    public enum AddResult
    {
        Added,
        Duplicate,
        Conflict,
    }

    public AddResult Add(Vote vote, out Vote? conflicting)
    {
        conflicting = null;
        var existing = _byValidator[vote.ValidatorIndex];
        if (existing is not null)
        {
            if (existing.BlockHash == vote.BlockHash)
            {
                return AddResult.Duplicate;
            }
            conflicting = existing;
            return AddResult.Conflict;
        }
        _byValidator[vote.ValidatorIndex] = vote;
        var power = _validators.Validators[(int)vote.ValidatorIndex].Power;
        _powerByHash[vote.BlockHash] = checked(_powerByHash.GetValueOrDefault(vote.BlockHash) + power);
        AnyPower = checked(AnyPower + power);
        return AddResult.Added;
    }

    public ulong PowerFor(in Hash32 blockHash) => _powerByHash.GetValueOrDefault(blockHash);

    public bool HasQuorumFor(in Hash32 blockHash) => PowerFor(blockHash) >= _validators.QuorumPower;

    public bool HasQuorumOfAny => AnyPower >= _validators.QuorumPower;

    public Vote? Of(uint validatorIndex) => _byValidator[validatorIndex];

    /// <summary>The block hash (never nil) with a quorum, if any.</summary>
    public Hash32? QuorumBlock()
    {
        foreach (var (hash, power) in _powerByHash)
        {
            if (!hash.IsZero && power >= _validators.QuorumPower)
            {
                return hash;
            }
        }
        return null;
    }

    /// <summary>The votes for <paramref name="blockHash"/>, in validator order.</summary>
    public IReadOnlyList<Vote> VotesFor(in Hash32 blockHash)
    {
        var votes = new List<Vote>();
        foreach (var vote in _byValidator)
        {
            if (vote is not null && vote.BlockHash == blockHash)
            {
                votes.Add(vote);
            }
        }
        return votes;
    }

    public IEnumerable<Vote> All()
    {
        foreach (var vote in _byValidator)
        {
            if (vote is not null)
            {
                yield return vote;
            }
        }
    }
}

using Huilian.Core;
using Huilian.Core.Ledger;

namespace Huilian.Consensus.Tendermint;

/// <summary>
/// The votes of one type at one (height, round). Power is tallied per block hash over distinct validators, as
/// Algorithm 1 counts messages: "2f+1 ⟨PREVOTE, h, r, id(v)⟩" is about distinct senders of that very message. A
/// validator that equivocates is therefore counted for each value it voted for (at most
/// <see cref="ValuesPerValidatorMax"/>, which bounds memory), and once in the "any" tally. Counting only its first
/// vote instead would let a Byzantine validator split honest validators' views of a proof of lock for ever.
/// </summary>
public sealed class VoteSet
{
    /// <summary>Distinct values kept per validator: the first vote, and enough conflicting ones to prove and count them.</summary>
    public const int ValuesPerValidatorMax = 3;

    private readonly ValidatorSet _validators;
    private readonly List<Vote>?[] _byValidator;
    private readonly SortedDictionary<Hash32, ulong> _powerByHash = [];

    public VoteSet(ValidatorSet validators)
    {
        _validators = validators;
        _byValidator = new List<Vote>?[validators.Count];
    }

    /// <summary>Power of the distinct validators that voted, whatever for.</summary>
    public ulong AnyPower { get; private set; }

    public enum AddResult
    {
        /// <summary>The validator's first vote here.</summary>
        Added,

        /// <summary>The same vote again: nothing changed.</summary>
        Duplicate,

        /// <summary>A vote for another value than the validator's earlier one: equivocation, counted for its value.</summary>
        Conflict,

        /// <summary>Equivocation beyond the kept number of values: reported, not counted.</summary>
        ConflictIgnored,
    }

    public AddResult Add(Vote vote, out Vote? conflicting)
    {
        conflicting = null;
        var votes = _byValidator[vote.ValidatorIndex] ??= [];
        foreach (var existing in votes)
        {
            if (existing.BlockHash == vote.BlockHash)
            {
                return AddResult.Duplicate;
            }
        }
        var power = _validators.Validators[(int)vote.ValidatorIndex].Power;
        if (votes.Count == 0)
        {
            votes.Add(vote);
            AnyPower = checked(AnyPower + power);
            _powerByHash[vote.BlockHash] = checked(_powerByHash.GetValueOrDefault(vote.BlockHash) + power);
            return AddResult.Added;
        }
        conflicting = votes[0];
        if (votes.Count >= ValuesPerValidatorMax)
        {
            return AddResult.ConflictIgnored;
        }
        votes.Add(vote);
        _powerByHash[vote.BlockHash] = checked(_powerByHash.GetValueOrDefault(vote.BlockHash) + power);
        return AddResult.Conflict;
    }

    public ulong PowerFor(in Hash32 blockHash) => _powerByHash.GetValueOrDefault(blockHash);

    public bool HasQuorumFor(in Hash32 blockHash) => PowerFor(blockHash) >= _validators.QuorumPower;

    public bool HasQuorumOfAny => AnyPower >= _validators.QuorumPower;

    /// <summary>The validator's first vote here, if any.</summary>
    public Vote? Of(uint validatorIndex) => _byValidator[validatorIndex] is { Count: > 0 } votes ? votes[0] : null;

    /// <summary>The votes for <paramref name="blockHash"/>, in validator order.</summary>
    public IReadOnlyList<Vote> VotesFor(in Hash32 blockHash)
    {
        var result = new List<Vote>();
        foreach (var votes in _byValidator)
        {
            if (votes is null)
            {
                continue;
            }
            foreach (var vote in votes)
            {
                if (vote.BlockHash == blockHash)
                {
                    result.Add(vote);
                }
            }
        }
        return result;
    }

    /// <summary>Every vote held, conflicting ones included, in validator order.</summary>
    public IEnumerable<Vote> All()
    {
        foreach (var votes in _byValidator)
        {
            if (votes is null)
            {
                continue;
            }
            foreach (var vote in votes)
            {
                yield return vote;
            }
        }
    }
}

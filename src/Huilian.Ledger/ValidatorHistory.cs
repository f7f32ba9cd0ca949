using Huilian.Core.Codec;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Core.State;

namespace Huilian.Ledger;

/// <summary>
/// Which validator set governs each height (ADR 0012). The set for height h is the one in state after h − 1, so a
/// governance change executed in block e governs from e + 1; block e itself is still decided, and its header
/// committed to, by the set before it. Immutable: a change makes a new history, swapped in atomically on commit.
/// </summary>
public sealed class ValidatorHistory
{
    private readonly (ulong FromHeight, ValidatorSet Set)[] _sets;

    private ValidatorHistory((ulong, ValidatorSet)[] sets) => _sets = sets;

    public static ValidatorHistory Genesis(ValidatorSet genesis) => new([(1UL, genesis)]);

    /// <summary>Every set with the height it governs from, oldest first; the first is genesis's, from height 1.</summary>
    public IReadOnlyList<(ulong FromHeight, ValidatorSet Set)> Sets => _sets;

    /// <summary>The newest set: the one for every height after the last change.</summary>
    public ValidatorSet Latest => _sets[^1].Set;

    /// <summary>The set that decides <paramref name="height"/> (the newest known for heights not yet reached).</summary>
    public ValidatorSet At(ulong height)
    {
        for (var i = _sets.Length - 1; i > 0; i--)
        {
            if (_sets[i].FromHeight <= height)
            {
                return _sets[i].Set;
            }
        }
        return _sets[0].Set;
    }

    public ValidatorHistory With(ulong fromHeight, ValidatorSet set)
    {
        if (fromHeight <= _sets[^1].FromHeight)
        {
            throw new ArgumentException($"A validator set change from height {fromHeight} does not follow the last one, from {_sets[^1].FromHeight}.");
        }
        return new([.. _sets, (fromHeight, set)]);
    }

    /// <summary>The state encoding of the validator set a block's write set installs, or null when the block left it alone.</summary>
    public static byte[]? ChangedSet(IReadOnlyList<StateWrite> writes)
    {
        var key = ValidatorSet.StateKey;
        foreach (var write in writes)
        {
            if (write.Key.AsSpan().SequenceEqual(key))
            {
                return write.Value ?? throw new InvalidOperationException("A block deleted the validator set.");
            }
        }
        return null;
    }

    /// <summary>Decodes a stored set; null when it does not decode (the caller reports where).</summary>
    public static ValidatorSet? TryDecode(byte[] encoded, IHashFunction hash)
    {
        try
        {
            return ValidatorSet.DecodeState(encoded, hash);
        }
        catch (EncodingException)
        {
            return null;
        }
    }
}

using Huilian.Core.State;

namespace Huilian.Execution.Host;

/// <summary>
/// Writes buffered over a read-only base: a block's changes over the committed state, or one transaction's
/// changes over its block's. Nothing reaches the base until <see cref="MergeInto"/>; dropping the overlay
/// discards everything, which is how a failed action changes nothing. Keys are kept sorted, so the write set
/// comes out in one deterministic order.
/// </summary>
public sealed class StateOverlay : IStateReader
{
    private readonly IStateReader _base;
    private readonly SortedDictionary<byte[], byte[]?> _writes = new(ByteArrayComparer.Instance);

    public StateOverlay(IStateReader baseState)
    {
        _base = baseState;
    }

    public int WriteCount => _writes.Count;

    public byte[]? Get(ReadOnlySpan<byte> key)
    {
        var array = key.ToArray();
        return _writes.TryGetValue(array, out var value) ? value : _base.Get(key);
    }

    public void Set(byte[] key, byte[] value) => _writes[key] = value;

    public void Delete(byte[] key) => _writes[key] = null;

    /// <summary>Moves this overlay's writes into <paramref name="parent"/>, which must be this overlay's base.</summary>
    public void MergeInto(StateOverlay parent)
    {
        if (!ReferenceEquals(parent, _base))
        {
            throw new InvalidOperationException("An overlay merges only into the overlay it reads through.");
        }
        foreach (var (key, value) in _writes)
        {
            parent._writes[key] = value;
        }
        _writes.Clear();
    }

    /// <summary>The buffered writes in key order. A write of the value the base already holds is kept: it is cheap and rare.</summary>
    public IReadOnlyList<StateWrite> ToWriteSet()
    {
        var writes = new List<StateWrite>(_writes.Count);
        foreach (var (key, value) in _writes)
        {
            writes.Add(new StateWrite(key, value));
        }
        return writes;
    }
}

/// <summary>Orders byte arrays lexicographically, shorter first on a shared prefix.</summary>
public sealed class ByteArrayComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    public static readonly ByteArrayComparer Instance = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}

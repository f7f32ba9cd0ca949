using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.State;

namespace Huilian.Storage.State;

/// <summary>One state entry with the height it was last written at.</summary>
public sealed record StateEntry(byte[] Key, byte[] Value, ulong Version);

/// <summary>
/// An immutable version of the state: a compressed sparse Merkle tree (see <see cref="StateHashing"/>) whose
/// leaves hold the entries themselves. Versions share every unchanged node, so keeping a few recent versions
/// costs little, and readers on other threads never need a lock.
/// </summary>
public sealed class StateSnapshot : IStateReader
{
    private readonly IHashFunction _hash;

    internal StateSnapshot(IHashFunction hash, StateNode? root, ulong height, long count)
    {
        _hash = hash;
        RootNode = root;
        Height = height;
        Count = count;
        Root = root?.Hash ?? Hash32.Zero;
    }

    public static StateSnapshot Empty(IHashFunction hash) => new(hash, null, 0, 0);

    internal StateNode? RootNode { get; }

    internal IHashFunction HashFunction => _hash;

    public Hash32 Root { get; }

    /// <summary>The height whose execution produced this version (0 for genesis).</summary>
    public ulong Height { get; }

    public long Count { get; }

    public byte[]? Get(ReadOnlySpan<byte> key) => Find(key)?.Value;

    public StateEntry? GetEntry(ReadOnlySpan<byte> key)
    {
        var leaf = Find(key);
        return leaf is null ? null : new StateEntry(leaf.Key, leaf.Value, leaf.Version);
    }

    public StateProof Prove(ReadOnlySpan<byte> key)
    {
        var path = StateHashing.KeyPath(_hash, key);
        var siblings = new List<Hash32>();
        var node = RootNode;
        var depth = 0;
        while (node is StateBranch branch)
        {
            if (path.Bit(depth) == 0)
            {
                siblings.Add(branch.Right?.Hash ?? Hash32.Zero);
                node = branch.Left;
            }
            else
            {
                siblings.Add(branch.Left?.Hash ?? Hash32.Zero);
                node = branch.Right;
            }
            depth++;
        }
        var keyCopy = key.ToArray();
        if (node is StateLeaf leaf)
        {
            return leaf.Path == path
                ? new StateProof(keyCopy, leaf.Value, siblings, null, null)
                : new StateProof(keyCopy, null, siblings, leaf.Path, StateHashing.ValueHash(_hash, leaf.Value));
        }
        return new StateProof(keyCopy, null, siblings, null, null);
    }

    /// <summary>Every entry, in the order of its path in the tree; deterministic for a given state.</summary>
    public IEnumerable<StateEntry> Enumerate()
    {
        if (RootNode is null)
        {
            yield break;
        }
        var stack = new Stack<StateNode>();
        stack.Push(RootNode);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node is StateLeaf leaf)
            {
                yield return new StateEntry(leaf.Key, leaf.Value, leaf.Version);
            }
            else if (node is StateBranch branch)
            {
                if (branch.Right is not null)
                {
                    stack.Push(branch.Right);
                }
                if (branch.Left is not null)
                {
                    stack.Push(branch.Left);
                }
            }
        }
    }

    /// <summary>Starts the next version, for the block at <paramref name="height"/>.</summary>
    public StateTreeBuilder ToBuilder(ulong height) => new(this, height);

    /// <summary>Builds a version from entries in path order (as <see cref="Enumerate"/> yields them) in linear time.</summary>
    public static StateSnapshot FromSortedEntries(IHashFunction hash, IReadOnlyList<StateEntry> entries, ulong height)
    {
        var leaves = new StateLeaf[entries.Count];
        // Hashing dominates loading a snapshot; leaves are independent, so every core takes a share.
        Parallel.For(0, entries.Count, i => leaves[i] = StateTreeBuilder.MakeLeaf(hash, entries[i].Key, entries[i].Value, entries[i].Version));
        for (var i = 1; i < leaves.Length; i++)
        {
            if (leaves[i - 1].Path >= leaves[i].Path)
            {
                throw new StorageCorruptionException($"Snapshot entries are not in path order at entry {i}.");
            }
        }
        var root = BuildSorted(hash, leaves, 0);
        return new StateSnapshot(hash, root, height, leaves.Length);
    }

    private const int ParallelSubtreeLeavesMin = 50_000;
    private const int ParallelDepthMax = 3;

    private static StateNode? BuildSorted(IHashFunction hash, StateLeaf[] leaves, int depth) =>
        BuildSorted(hash, leaves, 0, leaves.Length, depth);

    private static StateNode? BuildSorted(IHashFunction hash, StateLeaf[] leaves, int start, int end, int depth)
    {
        var count = end - start;
        if (count == 0)
        {
            return null;
        }
        if (count == 1)
        {
            return leaves[start];
        }
        var split = start;
        while (split < end && leaves[split].Path.Bit(depth) == 0)
        {
            split++;
        }
        StateNode? left;
        StateNode? right;
        if (count >= ParallelSubtreeLeavesMin && depth < ParallelDepthMax)
        {
            StateNode? leftResult = null;
            StateNode? rightResult = null;
            Parallel.Invoke(
                () => leftResult = BuildSorted(hash, leaves, start, split, depth + 1),
                () => rightResult = BuildSorted(hash, leaves, split, end, depth + 1));
            (left, right) = (leftResult, rightResult);
        }
        else
        {
            left = BuildSorted(hash, leaves, start, split, depth + 1);
            right = BuildSorted(hash, leaves, split, end, depth + 1);
        }
        var branch = new StateBranch { Left = left, Right = right };
        branch.Hash = StateHashing.NodeHash(hash, left?.Hash ?? Hash32.Zero, right?.Hash ?? Hash32.Zero);
        return branch;
    }

    private StateLeaf? Find(ReadOnlySpan<byte> key)
    {
        if (RootNode is null)
        {
            return null;
        }
        var path = StateHashing.KeyPath(_hash, key);
        var node = RootNode;
        var depth = 0;
        while (node is StateBranch branch)
        {
            node = path.Bit(depth) == 0 ? branch.Left : branch.Right;
            depth++;
        }
        return node is StateLeaf leaf && leaf.Path == path ? leaf : null;
    }
}

using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.State;

namespace Huilian.Storage.State;

/// <summary>
/// Makes the next state version from a published one. Nodes it copies are its own until <see cref="Build"/>:
/// it changes those in place, so a block's many writes copy each touched node once, not once per write.
/// Nodes of the base version are never changed.
/// </summary>
public sealed class StateTreeBuilder
{
    private readonly IHashFunction _hash;
    private readonly object _token = new();
    private readonly ulong _height;
    private StateNode? _root;
    private long _count;
    private bool _built;

    internal StateTreeBuilder(StateSnapshot baseVersion, ulong height)
    {
        _hash = baseVersion.HashFunction;
        _root = baseVersion.RootNode;
        _count = baseVersion.Count;
        _height = height;
    }

    public void Apply(IEnumerable<StateWrite> writes)
    {
        foreach (var write in writes)
        {
            if (write.Value is null)
            {
                Delete(write.Key);
            }
            else
            {
                Set(write.Key, write.Value);
            }
        }
    }

    public void Set(byte[] key, byte[] value) => Set(key, value, _height);

    internal void Set(byte[] key, byte[] value, ulong version)
    {
        EnsureOpen();
        var leaf = MakeLeaf(_hash, key, value, version);
        var added = false;
        _root = Insert(_root, 0, leaf, ref added);
        if (added)
        {
            _count++;
        }
    }

    public void Delete(byte[] key)
    {
        EnsureOpen();
        var path = StateHashing.KeyPath(_hash, key);
        var removed = false;
        _root = Remove(_root, 0, path, ref removed);
        if (removed)
        {
            _count--;
        }
    }

    /// <summary>Hashes every node this builder made and publishes the version. The builder is spent.</summary>
    public StateSnapshot Build()
    {
        EnsureOpen();
        _built = true;
        Seal(_root);
        return new StateSnapshot(_hash, _root, _height, _count);
    }

    internal static StateLeaf MakeLeaf(IHashFunction hash, byte[] key, byte[] value, ulong version)
    {
        var path = StateHashing.KeyPath(hash, key);
        var leafHash = StateHashing.LeafHash(hash, path, StateHashing.ValueHash(hash, value));
        var leaf = new StateLeaf(path, key, value, version, leafHash);
        leaf.Initialise();
        return leaf;
    }

    private StateNode Insert(StateNode? node, int depth, StateLeaf leaf, ref bool added)
    {
        switch (node)
        {
            case null:
                added = true;
                return leaf;
            case StateLeaf existing when existing.Path == leaf.Path:
                return leaf;
            case StateLeaf existing:
                added = true;
                return Split(existing, leaf, depth);
            default:
                var branch = Own((StateBranch)node);
                if (leaf.Path.Bit(depth) == 0)
                {
                    branch.Left = Insert(branch.Left, depth + 1, leaf, ref added);
                }
                else
                {
                    branch.Right = Insert(branch.Right, depth + 1, leaf, ref added);
                }
                return branch;
        }
    }

    private StateBranch Split(StateLeaf a, StateLeaf b, int depth)
    {
        if (depth >= StateHashing.PathBits)
        {
            throw new InvalidOperationException("Two distinct keys share a full 256-bit path: a hash collision.");
        }
        var branch = new StateBranch { Owner = _token };
        var bitA = a.Path.Bit(depth);
        var bitB = b.Path.Bit(depth);
        if (bitA == bitB)
        {
            var child = Split(a, b, depth + 1);
            if (bitA == 0)
            {
                branch.Left = child;
            }
            else
            {
                branch.Right = child;
            }
        }
        else
        {
            branch.Left = bitA == 0 ? a : b;
            branch.Right = bitA == 0 ? b : a;
        }
        return branch;
    }

    private StateNode? Remove(StateNode? node, int depth, in Hash32 path, ref bool removed)
    {
        switch (node)
        {
            case null:
                return null;
            case StateLeaf leaf:
                if (leaf.Path == path)
                {
                    removed = true;
                    return null;
                }
                return leaf;
            default:
                var original = (StateBranch)node;
                var goLeft = path.Bit(depth) == 0;
                var child = goLeft ? original.Left : original.Right;
                var replaced = Remove(child, depth + 1, path, ref removed);
                if (ReferenceEquals(replaced, child))
                {
                    return original;
                }
                var branch = Own(original);
                if (goLeft)
                {
                    branch.Left = replaced;
                }
                else
                {
                    branch.Right = replaced;
                }
                // A subtree left holding one entry is that entry: lift the leaf, as the tree's definition requires.
                return (branch.Left, branch.Right) switch
                {
                    (null, null) => null,
                    (null, StateLeaf only) => only,
                    (StateLeaf only, null) => only,
                    _ => branch,
                };
        }
    }

    private StateBranch Own(StateBranch branch) =>
        ReferenceEquals(branch.Owner, _token) ? branch : new StateBranch { Left = branch.Left, Right = branch.Right, Owner = _token };

    private void Seal(StateNode? node)
    {
        if (node is not StateBranch branch || !ReferenceEquals(branch.Owner, _token))
        {
            return;
        }
        Seal(branch.Left);
        Seal(branch.Right);
        branch.Hash = StateHashing.NodeHash(_hash, branch.Left?.Hash ?? Hash32.Zero, branch.Right?.Hash ?? Hash32.Zero);
        branch.Owner = null;
    }

    private void EnsureOpen()
    {
        if (_built)
        {
            throw new InvalidOperationException("This state builder has already built its version.");
        }
    }
}

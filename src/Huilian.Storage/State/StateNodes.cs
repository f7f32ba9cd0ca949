using Huilian.Core;

namespace Huilian.Storage.State;

/// <summary>A node of the persistent state tree. Once published in a <see cref="StateSnapshot"/> it never changes.</summary>
internal abstract class StateNode
{
    /// <summary>Valid once the node is published; a leaf's is set when it is made.</summary>
    public Hash32 Hash;
}

internal sealed class StateLeaf(Hash32 path, byte[] key, byte[] value, ulong version, Hash32 hash) : StateNode
{
    public readonly Hash32 Path = path;
    public readonly byte[] Key = key;
    public readonly byte[] Value = value;

    /// <summary>The height at which this value was written.</summary>
    public readonly ulong Version = version;

    public void Initialise() => Hash = hash;
}

internal sealed class StateBranch : StateNode
{
    public StateNode? Left;
    public StateNode? Right;

    /// <summary>The builder that may still change this node in place; null once published.</summary>
    public object? Owner;
}

using Huilian.Core.Crypto;

namespace Huilian.Core.State;

/// <summary>
/// How state entries are hashed into the state root (see <c>spec/state.md</c>). Each key sits at the 256-bit path
/// H(0x10 ‖ key) of a compressed sparse binary Merkle tree: an empty subtree hashes to 32 zero bytes, a subtree
/// holding one entry hashes to that entry's leaf hash, and any other subtree to H(0x13 ‖ left ‖ right).
/// The root depends only on the set of entries, never on the order they were written in.
/// </summary>
public static class StateHashing
{
    public const int PathBits = 256;

    public static Hash32 KeyPath(IHashFunction hash, ReadOnlySpan<byte> key) => hash.HashTagged(HashDomain.StateKey, key);

    public static Hash32 ValueHash(IHashFunction hash, ReadOnlySpan<byte> value) => hash.HashTagged(HashDomain.StateValue, value);

    public static Hash32 LeafHash(IHashFunction hash, in Hash32 path, in Hash32 valueHash) =>
        hash.HashNode(HashDomain.StateLeaf, path, valueHash);

    public static Hash32 NodeHash(IHashFunction hash, in Hash32 left, in Hash32 right) =>
        hash.HashNode(HashDomain.StateNode, left, right);
}

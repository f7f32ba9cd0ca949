using BenchmarkDotNet.Attributes;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Merkle;
using Huilian.Crypto;

namespace Huilian.Benchmarks;

/// <summary>
/// RFC 6962 inclusion proofs over SHA-256 (src/Huilian.Core/Merkle/MerkleTree.cs): building a proof hashes the
/// whole tree (n - 1 inner nodes) from the leaf hashes; verifying one hashes only its path (about log2 n nodes).
/// </summary>
[MemoryDiagnoser]
public class MerkleProofBenchmarks
{
    private IHashFunction _hash = null!;
    private Hash32[] _leaves = null!;
    private int _index;
    private Hash32 _root;
    private MerkleProof _proof = null!;

    [Params(1_000, 100_000)]
    public int Leaves { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hash = IntlSuite.Instance.Hash;
        _leaves = new Hash32[Leaves];
        Span<byte> data = stackalloc byte[8];
        for (var i = 0; i < Leaves; i++)
        {
            BitConverter.TryWriteBytes(data, (long)i);
            _leaves[i] = MerkleTree.LeafHash(_hash, data);
        }
        _index = Leaves / 3;
        _root = MerkleTree.Root(_hash, _leaves);
        _proof = MerkleTree.Prove(_hash, _leaves, _index);
        if (!_proof.Verify(_hash, _leaves[_index], _root))
        {
            throw new InvalidOperationException("The set-up proof does not verify.");
        }
    }

    [Benchmark]
    public MerkleProof Prove() => MerkleTree.Prove(_hash, _leaves, _index);

    [Benchmark]
    public bool Verify() => _proof.Verify(_hash, _leaves[_index], _root);
}

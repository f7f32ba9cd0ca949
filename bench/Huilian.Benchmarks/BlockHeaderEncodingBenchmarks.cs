using BenchmarkDotNet.Attributes;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;

namespace Huilian.Benchmarks;

/// <summary>The canonical encoding of a block header (spec/encoding.md), and its hash under the intl suite.</summary>
[MemoryDiagnoser]
public class BlockHeaderEncodingBenchmarks
{
    private IHashFunction _hash = null!;
    private BlockHeader _header = null!;
    private byte[] _encoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hash = IntlSuite.Instance.Hash;
        using var proposer = CryptoSuites.GenerateKey("intl");
        _header = new BlockHeader("bench-chain", 123_456, _hash.Hash("previous"u8), 1_700_000_000_000, 1_000,
            _hash.Hash("transactions"u8), _hash.Hash("state"u8), _hash.Hash("receipts"u8), _hash.Hash("evidence"u8),
            proposer.PublicKey, _hash.Hash("validators"u8));
        _encoded = _header.Encode();
    }

    [Benchmark]
    public byte[] Encode() => _header.Encode();

    [Benchmark]
    public BlockHeader Decode() => BlockHeader.Decode(_encoded);

    [Benchmark]
    public Hash32 ComputeHash() => _header.ComputeHash(_hash);
}

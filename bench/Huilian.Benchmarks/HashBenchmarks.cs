using BenchmarkDotNet.Attributes;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Crypto;

namespace Huilian.Benchmarks;

/// <summary>
/// The suites' hash functions: SHA-256 (intl, .NET, SHA-NI where the CPU has it) and SM3 (gm, BouncyCastle), on a
/// Merkle node's size (32 B), a small record (256 B) and a transaction-sized input (1.5 KiB).
/// </summary>
[MemoryDiagnoser]
public class HashBenchmarks
{
    private IHashFunction _sha256 = null!;
    private IHashFunction _sm3 = null!;
    private byte[] _data = null!;

    [Params(32, 256, 1536)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _sha256 = IntlSuite.Instance.Hash;
        _sm3 = GmSuite.Instance.Hash;
        _data = new byte[Bytes];
        new Random(42).NextBytes(_data);
    }

    [Benchmark]
    public Hash32 Sha256() => _sha256.Hash(_data);

    [Benchmark]
    public Hash32 Sm3() => _sm3.Hash(_data);
}

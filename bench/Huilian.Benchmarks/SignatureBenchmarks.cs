using BenchmarkDotNet.Attributes;
using Huilian.Core.Crypto;
using Huilian.Crypto;

namespace Huilian.Benchmarks;

/// <summary>
/// Signing and verifying a transaction-sized message (256 B) in each suite: ECDSA P-256 with SHA-256 (intl, .NET on
/// OpenSSL) and SM2 with SM3 (gm, BouncyCastle). Verification goes through the suite's scheme as a node does,
/// including its cache of parsed public keys.
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private ISigningKey _key = null!;
    private ISignatureScheme _scheme = null!;
    private byte[] _message = null!;
    private byte[] _signature = null!;

    [Params("intl", "gm")]
    public string Suite { get; set; } = "intl";

    [GlobalSetup]
    public void Setup()
    {
        _key = CryptoSuites.GenerateKey(Suite);
        _scheme = CryptoSuites.Get(Suite).Signatures;
        _message = new byte[256];
        new Random(42).NextBytes(_message);
        _signature = _key.Sign(_message);
        if (!_scheme.Verify(_key.PublicKey, _message, _signature))
        {
            throw new InvalidOperationException("The set-up signature does not verify.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public byte[] Sign() => _key.Sign(_message);

    [Benchmark]
    public bool Verify() => _scheme.Verify(_key.PublicKey, _message, _signature);
}

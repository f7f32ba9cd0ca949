using System.Text;
using BenchmarkDotNet.Attributes;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;

namespace Huilian.Benchmarks;

/// <summary>
/// The canonical encoding of a transaction (spec/encoding.md), intl suite, with an evidence.record payload of the
/// size the evidence module sees. <see cref="EncodeBody"/> is the encoding alone; <see cref="Create"/> is what a
/// client does (encode, sign with ECDSA P-256, decode into the immutable object); <see cref="Decode"/> is what a
/// node does on receipt (strict parse plus the SHA-256 transaction id).
/// </summary>
[MemoryDiagnoser]
public class TransactionEncodingBenchmarks
{
    private const string ChainId = "bench-chain";
    private IHashFunction _hash = null!;
    private ISigningKey _key = null!;
    private byte[] _payload = null!;
    private byte[] _encoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        _hash = IntlSuite.Instance.Hash;
        _key = CryptoSuites.GenerateKey("intl");
        var documentHash = _hash.Hash("a document"u8);
        _payload = Encoding.UTF8.GetBytes($"{{\"hash\":\"{documentHash}\",\"owner\":\"owner-0001\",\"type\":\"contract\",\"label\":\"a signed supply contract\"}}");
        _encoded = Transaction.Create(_hash, _key, ChainId, 1, 100, "evidence", "record", _payload).EncodedArray;
    }

    [GlobalCleanup]
    public void Cleanup() => _key.Dispose();

    [Benchmark]
    public byte[] EncodeBody() => Transaction.EncodeBody(ChainId, _key.PublicKey, 1, 100, "evidence", "record", _payload);

    [Benchmark]
    public Transaction Create() => Transaction.Create(_hash, _key, ChainId, 1, 100, "evidence", "record", _payload);

    [Benchmark]
    public Transaction Decode() => Transaction.Decode(_encoded, _hash);
}

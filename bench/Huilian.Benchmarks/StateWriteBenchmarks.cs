using BenchmarkDotNet.Attributes;
using Huilian.Core.Crypto;
using Huilian.Crypto;
using Huilian.Storage.State;

namespace Huilian.Benchmarks;

/// <summary>
/// A block's state writes (src/Huilian.Storage/State): 1,000 writes into a state of 100,000 entries, then sealing the
/// new version (hashing every node the writes touched). <see cref="Insert1000"/> writes new keys, as evidence
/// records do; <see cref="Update1000"/> overwrites existing ones, as nonces and balances do. Each invocation starts
/// a builder from the same published version, which builders never change. Intl suite (SHA-256).
/// </summary>
[MemoryDiagnoser]
public class StateWriteBenchmarks
{
    private const int BaseEntries = 100_000;
    private const int Writes = 1_000;

    private StateSnapshot _base = null!;
    private byte[][] _newKeys = null!;
    private byte[][] _existingKeys = null!;
    private byte[][] _values = null!;

    [GlobalSetup]
    public void Setup()
    {
        var hash = IntlSuite.Instance.Hash;
        var random = new Random(42);
        var builder = StateSnapshot.Empty(hash).ToBuilder(1);
        for (var i = 0; i < BaseEntries; i++)
        {
            builder.Set(Key(hash, i), Value(random));
        }
        _base = builder.Build();
        _newKeys = Enumerable.Range(BaseEntries, Writes).Select(i => Key(hash, i)).ToArray();
        _existingKeys = Enumerable.Range(0, Writes).Select(i => Key(hash, i * (BaseEntries / Writes))).ToArray();
        _values = Enumerable.Range(0, Writes).Select(_ => Value(random)).ToArray();
        if (_base.Count != BaseEntries || Insert1000().Count != BaseEntries + Writes || Update1000().Count != BaseEntries)
        {
            throw new InvalidOperationException("The set-up state does not have the expected number of entries.");
        }
    }

    [Benchmark]
    public StateSnapshot Insert1000()
    {
        var builder = _base.ToBuilder(2);
        for (var i = 0; i < _newKeys.Length; i++)
        {
            builder.Set(_newKeys[i], _values[i]);
        }
        return builder.Build();
    }

    [Benchmark]
    public StateSnapshot Update1000()
    {
        var builder = _base.ToBuilder(2);
        for (var i = 0; i < _existingKeys.Length; i++)
        {
            builder.Set(_existingKeys[i], _values[i]);
        }
        return builder.Build();
    }

    /// <summary>A module key of the usual shape: module name, a separator, a 32-byte id.</summary>
    private static byte[] Key(IHashFunction hash, int i)
    {
        var key = new byte[9 + 32];
        "evidence"u8.CopyTo(key);
        hash.Hash(BitConverter.GetBytes(i)).CopyTo(key.AsSpan(9));
        return key;
    }

    /// <summary>A value of an evidence record's size.</summary>
    private static byte[] Value(Random random)
    {
        var value = new byte[160];
        random.NextBytes(value);
        return value;
    }
}

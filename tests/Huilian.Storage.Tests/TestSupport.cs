// Shared helpers for the storage tests, no test cases: a temporary directory removed on dispose, the SHA-256 hash,
// seeded random keys and values, building a snapshot from a dictionary, and an independent reference implementation
// of the state root of spec/state.md (recursive over the sorted set of (path, valueHash), on System.Security.Cryptography).

using System.Security.Cryptography;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Crypto;
using Huilian.Storage.State;

namespace Huilian.Storage.Tests;

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "huilian-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still open elsewhere is left for the OS to clean.
        }
    }
}

internal static class Support
{
    public static IHashFunction Hash => IntlSuite.Instance.Hash;

    public static byte[] RandomBytes(Random random, int minLength, int maxLength)
    {
        var bytes = new byte[random.Next(minLength, maxLength + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Distinct random keys of 1 to 40 bytes, in generation order.</summary>
    public static List<byte[]> DistinctKeys(Random random, int count, ISet<string>? exclude = null)
    {
        var seen = new HashSet<string>(exclude ?? new HashSet<string>());
        var keys = new List<byte[]>();
        while (keys.Count < count)
        {
            var key = RandomBytes(random, 1, 40);
            if (seen.Add(Convert.ToHexString(key)))
            {
                keys.Add(key);
            }
        }
        return keys;
    }

    public static StateSnapshot Build(IEnumerable<(byte[] Key, byte[] Value)> entries, ulong height = 1, StateSnapshot? baseVersion = null)
    {
        var builder = (baseVersion ?? StateSnapshot.Empty(Hash)).ToBuilder(height);
        foreach (var (key, value) in entries)
        {
            builder.Set(key, value);
        }
        return builder.Build();
    }
}

/// <summary>
/// spec/state.md, written from the definition: hash(S, d) is zero for an empty S, the leaf hash for one entry, and
/// H(13 ‖ hash(S₀, d+1) ‖ hash(S₁, d+1)) otherwise; the root is hash(all, 0). Independent of the code under test.
/// </summary>
internal static class ReferenceStateTree
{
    private static byte[] H(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());

    public static byte[] Path(byte[] key) => H([0x10], key);

    public static byte[] ValueHash(byte[] value) => H([0x11], value);

    public static byte[] Leaf(byte[] path, byte[] valueHash) => H([0x12], path, valueHash);

    private static int Bit(byte[] path, int index) => (path[index / 8] >> (7 - (index % 8))) & 1;

    public static Hash32 Root(IEnumerable<(byte[] Key, byte[] Value)> entries)
    {
        var set = entries
            .Select(e => (Path: Path(e.Key), ValueHash: ValueHash(e.Value)))
            .OrderBy(e => e.Path, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)))
            .ToList();
        return new Hash32(HashOf(set, 0));
    }

    private static byte[] HashOf(List<(byte[] Path, byte[] ValueHash)> set, int depth)
    {
        if (set.Count == 0)
        {
            return new byte[32];
        }
        if (set.Count == 1)
        {
            return Leaf(set[0].Path, set[0].ValueHash);
        }
        var zero = set.Where(e => Bit(e.Path, depth) == 0).ToList();
        var one = set.Where(e => Bit(e.Path, depth) == 1).ToList();
        return H([0x13], HashOf(zero, depth + 1), HashOf(one, depth + 1));
    }
}

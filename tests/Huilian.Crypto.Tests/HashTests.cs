// Sm3Hash and Sha256Hash through IHashFunction.
// Valid:      GM/T 0004-2012 Annex A examples: SM3("abc") and SM3("abcd" x 16); FIPS 180-2 SHA-256("abc").
// Round-trip: Sm3Hash agrees with a fresh BouncyCastle SM3Digest for every length 0..300 and for 1 MiB (the
//             pooled-buffer path), and through GmSuite.Instance.Hash.
// Extremes:   the ThreadStatic digest: 1,000 alternating calls on one thread give the same answers, and 8 threads
//             hashing concurrently all get the standard's values; an input larger than the pool's buckets.

using System.Text;
using Org.BouncyCastle.Crypto.Digests;

namespace Huilian.Crypto.Tests;

public sealed class HashTests
{
    private const string Sm3Abc = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";
    private const string Sm3Abcd16 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732";

    private static readonly byte[] Abc = "abc"u8.ToArray();
    private static readonly byte[] Abcd16 = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcd", 16)));

    [Fact]
    public void Sm3_of_abc_is_the_standard_value()
    {
        Assert.Equal(Sm3Abc, Hex.Encode(new Sm3Hash().Hash(Abc).ToArray()));
    }

    [Fact]
    public void Sm3_of_abcd_repeated_16_times_is_the_standard_value()
    {
        Assert.Equal(64, Abcd16.Length);
        Assert.Equal(Sm3Abcd16, Hex.Encode(new Sm3Hash().Hash(Abcd16).ToArray()));
    }

    [Fact]
    public void The_gm_suite_hashes_with_sm3()
    {
        Assert.Equal("sm3", GmSuite.Instance.Hash.Name);
        Assert.Equal(Sm3Abc, Hex.Encode(GmSuite.Instance.Hash.Hash(Abc).ToArray()));
    }

    [Fact]
    public void Sha256_of_abc_is_the_fips_180_value()
    {
        Assert.Equal("sha256", IntlSuite.Instance.Hash.Name);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hex.Encode(IntlSuite.Instance.Hash.Hash(Abc).ToArray()));
    }

    [Fact]
    public void Sm3Hash_agrees_with_a_fresh_digest_for_every_small_length_and_a_large_input()
    {
        var hash = new Sm3Hash();
        var lengths = Enumerable.Range(0, 301).Append(1 << 20);
        foreach (var length in lengths)
        {
            var data = new byte[length];
            for (var i = 0; i < length; i++)
            {
                data[i] = (byte)((i * 31) + length);
            }

            Assert.Equal(Reference(data), Hex.Encode(hash.Hash(data).ToArray()));
        }
    }

    [Fact]
    public void Repeated_calls_on_one_thread_reuse_the_digest_correctly()
    {
        var hash = new Sm3Hash();
        for (var i = 0; i < 1000; i++)
        {
            var (input, expected) = (i % 3) switch
            {
                0 => (Abc, Sm3Abc),
                1 => (Abcd16, Sm3Abcd16),
                _ => (Abc, Sm3Abc),
            };
            Assert.Equal(expected, Hex.Encode(hash.Hash(input).ToArray()));
        }
    }

    [Fact]
    public void Concurrent_calls_from_many_threads_all_get_the_standard_values()
    {
        var hash = GmSuite.Instance.Hash;
        var failures = 0;
        using var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 500; i++)
            {
                var useAbc = ((i + t) & 1) == 0;
                try
                {
                    var actual = Hex.Encode(hash.Hash(useAbc ? Abc : Abcd16).ToArray());
                    if (actual != (useAbc ? Sm3Abc : Sm3Abcd16))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures); // a shared digest corrupted by another thread can throw
                }
            }
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Equal(0, failures);
    }

    private static string Reference(byte[] data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data, 0, data.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return Hex.Encode(output);
    }
}

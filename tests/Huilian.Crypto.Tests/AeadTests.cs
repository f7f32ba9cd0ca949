// The two AEADs: Aes256Gcm (intl) and Sm4Gcm (gm), plus the SM4 block cipher under it.
// Valid:      AES-256-GCM test cases 13-16 of the McGrew/Viega GCM specification (96-bit IV; 16 has AAD and a
//             partial last block); NIST CAVP gcmEncryptExtIV256 [IV 96, PT 408, AAD 160, Tag 128] (15 cases,
//             exact ciphertext and tag); SM4 (GB/T 32907-2016 Example 1: one block; Example 2: 1,000,000
//             encryptions) through BouncyCastle's SM4Engine; SM4-GCM RFC 8998 Appendix A.1 exactly.
// Invalid:    NIST CAVP gcmDecrypt256 (same parameters): its 12 FAIL cases open to null, the 3 others to the
//             given plaintext; for both AEADs a flipped ciphertext, tag, AAD or nonce bit, a wrong key, a
//             truncated or empty input, and a wrong key or nonce length all give null from Open.
// Round-trip: both AEADs seal and open plaintexts of 0, 1, 15, 16, 17, 255 and 4096 bytes, with and without AAD.
// Extremes:   Seal with a wrong key or nonce length throws instead of sealing.

using Huilian.Core.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Huilian.Crypto.Tests;

public sealed class AeadTests
{
    public static TheoryData<string> Aeads() => ["aes-256-gcm", "sm4-gcm"];

    private static IAead Aead(string name) => name switch
    {
        "aes-256-gcm" => IntlSuite.Instance.Aead,
        _ => GmSuite.Instance.Aead,
    };

    // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", Appendix B, test cases 13-16 (AES-256).
    [Theory]
    [InlineData(13, "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b")]
    [InlineData(14, "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919")]
    [InlineData(15, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255", "",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad", "b094dac5d93471bdec1a502270e3cc6c")]
    [InlineData(16, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662", "76fc6ece0f4e1768cddf8853bb2d551b")]
    public void Aes256Gcm_matches_the_gcm_specification(int testCase, string key, string iv, string plaintext, string aad, string ciphertext, string tag)
    {
        var aead = IntlSuite.Instance.Aead;

        var sealedBytes = aead.Seal(Hex.Decode(key), Hex.Decode(iv), Hex.Decode(plaintext), Hex.Decode(aad));

        Assert.True(ciphertext + tag == Hex.Encode(sealedBytes), $"test case {testCase}");
        Assert.Equal(Hex.Decode(plaintext), aead.Open(Hex.Decode(key), Hex.Decode(iv), sealedBytes, Hex.Decode(aad)));
    }

    public static TheoryData<int> NistCaseCounts() => [.. Enumerable.Range(0, 15)];

    [Theory]
    [MemberData(nameof(NistCaseCounts))]
    public void Aes256Gcm_matches_nist_cavp_encryption(int count)
    {
        var record = RspFile.Read(Vectors.PathOf("nist-cavp", "gcmEncryptExtIV256_IV96_PT408_AAD160_Tag128.rsp")).Single(r => r["Count"] == count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var sealedBytes = IntlSuite.Instance.Aead.Seal(Hex.Decode(record["Key"]), Hex.Decode(record["IV"]), Hex.Decode(record["PT"]), Hex.Decode(record["AAD"]));

        Assert.Equal(51 + 16, sealedBytes.Length);
        Assert.Equal(record["CT"] + record["Tag"], Hex.Encode(sealedBytes));
    }

    [Theory]
    [MemberData(nameof(NistCaseCounts))]
    public void Aes256Gcm_matches_nist_cavp_decryption_including_its_fail_cases(int count)
    {
        var record = RspFile.Read(Vectors.PathOf("nist-cavp", "gcmDecrypt256_IV96_PT408_AAD160_Tag128.rsp")).Single(r => r["Count"] == count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var opened = IntlSuite.Instance.Aead.Open(Hex.Decode(record["Key"]), Hex.Decode(record["IV"]), Hex.Decode(record["CT"] + record["Tag"]), Hex.Decode(record["AAD"]));

        if (record.ContainsKey("FAIL"))
        {
            Assert.Null(opened);
        }
        else
        {
            Assert.NotNull(opened);
            Assert.Equal(record["PT"], Hex.Encode(opened));
        }
    }

    [Fact]
    public void The_nist_decryption_section_has_12_fail_cases()
    {
        var records = RspFile.Read(Vectors.PathOf("nist-cavp", "gcmDecrypt256_IV96_PT408_AAD160_Tag128.rsp"));

        Assert.Equal(15, records.Count);
        Assert.Equal(12, records.Count(r => r.ContainsKey("FAIL")));
        Assert.Equal(15, RspFile.Read(Vectors.PathOf("nist-cavp", "gcmEncryptExtIV256_IV96_PT408_AAD160_Tag128.rsp")).Count);
    }

    [Fact]
    public void Sm4_block_cipher_matches_gb_t_32907_example_1()
    {
        var key = Hex.Decode("0123456789abcdeffedcba9876543210");
        var block = Sm4(key, key, forEncryption: true);

        Assert.Equal("681edf34d206965e86b3e94f536e4246", Hex.Encode(block));
        Assert.Equal(key, Sm4(key, block, forEncryption: false));
    }

    [Fact]
    public void Sm4_block_cipher_matches_gb_t_32907_example_2_one_million_encryptions()
    {
        var key = Hex.Decode("0123456789abcdeffedcba9876543210");
        var engine = new SM4Engine();
        engine.Init(true, new KeyParameter(key));
        var block = (byte[])key.Clone();
        var next = new byte[16];
        for (var i = 0; i < 1_000_000; i++)
        {
            engine.ProcessBlock(block, 0, next, 0);
            (block, next) = (next, block);
        }

        Assert.Equal("595298c7c6fd271f0402f804c33d3f66", Hex.Encode(block));
    }

    [Fact]
    public void Sm4Gcm_matches_rfc_8998_appendix_a1()
    {
        var key = Hex.Decode("0123456789ABCDEFFEDCBA9876543210");
        var iv = Hex.Decode("00001234567800000000ABCD");
        var plaintext = Hex.Decode("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA");
        var aad = Hex.Decode("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2");
        const string Ciphertext = "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D";
        const string Tag = "83DE3541E4C2B58177E065A9BF7B62EC";
        var aead = GmSuite.Instance.Aead;

        var sealedBytes = aead.Seal(key, iv, plaintext, aad);

        Assert.Equal(Ciphertext + Tag, Convert.ToHexString(sealedBytes));
        Assert.Equal(plaintext, aead.Open(key, iv, sealedBytes, aad));
    }

    [Theory]
    [MemberData(nameof(Aeads))]
    public void Seal_then_open_round_trips_every_length(string name)
    {
        var aead = Aead(name);
        var key = Pattern(aead.KeyLength, 1);
        var nonce = Pattern(aead.NonceLength, 2);
        foreach (var length in new[] { 0, 1, 15, 16, 17, 255, 4096 })
        {
            foreach (var aad in new[] { Array.Empty<byte>(), Pattern(13, 3) })
            {
                var plaintext = Pattern(length, 4);
                var sealedBytes = aead.Seal(key, nonce, plaintext, aad);

                Assert.Equal(length + aead.TagLength, sealedBytes.Length);
                Assert.Equal(plaintext, aead.Open(key, nonce, sealedBytes, aad));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Aeads))]
    public void Any_tampering_makes_open_return_null(string name)
    {
        var aead = Aead(name);
        var key = Pattern(aead.KeyLength, 5);
        var nonce = Pattern(aead.NonceLength, 6);
        var aad = "header"u8.ToArray();
        var plaintext = Pattern(40, 7);
        var sealedBytes = aead.Seal(key, nonce, plaintext, aad);

        Assert.Equal(plaintext, aead.Open(key, nonce, sealedBytes, aad));
        for (var i = 0; i < sealedBytes.Length; i++)
        {
            Assert.Null(aead.Open(key, nonce, Flip(sealedBytes, i), aad)); // ciphertext bytes, then tag bytes
        }
        for (var i = 0; i < aad.Length; i++)
        {
            Assert.Null(aead.Open(key, nonce, sealedBytes, Flip(aad, i)));
        }
        for (var i = 0; i < nonce.Length; i++)
        {
            Assert.Null(aead.Open(key, Flip(nonce, i), sealedBytes, aad));
        }
        Assert.Null(aead.Open(Flip(key, 0), nonce, sealedBytes, aad));
        Assert.Null(aead.Open(key, nonce, sealedBytes, []));
        Assert.Null(aead.Open(key, nonce, sealedBytes[..^1], aad));
        Assert.Null(aead.Open(key, nonce, sealedBytes[1..], aad));
        Assert.Null(aead.Open(key, nonce, sealedBytes[..aead.TagLength], aad));
        Assert.Null(aead.Open(key, nonce, sealedBytes[..(aead.TagLength - 1)], aad));
        Assert.Null(aead.Open(key, nonce, [], aad));
        Assert.Null(aead.Open(key[..^1], nonce, sealedBytes, aad));
        Assert.Null(aead.Open([.. key, 0], nonce, sealedBytes, aad));
        Assert.Null(aead.Open(key, nonce[..^1], sealedBytes, aad));
        Assert.Null(aead.Open(key, [.. nonce, 0], sealedBytes, aad));
    }

    [Theory]
    [MemberData(nameof(Aeads))]
    public void Seal_with_a_wrong_key_or_nonce_length_throws(string name)
    {
        var aead = Aead(name);
        var key = Pattern(aead.KeyLength, 8);
        var nonce = Pattern(aead.NonceLength, 9);

        AssertRefused(() => aead.Seal(key[..^1], nonce, [1, 2, 3], []));
        AssertRefused(() => aead.Seal([.. key, 0], nonce, [1, 2, 3], []));
        AssertRefused(() => aead.Seal(key, nonce[..^1], [1, 2, 3], []));
        AssertRefused(() => aead.Seal(key, [.. nonce, 0], [1, 2, 3], []));
    }

    [Fact]
    public void The_suites_report_their_aead_parameters()
    {
        Assert.Equal(("aes-256-gcm", 32, 12, 16), (IntlSuite.Instance.Aead.Name, IntlSuite.Instance.Aead.KeyLength, IntlSuite.Instance.Aead.NonceLength, IntlSuite.Instance.Aead.TagLength));
        Assert.Equal(("sm4-gcm", 16, 12, 16), (GmSuite.Instance.Aead.Name, GmSuite.Instance.Aead.KeyLength, GmSuite.Instance.Aead.NonceLength, GmSuite.Instance.Aead.TagLength));
    }

    private static void AssertRefused(Func<byte[]> seal)
    {
        var exception = Record.Exception(() => seal());
        Assert.True(exception is ArgumentException or System.Security.Cryptography.CryptographicException, $"expected a refusal, got {exception?.GetType().Name ?? "a sealed result"}");
    }

    private static byte[] Sm4(byte[] key, byte[] block, bool forEncryption)
    {
        var engine = new SM4Engine();
        engine.Init(forEncryption, new KeyParameter(key));
        var output = new byte[16];
        engine.ProcessBlock(block, 0, output, 0);
        return output;
    }

    private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)((i * 37) + (seed * 101))).ToArray();

    private static byte[] Flip(byte[] bytes, int index)
    {
        var copy = (byte[])bytes.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}

// Wycheproof ECDSA P-256 / SHA-256 / IEEE P1363 (Vectors/wycheproof/ecdsa_secp256r1_sha256_p1363_test.json),
// every one of the 252 cases run through EcdsaP256.Verify under Huilian's low-S rule:
//   expected = result == "valid" && s <= n/2;  "acceptable" (none in this file) is expected to be refused,
//   because a consensus verifier must not accept anything a stricter peer might refuse.
// Valid:      "valid" cases with s <= n/2 verify (pseudorandom signatures, special hashes, edge-case keys).
// Invalid:    every "invalid" case is refused (r/s out of range, r or s = 0, n, p, modified integers,
//             wrong sizes, point duplication, comparison with infinity, ...).
// Extremes:   "valid" cases with s > n/2 (the malleated twins, e.g. tcId 170/171) are refused, there is at
//             least one of them, and for each of them the low-S twin (r, n - s) does verify, so the refusal
//             is caused by the low-S rule alone. The file is complete (252 cases, as its header says).

using System.Numerics;
using System.Text.Json;

namespace Huilian.Crypto.Tests;

public sealed class WycheproofEcdsaP256Tests
{
    private static readonly BigInteger N = EcdsaP256.Order;

    private static readonly Lazy<WycheproofFile> Loaded = new(WycheproofFile.Load);

    public static TheoryData<int> CaseIds()
    {
        var data = new TheoryData<int>();
        foreach (var testCase in Loaded.Value.Cases)
        {
            data.Add(testCase.TcId);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Every_case_verifies_exactly_when_valid_and_low_s(int tcId)
    {
        var testCase = Loaded.Value.Cases.Single(c => c.TcId == tcId);
        var expected = Expected(testCase);

        var actual = IntlSuite.Instance.Signatures.Verify(testCase.PublicKey, testCase.Message, testCase.Signature);

        Assert.True(expected == actual,
            $"tcId {tcId} ({testCase.Result}, {testCase.Comment}, flags {string.Join('/', testCase.Flags)}, high-S {IsHighS(testCase.Signature)}): expected {expected}, Verify returned {actual}");
    }

    [Fact]
    public void The_file_is_complete_and_has_the_expected_mix()
    {
        var file = Loaded.Value;

        Assert.Equal("ECDSA", file.Algorithm);
        Assert.Equal(252, file.NumberOfTests);
        Assert.Equal(file.NumberOfTests, file.Cases.Count);
        Assert.Equal(Enumerable.Range(1, 252), file.Cases.Select(c => c.TcId).Order());
        Assert.All(file.Cases, c => Assert.Contains(c.Result, new[] { "valid", "invalid", "acceptable" }));
        Assert.All(file.Cases, c => Assert.Equal(65, c.PublicKey.Length));
    }

    [Fact]
    public void High_s_valid_cases_are_refused_and_their_low_s_twins_verify()
    {
        var verifier = IntlSuite.Instance.Signatures;
        var highSValid = Loaded.Value.Cases.Where(c => c.Result == "valid" && IsHighS(c.Signature)).ToList();

        var refused = highSValid.Count(c => !verifier.Verify(c.PublicKey, c.Message, c.Signature));

        Assert.True(refused > 0, "the file must contain high-S valid signatures that the low-S rule refuses");
        Assert.Equal(highSValid.Count, refused);
        foreach (var testCase in highSValid)
        {
            var twin = WithS(testCase.Signature, N - S(testCase.Signature));
            Assert.True(verifier.Verify(testCase.PublicKey, testCase.Message, twin), $"low-S twin of tcId {testCase.TcId} must verify");
        }
    }

    [Fact]
    public void Accepted_cases_are_exactly_the_low_s_valid_ones()
    {
        var verifier = IntlSuite.Instance.Signatures;
        var accepted = Loaded.Value.Cases.Where(c => verifier.Verify(c.PublicKey, c.Message, c.Signature)).Select(c => c.TcId).ToHashSet();
        var lowSValid = Loaded.Value.Cases.Where(c => c.Result == "valid" && !IsHighS(c.Signature)).Select(c => c.TcId).ToHashSet();

        Assert.NotEmpty(lowSValid);
        Assert.Equal(lowSValid.Order(), accepted.Order());
    }

    private static bool Expected(WycheproofCase testCase) => testCase.Result == "valid" && !IsHighS(testCase.Signature);

    internal static BigInteger S(byte[] signature) => new(signature.AsSpan(signature.Length / 2), isUnsigned: true, isBigEndian: true);

    /// <summary>s > n/2 for a well-formed 64-byte signature; malformed lengths are not "high-S" (they are refused anyway).</summary>
    internal static bool IsHighS(byte[] signature) => signature.Length == 64 && S(signature) > EcdsaP256.HalfOrder;

    internal static byte[] WithS(byte[] signature, BigInteger s)
    {
        var copy = (byte[])signature.Clone();
        copy.AsSpan(32).Clear();
        var count = s.GetByteCount(isUnsigned: true);
        Assert.True(s.TryWriteBytes(copy.AsSpan(64 - count), out _, isUnsigned: true, isBigEndian: true));
        return copy;
    }

    private sealed record WycheproofCase(int TcId, string Comment, string[] Flags, byte[] PublicKey, byte[] Message, byte[] Signature, string Result);

    private sealed record WycheproofFile(string Algorithm, int NumberOfTests, List<WycheproofCase> Cases)
    {
        public static WycheproofFile Load()
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Vectors.PathOf("wycheproof", "ecdsa_secp256r1_sha256_p1363_test.json")));
            var root = document.RootElement;
            var cases = new List<WycheproofCase>();
            foreach (var group in root.GetProperty("testGroups").EnumerateArray())
            {
                Assert.Equal("EcdsaP1363Verify", group.GetProperty("type").GetString());
                Assert.Equal("SHA-256", group.GetProperty("sha").GetString());
                Assert.Equal("secp256r1", group.GetProperty("publicKey").GetProperty("curve").GetString());
                var publicKey = Hex.Decode(group.GetProperty("publicKey").GetProperty("uncompressed").GetString()!);
                foreach (var test in group.GetProperty("tests").EnumerateArray())
                {
                    cases.Add(new WycheproofCase(
                        test.GetProperty("tcId").GetInt32(),
                        test.GetProperty("comment").GetString()!,
                        test.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToArray(),
                        publicKey,
                        Hex.Decode(test.GetProperty("msg").GetString()!),
                        Hex.Decode(test.GetProperty("sig").GetString()!),
                        test.GetProperty("result").GetString()!));
                }
            }
            return new WycheproofFile(root.GetProperty("algorithm").GetString()!, root.GetProperty("numberOfTests").GetInt32(), cases);
        }
    }
}

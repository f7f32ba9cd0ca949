// NIST CAVP FIPS 186-3 ECDSA SigVer, section [P-256,SHA-256] (Vectors/nist-cavp/SigVer_P-256_SHA-256.rsp),
// all 15 cases through EcdsaP256.Verify with Huilian's low-S rule: expected = (Result == P && S <= n/2).
// Valid:    the "P" cases whose S is at most n/2 verify.
// Invalid:  the "F" cases (message changed, R changed, S changed, Q changed) are refused.
// Extremes: the section holds a "P" case with S > n/2; it is refused, and its low-S twin (R, n - S) verifies.

namespace Huilian.Crypto.Tests;

public sealed class NistEcdsaSigVerTests
{
    private static readonly Lazy<List<Dictionary<string, string>>> Records = new(() => RspFile.Read(Vectors.PathOf("nist-cavp", "SigVer_P-256_SHA-256.rsp")));

    public static TheoryData<int> CaseIndexes()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Records.Value.Count; i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndexes))]
    public void Every_case_verifies_exactly_when_nist_passes_it_and_s_is_low(int index)
    {
        var (publicKey, message, signature, nistPass, result) = Case(index);
        var expected = nistPass && !WycheproofEcdsaP256Tests.IsHighS(signature);

        var actual = IntlSuite.Instance.Signatures.Verify(publicKey, message, signature);

        Assert.True(expected == actual, $"case {index} ({result}, high-S {WycheproofEcdsaP256Tests.IsHighS(signature)}): expected {expected}, Verify returned {actual}");
    }

    [Fact]
    public void The_section_has_15_cases_3_pass_12_fail()
    {
        var results = Records.Value.Select(r => r["Result"]).ToList();

        Assert.Equal(15, results.Count);
        Assert.Equal(3, results.Count(r => r.StartsWith("P", StringComparison.Ordinal)));
        Assert.Equal(12, results.Count(r => r.StartsWith("F", StringComparison.Ordinal)));
        Assert.All(Records.Value, r => Assert.Equal(128, Hex.Decode(r["Msg"]).Length));
    }

    [Fact]
    public void The_high_s_passing_case_is_refused_and_its_low_s_twin_verifies()
    {
        var verifier = IntlSuite.Instance.Signatures;
        var highSPasses = Enumerable.Range(0, Records.Value.Count).Select(Case).Where(c => c.NistPass && WycheproofEcdsaP256Tests.IsHighS(c.Signature)).ToList();

        Assert.NotEmpty(highSPasses);
        foreach (var (publicKey, message, signature, _, _) in highSPasses)
        {
            Assert.False(verifier.Verify(publicKey, message, signature));
            var twin = WycheproofEcdsaP256Tests.WithS(signature, EcdsaP256.Order - WycheproofEcdsaP256Tests.S(signature));
            Assert.True(verifier.Verify(publicKey, message, twin));
        }
    }

    private static (byte[] PublicKey, byte[] Message, byte[] Signature, bool NistPass, string Result) Case(int index)
    {
        var record = Records.Value[index];
        var publicKey = Hex.Decode("04" + record["Qx"] + record["Qy"]);
        var signature = Hex.Decode(record["R"] + record["S"]);
        Assert.Equal(65, publicKey.Length);
        Assert.Equal(64, signature.Length);
        var result = record["Result"];
        return (publicKey, Hex.Decode(record["Msg"]), signature, result.StartsWith("P", StringComparison.Ordinal), result);
    }
}

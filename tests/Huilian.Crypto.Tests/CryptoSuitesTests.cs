// CryptoSuites: finding a suite by its genesis name, and making keys for it.
// Valid:      "intl" -> IntlSuite (sha256, ecdsa-p256-sha256, aes-256-gcm); "gm" -> GmSuite (sm3, sm2-sm3, sm4-gcm);
//             Names lists exactly those two and each resolves; 65-byte keys and 64-byte signatures in both.
// Round-trip: GenerateKey / ImportKey per suite give keys whose signatures the suite verifies, and a signature
//             of one suite does not verify in the other.
// Invalid:    unknown, differently cased, empty, padded and null names throw ArgumentException from Get,
//             GenerateKey and ImportKey.

namespace Huilian.Crypto.Tests;

public sealed class CryptoSuitesTests
{
    [Fact]
    public void Intl_is_the_international_suite()
    {
        var suite = CryptoSuites.Get("intl");

        Assert.Same(IntlSuite.Instance, suite);
        Assert.Equal("intl", suite.Name);
        Assert.Equal("sha256", suite.Hash.Name);
        Assert.Equal("ecdsa-p256-sha256", suite.Signatures.Name);
        Assert.Equal("aes-256-gcm", suite.Aead.Name);
        Assert.IsType<EcdsaP256>(suite.Signatures);
    }

    [Fact]
    public void Gm_is_the_chinese_commercial_suite()
    {
        var suite = CryptoSuites.Get("gm");

        Assert.Same(GmSuite.Instance, suite);
        Assert.Equal("gm", suite.Name);
        Assert.Equal("sm3", suite.Hash.Name);
        Assert.Equal("sm2-sm3", suite.Signatures.Name);
        Assert.Equal("sm4-gcm", suite.Aead.Name);
        Assert.IsType<Sm2Sm3>(suite.Signatures);
    }

    [Fact]
    public void Names_lists_exactly_the_two_suites_and_each_resolves()
    {
        Assert.Equal(new[] { "intl", "gm" }, CryptoSuites.Names);
        Assert.All(CryptoSuites.Names, name =>
        {
            var suite = CryptoSuites.Get(name);
            Assert.Equal(name, suite.Name);
            Assert.Equal(65, suite.Signatures.PublicKeyLength);
            Assert.Equal(64, suite.Signatures.SignatureLength);
        });
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void Generated_and_imported_keys_sign_for_their_suite_only(string name)
    {
        var suite = CryptoSuites.Get(name);
        var other = CryptoSuites.Get(name == "intl" ? "gm" : "intl");
        using var key = CryptoSuites.GenerateKey(name);
        using var imported = CryptoSuites.ImportKey(name, key.ExportPrivateKey());
        var message = "suite"u8.ToArray();
        var signature = imported.Sign(message);

        Assert.Equal(key.PublicKey, imported.PublicKey);
        Assert.True(suite.Signatures.Verify(key.PublicKey, message, signature));
        Assert.False(other.Signatures.Verify(key.PublicKey, message, signature));
    }

    [Theory]
    [InlineData("INTL")]
    [InlineData("Gm")]
    [InlineData("")]
    [InlineData(" intl")]
    [InlineData("intl ")]
    [InlineData("sm2")]
    [InlineData("international")]
    public void Unknown_names_are_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => CryptoSuites.Get(name));
        Assert.Throws<ArgumentException>(() => CryptoSuites.GenerateKey(name));
        Assert.Throws<ArgumentException>(() => CryptoSuites.ImportKey(name, new byte[32]));
    }

    [Fact]
    public void A_null_name_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CryptoSuites.Get(null!));
        Assert.Throws<ArgumentException>(() => CryptoSuites.GenerateKey(null!));
    }
}

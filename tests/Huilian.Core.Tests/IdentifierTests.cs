// Identifier and Limits. Valid identifiers: single letter, every allowed character class, exactly the limit (32 by
// default, 64 for chain ids). Invalid: null, empty, above the limit, uppercase, leading digit or punctuation, spaces,
// other ASCII punctuation, non-ASCII letters (é, Chinese, fullwidth, Turkish dotless i, Kelvin sign). Limits: Check()
// passes, the largest transaction fits the block and request bounds, and the transaction bound exceeds the largest
// well-formed transaction.

namespace Huilian.Core.Tests;

public sealed class IdentifierTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("evidence")]
    [InlineData("evidence.recorder")]
    [InlineData("a-b_c.d0")]
    [InlineData("z9")]
    [InlineData("a...")]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    public void ValidIdentifiers(string value) => Assert.True(Identifier.IsValid(value));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456")]
    [InlineData("A")]
    [InlineData("aB")]
    [InlineData("0a")]
    [InlineData("-a")]
    [InlineData("_a")]
    [InlineData(".a")]
    [InlineData(" a")]
    [InlineData("a b")]
    [InlineData("a\n")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("a+b")]
    [InlineData("a@b")]
    [InlineData("évidence")]
    [InlineData("证据")]
    [InlineData("ａ")]
    [InlineData("aı")]
    [InlineData("a\u212a")]
    public void InvalidIdentifiers(string? value) => Assert.False(Identifier.IsValid(value));

    [Fact]
    public void LengthLimitIsAParameter()
    {
        var sixtyFour = "a" + new string('0', 63);
        Assert.False(Identifier.IsValid(sixtyFour));
        Assert.True(Identifier.IsValid(sixtyFour, Limits.ChainIdLengthMax));
        Assert.False(Identifier.IsValid(sixtyFour + "0", Limits.ChainIdLengthMax));
        Assert.True(Identifier.IsValid("a", 1));
        Assert.False(Identifier.IsValid("ab", 1));
    }

    [Fact]
    public void LimitsAreConsistent()
    {
        Limits.Check();
        // The largest well-formed transaction: every length field at its maximum.
        var largest = 1 + (4 + Limits.ChainIdLengthMax) + (4 + Limits.PublicKeyLengthMax) + 8 + 8 + (2 * (4 + Limits.IdentifierLengthMax))
            + (4 + Limits.PayloadBytesMax) + (4 + Limits.SignatureLengthMax);
        Assert.True(largest <= Limits.TransactionBytesMax, $"{largest}");
        Assert.True(Limits.BlockBytesMax >= Limits.TransactionBytesMax);
        Assert.True(Limits.RequestBodyBytesMax >= Limits.TransactionBytesMax);
    }
}

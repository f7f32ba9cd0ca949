using System.Globalization;
using System.Text.RegularExpressions;
using Huilian.Portal.Text;

namespace Huilian.Portal.Tests;

/// <summary>The resource files and the amounts: no browser needed.</summary>
public sealed partial class PortalTextTests
{
    [Fact]
    public void Chinese_and_English_have_the_same_keys()
    {
        var text = new PortalText();
        var english = text.Keys(PortalText.English).ToHashSet(StringComparer.Ordinal);
        var chinese = text.Keys(PortalText.Chinese).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(english.Except(chinese).Order());
        Assert.Empty(chinese.Except(english).Order());
        Assert.True(english.Count > 100, $"only {english.Count} keys: are the resource files embedded?");
    }

    [Fact]
    public void Every_literal_key_the_portal_uses_is_in_the_resource_files()
    {
        var keys = new PortalText().Keys(PortalText.English).ToHashSet(StringComparer.Ordinal);
        var source = Path.Combine(PortalFixture.RepositoryRoot, "src", "Huilian.Portal");
        var missing = new List<string>();
        var files = Directory.EnumerateFiles(source, "*.cshtml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains("node_modules", StringComparison.Ordinal));
        var used = 0;
        foreach (var file in files)
        {
            foreach (Match match in UsedKey().Matches(File.ReadAllText(file)))
            {
                used++;
                var key = match.Groups["key"].Value;
                if (!keys.Contains(key))
                {
                    missing.Add($"{Path.GetRelativePath(source, file)}: {key}");
                }
            }
        }
        Assert.True(used > 100, $"only {used} uses found: has the pattern stopped matching?");
        Assert.Empty(missing);
    }

    /// <summary>T["key"], T.Format("key", …), Fail("field", "key"), FieldErrors[…] = "key".</summary>
    [GeneratedRegex(""""(?:\bT\[\s*"|\bT\.Format\(\s*"|\bFail\(\s*"[^"]*"\s*,\s*"|FieldErrors\[[^\]]+\]\s*=\s*")(?<key>[a-zA-Z][\w.\-]*)"(?!\s*\+)"""")]
    private static partial Regex UsedKey();

    [Theory]
    [InlineData("1,234.56", "USD", 123456UL)]
    [InlineData("1234.5", "USD", 123450UL)]
    [InlineData("100", "JPY", 100UL)]
    [InlineData("0.001", "KWD", 1UL)]
    public void Amounts_are_read_into_minor_units(string text, string currency, ulong minor)
    {
        using var scope = new CultureScope("en");
        Assert.True(Money.TryParse(text, currency, out var parsed, out var error), error);
        Assert.Equal(minor, parsed);
    }

    [Theory]
    [InlineData("", "USD", "AmountMissing")]
    [InlineData("12.345", "USD", "AmountTooManyDecimals")]
    [InlineData("1.5", "JPY", "AmountTooManyDecimals")]
    [InlineData("-5", "USD", "AmountMalformed")]
    [InlineData("0", "USD", "AmountNotPositive")]
    [InlineData("1e5", "USD", "AmountMalformed")]
    [InlineData("ten", "USD", "AmountMalformed")]
    [InlineData("99999999999999999999999", "USD", "AmountTooLarge")]
    public void Bad_amounts_are_refused_with_their_code(string text, string currency, string code)
    {
        using var scope = new CultureScope("en");
        Assert.False(Money.TryParse(text, currency, out _, out var error));
        Assert.Equal(code, error);
    }

    [Fact]
    public void Amounts_show_with_their_currency_and_dates_per_the_language()
    {
        using (new CultureScope("en"))
        {
            Assert.Equal("USD 1,234,567.89", Money.Format(123456789UL, "USD"));
            Assert.Equal("JPY 5,000", Money.Format(5000UL, "JPY"));
            Assert.Equal("28 Nov 2026", Money.Date("2026-11-28"));
        }
        using (new CultureScope("zh-CN"))
        {
            Assert.Equal("CNY 1,234,567.89", Money.Format(123456789UL, "CNY"));
            Assert.Equal("2026年11月28日", Money.Date("2026-11-28"));
        }
    }

    private sealed class CultureScope : IDisposable
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _ui = CultureInfo.CurrentUICulture;

        public CultureScope(string name)
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo(name);
        }

        public void Dispose()
        {
            CultureInfo.CurrentCulture = _culture;
            CultureInfo.CurrentUICulture = _ui;
        }
    }
}

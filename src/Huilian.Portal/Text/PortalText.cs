using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Huilian.Portal.Text;

/// <summary>
/// Every label of the portal, from the resource files <c>Text/&lt;area&gt;.en.json</c> and <c>Text/&lt;area&gt;.zh-CN.json</c>
/// (flat key → text, embedded in the assembly; one pair of files per area of the portal, the keys of all areas in one
/// table — a key defined twice stops the portal from starting). The language is the request's UI culture (the language switch sets it). A key missing
/// from a file shows as ⟦key⟧, which the portal's tests look for on every page.
/// </summary>
public sealed class PortalText
{
    public const string English = "en";
    public const string Chinese = "zh-CN";
    public static readonly IReadOnlyList<string> Languages = [Chinese, English];

    private readonly FrozenDictionary<string, FrozenDictionary<string, string>> _byLanguage;

    public PortalText()
    {
        _byLanguage = Languages.ToFrozenDictionary(language => language, Load, StringComparer.Ordinal);
    }

    /// <summary>Every resource file of <paramref name="language"/>, merged; a key in two files is an error.</summary>
    public static FrozenDictionary<string, string> Load(string language)
    {
        var assembly = typeof(PortalText).Assembly;
        var suffix = "." + language + ".json";
        var names = assembly.GetManifestResourceNames().Where(n => n.StartsWith("text/", StringComparison.Ordinal) && n.EndsWith(suffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            throw new InvalidOperationException($"The portal has no resource files for {language}.");
        }
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var map = JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? [];
            foreach (var (key, text) in map)
            {
                if (!merged.TryAdd(key, text))
                {
                    throw new InvalidOperationException($"The portal's text key '{key}' is defined twice ({name} and another {language} file).");
                }
            }
        }
        return merged.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every key of <paramref name="language"/> (for the tests that compare the languages).</summary>
    public IReadOnlyCollection<string> Keys(string language) => _byLanguage[language].Keys;

    /// <summary>en or zh-CN, from the current UI culture.</summary>
    public static string Language => CultureInfo.CurrentUICulture.Name.StartsWith("zh", StringComparison.Ordinal) ? Chinese : English;

    public static bool IsChinese => Language == Chinese;

    public string this[string key] => _byLanguage[Language].TryGetValue(key, out var text) ? text : "⟦" + key + "⟧";

    /// <summary>The text of <paramref name="key"/> with {0}, {1}… filled in, formatted per the current culture.</summary>
    public string Format(string key, params object?[] arguments) => string.Format(CultureInfo.CurrentCulture, this[key], arguments);

    /// <summary>The text of <paramref name="key"/> when it exists, else null.</summary>
    public string? Find(string key) => _byLanguage[Language].TryGetValue(key, out var text) ? text : null;

    /// <summary>Picks the Chinese or English of a pair that comes with the data (the role catalogue's labels).</summary>
    public static string Pick(string chinese, string english) => IsChinese ? chinese : english;
}

using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Huilian.Portal.Text;

namespace Huilian.Portal.Pages.Explorer;

/// <summary>
/// Verifies a downloaded evidence proof in the browser (front/src/proof.entry.js, a port of EvidenceProof.Verify),
/// against the genesis file the user chooses or, by default, the one this node serves at /v1/genesis. The server only
/// renders the form and the page's sentences; it never sees the proof, and the result is the browser's own.
/// </summary>
[Anonymous]
public sealed class VerifyModel : PortalPageModel
{
    /// <summary>Where the page fetches the default trust anchor.</summary>
    public const string GenesisUrl = "/v1/genesis";

    /// <summary>Every proof.* text of the request's language (and the support-code label), as JSON, for the script's sentences.</summary>
    public string TextsJson { get; private set; } = "{}";

    // Chinese as itself (the attribute is HTML-encoded by Razor), not as \u escapes three times the size.
    private static readonly JsonSerializerOptions TextsJsonOptions = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public void OnGet()
    {
        var texts = T.Keys(PortalText.Language)
            .Where(key => key.StartsWith("proof.", StringComparison.Ordinal) || key == "error.codeForSupport")
            .Order(StringComparer.Ordinal)
            .ToDictionary(key => key, key => T[key], StringComparer.Ordinal);
        TextsJson = JsonSerializer.Serialize(texts, TextsJsonOptions);
    }
}

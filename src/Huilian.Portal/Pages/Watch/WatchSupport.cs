using System.Globalization;
using System.Text;
using System.Text.Json;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Watch;

/// <summary>Reading the API's JSON in pages: absent or null properties as empty values, never an exception.</summary>
public static class Json
{
    public static string Str(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "",
                JsonValueKind.Null or JsonValueKind.Undefined => "",
                _ => value.GetRawText(),
            }
            : "";

    public static ulong U64(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out var number) ? number : 0;

    public static long I64(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : 0;

    public static bool Bool(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static JsonElement Prop(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    public static IEnumerable<JsonElement> Items(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    public static bool Has(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
}

/// <summary>Small formatting helpers of the explorer, dashboard and reports.</summary>
public static class Show
{
    /// <summary>The first 10 and last 6 characters of a hash, for tables (the full value goes in a title).</summary>
    public static string Short(string? hash) => hash is { Length: > 20 } ? hash[..10] + "…" + hash[^6..] : hash ?? "";

    public static string Count(ulong value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.CurrentCulture);

    public static string Count(int value) => value.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>An ISO 8601 time from the API ("2026-11-28T07:50:00.000Z") per the culture, or the text as it came.</summary>
    public static string Time(string? iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? Money.DateTime(time.ToUnixTimeMilliseconds()) : iso ?? "";

    /// <summary>Pretty JSON for the page (indented, non-ASCII kept).</summary>
    public static string Pretty(JsonElement element) =>
        JsonSerializer.Serialize(element, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>A label from the data's own Chinese and English (the API's zh/en pairs).</summary>
    public static string Pick(JsonElement element) => PortalText.Pick(element.Str("zh"), element.Str("en"));

    /// <summary>An identifier as the ledger allows it (a-z, 0-9, '.', '_', '-'; 1 to 64).</summary>
    public static bool IsIdentifier(string? text) => text is { Length: > 0 and <= 64 } && text.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '_' or '-');

    public static bool IsDate(string? text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    public static bool IsHash(string? text) => text is { Length: 64 } && text.All(Uri.IsHexDigit);
}

/// <summary>
/// A report or dashboard page with the reports' filters — period of block time (from, until exclusive), bank, branch,
/// enterprise — read from the query string and checked here, on the server, before the node is asked.
/// </summary>
public abstract class ReportFilterPage : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Until { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Bank { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Branch { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Enterprise { get; set; }

    /// <summary>Whether the user reports across banks (the regulator's see-through) rather than on its own bank.</summary>
    public bool AcrossBanks => Me.Holds("audit.see-through");

    /// <summary>Checks the filters; false (with field errors) when any is malformed.</summary>
    protected bool FiltersValid()
    {
        From = Trim(From);
        Until = Trim(Until);
        Bank = Trim(Bank);
        Branch = Trim(Branch);
        Enterprise = Trim(Enterprise);
        var valid = true;
        if (From is not null && !Show.IsDate(From))
        {
            valid = Fail("from", "reports.error.date");
        }
        if (Until is not null && !Show.IsDate(Until))
        {
            valid = Fail("until", "reports.error.date");
        }
        if (valid && From is not null && Until is not null && string.CompareOrdinal(Until, From) <= 0)
        {
            valid = Fail("until", "reports.error.period");
        }
        foreach (var (field, value) in new[] { ("bank", Bank), ("branch", Branch), ("enterprise", Enterprise) })
        {
            if (value is not null && !Show.IsIdentifier(value))
            {
                valid = Fail(field, "reports.error.identifier");
            }
        }
        if (!valid)
        {
            Response.StatusCode = 422;
        }
        return valid;
    }

    /// <summary>The filters as an API query string (without the leading '?'), the bank only for the regulator.</summary>
    public string FilterQuery(params (string Name, string? Value)[] extra)
    {
        var pairs = new List<(string, string?)> { ("from", From), ("until", Until), ("bank", AcrossBanks ? Bank : null), ("branch", Branch), ("enterprise", Enterprise) };
        pairs.AddRange(extra);
        var builder = new StringBuilder();
        foreach (var (name, value) in pairs.Where(p => !string.IsNullOrEmpty(p.Item2)))
        {
            builder.Append(builder.Length == 0 ? "" : "&").Append(name).Append('=').Append(Uri.EscapeDataString(value!));
        }
        return builder.ToString();
    }

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

using System.Globalization;

namespace Huilian.Portal.Text;

/// <summary>
/// Amounts as the ledger keeps them — integer minor units of an ISO 4217 currency — shown and read per the current
/// culture, always with their currency; and dates per the culture.
/// </summary>
public static class Money
{
    /// <summary>ISO 4217 minor-unit exponents that are not 2.</summary>
    private static readonly Dictionary<string, int> Exponents = new(StringComparer.Ordinal)
    {
        ["JPY"] = 0, ["KRW"] = 0, ["VND"] = 0, ["CLP"] = 0, ["ISK"] = 0, ["BHD"] = 3, ["KWD"] = 3, ["OMR"] = 3, ["JOD"] = 3, ["TND"] = 3,
    };

    public static int Decimals(string currency) => Exponents.TryGetValue(currency, out var exponent) ? exponent : 2;

    public static bool IsCurrencyCode(string? currency) => currency is { Length: 3 } && currency.All(c => c is >= 'A' and <= 'Z');

    /// <summary>"USD 1,234.56" (en) or "USD 1,234.56" with the culture's separators (zh-CN).</summary>
    public static string Format(ulong minor, string currency) => Format((decimal)minor, currency);

    public static string Format(long minor, string currency) => Format((decimal)minor, currency);

    private static string Format(decimal minor, string currency)
    {
        var decimals = Decimals(currency);
        var major = minor / Pow10(decimals);
        return currency + " " + major.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.CurrentCulture);
    }

    /// <summary>
    /// Reads an amount typed in major units ("1,234.56", the culture's separators; or "1234.56") into minor units.
    /// Refuses more decimals than the currency has, negative or zero amounts and anything not a number.
    /// </summary>
    public static bool TryParse(string? text, string currency, out ulong minor, out string errorCode)
    {
        minor = 0;
        errorCode = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            errorCode = "AmountMissing";
            return false;
        }
        var trimmed = text.Trim();
        if (trimmed.Length > 32 || !decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.CurrentCulture, out var major)
            && !decimal.TryParse(trimmed, NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out major))
        {
            errorCode = "AmountMalformed";
            return false;
        }
        var decimals = Decimals(currency);
        var scaled = major * Pow10(decimals);
        if (scaled != decimal.Truncate(scaled))
        {
            errorCode = "AmountTooManyDecimals";
            return false;
        }
        if (scaled <= 0)
        {
            errorCode = "AmountNotPositive";
            return false;
        }
        if (scaled > ulong.MaxValue / 2)
        {
            errorCode = "AmountTooLarge";
            return false;
        }
        minor = (ulong)scaled;
        return true;
    }

    /// <summary>A time in milliseconds since the epoch, as a date and time in UTC per the culture.</summary>
    public static string DateTime(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString(CultureInfo.CurrentCulture.Name.StartsWith("zh", StringComparison.Ordinal) ? "yyyy年M月d日 HH:mm" : "d MMM yyyy HH:mm", CultureInfo.CurrentCulture) + " UTC";

    /// <summary>A calendar date (yyyy-MM-dd from the ledger) per the culture.</summary>
    public static string Date(string? isoDate) =>
        DateOnly.TryParseExact(isoDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString(CultureInfo.CurrentCulture.Name.StartsWith("zh", StringComparison.Ordinal) ? "yyyy年M月d日" : "d MMM yyyy", CultureInfo.CurrentCulture)
            : isoDate ?? "";

    private static decimal Pow10(int exponent) => exponent switch { 0 => 1m, 1 => 10m, 2 => 100m, 3 => 1000m, _ => throw new ArgumentOutOfRangeException(nameof(exponent)) };
}

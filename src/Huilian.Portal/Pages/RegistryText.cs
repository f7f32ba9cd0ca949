using System.Globalization;
using Huilian.Portal.Text;

namespace Huilian.Portal.Pages;

/// <summary>Sentences for what the registry and the financing steps record: verification outcomes, the fields of a step.</summary>
public static class RegistryText
{
    /// <summary>"Match", "FieldMismatch:goods", "NotFound"… as a sentence a clerk understands.</summary>
    public static string Outcome(PortalText text, string outcome)
    {
        var colon = outcome.IndexOf(':', StringComparison.Ordinal);
        var code = colon < 0 ? outcome : outcome[..colon];
        var field = colon < 0 ? "" : outcome[(colon + 1)..];
        var sentence = text.Find("registry.outcome." + code);
        return sentence is null ? outcome : string.Format(CultureInfo.CurrentCulture, sentence, FieldName(text, field));
    }

    public static string FieldName(PortalText text, string field) => text.Find("registry.field." + field) ?? field;

    /// <summary>A field of a financing step as the history shows it: amounts with the currency, rates in percent, dates per the culture.</summary>
    public static string Detail(PortalText text, string name, string value, string currency)
    {
        var label = text.Find("financing.field." + name) ?? name;
        var shown = name switch
        {
            "amount" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var minor) => Money.Format(minor, currency),
            "rate-bp" when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bp) => (bp / 100m).ToString("0.00", CultureInfo.CurrentCulture) + "%",
            "value-date" => Money.Date(value),
            "decision" => text.Find("financing." + value) ?? value,
            _ => value,
        };
        return text.Format("financing.detailFormat", label, shown);
    }
}

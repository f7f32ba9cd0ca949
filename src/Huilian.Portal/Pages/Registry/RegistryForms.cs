using System.Globalization;
using System.Security.Cryptography;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Portal.Pages.Registry;

/// <summary>Checks shared by the registry's forms: field lines, field values, secrets.</summary>
public static class RegistryForms
{
    /// <summary>The longest field value a form takes.</summary>
    public const int FieldValueLengthMax = 256;

    /// <summary>Reads "name=value" lines into <paramref name="fields"/>: names of the type, each once, values non-empty.</summary>
    public static bool ParseFieldLines(string? text, DocumentType type, SortedDictionary<string, string> fields)
    {
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }
            var name = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (!type.Fields.Contains(name) || value.Length is 0 or > FieldValueLengthMax || !fields.TryAdd(name, value))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A value a field may hold: non-empty, one line, at most 256 characters.</summary>
    public static bool IsFieldValue(string? value) => value is { Length: > 0 and <= FieldValueLengthMax } && !value.Any(char.IsControl);

    /// <summary>A new secret for a document (32 hexadecimal characters), drawn here as the CLI draws them.</summary>
    public static string DrawSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsSecret(string? secret) => secret is { Length: >= DocumentKeys.SecretLengthMin and <= DocumentKeys.SecretLengthMax } && !secret.Any(char.IsControl) && !secret.Contains(',');

    public static bool IsNumber(string? number) => number is { Length: > 0 and <= DocumentKeys.NumberLengthMax } && !number.Any(char.IsControl);

    public static string Percent(ulong basisPoints) => (basisPoints / 10_000m).ToString("P2", CultureInfo.CurrentCulture);
}

using System.Globalization;
using System.Text.Json;
using Huilian.Core;

namespace Huilian.Execution.Host;

/// <summary>
/// Reads an action's payload: one JSON object, read strictly. Duplicate or unknown fields, wrong types and
/// out-of-range values are refused with a stable code naming the field. Parsing the same bytes gives the same
/// result on every node.
/// </summary>
public sealed class PayloadReader
{
    private const int DepthMax = 8;

    private readonly JsonElement _root;
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _read = new(StringComparer.Ordinal);

    private PayloadReader(JsonElement root)
    {
        _root = root;
    }

    /// <summary>A reader of a nested object, strict in the same way; its field names are prefixed in errors.</summary>
    private static PayloadReader ForObject(JsonElement element, string name)
    {
        var reader = new PayloadReader(element);
        foreach (var property in element.EnumerateObject())
        {
            if (!reader._names.Add(property.Name))
            {
                throw new ActionRefusedException(ResultCodes.PayloadMalformed, $"Field '{name}.{property.Name}' appears twice.");
            }
        }
        return reader;
    }

    public static PayloadReader Parse(ReadOnlySpan<byte> payload)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = DepthMax });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.BytesConsumed != payload.Length)
            {
                throw new ActionRefusedException(ResultCodes.PayloadMalformed, "The payload holds more than one JSON value.");
            }
        }
        catch (JsonException exception)
        {
            throw new ActionRefusedException(ResultCodes.PayloadMalformed, $"The payload is not valid JSON: {exception.Message}");
        }
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ActionRefusedException(ResultCodes.PayloadMalformed, "The payload must be a JSON object.");
        }
        var payloadReader = new PayloadReader(root);
        foreach (var property in root.EnumerateObject())
        {
            if (!payloadReader._names.Add(property.Name))
            {
                throw new ActionRefusedException(ResultCodes.PayloadMalformed, $"Field '{property.Name}' appears twice.");
            }
        }
        return payloadReader;
    }

    public string RequiredString(string name, int lengthMax, int lengthMin = 1) =>
        OptionalString(name, lengthMax, lengthMin) ?? throw Missing(name);

    public string? OptionalString(string name, int lengthMax, int lengthMin = 0)
    {
        if (!TryGet(name, out var element))
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            throw WrongType(name, "a string");
        }
        var value = element.GetString()!;
        if (value.Length < lengthMin || value.Length > lengthMax)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' must be {lengthMin} to {lengthMax} characters long.");
        }
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' must not contain control characters.");
            }
        }
        return value;
    }

    /// <summary>A 32-byte hash as 64 hex characters (either case).</summary>
    public Hash32 RequiredHash(string name)
    {
        var text = RequiredString(name, 64);
        if (!Hash32.TryParse(text, out var hash))
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' must be 64 hexadecimal characters.");
        }
        return hash;
    }

    public byte[] RequiredHex(string name, int byteLengthMax)
    {
        var text = RequiredString(name, byteLengthMax * 2);
        try
        {
            if (text.Length % 2 != 0)
            {
                throw new FormatException();
            }
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' must be hexadecimal bytes.");
        }
    }

    /// <summary>Bytes in standard base64 (a certificate, a ciphertext).</summary>
    public byte[] RequiredBase64(string name, int byteLengthMax) =>
        OptionalBase64(name, byteLengthMax) ?? throw Missing(name);

    public byte[]? OptionalBase64(string name, int byteLengthMax)
    {
        var text = OptionalString(name, checked(((byteLengthMax + 2) / 3) * 4), 1);
        if (text is null)
        {
            return null;
        }
        var bytes = new byte[byteLengthMax];
        if (!Convert.TryFromBase64String(text, bytes, out var written) || written == 0)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' must be base64 of 1 to {byteLengthMax} bytes.");
        }
        return bytes.AsSpan(0, written).ToArray();
    }

    /// <summary>
    /// Checks that a field is base64 of 1 to <paramref name="byteLengthMax"/> bytes and returns the decoded length,
    /// without decoding: for bytes execution only needs to bound (a ciphertext it never opens).
    /// </summary>
    public int RequiredBase64Length(string name, int byteLengthMax)
    {
        if (!TryGet(name, out var element))
        {
            throw Missing(name);
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            throw WrongType(name, "a string");
        }
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element);
        int length;
        // The raw token is the quoted UTF-8 text; base64 needs no escapes, so one with a backslash is read the slow way.
        if (raw.Length >= 2 && raw.IndexOf((byte)'\\') < 0)
        {
            if (!System.Buffers.Text.Base64.IsValid(raw[1..^1], out length))
            {
                length = 0;
            }
        }
        else
        {
            length = Convert.TryFromBase64String(element.GetString()!, new byte[byteLengthMax], out var written) ? written : 0;
        }
        if (length == 0 || length > byteLengthMax)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' must be base64 of 1 to {byteLengthMax} bytes.");
        }
        return length;
    }

    public bool? OptionalBool(string name)
    {
        if (!TryGet(name, out var element))
        {
            return null;
        }
        return element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(name, "true or false"),
        };
    }

    /// <summary>A nested object, read by its own strict reader (call its EnsureNoUnknownFields too).</summary>
    public PayloadReader? OptionalObject(string name)
    {
        if (!TryGet(name, out var element))
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(name, "an object");
        }
        return ForObject(element, name);
    }

    /// <summary>A list of nested objects, each read by its own strict reader.</summary>
    public IReadOnlyList<PayloadReader> RequiredObjectList(string name, int countMax)
    {
        if (!TryGet(name, out var element))
        {
            throw Missing(name);
        }
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(name, "a list of objects");
        }
        var items = new List<PayloadReader>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(name, "a list of objects");
            }
            if (items.Count == countMax)
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' holds at most {countMax} items.");
            }
            items.Add(ForObject(item, name));
        }
        return items;
    }

    public ulong RequiredUInt64(string name, ulong max = ulong.MaxValue) =>
        OptionalUInt64(name, max) ?? throw Missing(name);

    public ulong? OptionalUInt64(string name, ulong max = ulong.MaxValue)
    {
        if (!TryGet(name, out var element))
        {
            return null;
        }
        if (element.ValueKind != JsonValueKind.Number)
        {
            throw WrongType(name, "a whole number");
        }
        var raw = element.GetRawText();
        if (!ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > max)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' must be a whole number from 0 to {max}.");
        }
        return value;
    }

    public IReadOnlyList<string> RequiredStringList(string name, int countMax, int itemLengthMax)
    {
        if (!TryGet(name, out var element))
        {
            throw Missing(name);
        }
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(name, "a list of strings");
        }
        var items = new List<string>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw WrongType(name, "a list of strings");
            }
            var value = item.GetString()!;
            if (value.Length == 0 || value.Length > itemLengthMax)
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Items of field '{name}' must be 1 to {itemLengthMax} characters long.");
            }
            items.Add(value);
            if (items.Count > countMax)
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' holds at most {countMax} items.");
            }
        }
        return items;
    }

    /// <summary>Refuses any field the action did not read: an unknown field could change meaning.</summary>
    public void EnsureNoUnknownFields()
    {
        foreach (var name in _names)
        {
            if (!_read.Contains(name))
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldUnknown, $"Field '{name}' is not known to this action.");
            }
        }
    }

    private bool TryGet(string name, out JsonElement element)
    {
        _read.Add(name);
        if (_root.TryGetProperty(name, out element) && element.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        element = default;
        return false;
    }

    private static ActionRefusedException Missing(string name) =>
        new(ResultCodes.PayloadFieldMissing, $"Field '{name}' is required.");

    private static ActionRefusedException WrongType(string name, string expected) =>
        new(ResultCodes.PayloadFieldWrongType, $"Field '{name}' must be {expected}.");
}

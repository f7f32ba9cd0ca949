using Huilian.Core.Codec;

namespace Huilian.Core.Ledger;

public sealed record EventAttribute(string Key, string Value);

/// <summary>Something an action did that a listener may care about, e.g. <c>evidence.recorded</c>.</summary>
public sealed record LedgerEvent(string Type, IReadOnlyList<EventAttribute> Attributes);

/// <summary>
/// The outcome of one committed transaction. <see cref="Code"/> is a stable machine code ("Ok" on success);
/// <see cref="Message"/> is a sentence for people; <see cref="Result"/> is the action's output (JSON).
/// A receipt whose code is not a success code carries no events and its action changed nothing.
/// </summary>
public sealed record Receipt(Hash32 TransactionId, string Code, string Message, byte[] Result, IReadOnlyList<LedgerEvent> Events)
{
    public const byte FormatVersion = 1;
    public const string OkCode = "Ok";

    public bool Succeeded => Code == OkCode;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(96 + Result.Length);
        writer.WriteU8(FormatVersion);
        writer.WriteHash(TransactionId);
        writer.WriteString(Code);
        writer.WriteString(Message);
        writer.WriteBytes(Result);
        writer.WriteCount(Events.Count);
        foreach (var ledgerEvent in Events)
        {
            writer.WriteString(ledgerEvent.Type);
            writer.WriteCount(ledgerEvent.Attributes.Count);
            foreach (var attribute in ledgerEvent.Attributes)
            {
                writer.WriteString(attribute.Key);
                writer.WriteString(attribute.Value);
            }
        }
        return writer.ToArray();
    }

    /// <summary>The transaction id an encoded receipt names, read without decoding the rest.</summary>
    public static Hash32 ReadTransactionId(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown receipt format.");
        }
        return reader.ReadHash();
    }

    public static Receipt Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        var version = reader.ReadU8();
        if (version != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, $"Receipt format {version} is not supported; expected {FormatVersion}.");
        }
        var transactionId = reader.ReadHash();
        var code = reader.ReadString(Limits.ResultCodeLengthMax, "code");
        var message = reader.ReadString(Limits.ReceiptMessageBytesMax, "message");
        var result = reader.ReadBytesArray(Limits.ReceiptResultBytesMax, "result");
        var eventCount = reader.ReadCount(Limits.EventsPerReceiptMax, "events");
        var events = new LedgerEvent[eventCount];
        for (var i = 0; i < eventCount; i++)
        {
            var type = reader.ReadString(Limits.EventTextBytesMax, "event.type");
            var attributeCount = reader.ReadCount(Limits.EventAttributesMax, "event.attributes");
            var attributes = new EventAttribute[attributeCount];
            for (var j = 0; j < attributeCount; j++)
            {
                attributes[j] = new EventAttribute(reader.ReadString(Limits.EventTextBytesMax, "attribute.key"), reader.ReadString(Limits.EventTextBytesMax, "attribute.value"));
            }
            events[i] = new LedgerEvent(type, attributes);
        }
        reader.End();
        return new Receipt(transactionId, code, message, result, events);
    }
}

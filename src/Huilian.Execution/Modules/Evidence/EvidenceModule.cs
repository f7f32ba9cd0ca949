using System.Globalization;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Execution.Host;

namespace Huilian.Execution.Modules.Evidence;

/// <summary>
/// A recorded document hash (存证): what was recorded, with the owner, type and label the recorder gave, and who
/// recorded it, at which height and block time, in which transaction. Stored under "evidence/" ‖ hash.
/// </summary>
public sealed record EvidenceRecord(
    Hash32 DocumentHash,
    string Owner,
    string Type,
    string Label,
    byte[] Signer,
    ulong Height,
    long TimeMs,
    Hash32 TransactionId)
{
    public const byte FormatVersion = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(256);
        writer.WriteU8(FormatVersion);
        writer.WriteHash(DocumentHash);
        writer.WriteString(Owner);
        writer.WriteString(Type);
        writer.WriteString(Label);
        writer.WriteBytes(Signer);
        writer.WriteU64(Height);
        writer.WriteI64(TimeMs);
        writer.WriteHash(TransactionId);
        return writer.ToArray();
    }

    public static EvidenceRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown evidence record format.");
        }
        var record = new EvidenceRecord(
            reader.ReadHash(),
            reader.ReadString(Limits.EvidenceOwnerLengthMax * 4, "owner"),
            reader.ReadString(Limits.EvidenceTypeLengthMax * 4, "type"),
            reader.ReadString(Limits.EvidenceLabelLengthMax * 4, "label"),
            reader.ReadBytesArray(Limits.PublicKeyLengthMax, "signer"),
            reader.ReadU64(),
            reader.ReadI64(),
            reader.ReadHash());
        reader.End();
        return record;
    }

    public string Time => DateTimeOffset.FromUnixTimeMilliseconds(TimeMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The record as JSON, the form the API, the CLI and receipts show.</summary>
    public void WriteJson(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("hash", DocumentHash.ToString());
        writer.WriteString("owner", Owner);
        writer.WriteString("type", Type);
        writer.WriteString("label", Label);
        writer.WriteString("signer", Convert.ToHexStringLower(Signer));
        writer.WriteNumber("height", Height);
        writer.WriteString("time", Time);
        writer.WriteString("transactionId", TransactionId.ToString());
        writer.WriteEndObject();
    }
}

/// <summary>
/// Evidence storage (存证): record the hash of a document once, with metadata, and prove later that it was
/// recorded at height H, time T, by signer S. Recording a hash again changes nothing and returns the first record.
/// </summary>
public sealed class EvidenceModule : IModule
{
    public const string ModuleName = "evidence";
    public const string RecordAction = "record";
    public const string RecorderRole = "evidence-recorder";
    public const string AlreadyRecorded = "EvidenceAlreadyRecorded";

    public string Name => ModuleName;

    public static byte[] Key(in Hash32 documentHash) => StateKeys.For(ModuleName, documentHash);

    public void InitGenesis(GenesisDocument genesis, GenesisWriter writer)
    {
    }

    public void Register(ActionRegistry registry) =>
        registry.Add(RecordAction, "Records the hash of a document with its owner, type and label.", Parse, Execute);

    private sealed record RecordRequest(Hash32 DocumentHash, string Owner, string Type, string Label, ConfidentialEnvelope? Confidential);

    /// <summary>
    /// The public fields a verifier needs, and optionally a confidential section (e.g. the document's details)
    /// readable only by the organisations it is wrapped for and the regulator.
    /// </summary>
    private static RecordRequest Parse(PayloadReader payload) => new(
        payload.RequiredHash("hash"),
        payload.OptionalString("owner", Limits.EvidenceOwnerLengthMax) ?? "",
        payload.OptionalString("type", Limits.EvidenceTypeLengthMax) ?? "",
        payload.OptionalString("label", Limits.EvidenceLabelLengthMax) ?? "",
        ConfidentialEnvelope.ReadOptional(payload));

    private static ActionOutcome Execute(ActionContext context, RecordRequest request)
    {
        request.Confidential?.CheckRecipients(context.State);
        var key = Key(request.DocumentHash);
        var existing = context.Get(key);
        if (existing is not null)
        {
            var first = EvidenceRecord.Decode(existing);
            return ActionOutcome.Unchanged(AlreadyRecorded,
                string.Create(CultureInfo.InvariantCulture, $"This hash was already recorded at height {first.Height}."), ToJson(first, firstRecord: false));
        }
        var record = new EvidenceRecord(request.DocumentHash, request.Owner, request.Type, request.Label,
            context.Transaction.Signer, context.Block.Height, context.Block.TimeMs, context.Transaction.Id);
        context.Set(key, record.Encode());
        context.Emit("evidence.recorded", new EventAttribute("hash", request.DocumentHash.ToString()));
        // The recorder knows what it sent; the receipt adds only what the chain decided, keeping receipts small.
        return ActionOutcome.Ok(System.Text.Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{{\"firstRecord\":true,\"height\":{record.Height},\"time\":\"{record.Time}\"}}")));
    }

    private static byte[] ToJson(EvidenceRecord record, bool firstRecord)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("firstRecord", firstRecord);
            writer.WritePropertyName("record");
            record.WriteJson(writer);
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }
}

using Huilian.Core;
using Huilian.Core.Codec;

namespace Huilian.Execution.Modules.Registry;

/// <summary>One committed field of a document: its name and the 16-byte salted hash of its value.</summary>
public sealed record FieldCommitment(string Name, byte[] Commitment);

/// <summary>
/// A published document, under its registry key. Public to members: type, publisher, financeable value and currency,
/// and the share financed; the fields are commitments only. <see cref="FinancedActive"/> is the sum of active claims,
/// kept here so the guard reads and writes one entry.
/// </summary>
public sealed record DocumentRecord(string Type, string Publisher, string Currency, ulong Value, ulong FinancedActive,
    ulong PublishedAt, long PublishedTimeMs, IReadOnlyList<FieldCommitment> Fields)
{
    public const byte FormatVersion = 1;

    public ulong Unfinanced => Value - FinancedActive;

    /// <summary>The financed share in basis points, rounded down (10000 = financed in full).</summary>
    public ulong FinancedBasisPoints => Value == 0 ? 10_000 : (ulong)((UInt128)FinancedActive * 10_000 / Value);

    public byte[]? FieldCommitmentOf(string name)
    {
        foreach (var field in Fields)
        {
            if (field.Name == name)
            {
                return field.Commitment;
            }
        }
        return null;
    }

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(160);
        writer.WriteU8(FormatVersion);
        writer.WriteString(Type);
        writer.WriteString(Publisher);
        writer.WriteString(Currency);
        writer.WriteU64(Value);
        writer.WriteU64(FinancedActive);
        writer.WriteU64(PublishedAt);
        writer.WriteI64(PublishedTimeMs);
        writer.WriteCount(Fields.Count);
        foreach (var field in Fields)
        {
            writer.WriteString(field.Name);
            writer.WriteFixed(field.Commitment);
        }
        return writer.ToArray();
    }

    public static DocumentRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown document record format.");
        }
        var type = reader.ReadString(64, "type");
        var publisher = reader.ReadString(64, "publisher");
        var currency = reader.ReadString(3, "currency");
        var value = reader.ReadU64();
        var financed = reader.ReadU64();
        var publishedAt = reader.ReadU64();
        var publishedTimeMs = reader.ReadI64();
        var count = reader.ReadCount(8, "fields");
        var fields = new FieldCommitment[count];
        for (var i = 0; i < count; i++)
        {
            fields[i] = new FieldCommitment(reader.ReadString(32, "field"), reader.ReadFixed(DocumentKeys.CommitmentBytes).ToArray());
        }
        reader.End();
        return new DocumentRecord(type, publisher, currency, value, financed, publishedAt, publishedTimeMs, fields);
    }
}

/// <summary>The outcome of verifying one document. Stable names: clients and reports match on them.</summary>
public static class VerificationOutcomes
{
    public const string Match = "Match";
    public const string FieldMismatch = "FieldMismatch";
    public const string NotFound = "NotFound";
    public const string AlreadyFinancedInFull = "AlreadyFinancedInFull";
    public const string CurrencyMismatch = "CurrencyMismatch";
    public const string ValueMismatch = "ValueMismatch";

    public static IReadOnlyList<string> All { get; } = [Match, FieldMismatch, NotFound, AlreadyFinancedInFull, CurrencyMismatch, ValueMismatch];

    public static byte Code(string outcome)
    {
        var index = -1;
        for (var i = 0; i < All.Count; i++)
        {
            if (All[i] == outcome)
            {
                index = i;
            }
        }
        return index < 0 ? throw new ArgumentException($"Unknown outcome '{outcome}'.") : (byte)index;
    }
}

/// <summary>One verified document of a batch: the claimed type, the key, the outcome, its reason (the field that did not match) and the financed share.</summary>
public sealed record VerifiedItem(string Type, Hash32 Key, string Outcome, string Reason, ulong FinancedBasisPoints)
{
    /// <summary>"Match", "FieldMismatch:goods", "NotFound", ...</summary>
    public string OutcomeWithReason => Reason.Length == 0 ? Outcome : Outcome + ":" + Reason;
}

/// <summary>A verification batch as recorded on the ledger: who verified, for which enterprise, when, and each outcome.</summary>
public sealed record VerificationRecord(ulong Sequence, string Bank, string Branch, string User, string Enterprise, ulong Height, long TimeMs,
    Hash32 TransactionId, IReadOnlyList<VerifiedItem> Items)
{
    public const byte FormatVersion = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(256 + (Items.Count * 72));
        writer.WriteU8(FormatVersion);
        writer.WriteU64(Sequence);
        writer.WriteString(Bank);
        writer.WriteString(Branch);
        writer.WriteString(User);
        writer.WriteString(Enterprise);
        writer.WriteU64(Height);
        writer.WriteI64(TimeMs);
        writer.WriteHash(TransactionId);
        writer.WriteCount(Items.Count);
        foreach (var item in Items)
        {
            writer.WriteString(item.Type);
            writer.WriteHash(item.Key);
            writer.WriteU8(VerificationOutcomes.Code(item.Outcome));
            writer.WriteString(item.Reason);
            writer.WriteU16(checked((ushort)item.FinancedBasisPoints));
        }
        return writer.ToArray();
    }

    public static VerificationRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown verification record format.");
        }
        var sequence = reader.ReadU64();
        var bank = reader.ReadString(64, "bank");
        var branch = reader.ReadString(64, "branch");
        var user = reader.ReadString(160, "user");
        var enterprise = reader.ReadString(64, "enterprise");
        var height = reader.ReadU64();
        var timeMs = reader.ReadI64();
        var transactionId = reader.ReadHash();
        var count = reader.ReadCount(RegistryModule.VerifyBatchMax, "items");
        var items = new VerifiedItem[count];
        for (var i = 0; i < count; i++)
        {
            var type = reader.ReadString(64, "type");
            var key = reader.ReadHash();
            var outcomeCode = reader.ReadU8();
            if (outcomeCode >= VerificationOutcomes.All.Count)
            {
                throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown verification outcome.");
            }
            items[i] = new VerifiedItem(type, key, VerificationOutcomes.All[outcomeCode], reader.ReadString(32, "reason"), reader.ReadU16());
        }
        reader.End();
        return new VerificationRecord(sequence, bank, branch, user, enterprise, height, timeMs, transactionId, items);
    }
}

/// <summary>
/// A refused attempt to finance a document beyond its value, kept on the ledger although the attempt changed nothing
/// else: the regulator reads every alert; a bank reads its own. It names the refused bank, never the banks whose
/// claims are already active.
/// </summary>
public sealed record AlertRecord(ulong Sequence, string Code, string Bank, string Branch, string User, string Enterprise, string Action,
    Hash32 DocumentKey, string Currency, ulong Requested, ulong FinancedActive, ulong Value, ulong Height, long TimeMs, Hash32 TransactionId)
{
    public const byte FormatVersion = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(320);
        writer.WriteU8(FormatVersion);
        writer.WriteU64(Sequence);
        writer.WriteString(Code);
        writer.WriteString(Bank);
        writer.WriteString(Branch);
        writer.WriteString(User);
        writer.WriteString(Enterprise);
        writer.WriteString(Action);
        writer.WriteHash(DocumentKey);
        writer.WriteString(Currency);
        writer.WriteU64(Requested);
        writer.WriteU64(FinancedActive);
        writer.WriteU64(Value);
        writer.WriteU64(Height);
        writer.WriteI64(TimeMs);
        writer.WriteHash(TransactionId);
        return writer.ToArray();
    }

    public static AlertRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown alert record format.");
        }
        var record = new AlertRecord(reader.ReadU64(), reader.ReadString(64, "code"), reader.ReadString(64, "bank"), reader.ReadString(64, "branch"),
            reader.ReadString(160, "user"), reader.ReadString(64, "enterprise"), reader.ReadString(64, "action"), reader.ReadHash(), reader.ReadString(3, "currency"),
            reader.ReadU64(), reader.ReadU64(), reader.ReadU64(), reader.ReadU64(), reader.ReadI64(), reader.ReadHash());
        reader.End();
        return record;
    }
}

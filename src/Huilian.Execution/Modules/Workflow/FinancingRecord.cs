using Huilian.Core;
using Huilian.Core.Codec;

namespace Huilian.Execution.Modules.Workflow;

/// <summary>A financing's claim on one document: what the application asked, and what is active now (0 until disbursement).</summary>
public sealed record FinancingClaim(Hash32 Key, ulong Requested, ulong Active);

/// <summary>
/// One financing, an instance of a process: its state, its parties, its amounts (minor units of its currency) and its
/// claims. Outstanding is the disbursed principal not yet repaid; the active claims always sum to it.
/// </summary>
public sealed record FinancingRecord(
    string Id, string Process, string State, string Bank, string Branch, string Enterprise, string Currency,
    ulong AppliedAmount, ulong DisbursedAmount, ulong Outstanding, ulong Repaid, ulong RateBasisPoints, ulong TermDays, string ValueDate, string Reason,
    ulong AppliedAt, long AppliedTimeMs, ulong DisbursedAt, long DisbursedTimeMs, ulong UpdatedAt, long UpdatedTimeMs, string LastUser, uint Steps,
    IReadOnlyList<FinancingClaim> Claims)
{
    public const byte FormatVersion = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(512);
        writer.WriteU8(FormatVersion);
        writer.WriteString(Id);
        writer.WriteString(Process);
        writer.WriteString(State);
        writer.WriteString(Bank);
        writer.WriteString(Branch);
        writer.WriteString(Enterprise);
        writer.WriteString(Currency);
        writer.WriteU64(AppliedAmount);
        writer.WriteU64(DisbursedAmount);
        writer.WriteU64(Outstanding);
        writer.WriteU64(Repaid);
        writer.WriteU64(RateBasisPoints);
        writer.WriteU64(TermDays);
        writer.WriteString(ValueDate);
        writer.WriteString(Reason);
        writer.WriteU64(AppliedAt);
        writer.WriteI64(AppliedTimeMs);
        writer.WriteU64(DisbursedAt);
        writer.WriteI64(DisbursedTimeMs);
        writer.WriteU64(UpdatedAt);
        writer.WriteI64(UpdatedTimeMs);
        writer.WriteString(LastUser);
        writer.WriteU32(Steps);
        writer.WriteCount(Claims.Count);
        foreach (var claim in Claims)
        {
            writer.WriteHash(claim.Key);
            writer.WriteU64(claim.Requested);
            writer.WriteU64(claim.Active);
        }
        return writer.ToArray();
    }

    public static FinancingRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown financing record format.");
        }
        var id = reader.ReadString(32, "id");
        var process = reader.ReadString(64, "process");
        var state = reader.ReadString(64, "state");
        var bank = reader.ReadString(64, "bank");
        var branch = reader.ReadString(64, "branch");
        var enterprise = reader.ReadString(64, "enterprise");
        var currency = reader.ReadString(3, "currency");
        var applied = reader.ReadU64();
        var disbursed = reader.ReadU64();
        var outstanding = reader.ReadU64();
        var repaid = reader.ReadU64();
        var rate = reader.ReadU64();
        var term = reader.ReadU64();
        var valueDate = reader.ReadString(10, "valueDate");
        var reason = reader.ReadString(1024, "reason");
        var appliedAt = reader.ReadU64();
        var appliedTime = reader.ReadI64();
        var disbursedAt = reader.ReadU64();
        var disbursedTime = reader.ReadI64();
        var updatedAt = reader.ReadU64();
        var updatedTime = reader.ReadI64();
        var lastUser = reader.ReadString(160, "lastUser");
        var steps = reader.ReadU32();
        var count = reader.ReadCount(Registry.FinancingGuard.ClaimsPerFinancingMax, "claims");
        var claims = new FinancingClaim[count];
        for (var i = 0; i < count; i++)
        {
            claims[i] = new FinancingClaim(reader.ReadHash(), reader.ReadU64(), reader.ReadU64());
        }
        reader.End();
        return new FinancingRecord(id, process, state, bank, branch, enterprise, currency, applied, disbursed, outstanding, repaid, rate, term, valueDate, reason,
            appliedAt, appliedTime, disbursedAt, disbursedTime, updatedAt, updatedTime, lastUser, steps, claims);
    }
}

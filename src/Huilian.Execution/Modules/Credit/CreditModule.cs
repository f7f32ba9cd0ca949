using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Modules.Credit;

/// <summary>A bank's enabling (开通) of an enterprise: the gate before the bank may apply on its behalf or query its credit.</summary>
public sealed record EnablingRecord(string Bank, string Enterprise, string EnabledBy, ulong EnabledAt, bool Withdrawn)
{
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(128);
        writer.WriteU8(1);
        writer.WriteString(Bank);
        writer.WriteString(Enterprise);
        writer.WriteString(EnabledBy);
        writer.WriteU64(EnabledAt);
        writer.WriteBool(Withdrawn);
        return writer.ToArray();
    }

    public static EnablingRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != 1)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown enabling record format.");
        }
        var record = new EnablingRecord(reader.ReadString(64, "bank"), reader.ReadString(64, "enterprise"), reader.ReadString(160, "by"), reader.ReadU64(), reader.ReadBool());
        reader.End();
        return record;
    }
}

/// <summary>An enterprise's grant of read access to its cross-border credit information, to one bank, for a period.</summary>
public sealed record GrantRecord(string Enterprise, string Bank, string GrantedBy, long FromMs, long UntilMs, ulong GrantedAt, ulong RevokedAt)
{
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(160);
        writer.WriteU8(1);
        writer.WriteString(Enterprise);
        writer.WriteString(Bank);
        writer.WriteString(GrantedBy);
        writer.WriteI64(FromMs);
        writer.WriteI64(UntilMs);
        writer.WriteU64(GrantedAt);
        writer.WriteU64(RevokedAt);
        return writer.ToArray();
    }

    public static GrantRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != 1)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown grant record format.");
        }
        var record = new GrantRecord(reader.ReadString(64, "enterprise"), reader.ReadString(64, "bank"), reader.ReadString(160, "by"),
            reader.ReadI64(), reader.ReadI64(), reader.ReadU64(), reader.ReadU64());
        reader.End();
        return record;
    }

    /// <summary>Whether the grant allows a query in a block at <paramref name="height"/> with time <paramref name="timeMs"/>.</summary>
    public bool IsActive(ulong height, long timeMs) => (RevokedAt == 0 || height <= RevokedAt) && timeMs >= FromMs && timeMs <= UntilMs;
}

/// <summary>One logged query of an enterprise's credit information: who, when, why, under which grant.</summary>
public sealed record CreditQueryRecord(ulong Sequence, string Enterprise, string Bank, string User, string Purpose, ulong Height, long TimeMs, Hash32 TransactionId)
{
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(200);
        writer.WriteU8(1);
        writer.WriteU64(Sequence);
        writer.WriteString(Enterprise);
        writer.WriteString(Bank);
        writer.WriteString(User);
        writer.WriteString(Purpose);
        writer.WriteU64(Height);
        writer.WriteI64(TimeMs);
        writer.WriteHash(TransactionId);
        return writer.ToArray();
    }

    public static CreditQueryRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != 1)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown credit query record format.");
        }
        var record = new CreditQueryRecord(reader.ReadU64(), reader.ReadString(64, "enterprise"), reader.ReadString(64, "bank"), reader.ReadString(160, "user"),
            reader.ReadString(64, "purpose"), reader.ReadU64(), reader.ReadI64(), reader.ReadHash());
        reader.End();
        return record;
    }
}

/// <summary>
/// Enterprise cross-border credit information, authorised query (企业跨境信用信息授权查证), and the enabling gate
/// (企业出口融资申请及信用信息授权业务开通). A bank's enabling clerk enables an enterprise; the enterprise grants that
/// bank read access for a period and may revoke it; the bank's query is a transaction, refused outside an active
/// grant and logged on the ledger where the enterprise and the regulator can read who queried, when and why.
/// </summary>
public sealed class CreditModule : IModule
{
    public const string ModuleName = "credit";
    public const ulong GrantDaysMaxDefault = 366;
    public const long DayMs = 86_400_000;

    /// <summary>Why a bank queries: the stable purpose codes (the "why-code" of the access log).</summary>
    public static IReadOnlyList<string> Purposes { get; } = ["financing-application", "credit-review", "post-loan-monitoring", "compliance-check"];

    public string Name => ModuleName;

    public static byte[] EnablingKey(string bank, string enterprise) => StateKeys.For(ModuleName, Encoding.ASCII.GetBytes("enabled/" + bank + "/" + enterprise));

    public static byte[] GrantKey(string enterprise, string bank) => StateKeys.For(ModuleName, Encoding.ASCII.GetBytes("grant/" + enterprise + "/" + bank));

    public static byte[] QueryCountKey(string enterprise) => StateKeys.For(ModuleName, Encoding.ASCII.GetBytes("queries/" + enterprise));

    public static byte[] QueryKey(string enterprise, ulong sequence) =>
        StateKeys.For(ModuleName, Encoding.ASCII.GetBytes("query/" + enterprise + "/" + sequence.ToString("D12", CultureInfo.InvariantCulture)));

    public static EnablingRecord? ReadEnabling(IStateReader state, string bank, string enterprise) =>
        state.Get(EnablingKey(bank, enterprise)) is { } value ? EnablingRecord.Decode(value) : null;

    /// <summary>Whether <paramref name="bank"/> has enabled <paramref name="enterprise"/> (and not withdrawn it): the 开通 gate.</summary>
    public static bool IsEnabled(IStateReader state, string bank, string enterprise) => ReadEnabling(state, bank, enterprise) is { Withdrawn: false };

    public static GrantRecord? ReadGrant(IStateReader state, string enterprise, string bank) =>
        state.Get(GrantKey(enterprise, bank)) is { } value ? GrantRecord.Decode(value) : null;

    public static ulong ReadQueryCount(IStateReader state, string enterprise) =>
        state.Get(QueryCountKey(enterprise)) is { } value ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0;

    public static CreditQueryRecord? ReadQuery(IStateReader state, string enterprise, ulong sequence) =>
        state.Get(QueryKey(enterprise, sequence)) is { } value ? CreditQueryRecord.Decode(value) : null;

    public void InitGenesis(GenesisDocument genesis, GenesisWriter writer)
    {
    }

    public void Register(ActionRegistry registry)
    {
        registry.Add("enable", "Enables an enterprise for export financing and credit-information authorisation at the signer's bank (开通).", ParseEnterprise, ExecuteEnable);
        registry.Add("disable", "Withdraws the signer's bank's enabling of an enterprise.", ParseEnterprise, ExecuteDisable);
        registry.Add("grant", "Grants a bank read access to the signer's enterprise credit information for a number of days.", ParseGrant, ExecuteGrant);
        registry.Add("revoke", "Revokes the signer's enterprise's grant to a bank, from the next block.", ParseBank, ExecuteRevoke);
        registry.Add("query", "Queries an enterprise's credit information under its grant; the query is logged.", ParseQuery, ExecuteQuery);
    }

    private sealed record EnterpriseRequest(string Enterprise);

    private sealed record GrantRequest(string Bank, ulong Days);

    private sealed record BankRequest(string Bank);

    private sealed record QueryRequest(string Enterprise, string Purpose);

    private static EnterpriseRequest ParseEnterprise(PayloadReader payload) => new(payload.RequiredString("enterprise", 64));

    private static GrantRequest ParseGrant(PayloadReader payload) => new(payload.RequiredString("bank", 64), payload.RequiredUInt64("days", 3_660));

    private static BankRequest ParseBank(PayloadReader payload) => new(payload.RequiredString("bank", 64));

    private static QueryRequest ParseQuery(PayloadReader payload)
    {
        var request = new QueryRequest(payload.RequiredString("enterprise", 64), payload.RequiredString("purpose", 64));
        if (!Purposes.Contains(request.Purpose))
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Purpose '{request.Purpose}' is unknown; use one of {string.Join(", ", Purposes)}.");
        }
        return request;
    }

    private static SignerRecord Signer(ActionContext context) => MembershipState.ReadSigner(context.State, context.SignerId)!;

    private static OrganisationRecord RequireKind(IStateReader state, string id, string kind)
    {
        var organisation = MembershipState.ReadOrganisation(state, id)
            ?? throw new ActionRefusedException(MembershipCodes.OrganisationUnknown, $"Organisation '{id}' is not a member.");
        if (organisation.Kind != kind)
        {
            throw new ActionRefusedException("OrganisationWrongKind", $"Organisation '{id}' is a {organisation.Kind}, not a {kind}.");
        }
        if (organisation.Suspended)
        {
            throw new ActionRefusedException(MembershipCodes.OrganisationSuspended, $"Organisation '{id}' is suspended.");
        }
        return organisation;
    }

    private static ActionOutcome ExecuteEnable(ActionContext context, EnterpriseRequest request)
    {
        var signer = Signer(context);
        RequireKind(context.State, signer.Organisation, OrganisationKinds.Bank);
        RequireKind(context.State, request.Enterprise, OrganisationKinds.Enterprise);
        if (IsEnabled(context.State, signer.Organisation, request.Enterprise))
        {
            return ActionOutcome.Unchanged("EnterpriseAlreadyEnabled", $"Enterprise '{request.Enterprise}' is already enabled at '{signer.Organisation}'.", []);
        }
        context.Set(EnablingKey(signer.Organisation, request.Enterprise),
            new EnablingRecord(signer.Organisation, request.Enterprise, signer.Organisation + "/" + signer.Holder, context.Block.Height, false).Encode());
        context.Emit("credit.enabled", new EventAttribute("bank", signer.Organisation), new EventAttribute("enterprise", request.Enterprise));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteString("bank", signer.Organisation);
            w.WriteString("enterprise", request.Enterprise);
        }));
    }

    private static ActionOutcome ExecuteDisable(ActionContext context, EnterpriseRequest request)
    {
        var signer = Signer(context);
        var record = ReadEnabling(context.State, signer.Organisation, request.Enterprise);
        if (record is null || record.Withdrawn)
        {
            throw new ActionRefusedException("EnterpriseNotEnabled", $"Enterprise '{request.Enterprise}' is not enabled at '{signer.Organisation}'.");
        }
        context.Set(EnablingKey(signer.Organisation, request.Enterprise), (record with { Withdrawn = true }).Encode());
        context.Emit("credit.disabled", new EventAttribute("bank", signer.Organisation), new EventAttribute("enterprise", request.Enterprise));
        return ActionOutcome.Ok(MembershipModule.Json(w => w.WriteString("enterprise", request.Enterprise)));
    }

    private static ActionOutcome ExecuteGrant(ActionContext context, GrantRequest request)
    {
        var signer = Signer(context);
        RequireKind(context.State, signer.Organisation, OrganisationKinds.Enterprise);
        RequireKind(context.State, request.Bank, OrganisationKinds.Bank);
        if (!IsEnabled(context.State, request.Bank, signer.Organisation))
        {
            throw new ActionRefusedException("EnterpriseNotEnabled",
                $"Bank '{request.Bank}' has not enabled '{signer.Organisation}' (企业出口融资申请及信用信息授权业务开通); the bank's enabling clerk does that first.");
        }
        var daysMax = context.Get(StateKeys.Parameter(ParameterNames.CreditGrantDaysMax)) is { } value ? BinaryPrimitives.ReadUInt64BigEndian(value) : GrantDaysMaxDefault;
        if (request.Days is 0 || request.Days > daysMax)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, string.Create(CultureInfo.InvariantCulture, $"A grant lasts 1 to {daysMax} days."));
        }
        var until = checked(context.Block.TimeMs + ((long)request.Days * DayMs));
        var grant = new GrantRecord(signer.Organisation, request.Bank, signer.Organisation + "/" + signer.Holder, context.Block.TimeMs, until, context.Block.Height, 0);
        context.Set(GrantKey(signer.Organisation, request.Bank), grant.Encode());
        context.Emit("credit.granted", new EventAttribute("enterprise", signer.Organisation), new EventAttribute("bank", request.Bank));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteString("enterprise", signer.Organisation);
            w.WriteString("bank", request.Bank);
            w.WriteString("until", DateTimeOffset.FromUnixTimeMilliseconds(until).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }));
    }

    private static ActionOutcome ExecuteRevoke(ActionContext context, BankRequest request)
    {
        var signer = Signer(context);
        var grant = ReadGrant(context.State, signer.Organisation, request.Bank);
        if (grant is null || grant.RevokedAt != 0)
        {
            throw new ActionRefusedException("GrantNotFound", $"'{signer.Organisation}' has no active grant to '{request.Bank}'.");
        }
        context.Set(GrantKey(signer.Organisation, request.Bank), (grant with { RevokedAt = context.Block.Height }).Encode());
        context.Emit("credit.revoked", new EventAttribute("enterprise", signer.Organisation), new EventAttribute("bank", request.Bank));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteString("bank", request.Bank);
            w.WriteNumber("revokedAt", context.Block.Height);
        }));
    }

    private static ActionOutcome ExecuteQuery(ActionContext context, QueryRequest request)
    {
        var signer = Signer(context);
        RequireKind(context.State, signer.Organisation, OrganisationKinds.Bank);
        RequireKind(context.State, request.Enterprise, OrganisationKinds.Enterprise);
        if (!IsEnabled(context.State, signer.Organisation, request.Enterprise))
        {
            throw new ActionRefusedException("EnterpriseNotEnabled", $"'{signer.Organisation}' has not enabled enterprise '{request.Enterprise}'.");
        }
        var grant = ReadGrant(context.State, request.Enterprise, signer.Organisation)
            ?? throw new ActionRefusedException("GrantNotFound", $"Enterprise '{request.Enterprise}' has not granted '{signer.Organisation}' access to its credit information.");
        if (grant.RevokedAt != 0 && context.Block.Height > grant.RevokedAt)
        {
            throw new ActionRefusedException("GrantRevoked", string.Create(CultureInfo.InvariantCulture, $"Enterprise '{request.Enterprise}' revoked its grant at height {grant.RevokedAt}."));
        }
        if (!grant.IsActive(context.Block.Height, context.Block.TimeMs))
        {
            throw new ActionRefusedException("GrantExpired", $"The grant of '{request.Enterprise}' to '{signer.Organisation}' is not in force at this block's time.");
        }
        var sequence = checked(ReadQueryCount(context.State, request.Enterprise) + 1);
        var count = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(count, sequence);
        context.Set(QueryCountKey(request.Enterprise), count);
        var record = new CreditQueryRecord(sequence, request.Enterprise, signer.Organisation, signer.Organisation + "/" + signer.Holder, request.Purpose,
            context.Block.Height, context.Block.TimeMs, context.Transaction.Id);
        context.Set(QueryKey(request.Enterprise, sequence), record.Encode());
        context.Emit("credit.queried", new EventAttribute("enterprise", request.Enterprise), new EventAttribute("bank", signer.Organisation));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteString("enterprise", request.Enterprise);
            w.WriteNumber("query", sequence);
            w.WriteString("grantUntil", DateTimeOffset.FromUnixTimeMilliseconds(grant.UntilMs).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }));
    }
}

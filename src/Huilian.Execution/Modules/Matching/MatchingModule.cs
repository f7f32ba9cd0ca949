using System.Text;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Modules.Matching;

/// <summary>
/// A bank's branch (网点) as the bank maintains it: its name and its region, an administrative-division code of
/// GB/T 2260 (six digits: province, city, district), e.g. 310115 for Shanghai Pudong.
/// </summary>
public sealed record BranchRecord(string Bank, string Branch, string Name, string Region, string MaintainedBy, ulong MaintainedAt)
{
    public byte[] Encode()
    {
        var writer = new CanonicalWriter(192);
        writer.WriteU8(1);
        writer.WriteString(Bank);
        writer.WriteString(Branch);
        writer.WriteString(Name);
        writer.WriteString(Region);
        writer.WriteString(MaintainedBy);
        writer.WriteU64(MaintainedAt);
        return writer.ToArray();
    }

    public static BranchRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != 1)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown branch record format.");
        }
        var record = new BranchRecord(reader.ReadString(64, "bank"), reader.ReadString(64, "branch"), reader.ReadString(512, "name"),
            reader.ReadString(6, "region"), reader.ReadString(160, "by"), reader.ReadU64());
        reader.End();
        return record;
    }
}

/// <summary>
/// Bank–enterprise financing and credit matching (融资授信银企对接, SAFE Table 08-02). Only its first resource is
/// built: <c>matching.maintain-branches</c> (融资授信业务办理银行信息维护), by which a bank's branch-information clerk
/// records a branch's name and region — what the regulator's statistics per region read
/// (<c>ReceivablesReports.RegionStatistics</c>). The rest of the scenario is not built.
/// </summary>
public sealed class MatchingModule : IModule
{
    public const string ModuleName = "matching";
    public const string RegionMalformed = "RegionMalformed";
    public const string BranchUnchanged = "BranchUnchanged";

    /// <summary>The region of a financing whose branch its bank has not maintained.</summary>
    public const string UnknownRegion = "unknown";

    public string Name => ModuleName;

    public void InitGenesis(GenesisDocument genesis, GenesisWriter writer)
    {
    }

    public void Register(ActionRegistry registry) =>
        registry.Add("maintain-branches", "Records a branch of the signer's bank: its name and region (GB/T 2260 code); again to change them.", Parse, Execute);

    public static byte[] BranchKey(string bank, string branch) => StateKeys.For(ModuleName, Encoding.ASCII.GetBytes("branch/" + bank + "/" + branch));

    public static BranchRecord? ReadBranch(IStateReader state, string bank, string branch) =>
        state.Get(BranchKey(bank, branch)) is { } value ? BranchRecord.Decode(value) : null;

    /// <summary>The region of <paramref name="bank"/>'s branch <paramref name="branch"/>, or <see cref="UnknownRegion"/>.</summary>
    public static string RegionOf(IStateReader state, string bank, string branch) => ReadBranch(state, bank, branch)?.Region ?? UnknownRegion;

    private sealed record BranchRequest(string Branch, string Name, string Region);

    private static BranchRequest Parse(PayloadReader payload)
    {
        var request = new BranchRequest(payload.RequiredString("branch", 64), payload.RequiredString("name", 128), payload.RequiredString("region", 6, 6));
        if (!Identifier.IsValid(request.Branch, 64))
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Branch '{request.Branch}' is not an identifier (a-z first, then a-z, 0-9, '.', '_', '-').");
        }
        if (!request.Region.All(char.IsAsciiDigit) || request.Region.StartsWith("00", StringComparison.Ordinal))
        {
            throw new ActionRefusedException(RegionMalformed, $"Region '{request.Region}' is not a GB/T 2260 administrative-division code (six digits, e.g. 310115).");
        }
        if (request.Name.Any(char.IsControl))
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "A branch name has no control characters.");
        }
        return request;
    }

    private static ActionOutcome Execute(ActionContext context, BranchRequest request)
    {
        var signer = MembershipState.ReadSigner(context.State, context.SignerId)!;
        var organisation = MembershipState.ReadOrganisation(context.State, signer.Organisation)!;
        if (organisation.Kind != OrganisationKinds.Bank)
        {
            throw new ActionRefusedException("OrganisationWrongKind", $"Branches are a bank's; '{organisation.Id}' is a {organisation.Kind}.");
        }
        if (ReadBranch(context.State, organisation.Id, request.Branch) is { } existing && existing.Name == request.Name && existing.Region == request.Region)
        {
            return ActionOutcome.Unchanged(BranchUnchanged, $"Branch '{request.Branch}' of '{organisation.Id}' is already so.", []);
        }
        var record = new BranchRecord(organisation.Id, request.Branch, request.Name, request.Region, signer.Organisation + "/" + signer.Holder, context.Block.Height);
        context.Set(BranchKey(organisation.Id, request.Branch), record.Encode());
        context.Emit("matching.branch-maintained", new EventAttribute("bank", organisation.Id), new EventAttribute("branch", request.Branch), new EventAttribute("region", request.Region));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteString("bank", organisation.Id);
            w.WriteString("branch", request.Branch);
            w.WriteString("region", request.Region);
        }));
    }
}

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

namespace Huilian.Execution.Modules.Governance;

/// <summary>Where a proposal stands.</summary>
public enum ProposalStatus : byte
{
    Open = 0,

    /// <summary>Approved; its change applies at the start of <see cref="ProposalRecord.EffectiveHeight"/>.</summary>
    Passed = 1,
    Applied = 2,
    Rejected = 3,

    /// <summary>Approved, but the change could no longer be made when it fell due (e.g. the id was taken meanwhile).</summary>
    Failed = 4,
}

/// <summary>One organisation's vote.</summary>
public sealed record GovernanceVote(string Organisation, string Voter, bool Approve, ulong Height);

/// <summary>A governance proposal: the change (its payload is kept under its own key), the votes, the outcome.</summary>
public sealed record ProposalRecord(
    ulong Id,
    string Kind,
    string Summary,
    string Proposer,
    ulong CreatedAt,
    ulong Deadline,
    ulong ApplyAtHeight,
    ProposalStatus Status,
    ulong EffectiveHeight,
    string Outcome,
    IReadOnlyList<GovernanceVote> Votes)
{
    public const byte FormatVersion = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(512);
        writer.WriteU8(FormatVersion);
        writer.WriteU64(Id);
        writer.WriteString(Kind);
        writer.WriteString(Summary);
        writer.WriteString(Proposer);
        writer.WriteU64(CreatedAt);
        writer.WriteU64(Deadline);
        writer.WriteU64(ApplyAtHeight);
        writer.WriteU8((byte)Status);
        writer.WriteU64(EffectiveHeight);
        writer.WriteString(Outcome);
        writer.WriteCount(Votes.Count);
        foreach (var vote in Votes)
        {
            writer.WriteString(vote.Organisation);
            writer.WriteString(vote.Voter);
            writer.WriteBool(vote.Approve);
            writer.WriteU64(vote.Height);
        }
        return writer.ToArray();
    }

    public static ProposalRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown proposal record format.");
        }
        var id = reader.ReadU64();
        var kind = reader.ReadString(64, "kind");
        var summary = reader.ReadString(2048, "summary");
        var proposer = reader.ReadString(160, "proposer");
        var createdAt = reader.ReadU64();
        var deadline = reader.ReadU64();
        var applyAt = reader.ReadU64();
        var status = (ProposalStatus)reader.ReadU8();
        var effective = reader.ReadU64();
        var outcome = reader.ReadString(1024, "outcome");
        var count = reader.ReadCount(GenesisDocument.OrganisationsMax, "votes");
        var votes = new GovernanceVote[count];
        for (var i = 0; i < count; i++)
        {
            votes[i] = new GovernanceVote(reader.ReadString(64, "organisation"), reader.ReadString(160, "voter"), reader.ReadBool(), reader.ReadU64());
        }
        reader.End();
        return new ProposalRecord(id, kind, summary, proposer, createdAt, deadline, applyAt, status, effective, outcome, votes);
    }
}

/// <summary>
/// Governance by the member organisations: admitting, suspending and reinstating organisations, and changing
/// protocol parameters. A proposal is voted by organisation admins, one vote per organisation; it passes with the
/// approval genesis requires (by default the regulator plus two thirds of the organisations that run validators)
/// and its change applies at the start of a stated height, never earlier, identically on every node.
/// </summary>
public sealed class GovernanceModule : IModule
{
    public const string ModuleName = "gov";
    public const string AdmitOrganisation = "admit-organisation";
    public const string SuspendOrganisation = "suspend-organisation";
    public const string ReinstateOrganisation = "reinstate-organisation";
    public const string SetParameter = "set-parameter";
    public const string AddValidator = "add-validator";
    public const string RemoveValidator = "remove-validator";
    public const string SetValidatorPower = "set-validator-power";

    public static IReadOnlyList<string> Kinds { get; } =
        [AdmitOrganisation, SuspendOrganisation, ReinstateOrganisation, SetParameter, AddValidator, RemoveValidator, SetValidatorPower];

    /// <summary>Decisions due at one height: bounded so a block's start stays cheap.</summary>
    public const int ScheduledPerHeightMax = 64;

    public string Name => ModuleName;

    public static byte[] CountKey() => StateKeys.For(ModuleName, "count"u8);

    public static byte[] ProposalKey(ulong id) => StateKeys.For(ModuleName, Numbered("proposal/", id));

    public static byte[] ChangeKey(ulong id) => StateKeys.For(ModuleName, Numbered("change/", id));

    public static byte[] ScheduleKey(ulong height) => StateKeys.For(ModuleName, Numbered("schedule/", height));

    public static byte[] RulesKey() => StateKeys.For(ModuleName, "rules"u8);

    public static byte[] ValidatorOrganisationsKey() => StateKeys.For(ModuleName, "validator-orgs"u8);

    private static byte[] Numbered(string prefix, ulong number)
    {
        var bytes = new byte[prefix.Length + 8];
        Encoding.ASCII.GetBytes(prefix, bytes);
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(prefix.Length), number);
        return bytes;
    }

    public static ulong ReadCount(IStateReader state) => state.Get(CountKey()) is { } value ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0;

    public static ProposalRecord? ReadProposal(IStateReader state, ulong id) =>
        state.Get(ProposalKey(id)) is { } value ? ProposalRecord.Decode(value) : null;

    public static GovernanceRules ReadRules(IStateReader state)
    {
        var value = state.Get(RulesKey());
        var rules = new GovernanceRules();
        if (value is not null)
        {
            var reader = new CanonicalReader(value);
            rules.RegulatorRequired = reader.ReadBool();
            rules.ValidatorOrganisationsNumerator = reader.ReadU32();
            rules.ValidatorOrganisationsDenominator = reader.ReadU32();
            rules.VotingPeriodBlocks = reader.ReadU64();
            reader.End();
        }
        if (state.Get(StateKeys.Parameter(ParameterNames.VotingPeriodBlocks)) is { } period)
        {
            rules.VotingPeriodBlocks = BinaryPrimitives.ReadUInt64BigEndian(period);
        }
        return rules;
    }

    public void InitGenesis(GenesisDocument genesis, GenesisWriter writer)
    {
        var rules = new CanonicalWriter(32);
        rules.WriteBool(genesis.Governance.RegulatorRequired);
        rules.WriteU32(genesis.Governance.ValidatorOrganisationsNumerator);
        rules.WriteU32(genesis.Governance.ValidatorOrganisationsDenominator);
        rules.WriteU64(genesis.Governance.VotingPeriodBlocks);
        writer.Set(RulesKey(), rules.ToArray());
        var organisations = genesis.Validators.Select(v => v.Organisation).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        writer.Set(ValidatorOrganisationsKey(), MembershipState.EncodeNames(organisations));
        writer.Set(ValidatorSet.StateKey.ToArray(), genesis.CreateValidatorSet(writer.Hash).EncodeState());
    }

    /// <summary>The validator set in <paramref name="state"/> (null when the chain's state holds none).</summary>
    public static ValidatorSet? ReadValidators(IStateReader state, Core.Crypto.IHashFunction hash) => ValidatorChange.ReadSet(state, hash);

    public void Register(ActionRegistry registry)
    {
        registry.Add("propose", "Proposes a change: admit, suspend or reinstate an organisation, set a protocol parameter, or add, remove or re-weight a validator.", ParsePropose, ExecutePropose);
        registry.Add("vote", "Votes for the signer's organisation on an open proposal.", ParseVote, ExecuteVote);
    }

    /// <summary>Applies the decisions due at this height, before the block's transactions.</summary>
    public void BeginBlock(BlockHookContext context)
    {
        var due = context.Get(ScheduleKey(context.Block.Height));
        if (due is null)
        {
            return;
        }
        var reader = new CanonicalReader(due);
        var count = reader.ReadCount(ScheduledPerHeightMax, "scheduled");
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadU64();
            var proposal = ReadProposal(context.State, id)!;
            var change = Change.Parse(context.Get(ChangeKey(id))!);
            var refusal = change.Apply(context.Suite, context.Block, context.State, key => context.Get(key), context.Set);
            var applied = change is ValidatorChange
                ? string.Create(CultureInfo.InvariantCulture, $"Applied at height {context.Block.Height}; the new validator set governs from height {context.Block.Height + 1}.")
                : string.Create(CultureInfo.InvariantCulture, $"Applied at height {context.Block.Height}.");
            var updated = refusal is null
                ? proposal with { Status = ProposalStatus.Applied, Outcome = applied }
                : proposal with { Status = ProposalStatus.Failed, Outcome = $"{refusal.Code}: {refusal.Message}" };
            context.Set(ProposalKey(id), updated.Encode());
        }
    }

    private sealed record ProposeRequest(Change Change, string Summary, ulong ApplyAtHeight);

    private sealed record VoteRequest(ulong Proposal, bool Approve);

    private static ProposeRequest ParsePropose(PayloadReader payload)
    {
        var change = Change.Read(payload);
        var summary = payload.OptionalString("summary", 512) ?? "";
        var applyAt = payload.OptionalUInt64("applyAtHeight") ?? 0;
        return new ProposeRequest(change, summary, applyAt);
    }

    private static VoteRequest ParseVote(PayloadReader payload) => new(
        payload.RequiredUInt64("proposal"),
        payload.OptionalBool("approve") ?? throw new ActionRefusedException(ResultCodes.PayloadFieldMissing, "Field 'approve' is required."));

    private static ActionOutcome ExecutePropose(ActionContext context, ProposeRequest request)
    {
        var signer = MembershipState.ReadSigner(context.State, context.SignerId)!;
        // Check now what can be checked now, so a proposal that could never apply is refused at once.
        var check = request.Change.Check(context.Certificates, context.Signatures, context.Hash, context.Block.TimeMs, context.State);
        if (check is not null)
        {
            throw new ActionRefusedException(check.Code, check.Message);
        }
        var rules = ReadRules(context.State);
        var id = checked(ReadCount(context.State) + 1);
        var deadline = checked(context.Block.Height + rules.VotingPeriodBlocks);
        if (request.ApplyAtHeight != 0 && request.ApplyAtHeight <= context.Block.Height)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, string.Create(CultureInfo.InvariantCulture,
                $"applyAtHeight must be above the current height {context.Block.Height} (or omitted: the block after approval)."));
        }
        var summary = request.Summary.Length > 0 ? request.Summary : request.Change.Describe();
        var proposal = new ProposalRecord(id, request.Change.Kind, summary, signer.Organisation + "/" + signer.Holder, context.Block.Height, deadline,
            request.ApplyAtHeight, ProposalStatus.Open, 0, "", []);
        var count = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(count, id);
        context.Set(CountKey(), count);
        context.Set(ChangeKey(id), context.Transaction.Payload);
        context.Set(ProposalKey(id), proposal.Encode());
        context.Emit("gov.proposed", new EventAttribute("proposal", id.ToString(CultureInfo.InvariantCulture)), new EventAttribute("kind", request.Change.Kind));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteNumber("proposal", id);
            w.WriteString("kind", request.Change.Kind);
            w.WriteString("summary", summary);
            w.WriteNumber("votingEndsAtHeight", deadline);
        }));
    }

    private static ActionOutcome ExecuteVote(ActionContext context, VoteRequest request)
    {
        var signer = MembershipState.ReadSigner(context.State, context.SignerId)!;
        var proposal = ReadProposal(context.State, request.Proposal)
            ?? throw new ActionRefusedException("ProposalNotFound", string.Create(CultureInfo.InvariantCulture, $"There is no proposal {request.Proposal}."));
        if (proposal.Status != ProposalStatus.Open)
        {
            throw new ActionRefusedException("ProposalClosed", $"Proposal {proposal.Id} is {proposal.Status.ToString().ToLowerInvariant()}; votes are closed.");
        }
        if (context.Block.Height > proposal.Deadline)
        {
            throw new ActionRefusedException("ProposalClosed", string.Create(CultureInfo.InvariantCulture, $"Voting on proposal {proposal.Id} ended at height {proposal.Deadline}."));
        }
        foreach (var vote in proposal.Votes)
        {
            if (vote.Organisation == signer.Organisation)
            {
                throw new ActionRefusedException("AlreadyVoted", $"Organisation '{signer.Organisation}' already voted on proposal {proposal.Id} (by {vote.Voter}); each organisation votes once.");
            }
        }
        var votes = proposal.Votes.Append(new GovernanceVote(signer.Organisation, signer.Organisation + "/" + signer.Holder, request.Approve, context.Block.Height)).ToArray();
        var updated = proposal with { Votes = votes };
        var tally = Tally(context.State, votes);
        if (tally.Passed)
        {
            var effective = Math.Max(proposal.ApplyAtHeight, checked(context.Block.Height + 1));
            var schedule = context.Get(ScheduleKey(effective));
            var ids = new List<ulong>();
            if (schedule is not null)
            {
                var reader = new CanonicalReader(schedule);
                var count = reader.ReadCount(ScheduledPerHeightMax, "scheduled");
                for (var i = 0; i < count; i++)
                {
                    ids.Add(reader.ReadU64());
                }
            }
            if (ids.Count >= ScheduledPerHeightMax)
            {
                throw new ActionRefusedException("ScheduleFull", string.Create(CultureInfo.InvariantCulture, $"Height {effective} already has {ScheduledPerHeightMax} decisions due; propose a later height."));
            }
            ids.Add(proposal.Id);
            var writer = new CanonicalWriter(8 * ids.Count + 4);
            writer.WriteCount(ids.Count);
            foreach (var id in ids)
            {
                writer.WriteU64(id);
            }
            context.Set(ScheduleKey(effective), writer.ToArray());
            updated = updated with { Status = ProposalStatus.Passed, EffectiveHeight = effective, Outcome = tally.Explanation };
            context.Emit("gov.passed", new EventAttribute("proposal", proposal.Id.ToString(CultureInfo.InvariantCulture)), new EventAttribute("effectiveHeight", effective.ToString(CultureInfo.InvariantCulture)));
        }
        else if (tally.Rejected)
        {
            updated = updated with { Status = ProposalStatus.Rejected, Outcome = tally.Explanation };
            context.Emit("gov.rejected", new EventAttribute("proposal", proposal.Id.ToString(CultureInfo.InvariantCulture)));
        }
        context.Set(ProposalKey(proposal.Id), updated.Encode());
        context.Emit("gov.voted", new EventAttribute("proposal", proposal.Id.ToString(CultureInfo.InvariantCulture)), new EventAttribute("organisation", signer.Organisation));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteNumber("proposal", proposal.Id);
            w.WriteString("status", updated.Status.ToString().ToLowerInvariant());
            if (updated.EffectiveHeight != 0)
            {
                w.WriteNumber("effectiveHeight", updated.EffectiveHeight);
            }
            w.WriteString("tally", tally.Explanation);
        }));
    }

    /// <summary>The count against the rules: passed, rejected (can no longer pass), or still open.</summary>
    public readonly record struct TallyResult(bool Passed, bool Rejected, string Explanation);

    public static TallyResult Tally(IStateReader state, IReadOnlyList<GovernanceVote> votes)
    {
        var rules = ReadRules(state);
        var active = MembershipState.ReadOrganisationIds(state)
            .Where(id => MembershipState.ReadOrganisation(state, id) is { Suspended: false })
            .ToArray();
        var validatorOrganisations = MembershipState.ReadNames(state.Get(ValidatorOrganisationsKey())).Where(active.Contains).ToArray();
        var electorate = validatorOrganisations.Length > 0 ? validatorOrganisations : active;
        var needed = (int)(((ulong)electorate.Length * rules.ValidatorOrganisationsNumerator + rules.ValidatorOrganisationsDenominator - 1) / rules.ValidatorOrganisationsDenominator);
        var yes = votes.Count(v => v.Approve && electorate.Contains(v.Organisation));
        var no = votes.Count(v => !v.Approve && electorate.Contains(v.Organisation));
        var regulator = MembershipState.ReadRegulator(state);
        var regulatorVote = votes.FirstOrDefault(v => v.Organisation == regulator);
        var regulatorApproves = !rules.RegulatorRequired || regulatorVote is { Approve: true };
        var explanation = string.Create(CultureInfo.InvariantCulture,
            $"{yes} of {electorate.Length} {(validatorOrganisations.Length > 0 ? "validator-running" : "member")} organisations approve, {needed} needed; regulator {(regulatorVote is null ? "has not voted" : regulatorVote.Approve ? "approves" : "rejects")}{(rules.RegulatorRequired ? " (required)" : "")}.");
        var passed = regulatorApproves && yes >= needed;
        var rejected = !passed && ((rules.RegulatorRequired && regulatorVote is { Approve: false }) || electorate.Length - no < needed);
        return new TallyResult(passed, rejected, explanation);
    }
}

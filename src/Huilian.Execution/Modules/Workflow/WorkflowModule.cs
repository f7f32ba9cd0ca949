using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Huilian.Core;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Credit;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Execution.Modules.Workflow;

/// <summary>Stable codes of workflow refusals.</summary>
public static class WorkflowCodes
{
    public const string FinancingNotFound = "FinancingNotFound";
    public const string FinancingOfAnotherBank = "FinancingOfAnotherBank";
    public const string TransitionNotAllowed = "TransitionNotAllowed";
    public const string EnterpriseNotEnabled = "EnterpriseNotEnabled";
    public const string OrganisationWrongKind = "OrganisationWrongKind";
    public const string ClaimsDoNotSumToAmount = "ClaimsDoNotSumToAmount";
    public const string AmountExceedsApplication = "AmountExceedsApplication";
    public const string RepaymentExceedsOutstanding = "RepaymentExceedsOutstanding";
    public const string DocumentTypeNotFinanced = "DocumentTypeNotFinanced";
}

/// <summary>A document an application names: its registry key, the claim asked on it, and the fields the bank claims (commitments).</summary>
public sealed record DocumentInput(Hash32 Key, ulong Claim, IReadOnlyList<FieldCommitment> Fields);

/// <summary>A parsed workflow payload: the action and its field values by name (string, ulong, documents, envelope).</summary>
public sealed record WorkflowRequest(string Action, SortedDictionary<string, object> Values)
{
    public string? Text(string name) => Values.TryGetValue(name, out var value) ? (string)value : null;

    public ulong? Number(string name) => Values.TryGetValue(name, out var value) ? (ulong)value : null;

    public IReadOnlyList<DocumentInput> Documents(string name) => (IReadOnlyList<DocumentInput>)Values[name];
}

/// <summary>
/// Runs one process definition as a module: each action of the definition is registered as "&lt;process&gt;.&lt;action&gt;",
/// so the host's permission check (roles.json) decides who may take it. A request selects the transition leaving the
/// financing's current state (refused with the state and the allowed next steps otherwise), checks the transition's
/// required fields and guards in order, then applies its effects and enters its target state — all or nothing.
/// </summary>
public sealed class WorkflowModule(WorkflowDefinition definition) : IModule
{
    public const int TextLengthMax = 256;
    public const ulong RateBasisPointsMax = 100_000;
    public const ulong TermDaysMax = 3_660;

    public WorkflowDefinition Definition { get; } = definition;

    public string Name => Definition.Id;

    public static byte[] CountKey(string process) => StateKeys.For(process, "count"u8);

    public static byte[] FinancingKey(string process, string id) => StateKeys.For(process, Encoding.ASCII.GetBytes("financing/" + id));

    public static ulong ReadCount(IStateReader state, string process) =>
        state.Get(CountKey(process)) is { } value ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0;

    public static FinancingRecord? ReadFinancing(IStateReader state, string process, string id) =>
        state.Get(FinancingKey(process, id)) is { } value ? FinancingRecord.Decode(value) : null;

    public static string FinancingId(string prefix, ulong sequence) => prefix + "-" + sequence.ToString("D8", CultureInfo.InvariantCulture);

    /// <summary>Every financing of the process, in id order (for queries; execution never scans).</summary>
    public static IEnumerable<FinancingRecord> ReadAll(IStateReader state, WorkflowDefinition definition)
    {
        var count = ReadCount(state, definition.Id);
        for (ulong sequence = 1; sequence <= count; sequence++)
        {
            if (ReadFinancing(state, definition.Id, FinancingId(definition.IdPrefix, sequence)) is { } record)
            {
                yield return record;
            }
        }
    }

    public void InitGenesis(GenesisDocument genesis, GenesisWriter writer)
    {
    }

    public void Register(ActionRegistry registry)
    {
        foreach (var action in Definition.Actions)
        {
            var transitions = Definition.Transitions.Where(t => t.Action == action).ToArray();
            var targets = string.Join(" or ", transitions.Select(t => t.To));
            registry.Add(action, $"{Definition.English}: {action} (to {targets}).", payload => Parse(payload, action, transitions), Execute);
        }
    }

    // ---- parsing: the fields of the action, by their vocabulary types ----

    private static readonly string[] CommittedFieldNames = DocumentTypes.All.SelectMany(t => t.Fields).Distinct(StringComparer.Ordinal).ToArray();

    private static WorkflowRequest Parse(PayloadReader payload, string action, IReadOnlyList<WorkflowTransition> transitions)
    {
        var values = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var field in transitions[0].Fields)
        {
            var requiredEverywhere = transitions.All(t => t.Fields.First(f => f.Name == field.Name).Required);
            var value = ReadField(payload, field);
            if (value is null && requiredEverywhere)
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldMissing, $"Field '{field.Name}' is required.");
            }
            if (value is not null)
            {
                values[field.Name] = value;
            }
        }
        return new WorkflowRequest(action, values);
    }

    private static object? ReadField(PayloadReader payload, WorkflowField field)
    {
        switch (field.Type)
        {
            case "organisation":
            case "branch":
            case "financing":
                var identifier = payload.OptionalString(field.Name, 64, 1);
                if (identifier is not null && !Identifier.IsValid(identifier, 64))
                {
                    throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{field.Name}' must be an identifier (a-z, 0-9, '.', '_', '-').");
                }
                return identifier;
            case "text":
                return payload.OptionalString(field.Name, TextLengthMax, 1);
            case "currency":
                return payload.OptionalString(field.Name, 3) is null ? null : RegistryModule.ReadCurrency(payload);
            case "amount":
                var amount = payload.OptionalUInt64(field.Name, RegistryModule.ValueMax);
                return amount is 0 ? throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{field.Name}' must be above zero.") : amount;
            case "rate-bp":
                return payload.OptionalUInt64(field.Name, RateBasisPointsMax);
            case "term-days":
                var days = payload.OptionalUInt64(field.Name, TermDaysMax);
                return days is 0 ? throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{field.Name}' must be 1 to {TermDaysMax} days.") : days;
            case "decision":
                var decision = payload.OptionalString(field.Name, 16);
                return decision is null or "approve" or "reject" ? decision : throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{field.Name}' is 'approve' or 'reject'.");
            case "date":
                var date = payload.OptionalString(field.Name, 10, 10);
                return date is null || DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    ? date : throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{field.Name}' must be a date, yyyy-MM-dd.");
            case "confidential":
                return ConfidentialEnvelope.ReadOptional(payload, field.Name);
            case "documents":
                return ReadDocuments(payload, field.Name);
            default:
                throw new InvalidOperationException($"Field type '{field.Type}' has no reader.");
        }
    }

    private static List<DocumentInput>? ReadDocuments(PayloadReader payload, string name)
    {
        var items = new List<DocumentInput>();
        try
        {
            _ = payload.RequiredObjectList(name, FinancingGuard.ClaimsPerFinancingMax);
        }
        catch (ActionRefusedException refused) when (refused.Code == ResultCodes.PayloadFieldMissing)
        {
            return null;
        }
        foreach (var item in payload.RequiredObjectList(name, FinancingGuard.ClaimsPerFinancingMax))
        {
            var key = item.RequiredHash("key");
            var claim = item.RequiredUInt64("claim", RegistryModule.ValueMax);
            var fields = new List<FieldCommitment>();
            var fieldsReader = item.OptionalObject("fields") ?? throw new ActionRefusedException(ResultCodes.PayloadFieldMissing, $"Each of '{name}' needs 'fields' with at least '{DocumentTypes.OwnerField}'.");
            foreach (var fieldName in CommittedFieldNames)
            {
                var text = fieldsReader.OptionalString(fieldName, DocumentKeys.CommitmentBytes * 2, DocumentKeys.CommitmentBytes * 2);
                if (text is null)
                {
                    continue;
                }
                try
                {
                    fields.Add(new FieldCommitment(fieldName, Convert.FromHexString(text)));
                }
                catch (FormatException)
                {
                    throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{fieldName}' must be a {DocumentKeys.CommitmentBytes}-byte commitment in hexadecimal.");
                }
            }
            fieldsReader.EnsureNoUnknownFields();
            if (!fields.Any(f => f.Name == DocumentTypes.OwnerField))
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldMissing, $"Each document needs the '{DocumentTypes.OwnerField}' commitment: whose document it is.");
            }
            item.EnsureNoUnknownFields();
            items.Add(new DocumentInput(key, claim, fields));
        }
        if (items.Count == 0)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' must name at least one document.");
        }
        return items;
    }

    // ---- execution ----

    /// <summary>What a step sees: the signer, its organisation, the financing (null before it is created), the request.</summary>
    private sealed class Step(ActionContext context, SignerRecord signer, OrganisationRecord organisation, FinancingRecord? financing, WorkflowRequest request, WorkflowTransition transition)
    {
        public ActionContext Context { get; } = context;
        public SignerRecord Signer { get; } = signer;
        public OrganisationRecord Organisation { get; } = organisation;
        public FinancingRecord? Financing { get; set; } = financing;
        public WorkflowRequest Request { get; } = request;
        public WorkflowTransition Transition { get; } = transition;
        public string User => Organisation.Id + "/" + Signer.Holder;
        public FinancingRecord Current => Financing ?? throw new InvalidOperationException("The step has no financing yet.");
    }

    private ActionOutcome Execute(ActionContext context, WorkflowRequest request)
    {
        var signer = MembershipState.ReadSigner(context.State, context.SignerId)!;
        var organisation = MembershipState.ReadOrganisation(context.State, signer.Organisation)!;
        var candidates = Definition.Transitions.Where(t => t.Action == request.Action).ToArray();
        FinancingRecord? financing = null;
        WorkflowTransition transition;
        if (candidates[0].Creates)
        {
            transition = candidates[0];
        }
        else
        {
            var id = request.Text("financing")!;
            financing = ReadFinancing(context.State, Definition.Id, id)
                ?? throw new ActionRefusedException(WorkflowCodes.FinancingNotFound, $"There is no {Definition.Id} financing '{id}'.");
            if (candidates.Any(t => t.Guards.Contains("same-bank")) && financing.Bank != organisation.Id)
            {
                // Checked before the state, so a bank learns nothing about another bank's financing.
                throw new ActionRefusedException(WorkflowCodes.FinancingOfAnotherBank, $"Financing '{id}' is another bank's; only its own bank acts on it.");
            }
            transition = Select(candidates, financing, request);
        }
        foreach (var field in transition.Fields)
        {
            if (field.Required && !request.Values.ContainsKey(field.Name))
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldMissing, $"Field '{field.Name}' is required to {request.Action} to '{transition.To}'.");
            }
        }
        foreach (var field in transition.Fields)
        {
            // A confidential section must be readable by the regulator and only by members (ADR 0011), on every step.
            if (field.Type == "confidential" && request.Values.TryGetValue(field.Name, out var section))
            {
                ((ConfidentialEnvelope)section).CheckRecipients(context.State);
            }
        }
        var step = new Step(context, signer, organisation, financing, request, transition);
        foreach (var guard in transition.Guards)
        {
            CheckGuard(step, guard);
        }
        foreach (var effect in transition.Effects)
        {
            ApplyEffect(step, effect);
        }
        var from = financing?.State ?? "";
        var updated = step.Current with
        {
            State = transition.To,
            UpdatedAt = context.Block.Height,
            UpdatedTimeMs = context.Block.TimeMs,
            LastUser = step.User,
            Steps = checked(step.Current.Steps + 1),
        };
        context.Set(FinancingKey(Definition.Id, updated.Id), updated.Encode());
        context.Emit(Definition.Id + "." + request.Action, new EventAttribute("financing", updated.Id), new EventAttribute("bank", updated.Bank),
            new EventAttribute("from", from), new EventAttribute("to", updated.State));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteString("financing", updated.Id);
            w.WriteString("state", updated.State);
            w.WriteNumber("outstanding", updated.Outstanding);
            w.WriteString("currency", updated.Currency);
            w.WriteString("next", string.Join(",", Definition.NextActions(updated.State)));
        }));
    }

    private WorkflowTransition Select(WorkflowTransition[] candidates, FinancingRecord financing, WorkflowRequest request)
    {
        var leaving = candidates.Where(t => t.From.Contains(financing.State)).ToArray();
        if (leaving.Length == 0)
        {
            var allowedFrom = string.Join(", ", candidates.SelectMany(t => t.From).Distinct(StringComparer.Ordinal));
            var next = Definition.NextActions(financing.State);
            // Receipt messages are short (Limits.ReceiptMessageBytesMax): the state and the next steps come first.
            throw new ActionRefusedException(WorkflowCodes.TransitionNotAllowed,
                $"'{financing.Id}' is '{financing.State}'; next: {(next.Count == 0 ? "none (terminal)" : string.Join(", ", next))}; '{request.Action}' goes from {allowedFrom}.");
        }
        if (leaving.Length == 1 && leaving[0].When is null)
        {
            return leaving[0];
        }
        foreach (var transition in leaving)
        {
            if (Matches(transition.When!, financing, request))
            {
                return transition;
            }
        }
        throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"No '{request.Action}' step from '{financing.State}' fits this request.");
    }

    private static bool Matches(string when, FinancingRecord financing, WorkflowRequest request) => when switch
    {
        "decision=approve" => request.Text("decision") == "approve",
        "decision=reject" => request.Text("decision") == "reject",
        // A repayment above the outstanding principal selects "settles", whose guard then refuses it precisely.
        "settles" => request.Number("amount") >= financing.Outstanding,
        "leaves-outstanding" => request.Number("amount") < financing.Outstanding,
        _ => throw new InvalidOperationException($"Selector '{when}' has no implementation."),
    };

    private void CheckGuard(Step step, string guard)
    {
        switch (guard)
        {
            case "signer-is-bank":
                if (step.Organisation.Kind != OrganisationKinds.Bank)
                {
                    throw new ActionRefusedException(RegistryCodes.SignerNotABank, $"{Definition.English} is handled by banks; '{step.Organisation.Id}' is a {step.Organisation.Kind}.");
                }
                break;
            case "enterprise-is-enterprise":
                var enterpriseId = step.Request.Text("enterprise")!;
                var enterprise = MembershipState.ReadOrganisation(step.Context.State, enterpriseId)
                    ?? throw new ActionRefusedException(MembershipCodes.OrganisationUnknown, $"Organisation '{enterpriseId}' is not a member.");
                if (enterprise.Kind != OrganisationKinds.Enterprise)
                {
                    throw new ActionRefusedException(WorkflowCodes.OrganisationWrongKind, $"Organisation '{enterpriseId}' is a {enterprise.Kind}, not an enterprise.");
                }
                if (enterprise.Suspended)
                {
                    throw new ActionRefusedException(MembershipCodes.OrganisationSuspended, $"Enterprise '{enterpriseId}' is suspended.");
                }
                break;
            case "enterprise-enabled":
                var (bank, forEnterprise) = step.Financing is { } f ? (f.Bank, f.Enterprise) : (step.Organisation.Id, step.Request.Text("enterprise")!);
                if (!CreditModule.IsEnabled(step.Context.State, bank, forEnterprise))
                {
                    throw new ActionRefusedException(WorkflowCodes.EnterpriseNotEnabled,
                        $"'{bank}' has not enabled enterprise '{forEnterprise}' (企业出口融资申请及信用信息授权业务开通); its enabling clerk does that first (credit.enable).");
                }
                break;
            case "documents-match":
                foreach (var document in step.Request.Documents("documents"))
                {
                    CheckDocument(step.Context.State, document, Definition);
                }
                break;
            case "claims-sum-to-amount":
                ulong sum = 0;
                foreach (var document in step.Request.Documents("documents"))
                {
                    sum = checked(sum + document.Claim);
                }
                if (sum != step.Request.Number("amount"))
                {
                    throw new ActionRefusedException(WorkflowCodes.ClaimsDoNotSumToAmount,
                        string.Create(CultureInfo.InvariantCulture, $"The claims on the documents sum to {sum}; the amount applied for is {step.Request.Number("amount")}."));
                }
                break;
            case "claims-within-balance":
                var (claims, currency, requester) = step.Financing is { } existing
                    ? (existing.Claims.Select(c => new DocumentClaim(c.Key, c.Requested)).ToArray(), existing.Currency, Requester(step, existing.Branch, existing.Enterprise))
                    : (step.Request.Documents("documents").Select(d => new DocumentClaim(d.Key, d.Claim)).ToArray(), step.Request.Text("currency")!,
                        Requester(step, step.Request.Text("branch") ?? "", step.Request.Text("enterprise")!));
                FinancingGuard.Check(step.Context, claims, currency, requester);
                break;
            case "same-bank":
                if (step.Current.Bank != step.Organisation.Id)
                {
                    throw new ActionRefusedException(WorkflowCodes.FinancingOfAnotherBank, $"Financing '{step.Current.Id}' is another bank's; only its own bank acts on it.");
                }
                break;
            case "amount-within-application":
                if (step.Request.Number("amount") > step.Current.AppliedAmount)
                {
                    throw new ActionRefusedException(WorkflowCodes.AmountExceedsApplication,
                        string.Create(CultureInfo.InvariantCulture, $"Financing '{step.Current.Id}' was applied and approved for {step.Current.AppliedAmount} {step.Current.Currency}; {step.Request.Number("amount")} is more."));
                }
                break;
            case "repayment-within-outstanding":
                if (step.Request.Number("amount") > step.Current.Outstanding)
                {
                    throw new ActionRefusedException(WorkflowCodes.RepaymentExceedsOutstanding,
                        string.Create(CultureInfo.InvariantCulture, $"Financing '{step.Current.Id}' has {step.Current.Outstanding} {step.Current.Currency} outstanding; a repayment of {step.Request.Number("amount")} is more."));
                }
                break;
            default:
                throw new InvalidOperationException($"Guard '{guard}' has no implementation.");
        }
    }

    private ClaimRequester Requester(Step step, string branch, string enterprise) =>
        new(step.Organisation.Id, branch, step.User, enterprise, Definition.Id + "." + step.Request.Action);

    private static void CheckDocument(IStateReader state, DocumentInput document, WorkflowDefinition definition)
    {
        var record = FinancingGuard.ReadDocument(state, document.Key)
            ?? throw new ActionRefusedException(RegistryCodes.DocumentNotFound, $"No document is registered under key {document.Key.ToShortString()}… (a wrong number or secret gives another key).");
        if (!definition.DocumentTypes.Contains(record.Type))
        {
            throw new ActionRefusedException(WorkflowCodes.DocumentTypeNotFinanced,
                $"Document {document.Key.ToShortString()}… is a {record.Type}; {definition.Id} finances against {string.Join(", ", definition.DocumentTypes)}.");
        }
        foreach (var field in document.Fields)
        {
            var published = record.FieldCommitmentOf(field.Name);
            if (published is null || !published.AsSpan().SequenceEqual(field.Commitment))
            {
                throw new ActionRefusedException(RegistryCodes.DocumentFieldMismatch,
                    $"Field '{field.Name}' of document {document.Key.ToShortString()}… ({record.Type}) does not match what its source, '{record.Publisher}', published.");
            }
        }
    }

    private void ApplyEffect(Step step, string effect)
    {
        var context = step.Context;
        switch (effect)
        {
            case "open-financing":
                var sequence = checked(ReadCount(context.State, Definition.Id) + 1);
                var count = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(count, sequence);
                context.Set(CountKey(Definition.Id), count);
                step.Financing = new FinancingRecord(FinancingId(Definition.IdPrefix, sequence), Definition.Id, "", step.Organisation.Id, step.Request.Text("branch") ?? "",
                    step.Request.Text("enterprise")!, step.Request.Text("currency")!, step.Request.Number("amount")!.Value, 0, 0, 0, 0, 0, "", "",
                    context.Block.Height, context.Block.TimeMs, 0, 0, 0, 0, "", 0,
                    step.Request.Documents("documents").Select(d => new FinancingClaim(d.Key, d.Claim, 0)).ToArray());
                break;
            case "record-reason":
                step.Financing = step.Current with { Reason = step.Request.Text("reason") ?? "" };
                break;
            case "record-disbursement":
                // The disbursed amount is claimed against the documents in application order, each up to what was asked of it.
                var remaining = step.Request.Number("amount")!.Value;
                var claims = new List<FinancingClaim>();
                foreach (var claim in step.Current.Claims)
                {
                    var active = Math.Min(claim.Requested, remaining);
                    remaining -= active;
                    claims.Add(claim with { Active = active });
                }
                step.Financing = step.Current with
                {
                    DisbursedAmount = step.Request.Number("amount")!.Value,
                    Outstanding = step.Request.Number("amount")!.Value,
                    RateBasisPoints = step.Request.Number("rate-bp")!.Value,
                    TermDays = step.Request.Number("term-days")!.Value,
                    ValueDate = step.Request.Text("value-date")!,
                    DisbursedAt = context.Block.Height,
                    DisbursedTimeMs = context.Block.TimeMs,
                    Claims = claims,
                };
                break;
            case "post-claims":
                var posted = step.Current.Claims.Where(c => c.Active > 0).Select(c => new DocumentClaim(c.Key, c.Active)).ToArray();
                FinancingGuard.Post(context, posted, step.Current.Currency, Requester(step, step.Current.Branch, step.Current.Enterprise));
                break;
            case "release-proportional":
                var amount = step.Request.Number("amount")!.Value;
                var after = step.Current.Outstanding - amount;
                var actives = step.Current.Claims.Select(c => c.Active).ToArray();
                var lowered = ClaimRelease.Proportional(actives, step.Current.Outstanding, after);
                var releasedClaims = new FinancingClaim[actives.Length];
                for (var i = 0; i < actives.Length; i++)
                {
                    FinancingGuard.Release(context, step.Current.Claims[i].Key, actives[i] - lowered[i]);
                    releasedClaims[i] = step.Current.Claims[i] with { Active = lowered[i] };
                }
                step.Financing = step.Current with { Outstanding = after, Repaid = checked(step.Current.Repaid + amount), Claims = releasedClaims };
                break;
            case "release-all":
                foreach (var claim in step.Current.Claims)
                {
                    FinancingGuard.Release(context, claim.Key, claim.Active);
                }
                step.Financing = step.Current with { Outstanding = 0, Claims = step.Current.Claims.Select(c => c with { Active = 0 }).ToArray() };
                break;
            default:
                throw new InvalidOperationException($"Effect '{effect}' has no implementation.");
        }
    }
}

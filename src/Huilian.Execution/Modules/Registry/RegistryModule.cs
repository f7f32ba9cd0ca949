using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Huilian.Core;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Modules.Registry;

/// <summary>
/// The trade-document registry. Source organisations publish documents (customs declarations, invoices, insurance
/// policies, transport documents, tax filing forms) under keys only a holder of the number and secret can compute;
/// banks verify documents against what was published, and every verification is recorded. The duplicate-financing
/// guard (<see cref="FinancingGuard"/>) keeps each document's active claims within its value.
/// </summary>
public sealed class RegistryModule : IModule
{
    public const string ModuleName = "registry";

    /// <summary>The most documents one publish transaction holds (the 64 KiB payload bound is usually reached first).</summary>
    public const int PublishBatchMax = 256;

    /// <summary>The most documents one verify transaction holds (its receipt lists one outcome per document).</summary>
    public const int VerifyBatchMax = 200;

    /// <summary>The largest document value, in minor units (10^15: ten trillion dollars in cents).</summary>
    public const ulong ValueMax = 1_000_000_000_000_000;

    public string Name => ModuleName;

    public static byte[] VerificationCountKey() => StateKeys.For(ModuleName, "verifications"u8);

    public static byte[] VerificationKey(ulong sequence) =>
        StateKeys.For(ModuleName, Encoding.ASCII.GetBytes("verification/" + sequence.ToString("D12", CultureInfo.InvariantCulture)));

    public static ulong ReadVerificationCount(IStateReader state) =>
        state.Get(VerificationCountKey()) is { } value ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0;

    public static VerificationRecord? ReadVerification(IStateReader state, ulong sequence) =>
        state.Get(VerificationKey(sequence)) is { } value ? VerificationRecord.Decode(value) : null;

    public void InitGenesis(GenesisDocument genesis, GenesisWriter writer)
    {
    }

    public void Register(ActionRegistry registry)
    {
        foreach (var action in DocumentTypes.PublishActions)
        {
            var types = DocumentTypes.All.Where(t => t.PublishAction == action).Select(t => t.Id).ToArray();
            registry.Add(action, $"Publishes documents of type {string.Join(", ", types)}, signed by their source.",
                payload => ParsePublish(payload, action), ExecutePublish);
        }
        registry.Add("verify", "Verifies documents by key and claimed fields; records each outcome.", ParseVerify, ExecuteVerify);
    }

    // ---- publish ----

    private sealed record PublishedDocument(Hash32 Key, DocumentType Type, ulong Value, string Currency, IReadOnlyList<FieldCommitment> Fields, ConfidentialEnvelope? Details);

    private sealed record PublishRequest(string Action, IReadOnlyList<PublishedDocument> Documents);

    private static PublishRequest ParsePublish(PayloadReader payload, string action)
    {
        var documents = new List<PublishedDocument>();
        foreach (var item in payload.RequiredObjectList("documents", PublishBatchMax))
        {
            var key = item.RequiredHash("key");
            var typeId = item.RequiredString("type", 64);
            var type = DocumentTypes.Find(typeId) ?? throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"There is no document type '{typeId}'.");
            if (type.PublishAction != action)
            {
                throw new ActionRefusedException(RegistryCodes.DocumentTypeNotForAction, $"A {typeId} is published by registry.{type.PublishAction}, not registry.{action}.");
            }
            var value = item.RequiredUInt64("value", ValueMax);
            if (value == 0)
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "Field 'value' must be above zero.");
            }
            var currency = ReadCurrency(item);
            var fields = ReadFields(item, type, requireAll: true);
            var details = ConfidentialEnvelope.ReadOptional(item);
            item.EnsureNoUnknownFields();
            documents.Add(new PublishedDocument(key, type, value, currency, fields, details));
        }
        if (documents.Count == 0)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "Field 'documents' must hold at least one document.");
        }
        return new PublishRequest(action, documents);
    }

    internal static string ReadCurrency(PayloadReader item)
    {
        var currency = item.RequiredString("currency", 3, 3);
        foreach (var c in currency)
        {
            if (c is < 'A' or > 'Z')
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "Field 'currency' must be an ISO 4217 code: three capital letters.");
            }
        }
        return currency;
    }

    /// <summary>
    /// Reads "fields": an object of field name → 32 hexadecimal characters (a 16-byte commitment). Names must be the
    /// type's; with <paramref name="requireAll"/> every field of the type must be there. Returned in the type's order.
    /// </summary>
    internal static IReadOnlyList<FieldCommitment> ReadFields(PayloadReader item, DocumentType type, bool requireAll)
    {
        var fieldsReader = requireAll ? item.OptionalObject("fields") ?? throw new ActionRefusedException(ResultCodes.PayloadFieldMissing, "Field 'fields' is required.")
            : item.OptionalObject("fields");
        var fields = new List<FieldCommitment>();
        if (fieldsReader is null)
        {
            return fields;
        }
        foreach (var name in type.Fields)
        {
            var text = fieldsReader.OptionalString(name, DocumentKeys.CommitmentBytes * 2, DocumentKeys.CommitmentBytes * 2);
            if (text is null)
            {
                if (requireAll)
                {
                    throw new ActionRefusedException(RegistryCodes.DocumentFieldsInvalid, $"A {type.Id} commits the fields {string.Join(", ", type.Fields)}; '{name}' is missing.");
                }
                continue;
            }
            byte[] commitment;
            try
            {
                commitment = Convert.FromHexString(text);
            }
            catch (FormatException)
            {
                throw new ActionRefusedException(RegistryCodes.DocumentFieldsInvalid, $"Field '{name}' must be a {DocumentKeys.CommitmentBytes}-byte commitment in hexadecimal.");
            }
            fields.Add(new FieldCommitment(name, commitment));
        }
        try
        {
            fieldsReader.EnsureNoUnknownFields();
        }
        catch (ActionRefusedException refused)
        {
            throw new ActionRefusedException(RegistryCodes.DocumentFieldsInvalid, $"A {type.Id} has the fields {string.Join(", ", type.Fields)}: {refused.Message}");
        }
        return fields;
    }

    private static ActionOutcome ExecutePublish(ActionContext context, PublishRequest request)
    {
        var signer = MembershipState.ReadSigner(context.State, context.SignerId)!;
        var organisation = MembershipState.ReadOrganisation(context.State, signer.Organisation)!;
        if (IsRetry(context.State, organisation.Id, request))
        {
            return ActionOutcome.Unchanged(RegistryCodes.DocumentsAlreadyPublished,
                $"All {request.Documents.Count} documents are already registered exactly so by '{organisation.Id}': a retry; nothing changed.", []);
        }
        var seen = new SortedSet<Hash32>();
        foreach (var document in request.Documents)
        {
            // The role catalogue already keeps each publish action to its source kind; this keeps it if the catalogue changes.
            if (organisation.Kind != document.Type.SourceKind)
            {
                throw new ActionRefusedException(RegistryCodes.PublisherWrongKind, $"A {document.Type.Id} is published by a {document.Type.SourceKind}; '{organisation.Id}' is a {organisation.Kind}.");
            }
            if (!seen.Add(document.Key) || context.Get(FinancingGuard.DocumentStateKey(document.Key)) is not null)
            {
                throw new ActionRefusedException(RegistryCodes.DocumentAlreadyPublished, $"A document is already registered under key {document.Key.ToShortString()}…; nothing in this batch was published.");
            }
            document.Details?.CheckRecipients(context.State);
            var record = new DocumentRecord(document.Type.Id, organisation.Id, document.Currency, document.Value, 0, context.Block.Height, context.Block.TimeMs, document.Fields);
            context.Set(FinancingGuard.DocumentStateKey(document.Key), record.Encode());
        }
        context.Emit("registry.published", new EventAttribute("publisher", organisation.Id), new EventAttribute("action", request.Action),
            new EventAttribute("count", request.Documents.Count.ToString(CultureInfo.InvariantCulture)));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteNumber("published", request.Documents.Count);
            w.WriteNumber("height", context.Block.Height);
        }));
    }

    /// <summary>Whether every document of the batch is already registered by this publisher with the same type, value, currency and fields.</summary>
    private static bool IsRetry(IStateReader state, string publisher, PublishRequest request)
    {
        foreach (var document in request.Documents)
        {
            var existing = FinancingGuard.ReadDocument(state, document.Key);
            if (existing is null || existing.Publisher != publisher || existing.Type != document.Type.Id || existing.Value != document.Value ||
                existing.Currency != document.Currency || existing.Fields.Count != document.Fields.Count)
            {
                return false;
            }
            for (var i = 0; i < existing.Fields.Count; i++)
            {
                if (existing.Fields[i].Name != document.Fields[i].Name || !existing.Fields[i].Commitment.AsSpan().SequenceEqual(document.Fields[i].Commitment))
                {
                    return false;
                }
            }
        }
        return true;
    }

    // ---- verify ----

    private sealed record ClaimedDocument(Hash32 Key, DocumentType Type, ulong? Value, string? Currency, IReadOnlyList<FieldCommitment> Fields);

    private sealed record VerifyRequest(string Enterprise, string Branch, IReadOnlyList<ClaimedDocument> Documents);

    private static VerifyRequest ParseVerify(PayloadReader payload)
    {
        var documents = new List<ClaimedDocument>();
        foreach (var item in payload.RequiredObjectList("documents", VerifyBatchMax))
        {
            var key = item.RequiredHash("key");
            var typeId = item.RequiredString("type", 64);
            var type = DocumentTypes.Find(typeId) ?? throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"There is no document type '{typeId}'.");
            var value = item.OptionalUInt64("value", ValueMax);
            var currency = item.OptionalString("currency", 3) is null ? null : ReadCurrency(item);
            var fields = ReadFields(item, type, requireAll: false);
            item.EnsureNoUnknownFields();
            documents.Add(new ClaimedDocument(key, type, value, currency, fields));
        }
        if (documents.Count == 0)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "Field 'documents' must hold at least one document.");
        }
        return new VerifyRequest(OptionalIdentifier(payload, "enterprise"), OptionalIdentifier(payload, "branch"), documents);
    }

    /// <summary>An organisation or branch id (a-z, 0-9, '.', '_', '-'; at most 64), or "" when absent: records keep ids, not names.</summary>
    private static string OptionalIdentifier(PayloadReader payload, string name)
    {
        var value = payload.OptionalString(name, 64, 1);
        if (value is not null && !Identifier.IsValid(value, 64))
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Field '{name}' must be an identifier (a-z, 0-9, '.', '_', '-').");
        }
        return value ?? "";
    }

    /// <summary>The outcome of checking one claimed document against the registry: the first difference found, in a fixed order.</summary>
    public static VerifiedItem Verify(IStateReader state, in Hash32 key, DocumentType type, ulong? value, string? currency, IReadOnlyList<FieldCommitment> fields)
    {
        var document = FinancingGuard.ReadDocument(state, key);
        if (document is null || document.Type != type.Id)
        {
            // A wrong number, a wrong secret and a wrong type all give a key nobody published: one answer for all.
            return new VerifiedItem(type.Id, key, VerificationOutcomes.NotFound, "", 0);
        }
        var share = document.FinancedBasisPoints;
        if (currency is not null && currency != document.Currency)
        {
            return new VerifiedItem(type.Id, key, VerificationOutcomes.CurrencyMismatch, "", share);
        }
        if (value is not null && value != document.Value)
        {
            return new VerifiedItem(type.Id, key, VerificationOutcomes.ValueMismatch, "", share);
        }
        foreach (var field in fields)
        {
            var published = document.FieldCommitmentOf(field.Name);
            if (published is null || !published.AsSpan().SequenceEqual(field.Commitment))
            {
                return new VerifiedItem(type.Id, key, VerificationOutcomes.FieldMismatch, field.Name, share);
            }
        }
        if (document.FinancedActive >= document.Value)
        {
            return new VerifiedItem(type.Id, key, VerificationOutcomes.AlreadyFinancedInFull, "", share);
        }
        return new VerifiedItem(type.Id, key, VerificationOutcomes.Match, "", share);
    }

    private static ActionOutcome ExecuteVerify(ActionContext context, VerifyRequest request)
    {
        var signer = MembershipState.ReadSigner(context.State, context.SignerId)!;
        var organisation = MembershipState.ReadOrganisation(context.State, signer.Organisation)!;
        if (organisation.Kind != OrganisationKinds.Bank)
        {
            throw new ActionRefusedException(RegistryCodes.SignerNotABank, $"Documents are verified by banks; '{organisation.Id}' is a {organisation.Kind}.");
        }
        var items = new List<VerifiedItem>(request.Documents.Count);
        foreach (var claimed in request.Documents)
        {
            items.Add(Verify(context.State, claimed.Key, claimed.Type, claimed.Value, claimed.Currency, claimed.Fields));
        }
        var sequence = checked(ReadVerificationCount(context.State) + 1);
        var count = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(count, sequence);
        context.Set(VerificationCountKey(), count);
        var record = new VerificationRecord(sequence, organisation.Id, request.Branch, organisation.Id + "/" + signer.Holder, request.Enterprise,
            context.Block.Height, context.Block.TimeMs, context.Transaction.Id, items);
        context.Set(VerificationKey(sequence), record.Encode());
        var matched = items.Count(i => i.Outcome == VerificationOutcomes.Match);
        context.Emit("registry.verified", new EventAttribute("bank", organisation.Id), new EventAttribute("verification", sequence.ToString(CultureInfo.InvariantCulture)),
            new EventAttribute("matched", matched.ToString(CultureInfo.InvariantCulture)), new EventAttribute("failed", (items.Count - matched).ToString(CultureInfo.InvariantCulture)));
        return ActionOutcome.Ok(MembershipModule.Json(w =>
        {
            w.WriteNumber("verification", sequence);
            w.WriteNumber("matched", matched);
            w.WriteNumber("failed", items.Count - matched);
            w.WriteStartArray("items");
            foreach (var item in items)
            {
                w.WriteStartObject();
                w.WriteString("outcome", item.OutcomeWithReason);
                w.WriteNumber("financedBp", item.FinancedBasisPoints);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }));
    }
}

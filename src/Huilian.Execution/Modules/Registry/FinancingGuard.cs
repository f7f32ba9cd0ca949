using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Huilian.Core;
using Huilian.Core.State;
using Huilian.Execution.Host;

namespace Huilian.Execution.Modules.Registry;

/// <summary>A claim a financing places, or wants to place, on one document: an amount in the document's currency.</summary>
public readonly record struct DocumentClaim(Hash32 Key, ulong Amount);

/// <summary>Who is asking, for the alert a refused over-financing leaves (never who already financed).</summary>
public sealed record ClaimRequester(string Bank, string Branch, string User, string Enterprise, string Action);

/// <summary>Stable codes of the registry and the guard.</summary>
public static class RegistryCodes
{
    public const string DocumentNotFound = "DocumentNotFound";
    public const string DocumentAlreadyPublished = "DocumentAlreadyPublished";

    /// <summary>Not a refusal: a retried batch whose every document is already registered exactly so. Nothing changes.</summary>
    public const string DocumentsAlreadyPublished = "DocumentsAlreadyPublished";
    public const string DocumentTypeNotForAction = "DocumentTypeNotForAction";
    public const string DocumentFieldsInvalid = "DocumentFieldsInvalid";
    public const string DocumentFieldMismatch = "DocumentFieldMismatch";
    public const string DocumentListedTwice = "DocumentListedTwice";
    public const string DocumentAlreadyFinancedInFull = "DocumentAlreadyFinancedInFull";
    public const string AmountExceedsUnfinancedBalance = "AmountExceedsUnfinancedBalance";
    public const string CurrencyMismatch = "CurrencyMismatch";
    public const string PublisherWrongKind = "PublisherWrongKind";
    public const string SignerNotABank = "SignerNotABank";
}

/// <summary>
/// The duplicate-financing guard. Invariant: for every document, <see cref="DocumentRecord.FinancedActive"/> (the sum
/// of its active claims) never exceeds its value. Every claim passes through <see cref="Post"/>, which checks the
/// whole set of a transaction's claims before writing any; releases only lower the total. Transactions execute one
/// at a time in block order, so two claims racing for the last part of a document are decided by that order: the
/// second sees the first's total and is refused. A refusal tells the financed share, never whose claims make it up,
/// and leaves an alert for the regulator.
/// </summary>
public static class FinancingGuard
{
    public const string ModuleName = RegistryModule.ModuleName;

    /// <summary>The most documents one financing may claim against.</summary>
    public const int ClaimsPerFinancingMax = 64;

    public static byte[] DocumentStateKey(in Hash32 key)
    {
        Span<byte> suffix = stackalloc byte[4 + Hash32.Length];
        "doc/"u8.CopyTo(suffix);
        key.CopyTo(suffix[4..]);
        return StateKeys.For(ModuleName, suffix);
    }

    public static byte[] AlertCountKey() => StateKeys.For(ModuleName, "alerts"u8);

    public static byte[] AlertKey(ulong sequence) => StateKeys.For(ModuleName, Encoding.ASCII.GetBytes("alert/" + sequence.ToString("D12", CultureInfo.InvariantCulture)));

    public static DocumentRecord? ReadDocument(IStateReader state, in Hash32 key) =>
        state.Get(DocumentStateKey(key)) is { } value ? DocumentRecord.Decode(value) : null;

    public static ulong ReadAlertCount(IStateReader state) =>
        state.Get(AlertCountKey()) is { } value ? BinaryPrimitives.ReadUInt64BigEndian(value) : 0;

    public static AlertRecord? ReadAlert(IStateReader state, ulong sequence) =>
        state.Get(AlertKey(sequence)) is { } value ? AlertRecord.Decode(value) : null;

    /// <summary>
    /// Refuses (with an alert) unless every claim fits its document's unfinanced balance. Claims on the same document
    /// must be listed once. Writes nothing.
    /// </summary>
    public static void Check(ActionContext context, IReadOnlyList<DocumentClaim> claims, string currency, ClaimRequester requester) =>
        CheckAll(context, claims, currency, requester);

    /// <summary>Checks every claim as <see cref="Check"/> does, then makes them all active. All or nothing.</summary>
    public static void Post(ActionContext context, IReadOnlyList<DocumentClaim> claims, string currency, ClaimRequester requester)
    {
        var documents = CheckAll(context, claims, currency, requester);
        for (var i = 0; i < claims.Count; i++)
        {
            var document = documents[i];
            var updated = document with { FinancedActive = checked(document.FinancedActive + claims[i].Amount) };
            // Checked again just before the write: the invariant, not only the request, is what must hold.
            if (updated.FinancedActive > updated.Value)
            {
                throw new InvalidOperationException("The guard would write a financed total above the document's value.");
            }
            context.Set(DocumentStateKey(claims[i].Key), updated.Encode());
        }
    }

    /// <summary>Lowers a document's active total by <paramref name="amount"/> (a repayment or a cancellation).</summary>
    public static void Release(ActionContext context, in Hash32 key, ulong amount)
    {
        if (amount == 0)
        {
            return;
        }
        var document = ReadDocument(context.State, key) ?? throw new InvalidOperationException("A released claim names a document that does not exist.");
        if (amount > document.FinancedActive)
        {
            throw new InvalidOperationException("A release above the document's financed total: the claim records disagree with the guard.");
        }
        context.Set(DocumentStateKey(key), (document with { FinancedActive = document.FinancedActive - amount }).Encode());
    }

    /// <summary>"80.00%": a share in basis points, for messages.</summary>
    public static string Percent(ulong basisPoints) =>
        string.Create(CultureInfo.InvariantCulture, $"{basisPoints / 100}.{basisPoints % 100:D2}%");

    private static DocumentRecord[] CheckAll(ActionContext context, IReadOnlyList<DocumentClaim> claims, string currency, ClaimRequester requester)
    {
        if (claims.Count == 0 || claims.Count > ClaimsPerFinancingMax)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"A financing claims against 1 to {ClaimsPerFinancingMax} documents.");
        }
        var seen = new SortedSet<Hash32>();
        var documents = new DocumentRecord[claims.Count];
        for (var i = 0; i < claims.Count; i++)
        {
            var claim = claims[i];
            if (!seen.Add(claim.Key))
            {
                throw new ActionRefusedException(RegistryCodes.DocumentListedTwice, $"Document {claim.Key.ToShortString()}… is listed twice; list each document once with its whole claim.");
            }
            if (claim.Amount == 0)
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"The claim on document {claim.Key.ToShortString()}… must be above zero.");
            }
            var document = ReadDocument(context.State, claim.Key)
                ?? throw new ActionRefusedException(RegistryCodes.DocumentNotFound, $"No document is registered under key {claim.Key.ToShortString()}… (a wrong number or secret gives another key).");
            if (document.Currency != currency)
            {
                throw new ActionRefusedException(RegistryCodes.CurrencyMismatch,
                    $"Document {claim.Key.ToShortString()}… is in {document.Currency}; claims are in the document's currency and this financing is in {currency} (ADR 0013).");
            }
            if (document.FinancedActive >= document.Value)
            {
                Refuse(context, RegistryCodes.DocumentAlreadyFinancedInFull, claim, document, currency, requester,
                    $"Document {claim.Key.ToShortString()}… is already financed in full ({Percent(document.FinancedBasisPoints)}).");
            }
            if (claim.Amount > document.Unfinanced)
            {
                Refuse(context, RegistryCodes.AmountExceedsUnfinancedBalance, claim, document, currency, requester,
                    string.Create(CultureInfo.InvariantCulture,
                        $"Document {claim.Key.ToShortString()}… is {Percent(document.FinancedBasisPoints)} financed: its unfinanced balance is {document.Unfinanced} {currency} (minor units) and {claim.Amount} was asked."));
            }
            documents[i] = document;
        }
        return documents;
    }

    private static void Refuse(ActionContext context, string code, DocumentClaim claim, DocumentRecord document, string currency, ClaimRequester requester, string message)
    {
        var sequence = checked((context.GetIncludingRefusalRecords(AlertCountKey()) is { } count ? BinaryPrimitives.ReadUInt64BigEndian(count) : 0) + 1);
        var countBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(countBytes, sequence);
        var alert = new AlertRecord(sequence, code, requester.Bank, requester.Branch, requester.User, requester.Enterprise, requester.Action, claim.Key, currency,
            claim.Amount, document.FinancedActive, document.Value, context.Block.Height, context.Block.TimeMs, context.Transaction.Id);
        context.SetOnRefusal(AlertCountKey(), countBytes);
        context.SetOnRefusal(AlertKey(sequence), alert.Encode());
        throw new ActionRefusedException(code, message);
    }
}

using Huilian.Execution.Host;
using Huilian.Ledger;

namespace Huilian.Node.Api;

/// <summary>
/// Errors as RFC 9457 problem details (<c>application/problem+json</c>): a stable machine <c>code</c>, a short
/// <c>title</c> for the kind of problem and a <c>detail</c> sentence for this occurrence.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    private static readonly Dictionary<string, (int Status, string Title)> Known = new(StringComparer.Ordinal)
    {
        [ResultCodes.TransactionMalformed] = (400, "The transaction is not canonically encoded."),
        [ResultCodes.TransactionTooLarge] = (413, "The transaction is too large."),
        [ResultCodes.ChainIdMismatch] = (400, "The transaction is for another chain."),
        [ResultCodes.SignatureInvalid] = (401, "The signature does not verify."),
        [ResultCodes.SignerUnknown] = (403, "The signer is not a member of this chain."),
        [ResultCodes.SignerLacksRole] = (403, "The signer does not hold the role this action requires."),
        [ResultCodes.UnknownModule] = (400, "There is no such module."),
        [ResultCodes.UnknownAction] = (400, "The module has no such action."),
        [ResultCodes.TransactionExpired] = (409, "The transaction has expired."),
        [ResultCodes.ExpiryTooFar] = (400, "The expiry height is too far ahead."),
        [ResultCodes.NonceAlreadyUsed] = (409, "The nonce is already used."),
        [ResultCodes.NonceTooHigh] = (409, "The nonce is too far ahead."),
        [AdmissionResult.NonceAlreadyPendingCode] = (409, "Another transaction with this nonce is pending."),
        [ResultCodes.PayloadMalformed] = (400, "The payload is not a valid JSON object."),
        [ResultCodes.PayloadFieldMissing] = (400, "A required payload field is missing."),
        [ResultCodes.PayloadFieldWrongType] = (400, "A payload field has the wrong type."),
        [ResultCodes.PayloadFieldOutOfRange] = (400, "A payload field is out of range."),
        [ResultCodes.PayloadFieldUnknown] = (400, "The payload has a field this action does not know."),
        [AdmissionResult.BusyCode] = (503, "The node is busy; retry shortly."),
        ["RequestMalformed"] = (400, "The request is malformed."),
        ["RequestTooLarge"] = (413, "The request body is too large."),
        ["UnsupportedMediaType"] = (415, "The request's content type is not supported."),
        ["TransactionNotFound"] = (404, "No such transaction."),
        ["BlockNotFound"] = (404, "No such block."),
        ["StateEntryNotFound"] = (404, "No such state entry."),
        ["EvidenceNotFound"] = (404, "No evidence is recorded under this hash."),
        ["AccountNotFound"] = (404, "No such account."),
        ["RouteNotFound"] = (404, "There is nothing at this address."),
        ["InternalError"] = (500, "The node failed to handle the request."),
        [MemberApi.Unauthenticated] = (401, "Sign in first."),
        [MemberApi.NotEntitled] = (403, "The signed-in user is not entitled to this."),
        ["PurposeRequired"] = (400, "Say why the confidential data is read."),
        ["NoConfidentialSection"] = (404, "The transaction has no confidential section."),
        ["KeyNotHostedHere"] = (409, "This node does not serve the caller's organisation."),
        ["OrganisationNotFound"] = (404, "No such organisation."),
        ["DocumentNotFound"] = (404, "No document is registered under this key."),
        ["FinancingNotFound"] = (404, "No such financing."),
    };

    public static int StatusFor(string code) => Known.TryGetValue(code, out var known) ? known.Status : 400;

    public static IResult For(string code, string detail, int? status = null)
    {
        var (knownStatus, title) = Known.TryGetValue(code, out var known) ? known : (400, code);
        var statusCode = status ?? knownStatus;
        return Results.Json(new ProblemBody($"https://huilian.dev/problems/{code}", title, statusCode, detail, code),
            contentType: ContentType, statusCode: statusCode);
    }

    public static IResult For(Refusal refusal) => For(refusal.Code, refusal.Message);

    public sealed record ProblemBody(string Type, string Title, int Status, string Detail, string Code);
}

namespace Huilian.Execution.Host;

/// <summary>
/// Stable machine codes. Admission codes refuse a transaction before it reaches a block (nothing is applied);
/// receipt codes are the outcome of a committed transaction. Never renamed: clients match on them.
/// </summary>
public static class ResultCodes
{
    public const string Ok = "Ok";

    // A transaction that can never be valid as sent.
    public const string TransactionMalformed = "TransactionMalformed";
    public const string TransactionTooLarge = "TransactionTooLarge";
    public const string ChainIdMismatch = "ChainIdMismatch";
    public const string SignatureInvalid = "SignatureInvalid";
    public const string SignerUnknown = "SignerUnknown";
    public const string UnknownModule = "UnknownModule";
    public const string UnknownAction = "UnknownAction";

    // A transaction whose time or sequence is wrong.
    public const string TransactionExpired = "TransactionExpired";
    public const string ExpiryTooFar = "ExpiryTooFar";
    public const string NonceAlreadyUsed = "NonceAlreadyUsed";
    public const string NonceTooHigh = "NonceTooHigh";

    // The payload.
    public const string PayloadMalformed = "PayloadMalformed";
    public const string PayloadFieldMissing = "PayloadFieldMissing";
    public const string PayloadFieldWrongType = "PayloadFieldWrongType";
    public const string PayloadFieldOutOfRange = "PayloadFieldOutOfRange";
    public const string PayloadFieldUnknown = "PayloadFieldUnknown";

    // Permission.
    public const string SignerLacksRole = "SignerLacksRole";

    /// <summary>An action threw something other than a refusal: a defect, but a deterministic one.</summary>
    public const string ActionFailed = "ActionFailed";

    /// <summary>
    /// Receipt codes of actions that changed nothing because what was asked is already so (the modules'
    /// <c>ActionOutcome.Unchanged</c>): clients report them as "unchanged", not as refusals.
    /// </summary>
    public static IReadOnlySet<string> AlreadySo { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "CertificateAlreadyRevoked", "UserAlreadySuspended", "UserNotSuspended", "EnterpriseAlreadyEnabled", "DocumentsAlreadyPublished", "BranchUnchanged",
        "EvidenceAlreadyRecorded",
    };
}

/// <summary>A stable code and a sentence for people.</summary>
public sealed record Refusal(string Code, string Message);

/// <summary>Thrown inside an action to refuse it; the host turns it into a receipt and discards the action's writes.</summary>
public sealed class ActionRefusedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

namespace Huilian.Core;

/// <summary>
/// Every bound in the protocol, in one place. A value outside these bounds is refused at the edge with a
/// stable error, never truncated. Relationships between them are asserted in <see cref="Check"/> and in tests.
/// </summary>
public static class Limits
{
    public const int ChainIdLengthMax = 64;
    public const int IdentifierLengthMax = 32;
    public const int PublicKeyLengthMax = 65;

    /// <summary>An X.509 certificate (DER) of a user, node or CA.</summary>
    public const int CertificateBytesMax = 4096;
    public const int SignatureLengthMax = 72;
    public const int PayloadBytesMax = 64 * 1024;
    public const int TransactionBytesMax = PayloadBytesMax + 512;

    public const int StateKeyBytesMax = 256;
    public const int StateValueBytesMax = 64 * 1024;
    public const int ReceiptResultBytesMax = 16 * 1024;
    public const int EventsPerReceiptMax = 16;
    public const int EventAttributesMax = 16;
    public const int EventTextBytesMax = 512;
    public const int ResultCodeLengthMax = 64;
    public const int ReceiptMessageBytesMax = 512;

    public const int BlockTransactionsMax = 10_000;
    public const long BlockBytesMax = 16L * 1024 * 1024;
    public const int BlockWritesMax = BlockTransactionsMax * 16;
    public const int ValidatorsMax = 128;

    /// <summary>A transaction may name an expiry at most this many blocks ahead of the height it is admitted at.</summary>
    public const ulong ExpiryWindowBlocksMax = 100_000;

    /// <summary>The HTTP API refuses request bodies above this size before reading them.</summary>
    public const long RequestBodyBytesMax = 2L * TransactionBytesMax;
    public const int SubmitBatchTransactionsMax = 1_000;
    public const long SubmitBatchBytesMax = 8L * 1024 * 1024;

    public const int EvidenceOwnerLengthMax = 128;
    public const int EvidenceTypeLengthMax = 64;
    public const int EvidenceLabelLengthMax = 256;

    public static void Check()
    {
        if (TransactionBytesMax <= PayloadBytesMax || BlockBytesMax < TransactionBytesMax)
        {
            throw new InvalidOperationException("Limits are inconsistent: a block must hold at least one largest transaction.");
        }
        if (SubmitBatchBytesMax < TransactionBytesMax || RequestBodyBytesMax < TransactionBytesMax)
        {
            throw new InvalidOperationException("Limits are inconsistent: a request must hold at least one largest transaction.");
        }
    }
}

using Huilian.Core.Crypto;
using Huilian.Core.Codec;

namespace Huilian.Core.Ledger;

/// <summary>
/// What a block commits to. <see cref="StateRoot"/> and <see cref="ReceiptRoot"/> are the results of executing
/// this block's transactions on the state after the previous block, so a proof about height H needs only header H.
/// <see cref="EvidenceRoot"/> commits to the equivocation evidence the block records.
/// </summary>
public sealed record BlockHeader(
    string ChainId,
    ulong Height,
    Hash32 PreviousHash,
    long TimeMs,
    uint TransactionCount,
    Hash32 TransactionRoot,
    Hash32 StateRoot,
    Hash32 ReceiptRoot,
    Hash32 EvidenceRoot,
    byte[] Proposer,
    Hash32 ValidatorSetHash)
{
    public const byte FormatVersion = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(300);
        writer.WriteU8(FormatVersion);
        writer.WriteString(ChainId);
        writer.WriteU64(Height);
        writer.WriteHash(PreviousHash);
        writer.WriteI64(TimeMs);
        writer.WriteU32(TransactionCount);
        writer.WriteHash(TransactionRoot);
        writer.WriteHash(StateRoot);
        writer.WriteHash(ReceiptRoot);
        writer.WriteHash(EvidenceRoot);
        writer.WriteBytes(Proposer);
        writer.WriteHash(ValidatorSetHash);
        return writer.ToArray();
    }

    public Hash32 ComputeHash(IHashFunction hash) => hash.HashDomain(HashDomain.Header, Encode());

    public static BlockHeader Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        var version = reader.ReadU8();
        if (version != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, $"Header format {version} is not supported; expected {FormatVersion}.");
        }
        var header = new BlockHeader(
            reader.ReadIdentifier("chainId", Limits.ChainIdLengthMax),
            reader.ReadU64(),
            reader.ReadHash(),
            reader.ReadI64(),
            reader.ReadU32(),
            reader.ReadHash(),
            reader.ReadHash(),
            reader.ReadHash(),
            reader.ReadHash(),
            reader.ReadBytesArray(Limits.PublicKeyLengthMax, "proposer"),
            reader.ReadHash());
        reader.End();
        if (header.TransactionCount > Limits.BlockTransactionsMax)
        {
            throw new EncodingException(EncodingErrors.InvalidValue, $"A block holds at most {Limits.BlockTransactionsMax} transactions.");
        }
        return header;
    }
}

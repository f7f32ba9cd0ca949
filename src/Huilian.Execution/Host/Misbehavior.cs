using System.Buffers.Binary;
using Huilian.Core.Codec;
using Huilian.Core.Ledger;

namespace Huilian.Execution.Host;

/// <summary>
/// Equivocation recorded on chain, one entry per (validator, height, round, vote type), under "misbehavior/":
/// the evidence and the height of the block that recorded it. Acting on it belongs to governance.
/// </summary>
public static class Misbehavior
{
    public const string Prefix = "misbehavior";

    public static byte[] Key(Vote vote)
    {
        Span<byte> suffix = stackalloc byte[4 + 8 + 4 + 1];
        BinaryPrimitives.WriteUInt32BigEndian(suffix, vote.ValidatorIndex);
        BinaryPrimitives.WriteUInt64BigEndian(suffix[4..], vote.Height);
        BinaryPrimitives.WriteUInt32BigEndian(suffix[12..], vote.Round);
        suffix[16] = (byte)vote.Type;
        return StateKeys.For(Prefix, suffix);
    }

    public static byte[] Encode(DuplicateVoteEvidence evidence, ulong recordedAtHeight)
    {
        var writer = new CanonicalWriter(320);
        writer.WriteU8(1);
        writer.WriteBytes(evidence.Encode());
        writer.WriteU64(recordedAtHeight);
        return writer.ToArray();
    }

    public static (DuplicateVoteEvidence Evidence, ulong RecordedAtHeight) Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != 1)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown misbehaviour record format.");
        }
        var evidence = DuplicateVoteEvidence.Decode(reader.ReadBytes(EvidenceList.ItemBytesMax, "evidence"));
        var height = reader.ReadU64();
        reader.End();
        return (evidence, height);
    }
}

using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Crypto;

namespace Huilian.Core.Ledger;

public enum VoteType : byte
{
    Prevote = VoteSigning.Prevote,
    Precommit = VoteSigning.Precommit,
}

/// <summary>
/// A prevote or precommit of one validator for a block hash at (height, round); <see cref="Hash32.Zero"/> is nil.
/// The machine handles unsigned votes it asks to be signed, and signed votes the driver has verified.
/// </summary>
public sealed record Vote(VoteType Type, ulong Height, uint Round, Hash32 BlockHash, uint ValidatorIndex, byte[] Signature)
{
    public const byte FormatVersion = 1;

    public bool IsNil => BlockHash.IsZero;

    public byte[] SignBytes(string chainId) => VoteSigning.VoteBytes((byte)Type, chainId, Height, Round, BlockHash);

    public bool VerifySignature(string chainId, ValidatorSet validators, ISignatureScheme scheme) =>
        ValidatorIndex < validators.Count && scheme.Verify(validators.Validators[(int)ValidatorIndex].PublicKey, SignBytes(chainId), Signature);

    public bool SameSlot(Vote other) => Type == other.Type && Height == other.Height && Round == other.Round && ValidatorIndex == other.ValidatorIndex;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(128);
        writer.WriteU8(FormatVersion);
        writer.WriteU8((byte)Type);
        writer.WriteU64(Height);
        writer.WriteU32(Round);
        writer.WriteHash(BlockHash);
        writer.WriteU32(ValidatorIndex);
        writer.WriteBytes(Signature);
        return writer.ToArray();
    }

    public static Vote Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        Read(ref reader, out var vote);
        reader.End();
        return vote;
    }

    internal static void Read(ref CanonicalReader reader, out Vote vote)
    {
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown vote format.");
        }
        var type = reader.ReadU8();
        if (type is not (VoteSigning.Prevote or VoteSigning.Precommit))
        {
            throw new EncodingException(EncodingErrors.InvalidValue, $"Vote type {type} is unknown.");
        }
        vote = new Vote((VoteType)type, reader.ReadU64(), reader.ReadU32(), reader.ReadHash(), reader.ReadU32(), reader.ReadBytesArray(Limits.SignatureLengthMax, "signature"));
    }
}

/// <summary>
/// A proposer's signed statement "at (height, round) I propose the block with this hash", with the round in which
/// it was last valid (-1 if none): Algorithm 1's ⟨PROPOSAL, h, r, v, vr⟩. The block travels beside it.
/// </summary>
public sealed record Proposal(ulong Height, uint Round, int ValidRound, Hash32 BlockHash, uint ProposerIndex, byte[] Signature)
{
    public const byte FormatVersion = 1;

    private static readonly byte[] Domain = HashFunctionExtensions.DomainPrefix("huilian/proposal/v1");

    public byte[] SignBytes(string chainId)
    {
        var writer = new CanonicalWriter(128);
        writer.WriteFixed(Domain);
        writer.WriteString(chainId);
        writer.WriteU64(Height);
        writer.WriteU32(Round);
        writer.WriteI64(ValidRound);
        writer.WriteHash(BlockHash);
        return writer.ToArray();
    }

    public bool VerifySignature(string chainId, ValidatorSet validators, ISignatureScheme scheme) =>
        ProposerIndex < validators.Count && scheme.Verify(validators.Validators[(int)ProposerIndex].PublicKey, SignBytes(chainId), Signature);

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(128);
        writer.WriteU8(FormatVersion);
        writer.WriteU64(Height);
        writer.WriteU32(Round);
        writer.WriteI64(ValidRound);
        writer.WriteHash(BlockHash);
        writer.WriteU32(ProposerIndex);
        writer.WriteBytes(Signature);
        return writer.ToArray();
    }

    public static Proposal Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown proposal format.");
        }
        var proposal = new Proposal(reader.ReadU64(), reader.ReadU32(), checked((int)reader.ReadI64()), reader.ReadHash(), reader.ReadU32(),
            reader.ReadBytesArray(Limits.SignatureLengthMax, "signature"));
        reader.End();
        if (proposal.ValidRound < -1 || proposal.ValidRound >= proposal.Round)
        {
            throw new EncodingException(EncodingErrors.InvalidValue, "A proposal's valid round is -1 or an earlier round.");
        }
        return proposal;
    }
}

/// <summary>Two signed votes of one validator for the same height, round and type, naming different blocks.</summary>
public sealed record DuplicateVoteEvidence(Vote First, Vote Second)
{
    public const byte FormatVersion = 1;

    /// <summary>Checks that the two votes really conflict and are both signed by the validator they name.</summary>
    public bool IsValid(string chainId, ValidatorSet validators, ISignatureScheme scheme) =>
        First.SameSlot(Second) && First.BlockHash != Second.BlockHash &&
        First.VerifySignature(chainId, validators, scheme) && Second.VerifySignature(chainId, validators, scheme);

    /// <summary>The pair in a canonical order, so the same misbehaviour always encodes the same way.</summary>
    public DuplicateVoteEvidence Canonical() => First.BlockHash.CompareTo(Second.BlockHash) <= 0 ? this : new(Second, First);

    public byte[] Encode()
    {
        var canonical = Canonical();
        var writer = new CanonicalWriter(300);
        writer.WriteU8(FormatVersion);
        writer.WriteBytes(canonical.First.Encode());
        writer.WriteBytes(canonical.Second.Encode());
        return writer.ToArray();
    }

    public static DuplicateVoteEvidence Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown evidence format.");
        }
        var first = Vote.Decode(reader.ReadBytes(256, "first"));
        var second = Vote.Decode(reader.ReadBytes(256, "second"));
        reader.End();
        return new DuplicateVoteEvidence(first, second);
    }
}

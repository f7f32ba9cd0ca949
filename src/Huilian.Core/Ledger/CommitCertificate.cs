using Huilian.Core.Crypto;
using Huilian.Core.Codec;

namespace Huilian.Core.Ledger;

/// <summary>One validator's precommit signature, by its index in the validator set.</summary>
public sealed record CommitSignature(uint ValidatorIndex, byte[] Signature);

/// <summary>
/// The precommit signatures that made a block final: validators holding more than two thirds of the voting power
/// signed <see cref="VoteSigning.PrecommitBytes"/> for this height, round and block hash. One signature for a solo chain.
/// </summary>
public sealed record CommitCertificate(ulong Height, uint Round, Hash32 BlockHash, IReadOnlyList<CommitSignature> Signatures)
{
    public const byte FormatVersion = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(64 + (Signatures.Count * 80));
        writer.WriteU8(FormatVersion);
        writer.WriteU64(Height);
        writer.WriteU32(Round);
        writer.WriteHash(BlockHash);
        writer.WriteCount(Signatures.Count);
        foreach (var signature in Signatures)
        {
            writer.WriteU32(signature.ValidatorIndex);
            writer.WriteBytes(signature.Signature);
        }
        return writer.ToArray();
    }

    public static CommitCertificate Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        var version = reader.ReadU8();
        if (version != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, $"Commit format {version} is not supported; expected {FormatVersion}.");
        }
        var height = reader.ReadU64();
        var round = reader.ReadU32();
        var blockHash = reader.ReadHash();
        var count = reader.ReadCount(Limits.ValidatorsMax, "signatures");
        var signatures = new CommitSignature[count];
        for (var i = 0; i < count; i++)
        {
            signatures[i] = new CommitSignature(reader.ReadU32(), reader.ReadBytesArray(Limits.SignatureLengthMax, "signature"));
        }
        reader.End();
        return new CommitCertificate(height, round, blockHash, signatures);
    }
}

/// <summary>The bytes a validator signs when it votes. Consensus and light clients build them the same way.</summary>
public static class VoteSigning
{
    public const byte Prevote = 1;
    public const byte Precommit = 2;
    public const byte Proposal = 3;

    private static readonly byte[] Domain = HashFunctionExtensions.DomainPrefix(HashDomain.Vote);

    public static byte[] PrecommitBytes(string chainId, ulong height, uint round, in Hash32 blockHash) =>
        VoteBytes(Precommit, chainId, height, round, blockHash);

    public static byte[] VoteBytes(byte type, string chainId, ulong height, uint round, in Hash32 blockHash)
    {
        var writer = new CanonicalWriter(128);
        writer.WriteFixed(Domain);
        writer.WriteU8(type);
        writer.WriteString(chainId);
        writer.WriteU64(height);
        writer.WriteU32(round);
        writer.WriteHash(blockHash);
        return writer.ToArray();
    }
}

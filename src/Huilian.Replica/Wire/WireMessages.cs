using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Ledger;

namespace Huilian.Replica.Wire;

/// <summary>The kind byte that starts every message between nodes.</summary>
public enum WireType : byte
{
    Hello = 1,
    Status = 2,
    Proposal = 3,
    Vote = 4,
    Transactions = 5,
    BlockRequest = 6,
    BlockResponse = 7,
    Evidence = 8,
}

/// <summary>
/// A message between nodes: one kind byte, then the canonical encoding of its fields. Every list and byte string
/// is bounded; anything else is refused by <see cref="Decode"/> with an <see cref="EncodingException"/>, and the
/// peer that sent it is penalised.
/// </summary>
public abstract record WireMessage
{
    public const int TransactionsPerMessageMax = 2_000;
    public const int BlocksPerResponseMax = 16;
    public const int EvidencePerBlockMax = 64;
    public const int MessageBytesMax = 24 * 1024 * 1024;

    public abstract WireType Type { get; }

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(256);
        writer.WriteU8((byte)Type);
        Write(writer);
        return writer.ToArray();
    }

    protected abstract void Write(CanonicalWriter writer);

    public static WireMessage Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MessageBytesMax)
        {
            throw new EncodingException(EncodingErrors.LengthExceedsLimit, "The message is above the size limit.");
        }
        var reader = new CanonicalReader(bytes);
        var type = (WireType)reader.ReadU8();
        WireMessage message = type switch
        {
            WireType.Hello => HelloMessage.Read(ref reader),
            WireType.Status => StatusMessage.Read(ref reader),
            WireType.Proposal => ProposalMessage.Read(ref reader),
            WireType.Vote => new VoteMessage(Vote.Decode(reader.ReadBytes(256, "vote"))),
            WireType.Transactions => TransactionsMessage.Read(ref reader),
            WireType.BlockRequest => new BlockRequestMessage(reader.ReadU64(), reader.ReadU32()),
            WireType.BlockResponse => BlockResponseMessage.Read(ref reader),
            WireType.Evidence => new EvidenceMessage(DuplicateVoteEvidence.Decode(reader.ReadBytes(1024, "evidence"))),
            _ => throw new EncodingException(EncodingErrors.InvalidValue, $"Message kind {(byte)type} is unknown."),
        };
        reader.End();
        return message;
    }

    internal static List<byte[]> ReadList(ref CanonicalReader reader, int countMax, int itemBytesMax, string field)
    {
        var count = reader.ReadCount(countMax, field);
        var items = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            items.Add(reader.ReadBytesArray(itemBytesMax, field));
        }
        return items;
    }

    internal static void WriteList(CanonicalWriter writer, IReadOnlyList<byte[]> items)
    {
        writer.WriteCount(items.Count);
        foreach (var item in items)
        {
            writer.WriteBytes(item);
        }
    }
}

/// <summary>The first message on a connection: which chain, which node, how far it has come.</summary>
public sealed record HelloMessage(string ChainId, Hash32 GenesisHash, string NodeName, ulong Height) : WireMessage
{
    public override WireType Type => WireType.Hello;

    protected override void Write(CanonicalWriter writer)
    {
        writer.WriteString(ChainId);
        writer.WriteHash(GenesisHash);
        writer.WriteString(NodeName);
        writer.WriteU64(Height);
    }

    internal static HelloMessage Read(ref CanonicalReader reader) =>
        new(reader.ReadIdentifier("chainId", Limits.ChainIdLengthMax), reader.ReadHash(), reader.ReadString(64, "nodeName"), reader.ReadU64());
}

/// <summary>
/// Where a node is: its committed height, its consensus round and step, and which messages of the current round
/// it holds, so that peers send what it lacks (the gossip that gives Tendermint eventual delivery).
/// </summary>
public sealed record StatusMessage(ulong CommittedHeight, ulong Height, uint Round, byte Step, bool HasProposal, byte[] Prevotes, byte[] Precommits) : WireMessage
{
    public const int BitmapBytesMax = Limits.ValidatorsMax / 8;

    public override WireType Type => WireType.Status;

    protected override void Write(CanonicalWriter writer)
    {
        writer.WriteU64(CommittedHeight);
        writer.WriteU64(Height);
        writer.WriteU32(Round);
        writer.WriteU8(Step);
        writer.WriteBool(HasProposal);
        writer.WriteBytes(Prevotes);
        writer.WriteBytes(Precommits);
    }

    internal static StatusMessage Read(ref CanonicalReader reader) => new(
        reader.ReadU64(), reader.ReadU64(), reader.ReadU32(), reader.ReadU8(), reader.ReadBool(),
        reader.ReadBytesArray(BitmapBytesMax, "prevotes"), reader.ReadBytesArray(BitmapBytesMax, "precommits"));

    public static byte[] Bitmap(int validators, Func<uint, bool> has)
    {
        var bitmap = new byte[(validators + 7) / 8];
        for (var i = 0; i < validators; i++)
        {
            if (has((uint)i))
            {
                bitmap[i / 8] |= (byte)(1 << (i % 8));
            }
        }
        return bitmap;
    }

    public static bool Has(byte[] bitmap, uint index) => index / 8 < bitmap.Length && (bitmap[index / 8] & (1 << (int)(index % 8))) != 0;
}

/// <summary>A signed proposal with the block it proposes (header, transactions and evidence, each encoded).</summary>
public sealed record ProposalMessage(Proposal Proposal, byte[] Header, IReadOnlyList<byte[]> Transactions, IReadOnlyList<byte[]> Evidence) : WireMessage
{
    public override WireType Type => WireType.Proposal;

    protected override void Write(CanonicalWriter writer)
    {
        writer.WriteBytes(Proposal.Encode());
        writer.WriteBytes(Header);
        WriteList(writer, Transactions);
        WriteList(writer, Evidence);
    }

    internal static ProposalMessage Read(ref CanonicalReader reader) => new(
        Proposal.Decode(reader.ReadBytes(512, "proposal")),
        reader.ReadBytesArray(1024, "header"),
        ReadList(ref reader, Limits.BlockTransactionsMax, Limits.TransactionBytesMax, "transactions"),
        ReadList(ref reader, EvidencePerBlockMax, 1024, "evidence"));
}

public sealed record VoteMessage(Vote Vote) : WireMessage
{
    public override WireType Type => WireType.Vote;

    protected override void Write(CanonicalWriter writer) => writer.WriteBytes(Vote.Encode());
}

/// <summary>Transactions gossiped from the mempool of the node that admitted them.</summary>
public sealed record TransactionsMessage(IReadOnlyList<byte[]> Transactions) : WireMessage
{
    public override WireType Type => WireType.Transactions;

    protected override void Write(CanonicalWriter writer) => WriteList(writer, Transactions);

    internal static TransactionsMessage Read(ref CanonicalReader reader) =>
        new(ReadList(ref reader, TransactionsPerMessageMax, Limits.TransactionBytesMax, "transactions"));
}

/// <summary>"Send me committed blocks from this height": block sync for a node that fell behind.</summary>
public sealed record BlockRequestMessage(ulong FromHeight, uint Count) : WireMessage
{
    public override WireType Type => WireType.BlockRequest;

    protected override void Write(CanonicalWriter writer)
    {
        writer.WriteU64(FromHeight);
        writer.WriteU32(Count);
    }
}

/// <summary>A committed block as sync sends it: its parts and the certificate that makes it final.</summary>
public sealed record SyncBlock(byte[] Header, byte[] Commit, IReadOnlyList<byte[]> Transactions, IReadOnlyList<byte[]> Evidence);

public sealed record BlockResponseMessage(IReadOnlyList<SyncBlock> Blocks) : WireMessage
{
    public override WireType Type => WireType.BlockResponse;

    protected override void Write(CanonicalWriter writer)
    {
        writer.WriteCount(Blocks.Count);
        foreach (var block in Blocks)
        {
            writer.WriteBytes(block.Header);
            writer.WriteBytes(block.Commit);
            WriteList(writer, block.Transactions);
            WriteList(writer, block.Evidence);
        }
    }

    internal static BlockResponseMessage Read(ref CanonicalReader reader)
    {
        var count = reader.ReadCount(BlocksPerResponseMax, "blocks");
        var blocks = new List<SyncBlock>(count);
        for (var i = 0; i < count; i++)
        {
            blocks.Add(new SyncBlock(
                reader.ReadBytesArray(1024, "header"),
                reader.ReadBytesArray(64 * 1024, "commit"),
                ReadList(ref reader, Limits.BlockTransactionsMax, Limits.TransactionBytesMax, "transactions"),
                ReadList(ref reader, EvidencePerBlockMax, 1024, "evidence")));
        }
        return new BlockResponseMessage(blocks);
    }
}

public sealed record EvidenceMessage(DuplicateVoteEvidence Evidence) : WireMessage
{
    public override WireType Type => WireType.Evidence;

    protected override void Write(CanonicalWriter writer) => writer.WriteBytes(Evidence.Encode());
}

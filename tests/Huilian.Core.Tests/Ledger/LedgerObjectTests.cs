// BlockHeader, Receipt, CommitCertificate and VoteSigning beyond the golden vectors. Header: the hash is
// H("huilian/header/v1" ‖ 00 ‖ encoding) and changes when any field changes; decode refuses more than 10,000
// transactions (EncodingInvalidValue) but accepts exactly 10,000, refuses a 66-byte proposer, accepts an empty one and
// negative or extreme times and heights. Receipt: Succeeded only for "Ok"; each bound accepted at its limit and refused
// one above (code 64 bytes, message 512, result 16 KiB, 16 events, 16 attributes, event text 512 bytes). Commit
// certificate: 128 signatures accepted, signature of 72 bytes accepted and 73 refused. Votes: prevote, precommit and
// proposal bytes differ only in the type byte and never equal each other; the chain id is length-prefixed.

using Huilian.Core.Codec;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;

namespace Huilian.Core.Tests.Ledger;

public sealed class LedgerObjectTests
{
    private static BlockHeader Header() => new RandomValues(4401).Header() with { TransactionCount = 2 };

    private static Receipt Receipt(string code = "Ok", string message = "", byte[]? result = null, IReadOnlyList<LedgerEvent>? events = null) =>
        new(TestKeys.Filled(0x77), code, message, result ?? [], events ?? []);

    // ---- Header.

    [Fact]
    public void HeaderHashChangesWithEveryField()
    {
        var header = Header();
        Assert.Equal(TestKeys.Sha256.HashDomain(HashDomain.Header, header.Encode()), header.ComputeHash(TestKeys.Sha256));
        var variants = new[]
        {
            header,
            header with { ChainId = header.ChainId + "x" },
            header with { Height = header.Height + 1 },
            header with { PreviousHash = TestKeys.Filled(1) },
            header with { TimeMs = header.TimeMs + 1 },
            header with { TransactionCount = 3 },
            header with { TransactionRoot = TestKeys.Filled(2) },
            header with { StateRoot = TestKeys.Filled(3) },
            header with { ReceiptRoot = TestKeys.Filled(4) },
            header with { Proposer = [.. header.Proposer, 0] },
            header with { ValidatorSetHash = TestKeys.Filled(5) },
        };
        var hashes = variants.Select(v => v.ComputeHash(TestKeys.Sha256)).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
    }

    [Fact]
    public void HeaderTransactionCountIsBounded()
    {
        var header = Header();
        Assert.Equal((uint)Limits.BlockTransactionsMax, BlockHeader.Decode((header with { TransactionCount = Limits.BlockTransactionsMax }).Encode()).TransactionCount);
        Assert.Equal(EncodingErrors.InvalidValue, Expect.EncodingCode(() => BlockHeader.Decode((header with { TransactionCount = Limits.BlockTransactionsMax + 1 }).Encode())));
        Assert.Equal(EncodingErrors.InvalidValue, Expect.EncodingCode(() => BlockHeader.Decode((header with { TransactionCount = uint.MaxValue }).Encode())));
    }

    [Fact]
    public void HeaderProposerAndExtremes()
    {
        var header = Header();
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => BlockHeader.Decode((header with { Proposer = new byte[66] }).Encode())));
        Assert.Empty(BlockHeader.Decode((header with { Proposer = [] }).Encode()).Proposer);
        foreach (var (height, time) in new[] { (0UL, long.MinValue), (ulong.MaxValue, long.MaxValue), (1UL, -1L) })
        {
            var extreme = header with { Height = height, TimeMs = time };
            var decoded = BlockHeader.Decode(extreme.Encode());
            Assert.Equal(height, decoded.Height);
            Assert.Equal(time, decoded.TimeMs);
        }
    }

    // ---- Receipt.

    [Fact]
    public void SucceededOnlyForOk()
    {
        Assert.True(Receipt().Succeeded);
        Assert.False(Receipt("ok").Succeeded);
        Assert.False(Receipt("PayloadMalformed").Succeeded);
        Assert.False(Receipt("").Succeeded);
    }

    public static TheoryData<string, int> ReceiptBounds => new()
    {
        { "code", Limits.ResultCodeLengthMax },
        { "message", Limits.ReceiptMessageBytesMax },
        { "result", Limits.ReceiptResultBytesMax },
        { "events", Limits.EventsPerReceiptMax },
        { "attributes", Limits.EventAttributesMax },
        { "type", Limits.EventTextBytesMax },
        { "key", Limits.EventTextBytesMax },
        { "value", Limits.EventTextBytesMax },
    };

    private static Receipt ReceiptWith(string field, int size) => field switch
    {
        "code" => Receipt(code: new string('c', size)),
        "message" => Receipt(message: new string('m', size)),
        "result" => Receipt(result: new byte[size]),
        "events" => Receipt(events: Enumerable.Repeat(new LedgerEvent("e", []), size).ToArray()),
        "attributes" => Receipt(events: [new LedgerEvent("e", Enumerable.Repeat(new EventAttribute("k", "v"), size).ToArray())]),
        "type" => Receipt(events: [new LedgerEvent(new string('t', size), [])]),
        "key" => Receipt(events: [new LedgerEvent("e", [new EventAttribute(new string('k', size), "v")])]),
        "value" => Receipt(events: [new LedgerEvent("e", [new EventAttribute("k", new string('v', size))])]),
        _ => throw new ArgumentException(field),
    };

    [Theory]
    [MemberData(nameof(ReceiptBounds))]
    public void ReceiptBoundsAcceptTheLimitAndRefuseOneMore(string field, int limit)
    {
        var atLimit = ReceiptWith(field, limit).Encode();
        Assert.Equal(atLimit, global::Huilian.Core.Ledger.Receipt.Decode(atLimit).Encode());
        var above = ReceiptWith(field, limit + 1).Encode();
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => global::Huilian.Core.Ledger.Receipt.Decode(above)));
    }

    // ---- Commit certificate.

    [Fact]
    public void CommitBounds()
    {
        var most = new CommitCertificate(1, 0, Hash32.Zero, Enumerable.Range(0, Limits.ValidatorsMax).Select(i => new CommitSignature((uint)i, new byte[Limits.SignatureLengthMax])).ToArray());
        Assert.Equal(most.Encode(), CommitCertificate.Decode(most.Encode()).Encode());
        var longSignature = new CommitCertificate(1, 0, Hash32.Zero, [new CommitSignature(0, new byte[Limits.SignatureLengthMax + 1])]);
        Assert.Equal(EncodingErrors.LengthExceedsLimit, Expect.EncodingCode(() => CommitCertificate.Decode(longSignature.Encode())));
        var empty = new CommitCertificate(ulong.MaxValue, uint.MaxValue, TestKeys.Filled(0xff), []);
        var decoded = CommitCertificate.Decode(empty.Encode());
        Assert.Equal(ulong.MaxValue, decoded.Height);
        Assert.Equal(uint.MaxValue, decoded.Round);
        Assert.Empty(decoded.Signatures);
    }

    // ---- Votes.

    [Fact]
    public void VoteTypesAreSeparated()
    {
        var block = TestKeys.Filled(0x66);
        var prevote = VoteSigning.VoteBytes(VoteSigning.Prevote, "c", 1, 0, block);
        var precommit = VoteSigning.VoteBytes(VoteSigning.Precommit, "c", 1, 0, block);
        var proposal = VoteSigning.VoteBytes(VoteSigning.Proposal, "c", 1, 0, block);
        Assert.Equal(precommit, VoteSigning.PrecommitBytes("c", 1, 0, block));
        Assert.NotEqual(prevote, precommit);
        Assert.NotEqual(precommit, proposal);
        var typeOffset = "huilian/vote/v1".Length + 1;
        Assert.Equal(prevote[..typeOffset], precommit[..typeOffset]);
        Assert.Equal(prevote[(typeOffset + 1)..], precommit[(typeOffset + 1)..]);
        Assert.Equal(new byte[] { 1, 2, 3 }, new[] { prevote[typeOffset], precommit[typeOffset], proposal[typeOffset] });
        // The chain id is length-prefixed: "ab" at height h never collides with "a" followed by other bytes.
        Assert.NotEqual(VoteSigning.PrecommitBytes("ab", 1, 0, block), VoteSigning.PrecommitBytes("a", 1, 0, block));
        Assert.Equal(VoteSigning.PrecommitBytes("ab", 1, 0, block).Length, VoteSigning.PrecommitBytes("a", 1, 0, block).Length + 1);
    }
}

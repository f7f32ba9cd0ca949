using Huilian.Core;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Evidence;

namespace Huilian.Execution.Tests.Host;

// Cases: inclusion rules checked before a transaction enters a block — chain id, expiry (passed, at the edge,
// too far ahead), unknown module and action, unknown and disabled signers, nonce (first is 1, replay refused,
// gap refused, sequence within one block) — each refusal leaves state untouched; a refused action (lacking role,
// bad payload) consumes the nonce but writes nothing else and emits no events; a full block refuses more;
// determinism: the same block executed twice from the same state gives identical receipts and write sets.
public sealed class BlockExecutionTests
{
    private readonly TestChain _chain = new();

    [Fact]
    public void FirstNonceIsOneAndNoncesMustFollowInOrder()
    {
        var hash = Hash32.Parse(new string('a', 64));
        var (_, refusals) = _chain.RunBlock(
            _chain.Tx(_chain.Admin, 2, "evidence", "record", TestChain.EvidencePayload(hash)),
            _chain.Tx(_chain.Admin, 1, "evidence", "record", TestChain.EvidencePayload(hash)),
            _chain.Tx(_chain.Admin, 2, "evidence", "record", TestChain.EvidencePayload(Hash32.Parse(new string('b', 64)))),
            _chain.Tx(_chain.Admin, 2, "evidence", "record", TestChain.EvidencePayload(Hash32.Parse(new string('c', 64)))));
        Assert.Equal(ResultCodes.NonceTooHigh, refusals[0]!.Code);
        Assert.Null(refusals[1]);
        Assert.Null(refusals[2]);
        Assert.Equal(ResultCodes.NonceAlreadyUsed, refusals[3]!.Code);
        Assert.Equal(2UL, ExecutionEngine.ReadNonce(_chain.State, _chain.IdOf(_chain.Admin)));
    }

    [Fact]
    public void ReplayedTransactionIsRefusedInALaterBlock()
    {
        var transaction = _chain.Tx(_chain.Admin, 1, "evidence", "record", TestChain.EvidencePayload(Hash32.Parse(new string('a', 64))));
        Assert.Null(_chain.RunBlock(transaction).Refusals[0]);
        var before = _chain.State.Snapshot();
        var (execution, refusals) = _chain.RunBlock(transaction);
        Assert.Equal(ResultCodes.NonceAlreadyUsed, refusals[0]!.Code);
        Assert.Empty(execution.Transactions);
        Assert.Empty(execution.WriteSet());
        Assert.Equal(before, _chain.State.Snapshot(), new SnapshotComparer());
    }

    [Theory]
    [InlineData(0UL, ResultCodes.TransactionExpired)]
    [InlineData(1UL, null)]
    [InlineData(10_001UL, null)]
    [InlineData(10_002UL, ResultCodes.ExpiryTooFar)]
    public void ExpiryIsCheckedAgainstTheBlockHeight(ulong expiry, string? expected)
    {
        var (_, refusals) = _chain.RunBlock(_chain.Tx(_chain.Admin, 1, "evidence", "record", TestChain.EvidencePayload(Hash32.Parse(new string('a', 64))), expiry));
        Assert.Equal(expected, refusals[0]?.Code);
    }

    [Fact]
    public void WrongChainUnknownModuleUnknownActionAndUnknownSignerAreRefusedWithoutChange()
    {
        var payload = TestChain.EvidencePayload(Hash32.Parse(new string('a', 64)));
        var before = _chain.State.Snapshot();
        var (execution, refusals) = _chain.RunBlock(
            _chain.Tx(_chain.Admin, 1, "evidence", "record", payload, chainId: "other-chain"),
            _chain.Tx(_chain.Admin, 1, "nosuchmodule", "record", payload),
            _chain.Tx(_chain.Admin, 1, "evidence", "nosuchaction", payload),
            _chain.Tx(_chain.Stranger, 1, "evidence", "record", payload));
        Assert.Equal(
            [ResultCodes.ChainIdMismatch, ResultCodes.UnknownModule, ResultCodes.UnknownAction, ResultCodes.SignerUnknown],
            refusals.Select(r => r!.Code).ToArray());
        Assert.Empty(execution.Transactions);
        Assert.Equal(before, _chain.State.Snapshot(), new SnapshotComparer());
    }

    [Fact]
    public void ARefusedActionConsumesItsNonceButChangesNothingElse()
    {
        var hash = Hash32.Parse(new string('a', 64));
        var (execution, refusals) = _chain.RunBlock(
            _chain.Tx(_chain.User, 1, "evidence", "record", TestChain.EvidencePayload(hash)),
            _chain.Tx(_chain.Admin, 1, "evidence", "record", "{\"hash\":\"zz\"}"));
        Assert.All(refusals, Assert.Null);
        Assert.Equal(ResultCodes.SignerLacksRole, execution.Receipts[0].Code);
        Assert.Contains("evidence-recorder", execution.Receipts[0].Message);
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, execution.Receipts[1].Code);
        Assert.All(execution.Receipts, receipt => Assert.Empty(receipt.Events));
        var writes = execution.WriteSet().Select(w => Convert.ToHexString(w.Key)).Order().ToArray();
        Assert.Equal(
            new[] { StateKeys.Nonce(_chain.IdOf(_chain.User)), StateKeys.Nonce(_chain.IdOf(_chain.Admin)) }.Select(Convert.ToHexString).Order().ToArray(),
            writes);
        Assert.Null(_chain.State.Get(EvidenceModule.Key(hash)));
    }

    [Fact]
    public void SuspendedUserIsRefusedFromTheNextBlock()
    {
        var (suspend, _) = _chain.RunBlock(_chain.Next("bank-a/admin", "membership", "suspend-user", "{\"user\":\"user\"}"));
        Assert.Equal(ResultCodes.Ok, suspend.Receipts[0].Code);
        var (_, refusals) = _chain.RunBlock(_chain.Tx(_chain.User, 1, "evidence", "record", TestChain.EvidencePayload(Hash32.Parse(new string('a', 64)))));
        Assert.Equal("UserSuspended", refusals[0]!.Code);
    }

    [Fact]
    public void SameBlockFromSameStateExecutesIdentically()
    {
        var transactions = Enumerable.Range(1, 50)
            .Select(i => _chain.Tx(_chain.Admin, (ulong)i, "evidence", "record", TestChain.EvidencePayload(Hash(i))))
            .ToArray();
        var first = _chain.Engine.BeginBlock(new BlockContext(TestChain.ChainId, 1, 1_700_000_001_000, _chain.Validator.PublicKey), _chain.State);
        var second = _chain.Engine.BeginBlock(new BlockContext(TestChain.ChainId, 1, 1_700_000_001_000, _chain.Validator.PublicKey), _chain.State);
        foreach (var transaction in transactions)
        {
            Assert.Null(first.TryApply(transaction));
            Assert.Null(second.TryApply(transaction));
        }
        Assert.Equal(first.Receipts.Select(r => Convert.ToHexString(r.Encode())), second.Receipts.Select(r => Convert.ToHexString(r.Encode())));
        Assert.Equal(
            Core.State.WriteSetEncoding.Encode(first.WriteSet()),
            Core.State.WriteSetEncoding.Encode(second.WriteSet()));
    }

    [Fact]
    public void AFullBlockRefusesMoreTransactions()
    {
        var chain = new TestChain();
        var execution = chain.Engine.BeginBlock(new BlockContext(TestChain.ChainId, 1, 1_700_000_001_000, chain.Validator.PublicKey), chain.State);
        var limit = chain.Genesis.Parameters.BlockTransactionsMax;
        for (var i = 1; i <= limit; i++)
        {
            Assert.Null(execution.TryApply(chain.Tx(chain.Admin, (ulong)i, "evidence", "record", TestChain.EvidencePayload(Hash(i)))));
        }
        var refusal = execution.TryApply(chain.Tx(chain.Admin, (ulong)limit + 1, "evidence", "record", TestChain.EvidencePayload(Hash(0))));
        Assert.Equal("BlockFull", refusal!.Code);
        Assert.Equal(limit, execution.Transactions.Count);
    }

    private static Hash32 Hash(int i)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes, i);
        return new Hash32(bytes);
    }

    private sealed class SnapshotComparer : IEqualityComparer<SortedDictionary<byte[], byte[]>>
    {
        public bool Equals(SortedDictionary<byte[], byte[]>? x, SortedDictionary<byte[], byte[]>? y) =>
            x!.Count == y!.Count && x.Zip(y).All(pair => pair.First.Key.AsSpan().SequenceEqual(pair.Second.Key) && pair.First.Value.AsSpan().SequenceEqual(pair.Second.Value));

        public int GetHashCode(SortedDictionary<byte[], byte[]> obj) => obj.Count;
    }
}

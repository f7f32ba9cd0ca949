using System.Text;
using Huilian.Core;
using Huilian.Core.Ledger;
using Huilian.Execution.Host;

namespace Huilian.Ledger.Tests;

// Cases: admission accepts a valid transaction once (AlreadyPending after, AlreadyCommitted once committed);
// refuses, leaving nothing pending: undecodable and oversized bytes, a bad signature, another chain, an unknown
// signer, an unknown module or action, a bad payload, a lacking role, an expired or too-far expiry, a used nonce,
// a nonce too far ahead, a second transaction for a pending nonce; answers Busy when full by count, bytes or per
// signer; TakeBatch yields each signer's consecutive nonces and stops at a gap; after a commit the included
// transactions leave and stale ones are dropped with a reason.
public sealed class MempoolTests
{
    [Fact]
    public void AcceptsOnceThenReportsPendingThenCommitted()
    {
        using var fixture = new LedgerFixture();
        var mempool = new Mempool(fixture.Chain);
        var transaction = fixture.Evidence(LedgerFixture.HashOf(1));
        Assert.Equal(AdmissionStatus.Accepted, mempool.Admit(transaction.Encoded).Status);
        Assert.Equal(AdmissionStatus.AlreadyPending, mempool.Admit(transaction.Encoded).Status);
        Assert.Equal(1, mempool.Count);
        fixture.CommitBlock(mempool.TakeBatch(100, 1 << 20).ToArray());
        Assert.Equal(0, mempool.Count);
        Assert.Equal(AdmissionStatus.AlreadyCommitted, mempool.Admit(transaction.Encoded).Status);
    }

    public static TheoryData<string> RefusalCases => new()
    {
        "Garbage", "Oversized", "BadSignature", "OtherChain", "UnknownSigner", "UnknownModule", "UnknownAction",
        "BadPayload", "LacksRole", "Expired", "ExpiryTooFar", "NonceUsed", "NonceTooFar", "NoncePending",
    };

    [Theory]
    [MemberData(nameof(RefusalCases))]
    public void RefusalsLeaveNothingPending(string name)
    {
        using var fixture = new LedgerFixture();
        var mempool = new Mempool(fixture.Chain, new MempoolOptions { PerSignerMax = 10 });
        fixture.CommitBlock(fixture.Evidence(LedgerFixture.HashOf(100)), fixture.Evidence(LedgerFixture.HashOf(101)));
        var setup = fixture.Setup;
        Transaction Make(string module = "evidence", string action = "record", string? payload = null, ulong nonce = 3, ulong expiry = 50, string? chainId = null, Core.Crypto.ISigningKey? key = null) =>
            Transaction.Create(setup.Hash, key ?? fixture.Admin, chainId ?? setup.ChainId, nonce, expiry, module, action,
                Encoding.UTF8.GetBytes(payload ?? $"{{\"hash\":\"{LedgerFixture.HashOf(7)}\"}}"));
        var pendingFirst = 0;
        (byte[] Bytes, string Code) attempt = name switch
        {
            "Garbage" => ([0x01, 0x02, 0x03], ResultCodes.TransactionMalformed),
            "Oversized" => (new byte[Limits.TransactionBytesMax + 1], ResultCodes.TransactionTooLarge),
            "BadSignature" => (Flip(Make().EncodedArray, ^5), ResultCodes.SignatureInvalid),
            "OtherChain" => (Make(chainId: "other-chain").EncodedArray, ResultCodes.ChainIdMismatch),
            "UnknownSigner" => (Make(key: fixture.Outsider, nonce: 1).EncodedArray, ResultCodes.SignerUnknown),
            "UnknownModule" => (Make(module: "nosuch").EncodedArray, ResultCodes.UnknownModule),
            "UnknownAction" => (Make(action: "nosuch").EncodedArray, ResultCodes.UnknownAction),
            "BadPayload" => (Make(payload: "{\"hash\":1}").EncodedArray, ResultCodes.PayloadFieldWrongType),
            "LacksRole" => (Make(module: "membership", action: "suspend-user", payload: "{\"user\":\"nobody\"}", key: fixture.Admin).EncodedArray, ""),
            "Expired" => (Make(expiry: 1).EncodedArray, ResultCodes.TransactionExpired),
            "ExpiryTooFar" => (Make(expiry: 20_000).EncodedArray, ResultCodes.ExpiryTooFar),
            "NonceUsed" => (Make(nonce: 2).EncodedArray, ResultCodes.NonceAlreadyUsed),
            "NonceTooFar" => (Make(nonce: 13).EncodedArray, ResultCodes.NonceTooHigh),
            "NoncePending" => (Make(payload: $"{{\"hash\":\"{LedgerFixture.HashOf(8)}\"}}").EncodedArray, AdmissionResult.NonceAlreadyPendingCode),
            _ => throw new ArgumentException(name),
        };
        if (name == "NoncePending")
        {
            Assert.Equal(AdmissionStatus.Accepted, mempool.Admit(Make()).Status);
            pendingFirst = 1;
        }
        if (name == "LacksRole")
        {
            // A user registered without roles lacks evidence-recorder.
            var register = Transaction.Create(setup.Hash, fixture.Admin, setup.ChainId, 3, 50, "membership", "register-user",
                Encoding.UTF8.GetBytes(fixture.RegisterUserPayload(fixture.Outsider, "n")));
            fixture.CommitBlock(register);
            attempt = (Make(key: fixture.Outsider, nonce: 1).EncodedArray, ResultCodes.SignerLacksRole);
        }
        var result = mempool.Admit(attempt.Bytes);
        Assert.Equal(AdmissionStatus.Refused, result.Status);
        Assert.Equal(attempt.Code, result.Refusal!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Refusal.Message));
        Assert.Equal(pendingFirst, mempool.Count);
    }

    [Fact]
    public void AnswersBusyWhenFullByCountBytesOrSigner()
    {
        using var fixture = new LedgerFixture();
        var byCount = new Mempool(fixture.Chain, new MempoolOptions { TransactionsMax = 3 });
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(AdmissionStatus.Accepted, byCount.Admit(fixture.Evidence(LedgerFixture.HashOf(i), nonce: (ulong)i)).Status);
        }
        var busy = byCount.Admit(fixture.Evidence(LedgerFixture.HashOf(4), nonce: 4));
        Assert.Equal(AdmissionStatus.Busy, busy.Status);
        Assert.Equal(AdmissionResult.BusyCode, busy.Refusal!.Code);

        var bySigner = new Mempool(fixture.Chain, new MempoolOptions { PerSignerMax = 2 });
        Assert.Equal(AdmissionStatus.Accepted, bySigner.Admit(fixture.Evidence(LedgerFixture.HashOf(1), nonce: 1)).Status);
        Assert.Equal(AdmissionStatus.Accepted, bySigner.Admit(fixture.Evidence(LedgerFixture.HashOf(2), nonce: 2)).Status);
        Assert.Equal(ResultCodes.NonceTooHigh, bySigner.Admit(fixture.Evidence(LedgerFixture.HashOf(3), nonce: 3)).Refusal!.Code);

        var transaction = fixture.Evidence(LedgerFixture.HashOf(9), nonce: 1);
        var byBytes = new Mempool(fixture.Chain, new MempoolOptions { BytesMax = transaction.Size - 1 });
        Assert.Equal(AdmissionStatus.Busy, byBytes.Admit(transaction).Status);
    }

    [Fact]
    public void BatchesFollowNoncesAndStopAtAGap()
    {
        using var fixture = new LedgerFixture();
        var mempool = new Mempool(fixture.Chain);
        foreach (var nonce in new ulong[] { 1, 2, 4, 5 })
        {
            Assert.Equal(AdmissionStatus.Accepted, mempool.Admit(fixture.Evidence(LedgerFixture.HashOf((int)nonce), nonce: nonce)).Status);
        }
        Assert.Equal([1UL, 2UL], mempool.TakeBatch(100, 1 << 20).Select(t => t.Nonce));
        Assert.Single(mempool.TakeBatch(1, 1 << 20));
        Assert.Equal(AdmissionStatus.Accepted, mempool.Admit(fixture.Evidence(LedgerFixture.HashOf(3), nonce: 3)).Status);
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], mempool.TakeBatch(100, 1 << 20).Select(t => t.Nonce));
    }

    [Fact]
    public void CommittingRemovesIncludedAndDropsStaleTransactions()
    {
        using var fixture = new LedgerFixture();
        var mempool = new Mempool(fixture.Chain);
        var dropped = new List<(Hash32, string)>();
        mempool.Dropped += (id, refusal) => dropped.Add((id, refusal.Code));
        var pending = fixture.Evidence(LedgerFixture.HashOf(1), nonce: 1);
        var expiring = fixture.Evidence(LedgerFixture.HashOf(2), nonce: 2, expiry: 1);
        Assert.Equal(AdmissionStatus.Accepted, mempool.Admit(pending).Status);
        Assert.Equal(AdmissionStatus.Accepted, mempool.Admit(expiring).Status);
        // Another transaction with nonce 1 commits (e.g. through another node): the pending one is stale.
        var rival = fixture.Evidence(LedgerFixture.HashOf(3), nonce: 1);
        fixture.CommitBlock(rival);
        Assert.Equal(0, mempool.Count);
        Assert.Contains((pending.Id, ResultCodes.NonceAlreadyUsed), dropped);
        Assert.Contains((expiring.Id, ResultCodes.TransactionExpired), dropped);
    }

    private static byte[] Flip(byte[] bytes, Index index)
    {
        bytes[index] ^= 0x01;
        return bytes;
    }
}

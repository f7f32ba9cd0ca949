using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Crypto;
using Huilian.Node.Hosting;

namespace Huilian.Replica.Tests;

// Cases: the guard signs each slot (height, round, step) at most once — the same bytes again get the same signature,
// different bytes or an earlier slot get nothing; what it signed survives a restart through the file store (a new
// guard on the same file refuses the conflicting message); the context (block hash, lock, valid value) round-trips;
// a format-1 file still loads (with no lock); a damaged file refuses to load rather than guess; the locked block
// record round-trips and is bounded.
public sealed class SignGuardTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "huilian-signguard-" + Guid.NewGuid().ToString("N"));

    private string StatePath => Path.Combine(_directory, "sign-state.bin");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static readonly Hash32 BlockX = new(Enumerable.Repeat((byte)7, 32).ToArray());

    private static readonly SignContext Locked = new(2, BlockX, 3, new Hash32(Enumerable.Repeat((byte)9, 32).ToArray()));

    [Fact]
    public void EachSlotIsSignedAtMostOnce()
    {
        using var key = EcdsaP256.Generate();
        var guard = new SignGuard(key, new FileSignStateStore(StatePath));
        var first = guard.Sign(5, 0, SignStep.Prevote, Bytes("prevote A"));
        Assert.NotNull(first);
        Assert.Equal(first, guard.Sign(5, 0, SignStep.Prevote, Bytes("prevote A")));
        Assert.Null(guard.Sign(5, 0, SignStep.Prevote, Bytes("prevote B")));
        Assert.NotNull(guard.Sign(5, 0, SignStep.Precommit, Bytes("precommit A")));
        Assert.Equal(first, guard.Sign(5, 0, SignStep.Prevote, Bytes("prevote A")));   // still kept: same bytes, same signature
        Assert.Null(guard.Sign(5, 0, SignStep.Proposal, Bytes("late proposal")));     // an earlier slot, never signed
        Assert.Null(guard.Sign(4, 9, SignStep.Precommit, Bytes("old height")));
        Assert.NotNull(guard.Sign(5, 1, SignStep.Proposal, Bytes("proposal round 1")));
        Assert.NotNull(guard.Sign(6, 0, SignStep.Proposal, Bytes("next height")));
    }

    [Fact]
    public void WhatWasSignedSurvivesARestartWithItsContext()
    {
        using var key = EcdsaP256.Generate();
        var guard = new SignGuard(key, new FileSignStateStore(StatePath));
        var prevote = guard.Sign(8, 2, SignStep.Prevote, Bytes("prevote X"), BlockX, SignContext.None);
        var signature = guard.Sign(8, 2, SignStep.Precommit, Bytes("precommit X"), BlockX, Locked);
        Assert.NotNull(prevote);
        Assert.NotNull(signature);

        var restarted = new SignGuard(key, new FileSignStateStore(StatePath));
        Assert.Null(restarted.Sign(8, 2, SignStep.Precommit, Bytes("precommit nil")));
        Assert.Null(restarted.Sign(8, 2, SignStep.Prevote, Bytes("prevote nil")));
        Assert.Equal(signature, restarted.Sign(8, 2, SignStep.Precommit, Bytes("precommit X"), BlockX, Locked));
        Assert.Equal(prevote, restarted.Sign(8, 2, SignStep.Prevote, Bytes("prevote X"), BlockX, Locked));
        var last = restarted.Last!;
        Assert.Equal((8UL, 2U, SignStep.Precommit), (last.Height, last.Round, last.Step));
        Assert.Equal(Locked, last.Context);
        // Both messages of the round are kept, so both can be sent again after a restart.
        Assert.Equal([SignStep.Prevote, SignStep.Precommit], last.Signed.Select(m => m.Step));
        Assert.Equal(BlockX, last.At(SignStep.Prevote)!.BlockHash);
        // A new round starts a new list.
        Assert.NotNull(restarted.Sign(8, 3, SignStep.Prevote, Bytes("prevote round 3")));
        Assert.Single(restarted.Last!.Signed);
        Assert.False(File.Exists(StatePath + ".tmp"));
    }

    [Fact]
    public void TheLockedBlockIsKeptBesideTheSignState()
    {
        using var key = EcdsaP256.Generate();
        var store = new FileSignStateStore(StatePath);
        Assert.Null(store.LoadLockedBlock());
        var record = new LockedBlockRecord([1, 2, 3], [[4, 5], [6]]);
        store.SaveLockedBlock(record.Encode());
        var loaded = LockedBlockRecord.Decode(new FileSignStateStore(StatePath).LoadLockedBlock()!);
        Assert.Equal(record.Proposal, loaded.Proposal);
        Assert.Equal(2, loaded.Votes.Count);
        Assert.Equal(new byte[] { 4, 5 }, loaded.Votes[0]);
    }

    [Fact]
    public void AFormatOneStateLoadsWithoutALock()
    {
        var writer = new CanonicalWriter(64);
        writer.WriteU8(1);
        writer.WriteU64(3);
        writer.WriteU32(1);
        writer.WriteU8((byte)SignStep.Prevote);
        writer.WriteBytes(Bytes("vote"));
        writer.WriteBytes(new byte[64]);
        var state = SignState.Decode(writer.ToArray());
        Assert.Equal(3UL, state.Height);
        Assert.Equal(SignContext.None, state.Context);
    }

    [Fact]
    public void ADamagedStateRefusesToLoad()
    {
        using var key = EcdsaP256.Generate();
        new SignGuard(key, new FileSignStateStore(StatePath)).Sign(1, 0, SignStep.Prevote, Bytes("v"), BlockX, Locked);
        var bytes = File.ReadAllBytes(StatePath);
        File.WriteAllBytes(StatePath, bytes[..^3]);
        var error = Assert.Throws<InvalidOperationException>(() => new SignGuard(key, new FileSignStateStore(StatePath)));
        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        bytes[17] = 9; // the first message's step byte (after version, height, round, count): no such step
        File.WriteAllBytes(StatePath, bytes);
        Assert.Throws<InvalidOperationException>(() => new SignGuard(key, new FileSignStateStore(StatePath)));
    }

    [Fact]
    public void ALockedBlockRecordWithTooManyVotesIsRefused()
    {
        var writer = new CanonicalWriter(16);
        writer.WriteU8(LockedBlockRecord.FormatVersion);
        writer.WriteBytes([1]);
        writer.WriteCount(Limits.ValidatorsMax + 1);
        Assert.Throws<EncodingException>(() => LockedBlockRecord.Decode(writer.ToArray()));
    }
}

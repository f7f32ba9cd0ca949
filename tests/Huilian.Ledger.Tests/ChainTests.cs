using Huilian.Core;
using Huilian.Core.Ledger;
using Huilian.Core.Merkle;
using Huilian.Execution.Modules.Evidence;

namespace Huilian.Ledger.Tests;

// Cases: a fresh chain starts at height 0 with the genesis state; committed blocks link by hash, carry their
// roots, and are found by height, hash and transaction id; reopening rebuilds the same head, state root and
// index from the stored chain; with a snapshot, reopening loads it and replays only later write sets (and gives
// the same root); a damaged snapshot is ignored; a commit with a bad certificate, or a block that does not extend
// the head, is refused and nothing is stored; a data directory of another genesis is refused; a replayed
// proposal from the same transactions gives the same block hash; ChainReplay re-executes the chain and agrees.
public sealed class ChainTests
{
    [Fact]
    public void FreshChainStartsAtGenesis()
    {
        using var fixture = new LedgerFixture();
        Assert.Equal(0UL, fixture.Chain.Head.Height);
        Assert.Equal(fixture.Setup.GenesisHash, fixture.Chain.Head.Hash);
        // Genesis state: the regulator organisation, its admin user and key, indexes, governance rules.
        Assert.Equal(fixture.Setup.Engine.GenesisWrites(fixture.Genesis).Count, fixture.Chain.State.Count);
        Assert.True(fixture.Chain.State.Count > 1);
    }

    [Fact]
    public void CommittedBlocksLinkAndAreFoundByHeightHashAndTransaction()
    {
        using var fixture = new LedgerFixture();
        var first = fixture.CommitBlock(fixture.Evidence(LedgerFixture.HashOf(1)), fixture.Evidence(LedgerFixture.HashOf(2)));
        var second = fixture.CommitBlock(fixture.Evidence(LedgerFixture.HashOf(3)));
        Assert.Equal(fixture.Setup.GenesisHash, first.Header.PreviousHash);
        Assert.Equal(first.Hash, second.Header.PreviousHash);
        Assert.Equal(2UL, fixture.Chain.Head.Height);
        Assert.Equal(3L, fixture.Chain.Head.TransactionCount);
        Assert.Equal(second.Hash, fixture.Chain.GetBlock(2)!.Hash);
        Assert.Equal(1UL, fixture.Chain.GetBlock(first.Hash)!.Height);
        var record = fixture.Chain.GetTransaction(first.Transactions[1].Id)!;
        Assert.Equal((1UL, 1), (record.Height, record.Index));
        var proof = fixture.Chain.ProveTransaction(record);
        Assert.True(proof.Verify(fixture.Setup.Hash, MerkleTree.LeafHash(fixture.Setup.Hash, record.Transaction), first.Header.TransactionRoot));
        Assert.NotNull(fixture.Chain.State.Get(EvidenceModule.Key(LedgerFixture.HashOf(3))));
    }

    [Fact]
    public void ReopeningRebuildsHeadStateAndIndexes()
    {
        using var fixture = new LedgerFixture();
        fixture.CommitEvidenceBlocks(blocks: 20, perBlock: 25);
        var head = fixture.Chain.Head;
        var root = fixture.Chain.State.Root;
        var someTransaction = fixture.Chain.GetBlockTransactions(fixture.Chain.GetBlock(7)!)[3].Id;
        var reports = new List<ChainCheckProgress>();
        fixture.Reopen(new InlineProgress(reports.Add));
        Assert.Equal(head.Hash, fixture.Chain.Head.Hash);
        Assert.Equal(head.TransactionCount, fixture.Chain.Head.TransactionCount);
        Assert.Equal(root, fixture.Chain.State.Root);
        Assert.Equal(root, fixture.Chain.Head.StateRoot);
        Assert.Equal(7UL, fixture.Chain.GetTransaction(someTransaction)!.Height);
        Assert.Equal(20UL, reports[^1].Height);
        fixture.CommitEvidenceBlocks(blocks: 1, perBlock: 5, start: 10_000);
        Assert.Equal(21UL, fixture.Chain.Head.Height);
    }

    [Fact]
    public void ReopeningFromASnapshotReplaysOnlyLaterBlocks()
    {
        using var fixture = new LedgerFixture(options: new ChainOptions { SnapshotAfterWrites = long.MaxValue });
        fixture.CommitEvidenceBlocks(blocks: 10, perBlock: 20);
        fixture.Chain.SnapshotNow();
        fixture.CommitEvidenceBlocks(blocks: 5, perBlock: 20, start: 1_000);
        var root = fixture.Chain.State.Root;
        var reports = new List<ChainCheckProgress>();
        fixture.Reopen(new InlineProgress(reports.Add));
        Assert.Contains(reports, r => r.Phase.Contains("snapshot", StringComparison.OrdinalIgnoreCase) && r.Height == 10);
        Assert.Equal(root, fixture.Chain.State.Root);
        Assert.Equal(15UL, fixture.Chain.Head.Height);
    }

    [Fact]
    public void ADamagedSnapshotIsIgnored()
    {
        using var fixture = new LedgerFixture(options: new ChainOptions { SnapshotAfterWrites = long.MaxValue });
        fixture.CommitEvidenceBlocks(blocks: 6, perBlock: 10);
        fixture.Chain.SnapshotNow();
        var root = fixture.Chain.State.Root;
        fixture.Close();
        var snapshot = Directory.GetFiles(Path.Combine(fixture.DataDirectory, "snapshots"), "state-*.db").Single();
        var bytes = File.ReadAllBytes(snapshot);
        bytes[^100] ^= 0xff;
        File.WriteAllBytes(snapshot, bytes);
        var reports = new List<ChainCheckProgress>();
        fixture.Reopen(new InlineProgress(reports.Add));
        Assert.Equal(root, fixture.Chain.State.Root);
    }

    [Fact]
    public void ACommitWithABadCertificateIsRefusedAndStoresNothing()
    {
        using var fixture = new LedgerFixture();
        var proposal = fixture.Chain.BuildBlock([fixture.Evidence(LedgerFixture.HashOf(1))], 1_700_000_001_000, fixture.Validator.PublicKey);
        var forged = new CommitCertificate(proposal.Height, 0, proposal.Hash,
            [new CommitSignature(0, fixture.Outsider.Sign(VoteSigning.PrecommitBytes(fixture.Setup.ChainId, proposal.Height, 0, proposal.Hash)))]);
        Assert.Throws<InvalidOperationException>(() => fixture.Chain.Commit(proposal, forged));
        var otherBlock = new CommitCertificate(proposal.Height, 0, Hash32.Zero, fixture.Sign(proposal).Signatures);
        Assert.Throws<InvalidOperationException>(() => fixture.Chain.Commit(proposal, otherBlock));
        Assert.Equal(0UL, fixture.Chain.Head.Height);
        Assert.Equal(0UL, fixture.Chain.Store.ReadHeight());
        fixture.Chain.Commit(proposal, fixture.Sign(proposal));
        Assert.Throws<InvalidOperationException>(() => fixture.Chain.Commit(proposal, fixture.Sign(proposal)));
        Assert.Equal(1UL, fixture.Chain.Store.ReadHeight());
    }

    [Fact]
    public void ADataDirectoryOfAnotherChainIsRefused()
    {
        using var fixture = new LedgerFixture();
        fixture.CommitEvidenceBlocks(1, 1);
        fixture.Close();
        using var other = new LedgerFixture();
        var exception = Assert.Throws<ChainCorruptionException>(() => Chain.Open(other.Setup, fixture.DataDirectory));
        Assert.Equal("GenesisMismatch", exception.Code);
        fixture.Reopen();
    }

    [Fact]
    public void ReplayingAProposalGivesTheSameBlock()
    {
        using var fixture = new LedgerFixture();
        var transactions = Enumerable.Range(0, 30).Select(i => fixture.Evidence(LedgerFixture.HashOf(i))).ToArray();
        var proposal = fixture.Chain.BuildBlock(transactions, 1_700_000_005_000, fixture.Validator.PublicKey);
        var replayed = fixture.Chain.ReplayBlock(proposal.Header, proposal.Transactions, out var refusal);
        Assert.Null(refusal);
        Assert.Equal(proposal.Hash, replayed.Hash);

        var tampered = proposal.Header with { StateRoot = Hash32.Zero };
        fixture.Chain.ReplayBlock(tampered, proposal.Transactions, out refusal);
        Assert.Equal("BlockRootsMismatch", refusal!.Code);

        fixture.Chain.ReplayBlock(proposal.Header, proposal.Transactions.Reverse().ToArray(), out refusal);
        Assert.Equal("BlockHasInvalidTransaction", refusal!.Code);
    }

    [Fact]
    public void ChainReplayAgreesWithTheStoredChain()
    {
        using var fixture = new LedgerFixture();
        fixture.CommitEvidenceBlocks(blocks: 8, perBlock: 15);
        fixture.CommitBlock(fixture.Evidence(LedgerFixture.HashOf(3)));
        var result = ChainReplay.Run(fixture.Setup, fixture.Chain.Store, verifySignatures: true);
        Assert.Equal(9UL, result.Blocks);
        Assert.Equal(121L, result.Transactions);
        Assert.Equal(fixture.Chain.State.Root, result.StateRoot);
    }

    private sealed class InlineProgress(Action<ChainCheckProgress> report) : IProgress<ChainCheckProgress>
    {
        public void Report(ChainCheckProgress value) => report(value);
    }
}

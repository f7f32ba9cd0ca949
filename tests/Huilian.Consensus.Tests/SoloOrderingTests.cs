namespace Huilian.Consensus.Tests;

// Cases: nothing pending → idle; the first pending transaction opens the batch window and the policy waits until
// it closes; enough ready transactions cut a block at once; the window is measured from the first pending
// transaction, not from the latest call; after a commit, the window restarts with what remains (or closes);
// the decision depends only on its inputs (same inputs, same decisions).
public sealed class SoloOrderingTests
{
    private static SoloOrdering Make() => new(new SoloOrderingOptions { TargetTransactions = 100, BatchWindowMs = 10 });

    [Fact]
    public void IdleWhenNothingIsPending() => Assert.Equal(SoloDecision.Idle, Make().Decide(0, 1_000));

    [Fact]
    public void WaitsForTheWindowFromTheFirstPendingTransaction()
    {
        var ordering = Make();
        Assert.Equal(SoloDecision.WaitUntil(1_010), ordering.Decide(1, 1_000));
        Assert.Equal(SoloDecision.WaitUntil(1_010), ordering.Decide(5, 1_007));
        Assert.Equal(SoloDecision.Propose, ordering.Decide(5, 1_010));
    }

    [Fact]
    public void EnoughReadyTransactionsCutABlockAtOnce() => Assert.Equal(SoloDecision.Propose, Make().Decide(100, 1_000));

    [Fact]
    public void AfterACommitTheWindowRestartsWithWhatRemains()
    {
        var ordering = Make();
        Assert.Equal(SoloDecision.Propose, ordering.Decide(150, 1_000));
        ordering.Committed(remainingTransactions: 50, nowMs: 1_004);
        Assert.Equal(SoloDecision.WaitUntil(1_014), ordering.Decide(50, 1_005));
        ordering.Committed(remainingTransactions: 0, nowMs: 1_020);
        Assert.Equal(SoloDecision.WaitUntil(1_040), ordering.Decide(1, 1_030));
    }

    [Fact]
    public void SameInputsGiveSameDecisions()
    {
        var inputs = new (int Pending, long Now)[] { (0, 0), (3, 5), (3, 9), (3, 15), (200, 16), (0, 20), (1, 21) };
        var first = Make();
        var second = Make();
        Assert.Equal(inputs.Select(i => first.Decide(i.Pending, i.Now)), inputs.Select(i => second.Decide(i.Pending, i.Now)));
    }
}

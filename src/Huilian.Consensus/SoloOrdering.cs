namespace Huilian.Consensus;

/// <summary>When to cut the next block, as the single validator of a solo chain sees it.</summary>
public sealed record SoloOrderingOptions
{
    /// <summary>Cut a block as soon as this many transactions are ready.</summary>
    public int TargetTransactions { get; init; } = 2_000;

    /// <summary>Cut a block at most this long after the first pending transaction arrived, however few are ready.</summary>
    public long BatchWindowMs { get; init; } = 10;
}

/// <summary>What the driver should do next.</summary>
public readonly record struct SoloDecision(bool ProposeNow, long WakeAtMs)
{
    public static SoloDecision Propose => new(true, 0);

    public static SoloDecision WaitUntil(long timeMs) => new(false, timeMs);

    /// <summary>Nothing is pending: sleep until a transaction arrives.</summary>
    public static SoloDecision Idle => new(false, long.MaxValue);
}

/// <summary>
/// The ordering of a chain with one validator: batch pending transactions into a block when enough are ready or
/// when the oldest has waited the batch window. Pure: the time and the pending count are inputs. A block with one
/// validator is final when that validator signs it; BFT consensus replaces this policy for n &gt; 1 without
/// touching execution or storage.
/// </summary>
public sealed class SoloOrdering(SoloOrderingOptions options)
{
    private long _pendingSinceMs = -1;

    public SoloOrderingOptions Options { get; } = options;

    /// <summary>Decides, given <paramref name="pendingTransactions"/> ready now and the time <paramref name="nowMs"/>.</summary>
    public SoloDecision Decide(int pendingTransactions, long nowMs)
    {
        if (pendingTransactions <= 0)
        {
            _pendingSinceMs = -1;
            return SoloDecision.Idle;
        }
        if (_pendingSinceMs < 0)
        {
            _pendingSinceMs = nowMs;
        }
        if (pendingTransactions >= Options.TargetTransactions)
        {
            return SoloDecision.Propose;
        }
        var deadline = checked(_pendingSinceMs + Options.BatchWindowMs);
        return nowMs >= deadline ? SoloDecision.Propose : SoloDecision.WaitUntil(deadline);
    }

    /// <summary>The driver committed a block: the next batch window starts with the next pending transaction.</summary>
    public void Committed(int remainingTransactions, long nowMs) => _pendingSinceMs = remainingTransactions > 0 ? nowMs : -1;
}

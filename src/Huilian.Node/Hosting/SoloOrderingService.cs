using System.Diagnostics;
using Huilian.Consensus;
using Huilian.Core.Ledger;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Huilian.Node.Hosting;

/// <summary>
/// Drives <see cref="SoloOrdering"/>: reads the clock and the mempool, and when the policy says so, builds a block
/// from ready transactions, signs its commit as the single validator, and commits it. Runs on one thread: it is
/// the only writer of the chain.
/// </summary>
public sealed class SoloOrderingService(NodeRuntime node, ILogger<SoloOrderingService> logger) : BackgroundService
{
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (node.ValidatorKey is null)
        {
            logger.LogInformation("This node holds no validator key: it orders nothing.");
            return;
        }
        var ordering = new SoloOrdering(node.Config.Ordering.ToOptions());
        var parameters = node.Setup.Genesis.Parameters;
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = NowMs();
            var decision = ordering.Decide(node.Mempool.Count, now);
            if (!decision.ProposeNow)
            {
                var wait = decision.WakeAtMs == long.MaxValue ? IdleWait : TimeSpan.FromMilliseconds(Math.Clamp(decision.WakeAtMs - now, 1, 250));
                if (!await WaitQuietly(wait, stoppingToken))
                {
                    break;
                }
                continue;
            }
            var batch = node.Mempool.TakeBatch(parameters.BlockTransactionsMax, parameters.BlockBytesMax);
            if (batch.Count == 0)
            {
                // Pending transactions wait for a missing nonce; nothing is ready yet.
                ordering.Committed(0, now);
                if (!await WaitQuietly(IdleWait, stoppingToken))
                {
                    break;
                }
                continue;
            }
            try
            {
                CommitBlock(batch);
            }
            catch (Exception exception)
            {
                // Storage failing under us is not something to retry blindly: stop ordering and say why.
                logger.LogCritical(exception, "Committing a block failed; this node stops ordering.");
                throw;
            }
            ordering.Committed(node.Mempool.Count, NowMs());
        }
    }

    private async Task<bool> WaitQuietly(TimeSpan wait, CancellationToken stoppingToken)
    {
        try
        {
            await node.Mempool.Available.WaitAsync(wait, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void CommitBlock(List<Transaction> batch)
    {
        var started = Stopwatch.GetTimestamp();
        var key = node.ValidatorKey!;
        var proposal = node.Chain.BuildBlock(batch, NowMs(), key.PublicKey, (transaction, refusal) =>
        {
            logger.LogDebug("Dropping {Id}: {Code}", transaction.Id.ToShortString(), refusal.Code);
            node.Mempool.Remove(transaction.Id, refusal);
        });
        if (proposal.Transactions.Count == 0)
        {
            return;
        }
        var signature = key.Sign(VoteSigning.PrecommitBytes(node.Setup.ChainId, proposal.Height, 0, proposal.Hash));
        var commit = new CommitCertificate(proposal.Height, 0, proposal.Hash, [new CommitSignature((uint)node.ValidatorIndex, signature)]);
        node.Chain.Commit(proposal, commit);
        node.Metrics.BlockCommitSeconds.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        Interlocked.Exchange(ref node.Metrics.MempoolTransactions, node.Mempool.Count);
        Interlocked.Exchange(ref node.Metrics.MempoolBytes, node.Mempool.Bytes);
    }

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}

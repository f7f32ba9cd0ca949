using System.Collections.Concurrent;
using System.Diagnostics;

namespace Huilian.LoadGenerator.Baseline;

/// <summary>What the central-database baseline measured, and Huilian's rate as a ratio of it (same clients, same run).</summary>
public sealed record BaselineSummary(
    string System,
    string ServerVersion,
    string Workload,
    int Clients,
    double WarmupSeconds,
    double DurationSeconds,
    long Committed,
    double CommittedPerSecond,
    double LifecyclesPerSecond,
    LatencySummary Latency,
    SortedDictionary<string, long> Refusals,
    double HuilianToBaselineRatio);

/// <summary>Drives <see cref="PostgresReceivables"/> with the load generator's clients, warm-up and window.</summary>
public static class BaselineRun
{
    public static async Task<BaselineSummary> RunPostgres(string connectionString, int clients, TimeSpan warmup, TimeSpan duration,
        double huilianCommittedPerSecond, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        var database = new PostgresReceivables(connectionString);
        await database.Prepare(clients, cancellationToken);
        var latencies = new ConcurrentQueue<double>();
        var refusals = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        long committed = 0;
        var watch = Stopwatch.StartNew();
        var windowStart = warmup.TotalSeconds;
        var windowEnd = (warmup + duration).TotalSeconds;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = Enumerable.Range(0, clients).Select(client => Task.Run(() => database.RunClient(client,
            latencyMs =>
            {
                var now = watch.Elapsed.TotalSeconds;
                if (now >= windowStart && now < windowEnd)
                {
                    latencies.Enqueue(latencyMs);
                    Interlocked.Increment(ref committed);
                }
            },
            code => refusals.AddOrUpdate(code, 1, (_, n) => n + 1),
            stop.Token))).ToArray();
        while (watch.Elapsed.TotalSeconds < windowEnd && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(1_000, cancellationToken);
            var now = watch.Elapsed.TotalSeconds;
            progress?.Report(new LoadProgress(now < windowStart ? "pg warm-up" : "pg measure", now, Interlocked.Read(ref committed), refusals.Values.Sum(),
                Interlocked.Read(ref committed) / Math.Max(0.001, now - windowStart), 0));
        }
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch (OperationCanceledException)
        {
            // A client stopped mid-step: its step was rolled back, and it is outside the window anyway.
        }
        var sorted = latencies.ToArray();
        Array.Sort(sorted);
        var perSecond = sorted.Length / duration.TotalSeconds;
        return new BaselineSummary("PostgreSQL", database.ServerVersion, "receivables", clients, warmup.TotalSeconds, duration.TotalSeconds, sorted.Length, perSecond,
            perSecond / PostgresReceivables.StepsPerLifecycle,
            new LatencySummary(sorted.Length, LoadRun.Percentile(sorted, 0.50), LoadRun.Percentile(sorted, 0.95), LoadRun.Percentile(sorted, 0.99),
                sorted.Length == 0 ? 0 : sorted[^1], sorted.Length == 0 ? 0 : sorted.Average()),
            new SortedDictionary<string, long>(refusals, StringComparer.Ordinal),
            perSecond > 0 ? huilianCommittedPerSecond / perSecond : 0);
    }
}

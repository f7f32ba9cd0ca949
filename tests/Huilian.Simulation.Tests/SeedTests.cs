using System.Globalization;
using Xunit.Abstractions;

namespace Huilian.Simulation.Tests;

// The main test of consensus: many seeds of mixed faults (crashes and restarts, partitions, drops, delays,
// duplicates, reordering, one Byzantine validator that equivocates, proposes invalid blocks, withholds votes or
// sends garbage), each checked after every commit for agreement, equal state roots, valid certificates and valid
// transactions, and at the end for progress after the faults heal and for stored chains that verify.
// HUILIAN_SIM_SEEDS and HUILIAN_SIM_FROM change how many seeds run and where they start (the long mode).
public sealed class SeedTests(ITestOutputHelper output)
{
    [Fact]
    public void MixedFaultSeedsKeepSafetyAndLiveness()
    {
        var count = int.Parse(Environment.GetEnvironmentVariable("HUILIAN_SIM_SEEDS") ?? "300", CultureInfo.InvariantCulture);
        var from = int.Parse(Environment.GetEnvironmentVariable("HUILIAN_SIM_FROM") ?? "1", CultureInfo.InvariantCulture);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var results = Runner.RunMany(Enumerable.Range(from, count), Path.Combine(Path.GetTempPath(), "huilian-simulation-tests"));
        var failed = results.Where(r => !r.Passed).ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} seeds in {started.Elapsed.TotalSeconds:F1} s ({results.Count / started.Elapsed.TotalSeconds:F2} seeds/s); " +
            $"{results.Sum(r => (long)r.HeightAtEnd)} heights, {results.Sum(r => r.TransactionsCommitted)} transactions, " +
            $"{results.Sum(r => r.Crashes)} crashes, {results.Sum(r => r.Partitions)} partitions, {results.Sum(r => r.EvidenceCommitted)} evidence committed."));
        foreach (var behavior in Enum.GetValues<ByzantineBehavior>())
        {
            output.WriteLine($"  {behavior}: {results.Count(r => r.Config.Byzantine == behavior)} seeds");
        }
        foreach (var failure in failed)
        {
            output.WriteLine(Runner.Describe(failure));
            output.WriteLine($"  replay: dotnet run --project tests/Huilian.Simulation -- --seed {failure.Config.Seed}");
        }
        Assert.Empty(failed.Select(f => f.Config.Seed));
        Assert.Contains(results, r => r.Config.Byzantine == ByzantineBehavior.Equivocate && r.EvidenceCommitted > 0);
        Assert.Contains(results, r => r.Crashes > 0);
        Assert.Contains(results, r => r.Partitions > 0);
    }

    [Fact]
    public void ASeedReplaysExactly()
    {
        var directory = Path.Combine(Path.GetTempPath(), "huilian-simulation-tests");
        var first = Runner.RunOne(7, directory);
        var second = Runner.RunOne(7, directory);
        Assert.Equal(Runner.Describe(first), Runner.Describe(second));
        Assert.Equal(first.LogTail, second.LogTail);
    }
}

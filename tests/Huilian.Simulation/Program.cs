using System.Diagnostics;
using System.Globalization;

namespace Huilian.Simulation;

/// <summary>
/// Runs simulations from the command line: <c>--seed N</c> replays one seed exactly (printing its log tail),
/// <c>--seeds COUNT [--from N]</c> runs many (the long mode).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        int? seed = null;
        var count = 1;
        var from = 1;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed":
                    seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seeds":
                    count = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--from":
                    from = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine("usage: Huilian.Simulation (--seed N | --seeds COUNT [--from N])");
                    return 2;
            }
        }
        var workDirectory = Path.Combine(Path.GetTempPath(), "huilian-simulation");
        if (seed is { } one)
        {
            var result = Runner.RunOne(one, workDirectory);
            Console.WriteLine(Runner.Describe(result));
            foreach (var (reason, times) in result.PenaltyReasons)
            {
                Console.WriteLine($"  penalty × {times}: {reason}");
            }
            foreach (var line in result.LogTail)
            {
                Console.WriteLine("  " + line);
            }
            return result.Passed ? 0 : 1;
        }
        var clock = Stopwatch.StartNew();
        var results = Runner.RunMany(Enumerable.Range(from, count), workDirectory, result => Console.WriteLine(Runner.Describe(result)));
        var failed = results.Where(r => !r.Passed).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{results.Count} seeds, {failed.Length} failed, {clock.Elapsed.TotalSeconds:F1} s ({results.Count / clock.Elapsed.TotalSeconds:F1} seeds/s)."));
        foreach (var failure in failed)
        {
            Console.WriteLine($"replay: dotnet run --project tests/Huilian.Simulation -- --seed {failure.Config.Seed}");
        }
        return failed.Length == 0 ? 0 : 1;
    }
}

public static class Runner
{
    public static SimulationResult RunOne(int seed, string workDirectory)
    {
        using var simulation = new Simulation(SimulationConfig.Mixed(seed, workDirectory));
        return simulation.Run();
    }

    /// <summary>Runs seeds on every core; each seed is still deterministic on its own.</summary>
    public static IReadOnlyList<SimulationResult> RunMany(IEnumerable<int> seeds, string workDirectory, Action<SimulationResult>? report = null)
    {
        var results = new System.Collections.Concurrent.ConcurrentBag<SimulationResult>();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, seed =>
        {
            var result = RunOne(seed, workDirectory);
            results.Add(result);
            report?.Invoke(result);
        });
        return results.OrderBy(r => r.Config.Seed).ToArray();
    }

    public static string Describe(SimulationResult result)
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c, $"{(result.Passed ? "ok  " : "FAIL")} {result.Config} | heights {result.HeightAtHeal}→{result.HeightAtEnd}, {result.TransactionsCommitted} tx, ")
            + string.Create(c, $"{result.Crashes} crashes, {result.Partitions} partitions, {result.EvidenceCommitted} evidence, {result.PenaltiesRecorded} penalties, ")
            + string.Create(c, $"{result.MessagesDelivered} delivered, {result.MessagesDropped} dropped, {result.SimulatedMs / 1000.0:F1} s simulated");
        return result.Failure is null ? text : text + "\n     " + result.Failure;
    }
}

using BenchmarkDotNet.Running;

namespace Huilian.Benchmarks;

public static class Program
{
    /// <summary>
    /// BenchmarkDotNet's switcher: <c>--filter '*'</c> runs everything, <c>--list flat</c> lists the benchmarks.
    /// Every class carries [MemoryDiagnoser]; job and exporters come from the command line (see
    /// bench/scripts/micro-benchmarks.sh).
    /// </summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

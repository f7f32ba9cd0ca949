using System.CommandLine;
using Huilian.Ledger;
using Huilian.Node.Hosting;

namespace Huilian.Cli.Commands;

/// <summary><c>huilian chain verify</c>: checks a node's stored chain offline.</summary>
internal static class ChainCommands
{
    public static Command Create()
    {
        var directory = CommandSupport.DirectoryOption();
        var nodeName = new Option<string>("--node-name") { Description = "Which node's data to check.", DefaultValueFactory = _ => "node0" };
        var replay = new Option<bool>("--replay") { Description = "Also execute every block again and compare receipts and state roots." };
        var signatures = new Option<bool>("--signatures") { Description = "With --replay, verify every transaction signature too." };
        var verify = new Command("verify", "Check a stored chain: hash links, roots, commit certificates, state; exits 0 only if it holds.")
        {
            directory, nodeName, replay, signatures,
        };
        verify.SetAction(parse => CommandSupport.Run(() =>
        {
            var layout = new NetworkLayout(parse.GetValue(directory)!);
            var config = NodeConfig.Load(layout.NodeDirectory(parse.GetValue(nodeName)!));
            var setup = ChainSetup.FromFile(config.Resolve(config.Genesis));
            var started = System.Diagnostics.Stopwatch.StartNew();
            using var chain = Chain.Open(setup, config.Resolve(config.DataDirectory), config.Storage.ToOptions(), new ConsoleProgress());
            var head = chain.Head;
            Console.WriteLine($"Chain {setup.ChainId} verifies: {head.Height} blocks, {head.TransactionCount} transactions, state root {head.StateRoot}, checked in {started.Elapsed.TotalSeconds:F1} s.");
            if (parse.GetValue(replay))
            {
                started.Restart();
                var result = ChainReplay.Run(setup, chain.Store, parse.GetValue(signatures), new ConsoleProgress());
                Console.WriteLine($"Replay matches: {result.Blocks} blocks and {result.Transactions} transactions executed again in {started.Elapsed.TotalSeconds:F1} s; state root {result.StateRoot}.");
            }
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return new Command("chain", "Check a stored chain.") { verify };
    }

    private sealed class ConsoleProgress : IProgress<ChainCheckProgress>
    {
        private long _lastDecile = -1;

        public void Report(ChainCheckProgress value)
        {
            if (value.TargetHeight == 0)
            {
                return;
            }
            var decile = (long)(value.Height * 10 / value.TargetHeight);
            if (decile != _lastDecile)
            {
                _lastDecile = decile;
                Console.Error.WriteLine($"{value.Phase}: {value.Height}/{value.TargetHeight}");
            }
        }
    }
}

using Huilian.Ledger;
using Microsoft.Extensions.Hosting;
using Huilian.Node.Hosting;
using Spectre.Console;

namespace Huilian.Cli.Commands;

/// <summary>Runs one node in this process until Ctrl-C or SIGTERM, printing its base URL once it serves.</summary>
internal static class NodeRunner
{
    /// <param name="beforeReady">Runs once the node serves, before its URL is printed (the demo seeding of `huilian up`).</param>
    public static async Task<int> Run(NodeConfig config, CancellationToken cancellationToken, Func<string, CancellationToken, Task>? beforeReady = null)
    {
        // The pid file tells `huilian network` which process is this node; it exists while the node runs.
        var pidFile = Path.Combine(config.BaseDirectory, NodeProcesses.PidFileName);
        var pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (NodeProcesses.RunningPid(pidFile) is { } other && other != Environment.ProcessId)
        {
            CommandSupport.Error($"Node {config.Name} already runs as process {other}; stop it first.");
            return 1;
        }
        File.WriteAllText(pidFile, pid);
        try
        {
            return await RunNode(config, cancellationToken, beforeReady);
        }
        finally
        {
            if (File.Exists(pidFile) && File.ReadAllText(pidFile).Trim() == pid)
            {
                File.Delete(pidFile);
                File.Delete(Path.Combine(config.BaseDirectory, NodeProcesses.UrlFileName));
            }
        }
    }

    private static async Task<int> RunNode(NodeConfig config, CancellationToken cancellationToken, Func<string, CancellationToken, Task>? beforeReady)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        NodeRuntime runtime;
        try
        {
            runtime = OpenWithProgress(config);
        }
        catch (ChainCorruptionException exception)
        {
            CommandSupport.Error($"The node refuses to serve a chain it cannot verify. {exception.Message} (code {exception.Code})");
            return 3;
        }
        using (runtime)
        {
            var app = NodeHost.Build(runtime, extensions: [new Portal.Hosting.PortalExtension()]);
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (IOException exception)
            {
                CommandSupport.Error($"Cannot listen on {config.Listen}: {exception.Message}");
                return 1;
            }
            var url = NodeHost.BaseUrl(app);
            // A node on a port picked at start (port 0) says where it listens, for the CLI's --as commands (MemberOptions.NodeUrl).
            File.WriteAllText(Path.Combine(config.BaseDirectory, NodeProcesses.UrlFileName), url + "\n");
            var head = runtime.Chain.Head;
            Console.Error.WriteLine($"Node {config.Name} of chain {runtime.Setup.ChainId} ({runtime.Setup.Suite.Name}) serves height {head.Height} after {started.ElapsedMilliseconds} ms.");
            if (beforeReady is not null)
            {
                await beforeReady(url, cancellationToken);
            }
            Console.Error.WriteLine($"The portal: open {url} in a browser; the API is under {url}/v1.");
            Console.WriteLine(url);
            Console.Out.Flush();
            await app.WaitForShutdownAsync(cancellationToken);
            await app.DisposeAsync();
        }
        return 0;
    }

    private static NodeRuntime OpenWithProgress(NodeConfig config)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsErrorRedirected)
        {
            var lastPercent = -1L;
            return NodeRuntime.Open(config, new InlineProgress(progress =>
            {
                if (progress.TargetHeight < 1_000)
                {
                    return;
                }
                var percent = (long)(progress.Height * 100 / progress.TargetHeight);
                if (percent / 10 != lastPercent / 10)
                {
                    lastPercent = percent;
                    Console.Error.WriteLine($"{progress.Phase}: {progress.Height} of {progress.TargetHeight} ({percent}%)");
                }
            }));
        }
        NodeRuntime? runtime = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("Checking the chain", maxValue: 1);
                runtime = NodeRuntime.Open(config, new InlineProgress(progress =>
                {
                    task.Description = progress.Phase;
                    task.MaxValue = Math.Max(1, progress.TargetHeight);
                    task.Value = progress.Height;
                }));
                task.Value = task.MaxValue;
            });
        return runtime!;
    }

    private sealed class InlineProgress(Action<ChainCheckProgress> report) : IProgress<ChainCheckProgress>
    {
        public void Report(ChainCheckProgress value) => report(value);
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Huilian.Cli;

/// <summary>
/// Starts and stops the node processes of a network directory. Each node runs as <c>huilian node run</c> in its own
/// session (so a terminal's Ctrl-C reaches only the command that owns it), logs to <c>nodes/NAME/node.log</c>, and
/// writes its process id to <c>nodes/NAME/node.pid</c> while it runs.
/// </summary>
public static class NodeProcesses
{
    /// <summary>The URL a running node serves at, written once it serves (a solo node made with --port 0 picks its port at each start).</summary>
    public const string UrlFileName = "node.url";

    public const string PidFileName = "node.pid";
    public const string LogFileName = "node.log";

    private const int SigKill = 9;
    private const int SigTerm = 15;

    public static string PidPath(NetworkLayout layout, string node) => Path.Combine(layout.NodeDirectory(node), PidFileName);

    public static string LogPath(NetworkLayout layout, string node) => Path.Combine(layout.NodeDirectory(node), LogFileName);

    /// <summary>The process id of the node if it runs, from its pid file, checked against /proc so a reused id is not mistaken for it.</summary>
    public static int? RunningPid(NetworkLayout layout, string node) => RunningPid(PidPath(layout, node));

    public static int? RunningPid(string path)
    {
        if (!File.Exists(path) || !int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            // The program's name must be in its command line, so that a process id reused by another program is not taken for the node.
            return commandLine.Contains("huilian", StringComparison.OrdinalIgnoreCase) && !IsZombie(pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Starts a node's process (if it is not running) without waiting for it to serve.</summary>
    public static int Start(NetworkLayout layout, string node)
    {
        if (RunningPid(layout, node) is { } running)
        {
            return running;
        }
        var nodeDirectory = layout.NodeDirectory(node);
        if (!File.Exists(Path.Combine(nodeDirectory, Node.Hosting.NodeConfig.FileName)))
        {
            throw new CliException($"No node '{node}' in {layout.Directory}.");
        }
        // sh opens the log and execs the node, so the process id stays the node's; setsid gives it its own session.
        var info = new ProcessStartInfo(File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : "/bin/sh") { UseShellExecute = false };
        if (info.FileName.EndsWith("setsid", StringComparison.Ordinal))
        {
            info.ArgumentList.Add("/bin/sh");
        }
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$@\" >>\"$HUILIAN_NODE_LOG\" 2>&1 </dev/null");
        info.ArgumentList.Add("huilian-node");
        foreach (var argument in SelfCommand())
        {
            info.ArgumentList.Add(argument);
        }
        info.ArgumentList.Add("node");
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--dir");
        info.ArgumentList.Add(nodeDirectory);
        info.Environment["HUILIAN_NODE_LOG"] = LogPath(layout, node);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info) ?? throw new CliException($"Could not start node {node}.");
        return process.Id;
    }

    /// <summary>Waits until the node answers /health, or fails with the end of its log.</summary>
    public static async Task WaitUntilServing(NetworkLayout layout, NetworkNode node, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                using var response = await client.GetAsync(node.Url.TrimEnd('/') + "/health", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(3) && RunningPid(layout, node.Name) is null)
            {
                throw new CliException($"Node {node.Name} exited while starting. The end of its log:\n{Tail(LogPath(layout, node.Name), 15)}");
            }
            await Task.Delay(200, cancellationToken);
        }
        throw new CliException($"Node {node.Name} did not serve at {node.Url} within {timeout.TotalSeconds:F0} s. The end of its log:\n{Tail(LogPath(layout, node.Name), 15)}");
    }

    /// <summary>SIGKILL: the node stops at once, as in a power cut (what it had not made durable is lost).</summary>
    public static bool Kill(NetworkLayout layout, string node)
    {
        if (RunningPid(layout, node) is not { } pid)
        {
            return false;
        }
        Signal(pid, SigKill);
        WaitGone(pid, TimeSpan.FromSeconds(10));
        File.Delete(PidPath(layout, node));
        return true;
    }

    /// <summary>SIGTERM, then SIGKILL if the node has not stopped within the grace period.</summary>
    public static bool Stop(NetworkLayout layout, string node, TimeSpan grace)
    {
        if (RunningPid(layout, node) is not { } pid)
        {
            return false;
        }
        Signal(pid, SigTerm);
        if (!WaitGone(pid, grace))
        {
            Signal(pid, SigKill);
            WaitGone(pid, TimeSpan.FromSeconds(10));
        }
        File.Delete(PidPath(layout, node));
        return true;
    }

    /// <summary>Sends a signal by number (used by tests for SIGSTOP and SIGCONT as well).</summary>
    public static void Signal(int pid, int signal)
    {
        if (SendSignal(pid, signal) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != 3)
            {
                throw new CliException($"Could not signal process {pid}: errno {error}.");
            }
        }
    }

    private static bool WaitGone(int pid, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (!Directory.Exists($"/proc/{pid}") || IsZombie(pid))
            {
                return true;
            }
            Thread.Sleep(50);
        }
        return false;
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat.LastIndexOf(')');
            return afterName > 0 && afterName + 2 < stat.Length && stat[afterName + 2] == 'Z';
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>How to run this same CLI again: the apphost, or `dotnet huilian.dll`.</summary>
    private static IEnumerable<string> SelfCommand()
    {
        var host = Environment.ProcessPath ?? throw new CliException("Cannot tell how this program was started.");
        var assembly = typeof(NodeProcesses).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            return [host, assembly];
        }
        return [host];
    }

    public static string Tail(string path, int lines)
    {
        if (!File.Exists(path))
        {
            return "(no log)";
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Max(0, stream.Length - 16 * 1024), SeekOrigin.Begin);
        var text = new StreamReader(stream).ReadToEnd();
        return string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(lines));
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}

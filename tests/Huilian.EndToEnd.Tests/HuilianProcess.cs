using System.Diagnostics;
using System.Text;

namespace Huilian.EndToEnd.Tests;

/// <summary>
/// The `huilian` command as a real child process (dotnet huilian.dll …), with its output captured. A node started
/// with <see cref="StartNode"/> prints its base URL on the first line of standard output once it serves.
/// </summary>
public sealed class HuilianProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _firstLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HuilianProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _firstLine.TrySetException(new InvalidOperationException("The process ended before printing a line. stderr: " + Stderr));
                return;
            }
            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
            }
            _firstLine.TrySetResult(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "huilian.dll");

    public int Id => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public static HuilianProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment.Remove("HUILIAN_PASSWORD");
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        process.StandardInput.Close();
        return new HuilianProcess(process);
    }

    /// <summary>Starts a node process and waits for its URL.</summary>
    public static async Task<(HuilianProcess Process, string Url)> StartNode(params string[] arguments)
    {
        var process = Start(arguments);
        try
        {
            var url = await process._firstLine.Task.WaitAsync(TimeSpan.FromSeconds(90));
            if (!url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Expected a URL, got '{url}'. stderr: {process.Stderr}");
            }
            return (process, url);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command to completion and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> Run(params string[] arguments)
    {
        await using var process = Start(arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process._process.WaitForExitAsync(timeout.Token);
        process._process.WaitForExit();
        return (process._process.ExitCode, process.Stdout, process.Stderr);
    }

    public async Task<int> WaitForExit(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown code runs; whatever was not durable is lost.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    /// <summary>SIGTERM, then a wait for a clean exit.</summary>
    public async Task Stop()
    {
        if (_process.HasExited)
        {
            return;
        }
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill!.WaitForExitAsync();
        try
        {
            await WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            KillHard();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            KillHard();
        }
        catch (InvalidOperationException)
        {
        }
        await Task.CompletedTask;
        _process.Dispose();
    }
}

/// <summary>A temporary directory removed at the end of a test.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "huilian-e2e", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Diagnostics;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Huilian.Portal.Tests;

/// <summary>
/// One real demo network for the portal's browser tests: `huilian up --solo --port 0` as a child process (the demo
/// consortium seeded: four banks, exporters, customs, tax, insurer, carrier, the regulator, 400 documents and 120
/// financings), and Debian's Chromium driven by Playwright. Each test opens its own browser context (its own cookies
/// and language). Screenshots go to artifacts/test-results/portal-screenshots/.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private Process? _node;
    private readonly StringBuilder _stderr = new();
    private IPlaywright? _playwright;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "huilian-portal-tests", Guid.NewGuid().ToString("N"));

    public string Url { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    public string NodeLog
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Huilian.slnx")))
            {
                directory = directory.Parent;
            }
            return directory?.FullName ?? throw new InvalidOperationException("The repository root (Huilian.slnx) is not above " + AppContext.BaseDirectory);
        }
    }

    public static string ScreenshotDirectory => Path.Combine(RepositoryRoot, "artifacts", "test-results", "portal-screenshots");

    /// <summary>The demo keystores' password (the network directory's secrets/password).</summary>
    public string Password => File.ReadAllText(Path.Combine(Directory, "secrets", "password")).TrimEnd('\r', '\n');

    public string KeyPath(string userId) => Path.Combine(Directory, "keys", userId + ".key");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The browser tests need Debian's Chromium at {ChromiumPath}; ./scripts/test installs it (apt-get install chromium).");
        }
        System.IO.Directory.CreateDirectory(Directory);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "huilian.dll"), "up", "--solo", "--port", "0", "--dir", Directory })
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment.Remove("HUILIAN_PASSWORD");
        _node = Process.Start(info) ?? throw new InvalidOperationException("Could not start dotnet.");
        _node.StandardInput.Close();
        var firstLine = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _node.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                firstLine.TrySetException(new InvalidOperationException("huilian up ended before printing its URL: " + NodeLog));
            }
            else
            {
                firstLine.TrySetResult(e.Data);
            }
        };
        _node.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _node.BeginOutputReadLine();
        _node.BeginErrorReadLine();
        Url = (await firstLine.Task.WaitAsync(TimeSpan.FromSeconds(180))).Trim();
        if (!Url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Expected the node's URL, got '{Url}'. " + NodeLog);
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root in a container: no sandbox. No background traffic: the machine's network is closed.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        System.IO.Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>Runs `huilian ARGS --dir` against the fixture's network directory and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunCli(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "huilian.dll"));
        foreach (var argument in arguments.Concat(["--dir", Directory]))
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment.Remove("HUILIAN_PASSWORD");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    /// <summary>A new browser context (own cookies) in <paramref name="locale"/>, and a page in it.</summary>
    public async Task<IPage> NewPage(string locale = "zh-CN")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = locale,
            BaseURL = Url,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the demo picker as <paramref name="userId"/> (org/user) and returns the page on the workspace.</summary>
    public async Task<IPage> SignIn(string userId, string locale = "zh-CN")
    {
        var page = await NewPage(locale);
        await page.GotoAsync("/sign-in");
        await page.GetByTestId("demo-user").SelectOptionAsync(userId);
        await page.GetByTestId("sign-in-demo").ClickAsync();
        // Signed in (the workspace names the user), or refused (the page says why): either ends the wait.
        var who = page.GetByTestId("who");
        var problem = page.GetByTestId("problem");
        await who.Or(problem).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        if (await problem.CountAsync() > 0)
        {
            throw new InvalidOperationException($"Signing in as {userId} was refused ({await problem.GetAttributeAsync("data-code")}): {await problem.InnerTextAsync()}\n{NodeLog[^Math.Min(4000, NodeLog.Length)..]}");
        }
        return page;
    }

    /// <summary>Keeps a full-page screenshot as a test artifact.</summary>
    public static async Task Screenshot(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    /// <summary>Runs axe on the page and fails on any critical violation, naming each with its nodes.</summary>
    public static async Task AssertAccessible(IPage page)
    {
        var result = await page.RunAxe();
        var critical = result.Violations.Where(v => v.Impact == "critical").ToArray();
        Assert.True(critical.Length == 0, $"Critical accessibility violations on {page.Url}: " +
            string.Join("; ", critical.Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));
    }

    /// <summary>Fails when the page shows a text key that is missing from a resource file (⟦key⟧).</summary>
    public static async Task AssertNoMissingText(IPage page)
    {
        var html = await page.ContentAsync();
        var at = html.IndexOf('⟦', StringComparison.Ordinal);
        Assert.True(at < 0, $"{page.Url} shows a missing text key: {(at < 0 ? "" : html.Substring(at, Math.Min(80, html.Length - at)))}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (_node is { HasExited: false })
        {
            _node.Kill(entireProcessTree: true);
            await _node.WaitForExitAsync();
        }
        _node?.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// The tests of sign-in, administration, evidence, the explorer and the regulator, on one demo network.
/// <see cref="WorkCollection"/> runs the business workspaces on a second network at the same time: two cores, two
/// collections, each test class's changes to its network's data its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal";
}

/// <summary>The bank, enterprise and publisher workspaces, on their own demo network (see <see cref="PortalCollection"/>).</summary>
[CollectionDefinition(Name)]
public sealed class WorkCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "portal-work";
}

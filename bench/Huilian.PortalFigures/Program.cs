using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

// huilian-portal-figures URL [--user org/user] [--runs N] [--out DIR] [--chromium PATH]
//   1. The regulator's dashboard: one warm-up load, then N cold loads (a new browser context each: no cache, signed
//      in through the demo picker), each timed by the browser's Navigation Timing: server time (request sent → first
//      byte of the page), first contentful paint, DOMContentLoaded, load, and the charts drawn (the mark dashboard.js
//      sets). Medians are reported.
//   2. Page weight: each portal page in a new context (no cache), every request it makes counted: bytes transferred
//      (compressed body + headers) and uncompressed bodies. The heaviest page is named.
var arguments = args.ToList();
string Option(string name, string fallback)
{
    var at = arguments.IndexOf(name);
    return at >= 0 && at + 1 < arguments.Count ? arguments[at + 1] : fallback;
}
if (arguments.Count == 0 || arguments[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: huilian-portal-figures URL [--user org/user] [--runs N] [--out DIR] [--chromium PATH]");
    return 2;
}
var url = arguments[0].TrimEnd('/');
var user = Option("--user", "regulator/analyst");
var runs = int.Parse(Option("--runs", "7"), CultureInfo.InvariantCulture);
var outDirectory = Option("--out", "artifacts/bench/portal");
var chromium = Option("--chromium", "/usr/bin/chromium");
Directory.CreateDirectory(outDirectory);

using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
var status = await http.GetFromJsonAsync<JsonElement>("/v1/status");
var height = status.GetProperty("height").GetUInt64();
var transactions = status.GetProperty("transactions").GetUInt64();

// The block with the most transactions among the newest 2,000: the explorer's heaviest block page.
ulong? before = null;
(ulong Height, ulong Count) biggest = (1, 0);
for (var page = 0; page < 20; page++)
{
    var listing = await http.GetFromJsonAsync<JsonElement>("/v1/explorer/blocks?limit=100" + (before is { } b ? "&before=" + b : ""));
    var blocks = listing.GetProperty("blocks").EnumerateArray().ToArray();
    if (blocks.Length == 0)
    {
        break;
    }
    foreach (var block in blocks)
    {
        var count = block.GetProperty("transactionCount").GetUInt64();
        if (count > biggest.Count)
        {
            biggest = (block.GetProperty("height").GetUInt64(), count);
        }
    }
    before = blocks[^1].GetProperty("height").GetUInt64();
}

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = chromium,
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});

async Task<IBrowserContext> SignedIn(string who)
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = url, Locale = "zh-CN", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
    context.SetDefaultTimeout(300_000);
    var page = await context.NewPageAsync();
    await page.GotoAsync("/sign-in");
    await page.GetByTestId("demo-user").SelectOptionAsync(who);
    await page.GetByTestId("sign-in-demo").ClickAsync();
    await page.WaitForURLAsync(u => !u.Contains("/sign-in", StringComparison.Ordinal));
    await page.CloseAsync();
    return context;
}

// ---- 1. The dashboard's time to first render.
var loads = new List<Dictionary<string, double>>();
for (var run = 0; run <= runs; run++)
{
    await using var context = await SignedIn(user);
    var page = await context.NewPageAsync();
    var clock = Stopwatch.StartNew();
    var response = await page.GotoAsync("/regulator/dashboard", new PageGotoOptions { WaitUntil = WaitUntilState.Load });
    await page.Locator("[data-testid=chart-verifications][data-rendered=true]").WaitForAsync();
    var wall = clock.Elapsed.TotalMilliseconds;
    if (response is null || response.Status != 200)
    {
        Console.Error.WriteLine($"The dashboard answered {response?.Status}.");
        return 1;
    }
    var timing = await page.EvaluateAsync<Dictionary<string, double>>(@"() => {
        const n = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const charts = performance.getEntriesByName('dashboard-charts')[0];
        return {
            serverMs: n.responseStart - n.requestStart,
            htmlMs: n.responseEnd - n.startTime,
            firstContentfulPaintMs: paint ? paint.startTime : -1,
            domContentLoadedMs: n.domContentLoadedEventEnd - n.startTime,
            loadMs: n.loadEventEnd - n.startTime,
            chartsDrawnMs: charts ? charts.startTime : -1,
            htmlBytes: n.encodedBodySize,
            htmlBytesUncompressed: n.decodedBodySize,
        };
    }");
    timing["wallMs"] = wall;
    Console.Error.WriteLine($"dashboard load {run}{(run == 0 ? " (warm-up)" : "")}: " + string.Join(", ", timing.Select(p => $"{p.Key} {p.Value:0}")));
    if (run > 0)
    {
        loads.Add(timing);
    }
}
double Median(string key)
{
    var values = loads.Select(l => l[key]).Order().ToArray();
    return values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
}

// ---- 2. Page weight, every request counted, no cache.
var pages = new List<(string User, string Path)>
{
    ("", "/"), ("", "/sign-in"), ("", "/explorer"), ("", $"/explorer/blocks/{biggest.Height}"), ("", "/explorer/validators"), ("", "/explorer/network"),
    (user, "/regulator/dashboard"), (user, "/regulator/alerts"), (user, "/regulator/financings"), (user, "/regulator/access-log"),
    (user, "/reports/statistics"), (user, "/reports/status"), (user, "/reports/declaration-failures"),
    ("", "/explorer/verify"),
    ("bank-a/proxy", "/financing/receivables/apply"), ("bank-a/acceptor", "/financing/receivables/queue/accept"),
    ("bank-a/disburser", "/financing/receivables/queue/disburse"), ("bank-a/reviewer", "/financing/receivables/rf-00000002"),
    ("acme/treasurer", "/enterprise/financings"), ("acme/treasurer", "/enterprise/grants"),
    ("customs/publisher", "/registry/published"), ("customs/publisher", "/registry/upload"),
    ("bank-a/admin", "/admin/users"), ("bank-a/admin", "/governance"), ("bank-a/recorder", "/evidence"),
};
var weights = new List<(string User, string Path, int Requests, long Transferred, long Uncompressed, int Status, double ServerMs)>();
foreach (var (who, path) in pages)
{
    await using var context = who.Length == 0
        ? await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = url, Locale = "zh-CN" })
        : await SignedIn(who);
    context.SetDefaultTimeout(300_000);
    var page = await context.NewPageAsync();
    var responses = new List<IResponse>();
    page.Response += (_, r) => { lock (responses) { responses.Add(r); } };
    var response = await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
    long transferred = 0, uncompressed = 0;
    IResponse[] all;
    lock (responses)
    {
        all = [.. responses];
    }
    foreach (var r in all)
    {
        var sizes = await r.Request.SizesAsync();
        transferred += sizes.ResponseBodySize + sizes.ResponseHeadersSize;
        try
        {
            uncompressed += (await r.BodyAsync()).Length;
        }
        catch (PlaywrightException)
        {
            // A redirect has no body.
        }
    }
    // The page's own server time (request sent → first byte), one load: what the node's API reads behind it cost.
    var serverMs = response is null ? 0 : response.Request.Timing.ResponseStart - response.Request.Timing.RequestStart;
    weights.Add((who, path, all.Length, transferred, uncompressed, response?.Status ?? 0, serverMs));
    Console.Error.WriteLine($"{path} ({(who.Length == 0 ? "anonymous" : who)}): {all.Length} requests, {transferred:N0} bytes transferred, {uncompressed:N0} uncompressed");
}
var heaviest = weights.MaxBy(w => w.Transferred);

// ---- Report.
var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"Portal figures, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {url}: height {height:N0}, {transactions:N0} transactions.");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Dashboard (/regulator/dashboard as {user}), median of {loads.Count} cold loads (new context each, no cache; one warm-up load before):");
report.AppendLine();
report.AppendLine("| | median | min | max |");
report.AppendLine("|---|---:|---:|---:|");
foreach (var (key, label) in new[] { ("serverMs", "server time (request → first byte)"), ("firstContentfulPaintMs", "first contentful paint"), ("domContentLoadedMs", "DOMContentLoaded"), ("loadMs", "load"), ("chartsDrawnMs", "charts drawn") })
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {Median(key):N0} ms | {loads.Min(l => l[key]):N0} ms | {loads.Max(l => l[key]):N0} ms |");
}
report.AppendLine();
report.AppendLine("Page weight, every request of a fresh load (no cache):");
report.AppendLine();
report.AppendLine("| page | as | status | requests | transferred | uncompressed | server time (one load) |");
report.AppendLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var w in weights)
{
    report.AppendLine(CultureInfo.InvariantCulture, $"| `{w.Path}` | {(w.User.Length == 0 ? "anonymous" : w.User)} | {w.Status} | {w.Requests} | {w.Transferred:N0} B | {w.Uncompressed:N0} B | {w.ServerMs:N0} ms |");
}
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Heaviest: `{heaviest.Path}`, {heaviest.Transferred:N0} bytes transferred, {heaviest.Uncompressed:N0} uncompressed, {heaviest.Requests} requests.");
Console.WriteLine(report.ToString());
await File.WriteAllTextAsync(Path.Combine(outDirectory, "portal-figures.md"), report.ToString());
await File.WriteAllTextAsync(Path.Combine(outDirectory, "portal-figures.json"), JsonSerializer.Serialize(new
{
    url,
    height,
    transactions,
    dashboard = new { runs = loads, median = loads[0].Keys.ToDictionary(k => k, Median) },
    weights = weights.Select(w => new { w.Path, user = w.User, w.Status, w.Requests, w.Transferred, w.Uncompressed, w.ServerMs }),
    heaviest = new { heaviest.Path, heaviest.Transferred, heaviest.Uncompressed, heaviest.Requests },
}, new JsonSerializerOptions { WriteIndented = true }));
return 0;

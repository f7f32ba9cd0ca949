using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Huilian.EndToEnd.Tests;

// The CI smoke run of the load generator (issue 7, part 7): `huilian bench`, as its own process, for a few seconds
// against one solo node started by `huilian up`, in each mode and workload — evidence closed loop with batches,
// evidence open loop at a rate, evidence-confidential closed loop with the page read, receivables closed loop with
// the PostgreSQL baseline (a server started by bench/scripts/postgres.sh). Each run must complete with
// exit 0, every acknowledged transaction on chain and none lost or refused, and its three reports well-formed and
// consistent with each other. Nothing here is about speed: no throughput or latency figure is compared with a target.
[Collection("processes")]
public sealed class BenchSmokeTests(BenchSmokeTests.SoloNode node, PostgresBaselineTests.Server postgres, ITestOutputHelper output)
    : IClassFixture<BenchSmokeTests.SoloNode>, IClassFixture<PostgresBaselineTests.Server>
{
    /// <summary>One `huilian up --solo` node on loopback for the three runs, stopped and removed at the end.</summary>
    public sealed class SoloNode : IAsyncLifetime
    {
        private HuilianProcess? _process;

        public TemporaryDirectory Directory { get; } = new();

        public string Url { get; private set; } = "";

        public async Task InitializeAsync()
        {
            (_process, Url) = await HuilianProcess.StartNode("up", "--solo", "--dir", Directory.Path, "--port", "0");
        }

        public async Task DisposeAsync()
        {
            if (_process is not null)
            {
                await _process.Stop();
                await _process.DisposeAsync();
            }
            Directory.Dispose();
        }
    }

    [Theory]
    [InlineData("evidence", "closed-loop", 10)]
    [InlineData("evidence", "open-loop", 1)]
    [InlineData("evidence-confidential", "closed-loop", 1)]
    [InlineData("receivables", "closed-loop", 5)]
    public async Task BenchRunsAndWritesConsistentReports(string workload, string mode, int batch)
    {
        const int clients = 8;
        const double rate = 200;
        var prefix = node.Directory.Combine("reports", $"{workload}-{mode}");
        string[] arguments =
        [
            "bench", "--node", node.Url, "--dir", node.Directory.Path, "--workload", workload,
            "--clients", clients.ToString(CultureInfo.InvariantCulture), "--batch", batch.ToString(CultureInfo.InvariantCulture),
            "--warmup", "1", "--duration", "3", "--ceiling-seconds", "0.5", "--out", prefix,
            .. mode == "open-loop" ? ["--rate", rate.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
            .. workload == "receivables" ? ["--postgres", postgres.ConnectionString] : Array.Empty<string>(),
            .. workload == "evidence" && mode == "closed-loop" ? ["--presign", "5"] : Array.Empty<string>(),
        ];
        var clock = Stopwatch.StartNew();
        var run = await HuilianProcess.Run(arguments);
        output.WriteLine($"huilian {string.Join(' ', arguments)}: exit {run.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
        output.WriteLine(run.Stdout);

        // The run completed and its own end check passed: exit 0 means no acknowledged transaction is missing.
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\nstdout:\n{run.Stdout}\nstderr:\n{run.Stderr}");
        Assert.Contains($"reports: {prefix}.json, {prefix}.md, {prefix}.svg", run.Stdout);

        // JSON: every field present, and the figures consistent with each other.
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(prefix + ".json"));
        var report = json.RootElement;
        Assert.Equal(workload, report.GetProperty("workload").GetString());
        Assert.Equal(mode, report.GetProperty("mode").GetString());
        if (mode == "open-loop")
        {
            Assert.Equal(rate, report.GetProperty("targetRatePerSecond").GetDouble());
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, report.GetProperty("targetRatePerSecond").ValueKind);
        }
        Assert.Equal(clients, report.GetProperty("clients").GetInt32());
        Assert.Equal(workload == "evidence" && mode == "closed-loop" ? 5 : 0, report.GetProperty("presignedBatches").GetInt32());
        Assert.Equal(batch, report.GetProperty("batch").GetInt32());
        Assert.Equal(1, report.GetProperty("warmupSeconds").GetDouble());
        Assert.Equal(3, report.GetProperty("durationSeconds").GetDouble());
        Assert.Equal("huilian-local", report.GetProperty("chainId").GetString());
        Assert.Equal("intl", report.GetProperty("suite").GetString());
        Assert.Equal(1, report.GetProperty("nodes").GetInt32());
        Assert.Equal(1, report.GetProperty("validators").GetInt32());
        var startHeight = report.GetProperty("startHeight").GetUInt64();
        var endHeight = report.GetProperty("endHeight").GetUInt64();
        Assert.True(endHeight > startHeight, $"heights {startHeight} to {endHeight}");
        Assert.True(report.GetProperty("stateEntriesAtEnd").GetInt64() > report.GetProperty("stateEntriesAtStart").GetInt64());
        _ = DateTimeOffset.Parse(report.GetProperty("startedAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(report.GetProperty("machine").GetProperty("processorCount").GetInt32() >= 1);

        // Every transaction submitted was committed with receipt Ok: nothing refused, nothing lost in between.
        var submitted = report.GetProperty("submitted").GetInt64();
        var committed = report.GetProperty("committed").GetInt64();
        Assert.True(committed > 0, "nothing committed");
        Assert.Equal(submitted, committed);
        var refusals = report.GetProperty("refusals");
        Assert.Equal(JsonValueKind.Object, refusals.ValueKind);
        Assert.Empty(refusals.EnumerateObject());
        var receiptCodes = report.GetProperty("receiptCodes");
        Assert.Equal(JsonValueKind.Object, receiptCodes.ValueKind);
        Assert.Equal(new[] { ("Ok", committed) }, receiptCodes.EnumerateObject().Select(p => (p.Name, p.Value.GetInt64())));

        // The generator's end check: every acknowledged transaction found in the blocks of the run.
        var verification = report.GetProperty("verification");
        Assert.Equal(committed, verification.GetProperty("acknowledged").GetInt64());
        Assert.Equal(committed, verification.GetProperty("foundOnChain").GetInt64());
        Assert.Equal(0, verification.GetProperty("missing").GetInt64());
        Assert.Equal(endHeight - startHeight, verification.GetProperty("blocksScanned").GetUInt64());

        // Latency: the percentiles are ordered, and the window's samples are the timeline's commits. The window holds
        // commits: a node committing nothing for 3 s under load is a liveness bug, not slowness (this test found one:
        // a lost value timer left a solo proposer asleep until its 3 s propose timeout, fixed in ConsensusReplica.OnTimer).
        var latency = report.GetProperty("latency");
        var samples = latency.GetProperty("samples").GetInt64();
        var (p50, p95, p99, max, mean) = (latency.GetProperty("p50Ms").GetDouble(), latency.GetProperty("p95Ms").GetDouble(),
            latency.GetProperty("p99Ms").GetDouble(), latency.GetProperty("maxMs").GetDouble(), latency.GetProperty("meanMs").GetDouble());
        Assert.True(0 <= p50 && p50 <= p95 && p95 <= p99 && p99 <= max, $"p50 {p50}, p95 {p95}, p99 {p99}, max {max}");
        Assert.True(mean <= max, $"mean {mean}, max {max}");
        Assert.True(samples > 0 && p50 > 0, $"{samples} samples with p50 {p50}");
        var timeline = report.GetProperty("timeline").EnumerateArray().ToArray();
        Assert.Equal(samples, timeline.Sum(p => p.GetProperty("committed").GetInt64()));
        Assert.True(samples <= committed);
        var seconds = timeline.Select(p => p.GetProperty("second").GetInt32()).ToArray();
        Assert.All(seconds, s => Assert.InRange(s, 0, 2));
        Assert.Equal(seconds.Order().Distinct(), seconds);
        Assert.All(timeline, p => Assert.True(p.GetProperty("p50Ms").GetDouble() <= p.GetProperty("p99Ms").GetDouble() && p.GetProperty("p99Ms").GetDouble() <= max));
        Assert.Equal(samples / 3.0, report.GetProperty("committedPerSecond").GetDouble(), 6);

        // The ceiling: measured, and the committed rate stated as a fraction of it.
        var ceiling = report.GetProperty("ceiling");
        Assert.Equal("ecdsa-p256-sha256", ceiling.GetProperty("scheme").GetString());
        Assert.Equal(report.GetProperty("machine").GetProperty("processorCount").GetInt32(), ceiling.GetProperty("threads").GetInt32());
        var verifications = ceiling.GetProperty("verificationsPerSecond").GetDouble();
        Assert.True(verifications > 0, "the verification rate was not measured");
        Assert.Equal(1, ceiling.GetProperty("validators").GetInt32());
        Assert.Equal(verifications, ceiling.GetProperty("ceilingTransactionsPerSecond").GetDouble(), 6);
        Assert.Equal(report.GetProperty("committedPerSecond").GetDouble() / verifications, ceiling.GetProperty("fractionOfCeiling").GetDouble(), 9);

        // Transaction size: a confidential record carries at least its 512 bytes of plaintext, sealed and in base64.
        var bytesMean = report.GetProperty("transactionBytesMean").GetDouble();
        var pageRead = report.GetProperty("confidentialPageRead");
        if (workload == "evidence-confidential")
        {
            Assert.True(bytesMean > 512 * 4 / 3.0, $"mean transaction size {bytesMean}");
            Assert.Equal("regulator/analyst", pageRead.GetProperty("reader").GetString());
            // The page is the first (up to) 100 records committed, and every one of them decrypts for the regulator's analyst.
            Assert.Equal(Math.Min(100, committed), pageRead.GetProperty("records").GetInt32());
            Assert.Equal(5, pageRead.GetProperty("runs").GetInt32());
            var (min, median, slowest) = (pageRead.GetProperty("minMs").GetDouble(), pageRead.GetProperty("medianMs").GetDouble(), pageRead.GetProperty("maxMs").GetDouble());
            Assert.True(0 < min && min <= median && median <= slowest, $"page read min {min}, median {median}, max {slowest}");
        }
        else
        {
            Assert.InRange(bytesMean, 100, workload == "receivables" ? 1024 : 512);
            Assert.Equal(JsonValueKind.Null, pageRead.ValueKind);
        }

        // Receivables: whole lifecycles went through, and the PostgreSQL baseline ran with as many sessions as
        // transactions were in flight, its ratio stated against Huilian's rate of the same run.
        if (workload == "receivables")
        {
            Assert.True(report.GetProperty("lifecyclesCompleted").GetInt64() > 0, "no financing went through all seven steps");
            var baseline = report.GetProperty("baseline");
            Assert.Equal("PostgreSQL", baseline.GetProperty("system").GetString());
            Assert.Equal(clients * batch, baseline.GetProperty("clients").GetInt32());
            var baselineRate = baseline.GetProperty("committedPerSecond").GetDouble();
            Assert.True(baselineRate > 0, "the baseline committed nothing");
            Assert.Empty(baseline.GetProperty("refusals").EnumerateObject());
            Assert.Equal(report.GetProperty("committedPerSecond").GetDouble() / baselineRate, baseline.GetProperty("huilianToBaselineRatio").GetDouble(), 9);
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, report.GetProperty("baseline").ValueKind);
        }

        // Markdown: names the workload and mode, gives the ceiling and the end check, and links the chart.
        var markdown = await File.ReadAllTextAsync(prefix + ".md");
        Assert.StartsWith($"# Huilian load run: {workload}, {mode}", markdown, StringComparison.Ordinal);
        Assert.Contains("| Ceiling: verifications ÷ 1 validator(s) |", markdown);
        Assert.Contains($"| Acknowledged transactions found on chain | {committed} of {committed} (0 missing)", markdown);
        Assert.Contains("Refusals at admission: none.", markdown);
        Assert.Contains($"![Throughput and latency over time]({workload}-{mode}.svg)", markdown);
        Assert.Equal(workload == "evidence-confidential", markdown.Contains("Reading a page of", StringComparison.Ordinal));
        Assert.Equal(workload == "receivables", markdown.Contains("## Central-database baseline", StringComparison.Ordinal));

        // SVG: well-formed XML, an svg root, one bar per second of the timeline, the two latency lines.
        var svg = XDocument.Parse(await File.ReadAllTextAsync(prefix + ".svg"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Equal(timeline.Length, svg.Root.Elements(ns + "rect").Count(r => (string?)r.Attribute("fill") == "#9ecae1"));
        Assert.Equal(2, svg.Root.Elements(ns + "polyline").Count());
        Assert.Contains(svg.Root.Elements(ns + "text"), t => t.Value.StartsWith($"Huilian {workload} ({mode})", StringComparison.Ordinal));
    }
}

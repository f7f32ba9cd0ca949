using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Huilian.LoadGenerator;

/// <summary>Writes a <see cref="LoadReport"/> as JSON, Markdown and an SVG chart of throughput and latency over time.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <c>PREFIX.json</c>, <c>PREFIX.md</c> and <c>PREFIX.svg</c>; returns the three paths.</summary>
    public static IReadOnlyList<string> WriteAll(LoadReport report, string prefix)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(prefix))!;
        Directory.CreateDirectory(directory);
        var paths = new[] { prefix + ".json", prefix + ".md", prefix + ".svg" };
        File.WriteAllText(paths[0], Json(report));
        File.WriteAllText(paths[1], Markdown(report, Path.GetFileName(paths[2])));
        File.WriteAllText(paths[2], Svg(report));
        return paths;
    }

    public static string Json(LoadReport report) => JsonSerializer.Serialize(report, JsonOptions);

    public static string Markdown(LoadReport report, string? chartFile = null)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"# Huilian load run: {report.Workload}, {report.Mode}");
        text.AppendLine();
        text.AppendLine(c, $"Started {report.StartedAt}; chain `{report.ChainId}` ({report.Suite}), {report.Validators} validator(s), {report.Nodes} node(s) receiving load.");
        text.AppendLine(c, $"{report.Clients} clients, {report.Batch} transaction(s) per request{(report.TargetRatePerSecond is { } rate ? string.Create(c, $", open loop at {rate:F0} tx/s") : ", closed loop")}; warm-up {report.WarmupSeconds:F0} s, measured {report.DurationSeconds:F0} s.");
        text.AppendLine(c, $"State entries: {report.StateEntriesAtStart} when warm-up began, {report.StateEntriesAtEnd} at the end.");
        if (report.PresignedBatches > 0)
        {
            text.AppendLine(c, $"Each client signed its first {report.PresignedBatches} batches before warm-up (the generator shares the nodes' cores).");
        }
        text.AppendLine(c, $"Machine: {report.Machine.ProcessorCount} cores, {report.Machine.Os}, {report.Machine.Runtime}.");
        text.AppendLine();
        text.AppendLine("| Measure | Value |");
        text.AppendLine("|---|---|");
        text.AppendLine(c, $"| Committed transactions per second | **{report.CommittedPerSecond:F0}** |");
        text.AppendLine(c, $"| Submit-to-commit latency p50 / p95 / p99 / max | {report.Latency.P50Ms:F1} / {report.Latency.P95Ms:F1} / {report.Latency.P99Ms:F1} / {report.Latency.MaxMs:F1} ms |");
        text.AppendLine(c, $"| Latency samples in the window | {report.Latency.Samples} |");
        text.AppendLine(c, $"| Submitted / committed (whole run) | {report.Submitted} / {report.Committed} |");
        text.AppendLine(c, $"| Signature verifications per second, {report.Ceiling.Threads} threads ({report.Ceiling.Scheme}) | {report.Ceiling.VerificationsPerSecond:F0} |");
        text.AppendLine(c, $"| Ceiling: verifications ÷ {report.Ceiling.Validators} validator(s) | {report.Ceiling.CeilingTransactionsPerSecond:F0} tx/s |");
        text.AppendLine(c, $"| Committed rate as a fraction of the ceiling | {report.Ceiling.FractionOfCeiling:P1} |");
        text.AppendLine(c, $"| Mean transaction size | {report.TransactionBytesMean:F0} bytes |");
        if (report.LifecyclesCompleted is { } lifecycles)
        {
            text.AppendLine(c, $"| Financings taken through all seven steps (whole run) | {lifecycles} |");
        }
        if (report.ConfidentialPageRead is { } page)
        {
            text.AppendLine(c, $"| Reading a page of {page.Records} confidential records as {page.Reader} (one call, median of {page.Runs}) | {page.MedianMs:F1} ms (min {page.MinMs:F1}, max {page.MaxMs:F1}) |");
        }
        text.AppendLine(c, $"| Acknowledged transactions found on chain | {report.Verification.FoundOnChain} of {report.Verification.Acknowledged} ({report.Verification.Missing} missing) in {report.Verification.BlocksScanned} blocks |");
        text.AppendLine();
        text.AppendLine("Refusals at admission: " + (report.Refusals.Count == 0 ? "none." : string.Join(", ", report.Refusals.Select(r => $"{r.Key} × {r.Value}")) + "."));
        text.AppendLine();
        text.AppendLine("Receipt codes: " + (report.ReceiptCodes.Count == 0 ? "none." : string.Join(", ", report.ReceiptCodes.Select(r => $"{r.Key} × {r.Value}")) + "."));
        if (report.Baseline is { } baseline)
        {
            text.AppendLine();
            text.AppendLine("## Central-database baseline");
            text.AppendLine();
            text.AppendLine(c, $"The same {baseline.Workload} lifecycle and business rules (roles, states, field checks, the guard under a row lock) written directly against {baseline.System} {baseline.ServerVersion} on this machine, durable commits, {baseline.Clients} database sessions (as many as Huilian had transactions in flight: clients × batch, at most 256), {baseline.WarmupSeconds:0.#} s warm-up and {baseline.DurationSeconds:0.#} s measured, run right after Huilian's. No signatures, no replication: one operator everyone must trust.");
            text.AppendLine();
            text.AppendLine("| Measure | Huilian | " + baseline.System + " |");
            text.AppendLine("|---|---:|---:|");
            text.AppendLine(c, $"| Committed transactions per second | {report.CommittedPerSecond:F0} | {baseline.CommittedPerSecond:F0} |");
            text.AppendLine(c, $"| Latency p50 / p99 | {report.Latency.P50Ms:F1} / {report.Latency.P99Ms:F1} ms | {baseline.Latency.P50Ms:F1} / {baseline.Latency.P99Ms:F1} ms |");
            text.AppendLine(c, $"| **Huilian's rate as a ratio of {baseline.System}'s** | **{baseline.HuilianToBaselineRatio:F2}** | |");
            text.AppendLine();
            text.AppendLine(c, $"Baseline refusals: {(baseline.Refusals.Count == 0 ? "none" : string.Join(", ", baseline.Refusals.Select(r => $"{r.Key} × {r.Value}")))}.");
        }
        if (chartFile is not null)
        {
            text.AppendLine();
            text.AppendLine(c, $"![Throughput and latency over time]({chartFile})");
        }
        text.AppendLine();
        text.AppendLine("| Second | Committed | p50 ms | p99 ms |");
        text.AppendLine("|---:|---:|---:|---:|");
        foreach (var point in report.Timeline)
        {
            text.AppendLine(c, $"| {point.Second} | {point.Committed} | {point.P50Ms:F1} | {point.P99Ms:F1} |");
        }
        return text.ToString();
    }

    /// <summary>Throughput (bars, left axis) and p50/p99 latency (lines, right axis) per second of the window.</summary>
    public static string Svg(LoadReport report)
    {
        const int width = 900;
        const int height = 360;
        const int left = 70;
        const int right = 70;
        const int top = 40;
        const int bottom = 50;
        var c = CultureInfo.InvariantCulture;
        var points = report.Timeline;
        var seconds = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.Second) + 1);
        var maxRate = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.Committed));
        var maxLatency = Math.Max(1, points.Count == 0 ? 1 : points.Max(p => p.P99Ms));
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        double X(double second) => left + (second / seconds * plotWidth);
        double YRate(double value) => top + plotHeight - (value / maxRate * plotHeight);
        double YLatency(double value) => top + plotHeight - (value / maxLatency * plotHeight);

        var svg = new StringBuilder();
        svg.AppendLine(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine(c, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.AppendLine(c, $"<text x=\"{left}\" y=\"22\" font-size=\"14\">Huilian {Escape(report.Workload)} ({report.Mode}): {report.CommittedPerSecond:F0} tx/s, p99 {report.Latency.P99Ms:F0} ms</text>");
        var barWidth = Math.Max(1, (plotWidth / (double)seconds) - 2);
        foreach (var point in points)
        {
            svg.AppendLine(c, $"<rect x=\"{X(point.Second) + 1:F1}\" y=\"{YRate(point.Committed):F1}\" width=\"{barWidth:F1}\" height=\"{top + plotHeight - YRate(point.Committed):F1}\" fill=\"#9ecae1\"/>");
        }
        svg.AppendLine(Polyline(points.Select(p => (X(p.Second + 0.5), YLatency(p.P50Ms))), "#31a354"));
        svg.AppendLine(Polyline(points.Select(p => (X(p.Second + 0.5), YLatency(p.P99Ms))), "#de2d26"));
        svg.AppendLine(c, $"<line x1=\"{left}\" y1=\"{top + plotHeight}\" x2=\"{width - right}\" y2=\"{top + plotHeight}\" stroke=\"black\"/>");
        svg.AppendLine(c, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + plotHeight}\" stroke=\"black\"/>");
        svg.AppendLine(c, $"<line x1=\"{width - right}\" y1=\"{top}\" x2=\"{width - right}\" y2=\"{top + plotHeight}\" stroke=\"black\"/>");
        for (var i = 0; i <= 4; i++)
        {
            var fraction = i / 4.0;
            var y = top + plotHeight - (fraction * plotHeight);
            svg.AppendLine(c, $"<text x=\"{left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{maxRate * fraction:F0}</text>");
            svg.AppendLine(c, $"<text x=\"{width - right + 6}\" y=\"{y + 4:F1}\">{maxLatency * fraction:F0}</text>");
        }
        svg.AppendLine(c, $"<text x=\"{left + (plotWidth / 2)}\" y=\"{height - 12}\" text-anchor=\"middle\">second of the measurement window</text>");
        svg.AppendLine(c, $"<text x=\"16\" y=\"{top + (plotHeight / 2)}\" transform=\"rotate(-90 16 {top + (plotHeight / 2)})\" text-anchor=\"middle\">committed tx per second (bars)</text>");
        svg.AppendLine(c, $"<text x=\"{width - 14}\" y=\"{top + (plotHeight / 2)}\" transform=\"rotate(90 {width - 14} {top + (plotHeight / 2)})\" text-anchor=\"middle\">latency ms (green p50, red p99)</text>");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string Polyline(IEnumerable<(double X, double Y)> points, string colour)
    {
        var c = CultureInfo.InvariantCulture;
        var coordinates = string.Join(' ', points.Select(p => string.Create(c, $"{p.X:F1},{p.Y:F1}")));
        return string.Create(c, $"<polyline points=\"{coordinates}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}

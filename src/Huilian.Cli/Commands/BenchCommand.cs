using System.CommandLine;
using System.Globalization;
using Huilian.LoadGenerator;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian bench</c>: the load generator. Many clients, each with its own key, against a node or every node of a
/// network; closed loop by default, open loop with --rate. Prints live progress and writes JSON, Markdown and SVG.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var nodes = new Option<string[]>("--node") { Description = "A node's base URL (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var network = new Option<string?>("--network") { Description = "A network directory: load goes to every node in its network.json." };
        var directory = CommandSupport.DirectoryOption();
        var key = CommandSupport.KeyOption();
        var passwordFile = CommandSupport.PasswordFileOption();
        var workload = new Option<string>("--workload")
        {
            Description = "What to submit: evidence records, evidence with a confidential section, or the export receivables financing lifecycle "
                + "(publish, verify, apply, accept, review, disburse, repay; --batch financings per client at a time), "
                + "or verification: publish --documents declarations, then time verifying all of them (200 per transaction).",
            DefaultValueFactory = _ => "evidence",
        };
        workload.AcceptOnlyFromAmong("evidence", "evidence-confidential", "receivables", "verification");
        var reader = new Option<string>("--reader") { Description = "For evidence-confidential: the user (org/user) who reads a page of 100 sections after the run.", DefaultValueFactory = _ => "regulator/analyst" };
        var confidentialBytes = new Option<int>("--confidential-bytes") { Description = "Plaintext bytes of each record's confidential section (evidence-confidential).", DefaultValueFactory = _ => 512 };
        var clients = new Option<int>("--clients") { Description = "Simulated clients, each with its own key.", DefaultValueFactory = _ => 64 };
        var batch = new Option<int>("--batch") { Description = "Transactions per request.", DefaultValueFactory = _ => 1 };
        var duration = new Option<double>("--duration") { Description = "Seconds to measure.", DefaultValueFactory = _ => 30 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of load before measuring.", DefaultValueFactory = _ => 5 };
        var rate = new Option<double?>("--rate") { Description = "Open loop at this many transactions per second (default: closed loop)." };
        var output = new Option<string>("--out") { Description = "Report path prefix (.json, .md and .svg are added).", DefaultValueFactory = _ => "artifacts/bench/bench" };
        var preload = new Option<long>("--preload") { Description = "Evidence records to commit before the run (to measure at a state size).", DefaultValueFactory = _ => 0 };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "After the run, run the central-database baseline (the receivables rules written against PostgreSQL) with the same clients, "
                + "warm-up and duration, and report Huilian's rate as a ratio of it. A connection string, e.g. from bench/scripts/postgres.sh start.",
        };
        var presign = new Option<int>("--presign")
        {
            Description = "Evidence runs: batches' worth of transactions each client signs before warm-up, so the generator does not spend the shared cores on signatures during the window (then it signs as it goes).",
            DefaultValueFactory = _ => 0,
        };
        var documents = new Option<int>("--documents") { Description = "For --workload verification: declarations to publish and verify.", DefaultValueFactory = _ => 110_000 };
        var ceilingSeconds = new Option<double>("--ceiling-seconds") { Description = "Seconds spent measuring the verification ceiling.", DefaultValueFactory = _ => 3 };
        var command = new Command("bench", "Load a node or network and report throughput, latency, refusals and the machine's ceiling.")
        {
            nodes, network, directory, key, passwordFile, workload, confidentialBytes, reader, clients, batch, duration, warmup, rate, output, preload, ceilingSeconds, postgres, presign, documents,
        };
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var layout = new NetworkLayout(parse.GetValue(network) ?? parse.GetValue(directory)!);
            var urls = parse.GetValue(nodes) is { Length: > 0 } given ? given
                : parse.GetValue(network) is not null ? layout.LoadManifest().Nodes.Select(n => n.Url).ToArray()
                : [$"http://127.0.0.1:{NetworkLayout.DefaultPort}"];
            if (parse.GetValue(clients) is < 1 or > 10_000 || parse.GetValue(batch) is < 1 or > 1_000)
            {
                throw new CliException("--clients is 1 to 10,000 and --batch 1 to 1,000.", 2);
            }
            using var admin = CommandSupport.LoadKey(layout, parse.GetValue(key), parse.GetValue(passwordFile));
            var password = layout.ReadPassword(parse.GetValue(passwordFile));
            var genesis = layout.LoadGenesis();
            var organisation = CommandSupport.LoadOrganisation(layout, "regulator", password);
            var readerPath = layout.UserKeyPath(parse.GetValue(reader)!);
            using var readerKey = parse.GetValue(workload) == "evidence-confidential" && File.Exists(readerPath)
                ? Crypto.Keystore.Load(readerPath).Decrypt(password) : null;
            if (parse.GetValue(confidentialBytes) is < 1 or > 32 * 1024)
            {
                throw new CliException("--confidential-bytes is 1 to 32768.", 2);
            }
            ReceivablesParties? parties = null;
            if (parse.GetValue(workload) is "receivables" or "verification")
            {
                var enterprise = genesis.Organisations.FirstOrDefault(o => o.Kind == Core.Genesis.OrganisationKinds.Enterprise)
                    ?? throw new CliException("The receivables workload needs an enterprise organisation in genesis.");
                parties = new ReceivablesParties(
                    Crypto.Keystore.Load(layout.UserKeyPath("bank-a/admin")).Decrypt(password), CommandSupport.LoadOrganisation(layout, "bank-a", password),
                    Crypto.Keystore.Load(layout.UserKeyPath("customs/admin")).Decrypt(password), CommandSupport.LoadOrganisation(layout, "customs", password),
                    enterprise.Id);
            }
            else if (parse.GetValue(postgres) is not null)
            {
                throw new CliException("The PostgreSQL baseline implements the receivables rules: use it with --workload receivables.", 2);
            }
            var options = new LoadOptions
            {
                Receivables = parties,
                Nodes = urls,
                Admin = admin,
                Organisation = organisation,
                // The regulator and a bank: the usual pair of readers of a financing's details.
                ConfidentialRecipients = genesis.Organisations.Where(o => o.Kind is "regulator" or "bank").Take(2)
                    .Select(o => Convert.FromHexString(o.EncryptionKey)).ToArray(),
                ConfidentialBytes = parse.GetValue(confidentialBytes),
                ConfidentialReader = readerKey,
                Workload = parse.GetValue(workload)!,
                Clients = parse.GetValue(clients),
                Batch = parse.GetValue(batch),
                Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                Warmup = TimeSpan.FromSeconds(parse.GetValue(warmup)),
                Rate = parse.GetValue(rate),
                CeilingMeasurement = TimeSpan.FromSeconds(parse.GetValue(ceilingSeconds)),
                Preload = parse.GetValue(preload),
                PresignedBatches = parse.GetValue(presign) is >= 0 and <= 100_000 ? parse.GetValue(presign) : throw new CliException("--presign is 0 to 100,000 batches.", 2),
            };
            var progress = new InlineProgress(p => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{p.ElapsedSeconds,6:F1} s] {p.Phase,-12} committed {p.Committed,9}  refused {p.Refused,6}  {p.RecentRatePerSecond,8:F0} tx/s  p99 {p.RecentP99Ms,7:F1} ms")));
            if (parse.GetValue(workload) == "verification")
            {
                if (parse.GetValue(documents) is < 1 or > 1_000_000)
                {
                    throw new CliException("--documents is 1 to 1,000,000.", 2);
                }
                var summary = await new LoadRun(options).MeasureBatchVerification(parse.GetValue(documents), progress, cancellationToken);
                var prefix = parse.GetValue(output)!;
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(prefix))!);
                await File.WriteAllTextAsync(prefix + ".json", System.Text.Json.JsonSerializer.Serialize(summary, new System.Text.Json.JsonSerializerOptions
                {
                    WriteIndented = true, PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
                }), cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"verified {summary.Documents} declarations in {summary.VerifySeconds:F2} s through the node: {summary.DocumentsVerifiedPerSecond:F0} documents/s "
                    + $"({summary.DocumentsPerTransaction} per transaction, {summary.Clients} clients; publishing them took {summary.PublishSeconds:F2} s); "
                    + $"outcomes: {summary.Matched} match, {summary.Failed} failed"));
                Console.WriteLine("report: " + prefix + ".json");
                return summary.Matched == summary.Documents ? 0 : 1;
            }
            var report = await new LoadRun(options).Run(progress, cancellationToken);
            if (parse.GetValue(postgres) is { } connectionString)
            {
                // As many database sessions as Huilian had transactions in flight (clients × batch), up to the server's 256.
                report.Baseline = await Huilian.LoadGenerator.Baseline.BaselineRun.RunPostgres(connectionString, Math.Min(options.Clients * options.Batch, 256),
                    options.Warmup, options.Duration, report.CommittedPerSecond, progress, cancellationToken);
            }
            var paths = ReportWriter.WriteAll(report, parse.GetValue(output)!);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.CommittedPerSecond:F0} tx/s committed; latency p50 {report.Latency.P50Ms:F1} ms, p95 {report.Latency.P95Ms:F1} ms, p99 {report.Latency.P99Ms:F1} ms, max {report.Latency.MaxMs:F1} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ceiling {report.Ceiling.CeilingTransactionsPerSecond:F0} tx/s ({report.Ceiling.VerificationsPerSecond:F0} {report.Ceiling.Scheme} verifications/s ÷ {report.Ceiling.Validators}); committed rate is {report.Ceiling.FractionOfCeiling:P1} of it"));
            Console.WriteLine($"on chain: {report.Verification.FoundOnChain} of {report.Verification.Acknowledged} acknowledged transactions");
            if (report.Baseline is { } baseline)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{baseline.System} baseline ({baseline.Workload}): {baseline.CommittedPerSecond:F0} tx/s, p50 {baseline.Latency.P50Ms:F1} ms, p99 {baseline.Latency.P99Ms:F1} ms; Huilian's rate is {baseline.HuilianToBaselineRatio:F2}× the baseline's"));
            }
            Console.WriteLine("reports: " + string.Join(", ", paths));
            return report.Verification.Missing == 0 ? 0 : 1;
        }));
        return command;
    }

    private sealed class InlineProgress(Action<LoadProgress> report) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => report(value);
    }
}

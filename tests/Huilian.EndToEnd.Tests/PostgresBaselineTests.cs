using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Huilian.LoadGenerator.Baseline;
using Npgsql;

namespace Huilian.EndToEnd.Tests;

// The central-database baseline of `huilian bench` (issue 7) against a real PostgreSQL, installed and started by
// bench/scripts/postgres.sh as CI would: the guard refuses the same way as the ledger's (a second bank is told
// the document has no room at application, and of two approved financings on one document's last part the second
// is refused at disbursement, DocumentAlreadyFinancedInFull); a step out of order or by a clerk without the role is
// refused; a short run of the lifecycle commits steps with no refusal, ordered percentiles, and every document's
// active claims equal to the sum of its claims. Nothing is asserted about speed.
[Collection("processes")]
public sealed class PostgresBaselineTests(PostgresBaselineTests.Server server) : IClassFixture<PostgresBaselineTests.Server>
{
    /// <summary>A PostgreSQL server for these tests, in a temporary directory, on a free loopback port.</summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), $"huilian-pg-{Guid.NewGuid():N}");

        public string ConnectionString { get; private set; } = "";

        private static string Script => Path.Combine(RepositoryRoot(), "bench", "scripts", "postgres.sh");

        private static string RepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Huilian.slnx")))
                {
                    return directory.FullName;
                }
            }
            throw new InvalidOperationException("The repository root (Huilian.slnx) is not above the test's directory.");
        }

        public async Task InitializeAsync()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var (exitCode, stdout, stderr) = await Run("start", _directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(exitCode == 0, $"postgres.sh start failed: {stderr}");
            ConnectionString = stdout.Trim().Split('\n')[^1];
        }

        public async Task DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await Run("stop", _directory);
        }

        private static async Task<(int, string, string)> Run(params string[] arguments)
        {
            using var process = Process.Start(new ProcessStartInfo("bash", [Script, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout, await stderr);
        }
    }

    private static readonly byte[][] Commitments = [.. Enumerable.Range(0, 4).Select(i => Enumerable.Repeat((byte)i, 16).ToArray())];

    private async Task<string?> Try(NpgsqlConnection connection, Func<NpgsqlConnection, Task<long>> step, Action<long>? result = null)
    {
        string? refusal = null;
        var value = await PostgresReceivables.Step(connection, _ => { }, code => refusal = code, CancellationToken.None, step);
        if (value is { } v)
        {
            result?.Invoke(v);
        }
        return refusal;
    }

    [Fact]
    public async Task TheBaselineGuardsDocumentsAsTheLedgerDoes()
    {
        var database = new PostgresReceivables(server.ConnectionString);
        await database.Prepare(clients: 3, CancellationToken.None);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        var key = Enumerable.Repeat((byte)0xd0, 32).ToArray();
        Assert.Null(await Try(connection, c => PostgresReceivables.Publish(c, key, Commitments, 10_000_000)));
        Assert.Equal("DocumentAlreadyPublished", await Try(connection, c => PostgresReceivables.Publish(c, key, Commitments, 10_000_000)));

        // Bank 0 finances 80%; bank 1 is refused 30% at application.
        long a = 0;
        Assert.Null(await Try(connection, c => PostgresReceivables.Apply(c, "bank-0", "bank-0/clerk0", "exporter-0", key, Commitments, 8_000_000), v => a = v));
        Assert.Equal("TransitionNotAllowed", await Try(connection, c => PostgresReceivables.Disburse(c, a, "bank-0", "bank-0/clerk0", 8_000_000)));
        Assert.Equal("FinancingOfAnotherBank", await Try(connection, c => PostgresReceivables.Advance(c, a, "bank-1", "bank-1/clerk1", "applied", "accepted", "financing-acceptance-clerk", "accept")));
        Assert.Equal("SignerLacksRole", await Try(connection, c => PostgresReceivables.Advance(c, a, "bank-0", "customs/publisher", "applied", "accepted", "financing-acceptance-clerk", "accept")));
        foreach (var (from, to, role, action) in new[] { ("applied", "accepted", "financing-acceptance-clerk", "accept"), ("accepted", "approved", "financing-review-clerk", "review") })
        {
            Assert.Null(await Try(connection, c => PostgresReceivables.Advance(c, a, "bank-0", "bank-0/clerk0", from, to, role, action)));
        }
        Assert.Null(await Try(connection, c => PostgresReceivables.Disburse(c, a, "bank-0", "bank-0/clerk0", 8_000_000)));
        Assert.Equal("AmountExceedsUnfinancedBalance", await Try(connection, c => PostgresReceivables.Apply(c, "bank-1", "bank-1/clerk1", "exporter-1", key, Commitments, 3_000_000)));
        Assert.Equal("EnterpriseNotEnabled", await Try(connection, c => PostgresReceivables.Apply(c, "bank-1", "bank-1/clerk1", "exporter-0", key, Commitments, 1_000_000)));

        // Two approved financings on the last 20%: the first disbursed takes it, the second is refused.
        var racing = new long[2];
        for (var i = 0; i < 2; i++)
        {
            var bank = $"bank-{i + 1}";
            var clerk = $"{bank}/clerk{i + 1}";
            var index = i;
            Assert.Null(await Try(connection, c => PostgresReceivables.Apply(c, bank, clerk, $"exporter-{i + 1}", key, Commitments, 2_000_000), v => racing[index] = v));
            Assert.Null(await Try(connection, c => PostgresReceivables.Advance(c, racing[index], bank, clerk, "applied", "accepted", "financing-acceptance-clerk", "accept")));
            Assert.Null(await Try(connection, c => PostgresReceivables.Advance(c, racing[index], bank, clerk, "accepted", "approved", "financing-review-clerk", "review")));
        }
        Assert.Null(await Try(connection, c => PostgresReceivables.Disburse(c, racing[0], "bank-1", "bank-1/clerk1", 2_000_000)));
        Assert.Equal("DocumentAlreadyFinancedInFull", await Try(connection, c => PostgresReceivables.Disburse(c, racing[1], "bank-2", "bank-2/clerk2", 2_000_000)));

        // Repaying the first frees its 80%.
        Assert.Null(await Try(connection, c => PostgresReceivables.Repay(c, a, "bank-0", "bank-0/clerk0", 8_000_000)));
        await using var check = new NpgsqlCommand("SELECT financed_active FROM receivables.document WHERE key = $1", connection) { Parameters = { new() { Value = key } } };
        Assert.Equal(2_000_000L, await check.ExecuteScalarAsync());
    }

    [Fact]
    public async Task AShortRunCommitsWholeLifecyclesWithoutRefusals()
    {
        var summary = await BaselineRun.RunPostgres(server.ConnectionString, clients: 4, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2),
            huilianCommittedPerSecond: 100, progress: null, CancellationToken.None);
        Assert.True(summary.Committed > 0);
        Assert.Empty(summary.Refusals);
        Assert.True(summary.Latency.P50Ms <= summary.Latency.P95Ms && summary.Latency.P95Ms <= summary.Latency.P99Ms && summary.Latency.P99Ms <= summary.Latency.MaxMs);
        Assert.Equal(100 / summary.CommittedPerSecond, summary.HuilianToBaselineRatio, 9);
        Assert.NotEmpty(summary.ServerVersion);
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var consistent = new NpgsqlCommand("""
            SELECT count(*) FROM receivables.document d
             WHERE d.financed_active <> coalesce((SELECT sum(amount) FROM receivables.claim c WHERE c.document = d.key), 0)
            """, connection);
        Assert.Equal(0L, await consistent.ExecuteScalarAsync());
    }
}

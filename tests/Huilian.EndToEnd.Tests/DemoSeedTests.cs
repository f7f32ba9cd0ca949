using System.Text.Json;

namespace Huilian.EndToEnd.Tests;

// `huilian up --solo` on a new directory seeds the demo consortium before it prints its URL: the regulator's status
// report holds 120 financings in every state (12 applied, 12 accepted, 12 approved, 12 rejected, 36 disbursed of which
// 12 partly repaid, 12 repaid, 24 cancelled), in the planned order (bank A's are rf-00000001 to rf-00000040), and
// exactly one alert — bank B's refused attempt on the declaration bank A financed in full; the statistics per
// region count the 120 financings under the six branches' recorded regions and the alert under Futian's; the declaration
// verification-failure statistics count one failure per branch and enterprise; demo/documents.csv gives the numbers
// and secrets, with which bank C's proxy clerk verifies an unfinanced declaration by hand; a restart does not seed again.
[Collection("processes")]
public sealed class DemoSeedTests
{
    [Fact]
    public async Task HuilianUpSeedsTheDemoOnceWithFinancingsInEveryStateAndOneAlert()
    {
        using var directory = new TemporaryDirectory();
        var dir = directory.Path;
        var (node, url) = await HuilianProcess.StartNode("up", "--solo", "--dir", dir, "--port", "0");
        await using (node)
        {
            Assert.Contains("Seeded the demo in", node.Stderr);
            async Task<string> Ok(string user, params string[] arguments)
            {
                var result = await HuilianProcess.Run([.. arguments, "--as", user, "--dir", dir, "--node", url]);
                Assert.True(result.ExitCode == 0, $"{string.Join(' ', arguments)} as {user}: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
                return result.Stdout;
            }

            var rows = JsonDocument.Parse(await Ok("regulator/analyst", "receivables", "report")).RootElement.GetProperty("rows").EnumerateArray().ToArray();
            Assert.Equal(120, rows.Length);
            var byState = rows.GroupBy(r => r.GetProperty("state").GetString()!).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(new Dictionary<string, int>
            {
                ["applied"] = 12, ["accepted"] = 12, ["approved"] = 12, ["rejected"] = 12, ["disbursed"] = 36, ["repaid"] = 12, ["cancelled"] = 24,
            }, byState);
            Assert.Equal(12, rows.Count(r => r.GetProperty("state").GetString() == "disbursed" && r.GetProperty("repaidMinor").GetUInt64() > 0 && r.GetProperty("outstandingMinor").GetUInt64() > 0));
            Assert.Equal(["bank-a", "bank-b", "bank-c"], rows.Select(r => r.GetProperty("bank").GetString()).Distinct());
            Assert.Equal(4, rows.Select(r => r.GetProperty("enterprise").GetString()).Distinct().Count());
            Assert.All(rows.Take(40), r => Assert.Equal("bank-a", r.GetProperty("bank").GetString()));
            Assert.Equal("rf-00000001", rows[0].GetProperty("id").GetString());
            foreach (var bank in new[] { "bank-a", "bank-b", "bank-c" })
            {
                Assert.Equal(7, rows.Where(r => r.GetProperty("bank").GetString() == bank).Select(r => r.GetProperty("state").GetString()).Distinct().Count());
            }

            var alerts = JsonDocument.Parse(await Ok("regulator/analyst", "receivables", "alerts")).RootElement.GetProperty("alerts");
            var alert = Assert.Single(alerts.EnumerateArray());
            Assert.Equal(("DocumentAlreadyFinancedInFull", "bank-b"), (alert.GetProperty("code").GetString(), alert.GetProperty("bank").GetString()));
            Assert.Equal(alert.GetProperty("valueMinor").GetUInt64(), alert.GetProperty("financedMinor").GetUInt64());
            var statisticsB = await Ok("bank-b/statistician", "receivables", "statistics", "--csv");
            Assert.Equal(1, statisticsB.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Sum(line => int.Parse(line.TrimEnd('\r').Split(',')[10], System.Globalization.CultureInfo.InvariantCulture)));

            var failures = (await Ok("regulator/analyst", "receivables", "declaration-failures", "--csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1).Select(line => line.TrimEnd('\r').Split(',')).ToArray();
            Assert.True(failures.Length >= 12, string.Join('\n', failures.Select(f => string.Join(',', f))));
            Assert.Equal(120 + failures.Length, failures.Sum(f => int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(failures.Length, failures.Sum(f => int.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Contains(failures, f => f[5] == "1");
            Assert.Contains(failures, f => f[6] == "1");

            // Statistics per region: the branches' regions as the banks recorded them; none unknown.
            var regions = (await Ok("regulator/analyst", "receivables", "regions", "--csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.TrimEnd('\r').Split(',')).ToArray();
            Assert.Equal("region,bank,currency,applications,disbursed,disbursedAmountMinor,outstandingMinor,refusedAttempts", string.Join(',', regions[0]));
            Assert.Equal(["310101", "310112", "310115", "330203", "440106", "440304"], regions.Skip(1).Select(r => r[0]).Distinct().Order(StringComparer.Ordinal));
            Assert.Equal(120, regions.Skip(1).Sum(r => int.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(["440304,bank-b,USD,1"], regions.Skip(1).Where(r => r[7] != "0").Select(r => $"{r[0]},{r[1]},{r[2]},{r[7]}"));
            Assert.All(regions.Skip(1), r => Assert.Equal(r[0] is "310101" or "310115" ? "bank-a" : r[0] is "440106" or "440304" ? "bank-b" : "bank-c", r[1]));
            Assert.Contains("NotEntitled", (await HuilianProcess.Run("receivables", "regions", "--bank", "bank-a", "--as", "bank-b/statistician", "--dir", dir, "--node", url)).Stderr);

            // A person verifies an unfinanced seeded declaration by hand, from demo/documents.csv.
            var documents = File.ReadAllLines(directory.Combine("demo", "documents.csv"));
            Assert.Equal(401, documents.Length);
            var free = documents.Skip(1).First(line => line.StartsWith("customs-declaration,", StringComparison.Ordinal) && line.EndsWith(',')).Split(',');
            var fields = free[6].Trim('"').Split(';').SelectMany(pair => new[] { "--field", pair }).ToArray();
            Assert.StartsWith("Match; financed 0.00%", await Ok("bank-c/proxy", ["registry", "verify", "--type", free[0], "--number", free[1], "--secret", free[2],
                "--value", free[4], "--currency", free[5], "--enterprise", free[3], .. fields]));
            Assert.Equal(121, File.ReadAllLines(directory.Combine("demo", "financings.csv")).Length);

            await node.Stop();
        }

        // A restart serves the same chain and does not seed again.
        var (again, urlAgain) = await HuilianProcess.StartNode("up", "--solo", "--dir", dir, "--port", "0");
        await using (again)
        {
            Assert.DoesNotContain("Seed", again.Stderr);
            var result = await HuilianProcess.Run("receivables", "alerts", "--as", "regulator/analyst", "--dir", dir, "--node", urlAgain);
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Single(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("alerts").EnumerateArray());
            var report = await HuilianProcess.Run("receivables", "report", "--csv", "--as", "regulator/analyst", "--dir", dir, "--node", urlAgain);
            Assert.Equal(121, report.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        }
    }
}

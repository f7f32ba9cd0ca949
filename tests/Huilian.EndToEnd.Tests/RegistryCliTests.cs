using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Huilian.EndToEnd.Tests;

// Cases, with the real `huilian` process: `registry key` computes a document's key offline exactly as
// docs/REGISTRY.md specifies (SHA-256 of the domain, type, number and secret; checked here independently) and one
// salted commitment per --field (likewise checked against the specification), and refuses an unknown type; on a solo network, `receivables statistics --csv` by
// bank-a's statistician prints the CSV header of its (empty) report, `--bank bank-b` is refused with NotEntitled, and
// the regulator's analyst may name any bank.
[Collection("processes")]
public sealed class RegistryCliTests
{
    [Fact]
    public async Task RegistryKeyComputesTheSpecifiedKeyOffline()
    {
        var result = await HuilianProcess.Run("registry", "key", "--type", "customs-declaration", "--number", "222020261000000001",
            "--secret", "s3cret-0123456789abcdef", "--field", "owner=acme", "--field", "port=CNSHA");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var output = JsonDocument.Parse(result.Stdout).RootElement;
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("huilian/registry/key/v1\0customs-declaration\0222020261000000001\0s3cret-0123456789abcdef")));
        Assert.Equal(expected, output.GetProperty("key").GetString());
        var fields = output.GetProperty("fields");
        Assert.Equal(["owner", "port"], fields.EnumerateObject().Select(f => f.Name));
        var salt = SHA256.HashData(Encoding.UTF8.GetBytes("huilian/registry/salt/v1\0customs-declaration\0222020261000000001\0s3cret-0123456789abcdef"));
        byte[] Commitment(string field, string value) =>
            SHA256.HashData([.. Encoding.ASCII.GetBytes("huilian/registry/field/v1\0"), .. salt, .. Encoding.UTF8.GetBytes(field + "\0" + value)])[..16];
        Assert.Equal(Convert.ToHexStringLower(Commitment("owner", "acme")), fields.GetProperty("owner").GetString());
        Assert.Equal(Convert.ToHexStringLower(Commitment("port", "CNSHA")), fields.GetProperty("port").GetString());
        Assert.DoesNotContain("222020261000000001", result.Stdout, StringComparison.Ordinal);

        var gm = await HuilianProcess.Run("registry", "key", "--type", "customs-declaration", "--number", "222020261000000001", "--secret", "s3cret-0123456789abcdef", "--suite", "gm");
        Assert.NotEqual(expected, JsonDocument.Parse(gm.Stdout).RootElement.GetProperty("key").GetString());
        var unknown = await HuilianProcess.Run("registry", "key", "--type", "receipt", "--number", "1", "--secret", "s3cret-0123456789abcdef");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("no document type", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportsFromTheCliAreTheStatisticiansOwnBank()
    {
        using var directory = new TemporaryDirectory();
        var dir = directory.Path;
        var (node, url) = await HuilianProcess.StartNode("up", "--solo", "--no-seed", "--dir", dir, "--port", "0");
        await using (node)
        {
            var own = await HuilianProcess.Run("receivables", "statistics", "--csv", "--as", "bank-a/statistician", "--dir", dir, "--node", url);
            Assert.True(own.ExitCode == 0, own.Stderr);
            // The harness reads standard output line by line, so the CSV's CRLF arrives as a line break.
            Assert.Equal("bank,enterprise,currency,applications,rejected,cancelled,disbursed,disbursedAmountMinor,repaidMinor,outstandingMinor,refusedAttempts", own.Stdout.TrimEnd('\r', '\n'));
            var other = await HuilianProcess.Run("receivables", "statistics", "--bank", "bank-b", "--as", "bank-a/statistician", "--dir", dir, "--node", url);
            Assert.NotEqual(0, other.ExitCode);
            Assert.Contains("NotEntitled", other.Stderr, StringComparison.Ordinal);
            var regulator = await HuilianProcess.Run("receivables", "alerts", "--bank", "bank-b", "--as", "regulator/analyst", "--dir", dir, "--node", url);
            Assert.True(regulator.ExitCode == 0, regulator.Stderr);
            Assert.Equal("bank-b", JsonDocument.Parse(regulator.Stdout).RootElement.GetProperty("filter").GetProperty("bank").GetString());
        }
    }
}

// The access log: entries survive a reopen in order; editing or removing an entry in the file breaks the hash chain
// at that entry, which Verify reports.

using Huilian.Node.Hosting;

namespace Huilian.Node.Tests;

public sealed class AccessLogTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "huilian-access-log-tests", Guid.NewGuid().ToString("N"), "access-log.jsonl");

    private void Write()
    {
        using var log = new AccessLog(_path);
        log.Append(DateTimeOffset.UnixEpoch, "bank-a/clerk", "bank-a", "confidential.read", "tx1", "own-business", "read");
        log.AppendMany(DateTimeOffset.UnixEpoch, "regulator/analyst", "regulator", "confidential.read", [("tx1", "read"), ("tx2", "read")], "audit");
    }

    [Fact]
    public void EntriesSurviveAReopenInOrderWithAnIntactChain()
    {
        Write();
        using var log = new AccessLog(_path);
        Assert.Equal(3, log.Count);
        Assert.Equal(["bank-a/clerk", "regulator/analyst", "regulator/analyst"], log.Read(0, 10).Select(e => e.User));
        Assert.Null(log.Verify());
        Assert.Single(log.Read(0, 10, "bank-a"));
        Assert.Equal(2, log.Read(1, 10).Count);
    }

    [Fact]
    public void AnEditedEntryBreaksTheChainThere()
    {
        Write();
        var lines = File.ReadAllLines(_path);
        lines[1] = lines[1].Replace("\"audit\"", "\"own-business\"");
        File.WriteAllLines(_path, lines);
        using var log = new AccessLog(_path);
        Assert.Equal(2L, log.Verify());
    }

    [Fact]
    public void ARemovedEntryBreaksTheChainAfterIt()
    {
        Write();
        var lines = File.ReadAllLines(_path);
        File.WriteAllLines(_path, [lines[0], lines[2]]);
        using var log = new AccessLog(_path);
        Assert.Equal(3L, log.Verify());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

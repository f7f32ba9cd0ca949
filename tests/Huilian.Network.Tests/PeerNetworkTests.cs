using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Huilian.Network.Tests;

// Cases, with real TLS connections on 127.0.0.1: three nodes connect and exchange frames both ways, broadcast
// reaches everyone, small and multi-MiB frames arrive intact and in order; a node whose certificate is not in the
// allowed set is refused (nothing it sends arrives); a raw TCP client sending garbage and a TLS client without a
// certificate are dropped while real peers keep working; an oversized length prefix disconnects and bans the
// sender; flooding past the frame rate leads to penalties and a disconnect; penalties past the threshold ban a
// peer, which reconnects after the ban; a restarted peer is reconnected; Send to an unknown peer is false;
// PKCS#12 export and load keep the fingerprint.
[Collection("network")]
public sealed class PeerNetworkTests : IAsyncLifetime
{
    private readonly List<PeerNetwork> _networks = [];
    private readonly Dictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string To, string From, byte[] Frame)> _received = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var network in _networks)
        {
            await network.DisposeAsync();
        }
    }

    private X509Certificate2 Certificate(string name) => _certificates.TryGetValue(name, out var c) ? c : _certificates[name] = NodeCertificates.Create(name);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private int Port(string name) => _ports.TryGetValue(name, out var p) ? p : _ports[name] = FreePort();

    private async Task<PeerNetwork> Start(string name, string[] members, Action<NetworkOptions>? adjust = null, X509Certificate2? certificate = null,
        int framesPerSecondMax = 10_000, TimeSpan? ban = null)
    {
        var allowed = members.ToDictionary(m => NodeCertificates.Fingerprint(Certificate(m)), m => m);
        var options = new NetworkOptions
        {
            NodeName = name,
            Certificate = certificate ?? Certificate(name),
            Listen = new IPEndPoint(IPAddress.Loopback, Port(name)),
            Peers = members.Where(m => m != name).Select(m => new PeerAddress(m, "127.0.0.1", Port(m), NodeCertificates.Fingerprint(Certificate(m)))).ToArray(),
            AllowedFingerprints = allowed,
            FramesPerSecondMax = framesPerSecondMax,
            BanDuration = ban ?? TimeSpan.FromSeconds(60),
            ReconnectDelayMax = TimeSpan.FromMilliseconds(500),
        };
        var network = new PeerNetwork(options);
        network.FrameReceived += (from, frame) => _received.Enqueue((name, from, frame));
        await network.StartAsync(CancellationToken.None);
        _networks.Add(network);
        return network;
    }

    private static async Task Eventually(Func<bool> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
            await Task.Delay(20);
        }
    }

    private static readonly string[] Three = ["a", "b", "c"];

    [Fact]
    public async Task ThreeNodesConnectAndExchangeFramesInOrder()
    {
        var a = await Start("a", Three);
        var b = await Start("b", Three);
        var c = await Start("c", Three);
        await Eventually(() => a.ConnectedPeers.Count == 2 && b.ConnectedPeers.Count == 2 && c.ConnectedPeers.Count == 2, "all are connected");
        Assert.Equal(2, a.Broadcast([1, 2, 3]));
        var big = new byte[5 * 1024 * 1024];
        new Random(1).NextBytes(big);
        for (var i = 0; i < 20; i++)
        {
            Assert.True(c.Send("a", [(byte)i]));
        }
        Assert.True(b.Send("a", big));
        await Eventually(() => _received.Count(r => r.To == "a") == 21 && _received.Count(r => r.From == "a") == 2, "frames arrive");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)i), _received.Where(r => r.To == "a" && r.From == "c").Select(r => r.Frame[0]));
        Assert.Equal(big, _received.Single(r => r.To == "a" && r.From == "b").Frame);
        Assert.All(_received.Where(r => r.From == "a"), r => Assert.Equal([1, 2, 3], r.Frame));
        Assert.False(a.Send("nobody", [1]));
        // Exactly one connection per pair: each node sees each other node once.
        Assert.Equal(["b", "c"], a.ConnectedPeers);
    }

    [Fact]
    public async Task AnUnknownCertificateIsRefusedBothWays()
    {
        var a = await Start("a", ["a", "b"]);
        // "b" presents a certificate that is not the one genesis lists for b.
        var impostor = await Start("b", ["a", "b"], certificate: NodeCertificates.Create("b"));
        await Task.Delay(1500);
        Assert.Empty(a.ConnectedPeers);
        Assert.Empty(impostor.ConnectedPeers);
        Assert.Equal(0, impostor.Broadcast([9]));
        Assert.DoesNotContain(_received, r => r.To == "a");
    }

    [Fact]
    public async Task GarbageAndCertificatelessClientsAreDroppedWhilePeersCarryOn()
    {
        var a = await Start("a", ["a", "b"]);
        var b = await Start("b", ["a", "b"]);
        await Eventually(() => a.ConnectedPeers.Count == 1, "a and b connect");
        using (var raw = new TcpClient())
        {
            await raw.ConnectAsync(IPAddress.Loopback, Port("b"));
            await raw.GetStream().WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7 });
            await Task.Delay(200);
        }
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, Port("b"));
            using var ssl = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "b" });
                await ssl.WriteAsync(new byte[] { 0, 0, 0, 1, 7 });
                var buffer = new byte[1];
                await ssl.ReadExactlyAsync(buffer);
            });
        }
        Assert.True(a.Send("b", [42]));
        await Eventually(() => _received.Any(r => r.To == "b" && r.Frame[0] == 42), "b still receives from a");
    }

    [Fact]
    public async Task AnOversizedFrameDisconnectsAndBansTheSender()
    {
        var a = await Start("a", ["a", "b"]);
        var b = await Start("b", ["a", "b"], ban: TimeSpan.FromSeconds(2));
        await Eventually(() => b.ConnectedPeers.Count == 1, "a and b connect");
        // a's limit is the default 32 MiB; it sends 36 MiB, which b refuses by its length prefix alone.
        var forged = new byte[36 * 1024 * 1024];
        Assert.True(a.Send("b", forged));
        await Eventually(() => b.Peers.Single().BannedUntil is not null, "b bans a");
        Assert.Empty(b.ConnectedPeers);
        Assert.DoesNotContain(_received, r => r.To == "b" && r.Frame.Length == forged.Length);
        await Eventually(() => b.ConnectedPeers.Count == 1, "a is accepted again once the ban ends", seconds: 20);
    }

    [Fact]
    public async Task FloodingEndsInPenaltiesAndADisconnect()
    {
        var a = await Start("a", ["a", "b"]);
        var b = await Start("b", ["a", "b"], framesPerSecondMax: 50, ban: TimeSpan.FromSeconds(30));
        await Eventually(() => b.ConnectedPeers.Count == 1, "a and b connect");
        for (var i = 0; i < 3_000; i++)
        {
            a.Send("b", [1]);
        }
        await Eventually(() => b.Peers.Single().BannedUntil is not null, "b bans the flooding a");
        Assert.True(_received.Count(r => r.To == "b") < 3_000);
    }

    [Fact]
    public async Task PenaltiesPastTheThresholdBanUntilTheBanEnds()
    {
        var a = await Start("a", ["a", "b"]);
        var b = await Start("b", ["a", "b"], ban: TimeSpan.FromSeconds(2));
        await Eventually(() => b.ConnectedPeers.Count == 1, "a and b connect");
        b.Penalize("a", 60, "test");
        Assert.Single(b.ConnectedPeers);
        b.Penalize("a", 60, "test");
        await Eventually(() => b.ConnectedPeers.Count == 0, "b drops a");
        Assert.NotNull(b.Peers.Single().BannedUntil);
        await Eventually(() => b.ConnectedPeers.Count == 1, "a is back after the ban", seconds: 20);
    }

    [Fact]
    public async Task ARestartedPeerIsReconnected()
    {
        var a = await Start("a", ["a", "b"]);
        var b = await Start("b", ["a", "b"]);
        await Eventually(() => a.ConnectedPeers.Count == 1, "a and b connect");
        await b.DisposeAsync();
        _networks.Remove(b);
        await Eventually(() => a.ConnectedPeers.Count == 0, "a sees b go");
        var b2 = await Start("b", ["a", "b"]);
        await Eventually(() => a.ConnectedPeers.Count == 1 && b2.ConnectedPeers.Count == 1, "a and the new b connect");
        Assert.True(b2.Send("a", [7]));
        await Eventually(() => _received.Any(r => r.To == "a" && r.Frame is [7]), "traffic resumes");
    }

    [Fact]
    public void Pkcs12KeepsTheFingerprintAndTheKey()
    {
        var certificate = NodeCertificates.Create("node0");
        var loaded = NodeCertificates.LoadPkcs12(NodeCertificates.ExportPkcs12(certificate, "pw"), "pw");
        Assert.Equal(NodeCertificates.Fingerprint(certificate), NodeCertificates.Fingerprint(loaded));
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal("CN=node0", loaded.Subject);
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => NodeCertificates.LoadPkcs12(NodeCertificates.ExportPkcs12(certificate, "pw"), "wrong"));
    }
}

[CollectionDefinition("network", DisableParallelization = true)]
public sealed class NetworkCollection;

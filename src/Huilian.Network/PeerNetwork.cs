using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;

namespace Huilian.Network;

/// <summary>
/// TLS connections to the other nodes of a chain. A peer is known by its certificate's fingerprint, which must be in
/// <see cref="NetworkOptions.AllowedFingerprints"/>; any other peer is refused during the handshake. Frames are a
/// 4-byte big-endian length and that many bytes (length 0 is a keepalive). A peer that sends an oversized frame,
/// floods beyond the rate limits, or is penalised past the threshold is disconnected and banned for a while. Public
/// members are thread-safe; <see cref="FrameReceived"/> is raised on the connection's read loop.
/// </summary>
public sealed class PeerNetwork : IAsyncDisposable
{
    private readonly NetworkOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Peer> _peers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private TcpListener? _listener;

    public PeerNetwork(NetworkOptions options)
    {
        _options = options;
        foreach (var name in options.AllowedFingerprints.Values)
        {
            if (name != options.NodeName)
            {
                _peers[name] = new Peer(name);
            }
        }
    }

    public event Action<string, byte[]>? FrameReceived;

    public event Action<string>? PeerConnected;

    public event Action<string>? PeerDisconnected;

    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener ?? throw new InvalidOperationException("Not started.")).LocalEndpoint;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new TcpListener(_options.Listen);
        _listener.Start(backlog: 64);
        lock (_gate)
        {
            _loops.Add(Task.Run(() => AcceptLoop(_stop.Token), CancellationToken.None));
            foreach (var address in _options.Peers)
            {
                if (string.CompareOrdinal(_options.NodeName, address.Name) < 0)
                {
                    _loops.Add(Task.Run(() => DialLoop(address, _stop.Token), CancellationToken.None));
                }
            }
        }
        return Task.CompletedTask;
    }

    public IReadOnlyList<string> ConnectedPeers
    {
        get
        {
            lock (_gate)
            {
                return _peers.Values.Where(p => p.Connection is not null).Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            }
        }
    }

    public IReadOnlyList<PeerState> Peers
    {
        get
        {
            lock (_gate)
            {
                return _peers.Values.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new PeerState(
                    p.Name, p.Connection is not null, p.Connection?.RemoteEndPoint, Interlocked.Read(ref p.FramesIn), Interlocked.Read(ref p.FramesOut),
                    Interlocked.Read(ref p.BytesIn), Interlocked.Read(ref p.BytesOut), p.Penalty, p.BannedUntil > DateTimeOffset.UtcNow ? p.BannedUntil : null)).ToArray();
            }
        }
    }

    /// <summary>Queues a frame for a peer; false (and the frame dropped) when not connected or its queue is full.</summary>
    public bool Send(string peer, byte[] frame)
    {
        Connection? connection;
        lock (_gate)
        {
            connection = _peers.TryGetValue(peer, out var state) ? state.Connection : null;
        }
        return connection is not null && connection.Enqueue(frame);
    }

    public int Broadcast(byte[] frame)
    {
        Connection[] connections;
        lock (_gate)
        {
            connections = _peers.Values.Select(p => p.Connection).OfType<Connection>().ToArray();
        }
        return connections.Count(c => c.Enqueue(frame));
    }

    public void Penalize(string peer, int points, string reason)
    {
        Connection? close = null;
        lock (_gate)
        {
            if (!_peers.TryGetValue(peer, out var state))
            {
                return;
            }
            state.Penalty += points;
            _options.Log?.Invoke($"peer {peer} penalised by {points} (now {state.Penalty}): {reason}");
            if (state.Penalty >= _options.PenaltyThreshold)
            {
                state.BannedUntil = DateTimeOffset.UtcNow + _options.BanDuration;
                state.Penalty = 0;
                close = state.Connection;
                _options.Log?.Invoke($"peer {peer} banned until {state.BannedUntil:O}");
            }
        }
        close?.Close();
    }

    private async Task AcceptLoop(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(stop);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => AcceptOne(client, stop), CancellationToken.None);
        }
    }

    private async Task AcceptOne(TcpClient client, CancellationToken stop)
    {
        string? name = null;
        var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
            timeout.CancelAfter(_options.HandshakeTimeout);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _options.Certificate,
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && IsAllowed(certificate, out _),
            }, timeout.Token);
            if (ssl.RemoteCertificate is null || !IsAllowed(ssl.RemoteCertificate, out name) || name == _options.NodeName)
            {
                throw new AuthenticationException("The peer's certificate is not one of the chain's nodes.");
            }
            Attach(name, client, ssl, stop);
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException or OperationCanceledException or SocketException or InvalidOperationException)
        {
            _options.Log?.Invoke($"refused a connection from {client.Client.RemoteEndPoint}{(name is null ? "" : $" ({name})")}: {exception.Message}");
            await ssl.DisposeAsync();
            client.Dispose();
        }
    }

    private async Task DialLoop(PeerAddress address, CancellationToken stop)
    {
        var delay = _options.ReconnectDelayMin;
        while (!stop.IsCancellationRequested)
        {
            Peer? state;
            lock (_gate)
            {
                _peers.TryGetValue(address.Name, out state);
            }
            if (state is null || state.Connection is not null || state.BannedUntil > DateTimeOffset.UtcNow)
            {
                await Pause(TimeSpan.FromMilliseconds(200), stop);
                continue;
            }
            var client = new TcpClient { NoDelay = true };
            SslStream? ssl = null;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                timeout.CancelAfter(_options.HandshakeTimeout);
                await client.ConnectAsync(address.Host, address.Port, timeout.Token);
                ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = address.Name,
                    ClientCertificates = [_options.Certificate],
                    EnabledSslProtocols = SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        certificate is not null && string.Equals(NodeCertificates.Fingerprint(certificate.GetRawCertData()), address.Fingerprint, StringComparison.OrdinalIgnoreCase),
                }, timeout.Token);
                var connection = Attach(address.Name, client, ssl, stop);
                delay = _options.ReconnectDelayMin;
                await connection.Closed;
            }
            catch (Exception exception) when (exception is AuthenticationException or IOException or OperationCanceledException or SocketException or InvalidOperationException)
            {
                if (ssl is not null)
                {
                    await ssl.DisposeAsync();
                }
                client.Dispose();
                if (stop.IsCancellationRequested)
                {
                    return;
                }
                await Pause(delay, stop);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectDelayMax.Ticks));
            }
        }
    }

    private Connection Attach(string name, TcpClient client, SslStream ssl, CancellationToken stop)
    {
        Connection? replaced = null;
        Connection connection;
        lock (_gate)
        {
            if (!_peers.TryGetValue(name, out var state))
            {
                state = new Peer(name);
                _peers[name] = state;
            }
            if (state.BannedUntil > DateTimeOffset.UtcNow)
            {
                throw new InvalidOperationException($"{name} is banned until {state.BannedUntil:O}.");
            }
            replaced = state.Connection;
            connection = new Connection(this, state, client, ssl, stop);
            state.Connection = connection;
        }
        replaced?.Close();
        connection.Start();
        _options.Log?.Invoke($"connected to {name} at {connection.RemoteEndPoint}");
        PeerConnected?.Invoke(name);
        return connection;
    }

    private void Detach(Connection connection)
    {
        var wasCurrent = false;
        lock (_gate)
        {
            if (ReferenceEquals(connection.Peer.Connection, connection))
            {
                connection.Peer.Connection = null;
                wasCurrent = true;
            }
        }
        if (wasCurrent)
        {
            PeerDisconnected?.Invoke(connection.Peer.Name);
        }
    }

    private bool IsAllowed(X509Certificate certificate, out string name) =>
        _options.AllowedFingerprints.TryGetValue(NodeCertificates.Fingerprint(certificate.GetRawCertData()), out name!);

    private static async Task Pause(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        Connection[] connections;
        Task[] loops;
        lock (_gate)
        {
            connections = _peers.Values.Select(p => p.Connection).OfType<Connection>().ToArray();
            loops = _loops.ToArray();
        }
        foreach (var connection in connections)
        {
            connection.Close();
        }
        await Task.WhenAny(Task.WhenAll(loops), Task.Delay(TimeSpan.FromSeconds(5)));
        _stop.Dispose();
    }

    private sealed class Peer(string name)
    {
        public string Name { get; } = name;

        public Connection? Connection { get; set; }

        public int Penalty { get; set; }

        public DateTimeOffset BannedUntil { get; set; }

        public long FramesIn;
        public long FramesOut;
        public long BytesIn;
        public long BytesOut;
    }

    /// <summary>One TLS connection: a read loop and a write loop over a bounded queue.</summary>
    private sealed class Connection
    {
        private static readonly byte[] Ping = new byte[4];

        private readonly PeerNetwork _network;
        private readonly TcpClient _client;
        private readonly SslStream _ssl;
        private readonly CancellationTokenSource _cancel;
        private readonly Channel<byte[]> _queue;
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _queuedBytes;
        private int _closing;

        public Connection(PeerNetwork network, Peer peer, TcpClient client, SslStream ssl, CancellationToken stop)
        {
            _network = network;
            Peer = peer;
            _client = client;
            _ssl = ssl;
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
            _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(network._options.SendQueueFramesMax) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
            RemoteEndPoint = client.Client.RemoteEndPoint?.ToString();
        }

        public Peer Peer { get; }

        public string? RemoteEndPoint { get; }

        public Task Closed => _closed.Task;

        public void Start()
        {
            _ = Task.Run(ReadLoop, CancellationToken.None);
            _ = Task.Run(WriteLoop, CancellationToken.None);
        }

        public bool Enqueue(byte[] frame)
        {
            if (_closing != 0 || Interlocked.Read(ref _queuedBytes) + frame.Length > _network._options.SendQueueBytesMax)
            {
                return false;
            }
            if (!_queue.Writer.TryWrite(frame))
            {
                return false;
            }
            Interlocked.Add(ref _queuedBytes, frame.Length);
            return true;
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closing, 1) != 0)
            {
                return;
            }
            _cancel.Cancel();
            _queue.Writer.TryComplete();
            try
            {
                _ssl.Dispose();
                _client.Dispose();
            }
            catch (ObjectDisposedException)
            {
            }
            _network.Detach(this);
            _closed.TrySetResult();
        }

        private async Task ReadLoop()
        {
            var options = _network._options;
            var header = new byte[4];
            var windowStart = DateTime.UtcNow;
            long windowFrames = 0;
            long windowBytes = 0;
            try
            {
                while (!_cancel.IsCancellationRequested)
                {
                    using (var idle = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token))
                    {
                        idle.CancelAfter(options.IdleTimeout);
                        await _ssl.ReadExactlyAsync(header, idle.Token);
                    }
                    var length = BinaryPrimitives.ReadUInt32BigEndian(header);
                    if (length == 0)
                    {
                        continue; // Keepalive.
                    }
                    if (length > options.FrameBytesMax)
                    {
                        _network.Penalize(Peer.Name, options.PenaltyThreshold, $"frame of {length} bytes, above the limit of {options.FrameBytesMax}");
                        return;
                    }
                    var frame = new byte[length];
                    await _ssl.ReadExactlyAsync(frame, _cancel.Token);
                    Interlocked.Increment(ref Peer.FramesIn);
                    Interlocked.Add(ref Peer.BytesIn, length);

                    // Rate limits over one-second windows: flooding costs penalty points, then the connection.
                    var now = DateTime.UtcNow;
                    if (now - windowStart >= TimeSpan.FromSeconds(1))
                    {
                        windowStart = now;
                        windowFrames = 0;
                        windowBytes = 0;
                    }
                    windowFrames++;
                    windowBytes += length;
                    if (windowFrames > options.FramesPerSecondMax || windowBytes > options.BytesPerSecondMax)
                    {
                        _network.Penalize(Peer.Name, 10, $"more than {options.FramesPerSecondMax} frames or {options.BytesPerSecondMax} bytes in a second");
                        windowFrames = 0;
                        windowBytes = 0;
                        continue;
                    }
                    _network.FrameReceived?.Invoke(Peer.Name, frame);
                }
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or EndOfStreamException or InvalidOperationException or AuthenticationException)
            {
                // The peer went away or misbehaved at the stream level: this connection ends, the node goes on.
            }
            finally
            {
                Close();
            }
        }

        private async Task WriteLoop()
        {
            var pingEvery = _network._options.IdleTimeout / 4;
            var header = new byte[4];
            try
            {
                while (!_cancel.IsCancellationRequested)
                {
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token);
                    wait.CancelAfter(pingEvery);
                    byte[] frame;
                    try
                    {
                        frame = await _queue.Reader.ReadAsync(wait.Token);
                    }
                    catch (OperationCanceledException) when (!_cancel.IsCancellationRequested)
                    {
                        await _ssl.WriteAsync(Ping, _cancel.Token);
                        await _ssl.FlushAsync(_cancel.Token);
                        continue;
                    }
                    Interlocked.Add(ref _queuedBytes, -frame.Length);
                    BinaryPrimitives.WriteUInt32BigEndian(header, (uint)frame.Length);
                    await _ssl.WriteAsync(header, _cancel.Token);
                    await _ssl.WriteAsync(frame, _cancel.Token);
                    Interlocked.Increment(ref Peer.FramesOut);
                    Interlocked.Add(ref Peer.BytesOut, frame.Length);
                    if (_queue.Reader.Count == 0)
                    {
                        await _ssl.FlushAsync(_cancel.Token);
                    }
                }
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or ObjectDisposedException or ChannelClosedException or InvalidOperationException)
            {
            }
            finally
            {
                Close();
            }
        }
    }
}

using Huilian.Network;

namespace Huilian.Node.Hosting;

/// <summary>
/// How the node reaches its peers: framed messages to named peers, with penalties for misbehaviour. The real one
/// is TLS over TCP with mutual authentication by the certificates genesis lists; a node without peers has none.
/// </summary>
public interface IPeerTransport : IAsyncDisposable
{
    /// <summary>Raised on a transport thread for each frame a peer sends.</summary>
    event Action<string, byte[]>? FrameReceived;

    event Action<string>? PeerConnected;

    Task StartAsync(CancellationToken cancellationToken);

    bool Send(string peer, byte[] frame);

    int Broadcast(byte[] frame);

    void Penalize(string peer, int points, string reason);

    IReadOnlyList<string> ConnectedPeers { get; }

    IReadOnlyList<PeerState> Describe();
}

/// <summary>A node with no peers: a single-validator chain.</summary>
public sealed class NoPeerTransport : IPeerTransport
{
    public event Action<string, byte[]>? FrameReceived
    {
        add { }
        remove { }
    }

    public event Action<string>? PeerConnected
    {
        add { }
        remove { }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public bool Send(string peer, byte[] frame) => false;

    public int Broadcast(byte[] frame) => 0;

    public void Penalize(string peer, int points, string reason)
    {
    }

    public IReadOnlyList<string> ConnectedPeers => [];

    public IReadOnlyList<PeerState> Describe() => [];

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

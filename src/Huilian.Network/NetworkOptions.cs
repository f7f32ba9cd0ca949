using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Huilian.Network;

/// <summary>A peer this node dials: where it listens, and the certificate fingerprint it must present.</summary>
public sealed record PeerAddress(string Name, string Host, int Port, string Fingerprint);

public sealed class NetworkOptions
{
    public required string NodeName { get; init; }

    public required X509Certificate2 Certificate { get; init; }

    public required IPEndPoint Listen { get; init; }

    /// <summary>Peers to connect to. Of each pair, the node whose name sorts first dials; the other only accepts.</summary>
    public IReadOnlyList<PeerAddress> Peers { get; init; } = [];

    /// <summary>Every certificate fingerprint allowed to connect (lowercase hex), with the node name it stands for.</summary>
    public required IReadOnlyDictionary<string, string> AllowedFingerprints { get; init; }

    public int FrameBytesMax { get; init; } = 32 * 1024 * 1024;

    public int SendQueueFramesMax { get; init; } = 10_000;

    public long SendQueueBytesMax { get; init; } = 256L * 1024 * 1024;

    public int FramesPerSecondMax { get; init; } = 10_000;

    public long BytesPerSecondMax { get; init; } = 128L * 1024 * 1024;

    public int PenaltyThreshold { get; init; } = 100;

    public TimeSpan BanDuration { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan ReconnectDelayMin { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan ReconnectDelayMax { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public Action<string>? Log { get; init; }
}

/// <summary>A peer as the node sees it.</summary>
public sealed record PeerState(string Name, bool Connected, string? RemoteEndPoint, long FramesIn, long FramesOut, long BytesIn, long BytesOut, int Penalty, DateTimeOffset? BannedUntil);

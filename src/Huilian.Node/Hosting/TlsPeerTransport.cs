using System.Net;
using Huilian.Ledger;
using Huilian.Network;

namespace Huilian.Node.Hosting;

/// <summary>
/// The node's peers over TLS: the certificates genesis lists are the only ones accepted, the configuration says where
/// to listen and whom to dial. A thin adapter from <see cref="PeerNetwork"/> to <see cref="IPeerTransport"/>.
/// </summary>
public sealed class TlsPeerTransport : IPeerTransport
{
    private readonly PeerNetwork _network;

    private TlsPeerTransport(PeerNetwork network)
    {
        _network = network;
        _network.FrameReceived += (peer, frame) => FrameReceived?.Invoke(peer, frame);
        _network.PeerConnected += peer => PeerConnected?.Invoke(peer);
    }

    public event Action<string, byte[]>? FrameReceived;

    public event Action<string>? PeerConnected;

    /// <summary>Where connection events and refusals are logged; the host sets it once its logger exists.</summary>
    public Action<string>? Log { get; set; }

    public IPEndPoint LocalEndPoint => _network.LocalEndPoint;

    public static TlsPeerTransport Create(NodeConfig config, NetworkConfig network, ChainSetup setup)
    {
        var genesisNodes = setup.Genesis.Nodes;
        if (genesisNodes.Count == 0)
        {
            throw new NodeConfigException("The node has a network section but genesis lists no node certificates.");
        }
        var certificatePath = config.Resolve(network.Certificate);
        if (!File.Exists(certificatePath))
        {
            throw new NodeConfigException($"No node certificate at {certificatePath}.");
        }
        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
        try
        {
            certificate = NodeCertificates.LoadPkcs12(File.ReadAllBytes(certificatePath), config.ReadPassword());
        }
        catch (System.Security.Cryptography.CryptographicException exception)
        {
            throw new NodeConfigException($"Cannot open the node certificate {certificatePath} (wrong password?): {exception.Message}");
        }
        var allowed = genesisNodes.ToDictionary(n => n.Fingerprint(), n => n.Name, StringComparer.Ordinal);
        var own = NodeCertificates.Fingerprint(certificate);
        if (!allowed.TryGetValue(own, out var ownName) || ownName != config.Name)
        {
            throw new NodeConfigException($"The certificate in {certificatePath} is not the one genesis lists for node '{config.Name}'.");
        }
        var peers = new List<PeerAddress>();
        foreach (var peer in network.Peers)
        {
            var listed = genesisNodes.FirstOrDefault(n => n.Name == peer.Name)
                ?? throw new NodeConfigException($"Peer '{peer.Name}' in the configuration is not a node genesis lists.");
            if (peer.Port is < 1 or > 65535)
            {
                throw new NodeConfigException($"Peer '{peer.Name}' has port {peer.Port}; a port is 1 to 65535.");
            }
            peers.Add(new PeerAddress(peer.Name, peer.Host, peer.Port, listed.Fingerprint()));
        }
        if (!IPEndPoint.TryParse(network.Listen, out var listen))
        {
            throw new NodeConfigException($"network.listen '{network.Listen}' is not an address:port such as 127.0.0.1:26780.");
        }
        TlsPeerTransport? transport = null;
        var options = new NetworkOptions
        {
            NodeName = config.Name,
            Certificate = certificate,
            Listen = listen,
            Peers = peers,
            AllowedFingerprints = allowed,
            Log = message => transport?.Log?.Invoke(message),
        };
        transport = new TlsPeerTransport(new PeerNetwork(options));
        return transport;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _network.StartAsync(cancellationToken);

    public bool Send(string peer, byte[] frame) => _network.Send(peer, frame);

    public int Broadcast(byte[] frame) => _network.Broadcast(frame);

    public void Penalize(string peer, int points, string reason) => _network.Penalize(peer, points, reason);

    public IReadOnlyList<string> ConnectedPeers => _network.ConnectedPeers;

    public IReadOnlyList<PeerState> Describe() => _network.Peers;

    public ValueTask DisposeAsync() => _network.DisposeAsync();
}

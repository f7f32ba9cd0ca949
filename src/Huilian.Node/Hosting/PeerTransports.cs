using Huilian.Ledger;

namespace Huilian.Node.Hosting;

/// <summary>Chooses the transport a node's configuration asks for.</summary>
public static class PeerTransports
{
    public static IPeerTransport Create(NodeConfig config, ChainSetup setup)
    {
        if (config.Network is null)
        {
            return new NoPeerTransport();
        }
        return TlsPeerTransport.Create(config, config.Network, setup);
    }
}

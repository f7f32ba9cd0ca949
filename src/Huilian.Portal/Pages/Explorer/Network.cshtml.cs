using System.Text.Json;
using Huilian.Portal.Pages.Watch;

namespace Huilian.Portal.Pages.Explorer;

/// <summary>This node and its network: chain, height, last hash, consensus, mempool, and every peer genesis lists with its connection and last reported height.</summary>
[Anonymous]
public sealed class NetworkModel : PortalPageModel
{
    public JsonElement Status { get; private set; }

    public JsonElement Peers { get; private set; }

    public async Task OnGet(CancellationToken cancellationToken)
    {
        Status = await Api.GetPublic("/v1/status", cancellationToken);
        Peers = await Api.GetPublic("/v1/network/peers", cancellationToken);
    }
}

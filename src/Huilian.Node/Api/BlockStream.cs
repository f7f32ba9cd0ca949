using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Huilian.Ledger;
using Huilian.Node.Hosting;

namespace Huilian.Node.Api;

/// <summary>
/// Committed blocks as a server-sent event stream (<c>GET /v1/stream/blocks</c>): one event per block with its
/// height, hash, time and transaction ids and result codes. Subscribers that fall behind by more than
/// <see cref="SubscriberBufferBlocks"/> blocks are disconnected rather than slowing the node.
/// </summary>
public sealed class BlockStream
{
    public const int SubscriberBufferBlocks = 256;
    public const int SubscribersMax = 64;

    private readonly Lock _gate = new();
    private readonly List<Channel<string>> _subscribers = [];

    public BlockStream(NodeRuntime runtime)
    {
        runtime.Chain.Committed += Publish;
    }

    private void Publish(CommittedBlock block)
    {
        lock (_gate)
        {
            if (_subscribers.Count == 0)
            {
                return;
            }
        }
        var json = JsonSerializer.Serialize(new
        {
            height = block.Header.Height,
            hash = block.Hash.ToString(),
            timeMs = block.Header.TimeMs,
            transactions = block.Transactions.Select(t => t.Id.ToString()),
            codes = block.Receipts.Select(r => r.Code),
        });
        var message = $"event: block\nid: {block.Header.Height}\ndata: {json}\n\n";
        lock (_gate)
        {
            for (var i = _subscribers.Count - 1; i >= 0; i--)
            {
                if (!_subscribers[i].Writer.TryWrite(message))
                {
                    _subscribers[i].Writer.TryComplete();
                    _subscribers.RemoveAt(i);
                }
            }
        }
    }

    public async Task Serve(HttpContext http)
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(SubscriberBufferBlocks) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        lock (_gate)
        {
            if (_subscribers.Count >= SubscribersMax)
            {
                http.Response.StatusCode = 503;
                return;
            }
            _subscribers.Add(channel);
        }
        try
        {
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            await http.Response.WriteAsync(": connected\n\n", http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
            await foreach (var message in channel.Reader.ReadAllAsync(http.RequestAborted))
            {
                await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(message), http.RequestAborted);
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The subscriber went away.
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }
}

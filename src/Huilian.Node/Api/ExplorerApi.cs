using Huilian.Core.Ledger;
using Huilian.Node.Hosting;

namespace Huilian.Node.Api;

/// <summary>
/// Reads for the chain explorer that the block-by-block API lacks: a page of block headers, newest first, without their
/// transaction lists (a block may hold thousands). Public, like the blocks themselves.
/// </summary>
public static class ExplorerApi
{
    /// <summary>The most headers one page returns.</summary>
    public const int BlocksPageMax = 100;

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/explorer/blocks", Blocks).WithName("ExplorerBlocks")
            .WithSummary("Block headers newest first, one page at a time: ?before= (a height; default the newest + 1) &limit= (1 to 100, default 20): height, hash, time, transactions, proposer")
            .Produces(200).ProducesProblem(400);
    }

    private static IResult Blocks(NodeRuntime node, HttpContext http)
    {
        var query = http.Request.Query;
        var head = node.Chain.Head.Height;
        ulong before = head + 1;
        var limit = 20;
        if (query["before"].ToString() is { Length: > 0 } beforeText && !ulong.TryParse(beforeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out before))
        {
            return Problems.For("RequestMalformed", "'before' is a block height, a whole number.");
        }
        if (query["limit"].ToString() is { Length: > 0 } limitText &&
            (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > BlocksPageMax))
        {
            return Problems.For("RequestMalformed", $"'limit' is 1 to {BlocksPageMax}.");
        }
        var top = Math.Min(before, head + 1);
        var blocks = new List<object>(limit);
        for (var height = top; height > 1 && blocks.Count < limit; height--)
        {
            var block = node.Chain.GetBlock(height - 1);
            if (block is null)
            {
                continue;
            }
            var header = BlockHeader.Decode(block.Header);
            var validators = node.Chain.ValidatorsAt(block.Height);
            blocks.Add(new
            {
                height = header.Height,
                hash = block.Hash.ToString(),
                time = JsonViews.Time(header.TimeMs),
                timeMs = header.TimeMs,
                transactionCount = header.TransactionCount,
                proposerName = validators.IndexOf(header.Proposer) is var index and >= 0 ? validators.Validators[index].Name : null,
            });
        }
        return Results.Json(new { head, before = top, limit, blocks });
    }
}

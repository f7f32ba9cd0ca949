using Huilian.Core.Ledger;

namespace Huilian.Core.Tests.Ledger;

// The batch body is (u32 big-endian length ‖ transaction)*, in order, nothing else; an empty batch is empty.
public sealed class TransactionBatchTests
{
    [Fact]
    public void EachTransactionIsPrefixedByItsBigEndianLengthInOrder()
    {
        var body = TransactionBatch.Encode([[0xaa], [0x01, 0x02, 0x03], new byte[300]]);
        Assert.Equal(1 + 3 + 300 + 3 * 4, body.Length);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0xaa, 0, 0, 0, 3, 1, 2, 3, 0, 0, 1, 0x2c }, body[..16]);
        Assert.Empty(TransactionBatch.Encode([]));
    }
}

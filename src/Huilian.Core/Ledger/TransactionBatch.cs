namespace Huilian.Core.Ledger;

/// <summary>
/// The binary body of <c>POST /v1/transactions/batch</c>: (u32 big-endian length ‖ encoded transaction)*. Clients
/// (the CLI, the load generator) build it here; the node splits it with its own bounds and errors.
/// </summary>
public static class TransactionBatch
{
    public static byte[] Encode(IReadOnlyList<byte[]> transactions)
    {
        var body = new byte[transactions.Sum(t => checked(t.Length + 4))];
        var position = 0;
        foreach (var transaction in transactions)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(position), (uint)transaction.Length);
            transaction.CopyTo(body, position + 4);
            position += 4 + transaction.Length;
        }
        return body;
    }
}

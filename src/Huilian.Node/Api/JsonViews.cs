using System.Globalization;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Ledger;
using Huilian.Core.Merkle;
using Huilian.Ledger;
using Huilian.Storage;

namespace Huilian.Node.Api;

/// <summary>How ledger objects look in the REST API: hex for bytes, ISO 8601 UTC for times, JSON for payloads.</summary>
public static class JsonViews
{
    public static string Time(long timeMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(timeMs).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static object Transaction(Transaction transaction, Hash32 signerId) => new
    {
        id = transaction.Id.ToString(),
        chainId = transaction.ChainId,
        signer = Hex(transaction.Signer),
        signerId = signerId.ToString(),
        nonce = transaction.Nonce,
        expiryHeight = transaction.ExpiryHeight,
        module = transaction.Module,
        action = transaction.Action,
        payload = JsonOrHex(transaction.Payload),
        signature = Hex(transaction.Signature),
        size = transaction.Size,
    };

    public static object Receipt(Receipt receipt) => new
    {
        code = receipt.Code,
        message = receipt.Message,
        result = receipt.Result.Length == 0 ? null : JsonOrHex(receipt.Result),
        events = receipt.Events.Select(e => new
        {
            type = e.Type,
            attributes = e.Attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
        }),
    };

    public static object Header(BlockHeader header, Hash32 hash, ValidatorSet validators) => new
    {
        height = header.Height,
        hash = hash.ToString(),
        previousHash = header.PreviousHash.ToString(),
        time = Time(header.TimeMs),
        timeMs = header.TimeMs,
        transactionCount = header.TransactionCount,
        transactionRoot = header.TransactionRoot.ToString(),
        stateRoot = header.StateRoot.ToString(),
        receiptRoot = header.ReceiptRoot.ToString(),
        proposer = Hex(header.Proposer),
        proposerName = validators.IndexOf(header.Proposer) is var index and >= 0 ? validators.Validators[index].Name : null,
        validatorSetHash = header.ValidatorSetHash.ToString(),
    };

    public static object Commit(CommitCertificate commit, ValidatorSet validators) => new
    {
        height = commit.Height,
        round = commit.Round,
        blockHash = commit.BlockHash.ToString(),
        signatures = commit.Signatures.Select(s => new
        {
            validatorIndex = s.ValidatorIndex,
            validator = s.ValidatorIndex < validators.Count ? validators.Validators[(int)s.ValidatorIndex].Name : null,
            signature = Hex(s.Signature),
        }),
    };

    public static object Block(BlockRecord block, ValidatorSet validators, IReadOnlyList<TransactionRecord> transactions)
    {
        var header = BlockHeader.Decode(block.Header);
        return new
        {
            header = Header(header, block.Hash, validators),
            commit = Commit(CommitCertificate.Decode(block.Commit), validators),
            transactions = transactions.Select(t => new
            {
                id = t.Id.ToString(),
                index = t.Index,
                code = Core.Ledger.Receipt.Decode(t.Receipt).Code,
            }),
            encoded = new { header = Hex(block.Header), commit = Hex(block.Commit) },
        };
    }

    public static object MerkleProof(MerkleProof proof) => new
    {
        index = proof.Index,
        size = proof.Size,
        path = proof.Path.Select(p => p.ToString()),
    };

    /// <summary>The payload as JSON when it is JSON (it always is for the built-in modules), otherwise hex.</summary>
    public static object? JsonOrHex(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new { hex = Hex(bytes) };
        }
    }
}

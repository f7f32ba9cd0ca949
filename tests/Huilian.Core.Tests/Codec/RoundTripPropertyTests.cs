// Property tests with fixed seeds. Round trip: for random valid transactions (payloads up to 64 KiB, identifiers up
// to their limits), headers, receipts (unicode text), commit certificates, write sets and state proofs, decoding the
// encoding gives the same fields and re-encodes to the same bytes. Canonicality: for random mutations of valid
// encodings (a flipped byte, an inserted byte, a deleted byte, a truncation, an appended byte), the decoder either
// refuses with an EncodingException (never any other exception) or returns a value whose encoding is exactly the
// mutated input, so encode(decode(b)) == b for every b that decodes.

using Huilian.Core.Codec;
using Huilian.Core.Ledger;
using Huilian.Core.State;

namespace Huilian.Core.Tests.Codec;

public sealed class RoundTripPropertyTests
{
    private static byte[] ReEncode(Transaction transaction)
    {
        var writer = new CanonicalWriter();
        writer.WriteFixed(Transaction.EncodeBody(transaction.ChainId, transaction.Signer, transaction.Nonce, transaction.ExpiryHeight,
            transaction.Module, transaction.Action, transaction.Payload));
        writer.WriteBytes(transaction.Signature);
        return writer.ToArray();
    }

    private static byte[] RandomWriteSet(RandomValues values)
    {
        var keys = new SortedSet<byte[]>(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)));
        var count = values.Random.Next(30);
        while (keys.Count < count)
        {
            keys.Add(values.Bytes(values.Random.Next(1, 20)));
        }
        return WriteSetEncoding.Encode(keys.Select(k => new StateWrite(k, values.Random.Next(3) == 0 ? null : values.BytesUpTo(50))).ToArray());
    }

    private static StateProof RandomProof(RandomValues values)
    {
        var siblings = Enumerable.Range(0, values.Random.Next(40)).Select(_ => values.Hash()).ToArray();
        return values.Random.Next(3) switch
        {
            0 => new StateProof(values.Bytes(values.Random.Next(1, 257)), values.BytesUpTo(300), siblings, null, null),
            1 => new StateProof(values.Bytes(values.Random.Next(1, 257)), null, siblings, null, null),
            _ => new StateProof(values.Bytes(values.Random.Next(1, 257)), null, siblings, values.Hash(), values.Hash()),
        };
    }

    [Fact]
    public void RandomTransactionsRoundTrip()
    {
        var values = new RandomValues(2001);
        for (var i = 0; i < 300; i++)
        {
            var encoded = values.TransactionBytes();
            var transaction = Transaction.Decode(encoded, TestKeys.Sha256);
            Assert.Equal(encoded, transaction.EncodedArray);
            Assert.Equal(encoded, ReEncode(transaction));
            Assert.Equal(TestKeys.Sha256.Hash(transaction.SigningBytes()), transaction.Id);
        }
    }

    [Fact]
    public void RandomHeadersRoundTrip()
    {
        var values = new RandomValues(2002);
        for (var i = 0; i < 500; i++)
        {
            var header = values.Header();
            var encoded = header.Encode();
            var decoded = BlockHeader.Decode(encoded);
            Assert.Equal(header.ChainId, decoded.ChainId);
            Assert.Equal(header.Height, decoded.Height);
            Assert.Equal(header.PreviousHash, decoded.PreviousHash);
            Assert.Equal(header.TimeMs, decoded.TimeMs);
            Assert.Equal(header.TransactionCount, decoded.TransactionCount);
            Assert.Equal(header.TransactionRoot, decoded.TransactionRoot);
            Assert.Equal(header.StateRoot, decoded.StateRoot);
            Assert.Equal(header.ReceiptRoot, decoded.ReceiptRoot);
            Assert.Equal(header.Proposer, decoded.Proposer);
            Assert.Equal(header.ValidatorSetHash, decoded.ValidatorSetHash);
            Assert.Equal(encoded, decoded.Encode());
            Assert.Equal(header.ComputeHash(TestKeys.Sha256), decoded.ComputeHash(TestKeys.Sha256));
        }
    }

    [Fact]
    public void RandomReceiptsRoundTrip()
    {
        var values = new RandomValues(2003);
        for (var i = 0; i < 200; i++)
        {
            var receipt = values.Receipt();
            var encoded = receipt.Encode();
            var decoded = Receipt.Decode(encoded);
            Assert.Equal(receipt.TransactionId, decoded.TransactionId);
            Assert.Equal(receipt.Code, decoded.Code);
            Assert.Equal(receipt.Message, decoded.Message);
            Assert.Equal(receipt.Result, decoded.Result);
            Assert.Equal(receipt.Events.Count, decoded.Events.Count);
            for (var e = 0; e < receipt.Events.Count; e++)
            {
                Assert.Equal(receipt.Events[e].Type, decoded.Events[e].Type);
                Assert.Equal(receipt.Events[e].Attributes, decoded.Events[e].Attributes);
            }
            Assert.Equal(encoded, decoded.Encode());
        }
    }

    [Fact]
    public void RandomCommitsWriteSetsAndProofsRoundTrip()
    {
        var values = new RandomValues(2004);
        for (var i = 0; i < 300; i++)
        {
            var commit = values.Commit().Encode();
            Assert.Equal(commit, CommitCertificate.Decode(commit).Encode());
            var writes = RandomWriteSet(values);
            Assert.Equal(writes, WriteSetEncoding.Encode(WriteSetEncoding.Decode(writes)));
            var proof = RandomProof(values).Encode();
            Assert.Equal(proof, StateProof.Decode(proof).Encode());
        }
    }

    private static byte[] Mutate(RandomValues values, byte[] input)
    {
        var position = values.Random.Next(input.Length);
        return values.Random.Next(5) switch
        {
            0 => FlipByte(values, input, position),
            1 => [.. input[..position], (byte)values.Random.Next(256), .. input[position..]],
            2 => [.. input[..position], .. input[(position + 1)..]],
            3 => input[..position],
            _ => [.. input, (byte)values.Random.Next(256)],
        };
    }

    private static byte[] FlipByte(RandomValues values, byte[] input, int position)
    {
        var copy = (byte[])input.Clone();
        copy[position] ^= (byte)values.Random.Next(1, 256);
        return copy;
    }

    private static void AssertCanonicalOrRefused(byte[] input, Func<byte[], byte[]> decodeThenEncode, ref int accepted)
    {
        byte[] output;
        try
        {
            output = decodeThenEncode(input);
        }
        catch (EncodingException)
        {
            return;
        }
        accepted++;
        Assert.Equal(input, output);
    }

    [Fact]
    public void MutatedEncodingsAreRefusedOrCanonical()
    {
        var values = new RandomValues(2005);
        int accepted = 0, total = 0;
        for (var i = 0; i < 400; i++)
        {
            var cases = new (byte[] Bytes, Func<byte[], byte[]> RoundTrip)[]
            {
                (values.TransactionBytes(), b => ReEncode(Transaction.Decode(b, TestKeys.Sha256))),
                (values.Header().Encode(), b => BlockHeader.Decode(b).Encode()),
                (values.Receipt().Encode(), b => Receipt.Decode(b).Encode()),
                (values.Commit().Encode(), b => CommitCertificate.Decode(b).Encode()),
                (RandomWriteSet(values), b => WriteSetEncoding.Encode(WriteSetEncoding.Decode(b))),
                (RandomProof(values).Encode(), b => StateProof.Decode(b).Encode()),
            };
            foreach (var (bytes, roundTrip) in cases)
            {
                for (var m = 0; m < 3; m++)
                {
                    total++;
                    AssertCanonicalOrRefused(Mutate(values, bytes), roundTrip, ref accepted);
                }
            }
        }
        // Flips inside hashes and payloads keep the input valid, so both outcomes occur.
        Assert.InRange(accepted, 1, total - 1);
    }
}

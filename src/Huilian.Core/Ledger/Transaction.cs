using Huilian.Core.Crypto;
using Huilian.Core.Codec;

namespace Huilian.Core.Ledger;

/// <summary>
/// A signed request to run one module action. Its id is the hash of its signing bytes (domain ‖ body), so the
/// id does not depend on the signature; the block's transaction root commits to the full encoding, signature
/// included. Immutable; holds its own canonical encoding.
/// </summary>
public sealed class Transaction
{
    public const byte FormatVersion = 1;

    private static readonly byte[] SigningDomain = HashFunctionExtensions.DomainPrefix(HashDomain.Transaction);

    private readonly byte[] _encoded;
    private readonly int _bodyLength;

    private Transaction(byte[] encoded, int bodyLength, string chainId, byte[] signer, ulong nonce, ulong expiryHeight,
        string module, string action, byte[] payload, byte[] signature, Hash32 id)
    {
        _encoded = encoded;
        _bodyLength = bodyLength;
        ChainId = chainId;
        Signer = signer;
        Nonce = nonce;
        ExpiryHeight = expiryHeight;
        Module = module;
        Action = action;
        Payload = payload;
        Signature = signature;
        Id = id;
    }

    public string ChainId { get; }

    /// <summary>The signer's public key (SEC1 uncompressed).</summary>
    public byte[] Signer { get; }

    /// <summary>The signer's sequence number: exactly one more than its last committed transaction's.</summary>
    public ulong Nonce { get; }

    /// <summary>The last height at which this transaction may be committed.</summary>
    public ulong ExpiryHeight { get; }

    public string Module { get; }

    public string Action { get; }

    public byte[] Payload { get; }

    public byte[] Signature { get; }

    public Hash32 Id { get; }

    public ReadOnlySpan<byte> Encoded => _encoded;

    public byte[] EncodedArray => _encoded;

    public int Size => _encoded.Length;

    public ReadOnlySpan<byte> Body => _encoded.AsSpan(0, _bodyLength);

    /// <summary>The bytes the signer signs: the transaction domain, then the body.</summary>
    public byte[] SigningBytes() => ComposeSigningBytes(Body);

    public bool VerifySignature(ISignatureScheme scheme) => scheme.Verify(Signer, SigningBytes(), Signature);

    public static Transaction Create(IHashFunction hash, ISigningKey key, string chainId, ulong nonce, ulong expiryHeight,
        string module, string action, ReadOnlySpan<byte> payload)
    {
        var body = EncodeBody(chainId, key.PublicKey, nonce, expiryHeight, module, action, payload);
        var signature = key.Sign(ComposeSigningBytes(body));
        var writer = new CanonicalWriter(body.Length + signature.Length + 4);
        writer.WriteFixed(body);
        writer.WriteBytes(signature);
        return Decode(writer.WrittenSpan, hash);
    }

    /// <summary>The unsigned body, for callers that sign elsewhere (an HSM, another process).</summary>
    public static byte[] EncodeBody(string chainId, ReadOnlySpan<byte> signer, ulong nonce, ulong expiryHeight,
        string module, string action, ReadOnlySpan<byte> payload)
    {
        var writer = new CanonicalWriter(payload.Length + 200);
        writer.WriteU8(FormatVersion);
        writer.WriteString(chainId);
        writer.WriteBytes(signer);
        writer.WriteU64(nonce);
        writer.WriteU64(expiryHeight);
        writer.WriteString(module);
        writer.WriteString(action);
        writer.WriteBytes(payload);
        var body = writer.ToArray();
        ValidateBody(body);
        return body;
    }

    public static byte[] ComposeSigningBytes(ReadOnlySpan<byte> body)
    {
        var bytes = new byte[SigningDomain.Length + body.Length];
        SigningDomain.CopyTo(bytes, 0);
        body.CopyTo(bytes.AsSpan(SigningDomain.Length));
        return bytes;
    }

    public static Transaction Decode(ReadOnlySpan<byte> encoded, IHashFunction hash)
    {
        if (encoded.Length > Limits.TransactionBytesMax)
        {
            throw new EncodingException(EncodingErrors.LengthExceedsLimit, $"A transaction is at most {Limits.TransactionBytesMax} bytes; this one is {encoded.Length}.");
        }
        var reader = new CanonicalReader(encoded);
        var version = reader.ReadU8();
        if (version != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, $"Transaction format {version} is not supported; expected {FormatVersion}.");
        }
        var chainId = reader.ReadIdentifier("chainId", Limits.ChainIdLengthMax);
        var signer = reader.ReadBytesArray(Limits.PublicKeyLengthMax, "signer");
        var nonce = reader.ReadU64();
        var expiryHeight = reader.ReadU64();
        var module = reader.ReadIdentifier("module");
        var action = reader.ReadIdentifier("action");
        var payload = reader.ReadBytesArray(Limits.PayloadBytesMax, "payload");
        var bodyLength = reader.Position;
        var signature = reader.ReadBytesArray(Limits.SignatureLengthMax, "signature");
        reader.End();

        var copy = encoded.ToArray();
        var id = hash.Hash(ComposeSigningBytes(copy.AsSpan(0, bodyLength)));
        return new Transaction(copy, bodyLength, chainId, signer, nonce, expiryHeight, module, action, payload, signature, id);
    }

    /// <summary>
    /// The id of an encoded transaction, checking its structure but without materialising its fields: for checking a
    /// stored chain, where millions of ids are recomputed.
    /// </summary>
    public static Hash32 ComputeId(ReadOnlySpan<byte> encoded, IHashFunction hash)
    {
        if (encoded.Length > Limits.TransactionBytesMax)
        {
            throw new EncodingException(EncodingErrors.LengthExceedsLimit, "The transaction is above the size limit.");
        }
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown transaction format.");
        }
        _ = reader.ReadBytes(Limits.ChainIdLengthMax, "chainId");
        _ = reader.ReadBytes(Limits.PublicKeyLengthMax, "signer");
        _ = reader.ReadU64();
        _ = reader.ReadU64();
        _ = reader.ReadBytes(Limits.IdentifierLengthMax, "module");
        _ = reader.ReadBytes(Limits.IdentifierLengthMax, "action");
        _ = reader.ReadBytes(Limits.PayloadBytesMax, "payload");
        var bodyLength = reader.Position;
        _ = reader.ReadBytes(Limits.SignatureLengthMax, "signature");
        reader.End();
        var length = SigningDomain.Length + bodyLength;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            SigningDomain.CopyTo(buffer, 0);
            encoded[..bodyLength].CopyTo(buffer.AsSpan(SigningDomain.Length));
            return hash.Hash(buffer.AsSpan(0, length));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ValidateBody(ReadOnlySpan<byte> body)
    {
        // Decoding the body with an empty signature appended checks every field against its bound.
        var reader = new CanonicalReader(body);
        _ = reader.ReadU8();
        _ = reader.ReadIdentifier("chainId", Limits.ChainIdLengthMax);
        _ = reader.ReadBytes(Limits.PublicKeyLengthMax, "signer");
        _ = reader.ReadU64();
        _ = reader.ReadU64();
        _ = reader.ReadIdentifier("module");
        _ = reader.ReadIdentifier("action");
        _ = reader.ReadBytes(Limits.PayloadBytesMax, "payload");
        reader.End();
    }
}

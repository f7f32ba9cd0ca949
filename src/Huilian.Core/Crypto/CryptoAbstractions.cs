namespace Huilian.Core.Crypto;

/// <summary>A 256-bit hash function: SHA-256 (intl) or SM3 (gm).</summary>
public interface IHashFunction
{
    string Name { get; }

    Hash32 Hash(ReadOnlySpan<byte> data);
}

/// <summary>
/// A signature scheme over a fixed curve. Public keys are SEC1 uncompressed points (65 bytes: 0x04 ‖ X ‖ Y) and
/// signatures are r ‖ s (64 bytes), in both suites. Verification never throws on malformed input; it returns false.
/// </summary>
public interface ISignatureScheme
{
    string Name { get; }

    int PublicKeyLength { get; }

    int SignatureLength { get; }

    bool IsValidPublicKey(ReadOnlySpan<byte> publicKey);

    bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature);
}

/// <summary>A private key able to sign. Lives in the crypto project; core and execution only verify.</summary>
public interface ISigningKey : IDisposable
{
    byte[] PublicKey { get; }

    byte[] Sign(ReadOnlySpan<byte> message);

    /// <summary>The 32-byte private scalar, big-endian. Only the keystore calls this, to encrypt it.</summary>
    byte[] ExportPrivateKey();
}

/// <summary>Authenticated encryption with associated data: AES-256-GCM (intl) or SM4-GCM (gm).</summary>
public interface IAead
{
    string Name { get; }

    int KeyLength { get; }

    int NonceLength { get; }

    int TagLength { get; }

    /// <summary>Returns ciphertext ‖ tag.</summary>
    byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData);

    /// <summary>Returns the plaintext, or null when the tag does not verify.</summary>
    byte[]? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertextAndTag, ReadOnlySpan<byte> associatedData);
}

/// <summary>The hash, signature and AEAD a chain uses, fixed in its genesis.</summary>
public interface ICryptoSuite
{
    /// <summary>"intl" or "gm".</summary>
    string Name { get; }

    IHashFunction Hash { get; }

    ISignatureScheme Signatures { get; }

    IAead Aead { get; }

    /// <summary>X.509 certificates of this suite (membership identities).</summary>
    ICertificateVerifier Certificates { get; }
}

public static class HashFunctionExtensions
{
    /// <summary>H(tag ‖ data) without allocating when the input is small.</summary>
    public static Hash32 HashTagged(this IHashFunction hash, byte tag, ReadOnlySpan<byte> data)
    {
        var length = checked(1 + data.Length);
        var buffer = length <= 512 ? stackalloc byte[length] : new byte[length];
        buffer[0] = tag;
        data.CopyTo(buffer[1..]);
        return hash.Hash(buffer);
    }

    /// <summary>H(tag ‖ left ‖ right): an inner node of a Merkle tree.</summary>
    public static Hash32 HashNode(this IHashFunction hash, byte tag, in Hash32 left, in Hash32 right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Hash32.Length)];
        buffer[0] = tag;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Hash32.Length)..]);
        return hash.Hash(buffer);
    }

    /// <summary>H(domain ‖ 0x00 ‖ data) for objects named by a text domain (headers, votes, genesis).</summary>
    public static Hash32 HashDomain(this IHashFunction hash, string domain, ReadOnlySpan<byte> data)
    {
        var prefix = DomainPrefix(domain);
        var buffer = new byte[checked(prefix.Length + data.Length)];
        prefix.CopyTo(buffer, 0);
        data.CopyTo(buffer.AsSpan(prefix.Length));
        return hash.Hash(buffer);
    }

    public static byte[] DomainPrefix(string domain)
    {
        var bytes = new byte[domain.Length + 1];
        for (var i = 0; i < domain.Length; i++)
        {
            bytes[i] = checked((byte)domain[i]);
        }
        return bytes;
    }
}

/// <summary>Domain-separation tags: no two kinds of hashed object can ever share a preimage.</summary>
public static class HashDomain
{
    public const byte MerkleLeaf = 0x00;
    public const byte MerkleNode = 0x01;
    public const byte StateKey = 0x10;
    public const byte StateValue = 0x11;
    public const byte StateLeaf = 0x12;
    public const byte StateNode = 0x13;

    public const string Transaction = "huilian/tx/v1";
    public const string Header = "huilian/header/v1";
    public const string Vote = "huilian/vote/v1";
    public const string ValidatorSet = "huilian/validators/v1";
    public const string Genesis = "huilian/genesis/v1";
}

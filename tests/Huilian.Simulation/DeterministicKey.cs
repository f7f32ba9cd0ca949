using System.Security.Cryptography;
using Huilian.Core.Crypto;
using Huilian.Crypto;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Huilian.Simulation;

/// <summary>
/// A P-256 key derived from the seed that signs deterministically (RFC 6979 nonces, low-S), so that a simulation
/// replays byte for byte. Its signatures are ordinary ECDSA: the node's real verifier checks them.
/// </summary>
public sealed class DeterministicKey : ISigningKey
{
    private static readonly ECDomainParameters Domain;
    private static readonly BigInteger HalfOrder;

    static DeterministicKey()
    {
        var curve = NistNamedCurves.GetByName("P-256");
        Domain = new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H);
        HalfOrder = curve.N.ShiftRight(1);
    }

    private readonly ECPrivateKeyParameters _private;

    public DeterministicKey(string seedText)
    {
        var scalar = new BigInteger(1, SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seedText))).Mod(Domain.N.Subtract(BigInteger.One)).Add(BigInteger.One);
        _private = new ECPrivateKeyParameters(scalar, Domain);
        PublicKey = Domain.G.Multiply(scalar).Normalize().GetEncoded(false);
    }

    public byte[] PublicKey { get; }

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
        signer.Init(true, _private);
        var components = signer.GenerateSignature(SHA256.HashData(message));
        var r = components[0];
        var s = components[1];
        if (s.CompareTo(HalfOrder) > 0)
        {
            s = Domain.N.Subtract(s);
        }
        var signature = new byte[64];
        var rBytes = r.ToByteArrayUnsigned();
        var sBytes = s.ToByteArrayUnsigned();
        rBytes.CopyTo(signature, 32 - rBytes.Length);
        sBytes.CopyTo(signature, 64 - sBytes.Length);
        return signature;
    }

    public byte[] ExportPrivateKey()
    {
        var bytes = new byte[32];
        var d = _private.D.ToByteArrayUnsigned();
        d.CopyTo(bytes, 32 - d.Length);
        return bytes;
    }

    public void Dispose()
    {
    }

    /// <summary>True when the real verifier accepts this key's signatures (checked once per run).</summary>
    public bool VerifiesWithTheNodeVerifier() =>
        IntlSuite.Instance.Signatures.Verify(PublicKey, "check"u8, Sign("check"u8));
}

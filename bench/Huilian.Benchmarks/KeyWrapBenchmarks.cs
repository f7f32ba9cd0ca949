using BenchmarkDotNet.Attributes;
using Huilian.Crypto;

namespace Huilian.Benchmarks;

/// <summary>
/// Envelope key wrapping of a confidential section's data key for one recipient (src/Huilian.Crypto/KeyWrap.cs):
/// intl is ephemeral P-256 ECDH + HKDF-SHA256 + AES-256-GCM, gm is SM2 public-key encryption (BouncyCastle).
/// A section shared with n organisations costs n wraps to seal and one unwrap per reader.
/// </summary>
[MemoryDiagnoser]
public class KeyWrapBenchmarks
{
    private byte[] _recipientPublicKey = null!;
    private byte[] _recipientPrivateKey = null!;
    private byte[] _dataKey = null!;
    private byte[] _context = null!;
    private byte[] _wrapped = null!;

    [Params("intl", "gm")]
    public string Suite { get; set; } = "intl";

    [GlobalSetup]
    public void Setup()
    {
        using var recipient = CryptoSuites.GenerateKey(Suite);
        _recipientPublicKey = recipient.PublicKey;
        _recipientPrivateKey = recipient.ExportPrivateKey();
        _dataKey = KeyWrap.NewDataKey(Suite);
        _context = "huilian/bench/section-0001"u8.ToArray();
        _wrapped = KeyWrap.Wrap(Suite, _recipientPublicKey, _dataKey, _context);
        if (KeyWrap.Unwrap(Suite, _recipientPrivateKey, _wrapped, _context) is not { } unwrapped || !unwrapped.AsSpan().SequenceEqual(_dataKey))
        {
            throw new InvalidOperationException("The set-up key does not unwrap.");
        }
    }

    [Benchmark]
    public byte[] Wrap() => KeyWrap.Wrap(Suite, _recipientPublicKey, _dataKey, _context);

    [Benchmark]
    public byte[]? Unwrap() => KeyWrap.Unwrap(Suite, _recipientPrivateKey, _wrapped, _context);
}

using BenchmarkDotNet.Attributes;
using Huilian.Core.Crypto;
using Huilian.Crypto;

namespace Huilian.Benchmarks;

/// <summary>
/// Reading and checking a member's X.509 certificate issued by an organisation's CA (CertificateAuthority), with
/// the suite's verifier (X509CertificateVerifier). <see cref="TryParse"/> is the strict DER parse into
/// <see cref="CertificateFacts"/>; <see cref="IsSignedBy"/> parses again and verifies the CA's signature
/// (ECDSA P-256 via .NET, or SM2 via BouncyCastle).
/// </summary>
[MemoryDiagnoser]
public class CertificateVerificationBenchmarks
{
    private ICertificateVerifier _verifier = null!;
    private byte[] _certificate = null!;
    private byte[] _caPublicKey = null!;

    [Params("intl", "gm")]
    public string Suite { get; set; } = "intl";

    [GlobalSetup]
    public void Setup()
    {
        _verifier = CryptoSuites.Get(Suite).Certificates;
        var notBefore = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var notAfter = notBefore.AddYears(10);
        using var caKey = CryptoSuites.GenerateKey(Suite);
        using var userKey = CryptoSuites.GenerateKey(Suite);
        var caCertificate = CertificateAuthority.CreateRoot(Suite, caKey, "Bench Org CA", "bench-org", notBefore, notAfter);
        _certificate = CertificateAuthority.Issue(Suite, caKey, caCertificate, userKey.PublicKey, "alice", "bench-org", notBefore, notAfter);
        _caPublicKey = caKey.PublicKey;
        if (_verifier.TryParse(_certificate, out var error) is null || !_verifier.IsSignedBy(_certificate, _caPublicKey))
        {
            throw new InvalidOperationException($"The set-up certificate does not verify: {error}");
        }
    }

    [Benchmark]
    public CertificateFacts? TryParse() => _verifier.TryParse(_certificate, out _);

    [Benchmark]
    public bool IsSignedBy() => _verifier.IsSignedBy(_certificate, _caPublicKey);
}

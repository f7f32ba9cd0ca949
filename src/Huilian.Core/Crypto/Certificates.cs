namespace Huilian.Core.Crypto;

/// <summary>
/// The facts of an X.509 certificate that membership rules need. Parsed by the suite's
/// <see cref="ICertificateVerifier"/>; execution reads only these fields, so the rules never depend on a
/// platform's certificate store, clock or revocation lists.
/// </summary>
public sealed record CertificateFacts(
    byte[] Der,
    string SubjectCommonName,
    string SubjectOrganisation,
    string IssuerCommonName,
    string IssuerOrganisation,
    byte[] SubjectPublicKey,
    long NotBeforeMs,
    long NotAfterMs,
    string SerialNumberHex,
    bool IsCertificateAuthority);

/// <summary>
/// Reads and checks X.509 certificates of one suite: ECDSA P-256 with SHA-256 (intl) or SM2 with SM3 (gm).
/// Deterministic and free of I/O: the same bytes give the same answer on every node.
/// </summary>
public interface ICertificateVerifier
{
    /// <summary>
    /// Parses a DER certificate whose subject key and signature belong to this suite. Never throws on malformed
    /// input: returns null and a sentence saying what is wrong.
    /// </summary>
    CertificateFacts? TryParse(ReadOnlySpan<byte> der, out string error);

    /// <summary>Whether the certificate's signature verifies under <paramref name="issuerPublicKey"/> (SEC1 uncompressed).</summary>
    bool IsSignedBy(ReadOnlySpan<byte> der, ReadOnlySpan<byte> issuerPublicKey);
}

/// <summary>
/// What a user signs to sign in to a node's API: "huilian/auth/v1" ‖ 00 ‖ chain id ‖ 00 ‖ the node's challenge. The
/// domain keeps it from ever being a transaction, vote or header signature.
/// </summary>
public static class SignIn
{
    public const string Domain = "huilian/auth/v1";

    public static byte[] Message(string chainId, string challenge) =>
        System.Text.Encoding.ASCII.GetBytes(Domain + "\0" + chainId + "\0" + challenge);
}

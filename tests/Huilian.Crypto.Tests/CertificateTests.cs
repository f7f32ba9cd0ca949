// X509CertificateVerifier (both suites) and CertificateAuthority.
// Round-trip:  a root and an end-entity certificate (with and without OU), and an intermediate CA with a leaf under
//              it, in both suites: TryParse gives exactly the issued facts, IsSignedBy accepts the issuer's key and
//              refuses any other; a gm signature verifies through Sm2Sm3 on the TBS bytes and through BouncyCastle's
//              own SM3withSM2 verifier; dates past 2049 (GeneralizedTime) and before 2000 round-trip; PEM and bare
//              base64 round-trip.
// Interop:     intl certificates load in .NET's X509Certificate2 and chain under a custom root with X509Chain;
//              .NET CertificateRequest-made P-256 certificates (self-signed, and signed by our CA key) parse and
//              verify with the intl verifier.
// Invalid:     a certificate from another CA; an intl certificate to the gm verifier and the reverse; P-384, RSA
//              and two-CN certificates from .NET; empty, oversized, garbage, PEM-as-DER, BER (indefinite length),
//              trailing bytes, 5,000-deep nesting; every 37th truncation and 2,000 random byte changes of a valid
//              certificate: null and a sentence, never an exception, and IsSignedBy false for whatever still parses.
// Extremes:    Issue refuses a CA key that is not the CA certificate's, a CA certificate without cA, a key of the
//              other suite, notAfter not after notBefore, and an empty or too long CN.

using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Huilian.Core.Crypto;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Huilian.Crypto.Tests;

public sealed class CertificateTests
{
    private static readonly DateTimeOffset NotBefore = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NotAfter = new(2035, 1, 1, 12, 30, 15, TimeSpan.Zero);

    public static TheoryData<string> Suites() => ["intl", "gm"];

    private static ICertificateVerifier Verifier(string suite) => CryptoSuites.Get(suite).Certificates;

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_root_and_an_issued_certificate_round_trip(string suite)
    {
        using var caKey = CryptoSuites.GenerateKey(suite);
        using var memberKey = CryptoSuites.GenerateKey(suite);
        using var otherKey = CryptoSuites.GenerateKey(suite);
        var verifier = Verifier(suite);

        var root = CertificateAuthority.CreateRoot(suite, caKey, "Huilian Root CA", "Huilian Consortium", NotBefore, NotAfter);
        var leaf = CertificateAuthority.Issue(suite, caKey, root, memberKey.PublicKey, "node-1.bank-a", "Bank A", NotBefore, NotAfter.AddYears(-5));
        var withUnit = CertificateAuthority.Issue(suite, caKey, root, memberKey.PublicKey, "alice", "Bank A", NotBefore, NotAfter, organisationalUnit: "Treasury");

        var rootFacts = verifier.TryParse(root, out var error);
        Assert.NotNull(rootFacts);
        Assert.Equal(string.Empty, error);
        Assert.Equal(root, rootFacts.Der);
        Assert.Equal(("Huilian Root CA", "Huilian Consortium"), (rootFacts.SubjectCommonName, rootFacts.SubjectOrganisation));
        Assert.Equal(("Huilian Root CA", "Huilian Consortium"), (rootFacts.IssuerCommonName, rootFacts.IssuerOrganisation));
        Assert.Equal(caKey.PublicKey, rootFacts.SubjectPublicKey);
        Assert.Equal(NotBefore.ToUnixTimeMilliseconds(), rootFacts.NotBeforeMs);
        Assert.Equal(NotAfter.ToUnixTimeMilliseconds(), rootFacts.NotAfterMs);
        Assert.True(rootFacts.IsCertificateAuthority);
        Assert.True(verifier.IsSignedBy(root, caKey.PublicKey));
        Assert.False(verifier.IsSignedBy(root, memberKey.PublicKey));

        var leafFacts = verifier.TryParse(leaf, out error);
        Assert.NotNull(leafFacts);
        Assert.Equal(("node-1.bank-a", "Bank A"), (leafFacts.SubjectCommonName, leafFacts.SubjectOrganisation));
        Assert.Equal(("Huilian Root CA", "Huilian Consortium"), (leafFacts.IssuerCommonName, leafFacts.IssuerOrganisation));
        Assert.Equal(memberKey.PublicKey, leafFacts.SubjectPublicKey);
        Assert.Equal(NotAfter.AddYears(-5).ToUnixTimeMilliseconds(), leafFacts.NotAfterMs);
        Assert.False(leafFacts.IsCertificateAuthority);
        Assert.Matches("^[1-9a-f][0-9a-f]{0,31}$", leafFacts.SerialNumberHex);
        Assert.NotEqual(rootFacts.SerialNumberHex, leafFacts.SerialNumberHex);
        Assert.True(verifier.IsSignedBy(leaf, caKey.PublicKey));
        Assert.False(verifier.IsSignedBy(leaf, memberKey.PublicKey));
        Assert.False(verifier.IsSignedBy(leaf, otherKey.PublicKey));
        Assert.False(verifier.IsSignedBy(leaf, []));
        Assert.False(verifier.IsSignedBy(leaf, new byte[65]));

        var unitFacts = verifier.TryParse(withUnit, out _);
        Assert.NotNull(unitFacts);
        Assert.Equal(("alice", "Bank A"), (unitFacts.SubjectCommonName, unitFacts.SubjectOrganisation));
        Assert.Contains(new DerObjectIdentifier("2.5.4.11"), Structure(withUnit).Subject.GetOidList().Cast<DerObjectIdentifier>());
        Assert.True(verifier.IsSignedBy(withUnit, caKey.PublicKey));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void An_intermediate_ca_issues_certificates_that_verify_only_under_its_key(string suite)
    {
        using var rootKey = CryptoSuites.GenerateKey(suite);
        using var intermediateKey = CryptoSuites.GenerateKey(suite);
        using var memberKey = CryptoSuites.GenerateKey(suite);
        var verifier = Verifier(suite);
        var root = CertificateAuthority.CreateRoot(suite, rootKey, "Root", "Consortium", NotBefore, NotAfter);
        var intermediate = CertificateAuthority.Issue(suite, rootKey, root, intermediateKey.PublicKey, "Bank A CA", "Bank A", NotBefore, NotAfter, isCertificateAuthority: true);
        var leaf = CertificateAuthority.Issue(suite, intermediateKey, intermediate, memberKey.PublicKey, "teller", "Bank A", NotBefore, NotAfter);

        Assert.True(verifier.TryParse(intermediate, out _)!.IsCertificateAuthority);
        Assert.True(verifier.IsSignedBy(intermediate, rootKey.PublicKey));
        var leafFacts = verifier.TryParse(leaf, out _);
        Assert.NotNull(leafFacts);
        Assert.Equal(("Bank A CA", "Bank A"), (leafFacts.IssuerCommonName, leafFacts.IssuerOrganisation));
        Assert.True(verifier.IsSignedBy(leaf, intermediateKey.PublicKey));
        Assert.False(verifier.IsSignedBy(leaf, rootKey.PublicKey));

        // The leaf's authority key identifier is the intermediate's subject key identifier.
        var authority = AuthorityKeyIdentifier.FromExtensions(Structure(leaf).TbsCertificate.Extensions);
        var subject = SubjectKeyIdentifier.FromExtensions(Structure(intermediate).TbsCertificate.Extensions);
        Assert.Equal(subject.GetKeyIdentifier(), authority.GetKeyIdentifier());
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_certificate_from_another_ca_does_not_verify(string suite)
    {
        using var caA = CryptoSuites.GenerateKey(suite);
        using var caB = CryptoSuites.GenerateKey(suite);
        using var memberKey = CryptoSuites.GenerateKey(suite);
        var rootA = CertificateAuthority.CreateRoot(suite, caA, "Same Name CA", "Consortium", NotBefore, NotAfter);
        var rootB = CertificateAuthority.CreateRoot(suite, caB, "Same Name CA", "Consortium", NotBefore, NotAfter);
        var fromB = CertificateAuthority.Issue(suite, caB, rootB, memberKey.PublicKey, "member", "Bank", NotBefore, NotAfter);

        Assert.True(Verifier(suite).IsSignedBy(fromB, caB.PublicKey));
        Assert.False(Verifier(suite).IsSignedBy(fromB, caA.PublicKey));
        Assert.False(Verifier(suite).IsSignedBy(rootB, caA.PublicKey));
        Assert.False(Verifier(suite).IsSignedBy(rootA, caB.PublicKey));
    }

    [Fact]
    public void A_gm_certificate_signature_is_sm2_with_the_default_user_id_over_the_tbs_bytes()
    {
        using var caKey = Sm2Sm3.Generate();
        var root = CertificateAuthority.CreateRoot("gm", caKey, "GM Root", "Consortium", NotBefore, NotAfter);
        var structure = Structure(root);
        var tbs = structure.TbsCertificate.GetDerEncoded();
        var signatureDer = structure.GetSignatureOctets();
        var sequence = (Asn1Sequence)Asn1Object.FromByteArray(signatureDer);
        var rs = new byte[64];
        var r = ((DerInteger)sequence[0]).Value.ToByteArrayUnsigned();
        var s = ((DerInteger)sequence[1]).Value.ToByteArrayUnsigned();
        r.CopyTo(rs, 32 - r.Length);
        s.CopyTo(rs, 64 - s.Length);

        Assert.Equal("1.2.156.10197.1.501", structure.SignatureAlgorithm.Algorithm.Id);
        Assert.True(GmSuite.Instance.Signatures.Verify(caKey.PublicKey, tbs, rs));
        // BouncyCastle's own SM3withSM2 verifier (DER signature, user ID 1234567812345678) agrees.
        var signer = SignerUtilities.GetSigner("SM3WITHSM2");
        signer.Init(false, new ECPublicKeyParameters(Sm2Sm3.Domain.Curve.DecodePoint(caKey.PublicKey), Sm2Sm3.Domain));
        signer.BlockUpdate(tbs, 0, tbs.Length);
        Assert.True(signer.VerifySignature(signatureDer));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Dates_before_2000_and_after_2049_round_trip(string suite)
    {
        using var caKey = CryptoSuites.GenerateKey(suite);
        var notBefore = new DateTimeOffset(1999, 12, 31, 23, 59, 59, TimeSpan.Zero);
        var notAfter = new DateTimeOffset(2070, 6, 1, 0, 0, 1, TimeSpan.Zero);
        var root = CertificateAuthority.CreateRoot(suite, caKey, "Long Root", "", notBefore, notAfter);

        var facts = Verifier(suite).TryParse(root, out _);
        Assert.NotNull(facts);
        Assert.Equal(notBefore.ToUnixTimeMilliseconds(), facts.NotBeforeMs);
        Assert.Equal(notAfter.ToUnixTimeMilliseconds(), facts.NotAfterMs);
        Assert.Equal(string.Empty, facts.SubjectOrganisation);
        Assert.True(Verifier(suite).IsSignedBy(root, caKey.PublicKey));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Pem_and_bare_base64_round_trip(string suite)
    {
        using var caKey = CryptoSuites.GenerateKey(suite);
        var root = CertificateAuthority.CreateRoot(suite, caKey, "PEM Root", "Consortium", NotBefore, NotAfter);

        var pem = CertificateAuthority.ToPem(root);

        Assert.StartsWith("-----BEGIN CERTIFICATE-----\n", pem, StringComparison.Ordinal);
        Assert.EndsWith("\n-----END CERTIFICATE-----\n", pem, StringComparison.Ordinal);
        Assert.All(pem.Split('\n'), line => Assert.True(line.Length <= 64));
        Assert.Equal(root, CertificateAuthority.FromPem(pem));
        Assert.Equal(root, CertificateAuthority.FromPem("subject=CN=PEM Root\r\n" + pem.Replace("\n", "\r\n", StringComparison.Ordinal)));
        Assert.Equal(root, CertificateAuthority.FromPem(Convert.ToBase64String(root)));
        Assert.Equal(root, CertificateAuthority.FromPem(Convert.ToBase64String(root, Base64FormattingOptions.InsertLineBreaks)));
        Assert.Throws<FormatException>(() => CertificateAuthority.FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
        Assert.Throws<FormatException>(() => CertificateAuthority.FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n"));
        Assert.Throws<FormatException>(() => CertificateAuthority.FromPem("not base64!"));
        Assert.Throws<FormatException>(() => CertificateAuthority.FromPem(""));
    }

    [Fact]
    public void A_certificate_of_one_suite_is_refused_by_the_other()
    {
        using var intlKey = EcdsaP256.Generate();
        using var gmKey = Sm2Sm3.Generate();
        var intl = CertificateAuthority.CreateRoot("intl", intlKey, "Intl Root", "Consortium", NotBefore, NotAfter);
        var gm = CertificateAuthority.CreateRoot("gm", gmKey, "GM Root", "Consortium", NotBefore, NotAfter);

        Assert.Null(GmSuite.Instance.Certificates.TryParse(intl, out var error));
        Assert.Equal("The certificate's key is not an SM2 key; this chain uses the gm suite.", error);
        Assert.Null(IntlSuite.Instance.Certificates.TryParse(gm, out error));
        Assert.Equal("The certificate's key is not a P-256 key; this chain uses the intl suite.", error);
        Assert.False(GmSuite.Instance.Certificates.IsSignedBy(intl, intlKey.PublicKey));
        Assert.False(IntlSuite.Instance.Certificates.IsSignedBy(gm, gmKey.PublicKey));
        Assert.False(IntlSuite.Instance.Certificates.IsSignedBy(intl, gmKey.PublicKey));
    }

    [Fact]
    public void Intl_certificates_load_and_chain_in_dotnet()
    {
        using var caKey = EcdsaP256.Generate();
        using var memberKey = EcdsaP256.Generate();
        var rootDer = CertificateAuthority.CreateRoot("intl", caKey, "Interop Root", "Consortium", NotBefore, NotAfter);
        var leafDer = CertificateAuthority.Issue("intl", caKey, rootDer, memberKey.PublicKey, "node-7", "Bank C", NotBefore, NotAfter);

        using var root = X509CertificateLoader.LoadCertificate(rootDer);
        using var leaf = X509CertificateLoader.LoadCertificate(leafDer);

        Assert.Equal("CN=Interop Root, O=Consortium", root.Subject);
        Assert.Equal("CN=node-7, O=Bank C", leaf.Subject);
        Assert.Equal(root.Subject, leaf.Issuer);
        Assert.Equal(NotBefore.UtcDateTime, leaf.NotBefore.ToUniversalTime());
        Assert.Equal("1.2.840.10045.4.3.2", leaf.SignatureAlgorithm.Value);
        Assert.True(root.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        using var leafKey = leaf.GetECDsaPublicKey()!;
        var q = leafKey.ExportParameters(false).Q;
        Assert.Equal(memberKey.PublicKey, [0x04, .. q.X!, .. q.Y!]);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var built = chain.Build(leaf);
        Assert.True(built, string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation)));
    }

    [Fact]
    public void Dotnet_made_p256_certificates_parse_and_verify_with_the_intl_verifier()
    {
        using var selfKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Dotnet Node, O=Dotnet Org, C=CN", selfKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var selfSigned = request.CreateSelfSigned(NotBefore, NotAfter);
        var verifier = IntlSuite.Instance.Certificates;

        var facts = verifier.TryParse(selfSigned.RawData, out var error);

        Assert.True(facts is not null, error);
        Assert.Equal(("Dotnet Node", "Dotnet Org"), (facts.SubjectCommonName, facts.SubjectOrganisation));
        Assert.Equal(("Dotnet Node", "Dotnet Org"), (facts.IssuerCommonName, facts.IssuerOrganisation));
        Assert.True(facts.IsCertificateAuthority);
        Assert.Equal(NotBefore.ToUnixTimeMilliseconds(), facts.NotBeforeMs);
        Assert.Equal(Convert.ToHexStringLower(selfSigned.GetSerialNumber().Reverse().ToArray()).TrimStart('0'), facts.SerialNumberHex);
        var q = selfKey.ExportParameters(false).Q;
        Assert.Equal([0x04, .. q.X!, .. q.Y!], facts.SubjectPublicKey);
        Assert.True(verifier.IsSignedBy(selfSigned.RawData, facts.SubjectPublicKey));

        // .NET signs a certificate with our CA's key; the intl verifier checks it under that key.
        using var caKey = EcdsaP256.Generate();
        var caDer = CertificateAuthority.CreateRoot("intl", caKey, "Our Root", "Consortium", NotBefore, NotAfter);
        using var caEcdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = caKey.ExportPrivateKey() });
        using var memberKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var memberRequest = new CertificateRequest("CN=Member, O=Bank D", memberKey, HashAlgorithmName.SHA256);
        using var issuer = X509CertificateLoader.LoadCertificate(caDer);
        using var issued = memberRequest.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(caEcdsa), NotBefore, NotAfter, [0x01, 0x02, 0x03]);

        var issuedFacts = verifier.TryParse(issued.RawData, out error);
        Assert.True(issuedFacts is not null, error);
        Assert.Equal(("Our Root", "Consortium"), (issuedFacts.IssuerCommonName, issuedFacts.IssuerOrganisation));
        Assert.Equal("10203", issuedFacts.SerialNumberHex);
        Assert.False(issuedFacts.IsCertificateAuthority);
        Assert.True(verifier.IsSignedBy(issued.RawData, caKey.PublicKey));
        Assert.False(verifier.IsSignedBy(issued.RawData, facts.SubjectPublicKey));
    }

    [Fact]
    public void Dotnet_certificates_of_other_keys_or_with_two_common_names_are_refused()
    {
        var verifier = IntlSuite.Instance.Certificates;
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p384Certificate = new CertificateRequest("CN=P384", p384, HashAlgorithmName.SHA384).CreateSelfSigned(NotBefore, NotAfter);
        using var rsa = RSA.Create(2048);
        using var rsaCertificate = new CertificateRequest("CN=RSA", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSelfSigned(NotBefore, NotAfter);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var sha384Certificate = new CertificateRequest("CN=SHA384", p256, HashAlgorithmName.SHA384).CreateSelfSigned(NotBefore, NotAfter);
        using var twoNames = new CertificateRequest("CN=First, CN=Second", p256, HashAlgorithmName.SHA256).CreateSelfSigned(NotBefore, NotAfter);

        Assert.Null(verifier.TryParse(p384Certificate.RawData, out var error));
        Assert.Equal("The certificate's key is not a P-256 key; this chain uses the intl suite.", error);
        Assert.Null(verifier.TryParse(rsaCertificate.RawData, out error));
        Assert.Equal("The certificate's key is not a P-256 key; this chain uses the intl suite.", error);
        Assert.Null(verifier.TryParse(sha384Certificate.RawData, out error));
        Assert.Equal("The certificate is not signed with ecdsa-with-SHA256; this chain uses the intl suite.", error);
        Assert.Null(verifier.TryParse(twoNames.RawData, out error));
        Assert.Equal("The certificate's subject has more than one CN.", error);
        Assert.Null(GmSuite.Instance.Certificates.TryParse(rsaCertificate.RawData, out error));
        Assert.Equal("The certificate's key is not an SM2 key; this chain uses the gm suite.", error);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Malformed_input_gives_null_and_a_sentence(string suite)
    {
        using var caKey = CryptoSuites.GenerateKey(suite);
        var root = CertificateAuthority.CreateRoot(suite, caKey, "Root", "Consortium", NotBefore, NotAfter);
        var deep = new List<byte>();
        for (var i = 0; i < 4000; i++)
        {
            deep.InsertRange(0, deep.Count < 128 ? [0x30, (byte)deep.Count] : deep.Count < 256 ? [0x30, 0x81, (byte)deep.Count] : [0x30, 0x82, (byte)(deep.Count >> 8), (byte)deep.Count]);
            if (deep.Count > 8000)
            {
                break;
            }
        }
        var indefinite = (byte[])root.Clone();
        indefinite[1] = 0x80;
        byte[][] inputs =
        [
            [],
            [0x30],
            [0x30, 0x00],
            [0x30, 0x80, 0x00, 0x00],
            [.. root, 0x00],
            indefinite,
            new byte[9000],
            [.. root, .. new byte[8192]],
            "-----BEGIN CERTIFICATE-----"u8.ToArray(),
            System.Text.Encoding.ASCII.GetBytes(CertificateAuthority.ToPem(root)),
            RandomNumberGenerator.GetBytes(700),
            [.. deep],
            NestedSequences(5000),
        ];

        foreach (var input in inputs)
        {
            AssertRefused(suite, input, caKey.PublicKey);
        }
        Assert.Equal("The certificate is empty.", Refusal(suite, []));
        Assert.Equal("The certificate is not valid DER.", Refusal(suite, [.. root, 0x00]));
        Assert.Equal("The certificate is not valid DER.", Refusal(suite, indefinite));
        Assert.Equal($"The certificate is {root.Length + 8192} bytes; at most 8192 are accepted.", Refusal(suite, [.. root, .. new byte[8192]]));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Truncations_and_random_byte_changes_never_throw_and_never_verify(string suite)
    {
        using var caKey = CryptoSuites.GenerateKey(suite);
        using var memberKey = CryptoSuites.GenerateKey(suite);
        var root = CertificateAuthority.CreateRoot(suite, caKey, "Root", "Consortium", NotBefore, NotAfter);
        var leaf = CertificateAuthority.Issue(suite, caKey, root, memberKey.PublicKey, "member", "Bank", NotBefore, NotAfter);

        for (var length = 0; length < leaf.Length; length += 37)
        {
            AssertRefused(suite, leaf[..length], caKey.PublicKey);
        }
        AssertRefused(suite, leaf[..^1], caKey.PublicKey);

        var random = new Random(20_251_128);
        var stillParsed = 0;
        for (var trial = 0; trial < 1000; trial++)
        {
            var changed = (byte[])leaf.Clone();
            var changes = 1 + random.Next(3);
            for (var c = 0; c < changes; c++)
            {
                changed[random.Next(changed.Length)] ^= (byte)(1 + random.Next(255));
            }
            var facts = Verifier(suite).TryParse(changed, out var error);
            if (facts is null)
            {
                AssertSentence(error);
            }
            else
            {
                stillParsed++;
            }
            Assert.False(Verifier(suite).IsSignedBy(changed, caKey.PublicKey), $"trial {trial}");
        }
        Assert.InRange(stillParsed, 1, 999); // Some changes land in names, dates or the signature and still parse.
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Issue_refuses_inconsistent_arguments(string suite)
    {
        using var caKey = CryptoSuites.GenerateKey(suite);
        using var otherKey = CryptoSuites.GenerateKey(suite);
        using var memberKey = CryptoSuites.GenerateKey(suite);
        using var otherSuiteKey = CryptoSuites.GenerateKey(suite == "intl" ? "gm" : "intl");
        var root = CertificateAuthority.CreateRoot(suite, caKey, "Root", "Consortium", NotBefore, NotAfter);
        var leaf = CertificateAuthority.Issue(suite, caKey, root, memberKey.PublicKey, "member", "Bank", NotBefore, NotAfter);

        Assert.Throws<ArgumentException>(() => CertificateAuthority.Issue(suite, otherKey, root, memberKey.PublicKey, "m", "B", NotBefore, NotAfter));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Issue(suite, memberKey, leaf, otherKey.PublicKey, "m", "B", NotBefore, NotAfter));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Issue(suite, caKey, root, otherSuiteKey.PublicKey, "m", "B", NotBefore, NotAfter));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Issue(suite, caKey, root, memberKey.PublicKey, "m", "B", NotAfter, NotAfter));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Issue(suite, caKey, root, memberKey.PublicKey, "", "B", NotBefore, NotAfter));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Issue(suite, caKey, root, memberKey.PublicKey, new string('x', 65), "B", NotBefore, NotAfter));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.Issue(suite, caKey, [0x30, 0x00], memberKey.PublicKey, "m", "B", NotBefore, NotAfter));
        Assert.Throws<ArgumentException>(() => CertificateAuthority.CreateRoot(suite, otherSuiteKey, "Root", "Consortium", NotBefore, NotAfter));
    }

    private static void AssertRefused(string suite, byte[] input, byte[] issuerKey)
    {
        AssertSentence(Refusal(suite, input));
        Assert.False(Verifier(suite).IsSignedBy(input, issuerKey));
    }

    private static string Refusal(string suite, byte[] input)
    {
        Assert.Null(Verifier(suite).TryParse(input, out var error));
        return error;
    }

    private static void AssertSentence(string error)
    {
        Assert.StartsWith("The certificate", error, StringComparison.Ordinal);
        Assert.EndsWith(".", error, StringComparison.Ordinal);
    }

    /// <summary>SEQUENCE inside SEQUENCE, depth deep, in valid DER (large, for the size bound and depth bound both).</summary>
    private static byte[] NestedSequences(int depth)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        var scopes = new Stack<AsnWriter.Scope>();
        for (var i = 0; i < depth; i++)
        {
            scopes.Push(writer.PushSequence());
        }
        while (scopes.Count > 0)
        {
            scopes.Pop().Dispose();
        }
        return writer.Encode();
    }

    private static X509CertificateStructure Structure(byte[] der) => X509CertificateStructure.GetInstance(Asn1Object.FromByteArray(der));
}

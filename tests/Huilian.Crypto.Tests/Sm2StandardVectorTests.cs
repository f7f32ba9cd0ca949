// SM2 signatures against published examples, with BouncyCastle's SM2Signer and a fixed k.
// Valid (GM/T 0003.2-2012 Annex A, 256-bit Fp test curve, ID "ALICE123@YAHOO.COM", M = "message digest"):
//   the generator and the key pair lie on the curve, P_A = d_A G is the standard's (x_A, y_A), Z_A and
//   e = SM3(Z_A || M) are the standard's values, signing with the standard's k gives exactly its r and s, and
//   that signature verifies.
// Valid (sm2p256v1 example with the default ID "1234567812345678", d = 3945208F..., k = 59276E27...; the same
//   values are used by independent SM2 implementations' test suites): Sm2Sm3.Import(d).PublicKey is the
//   published point, SM2Signer with the fixed k gives the published r and s, and our own Sm2Sm3.Verify accepts it.
// Invalid: a changed message, a changed user ID, and a changed signature are refused, on both curves.

using System.Text;
using Huilian.Core.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math.EC;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Huilian.Crypto.Tests;

public sealed class Sm2StandardVectorTests
{
    // GM/T 0003.2-2012 Annex A: the 256-bit prime-field test curve y^2 = x^3 + ax + b.
    private static readonly BigInteger TestP = new("8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3", 16);
    private static readonly BigInteger TestA = new("787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498", 16);
    private static readonly BigInteger TestB = new("63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A", 16);
    private static readonly BigInteger TestGx = new("421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D", 16);
    private static readonly BigInteger TestGy = new("0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2", 16);
    private static readonly BigInteger TestN = new("8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7", 16);

    private static readonly byte[] AliceId = Encoding.ASCII.GetBytes("ALICE123@YAHOO.COM");
    private static readonly byte[] MessageDigest = Encoding.ASCII.GetBytes("message digest");

    private const string AliceD = "128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263";
    private const string AliceX = "0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A";
    private const string AliceY = "7C0240F88F1CD4E16352A73C17B7F16F07353E53A176D684A9FE0C6BB798E857";
    private const string AliceK = "6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F";
    private const string AliceZ = "F4A38489E32B45B6F876E3AC2168CA392362DC8F23459C1D1146FC3DBFB7BC9A";
    private const string AliceE = "B524F552CD82B8B028476E005C377FB19A87E6FC682D48BB5D42E3D9B9EFFE76";
    private const string AliceR = "40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1";
    private const string AliceS = "6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7";

    // sm2p256v1, default user ID.
    private const string StandardD = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
    private const string StandardPublicKey = "04" + "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020" + "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13";
    private const string StandardK = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21";
    private const string StandardR = "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3";
    private const string StandardS = "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA";

    private static ECDomainParameters TestDomain()
    {
        var curve = new FpCurve(TestP, TestA, TestB, TestN, BigInteger.One);
        var g = curve.CreatePoint(TestGx, TestGy);
        return new ECDomainParameters(curve, g, TestN, BigInteger.One);
    }

    [Fact]
    public void The_test_curve_and_the_key_pair_are_the_standards()
    {
        var domain = TestDomain();
        var publicPoint = domain.G.Multiply(new BigInteger(AliceD, 16)).Normalize();

        Assert.True(domain.G.IsValid());
        Assert.True(domain.G.Multiply(TestN).IsInfinity, "n is the order of G");
        Assert.Equal(AliceX, Upper(publicPoint.AffineXCoord.GetEncoded()));
        Assert.Equal(AliceY, Upper(publicPoint.AffineYCoord.GetEncoded()));
    }

    [Fact]
    public void Z_A_and_e_are_the_standards()
    {
        var domain = TestDomain();
        var z = ZValue(domain, AliceId, new BigInteger(AliceX, 16), new BigInteger(AliceY, 16));

        Assert.Equal(AliceZ, Upper(z));
        Assert.Equal(AliceE, Upper(Sm3([.. z, .. MessageDigest])));
    }

    [Fact]
    public void Signing_with_the_standards_k_gives_its_r_and_s_and_verifies()
    {
        var domain = TestDomain();
        var privateKey = new ECPrivateKeyParameters(new BigInteger(AliceD, 16), domain);
        var publicKey = new ECPublicKeyParameters(domain.G.Multiply(privateKey.D).Normalize(), domain);

        var signature = Sign(privateKey, AliceId, MessageDigest, AliceK);

        Assert.Equal(AliceR + AliceS, Upper(signature));
        Assert.True(Verify(publicKey, AliceId, MessageDigest, signature));
        Assert.False(Verify(publicKey, AliceId, Encoding.ASCII.GetBytes("message digesT"), signature));
        Assert.False(Verify(publicKey, Encoding.ASCII.GetBytes("BILL456@YAHOO.COM"), MessageDigest, signature));
        var changed = (byte[])signature.Clone();
        changed[40] ^= 0x01;
        Assert.False(Verify(publicKey, AliceId, MessageDigest, changed));
    }

    [Fact]
    public void The_sm2p256v1_example_matches_our_key_import_signer_and_verifier()
    {
        using var key = Sm2Sm3.Import(Hex.Decode(StandardD));
        var privateKey = new ECPrivateKeyParameters(new BigInteger(StandardD, 16), Sm2Sm3.Domain);

        var signature = Sign(privateKey, Sm2Sm3.DefaultUserId, MessageDigest, StandardK);

        Assert.Equal(StandardPublicKey, Upper(key.PublicKey));
        Assert.Equal(StandardR + StandardS, Upper(signature));
        ISignatureScheme scheme = GmSuite.Instance.Signatures;
        Assert.True(scheme.Verify(key.PublicKey, MessageDigest, signature));
        Assert.False(scheme.Verify(key.PublicKey, Encoding.ASCII.GetBytes("message digesT"), signature));
        var publicKey = new ECPublicKeyParameters(Sm2Sm3.Domain.Curve.DecodePoint(key.PublicKey), Sm2Sm3.Domain);
        Assert.False(Verify(publicKey, AliceId, MessageDigest, signature));
    }

    /// <summary>Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA), built by hand from GM/T 0003.2 section 5.5.</summary>
    private static byte[] ZValue(ECDomainParameters domain, byte[] id, BigInteger xA, BigInteger yA)
    {
        var entl = id.Length * 8;
        byte[] input =
        [
            (byte)(entl >> 8), (byte)entl, .. id,
            .. Field(domain.Curve.A.ToBigInteger()), .. Field(domain.Curve.B.ToBigInteger()),
            .. Field(domain.G.AffineXCoord.ToBigInteger()), .. Field(domain.G.AffineYCoord.ToBigInteger()),
            .. Field(xA), .. Field(yA),
        ];
        return Sm3(input);
    }

    private static byte[] Field(BigInteger value)
    {
        var bytes = value.ToByteArrayUnsigned();
        var padded = new byte[32];
        bytes.CopyTo(padded, 32 - bytes.Length);
        return padded;
    }

    private static byte[] Sm3(byte[] input)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(input, 0, input.Length);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }

    private static byte[] Sign(ECPrivateKeyParameters privateKey, byte[] id, byte[] message, string k)
    {
        var random = new FixedSecureRandom(Hex.Decode(k));
        var signer = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        signer.Init(true, new ParametersWithID(new ParametersWithRandom(privateKey, random), id));
        signer.BlockUpdate(message, 0, message.Length);
        var signature = signer.GenerateSignature();
        Assert.Equal(1, random.Calls);
        return signature;
    }

    private static bool Verify(ECPublicKeyParameters publicKey, byte[] id, byte[] message, byte[] signature)
    {
        var verifier = new SM2Signer(PlainDsaEncoding.Instance, new SM3Digest());
        verifier.Init(false, new ParametersWithID(publicKey, id));
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    private static string Upper(byte[] bytes) => Convert.ToHexString(bytes);
}

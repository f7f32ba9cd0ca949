using Huilian.Core.Crypto;
using Huilian.Crypto;

namespace Huilian.EndToEnd.Tests;

/// <summary>Registers load-test clients in a network made by `huilian init`/`up`: certificates from the regulator's CA.</summary>
internal static class DemoMembers
{
    /// <summary>
    /// The payload of membership.register-user for <paramref name="key"/> as regulator user <paramref name="name"/>
    /// with the evidence-recorder role, its certificate issued by the regulator's CA in the network directory.
    /// </summary>
    public static string RegisterRecorder(string networkDirectory, string password, ISigningKey key, string name)
    {
        var organisation = Path.Combine(networkDirectory, "orgs", "regulator");
        using var caKey = Keystore.Load(Path.Combine(organisation, "ca.key")).Decrypt(password);
        var caCertificate = CertificateAuthority.FromPem(File.ReadAllText(Path.Combine(organisation, "ca.pem")));
        var now = DateTimeOffset.UtcNow;
        var certificate = CertificateAuthority.Issue("intl", caKey, caCertificate, key.PublicKey, name, "regulator", now.AddMinutes(-10), now.AddDays(1));
        return $"{{\"name\":\"{name}\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[\"evidence-recorder\"]}}";
    }
}

// Keystore: a private key sealed under a password (scrypt + the suite's AEAD), for both suites.
// Tests use scrypt N = 1024 to stay fast; the production default is Keystore.DefaultScryptN.
// Round-trip: Encrypt -> Save -> Load -> Decrypt gives back the same private and public key, and the decrypted
//             key's signatures verify under the stored public key (intl and gm).
// Invalid:    wrong password -> KeystoreWrongPassword; a changed ciphertext, public key, nonce or salt ->
//             refused (KeystoreWrongPassword); the suite field changed to the other suite -> KeystoreCipherMismatch,
//             to an unknown suite -> KeystoreSuiteUnknown; an unknown format -> KeystoreFormatUnknown; a non-hex salt
//             or ciphertext, a null or unknown field -> KeystoreCorrupt; a missing file -> KeystoreNotFound;
//             encrypting a key under a suite it does not belong to -> ArgumentException.
// Extremes:   hostile scrypt parameters (N = 2^30, N not a power of two, N = 1, r = 33, p = 17, and N = 2^20 with
//             r = 32, which is 4 GiB) -> KeystoreKdfOutOfRange before any memory is taken; the saved file holds no
//             trace of the private key (hex either case, base64); on Linux the file mode is 0600.

using System.Text.Json.Nodes;

namespace Huilian.Crypto.Tests;

public sealed class KeystoreTests : IDisposable
{
    private const int FastN = 1024;
    private const string Password = "correct horse battery staple";

    private readonly string _directory = Directory.CreateTempSubdirectory("huilian-keystore-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> Suites() => ["intl", "gm"];

    [Theory]
    [MemberData(nameof(Suites))]
    public void Encrypt_save_load_decrypt_round_trips(string suite)
    {
        using var key = CryptoSuites.GenerateKey(suite);
        var path = Path.Combine(_directory, suite + ".key");

        Keystore.Encrypt(suite, key, Password, FastN).Save(path);
        var loaded = Keystore.Load(path);
        using var decrypted = loaded.Decrypt(Password);

        Assert.Equal(Keystore.FormatName, loaded.Format);
        Assert.Equal(suite, loaded.Suite);
        Assert.Equal(FastN, loaded.Kdf.N);
        Assert.Equal(key.PublicKey, decrypted.PublicKey);
        Assert.Equal(key.ExportPrivateKey(), decrypted.ExportPrivateKey());
        var message = "signed after decryption"u8.ToArray();
        Assert.True(CryptoSuites.Get(suite).Signatures.Verify(key.PublicKey, message, decrypted.Sign(message)));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_wrong_password_is_refused(string suite)
    {
        var path = Saved(suite, out _);

        var exception = Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password + "!"));

        Assert.Equal("KeystoreWrongPassword", exception.Code);
        Assert.Equal("KeystoreWrongPassword", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(string.Empty)).Code);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_changed_ciphertext_is_refused(string suite)
    {
        var path = Saved(suite, out _);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        var ciphertext = json["ciphertext"]!.GetValue<string>();
        for (var i = 0; i < ciphertext.Length; i += 7)
        {
            json["ciphertext"] = ciphertext[..i] + (ciphertext[i] == '0' ? '1' : '0') + ciphertext[(i + 1)..];
            File.WriteAllText(path, json.ToJsonString());

            Assert.Equal("KeystoreWrongPassword", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_changed_public_key_is_refused(string suite)
    {
        var path = Saved(suite, out _);
        using var other = CryptoSuites.GenerateKey(suite);
        Tamper(path, json => json["publicKey"] = Convert.ToHexStringLower(other.PublicKey));

        Assert.Equal("KeystoreWrongPassword", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
    }

    [Theory]
    [InlineData("intl", "gm")]
    [InlineData("gm", "intl")]
    public void A_suite_field_changed_to_the_other_suite_is_refused(string suite, string otherSuite)
    {
        var path = Saved(suite, out _);
        Tamper(path, json => json["suite"] = otherSuite);

        Assert.Equal("KeystoreCipherMismatch", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_suite_field_changed_to_the_other_suite_and_cipher_is_refused(string suite)
    {
        var other = suite == "intl" ? "gm" : "intl";
        var path = Saved(suite, out _);
        Tamper(path, json =>
        {
            json["suite"] = other;
            json["cipher"]!["name"] = CryptoSuites.Get(other).Aead.Name;
        });

        Assert.Equal("KeystoreWrongPassword", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
    }

    [Theory]
    [InlineData("sm2")]
    [InlineData("INTL")]
    [InlineData("")]
    public void An_unknown_suite_field_is_refused(string suite)
    {
        var path = Saved("intl", out _);
        Tamper(path, json => json["suite"] = suite);

        Assert.Equal("KeystoreSuiteUnknown", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
    }

    [Fact]
    public void A_changed_nonce_or_salt_is_refused()
    {
        var path = Saved("gm", out _);
        var original = File.ReadAllText(path);

        Tamper(path, json => json["cipher"]!["nonce"] = Flip(json["cipher"]!["nonce"]!.GetValue<string>()));
        Assert.Equal("KeystoreWrongPassword", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);

        File.WriteAllText(path, original);
        Tamper(path, json => json["kdf"]!["salt"] = Flip(json["kdf"]!["salt"]!.GetValue<string>()));
        Assert.Equal("KeystoreWrongPassword", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
    }

    [Theory]
    [InlineData("kdf", "salt", "not hex")]
    [InlineData(null, "ciphertext", "zz")]
    [InlineData("cipher", "nonce", "0g")]
    public void Non_hex_fields_are_corrupt(string? parent, string field, string value)
    {
        var path = Saved("intl", out _);
        Tamper(path, json => (parent is null ? json : json[parent]!)[field] = value);

        Assert.Equal("KeystoreCorrupt", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
    }

    [Theory]
    [InlineData("suite")]
    [InlineData("publicKey")]
    [InlineData("ciphertext")]
    [InlineData("kdf")]
    [InlineData("cipher")]
    public void A_null_field_is_corrupt(string field)
    {
        var path = Saved("intl", out _);
        Tamper(path, json => json[field] = null);

        Assert.Equal("KeystoreCorrupt", Assert.Throws<KeystoreException>(() => Keystore.Load(path)).Code);
    }

    [Fact]
    public void Unknown_fields_missing_fields_and_missing_files_are_refused()
    {
        var path = Saved("intl", out _);
        var original = File.ReadAllText(path);

        Tamper(path, json => json["extra"] = 1);
        Assert.Equal("KeystoreCorrupt", Assert.Throws<KeystoreException>(() => Keystore.Load(path)).Code);

        File.WriteAllText(path, original);
        Tamper(path, json => json.AsObject().Remove("ciphertext"));
        Assert.Equal("KeystoreCorrupt", Assert.Throws<KeystoreException>(() => Keystore.Load(path)).Code);

        File.WriteAllText(path, "not json");
        Assert.Equal("KeystoreCorrupt", Assert.Throws<KeystoreException>(() => Keystore.Load(path)).Code);

        Assert.Equal("KeystoreNotFound", Assert.Throws<KeystoreException>(() => Keystore.Load(Path.Combine(_directory, "absent.key"))).Code);
    }

    [Fact]
    public void An_unknown_format_is_refused()
    {
        var path = Saved("intl", out _);
        Tamper(path, json => json["format"] = "huilian-keystore/v2");

        Assert.Equal("KeystoreFormatUnknown", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
    }

    [Theory]
    [InlineData(1 << 30, 8, 1)]
    [InlineData(1 << 21, 8, 1)]
    [InlineData(1000, 8, 1)]
    [InlineData(1, 8, 1)]
    [InlineData(0, 8, 1)]
    [InlineData(-1024, 8, 1)]
    [InlineData(1024, 33, 1)]
    [InlineData(1024, 0, 1)]
    [InlineData(1024, 8, 17)]
    [InlineData(1024, 8, 0)]
    [InlineData(1 << 20, 32, 1)] // 128 * N * r = 4 GiB
    [InlineData(1 << 20, 8, 16)] // 16 passes over 1 GiB
    public void Hostile_scrypt_parameters_are_refused_before_deriving(int n, int r, int p)
    {
        var path = Saved("intl", out _);
        Tamper(path, json =>
        {
            json["kdf"]!["n"] = n;
            json["kdf"]!["r"] = r;
            json["kdf"]!["p"] = p;
        });

        Assert.Equal("KeystoreKdfOutOfRange", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
    }

    [Fact]
    public void Encrypt_refuses_hostile_scrypt_cost_too()
    {
        using var key = CryptoSuites.GenerateKey("intl");

        Assert.Equal("KeystoreKdfOutOfRange", Assert.Throws<KeystoreException>(() => Keystore.Encrypt("intl", key, Password, 1 << 30)).Code);
    }

    [Fact]
    public void An_unknown_kdf_is_refused()
    {
        var path = Saved("intl", out _);
        Tamper(path, json => json["kdf"]!["name"] = "pbkdf2");

        Assert.Equal("KeystoreKdfUnknown", Assert.Throws<KeystoreException>(() => Keystore.Load(path).Decrypt(Password)).Code);
    }

    [Theory]
    [InlineData("intl", "gm")]
    [InlineData("gm", "intl")]
    public void Encrypt_refuses_a_key_of_another_suite(string keySuite, string storeSuite)
    {
        using var key = CryptoSuites.GenerateKey(keySuite);

        Assert.Throws<ArgumentException>(() => Keystore.Encrypt(storeSuite, key, Password, FastN));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void The_saved_file_holds_no_trace_of_the_private_key(string suite)
    {
        var path = Saved(suite, out var privateKey);
        var text = File.ReadAllText(path);

        Assert.DoesNotContain(Convert.ToHexStringLower(privateKey), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToHexStringLower(privateKey.AsSpan(0, 8)), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(privateKey), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(privateKey)[..12], text, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void On_linux_the_saved_file_is_readable_by_its_owner_only()
    {
        Assert.True(OperatingSystem.IsLinux(), "this suite runs on Linux");
        var path = Saved("gm", out _);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + ".tmp"));

        // Saving over an existing, more open file still leaves 0600.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var key = CryptoSuites.GenerateKey("gm");
        Keystore.Encrypt("gm", key, Password, FastN).Save(path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    private string Saved(string suite, out byte[] privateKey)
    {
        using var key = CryptoSuites.GenerateKey(suite);
        privateKey = key.ExportPrivateKey();
        var path = Path.Combine(_directory, $"{suite}-{Guid.NewGuid():N}.key");
        Keystore.Encrypt(suite, key, Password, FastN).Save(path);
        return path;
    }

    private static void Tamper(string path, Action<JsonNode> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        change(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    private static string Flip(string hex) => (hex[0] == '0' ? '1' : '0') + hex[1..];
}

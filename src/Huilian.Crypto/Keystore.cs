using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Huilian.Core.Crypto;
using Org.BouncyCastle.Crypto.Generators;

namespace Huilian.Crypto;

/// <summary>
/// A private key encrypted under a password: scrypt derives the key-encryption key, the suite's AEAD (AES-256-GCM
/// or SM4-GCM) seals the 32-byte scalar, and the format, suite and public key are bound in as associated data so
/// that no field can be swapped. The private key is never written in clear.
/// </summary>
public sealed class Keystore
{
    public const string FormatName = "huilian-keystore/v1";

    /// <summary>scrypt cost for keys at rest: 2^15 × 8 × 128 bytes = 32 MiB of memory per attempt.</summary>
    public const int DefaultScryptN = 1 << 15;

    public required string Format { get; init; }

    public required string Suite { get; init; }

    public required string PublicKey { get; init; }

    public required KeystoreKdf Kdf { get; init; }

    public required KeystoreCipher Cipher { get; init; }

    public required string Ciphertext { get; init; }

    public static Keystore Encrypt(string suite, ISigningKey key, string password, int scryptN = DefaultScryptN)
    {
        var cryptoSuite = CryptoSuites.Get(suite);
        if (!cryptoSuite.Signatures.IsValidPublicKey(key.PublicKey))
        {
            // Sealing it would write a keystore whose key can never be imported back under this suite.
            throw new ArgumentException($"The key is not a {cryptoSuite.Signatures.Name} key of suite '{suite}'.", nameof(key));
        }
        var aead = cryptoSuite.Aead;
        var salt = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(aead.NonceLength);
        var kdf = new KeystoreKdf { Name = "scrypt", N = scryptN, R = 8, P = 1, Salt = Convert.ToHexStringLower(salt) };
        var encryptionKey = kdf.Derive(password, aead.KeyLength);
        var publicKey = Convert.ToHexStringLower(key.PublicKey);
        var privateKey = key.ExportPrivateKey();
        try
        {
            var sealedKey = aead.Seal(encryptionKey, nonce, privateKey, AssociatedData(suite, publicKey));
            return new Keystore
            {
                Format = FormatName,
                Suite = suite,
                PublicKey = publicKey,
                Kdf = kdf,
                Cipher = new KeystoreCipher { Name = aead.Name, Nonce = Convert.ToHexStringLower(nonce) },
                Ciphertext = Convert.ToHexStringLower(sealedKey),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
            CryptographicOperations.ZeroMemory(encryptionKey);
        }
    }

    public ISigningKey Decrypt(string password)
    {
        if (Format != FormatName)
        {
            throw new KeystoreException("KeystoreFormatUnknown", $"Keystore format '{Format}' is not supported; expected '{FormatName}'.");
        }
        if (!CryptoSuites.Names.Contains(Suite))
        {
            throw new KeystoreException("KeystoreSuiteUnknown", $"Keystore suite '{Suite}' is unknown; expected one of {string.Join(", ", CryptoSuites.Names)}.");
        }
        var aead = CryptoSuites.Get(Suite).Aead;
        if (Cipher.Name != aead.Name)
        {
            throw new KeystoreException("KeystoreCipherMismatch", $"Suite '{Suite}' seals keys with {aead.Name}, not {Cipher.Name}.");
        }
        var encryptionKey = Kdf.Derive(password, aead.KeyLength);
        byte[]? privateKey;
        try
        {
            privateKey = aead.Open(encryptionKey, Convert.FromHexString(Cipher.Nonce), Convert.FromHexString(Ciphertext), AssociatedData(Suite, PublicKey));
        }
        catch (FormatException)
        {
            throw new KeystoreException("KeystoreCorrupt", "The keystore holds fields that are not hexadecimal.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(encryptionKey);
        }
        if (privateKey is null)
        {
            throw new KeystoreException("KeystoreWrongPassword", "The password is wrong, or the keystore file was altered.");
        }
        try
        {
            var key = CryptoSuites.ImportKey(Suite, privateKey);
            if (!string.Equals(Convert.ToHexStringLower(key.PublicKey), PublicKey, StringComparison.Ordinal))
            {
                key.Dispose();
                throw new KeystoreException("KeystoreCorrupt", "The decrypted key does not match the keystore's public key.");
            }
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(privateKey);
        }
    }

    public void Save(string path)
    {
        var json = JsonSerializer.Serialize(this, KeystoreJsonContext.Default.Keystore);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Created 0600, so the file is never readable by others, not even between creation and chmod.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var writer = new StreamWriter(temporary, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(json);
        }
        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode does not apply when a stale temporary file already existed.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// A keystore from its JSON text (an upload to the portal). Its scrypt cost is bounded by
    /// <paramref name="scryptNMax"/>, so that a crafted file cannot make the reader spend minutes and gigabytes.
    /// </summary>
    public static Keystore Parse(string json, int scryptNMax = DefaultScryptN)
    {
        Keystore? keystore;
        try
        {
            keystore = JsonSerializer.Deserialize(json, KeystoreJsonContext.Default.Keystore);
        }
        catch (JsonException exception)
        {
            throw new KeystoreException("KeystoreCorrupt", $"The file is not a Huilian keystore: {exception.Message}");
        }
        if (keystore is null || keystore.Format != FormatName)
        {
            throw new KeystoreException("KeystoreCorrupt", $"The file is not a Huilian keystore ({FormatName}).");
        }
        if (keystore.Kdf.N > scryptNMax || keystore.Kdf.R > 8 || keystore.Kdf.P > 1)
        {
            throw new KeystoreException("KeystoreCostTooHigh", $"The keystore's scrypt cost is above what this reader accepts (N ≤ {scryptNMax}, r ≤ 8, p = 1).");
        }
        return keystore;
    }

    public static Keystore Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new KeystoreException("KeystoreNotFound", $"No keystore at {path}.");
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), KeystoreJsonContext.Default.Keystore)
                ?? throw new KeystoreException("KeystoreCorrupt", $"The keystore at {path} is empty.");
        }
        catch (JsonException exception)
        {
            throw new KeystoreException("KeystoreCorrupt", $"The keystore at {path} is not valid: {exception.Message}");
        }
    }

    private static byte[] AssociatedData(string suite, string publicKey) =>
        Encoding.UTF8.GetBytes($"{FormatName}|{suite}|{publicKey}");
}

public sealed class KeystoreKdf
{
    public const int ScryptNMax = 1 << 20;

    /// <summary>Bound on N x r x p: memory 128 x N x r stays within 1 GiB and the work within one pass at N = ScryptNMax, r = 8.</summary>
    private const long ScryptCostMax = (long)ScryptNMax * 8;

    public required string Name { get; init; }

    public required int N { get; init; }

    public required int R { get; init; }

    public required int P { get; init; }

    public required string Salt { get; init; }

    internal byte[] Derive(string password, int length)
    {
        if (Name != "scrypt")
        {
            throw new KeystoreException("KeystoreKdfUnknown", $"Key derivation '{Name}' is not supported; expected scrypt.");
        }
        // Bounds keep a hostile keystore file from asking for gigabytes of memory or minutes of work: each
        // parameter is bounded, and so is their product (N = 2^20 with r = 32 alone would be 4 GiB).
        if (N < 2 || N > ScryptNMax || (N & (N - 1)) != 0 || R is < 1 or > 32 || P is < 1 or > 16 || (long)N * R * P > ScryptCostMax)
        {
            throw new KeystoreException("KeystoreKdfOutOfRange", "The keystore's scrypt parameters are out of range.");
        }
        byte[] salt;
        try
        {
            salt = Convert.FromHexString(Salt);
        }
        catch (FormatException)
        {
            throw new KeystoreException("KeystoreCorrupt", "The keystore's scrypt salt is not hexadecimal.");
        }
        return SCrypt.Generate(Encoding.UTF8.GetBytes(password), salt, N, R, P, length);
    }
}

public sealed class KeystoreCipher
{
    public required string Name { get; init; }

    public required string Nonce { get; init; }
}

public sealed class KeystoreException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(Keystore))]
internal sealed partial class KeystoreJsonContext : JsonSerializerContext;

using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Huilian.Core.Genesis;
using Huilian.Crypto;
using Huilian.Node.Hosting;

namespace Huilian.Cli;

/// <summary>
/// The files of a network directory: <c>genesis.json</c>, <c>network.json</c>, one folder per node under
/// <c>nodes/</c> with its configuration and encrypted validator key, client keys under <c>keys/</c>, and for a
/// demo network the keystore password in <c>secrets/password</c> (mode 0600) so it can start unattended.
/// </summary>
public sealed class NetworkLayout
{
    public const string DefaultDirectory = ".huilian";
    public const int DefaultPort = 26680;
    public const string AdminKeyName = "admin";

    public NetworkLayout(string directory)
    {
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    public string GenesisPath => Path.Combine(Directory, "genesis.json");

    public string NetworkPath => Path.Combine(Directory, "network.json");

    public string PasswordPath => Path.Combine(Directory, "secrets", "password");

    public bool Exists => File.Exists(GenesisPath);

    public string NodeDirectory(string name) => Path.Combine(Directory, "nodes", name);

    public string KeyPath(string name) => Path.Combine(Directory, "keys", name + ".key");

    public GenesisDocument LoadGenesis() => GenesisDocument.Parse(File.ReadAllText(GenesisPath));

    public NetworkManifest LoadManifest()
    {
        if (!File.Exists(NetworkPath))
        {
            throw new CliException($"No network at {Directory} (network.json is missing). Run `huilian init --dir {Directory}` first.");
        }
        return JsonSerializer.Deserialize(File.ReadAllText(NetworkPath), CliJsonContext.Default.NetworkManifest)
            ?? throw new CliException($"{NetworkPath} is empty.");
    }

    public string ReadPassword(string? passwordFile)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("HUILIAN_PASSWORD");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        var path = passwordFile ?? PasswordPath;
        if (!File.Exists(path))
        {
            throw new CliException($"The keystore password is needed: set HUILIAN_PASSWORD or pass --password-file (no file at {path}).");
        }
        return File.ReadAllText(path).TrimEnd('\r', '\n');
    }

    /// <summary>Creates a new network: keys, genesis, node configurations. Refuses to overwrite one.</summary>
    public static NetworkLayout Create(string directory, string suite, string chainId, int validators, int basePort, int scryptN = Crypto.Keystore.DefaultScryptN)
    {
        var layout = new NetworkLayout(directory);
        if (layout.Exists)
        {
            throw new CliException($"A network already exists in {layout.Directory}; remove it or choose another --dir.");
        }
        if (validators < 1 || validators > 64)
        {
            throw new CliException("A network has 1 to 64 validators.");
        }
        CryptoSuites.Get(suite);
        System.IO.Directory.CreateDirectory(layout.Directory);

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        WriteSecret(layout.PasswordPath, password + "\n");

        var genesisValidators = new List<GenesisValidator>();
        var manifestNodes = new List<NetworkNode>();
        for (var i = 0; i < validators; i++)
        {
            var name = $"node{i}";
            var nodeDirectory = layout.NodeDirectory(name);
            using var key = CryptoSuites.GenerateKey(suite);
            Crypto.Keystore.Encrypt(suite, key, password, scryptN).Save(Path.Combine(nodeDirectory, "validator.key"));
            genesisValidators.Add(new GenesisValidator { Name = name, PublicKey = Convert.ToHexStringLower(key.PublicKey), Power = 10 });
            var port = basePort == 0 ? 0 : basePort + i;
            var url = $"http://127.0.0.1:{port}";
            new NodeConfig
            {
                Name = name,
                Listen = url,
                Genesis = "../../genesis.json",
                DataDirectory = "data",
                ValidatorKey = "validator.key",
                PasswordFile = "../../secrets/password",
            }.Save(nodeDirectory);
            manifestNodes.Add(new NetworkNode(name, Path.Combine("nodes", name), url));
        }

        using var admin = CryptoSuites.GenerateKey(suite);
        Crypto.Keystore.Encrypt(suite, admin, password, scryptN).Save(layout.KeyPath(AdminKeyName));

        var genesis = new GenesisDocument
        {
            ChainId = chainId,
            Suite = suite,
            GenesisTime = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
            Validators = genesisValidators,
            Accounts =
            [
                new GenesisAccount { Name = AdminKeyName, PublicKey = Convert.ToHexStringLower(admin.PublicKey), Roles = ["admin", "evidence.recorder"] },
            ],
        };
        genesis.Validate();
        File.WriteAllText(layout.GenesisPath, genesis.ToJson());
        File.WriteAllText(layout.NetworkPath, JsonSerializer.Serialize(new NetworkManifest(chainId, suite, manifestNodes), CliJsonContext.Default.NetworkManifest));
        return layout;
    }

    private static void WriteSecret(string path, string content)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(path, content);
    }
}

public sealed record NetworkManifest(string ChainId, string Suite, IReadOnlyList<NetworkNode> Nodes);

public sealed record NetworkNode(string Name, string Directory, string Url);

public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(NetworkManifest))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

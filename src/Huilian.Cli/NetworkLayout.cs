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

    /// <summary>The keystore of a demo user, e.g. "bank-a/reviewer" → keys/bank-a/reviewer.key.</summary>
    public string UserKeyPath(string user) => user == DemoConsortium.OperatorAdmin ? KeyPath(AdminKeyName) : Path.Combine(Directory, "keys", user + ".key");

    public string OrganisationDirectory(string organisation) => Path.Combine(Directory, "orgs", organisation);

    public string ConsortiumPath => Path.Combine(Directory, "consortium.json");

    public ConsortiumManifest LoadConsortium()
    {
        if (!File.Exists(ConsortiumPath))
        {
            throw new CliException($"No consortium at {Directory} (consortium.json is missing).");
        }
        return JsonSerializer.Deserialize(File.ReadAllText(ConsortiumPath), CliJsonContext.Default.ConsortiumManifest)
            ?? throw new CliException($"{ConsortiumPath} is empty.");
    }

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

    /// <summary>
    /// Creates a new network: keys, genesis, node configurations. Refuses to overwrite one. With more than one node,
    /// each node also gets a TLS certificate (listed in genesis) and a peer port; ports are fixed here, at creation,
    /// because peers dial them. A base port of 0 picks free ports now.
    /// </summary>
    public static NetworkLayout Create(string directory, string suite, string chainId, int validators, int basePort,
        int observers = 0, int scryptN = Crypto.Keystore.DefaultScryptN)
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
        if (observers < 0 || observers > 32)
        {
            throw new CliException("A network has 0 to 32 observers.");
        }
        if (basePort is < 0 or > 65535 - 200)
        {
            throw new CliException($"--port {basePort} leaves no room for the nodes' ports; choose 0 or 1024 to 65000.");
        }
        CryptoSuites.Get(suite);
        System.IO.Directory.CreateDirectory(layout.Directory);

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        WriteSecret(layout.PasswordPath, password + "\n");

        var total = validators + observers;
        var networked = total > 1;
        var names = Enumerable.Range(0, total).Select(i => i < validators ? $"node{i}" : $"observer{i - validators}").ToArray();
        int[] apiPorts, peerPorts;
        if (!networked)
        {
            (apiPorts, peerPorts) = ([basePort], []);
        }
        else if (basePort != 0)
        {
            apiPorts = Enumerable.Range(basePort, total).ToArray();
            peerPorts = Enumerable.Range(basePort + 100, total).ToArray();
        }
        else
        {
            var free = FreePorts(2 * total);
            (apiPorts, peerPorts) = (free[..total], free[total..]);
        }

        var genesisTime = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var consortium = new ConsortiumBuilder(suite, genesisTime);
        var hostedBy = DemoConsortium.Build(consortium, validators);
        var genesisValidators = new List<GenesisValidator>();
        var genesisNodes = new List<GenesisNode>();
        var manifestNodes = new List<NetworkNode>();
        for (var i = 0; i < total; i++)
        {
            var name = names[i];
            var isValidator = i < validators;
            var nodeDirectory = layout.NodeDirectory(name);
            System.IO.Directory.CreateDirectory(nodeDirectory);
            if (isValidator)
            {
                using var key = CryptoSuites.GenerateKey(suite);
                Crypto.Keystore.Encrypt(suite, key, password, scryptN).Save(Path.Combine(nodeDirectory, "validator.key"));
                genesisValidators.Add(new GenesisValidator { Name = name, PublicKey = Convert.ToHexStringLower(key.PublicKey), Power = 10, Organisation = DemoConsortium.ValidatorOrganisation(i) });
            }
            NetworkConfig? network = null;
            if (networked)
            {
                using var certificate = Network.NodeCertificates.Create(name);
                File.WriteAllBytes(Path.Combine(nodeDirectory, "node.p12"), Network.NodeCertificates.ExportPkcs12(certificate, password));
                genesisNodes.Add(new GenesisNode { Name = name, Certificate = Convert.ToBase64String(certificate.RawData) });
                network = new NetworkConfig
                {
                    Listen = $"127.0.0.1:{peerPorts[i]}",
                    Certificate = "node.p12",
                    Peers = Enumerable.Range(0, total).Where(j => j != i)
                        .Select(j => new PeerConfig { Name = names[j], Host = "127.0.0.1", Port = peerPorts[j] }).ToArray(),
                };
            }
            var url = $"http://127.0.0.1:{apiPorts[i]}";
            new NodeConfig
            {
                Name = name,
                Listen = url,
                Genesis = "../../genesis.json",
                DataDirectory = "data",
                ValidatorKey = isValidator ? "validator.key" : null,
                PasswordFile = "../../secrets/password",
                Network = network,
                Organisations = consortium.Organisations.Where(o => hostedBy(o.Id) == i || (i >= validators && hostedBy(o.Id) == 0))
                    .Select(o => new HostedOrganisation { Id = o.Id, DataKey = $"../../orgs/{o.Id}/data.key" }).ToArray(),
                // A demo network: the portal offers its users in a picker (a real organisation leaves this out).
                Portal = new PortalConfig
                {
                    DemoUsers = "../../keys",
                    DemoPasswordFile = "../../secrets/password",
                    DemoUserFiles = new Dictionary<string, string> { [DemoConsortium.OperatorAdmin] = $"../../keys/{AdminKeyName}.key" },
                },
            }.Save(nodeDirectory);
            manifestNodes.Add(new NetworkNode(name, Path.Combine("nodes", name), url, isValidator ? "validator" : "observer"));
        }

        // Every organisation's CA and data key, every user's key and certificate: encrypted with the demo password.
        var manifestOrganisations = new List<ConsortiumOrganisation>();
        foreach (var organisation in consortium.Organisations)
        {
            var directoryOfOrganisation = layout.OrganisationDirectory(organisation.Id);
            System.IO.Directory.CreateDirectory(directoryOfOrganisation);
            Crypto.Keystore.Encrypt(suite, organisation.CaKey, password, scryptN).Save(Path.Combine(directoryOfOrganisation, "ca.key"));
            File.WriteAllText(Path.Combine(directoryOfOrganisation, "ca.pem"), CertificateAuthority.ToPem(organisation.CaCertificate));
            Crypto.Keystore.Encrypt(suite, organisation.EncryptionKey, password, scryptN).Save(Path.Combine(directoryOfOrganisation, "data.key"));
            var users = new List<ConsortiumUser>();
            foreach (var user in consortium.Users.Where(u => u.Organisation == organisation.Id))
            {
                var keyPath = layout.UserKeyPath(user.Id);
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(keyPath)!);
                Crypto.Keystore.Encrypt(suite, user.Key, password, scryptN).Save(keyPath);
                File.WriteAllText(Path.ChangeExtension(keyPath, ".pem"), CertificateAuthority.ToPem(user.Certificate));
                users.Add(new ConsortiumUser(user.Name, Path.GetRelativePath(layout.Directory, keyPath), user.Roles));
            }
            manifestOrganisations.Add(new ConsortiumOrganisation(organisation.Id, organisation.Name, organisation.Kind,
                names[Math.Min(hostedBy(organisation.Id), total - 1)], users));
        }
        File.WriteAllText(layout.ConsortiumPath, JsonSerializer.Serialize(new ConsortiumManifest(manifestOrganisations), CliJsonContext.Default.ConsortiumManifest));

        var genesis = new GenesisDocument
        {
            ChainId = chainId,
            Suite = suite,
            GenesisTime = genesisTime,
            Validators = genesisValidators,
            Nodes = genesisNodes,
            Organisations = consortium.ToGenesis(),
        };
        genesis.Validate();
        File.WriteAllText(layout.GenesisPath, genesis.ToJson());
        File.WriteAllText(layout.NetworkPath, JsonSerializer.Serialize(new NetworkManifest(chainId, suite, manifestNodes), CliJsonContext.Default.NetworkManifest));
        return layout;
    }

    /// <summary>Ports the system picks as free now; a node binds them later (a small race the caller accepts).</summary>
    private static int[] FreePorts(int count)
    {
        // Hold every listener until all are picked, so the system cannot hand out one port twice.
        var listeners = Enumerable.Range(0, count).Select(_ =>
        {
            var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return listener;
        }).ToArray();
        var ports = listeners.Select(l => ((System.Net.IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var listener in listeners)
        {
            listener.Stop();
        }
        return ports;
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

/// <summary>The demo consortium's organisations and users, with where their keys are (consortium.json).</summary>
public sealed record ConsortiumManifest(IReadOnlyList<ConsortiumOrganisation> Organisations);

public sealed record ConsortiumOrganisation(string Id, string Name, string Kind, string Node, IReadOnlyList<ConsortiumUser> Users);

public sealed record ConsortiumUser(string Name, string Key, IReadOnlyList<string> Roles);

public sealed record NetworkNode(string Name, string Directory, string Url, string Role = "validator");

public sealed class CliException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(NetworkManifest))]
[JsonSerializable(typeof(ConsortiumManifest))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

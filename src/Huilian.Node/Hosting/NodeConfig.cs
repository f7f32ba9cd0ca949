using System.Text.Json;
using System.Text.Json.Serialization;
using Huilian.Consensus;
using Huilian.Ledger;

namespace Huilian.Node.Hosting;

/// <summary>
/// A node's configuration file (<c>node.json</c>). Relative paths are relative to the file's directory, so a
/// network directory can be moved as a whole.
/// </summary>
public sealed class NodeConfig
{
    public const string FileName = "node.json";

    public required string Name { get; init; }

    /// <summary>Where the API listens, e.g. http://127.0.0.1:26680. Port 0 picks a free port.</summary>
    public required string Listen { get; init; }

    public required string Genesis { get; init; }

    public string DataDirectory { get; init; } = "data";

    /// <summary>The validator's keystore; absent for an observer.</summary>
    public string? ValidatorKey { get; init; }

    /// <summary>A file holding the keystore password. HUILIAN_PASSWORD takes precedence when set.</summary>
    public string? PasswordFile { get; init; }

    public ConsensusConfig Consensus { get; init; } = new();

    /// <summary>Node-to-node transport; absent for a single-validator chain with no peers.</summary>
    public NetworkConfig? Network { get; init; }

    public MempoolConfig Mempool { get; init; } = new();

    public StorageConfig Storage { get; init; } = new();

    /// <summary>
    /// The organisations this node serves: their data-encryption keys (keystore files) let the node decrypt the
    /// confidential sections addressed to them, for their authenticated users only.
    /// </summary>
    public IReadOnlyList<HostedOrganisation> Organisations { get; init; } = [];

    /// <summary>The web portal's settings; absent: the portal runs with none (sign-in by keystore only).</summary>
    public PortalConfig? Portal { get; init; }

    [JsonIgnore]
    public string BaseDirectory { get; set; } = ".";

    /// <summary>The same configuration listening elsewhere (for `huilian up --port`).</summary>
    public NodeConfig WithListen(string listen) => new()
    {
        Name = Name,
        Listen = listen,
        Genesis = Genesis,
        DataDirectory = DataDirectory,
        ValidatorKey = ValidatorKey,
        PasswordFile = PasswordFile,
        Consensus = Consensus,
        Network = Network,
        Mempool = Mempool,
        Storage = Storage,
        Organisations = Organisations,
        Portal = Portal,
        BaseDirectory = BaseDirectory,
    };

    public string Resolve(string path) => Path.GetFullPath(Path.Combine(BaseDirectory, path));

    public static NodeConfig Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
        {
            throw new NodeConfigException($"No node configuration at {file}.");
        }
        try
        {
            var config = JsonSerializer.Deserialize(File.ReadAllText(file), NodeJsonContext.Default.NodeConfig)
                ?? throw new NodeConfigException($"{file} is empty.");
            config.BaseDirectory = Path.GetDirectoryName(Path.GetFullPath(file))!;
            return config;
        }
        catch (JsonException exception)
        {
            throw new NodeConfigException($"{file} is not a valid node configuration: {exception.Message}");
        }
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, NodeJsonContext.Default.NodeConfig));
    }

    public string ReadPassword()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("HUILIAN_PASSWORD");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }
        if (PasswordFile is null)
        {
            throw new NodeConfigException("The keystore password is needed: set HUILIAN_PASSWORD or passwordFile.");
        }
        var path = Resolve(PasswordFile);
        if (!File.Exists(path))
        {
            throw new NodeConfigException($"No password file at {path}; set HUILIAN_PASSWORD instead.");
        }
        return File.ReadAllText(path).TrimEnd('\r', '\n');
    }
}

/// <summary>Consensus timing. The defaults suit validators on one LAN or region.</summary>
public sealed class ConsensusConfig
{
    public long ProposeTimeoutMs { get; init; } = 3_000;

    public long ProposeTimeoutDeltaMs { get; init; } = 500;

    public long VoteTimeoutMs { get; init; } = 1_000;

    public long VoteTimeoutDeltaMs { get; init; } = 500;

    public long GossipIntervalMs { get; init; } = 200;

    public int TargetTransactions { get; init; } = 2_000;

    public long BatchWindowMs { get; init; } = 10;

    /// <summary>The most transactions in a block this node proposes (0: the genesis limit).</summary>
    public int ProposalTransactionsMax { get; init; }

    public long EmptyBlockIntervalMs { get; init; } = 1_000;

    public Huilian.Replica.ReplicaOptions ToOptions(string nodeName) => new()
    {
        NodeName = nodeName,
        Timeouts = new Huilian.Consensus.Tendermint.TimeoutConfig
        {
            ProposeBaseMs = ProposeTimeoutMs,
            ProposeDeltaMs = ProposeTimeoutDeltaMs,
            PrevoteBaseMs = VoteTimeoutMs,
            PrevoteDeltaMs = VoteTimeoutDeltaMs,
            PrecommitBaseMs = VoteTimeoutMs,
            PrecommitDeltaMs = VoteTimeoutDeltaMs,
        },
        GossipIntervalMs = GossipIntervalMs,
        TargetTransactions = TargetTransactions,
        BatchWindowMs = BatchWindowMs,
        ProposalTransactionsMax = ProposalTransactionsMax,
        EmptyBlockIntervalMs = EmptyBlockIntervalMs,
    };
}

/// <summary>Where this node listens for peers, its TLS certificate, and whom it dials.</summary>
public sealed class NetworkConfig
{
    /// <summary>host:port for peer connections, e.g. 127.0.0.1:26780.</summary>
    public required string Listen { get; init; }

    /// <summary>The node's TLS certificate with its key (PKCS#12, encrypted with the keystore password).</summary>
    public required string Certificate { get; init; }

    public IReadOnlyList<PeerConfig> Peers { get; init; } = [];
}

public sealed class PeerConfig
{
    public required string Name { get; init; }

    public required string Host { get; init; }

    public required int Port { get; init; }
}

public sealed class MempoolConfig
{
    public int TransactionsMax { get; init; } = 20_000;

    public long BytesMax { get; init; } = 128L * 1024 * 1024;

    public int PerSignerMax { get; init; } = 2_000;

    public MempoolOptions ToOptions() => new() { TransactionsMax = TransactionsMax, BytesMax = BytesMax, PerSignerMax = PerSignerMax };
}

public sealed class StorageConfig
{
    public long SnapshotAfterWrites { get; init; } = 200_000;

    public ChainOptions ToOptions() => new() { SnapshotAfterWrites = SnapshotAfterWrites };
}

/// <summary>An organisation a node serves, with the keystore file of its data-encryption key.</summary>
public sealed class HostedOrganisation
{
    public required string Id { get; init; }

    public required string DataKey { get; init; }
}

/// <summary>
/// The portal's settings. A demo network lists its users' keystores and their password here, so that the portal can
/// offer a picker of demo users; a real organisation leaves both out, and its users sign in with their own keystore.
/// </summary>
public sealed class PortalConfig
{
    /// <summary>A directory of keystores, &lt;org&gt;/&lt;user&gt;.key (the demo network's keys/), relative to node.json.</summary>
    public string? DemoUsers { get; init; }

    /// <summary>The file holding the demo keystores' password.</summary>
    public string? DemoPasswordFile { get; init; }

    /// <summary>Demo users whose keystores are elsewhere than &lt;org&gt;/&lt;user&gt;.key: org/user → keystore file.</summary>
    public IReadOnlyDictionary<string, string>? DemoUserFiles { get; init; }
}

public sealed class NodeConfigException(string message) : Exception(message);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(NodeConfig))]
internal sealed partial class NodeJsonContext : JsonSerializerContext;

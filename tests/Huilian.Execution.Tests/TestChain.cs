using System.Text;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Credit;
using Huilian.Execution.Modules.Governance;
using Huilian.Execution.Modules.Matching;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Evidence;
using Huilian.Execution.Modules.PolicyFinancing;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Execution.Tests;

/// <summary>
/// A tiny in-memory chain for execution tests, state in a dictionary. Its genesis is a small consortium: a regulator,
/// two banks, an enterprise and customs, each with an admin; <see cref="Admin"/> (the regulator's admin, also an
/// evidence recorder), <see cref="User"/> (a bank-a user with no roles) and <see cref="Stranger"/> (a key nobody
/// registered).
/// </summary>
internal sealed class TestChain
{
    public const string ChainId = "test-chain";
    public const long GenesisMs = 1_700_000_000_000;

    public TestChain(string suite = "intl")
        : this(suite, [], [], null)
    {
    }

    /// <summary>
    /// A variant: <paramref name="moreOrganisations"/> (id, kind) are added after the five founders, each with an
    /// "&lt;id&gt;/admin" holding organisation-admin; <paramref name="validatorOrganisations"/>, when not empty, names
    /// one validator per organisation (the first is <see cref="Validator"/>); <paramref name="configure"/> may
    /// change the genesis document before it is validated.
    /// </summary>
    public TestChain(string suite, IReadOnlyList<(string Id, string Kind)> moreOrganisations, IReadOnlyList<string> validatorOrganisations, Action<GenesisDocument>? configure)
    {
        Suite = CryptoSuites.Get(suite);
        Consortium = new ConsortiumBuilder(suite, DateTimeOffset.FromUnixTimeMilliseconds(GenesisMs));
        Consortium.AddOrganisation("regulator", "SAFE branch", OrganisationKinds.Regulator);
        Consortium.AddOrganisation("bank-a", "Bank A", OrganisationKinds.Bank);
        Consortium.AddOrganisation("bank-b", "Bank B", OrganisationKinds.Bank);
        Consortium.AddOrganisation("acme", "Acme Export Co", OrganisationKinds.Enterprise);
        Consortium.AddOrganisation("customs", "Customs", OrganisationKinds.Customs);
        Admin = Consortium.AddUser("regulator", "admin", [RoleNames.OrganisationAdmin, RoleNames.EvidenceRecorder]).Key;
        Consortium.AddUser("bank-a", "admin", [RoleNames.OrganisationAdmin]);
        Consortium.AddUser("bank-b", "admin", [RoleNames.OrganisationAdmin]);
        Consortium.AddUser("acme", "admin", [RoleNames.OrganisationAdmin]);
        Consortium.AddUser("customs", "admin", [RoleNames.OrganisationAdmin]);
        User = Consortium.AddUser("bank-a", "user", []).Key;
        foreach (var (id, kind) in moreOrganisations)
        {
            Consortium.AddOrganisation(id, id + " (" + kind + ")", kind);
            Consortium.AddUser(id, "admin", [RoleNames.OrganisationAdmin]);
        }
        Stranger = CryptoSuites.GenerateKey(suite);
        Validator = CryptoSuites.GenerateKey(suite);
        var validatorOrganisationIds = validatorOrganisations.Count == 0 ? ["regulator"] : validatorOrganisations;
        Genesis = new GenesisDocument
        {
            ChainId = ChainId,
            Suite = suite,
            GenesisTime = DateTimeOffset.FromUnixTimeMilliseconds(GenesisMs),
            Validators = validatorOrganisationIds.Select((organisation, i) => new GenesisValidator
            {
                Name = "v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                PublicKey = Convert.ToHexStringLower((i == 0 ? Validator : CryptoSuites.GenerateKey(suite)).PublicKey),
                Power = 1,
                Organisation = organisation,
            }).ToArray(),
            Organisations = Consortium.ToGenesis(),
        };
        configure?.Invoke(Genesis);
        Genesis.Validate();
        Engine = new ExecutionEngine(ChainId, Suite, Genesis.Parameters, new MembershipPolicy(), ChainModules());
        State = new DictionaryState();
        foreach (var write in Engine.GenesisWrites(Genesis))
        {
            State.Apply(write);
        }
    }

    public static IModule[] ChainModules() => [new MembershipModule(), new GovernanceModule(), new CreditModule(), new EvidenceModule(), new RegistryModule(), ReceivablesProcess.CreateModule(), PolicyFinancingProcess.CreateModule(), new MatchingModule()];

    public ConsortiumBuilder Consortium { get; }

    /// <summary>The signing key of a genesis user, e.g. "bank-a/admin".</summary>
    public ISigningKey Key(string user) => Consortium.User(user).Key;

    private readonly Dictionary<string, ulong> _nonces = [];

    /// <summary>A transaction by a genesis user with its next nonce (counted here, whether or not it commits).</summary>
    public Transaction Next(string user, string module, string action, string payload, ulong? expiry = null)
    {
        var key = Key(user);
        var nonce = _nonces.GetValueOrDefault(user) + 1;
        _nonces[user] = nonce;
        return Tx(key, nonce, module, action, payload, expiry ?? Height + 100);
    }

    /// <summary>Runs one transaction in its own block and returns its receipt (or throws if it was not included).</summary>
    public Receipt Run(Transaction transaction)
    {
        var (execution, refusals) = RunBlock(transaction);
        Assert.Null(refusals[0]);
        return execution.Receipts[0];
    }

    /// <summary>Registers a fresh user of <paramref name="organisation"/> through its admin; returns its key.</summary>
    public ISigningKey RegisterUser(string organisation, string name, params string[] roles)
    {
        var key = CryptoSuites.GenerateKey(Suite.Name);
        var certificate = Consortium.Organisation(organisation).Issue(key.PublicKey, name, DateTimeOffset.FromUnixTimeMilliseconds(GenesisMs - 1000), DateTimeOffset.FromUnixTimeMilliseconds(GenesisMs).AddYears(5));
        var receipt = Run(Next(organisation + "/admin", "membership", "register-user",
            $"{{\"name\":\"{name}\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[{string.Join(",", roles.Select(r => "\"" + r + "\""))}]}}"));
        Assert.True(receipt.Code == ResultCodes.Ok, receipt.Message);
        _keys[organisation + "/" + name] = key;
        return key;
    }

    private readonly Dictionary<string, ISigningKey> _keys = [];

    /// <summary>Makes <see cref="By"/> sign for <paramref name="user"/> ("org/name") with <paramref name="key"/> (nonces restart for a new key).</summary>
    public void UseKey(string user, ISigningKey key)
    {
        if (!_keys.TryGetValue(user, out var previous) || previous != key)
        {
            _nonces[user] = 0;
        }
        _keys[user] = key;
    }

    /// <summary>Resets the counted nonce of <paramref name="user"/> to the state's (after transactions that were not included).</summary>
    public void Resync(string user) => _nonces[user] = ExecutionEngine.ReadNonce(State, IdOf(KeyFor(user)));

    /// <summary>The key <see cref="By"/> signs with for <paramref name="user"/>.</summary>
    public ISigningKey KeyFor(string user) => _keys.TryGetValue(user, out var key) ? key : Key(user);

    /// <summary>The credentials (CA key, CA certificate, data-encryption key) of a founding organisation.</summary>
    public OrganisationCredentials Organisation(string id) => Consortium.Organisation(id);

    /// <summary>Every transaction offered to <see cref="RunBlock"/>, included or not, in order.</summary>
    public List<Transaction> Offered { get; } = [];

    /// <summary>Every receipt of every block run.</summary>
    public List<Receipt> Receipts { get; } = [];

    /// <summary>A transaction by a user registered with <see cref="RegisterUser"/>, with its next nonce.</summary>
    public Transaction By(string user, string module, string action, string payload)
    {
        var nonce = _nonces.GetValueOrDefault(user) + 1;
        _nonces[user] = nonce;
        return Tx(_keys.TryGetValue(user, out var key) ? key : Key(user), nonce, module, action, payload, Height + 100);
    }

    public ICryptoSuite Suite { get; }

    public ISigningKey Admin { get; }

    public ISigningKey User { get; }

    public ISigningKey Stranger { get; }

    public ISigningKey Validator { get; }

    public GenesisDocument Genesis { get; }

    public ExecutionEngine Engine { get; }

    public DictionaryState State { get; }

    public ulong Height { get; private set; }

    /// <summary>Added to every later block's time: lets a test jump forward (certificate expiry, grant periods).</summary>
    public long TimeOffsetMs { get; set; }

    public long NowMs => GenesisMs + ((long)Height * 1000) + TimeOffsetMs;

    public Transaction Tx(ISigningKey key, ulong nonce, string module, string action, string payload, ulong expiry = 100, string chainId = ChainId) =>
        Transaction.Create(Suite.Hash, key, chainId, nonce, expiry, module, action, Encoding.UTF8.GetBytes(payload));

    public static string EvidencePayload(Hash32 hash, string owner = "Acme", string type = "contract", string label = "c-1") =>
        $"{{\"hash\":\"{hash}\",\"owner\":\"{owner}\",\"type\":\"{type}\",\"label\":\"{label}\"}}";

    /// <summary>Executes one block of the given transactions and applies its writes; returns the execution.</summary>
    public (BlockExecution Execution, List<Refusal?> Refusals) RunBlock(params Transaction[] transactions)
    {
        Height++;
        var execution = Engine.BeginBlock(new BlockContext(ChainId, Height, GenesisMs + ((long)Height * 1000) + TimeOffsetMs, Validator.PublicKey), State);
        Offered.AddRange(transactions);
        var refusals = transactions.Select(execution.TryApply).ToList();
        Receipts.AddRange(execution.Receipts);
        foreach (var write in execution.WriteSet())
        {
            State.Apply(write);
        }
        return (execution, refusals);
    }

    public Hash32 IdOf(ISigningKey key) => Suite.Hash.Hash(key.PublicKey);
}

/// <summary>State as a sorted dictionary: enough for execution tests, independent of the storage tree.</summary>
internal sealed class DictionaryState : IStateReader
{
    private readonly SortedDictionary<byte[], byte[]> _entries = new(ByteArrayComparer.Instance);

    public int Count => _entries.Count;

    public byte[]? Get(ReadOnlySpan<byte> key) => _entries.TryGetValue(key.ToArray(), out var value) ? value : null;

    public void Apply(StateWrite write)
    {
        if (write.Value is null)
        {
            _entries.Remove(write.Key);
        }
        else
        {
            _entries[write.Key] = write.Value;
        }
    }

    public SortedDictionary<byte[], byte[]> Snapshot() => new(_entries, ByteArrayComparer.Instance);
}

using System.Globalization;
using System.Text;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Credit;
using Huilian.Execution.Modules.Evidence;
using Huilian.Execution.Modules.Governance;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Benchmarks;

/// <summary>
/// An execution engine with every module over an in-memory state, for the trade-finance benchmarks: a regulator,
/// customs, an enterprise and a bank whose users hold one role each (customs publisher, and the bank's clerks for
/// every step of export receivables financing). Blocks run through the engine as a validator runs them, signatures
/// aside (checked once on admission).
/// </summary>
internal sealed class TradeBench : IDisposable
{
    public const string ChainId = "bench-chain";
    public const long GenesisTimeMs = 1_700_000_000_000;

    private readonly ISigningKey _validator;
    private readonly Dictionary<string, ISigningKey> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ulong> _nonces = new(StringComparer.Ordinal);

    public TradeBench(string suite)
    {
        Suite = CryptoSuites.Get(suite);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(GenesisTimeMs);
        var consortium = new ConsortiumBuilder(suite, time);
        consortium.AddOrganisation("regulator", "Regulator", OrganisationKinds.Regulator);
        consortium.AddOrganisation("customs", "Customs", OrganisationKinds.Customs);
        consortium.AddOrganisation("acme", "Acme", OrganisationKinds.Enterprise);
        consortium.AddOrganisation("bank-a", "Bank A", OrganisationKinds.Bank);
        consortium.AddUser("regulator", "admin", ["organisation-admin"]);
        foreach (var (user, role) in new[]
        {
            ("customs/publisher", "customs-publisher"), ("bank-a/enabler", "enabling-clerk"), ("bank-a/proxy", "financing-proxy-clerk"),
            ("bank-a/acceptor", "financing-acceptance-clerk"), ("bank-a/reviewer", "financing-review-clerk"), ("bank-a/disburser", "financing-disbursement-clerk"),
            ("bank-a/repayer", "financing-repayment-clerk"),
        })
        {
            var parts = user.Split('/');
            _keys[user] = consortium.AddUser(parts[0], parts[1], [role]).Key;
        }
        _validator = CryptoSuites.GenerateKey(suite);
        var genesis = new GenesisDocument
        {
            ChainId = ChainId,
            Suite = suite,
            GenesisTime = time,
            Validators = [new GenesisValidator { Name = "v0", PublicKey = Convert.ToHexStringLower(_validator.PublicKey), Power = 1, Organisation = "regulator" }],
            Organisations = consortium.ToGenesis(),
            Parameters = new ConsensusParameters { BlockTransactionsMax = 2_000 },
        };
        genesis.Validate();
        Engine = new ExecutionEngine(ChainId, Suite, genesis.Parameters, new MembershipPolicy(),
            [new MembershipModule(), new GovernanceModule(), new CreditModule(), new EvidenceModule(), new RegistryModule(), ReceivablesProcess.CreateModule()]);
        State = new MemoryState();
        foreach (var write in Engine.GenesisWrites(genesis))
        {
            State.Apply(write);
        }
    }

    public ICryptoSuite Suite { get; }

    public ExecutionEngine Engine { get; }

    public MemoryState State { get; }

    public ulong Height { get; private set; }

    /// <summary>A transaction by <paramref name="user"/> with its next nonce.</summary>
    public Transaction Tx(string user, string module, string action, string payload)
    {
        var nonce = _nonces[user] = _nonces.GetValueOrDefault(user) + 1;
        return Transaction.Create(Suite.Hash, _keys[user], ChainId, nonce, Height + 1_000, module, action, Encoding.UTF8.GetBytes(payload));
    }

    /// <summary>Executes one block at the next height; commits it when asked (else the same block can run again).</summary>
    public BlockExecution Run(IReadOnlyList<Transaction> transactions, bool commit)
    {
        var height = Height + 1;
        var execution = Engine.BeginBlock(new BlockContext(ChainId, height, GenesisTimeMs + ((long)height * 1000), _validator.PublicKey), State);
        foreach (var transaction in transactions)
        {
            if (execution.TryApply(transaction) is { } refusal)
            {
                throw new InvalidOperationException($"Not included: {refusal.Code} {refusal.Message}");
            }
        }
        if (execution.Receipts.FirstOrDefault(r => r.Code != ResultCodes.Ok) is { } failed)
        {
            throw new InvalidOperationException($"Refused: {failed.Code} {failed.Message}");
        }
        if (commit)
        {
            foreach (var write in execution.WriteSet())
            {
                State.Apply(write);
            }
            Height = height;
        }
        return execution;
    }

    /// <summary>Runs <paramref name="transactions"/> in committed blocks of at most <paramref name="perBlock"/>.</summary>
    public void Commit(IEnumerable<Transaction> transactions, int perBlock = 1_000)
    {
        foreach (var block in transactions.Chunk(perBlock))
        {
            Run(block, commit: true);
        }
    }

    /// <summary>A customs declaration's publish item and the claimed fields a bank sends (verify or apply).</summary>
    public (string Key, string PublishItem, string Fields) Declaration(int index, ulong value)
    {
        const string type = DocumentTypes.CustomsDeclaration;
        var number = "2220" + index.ToString("D14", CultureInfo.InvariantCulture);
        var secret = "secret-" + number;
        var key = DocumentKeys.Key(Suite.Hash, type, number, secret).ToString();
        var fields = DocumentKeys.CommitmentsJson(Suite.Hash, type, number, secret, new Dictionary<string, string>
        {
            ["owner"] = "acme", ["goods"] = "8471.30 computers", ["export-date"] = "2026-11-02", ["port"] = "CNSHA",
        });
        return (key, $"{{\"key\":\"{key}\",\"type\":\"{type}\",\"value\":{value},\"currency\":\"USD\",\"fields\":{fields}}}", fields);
    }

    public void Dispose() => _validator.Dispose();

    /// <summary>State in a sorted dictionary.</summary>
    internal sealed class MemoryState : IStateReader
    {
        private readonly SortedDictionary<byte[], byte[]> _entries = new(ByteArrayComparer.Instance);

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
    }
}

using System.Text;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Accounts;
using Huilian.Execution.Modules.Evidence;

namespace Huilian.Execution.Tests;

/// <summary>A tiny in-memory chain for execution tests: a genesis with an admin and a plain user, state in a dictionary.</summary>
internal sealed class TestChain
{
    public const string ChainId = "test-chain";

    public TestChain(string suite = "intl")
    {
        Suite = CryptoSuites.Get(suite);
        Admin = CryptoSuites.GenerateKey(suite);
        User = CryptoSuites.GenerateKey(suite);
        Stranger = CryptoSuites.GenerateKey(suite);
        Validator = CryptoSuites.GenerateKey(suite);
        Genesis = new GenesisDocument
        {
            ChainId = ChainId,
            Suite = suite,
            GenesisTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            Validators = [new GenesisValidator { Name = "v0", PublicKey = Convert.ToHexStringLower(Validator.PublicKey), Power = 1 }],
            Accounts =
            [
                new GenesisAccount { Name = "admin", PublicKey = Convert.ToHexStringLower(Admin.PublicKey), Roles = ["admin", EvidenceModule.RecorderRole] },
                new GenesisAccount { Name = "user", PublicKey = Convert.ToHexStringLower(User.PublicKey), Roles = [] },
            ],
        };
        Engine = new ExecutionEngine(ChainId, Suite.Hash, Genesis.Parameters, new AccountRolePolicy(), [new AccountsModule(), new EvidenceModule()]);
        State = new DictionaryState();
        foreach (var write in Engine.GenesisWrites(Genesis))
        {
            State.Apply(write);
        }
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

    public Transaction Tx(ISigningKey key, ulong nonce, string module, string action, string payload, ulong expiry = 100, string chainId = ChainId) =>
        Transaction.Create(Suite.Hash, key, chainId, nonce, expiry, module, action, Encoding.UTF8.GetBytes(payload));

    public static string EvidencePayload(Hash32 hash, string owner = "Acme", string type = "contract", string label = "c-1") =>
        $"{{\"hash\":\"{hash}\",\"owner\":\"{owner}\",\"type\":\"{type}\",\"label\":\"{label}\"}}";

    /// <summary>Executes one block of the given transactions and applies its writes; returns the execution.</summary>
    public (BlockExecution Execution, List<Refusal?> Refusals) RunBlock(params Transaction[] transactions)
    {
        Height++;
        var execution = Engine.BeginBlock(new BlockContext(ChainId, Height, 1_700_000_000_000 + ((long)Height * 1000), Validator.PublicKey), State);
        var refusals = transactions.Select(execution.TryApply).ToList();
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

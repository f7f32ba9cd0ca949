using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Huilian.Core;
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
/// Batch verification (registry.verify) at execution level: one block of 50 verify transactions of 200 customs
/// declarations each (10,000 documents; every document claimed with its value, currency and all four field
/// commitments, all matching) on top of a state holding 110,000 published declarations — the number the seeds'
/// bank checked. Measures payload parsing, registry reads, commitment comparison and the verification records
/// written (one per transaction). Signatures are checked on admission, not here; the state is an in-memory sorted
/// dictionary, not the SQLite state tree, so this is the execution cost alone. Documents per second = 10,000 / mean.
/// </summary>
[MemoryDiagnoser]
public class RegistryVerificationBenchmarks
{
    private const int Published = 110_000;
    private const int PerTransaction = RegistryModule.VerifyBatchMax;
    private const int Transactions = 50;
    private const long GenesisTimeMs = 1_700_000_000_000;

    private ExecutionEngine _engine = null!;
    private MemoryState _state = null!;
    private Transaction[] _verifications = null!;
    private ISigningKey _validator = null!;

    [Params("intl", "gm")]
    public string Suite { get; set; } = "intl";

    [GlobalSetup]
    public void Setup()
    {
        var suite = CryptoSuites.Get(Suite);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(GenesisTimeMs);
        var consortium = new ConsortiumBuilder(Suite, time);
        consortium.AddOrganisation("regulator", "Regulator", OrganisationKinds.Regulator);
        consortium.AddOrganisation("customs", "Customs", OrganisationKinds.Customs);
        consortium.AddOrganisation("bank-a", "Bank A", OrganisationKinds.Bank);
        consortium.AddUser("regulator", "admin", ["organisation-admin"]);
        var publisher = consortium.AddUser("customs", "publisher", ["customs-publisher"]).Key;
        var reviewer = consortium.AddUser("bank-a", "reviewer", ["financing-review-clerk"]).Key;
        _validator = CryptoSuites.GenerateKey(Suite);
        var genesis = new GenesisDocument
        {
            ChainId = "bench-chain",
            Suite = Suite,
            GenesisTime = time,
            Validators = [new GenesisValidator { Name = "v0", PublicKey = Convert.ToHexStringLower(_validator.PublicKey), Power = 1, Organisation = "regulator" }],
            Organisations = consortium.ToGenesis(),
            Parameters = new ConsensusParameters { BlockTransactionsMax = 1_000 },
        };
        genesis.Validate();
        _engine = new ExecutionEngine(genesis.ChainId, suite, genesis.Parameters, new MembershipPolicy(),
            [new MembershipModule(), new GovernanceModule(), new CreditModule(), new EvidenceModule(), new RegistryModule(), ReceivablesProcess.CreateModule()]);
        _state = new MemoryState();
        foreach (var write in _engine.GenesisWrites(genesis))
        {
            _state.Apply(write);
        }

        // Publish the 110,000 declarations, 200 a transaction, in blocks of 50 transactions.
        var publishes = new List<Transaction>();
        var verifyItems = new List<string>();
        for (var batch = 0; batch < Published / PerTransaction; batch++)
        {
            var publishItems = new List<string>(PerTransaction);
            for (var i = 0; i < PerTransaction; i++)
            {
                var number = "2220" + ((batch * PerTransaction) + i).ToString("D14", CultureInfo.InvariantCulture);
                var (publish, verify) = Items(suite.Hash, number);
                publishItems.Add(publish);
                if (verifyItems.Count < PerTransaction * Transactions && (batch + i) % 11 == 0)
                {
                    verifyItems.Add(verify);
                }
            }
            publishes.Add(Transaction.Create(suite.Hash, publisher, genesis.ChainId, (ulong)batch + 1, 1_000, "registry", "publish-declaration",
                Encoding.UTF8.GetBytes("{\"documents\":[" + string.Join(",", publishItems) + "]}")));
        }
        ulong height = 0;
        foreach (var block in publishes.Chunk(Transactions))
        {
            height++;
            Run(block, height, commit: true);
        }
        if (verifyItems.Count != PerTransaction * Transactions)
        {
            throw new InvalidOperationException($"Set-up chose {verifyItems.Count} documents to verify.");
        }
        _verifications = verifyItems.Chunk(PerTransaction).Select((items, i) => Transaction.Create(suite.Hash, reviewer, genesis.ChainId, (ulong)i + 1, 1_000,
            "registry", "verify", Encoding.UTF8.GetBytes("{\"enterprise\":\"acme\",\"branch\":\"shanghai\",\"documents\":[" + string.Join(",", items) + "]}"))).ToArray();
        var check = Run(_verifications, height + 1, commit: false);
        if (check.Receipts.Any(r => r.Code != ResultCodes.Ok) || !Encoding.UTF8.GetString(check.Receipts[0].Result).Contains("\"matched\":200", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("The set-up verifications do not all match: " + Encoding.UTF8.GetString(check.Receipts[0].Result)[..120]);
        }
        Height = height + 1;
    }

    private ulong Height { get; set; }

    private static (string Publish, string Verify) Items(IHashFunction hash, string number)
    {
        const string type = DocumentTypes.CustomsDeclaration;
        var secret = "secret-" + number;
        var key = DocumentKeys.Key(hash, type, number, secret);
        var salt = DocumentKeys.Salt(hash, type, number, secret);
        var fields = string.Join(",", new[] { ("owner", "acme"), ("goods", "8471.30 computers"), ("export-date", "2026-11-02"), ("port", "CNSHA") }
            .Select(f => $"\"{f.Item1}\":\"{Convert.ToHexStringLower(DocumentKeys.Commit(hash, salt, f.Item1, f.Item2))}\""));
        var common = $"\"key\":\"{key}\",\"type\":\"{type}\",\"value\":10000000,\"currency\":\"USD\",\"fields\":{{{fields}}}";
        return ("{" + common + "}", "{" + common + "}");
    }

    private BlockExecution Run(IReadOnlyList<Transaction> transactions, ulong height, bool commit)
    {
        var execution = _engine.BeginBlock(new BlockContext("bench-chain", height, GenesisTimeMs + ((long)height * 1000), _validator.PublicKey), _state);
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
                _state.Apply(write);
            }
        }
        return execution;
    }

    /// <summary>Verifies 10,000 of the 110,000 published declarations (50 transactions of 200), without committing.</summary>
    [Benchmark]
    public int Verify10000Declarations() => Run(_verifications, Height, commit: false).Receipts.Count;

    [GlobalCleanup]
    public void Cleanup() => _validator.Dispose();

    /// <summary>State in a sorted dictionary.</summary>
    private sealed class MemoryState : IStateReader
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

using System.Text;
using BenchmarkDotNet.Attributes;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Ledger;

namespace Huilian.Benchmarks;

/// <summary>
/// Block application: Chain.BuildBlock of 1,000 evidence.record transactions from one registered signer on top of
/// genesis, on a solo chain set up as tests/Huilian.Ledger.Tests/LedgerFixture.cs does (ConsortiumBuilder.SoloOrganisation,
/// one validator). It executes every transaction, writes state, seals the new state version and computes the
/// transaction, receipt and evidence roots and the header hash. Signatures are not checked here (the node checks
/// them on admission), and nothing is committed, so every invocation builds the same block.
/// </summary>
[MemoryDiagnoser]
public class BlockBuildBenchmarks
{
    private const int Transactions = 1_000;
    private const long GenesisTimeMs = 1_700_000_000_000;

    private string _directory = null!;
    private ISigningKey _validator = null!;
    private ISigningKey _admin = null!;
    private Chain _chain = null!;
    private Transaction[] _transactions = null!;

    [Params("intl", "gm")]
    public string Suite { get; set; } = "intl";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "huilian-benchmarks", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _validator = CryptoSuites.GenerateKey(Suite);
        _admin = CryptoSuites.GenerateKey(Suite);
        var genesisTime = DateTimeOffset.FromUnixTimeMilliseconds(GenesisTimeMs);
        var genesis = new GenesisDocument
        {
            ChainId = "bench-chain",
            Suite = Suite,
            GenesisTime = genesisTime,
            Validators = [new GenesisValidator { Name = "v0", PublicKey = Convert.ToHexStringLower(_validator.PublicKey), Power = 10 }],
            Organisations = ConsortiumBuilder.SoloOrganisation(Suite, genesisTime, _admin),
            Parameters = new ConsensusParameters { BlockTransactionsMax = Transactions },
        };
        var setup = new ChainSetup(genesis);
        _chain = Chain.Open(setup, Path.Combine(_directory, "data"), new ChainOptions { Durable = false });
        _transactions = new Transaction[Transactions];
        for (var i = 0; i < Transactions; i++)
        {
            var documentHash = setup.Hash.Hash(BitConverter.GetBytes(i));
            var payload = Encoding.UTF8.GetBytes($"{{\"hash\":\"{documentHash}\",\"owner\":\"o\",\"type\":\"t\",\"label\":\"l\"}}");
            _transactions[i] = Transaction.Create(setup.Hash, _admin, setup.ChainId, (ulong)i + 1, 100, "evidence", "record", payload);
        }
        var proposal = _chain.BuildBlock(_transactions, GenesisTimeMs + 1000, _validator.PublicKey,
            (transaction, refusal) => throw new InvalidOperationException($"Transaction {transaction.Nonce} was refused: {refusal.Message}"));
        if (proposal.Transactions.Count != Transactions)
        {
            throw new InvalidOperationException($"The set-up block holds {proposal.Transactions.Count} transactions, not {Transactions}.");
        }
        if (proposal.Receipts.FirstOrDefault(r => r.Code != Receipt.OkCode) is { } failed)
        {
            throw new InvalidOperationException($"A set-up transaction failed: {failed.Code} {failed.Message}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _chain.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _validator.Dispose();
        _admin.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Benchmark]
    public BlockProposal BuildBlock() => _chain.BuildBlock(_transactions, GenesisTimeMs + 1000, _validator.PublicKey);
}

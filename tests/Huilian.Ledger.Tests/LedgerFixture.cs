using System.Text;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Modules.Evidence;

namespace Huilian.Ledger.Tests;

/// <summary>A solo chain in a temporary directory, with a validator key and an admin account that may record evidence.</summary>
internal sealed class LedgerFixture : IDisposable
{
    public LedgerFixture(string suite = "intl", ChainOptions? options = null)
    {
        Directory = Path.Combine(Path.GetTempPath(), "huilian-ledger-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Validator = CryptoSuites.GenerateKey(suite);
        Admin = CryptoSuites.GenerateKey(suite);
        Outsider = CryptoSuites.GenerateKey(suite);
        Consortium = new ConsortiumBuilder(suite, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        Consortium.AddOrganisation("regulator", "Regulator", OrganisationKinds.Regulator);
        Consortium.AddUser("regulator", "admin", ["organisation-admin", EvidenceModule.RecorderRole], Admin);
        Genesis = new GenesisDocument
        {
            ChainId = "ledger-test",
            Suite = suite,
            GenesisTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            Validators = [new GenesisValidator { Name = "v0", PublicKey = Convert.ToHexStringLower(Validator.PublicKey), Power = 10 }],
            Organisations = Consortium.ToGenesis(),
            Parameters = new ConsensusParameters { BlockTransactionsMax = 500 },
        };
        Setup = new ChainSetup(Genesis);
        Options = options ?? new ChainOptions();
        Chain = Chain.Open(Setup, DataDirectory, Options);
    }

    public string Directory { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    public ISigningKey Validator { get; }

    public ISigningKey Admin { get; }

    public ISigningKey Outsider { get; }

    /// <summary>The chain's one organisation (the regulator) with its CA, to issue more users' certificates.</summary>
    public ConsortiumBuilder Consortium { get; }

    /// <summary>A membership.register-user payload for <paramref name="key"/> with a certificate of the regulator's CA.</summary>
    public string RegisterUserPayload(ISigningKey key, string name, params string[] roles) =>
        $"{{\"name\":\"{name}\",\"certificate\":\"{Convert.ToBase64String(Consortium.Organisation("regulator").Issue(key.PublicKey, name, DateTimeOffset.FromUnixTimeMilliseconds(1_699_000_000_000), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000).AddYears(10)))}\",\"roles\":[{string.Join(",", roles.Select(r => $"\"{r}\""))}]}}";

    public GenesisDocument Genesis { get; }

    public ChainSetup Setup { get; }

    public ChainOptions Options { get; }

    public Chain Chain { get; private set; }

    private ulong _nonce;

    public long TimeMs { get; private set; } = 1_700_000_000_000;

    public Transaction Evidence(Hash32 hash, ISigningKey? key = null, ulong? nonce = null, ulong? expiry = null) =>
        Transaction.Create(Setup.Hash, key ?? Admin, Setup.ChainId, nonce ?? ++_nonce, expiry ?? Chain.Head.Height + 100, "evidence", "record",
            Encoding.UTF8.GetBytes($"{{\"hash\":\"{hash}\",\"owner\":\"o\",\"type\":\"t\",\"label\":\"l\"}}"));

    public static Hash32 HashOf(int i)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes, i);
        bytes[31] = 0x5a;
        return new Hash32(bytes);
    }

    public CommitCertificate Sign(BlockProposal proposal) =>
        new(proposal.Height, 0, proposal.Hash, [new CommitSignature(0, Validator.Sign(VoteSigning.PrecommitBytes(Setup.ChainId, proposal.Height, 0, proposal.Hash)))]);

    /// <summary>Builds, signs and commits a block of <paramref name="transactions"/>.</summary>
    public CommittedBlock CommitBlock(params Transaction[] transactions)
    {
        TimeMs += 1000;
        var proposal = Chain.BuildBlock(transactions, TimeMs, Validator.PublicKey);
        return Chain.Commit(proposal, Sign(proposal));
    }

    /// <summary>Commits <paramref name="blocks"/> blocks of <paramref name="perBlock"/> evidence records each.</summary>
    public void CommitEvidenceBlocks(int blocks, int perBlock, int start = 0)
    {
        var i = start;
        for (var b = 0; b < blocks; b++)
        {
            var transactions = new Transaction[perBlock];
            for (var t = 0; t < perBlock; t++)
            {
                transactions[t] = Evidence(HashOf(i++));
            }
            CommitBlock(transactions);
        }
    }

    public void Reopen(IProgress<ChainCheckProgress>? progress = null)
    {
        Chain.Dispose();
        Chain = Chain.Open(Setup, DataDirectory, Options, progress);
    }

    public void Close() => Chain.Dispose();

    public void Dispose()
    {
        Chain.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

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

    /// <summary>A governance transaction by the admin (the regulator's: its vote alone passes a proposal here).</summary>
    public Transaction Governance(string action, string payload) =>
        Transaction.Create(Setup.Hash, Admin, Setup.ChainId, ++_nonce, Chain.Head.Height + 100, "gov", action, Encoding.UTF8.GetBytes(payload));

    public static Hash32 HashOf(int i)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes, i);
        bytes[31] = 0x5a;
        return new Hash32(bytes);
    }

    /// <summary>Validator keys the fixture signs with besides <see cref="Validator"/> (for sets governance changed).</summary>
    public List<ISigningKey> OtherValidators { get; } = [];

    /// <summary>A certificate signed by every key the fixture holds that is in the set deciding the proposal's height.</summary>
    public CommitCertificate Sign(BlockProposal proposal)
    {
        var set = Chain.ValidatorsAt(proposal.Height);
        var bytes = VoteSigning.PrecommitBytes(Setup.ChainId, proposal.Height, 0, proposal.Hash);
        var signatures = new List<CommitSignature>();
        foreach (var key in OtherValidators.Prepend(Validator))
        {
            if (set.IndexOf(key.PublicKey) is var index and >= 0)
            {
                signatures.Add(new CommitSignature((uint)index, key.Sign(bytes)));
            }
        }
        return new(proposal.Height, 0, proposal.Hash, signatures.OrderBy(s => s.ValidatorIndex).ToArray());
    }

    /// <summary>Builds, signs and commits a block of <paramref name="transactions"/>.</summary>
    public CommittedBlock CommitBlock(params Transaction[] transactions)
    {
        TimeMs += 1000;
        var set = Chain.ValidatorsAt(Chain.Head.Height + 1);
        var proposer = OtherValidators.Prepend(Validator).First(k => set.IndexOf(k.PublicKey) >= 0);
        var proposal = Chain.BuildBlock(transactions, TimeMs, proposer.PublicKey);
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

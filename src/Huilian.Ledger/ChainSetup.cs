using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Matching;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Governance;
using Huilian.Execution.Modules.Credit;
using Huilian.Execution.Modules.Evidence;
using Huilian.Execution.Modules.PolicyFinancing;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Ledger;

/// <summary>What every node of a chain derives from its genesis file: suite, validators, execution engine.</summary>
public sealed class ChainSetup
{
    public ChainSetup(GenesisDocument genesis, IEnumerable<IModule>? modules = null, IPermissionPolicy? policy = null)
    {
        Genesis = genesis;
        Suite = CryptoSuites.Get(genesis.Suite);
        GenesisHash = genesis.ComputeHash(Suite.Hash);
        GenesisValidators = genesis.CreateValidatorSet(Suite.Hash);
        Engine = new ExecutionEngine(genesis.ChainId, Suite, genesis.Parameters, policy ?? new MembershipPolicy(),
            modules ?? DefaultModules());
    }

    public GenesisDocument Genesis { get; }

    public ICryptoSuite Suite { get; }

    public IHashFunction Hash => Suite.Hash;

    public Hash32 GenesisHash { get; }

    /// <summary>The validators genesis names: they decide height 1. Governance may change the set later; ask <see cref="Chain.ValidatorsAt"/>.</summary>
    public ValidatorSet GenesisValidators { get; }

    public ExecutionEngine Engine { get; }

    public string ChainId => Genesis.ChainId;

    public static IReadOnlyList<IModule> DefaultModules() =>
    [
        new MembershipModule(), new GovernanceModule(), new CreditModule(), new EvidenceModule(),
        new RegistryModule(), ReceivablesProcess.CreateModule(), PolicyFinancingProcess.CreateModule(), new MatchingModule(),
    ];

    public static ChainSetup FromFile(string genesisPath)
    {
        if (!File.Exists(genesisPath))
        {
            throw new GenesisException($"No genesis file at {genesisPath}.");
        }
        return new ChainSetup(GenesisDocument.Parse(File.ReadAllText(genesisPath)));
    }
}

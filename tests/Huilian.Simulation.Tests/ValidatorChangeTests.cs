using Huilian.Core.Ledger;
using Huilian.Ledger;
using Microsoft.Data.Sqlite;

namespace Huilian.Simulation.Tests;

// Validator-set changes by governance (ADR 0012), run on the simulator with real replicas and chains. Each test
// shows the change took effect by what only the new set can do: an added validator's votes carry the chain when an
// original one is down (without them the rest lack a quorum); a raised power lets two of four validators commit; a
// removed validator (the equivocator, in one case) signs nothing from the height after the change. Headers switch to
// the new set's hash exactly one height after the block that applied the decision. Restarted nodes rebuild the set
// history from their stores, and a damaged history row stops a node from opening. Under the seed's crashes,
// partitions and drops, adding and removing validators keeps one chain and its progress.
public sealed class ValidatorChangeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "huilian-simulation-tests");
    private readonly List<Simulation> _simulations = [];

    private Simulation Make(int seed, int standby = 0, ByzantineBehavior byzantine = ByzantineBehavior.None)
    {
        var simulation = new Simulation(new SimulationConfig { Seed = seed, Standby = standby, Byzantine = byzantine, WorkDirectory = _directory, DelayMaxMs = 40 });
        _simulations.Add(simulation);
        return simulation;
    }

    /// <summary>The first height decided by a set other than genesis's, checked to be one above the block that applied the change.</summary>
    private static ulong FirstHeightOfNewSet(Chain chain, ValidatorSet before)
    {
        for (var height = 1UL; height <= chain.Head.Height; height++)
        {
            var header = BlockHeader.Decode(chain.GetBlock(height)!.Header);
            if (header.ValidatorSetHash != before.Hash)
            {
                // The block before it applied the decision: its state holds the new set, its header the old one.
                Assert.Equal(before.Hash, BlockHeader.Decode(chain.GetBlock(height - 1)!.Header).ValidatorSetHash);
                Assert.Equal(chain.ValidatorsAt(height).Hash, header.ValidatorSetHash);
                return height;
            }
        }
        throw new Xunit.Sdk.XunitException("No block was decided by a new validator set.");
    }

    private static IEnumerable<CommitSignature> SignaturesFrom(Chain chain, ulong fromHeight) =>
        Enumerable.Range((int)fromHeight, (int)(chain.Head.Height - fromHeight + 1))
            .SelectMany(h => CommitCertificate.Decode(chain.GetBlock((ulong)h)!.Commit).Signatures);

    [Fact]
    public void AnAddedValidatorVotesAndCarriesTheChainWhileAnOriginalIsDown()
    {
        var simulation = Make(61, standby: 1);
        simulation.StartQuiet();
        simulation.RunUntil(3_000);
        Assert.Equal(-1, simulation.ReplicaOf("standby0").ValidatorIndex);
        simulation.ProposeValidatorChange("add-validator", "standby0");
        simulation.RunUntil(9_000);
        Assert.Null(simulation.Failure);
        Assert.Equal(2, simulation.GovernanceReceipts.Count);
        var chain = simulation.ChainOf("node0");
        var genesis = chain.Setup.GenesisValidators;
        Assert.Equal(5, chain.NextValidators.Count);
        Assert.Equal(4, chain.NextValidators.IndexOf(simulation.KeyOf("standby0").PublicKey));
        Assert.Equal(4, simulation.ReplicaOf("standby0").ValidatorIndex);
        var first = FirstHeightOfNewSet(chain, genesis);
        Assert.Contains(SignaturesFrom(chain, first), s => s.ValidatorIndex == 4);

        // Five validators of power 10 need 34: with node0 down, the three other originals (30) cannot commit alone.
        simulation.CrashNode("node0");
        var before = simulation.ChainOf("node1").Head.Height;
        simulation.RunUntil(19_000);
        Assert.Null(simulation.Failure);
        var after = simulation.ChainOf("node1").Head.Height;
        Assert.True(after >= before + 3, $"the chain went from {before} to {after} with node0 down");
        Assert.All(Enumerable.Range((int)before + 1, (int)(after - before)).Select(h => CommitCertificate.Decode(simulation.ChainOf("node1").GetBlock((ulong)h)!.Commit)),
            commit => Assert.Contains(commit.Signatures, s => s.ValidatorIndex == 4));

        // node0 reopens its store, rebuilds the set history from it, and catches up.
        simulation.RestartNode("node0");
        simulation.RunUntil(27_000);
        Assert.Null(simulation.Failure);
        Assert.True(simulation.ChainOf("node0").Head.Height >= after);
        Assert.Equal(simulation.ChainOf("node1").GetBlock(after)!.Hash, simulation.ChainOf("node0").GetBlock(after)!.Hash);
        Assert.Equal(5, simulation.ChainOf("node0").NextValidators.Count);
    }

    [Fact]
    public void RaisingAValidatorsPowerLetsItAndOneOtherCommit()
    {
        var simulation = Make(62);
        simulation.StartQuiet();
        simulation.RunUntil(3_000);
        simulation.ProposeValidatorChange("set-validator-power", "node0", power: 40);
        simulation.RunUntil(9_000);
        Assert.Null(simulation.Failure);
        var chain = simulation.ChainOf("node3");
        Assert.Equal(70UL, chain.NextValidators.TotalPower);
        FirstHeightOfNewSet(chain, chain.Setup.GenesisValidators);

        // Total 70 needs 47: node0 (40) and node3 (10) have 50. Under the genesis powers two of four could not.
        simulation.CrashNode("node1");
        simulation.CrashNode("node2");
        var before = simulation.ChainOf("node3").Head.Height;
        simulation.RunUntil(20_000);
        Assert.Null(simulation.Failure);
        Assert.True(simulation.ChainOf("node3").Head.Height >= before + 3, $"the chain went from {before} to {simulation.ChainOf("node3").Head.Height}");
    }

    [Fact]
    public void ARemovedValidatorSignsNothingAfterTheChangeAndKeepsFollowing()
    {
        var simulation = Make(63);
        simulation.StartQuiet();
        simulation.RunUntil(3_000);
        var removedKey = simulation.KeyOf("node0").PublicKey;
        simulation.ProposeValidatorChange("remove-validator", "node0");
        simulation.RunUntil(14_000);
        Assert.Null(simulation.Failure);
        var chain = simulation.ChainOf("node1");
        Assert.Equal(3, chain.NextValidators.Count);
        Assert.Equal(-1, chain.NextValidators.IndexOf(removedKey));
        Assert.Equal(-1, simulation.ReplicaOf("node0").ValidatorIndex);
        var first = FirstHeightOfNewSet(chain, chain.Setup.GenesisValidators);
        Assert.True(chain.Head.Height >= first + 3, "the three remaining validators go on");
        // Removing index 0 shifts the others down: every certificate after the change verifies only under the new set.
        for (var height = first; height <= chain.Head.Height; height++)
        {
            var block = chain.GetBlock(height)!;
            var commit = CommitCertificate.Decode(block.Commit);
            Assert.All(commit.Signatures, s => Assert.True(s.ValidatorIndex < 3));
            Assert.Null(chain.ValidatorsAt(height).VerifyCommit(chain.Setup.ChainId, height, block.Hash, commit, chain.Setup.Suite.Signatures));
            Assert.NotNull(chain.Setup.GenesisValidators.VerifyCommit(chain.Setup.ChainId, height, block.Hash, commit, chain.Setup.Suite.Signatures));
        }
        var follower = simulation.ChainOf("node0");
        Assert.True(follower.Head.Height + 1 >= chain.Head.Height, "the removed validator's node follows as an observer");
    }

    [Fact]
    public void TheEquivocatorIsRemovedByGovernance()
    {
        var simulation = Make(64, byzantine: ByzantineBehavior.Equivocate);
        simulation.StartQuiet();
        simulation.RunUntil(6_000);
        var honest = new[] { "node0", "node1", "node2", "node3" }.First(n => simulation.ChainOf(n).Misbehavior.Count > 0);
        var chain = simulation.ChainOf(honest);
        var evidence = chain.Misbehavior[0].Evidence;
        var equivocator = chain.ValidatorsAt(evidence.First.Height).Validators[(int)evidence.First.ValidatorIndex];
        simulation.ProposeValidatorChange("remove-validator", equivocator.Name);
        simulation.RunUntil(20_000);
        Assert.Null(simulation.Failure);
        chain = simulation.ChainOf(honest);
        Assert.Equal(-1, chain.NextValidators.IndexOf(equivocator.PublicKey));
        var first = FirstHeightOfNewSet(chain, chain.Setup.GenesisValidators);
        Assert.True(chain.Head.Height >= first + 3);
        // Its evidence stops at the change: it has no vote to double from then on.
        Assert.All(chain.Misbehavior, m => Assert.True(m.Evidence.First.Height < first, $"evidence from height {m.Evidence.First.Height}, after the change at {first}"));
    }

    [Fact]
    public void ADamagedValidatorSetHistoryStopsTheNodeFromOpening()
    {
        var simulation = Make(65);
        simulation.StartQuiet();
        simulation.RunUntil(3_000);
        simulation.ProposeValidatorChange("set-validator-power", "node2", power: 15);
        simulation.RunUntil(9_000);
        Assert.Null(simulation.Failure);
        var setup = simulation.ChainOf("node1").Setup;
        simulation.CrashNode("node1");
        var path = Path.Combine(_directory, Directory.GetDirectories(_directory, "seed-65-*").Single(), "node1", "data");
        var database = Directory.GetFiles(path, "*.db").Single();
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE validator_sets SET validator_set = $set";
            command.Parameters.AddWithValue("$set", setup.GenesisValidators.EncodeState());
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        var broken = Assert.Throws<ChainCorruptionException>(() => Chain.Open(setup, path, new ChainOptions { Durable = false }).Dispose());
        Assert.Equal("ValidatorSetHistoryDamaged", broken.Code);
    }

    [Theory]
    [InlineData(71)]
    [InlineData(72)]
    [InlineData(73)]
    public void AddingAndRemovingValidatorsUnderFaultsKeepsOneChainAndProgress(int seed)
    {
        using var simulation = new Simulation(SimulationConfig.Mixed(seed, _directory) with { Standby = 1, ValidatorChanges = true });
        var result = simulation.Run();
        Assert.True(result.Failure is null, $"{result.Config}: {result.Failure}\n{string.Join("\n", result.LogTail)}");
        var applied = simulation.GovernanceReceipts.Where(r => r.Description.StartsWith("vote", StringComparison.Ordinal)).ToArray();
        Assert.True(applied.Length == 2, $"{result.Config}: both changes were decided ({string.Join("; ", simulation.GovernanceReceipts.Select(r => r.Description))})\n{string.Join("\n", result.LogTail)}");
        var latest = simulation.LatestValidators();
        Assert.Equal(result.Config.Validators, latest.Count);
        Assert.True(latest.IndexOf(simulation.KeyOf("standby0").PublicKey) >= 0);
    }

    public void Dispose()
    {
        foreach (var simulation in _simulations)
        {
            simulation.Dispose();
        }
    }
}

using Huilian.Consensus.Tendermint;
using Huilian.Core;
using Huilian.Core.Ledger;
using Huilian.Crypto;

namespace Huilian.Consensus.Tests;

/// <summary>
/// Several <see cref="TendermintMachine"/>s wired together by hand: every signed message goes to a queue that the
/// test delivers (all, some, in any order), timeouts fire only when the test says so. Signatures are placeholders:
/// the machine trusts its driver to have checked them.
/// </summary>
internal sealed class MachineHarness
{
    private readonly List<(int To, ConsensusInput Input)> _queue = [];

    public MachineHarness(int validators, int observers = 0, Func<ulong, uint, int, Hash32>? valueFor = null)
    {
        Validators = new ValidatorSet(Enumerable.Range(0, validators)
            .Select(i => new Validator($"v{i}", Key(i), 10)), IntlSuite.Instance.Hash);
        Machines = Enumerable.Range(0, validators + observers)
            .Select(i => new TendermintMachine(Validators, i < validators ? i : -1, new TimeoutConfig()))
            .ToArray();
        ValueFor = valueFor ?? ((height, round, proposer) => HashOf(height, round, proposer));
    }

    public ValidatorSet Validators { get; }

    public TendermintMachine[] Machines { get; }

    public Func<ulong, uint, int, Hash32> ValueFor { get; set; }

    /// <summary>Proposers get no value above this height, so a run settles instead of deciding forever.</summary>
    public ulong MaxHeight { get; set; } = 1;

    /// <summary>Blocks each machine judges invalid; everything else is valid.</summary>
    public HashSet<(int Machine, Hash32 Block)> Invalid { get; } = [];

    public List<(int Machine, Decide Decision)> Decisions { get; } = [];

    public List<(int Machine, ReportEquivocation Report)> Equivocations { get; } = [];

    public List<(int Machine, ScheduleTimeout Timeout)> Timeouts { get; } = [];

    public List<(int Machine, Vote Vote)> SignedVotes { get; } = [];

    public int Pending => _queue.Count;

    public static Hash32 HashOf(ulong height, uint round, int proposer)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), height);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 4), round);
        BitConverter.TryWriteBytes(bytes.AsSpan(12, 4), proposer);
        bytes[31] = 1;
        return new Hash32(bytes);
    }

    /// <summary>The validator sets governance installs: from each height on, the set given (machines find themselves by key).</summary>
    public SortedDictionary<ulong, ValidatorSet> SetChanges { get; } = [];

    /// <summary>When false, a machine that decides is left waiting, as a replica whose commit has not finished.</summary>
    public bool AdvanceAfterDecide { get; set; } = true;

    public static byte[] KeyOf(int machine) => Key(machine);

    private static byte[] Key(int i)
    {
        var key = new byte[65];
        key[0] = 4;
        key[1] = (byte)(i + 1);
        return key;
    }

    public void StartAll(ulong height)
    {
        for (var i = 0; i < Machines.Length; i++)
        {
            Feed(i, new StartHeightInput(height));
        }
    }

    /// <summary>Gives one input to one machine and routes what it does.</summary>
    public void Feed(int machine, ConsensusInput input)
    {
        foreach (var action in Machines[machine].Handle(input))
        {
            Route(machine, action);
        }
    }

    /// <summary>Delivers queued messages (those <paramref name="filter"/> lets through) until none is left.</summary>
    public void DeliverAll(Func<int, ConsensusInput, bool>? filter = null, int stepsMax = 100_000)
    {
        for (var steps = 0; steps < stepsMax; steps++)
        {
            var index = _queue.FindIndex(item => filter?.Invoke(item.To, item.Input) ?? true);
            if (index < 0)
            {
                return;
            }
            var (to, input) = _queue[index];
            _queue.RemoveAt(index);
            Feed(to, input);
        }
        throw new InvalidOperationException("The harness did not settle.");
    }

    public void DropAll(Func<int, ConsensusInput, bool> filter) => _queue.RemoveAll(item => filter(item.To, item.Input));

    /// <summary>Fires the latest scheduled timeout of a kind on every machine still at that height and round.</summary>
    public void FireTimeouts(TimeoutKind kind)
    {
        for (var i = 0; i < Machines.Length; i++)
        {
            var machine = Machines[i];
            Feed(i, new TimeoutInput(kind, machine.Height, machine.Round));
        }
    }

    private void Route(int from, ConsensusAction action)
    {
        switch (action)
        {
            case RequestValue request when request.Height > MaxHeight:
                break;
            case RequestValue request:
                var value = ValueFor(request.Height, request.Round, from);
                Feed(from, new ValueInput(request.Height, request.Round, value));
                break;
            case SignProposal sign:
                var proposal = sign.Proposal with { Signature = [1] };
                for (var i = 0; i < Machines.Length; i++)
                {
                    _queue.Add((i, new ProposalInput(proposal, !Invalid.Contains((i, proposal.BlockHash)))));
                }
                break;
            case SignVote sign:
                var vote = sign.Vote with { Signature = [2, (byte)from] };
                SignedVotes.Add((from, vote));
                for (var i = 0; i < Machines.Length; i++)
                {
                    _queue.Add((i, new VoteInput(vote)));
                }
                break;
            case Decide decide:
                Decisions.Add((from, decide));
                // As the replica does once the block is committed: the next height, with its validator set.
                if (!AdvanceAfterDecide)
                {
                    break;
                }
                if (SetChanges.TryGetValue(decide.Height + 1, out var set))
                {
                    Feed(from, new StartHeightInput(decide.Height + 1, null, set, set.IndexOf(Key(from))));
                }
                else
                {
                    Feed(from, new StartHeightInput(decide.Height + 1));
                }
                break;
            case ReportEquivocation report:
                Equivocations.Add((from, report));
                break;
            case ScheduleTimeout timeout:
                Timeouts.Add((from, timeout));
                break;
        }
    }
}

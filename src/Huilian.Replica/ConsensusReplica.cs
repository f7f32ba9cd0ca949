using Huilian.Consensus.Tendermint;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Ledger;
using Huilian.Execution.Host;
using Huilian.Ledger;
using Huilian.Replica.Wire;

namespace Huilian.Replica;

/// <summary>
/// One replica of the chain: the driver around <see cref="TendermintMachine"/>. It turns peer messages into
/// machine inputs (after checking signatures and executing proposed blocks), performs the machine's actions
/// (signing through the <see cref="SignGuard"/>, broadcasting, scheduling timeouts, committing decided blocks),
/// gossips what peers lack, and syncs blocks when it has fallen behind. Single-threaded: every entry point is
/// called on one thread, one at a time; time comes only from <see cref="IReplicaEnvironment.NowMs"/>.
/// </summary>
public sealed class ConsensusReplica
{
    private const int ProposalsKeptPerHeightMax = 64;

    private readonly ReplicaOptions _options;
    private readonly Chain _chain;
    private readonly Mempool _mempool;
    private readonly SignGuard? _guard;
    private readonly IReplicaEnvironment _env;
    private readonly TendermintMachine _machine;
    private readonly Dictionary<Hash32, BlockProposal> _blocks = [];
    private readonly Dictionary<(uint Round, Hash32 Hash), ProposalMessage> _proposalMessages = [];
    private readonly HashSet<(VoteType, uint Round, uint Validator, Hash32 Hash)> _seenVotes = [];
    private readonly List<(string Peer, WireMessage Message)> _future = [];
    private readonly Dictionary<string, StatusMessage> _peerStatus = new(StringComparer.Ordinal);
    private readonly Dictionary<Hash32, DuplicateVoteEvidence> _evidencePool = [];
    private readonly Dictionary<(string Peer, uint Round), long> _proposalSentAt = [];
    private (ulong Height, uint Round, long RequestedAtMs)? _pendingValue;
    private (string Peer, ulong FromHeight, long SentAtMs)? _syncRequest;
    private long _valueTimerDueMs = long.MaxValue;
    private Hash32 _lockedBlockKept;
    private bool _started;

    public ConsensusReplica(ReplicaOptions options, Chain chain, Mempool mempool, SignGuard? guard, IReplicaEnvironment environment)
    {
        _options = options;
        _chain = chain;
        _mempool = mempool;
        _guard = guard;
        _env = environment;
        // A key that is not (or no longer, or not yet) in the set makes an observer until a governance decision
        // adds it (ADR 0012): the set is looked up again at every height.
        var validators = chain.NextValidators;
        _machine = new TendermintMachine(validators, SelfIndexIn(validators), options.Timeouts);
    }

    public TendermintMachine Machine => _machine;

    /// <summary>This node's index in the current height's validator set, or −1 when it does not vote at this height.</summary>
    public int ValidatorIndex => _machine.SelfIndex;

    private int SelfIndexIn(ValidatorSet validators) => _guard is null ? -1 : validators.IndexOf(_guard.PublicKey);

    /// <summary>Starts <paramref name="height"/> in the machine with that height's validator set.</summary>
    private StartHeightInput StartHeight(ulong height, RestoredState? restore = null)
    {
        var validators = _chain.ValidatorsAt(height);
        return new StartHeightInput(height, restore, validators, SelfIndexIn(validators));
    }

    public IReadOnlyDictionary<string, StatusMessage> PeerStatus => _peerStatus;

    public int EvidencePending => _evidencePool.Count;

    /// <summary>Whether <see cref="Start"/> resumed a height this validator had signed in before a restart.</summary>
    public bool Resumed { get; private set; }

    /// <summary>Takes a picture of the replica for other threads; call it on the replica's thread.</summary>
    public ReplicaSnapshot Snapshot()
    {
        var round = _machine.Round;
        var validators = _machine.Validators.Validators;
        var prevotes = _machine.Votes(round, VoteType.Prevote);
        var precommits = _machine.Votes(round, VoteType.Precommit);
        var votes = new ValidatorVotes[validators.Count];
        for (var i = 0; i < votes.Length; i++)
        {
            votes[i] = new ValidatorVotes((uint)i, validators[i].Name, validators[i].Power,
                ReplicaSnapshot.Describe(prevotes?.Of((uint)i)), ReplicaSnapshot.Describe(precommits?.Of((uint)i)));
        }
        var peers = _peerStatus.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new PeerConsensusView(p.Key, p.Value.CommittedHeight, p.Value.Height, p.Value.Round,
                ReplicaSnapshot.StepName((Step)Math.Min(p.Value.Step, (byte)Step.Precommit))))
            .ToArray();
        return new ReplicaSnapshot(_chain.Head.Height, _machine.Height, round, ReplicaSnapshot.StepName(_machine.Step),
            _machine.LockedRound, _machine.ValidRound, _machine.Proposer(_machine.Height, round), _machine.ProposalAt(round) is not null,
            ValidatorIndex, votes, peers, _evidencePool.Count, _syncRequest is not null);
    }

    private string ChainId => _chain.Setup.ChainId;

    public void Start()
    {
        if (_started)
        {
            return;
        }
        _started = true;
        _env.Log(ReplicaLogLevel.Information, $"{_options.NodeName}: starting consensus at height {_chain.Head.Height + 1} as {(ValidatorIndex >= 0 ? $"validator {ValidatorIndex}" : "observer")}.");
        if (!Resume())
        {
            Feed(StartHeight(_chain.Head.Height + 1));
        }
        _env.Schedule(_options.GossipIntervalMs, new GossipTimer());
        BroadcastStatus();
    }

    /// <summary>
    /// After a restart within a height this validator had signed in: resume in the round it last signed in, with the
    /// lock and valid value it had, the block it is locked on, and the votes it signed in that round sent again. Without this a validator
    /// would forget its lock (weakening safety) and, when every validator restarts at once, none would vote again in
    /// the rounds they had already signed in (losing liveness).
    /// </summary>
    private bool Resume()
    {
        if (_guard?.Last is not { } last || last.Height != _chain.Head.Height + 1)
        {
            return false;
        }
        var context = last.Context;
        var validators = _chain.ValidatorsAt(last.Height);
        Resumed = true;
        // The block it is locked on, and the prevotes that justified the lock, first: with them the machine, once
        // started, can re-propose the block with its proof of lock, and peers that lost theirs can accept it.
        ProposalMessage? stored = null;
        var proofOfLock = new List<Vote>();
        if (_guard.LoadLockedBlock() is { } bytes)
        {
            try
            {
                var record = LockedBlockRecord.Decode(bytes);
                if (WireMessage.Decode(record.Proposal) is ProposalMessage message && message.Proposal.Height == last.Height
                    && message.Proposal.VerifySignature(ChainId, validators, _chain.Setup.Suite.Signatures)
                    && ValidateProposedBlock(_options.NodeName, message, out var block) && block is not null)
                {
                    stored = message;
                    _proposalMessages[(message.Proposal.Round, message.Proposal.BlockHash)] = message;
                    _blocks[message.Proposal.BlockHash] = block;
                    _lockedBlockKept = message.Proposal.BlockHash;
                    foreach (var encoded in record.Votes)
                    {
                        if (WireMessage.Decode(encoded) is VoteMessage { Vote: var vote } && vote.Height == last.Height
                            && vote.ValidatorIndex < validators.Count
                            && vote.VerifySignature(ChainId, validators, _chain.Setup.Suite.Signatures))
                        {
                            proofOfLock.Add(vote);
                        }
                    }
                }
            }
            catch (EncodingException exception)
            {
                _env.Log(ReplicaLogLevel.Warning, $"{_options.NodeName}: the stored locked block does not decode ({exception.Message}); peers will send it again.");
            }
        }
        // Resume in the round it last signed in, with its lock: the votes it signed there are sent again (peers
        // still in that round may need them to reach a quorum), and a slot it signed before is never signed anew.
        var round = last.Round;
        _env.Log(ReplicaLogLevel.Information, $"{_options.NodeName}: resuming height {last.Height} in round {round} "
            + $"(locked round {context.LockedRound}, valid round {context.ValidRound}).");
        Feed(StartHeight(last.Height, new RestoredState(round, context.LockedRound, context.LockedValue, context.ValidRound, context.ValidValue)));
        foreach (var vote in proofOfLock)
        {
            if (_seenVotes.Add((vote.Type, vote.Round, vote.ValidatorIndex, vote.BlockHash)))
            {
                Feed(new VoteInput(vote));
            }
        }
        if (stored is not null)
        {
            Feed(new ProposalInput(stored.Proposal, true));
        }
        foreach (var signed in last.Signed.Where(m => m.Step != SignStep.Proposal))
        {
            if (SignedVote(last.Height, last.Round, signed) is { } vote && Announce(vote) is { } input)
            {
                Feed(input);
            }
        }
        return true;
    }

    public HelloMessage Hello() => new(ChainId, _chain.Setup.GenesisHash, _options.NodeName, _chain.Head.Height);

    /// <summary>Transactions admitted to this node's mempool (through its API): gossip them and wake the proposer.</summary>
    public void OnTransactionsAdmitted(IReadOnlyList<byte[]> transactions)
    {
        if (transactions.Count > 0)
        {
            foreach (var chunk in transactions.Chunk(WireMessage.TransactionsPerMessageMax))
            {
                _env.Broadcast(new TransactionsMessage(chunk));
            }
        }
        TryProduceValue();
    }

    /// <summary>Peers' transactions were admitted to the mempool: the proposer may have enough now.</summary>
    public void OnTransactionsArrived() => TryProduceValue();

    public void OnTimer(ReplicaTimer timer)
    {
        switch (timer)
        {
            case ConsensusTimer consensus:
                Feed(consensus.Timeout);
                break;
            case GossipTimer:
                BroadcastStatus();
                RetrySync();
                _env.Schedule(_options.GossipIntervalMs, new GossipTimer());
                break;
            case ValueTimer:
                // One wake-up timer is kept at a time, so this one may have been set for an earlier height or round
                // while the current request relied on it: always look again (TryProduceValue checks the height).
                _valueTimerDueMs = long.MaxValue;
                TryProduceValue();
                break;
        }
    }

    public void OnMessage(string peer, WireMessage message)
    {
        switch (message)
        {
            case HelloMessage hello:
                OnHello(peer, hello);
                break;
            case StatusMessage status:
                OnStatus(peer, status);
                break;
            case ProposalMessage proposal:
                OnProposal(peer, proposal);
                break;
            case VoteMessage vote:
                OnVote(peer, vote.Vote);
                break;
            case TransactionsMessage transactions:
                AdmitGossip(transactions);
                TryProduceValue();
                break;
            case BlockRequestMessage request:
                OnBlockRequest(peer, request);
                break;
            case BlockResponseMessage response:
                OnBlockResponse(peer, response);
                break;
            case EvidenceMessage evidence:
                OnEvidence(peer, evidence.Evidence);
                break;
        }
    }

    /// <summary>Admits gossiped transactions. Thread-safe: a node may call it on its network threads.</summary>
    public void AdmitGossip(TransactionsMessage message)
    {
        foreach (var bytes in message.Transactions)
        {
            _mempool.Admit(bytes);
        }
    }

    /// <summary>Decodes a frame from a peer, penalising it when the frame is not a valid message.</summary>
    public WireMessage? Decode(string peer, ReadOnlySpan<byte> frame)
    {
        try
        {
            return WireMessage.Decode(frame);
        }
        catch (EncodingException exception)
        {
            _env.Penalize(peer, 20, $"malformed message: {exception.Message}");
            return null;
        }
    }

    private void OnHello(string peer, HelloMessage hello)
    {
        if (hello.ChainId != ChainId || hello.GenesisHash != _chain.Setup.GenesisHash)
        {
            _env.Penalize(peer, 100, $"peer is on chain {hello.ChainId}, not {ChainId}");
        }
    }

    private void OnStatus(string peer, StatusMessage status)
    {
        _peerStatus[peer] = status;
        if (status.CommittedHeight > _chain.Head.Height && _syncRequest is null)
        {
            RequestBlocks(peer, _chain.Head.Height + 1);
        }
        if (status.Height != _machine.Height)
        {
            return;
        }
        // Offer what the peer lacks of its current round, and our own votes of a later round (so that its
        // f+1 rule can bring it forward).
        SendMissing(peer, status.Round, status);
        if (_machine.Round > status.Round)
        {
            SendOwnVotes(peer, _machine.Round);
        }
    }

    private void SendMissing(string peer, uint round, StatusMessage status)
    {
        if (!status.HasProposal && _machine.ProposalAt(round) is { } proposal
            && _proposalMessages.TryGetValue((round, proposal.BlockHash), out var message))
        {
            var key = (peer, round);
            if (!_proposalSentAt.TryGetValue(key, out var sentAt) || _env.NowMs - sentAt >= _options.Timeouts.ProposeBaseMs / 2)
            {
                _proposalSentAt[key] = _env.NowMs;
                _env.Send(peer, message);
                foreach (var vote in ProofOfLock(proposal))
                {
                    _env.Send(peer, new VoteMessage(vote));
                }
            }
        }
        foreach (var (type, bitmap) in new[] { (VoteType.Prevote, status.Prevotes), (VoteType.Precommit, status.Precommits) })
        {
            var votes = _machine.Votes(round, type);
            if (votes is null)
            {
                continue;
            }
            foreach (var vote in votes.All())
            {
                if (!StatusMessage.Has(bitmap, vote.ValidatorIndex))
                {
                    _env.Send(peer, new VoteMessage(vote));
                }
            }
        }
    }

    /// <summary>
    /// The prevotes of a re-proposed value's valid round: without them a validator that missed that round cannot
    /// apply Algorithm 1's line 28, and a locked value could never be decided (the "proof of lock").
    /// </summary>
    private IReadOnlyList<Vote> ProofOfLock(Proposal proposal) =>
        proposal.ValidRound >= 0 && _machine.Votes((uint)proposal.ValidRound, VoteType.Prevote) is { } prevotes
            ? prevotes.VotesFor(proposal.BlockHash)
            : [];

    private void SendOwnVotes(string peer, uint round)
    {
        if (ValidatorIndex < 0)
        {
            return;
        }
        foreach (var type in new[] { VoteType.Prevote, VoteType.Precommit })
        {
            if (_machine.Votes(round, type)?.Of((uint)ValidatorIndex) is { } vote)
            {
                _env.Send(peer, new VoteMessage(vote));
            }
        }
    }

    private void BroadcastStatus()
    {
        var round = _machine.Round;
        var validators = _machine.Validators.Count;
        var prevotes = _machine.Votes(round, VoteType.Prevote);
        var precommits = _machine.Votes(round, VoteType.Precommit);
        _env.Broadcast(new StatusMessage(
            _chain.Head.Height,
            _machine.Height,
            round,
            (byte)_machine.Step,
            _machine.ProposalAt(round) is not null,
            StatusMessage.Bitmap(validators, i => prevotes?.Of(i) is not null),
            StatusMessage.Bitmap(validators, i => precommits?.Of(i) is not null)));
    }

    private void OnProposal(string peer, ProposalMessage message)
    {
        var proposal = message.Proposal;
        if (proposal.Height > _machine.Height)
        {
            Buffer(peer, message);
            return;
        }
        if (proposal.Height < _machine.Height || _proposalMessages.ContainsKey((proposal.Round, proposal.BlockHash)))
        {
            return;
        }
        if (!proposal.VerifySignature(ChainId, _machine.Validators, _chain.Setup.Suite.Signatures))
        {
            _env.Penalize(peer, 50, $"proposal for height {proposal.Height} round {proposal.Round} has an invalid signature");
            return;
        }
        if (_proposalMessages.Count >= ProposalsKeptPerHeightMax)
        {
            return;
        }
        var valid = ValidateProposedBlock(peer, message, out var block);
        _proposalMessages[(proposal.Round, proposal.BlockHash)] = message;
        if (block is not null)
        {
            _blocks[proposal.BlockHash] = block;
        }
        Feed(new ProposalInput(proposal, valid));
    }

    /// <summary>valid(v): the block decodes, its transactions' signatures verify, and executing it on the head gives its header.</summary>
    private bool ValidateProposedBlock(string peer, ProposalMessage message, out BlockProposal? block)
    {
        block = null;
        BlockHeader header;
        List<Transaction> transactions;
        DuplicateVoteEvidence[] evidence;
        try
        {
            header = BlockHeader.Decode(message.Header);
            transactions = message.Transactions.Select(bytes => Transaction.Decode(bytes, _chain.Setup.Hash)).ToList();
            evidence = message.Evidence.Select(bytes => DuplicateVoteEvidence.Decode(bytes)).ToArray();
        }
        catch (EncodingException exception)
        {
            _env.Penalize(peer, 50, $"proposed block does not decode: {exception.Message}");
            return false;
        }
        if (header.ComputeHash(_chain.Setup.Hash) != message.Proposal.BlockHash || header.Height != message.Proposal.Height)
        {
            _env.Penalize(peer, 50, "proposal signs a hash its block does not have");
            return false;
        }
        if (_blocks.TryGetValue(message.Proposal.BlockHash, out var known))
        {
            block = known;
            return true;
        }
        if (header.TimeMs > _env.NowMs + _options.ClockDriftMaxMs)
        {
            _env.Log(ReplicaLogLevel.Warning, $"{_options.NodeName}: proposal for height {header.Height} is {header.TimeMs - _env.NowMs} ms in the future.");
            return false;
        }
        foreach (var transaction in transactions)
        {
            // Each signature is verified once per node: those already in the mempool were verified on admission.
            if (!_mempool.Contains(transaction.Id) && !transaction.VerifySignature(_chain.Setup.Suite.Signatures))
            {
                _env.Penalize(peer, 50, $"proposed block holds transaction {transaction.Id.ToShortString()} with an invalid signature");
                return false;
            }
        }
        var replayed = _chain.ReplayBlock(header, transactions, out var refusal, evidence);
        if (refusal is not null)
        {
            _env.Log(ReplicaLogLevel.Warning, $"{_options.NodeName}: proposal for height {header.Height} is invalid: {refusal.Code}: {refusal.Message}");
            return false;
        }
        block = replayed;
        return true;
    }

    private void OnVote(string peer, Vote vote)
    {
        if (vote.Height > _machine.Height)
        {
            Buffer(peer, new VoteMessage(vote));
            return;
        }
        if (vote.Height < _machine.Height || vote.ValidatorIndex >= _machine.Validators.Count)
        {
            return;
        }
        if (!_seenVotes.Add((vote.Type, vote.Round, vote.ValidatorIndex, vote.BlockHash)))
        {
            return; // Already verified and counted.
        }
        if (!vote.VerifySignature(ChainId, _machine.Validators, _chain.Setup.Suite.Signatures))
        {
            _seenVotes.Remove((vote.Type, vote.Round, vote.ValidatorIndex, vote.BlockHash));
            _env.Penalize(peer, 50, $"vote of validator {vote.ValidatorIndex} at height {vote.Height} has an invalid signature");
            return;
        }
        Feed(new VoteInput(vote));
    }

    private void OnEvidence(string peer, DuplicateVoteEvidence evidence)
    {
        var canonical = evidence.Canonical();
        var key = _chain.Setup.Hash.Hash(canonical.Encode());
        if (_evidencePool.ContainsKey(key))
        {
            return;
        }
        if (!canonical.IsValid(ChainId, _chain.ValidatorsAt(canonical.First.Height), _chain.Setup.Suite.Signatures))
        {
            // The set of a height this node has not reached is not known yet (governance may have changed it): such
            // evidence is dropped, not held against the peer; validators that have reached it will record it.
            if (canonical.First.Height <= _chain.Head.Height + 1)
            {
                _env.Penalize(peer, 50, "evidence whose votes do not conflict or whose signatures do not verify");
            }
            return;
        }
        // Evidence from heights this node has not reached yet is kept: whether a block may record it is decided
        // when a block is built (Chain.CheckEvidence), not here.
        if (_evidencePool.Count < EvidenceList.PerBlockMax * 4)
        {
            _evidencePool[key] = canonical;
        }
    }

    private void Buffer(string peer, WireMessage message)
    {
        if (_future.Count < _options.FutureMessagesMax)
        {
            _future.Add((peer, message));
        }
    }

    private void Feed(ConsensusInput input)
    {
        var queue = new Queue<ConsensusInput>();
        queue.Enqueue(input);
        while (queue.Count > 0)
        {
            foreach (var action in _machine.Handle(queue.Dequeue()))
            {
                Perform(action, queue);
            }
        }
    }

    private void Perform(ConsensusAction action, Queue<ConsensusInput> queue)
    {
        switch (action)
        {
            case RequestValue request:
                _pendingValue = (request.Height, request.Round, _env.NowMs);
                TryProduceValue(queue);
                break;
            case SignProposal sign:
                SignAndBroadcastProposal(sign.Proposal, queue);
                break;
            case SignVote sign:
                SignAndBroadcastVote(sign.Vote, queue);
                break;
            case ScheduleTimeout timeout:
                _env.Schedule(timeout.DelayMs, new ConsensusTimer(new TimeoutInput(timeout.Kind, timeout.Height, timeout.Round)));
                break;
            case Decide decide:
                CommitDecided(decide);
                break;
            case ReportEquivocation report:
                _env.Log(ReplicaLogLevel.Warning, $"{_options.NodeName}: validator {report.Evidence.First.ValidatorIndex} signed two {report.Evidence.First.Type} votes at height {report.Evidence.First.Height} round {report.Evidence.First.Round}.");
                var key = _chain.Setup.Hash.Hash(report.Evidence.Encode());
                if (_evidencePool.TryAdd(key, report.Evidence))
                {
                    _env.Broadcast(new EvidenceMessage(report.Evidence));
                }
                break;
        }
    }

    /// <summary>getValue(): build a block when enough transactions are ready, the batch window passed, or the empty-block interval passed.</summary>
    private void TryProduceValue(Queue<ConsensusInput>? queue = null)
    {
        if (_pendingValue is not { } pending || pending.Height != _chain.Head.Height + 1)
        {
            return;
        }
        var waited = _env.NowMs - pending.RequestedAtMs;
        var ready = _mempool.Count;
        var parameters = _chain.Setup.Engine.ParametersAt(_chain.State);
        if (!(ready >= _options.TargetTransactions || (ready > 0 && waited >= _options.BatchWindowMs) || waited >= _options.EmptyBlockIntervalMs
            || _evidencePool.Count > 0))
        {
            var wait = Math.Max(1, ready > 0 ? _options.BatchWindowMs - waited : Math.Min(_options.BatchWindowMs * 5, _options.EmptyBlockIntervalMs - waited));
            // One timer at a time, the earliest needed: admissions call this often and must not pile up timers.
            if (_env.NowMs + wait < _valueTimerDueMs)
            {
                _valueTimerDueMs = _env.NowMs + wait;
                _env.Schedule(wait, new ValueTimer(pending.Height, pending.Round));
            }
            return;
        }
        _pendingValue = null;
        var limit = _options.ProposalTransactionsMax > 0 ? Math.Min(_options.ProposalTransactionsMax, parameters.BlockTransactionsMax) : parameters.BlockTransactionsMax;
        var batch = _mempool.TakeBatch(limit, parameters.BlockBytesMax);
        var block = _chain.BuildBlock(batch, _env.NowMs, _guard!.PublicKey, (transaction, refusal) => _mempool.Remove(transaction.Id, refusal),
            _evidencePool.OrderBy(item => item.Key).Select(item => item.Value).Take(EvidenceList.PerBlockMax).ToArray());
        _blocks[block.Hash] = block;
        var input = new ValueInput(pending.Height, pending.Round, block.Hash);
        if (queue is not null)
        {
            queue.Enqueue(input);
        }
        else
        {
            Feed(input);
        }
    }

    private void SignAndBroadcastProposal(Proposal unsigned, Queue<ConsensusInput> queue)
    {
        if (!_blocks.TryGetValue(unsigned.BlockHash, out var block))
        {
            _env.Log(ReplicaLogLevel.Warning, $"{_options.NodeName}: cannot propose block {unsigned.BlockHash.ToShortString()}: it is not held here.");
            return;
        }
        var signature = _guard!.Sign(unsigned.Height, unsigned.Round, SignStep.Proposal, unsigned.SignBytes(ChainId), unsigned.BlockHash, Context());
        if (signature is null)
        {
            _env.Log(ReplicaLogLevel.Warning, $"{_options.NodeName}: refused to sign a second proposal for height {unsigned.Height} round {unsigned.Round}.");
            return;
        }
        var proposal = unsigned with { Signature = signature };
        var message = new ProposalMessage(proposal, block.Header.Encode(), block.Transactions.Select(t => t.EncodedArray).ToArray(),
            block.Evidence.Select(e => e.Encode()).ToArray());
        _proposalMessages[(proposal.Round, proposal.BlockHash)] = message;
        _env.Broadcast(message);
        foreach (var vote in ProofOfLock(proposal))
        {
            _env.Broadcast(new VoteMessage(vote));
        }
        queue.Enqueue(new ProposalInput(proposal, true));
    }

    private void SignAndBroadcastVote(Vote unsigned, Queue<ConsensusInput> queue)
    {
        var step = unsigned.Type == VoteType.Prevote ? SignStep.Prevote : SignStep.Precommit;
        if (step == SignStep.Precommit && !unsigned.IsNil)
        {
            KeepLockedBlock(unsigned.Round, unsigned.BlockHash);
        }
        var signature = _guard!.Sign(unsigned.Height, unsigned.Round, step, unsigned.SignBytes(ChainId), unsigned.BlockHash, Context());
        if (signature is null)
        {
            if (_guard.Last is { } last && last.Height == unsigned.Height && last.Round == unsigned.Round && last.At(step) is { } signed
                && SignedVote(unsigned.Height, unsigned.Round, signed) is { } previous)
            {
                // Signed before a restart, differently: that vote is this validator's vote here. Send it again.
                _env.Log(ReplicaLogLevel.Information, $"{_options.NodeName}: re-sending the {unsigned.Type} it signed before a restart at height {unsigned.Height} round {unsigned.Round}.");
                if (Announce(previous) is { } resent)
                {
                    queue.Enqueue(resent);
                }
                return;
            }
            _env.Log(ReplicaLogLevel.Warning, $"{_options.NodeName}: refused to sign a conflicting {unsigned.Type} for height {unsigned.Height} round {unsigned.Round}.");
            return;
        }
        if (Announce(unsigned with { Signature = signature }) is { } input)
        {
            queue.Enqueue(input);
        }
    }

    /// <summary>Sends one of this validator's own votes to its peers, once; the input delivers it back to the machine.</summary>
    private VoteInput? Announce(Vote vote)
    {
        if (!_seenVotes.Add((vote.Type, vote.Round, vote.ValidatorIndex, vote.BlockHash)))
        {
            return null;
        }
        _env.Broadcast(new VoteMessage(vote));
        return new VoteInput(vote);
    }

    private SignContext Context() => new(_machine.LockedRound, _machine.LockedValue, _machine.ValidRound, _machine.ValidValue);

    /// <summary>A vote this validator signed, rebuilt from its sign state; null if the bytes do not match (never expected).</summary>
    private Vote? SignedVote(ulong height, uint round, SignedMessage signed)
    {
        var vote = new Vote(signed.Step == SignStep.Prevote ? VoteType.Prevote : VoteType.Precommit, height, round, signed.BlockHash, (uint)ValidatorIndex, signed.Signature);
        return vote.SignBytes(ChainId).AsSpan().SequenceEqual(signed.SignBytes) ? vote : null;
    }

    /// <summary>
    /// Before precommitting a block, keep it durably with the prevotes that justify the lock: after a restart this
    /// validator is still locked on it and can show why.
    /// </summary>
    private void KeepLockedBlock(uint round, Hash32 blockHash)
    {
        if (_lockedBlockKept == blockHash)
        {
            return;
        }
        // The latest proposal of this block up to this round (ordered: a dictionary's own order is no contract).
        var message = _proposalMessages.Where(item => item.Key.Hash == blockHash && item.Key.Round <= round)
            .OrderByDescending(item => item.Key.Round).Select(item => item.Value).FirstOrDefault();
        if (message is null)
        {
            return;
        }
        var prevotes = _machine.Votes(round, VoteType.Prevote)?.VotesFor(blockHash) ?? [];
        _guard!.SaveLockedBlock(new LockedBlockRecord(message.Encode(), prevotes.Select(v => new VoteMessage(v).Encode()).ToArray()).Encode());
        _lockedBlockKept = blockHash;
    }

    private void CommitDecided(Decide decide)
    {
        if (decide.Height != _chain.Head.Height + 1)
        {
            return; // Already committed through block sync.
        }
        if (!_blocks.TryGetValue(decide.BlockHash, out var block))
        {
            _env.Log(ReplicaLogLevel.Warning, $"{_options.NodeName}: decided block {decide.BlockHash.ToShortString()} at height {decide.Height} is not held here; waiting for sync.");
            return;
        }
        _chain.Commit(block, decide.Commit);
        foreach (var evidence in block.Evidence)
        {
            _evidencePool.Remove(_chain.Setup.Hash.Hash(evidence.Encode()));
        }
        // Lines 51–54: the next height, with its validator set (which executing this block may have changed).
        Feed(StartHeight(_chain.Head.Height + 1));
        AfterHeightChange();
    }

    /// <summary>A new height: drop what belonged to the old one and replay buffered messages of the new one.</summary>
    private void AfterHeightChange()
    {
        _blocks.Clear();
        _proposalMessages.Clear();
        _seenVotes.Clear();
        _proposalSentAt.Clear();
        if (_pendingValue is { } pending && pending.Height <= _chain.Head.Height)
        {
            _pendingValue = null;
        }
        var ready = _future.Where(item => MessageHeight(item.Message) <= _machine.Height).ToList();
        _future.RemoveAll(item => MessageHeight(item.Message) <= _machine.Height);
        BroadcastStatus();
        foreach (var (peer, message) in ready)
        {
            OnMessage(peer, message);
        }
    }

    private static ulong MessageHeight(WireMessage message) => message switch
    {
        ProposalMessage proposal => proposal.Proposal.Height,
        VoteMessage vote => vote.Vote.Height,
        _ => 0,
    };

    private void RequestBlocks(string peer, ulong fromHeight)
    {
        _syncRequest = (peer, fromHeight, _env.NowMs);
        _env.Send(peer, new BlockRequestMessage(fromHeight, _options.SyncBatchBlocks));
    }

    private void RetrySync()
    {
        if (_syncRequest is { } request && _env.NowMs - request.SentAtMs >= _options.SyncRetryMs)
        {
            _syncRequest = null;
        }
        if (_syncRequest is not null)
        {
            return;
        }
        // Ask the peer furthest ahead, if any is ahead of us.
        string? best = null;
        ulong bestHeight = _chain.Head.Height;
        foreach (var (peer, status) in _peerStatus.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (status.CommittedHeight > bestHeight)
            {
                best = peer;
                bestHeight = status.CommittedHeight;
            }
        }
        if (best is not null)
        {
            RequestBlocks(best, _chain.Head.Height + 1);
        }
    }

    private void OnBlockRequest(string peer, BlockRequestMessage request)
    {
        var blocks = new List<SyncBlock>();
        var count = Math.Min(request.Count, (uint)WireMessage.BlocksPerResponseMax);
        for (var height = request.FromHeight; height < request.FromHeight + count && height <= _chain.Head.Height; height++)
        {
            var block = _chain.GetBlock(height);
            if (block is null)
            {
                break;
            }
            var transactions = _chain.GetBlockTransactions(block).Select(t => t.Transaction).ToArray();
            var evidence = EvidenceList.Decode(block.Evidence).Select(e => e.Encode()).ToArray();
            blocks.Add(new SyncBlock(block.Header, block.Commit, transactions, evidence));
        }
        _env.Send(peer, new BlockResponseMessage(blocks));
    }

    private void OnBlockResponse(string peer, BlockResponseMessage response)
    {
        if (_syncRequest is { } request && request.Peer == peer)
        {
            _syncRequest = null;
        }
        var committedAny = false;
        foreach (var sync in response.Blocks)
        {
            if (!TryCommitSynced(peer, sync, out var stop))
            {
                if (stop)
                {
                    break;
                }
                continue;
            }
            committedAny = true;
        }
        if (committedAny)
        {
            Feed(StartHeight(_chain.Head.Height + 1));
            AfterHeightChange();
            if (_peerStatus.TryGetValue(peer, out var status) && status.CommittedHeight > _chain.Head.Height)
            {
                RequestBlocks(peer, _chain.Head.Height + 1);
            }
        }
    }

    /// <summary>Commits a block received by sync after checking its certificate and executing it. False when skipped.</summary>
    private bool TryCommitSynced(string peer, SyncBlock sync, out bool stop)
    {
        stop = false;
        BlockHeader header;
        CommitCertificate commit;
        List<Transaction> transactions;
        DuplicateVoteEvidence[] evidence;
        try
        {
            header = BlockHeader.Decode(sync.Header);
            commit = CommitCertificate.Decode(sync.Commit);
            transactions = sync.Transactions.Select(bytes => Transaction.Decode(bytes, _chain.Setup.Hash)).ToList();
            evidence = sync.Evidence.Select(bytes => DuplicateVoteEvidence.Decode(bytes)).ToArray();
        }
        catch (EncodingException exception)
        {
            _env.Penalize(peer, 50, $"synced block does not decode: {exception.Message}");
            stop = true;
            return false;
        }
        if (header.Height <= _chain.Head.Height)
        {
            return false; // Already have it.
        }
        if (header.Height != _chain.Head.Height + 1)
        {
            stop = true;
            return false;
        }
        var hash = header.ComputeHash(_chain.Setup.Hash);
        if (_chain.ValidatorsAt(header.Height).VerifyCommit(ChainId, header.Height, hash, commit, _chain.Setup.Suite.Signatures) is { } error)
        {
            _env.Penalize(peer, 100, $"synced block {header.Height} has an invalid commit certificate: {error.Message}");
            stop = true;
            return false;
        }
        foreach (var transaction in transactions)
        {
            if (!_mempool.Contains(transaction.Id) && !transaction.VerifySignature(_chain.Setup.Suite.Signatures))
            {
                _env.Penalize(peer, 100, $"synced block {header.Height} holds a transaction with an invalid signature");
                stop = true;
                return false;
            }
        }
        var block = _chain.ReplayBlock(header, transactions, out var refusal, evidence);
        if (refusal is not null)
        {
            // A certificate of 2f+1 for a block we cannot execute: our execution differs from the quorum's. Stop.
            _env.Log(ReplicaLogLevel.Warning, $"{_options.NodeName}: certified block {header.Height} does not execute here: {refusal.Code}: {refusal.Message}");
            stop = true;
            return false;
        }
        _chain.Commit(block, commit);
        _env.Log(ReplicaLogLevel.Debug, $"{_options.NodeName}: synced block {header.Height} from {peer}.");
        return true;
    }
}

using System.Buffers.Binary;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Core.State;

namespace Huilian.Execution.Host;

/// <summary>
/// Runs transactions for one chain: checks that a transaction may enter a block (chain, expiry, signer, nonce,
/// known action), and executes it into a receipt. Signature checks are not here: a node verifies each
/// signature once, on admission or when a block arrives, and execution trusts that.
/// </summary>
public sealed class ExecutionEngine
{
    private readonly IHashFunction _hash;
    private readonly ICryptoSuite _suite;
    private readonly ActionRegistry _registry = new();
    private readonly IReadOnlyList<IModule> _modules;

    public ExecutionEngine(string chainId, ICryptoSuite suite, ConsensusParameters parameters, IPermissionPolicy policy, IEnumerable<IModule> modules)
    {
        ChainId = chainId;
        _suite = suite;
        _hash = suite.Hash;
        Parameters = parameters;
        Policy = policy;
        _modules = modules.ToArray();
        foreach (var module in _modules)
        {
            _registry.BeginModule(module.Name);
            module.Register(_registry);
            _registry.EndModule();
        }
    }

    public string ChainId { get; }

    public ConsensusParameters Parameters { get; }

    public IPermissionPolicy Policy { get; }

    public ActionRegistry Actions => _registry;

    public IHashFunction Hash => _hash;

    public Hash32 SignerId(ReadOnlySpan<byte> publicKey) => _hash.Hash(publicKey);

    /// <summary>The initial state: every module's genesis writes, in key order.</summary>
    public IReadOnlyList<StateWrite> GenesisWrites(GenesisDocument genesis)
    {
        var writer = new GenesisWriter(_suite);
        foreach (var module in _modules)
        {
            module.InitGenesis(genesis, writer);
        }
        return writer.ToWriteSet();
    }

    /// <summary>The last nonce the signer used (0 if none).</summary>
    public static ulong ReadNonce(IStateReader state, in Hash32 signerId)
    {
        var value = state.Get(StateKeys.Nonce(signerId));
        return value is null ? 0 : BinaryPrimitives.ReadUInt64BigEndian(value);
    }

    /// <summary>
    /// Whether <paramref name="transaction"/> may be included in the block at <paramref name="height"/>
    /// with <paramref name="expectedNonce"/> as the signer's next nonce. Null when it may.
    /// </summary>
    public Refusal? CheckInclusion(Transaction transaction, IStateReader state, ulong height, long timeMs, ulong expectedNonce, in Hash32 signerId) =>
        CheckInclusion(transaction, state, height, timeMs, expectedNonce, signerId, ParametersAt(state));

    internal Refusal? CheckInclusion(Transaction transaction, IStateReader state, ulong height, long timeMs, ulong expectedNonce, in Hash32 signerId, ConsensusParameters parameters)
    {
        if (transaction.ChainId != ChainId)
        {
            return new Refusal(ResultCodes.ChainIdMismatch, $"The transaction is for chain '{transaction.ChainId}'; this is '{ChainId}'.");
        }
        if (transaction.ExpiryHeight < height)
        {
            return new Refusal(ResultCodes.TransactionExpired, $"The transaction expired at height {transaction.ExpiryHeight}; the chain is at {height}.");
        }
        if (transaction.ExpiryHeight - height > parameters.ExpiryWindowBlocksMax)
        {
            return new Refusal(ResultCodes.ExpiryTooFar, $"The expiry height may be at most {parameters.ExpiryWindowBlocksMax} blocks ahead of {height}.");
        }
        if (_registry.Find(transaction.Module, transaction.Action) is null)
        {
            return _registry.HasModule(transaction.Module)
                ? new Refusal(ResultCodes.UnknownAction, $"Module '{transaction.Module}' has no action '{transaction.Action}'.")
                : new Refusal(ResultCodes.UnknownModule, $"There is no module '{transaction.Module}'.");
        }
        var signerRefusal = Policy.CheckSigner(state, signerId, height, timeMs);
        if (signerRefusal is not null)
        {
            return signerRefusal;
        }
        if (transaction.Nonce < expectedNonce)
        {
            return new Refusal(ResultCodes.NonceAlreadyUsed, $"Nonce {transaction.Nonce} is already used; the signer's next nonce is {expectedNonce}.");
        }
        if (transaction.Nonce > expectedNonce)
        {
            return new Refusal(ResultCodes.NonceTooHigh, $"Nonce {transaction.Nonce} is ahead of the signer's next nonce, {expectedNonce}.");
        }
        return null;
    }

    /// <summary>
    /// What admission checks beyond inclusion: that the payload reads and the signer holds the role, so a
    /// transaction that would certainly be refused never enters a block. Null when it passes.
    /// </summary>
    public Refusal? CheckPayloadAndPermission(Transaction transaction, IStateReader state, in Hash32 signerId)
    {
        var action = _registry.Find(transaction.Module, transaction.Action);
        if (action is null)
        {
            return new Refusal(ResultCodes.UnknownAction, $"There is no action {transaction.Module}.{transaction.Action}.");
        }
        try
        {
            var reader = PayloadReader.Parse(transaction.Payload);
            _ = action.Parse(reader);
            reader.EnsureNoUnknownFields();
        }
        catch (ActionRefusedException refused)
        {
            return new Refusal(refused.Code, refused.Message);
        }
        return Policy.Authorize(state, signerId, action);
    }

    /// <summary>
    /// The consensus parameters in force for a block executed on <paramref name="state"/>: genesis values, as changed
    /// by governance (a changed value is a state entry under "sys.param/").
    /// </summary>
    public ConsensusParameters ParametersAt(IStateReader state)
    {
        var transactions = state.Get(StateKeys.Parameter(ParameterNames.BlockTransactionsMax));
        var expiry = state.Get(StateKeys.Parameter(ParameterNames.ExpiryWindowBlocksMax));
        if (transactions is null && expiry is null)
        {
            return Parameters;
        }
        return new ConsensusParameters
        {
            BlockBytesMax = Parameters.BlockBytesMax,
            BlockTransactionsMax = transactions is null ? Parameters.BlockTransactionsMax : checked((int)BinaryPrimitives.ReadUInt64BigEndian(transactions)),
            ExpiryWindowBlocksMax = expiry is null ? Parameters.ExpiryWindowBlocksMax : BinaryPrimitives.ReadUInt64BigEndian(expiry),
        };
    }

    /// <summary>Starts a block on top of <paramref name="state"/>: runs every module's begin-block step first.</summary>
    public BlockExecution BeginBlock(BlockContext block, IStateReader state)
    {
        var execution = new BlockExecution(this, block, state);
        var context = new BlockHookContext(_suite, block, execution.Overlay);
        foreach (var module in _modules)
        {
            module.BeginBlock(context);
        }
        execution.FixParameters(ParametersAt(execution.Overlay));
        return execution;
    }

    internal Receipt Execute(BlockContext block, Transaction transaction, in Hash32 signerId, int index, StateOverlay blockState)
    {
        var action = _registry.Find(transaction.Module, transaction.Action)!;
        var scope = new StateOverlay(blockState);
        var context = new ActionContext(_suite, block, transaction, signerId, index, scope);
        ActionOutcome outcome;
        try
        {
            var refusal = Policy.Authorize(scope, signerId, action);
            if (refusal is not null)
            {
                outcome = new ActionOutcome(refusal.Code, refusal.Message, []);
            }
            else
            {
                var reader = PayloadReader.Parse(transaction.Payload);
                var request = action.Parse(reader);
                reader.EnsureNoUnknownFields();
                outcome = action.Execute(context, request);
            }
        }
        catch (ActionRefusedException refused)
        {
            outcome = new ActionOutcome(refused.Code, refused.Message, []);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or FormatException or OverflowException or KeyNotFoundException or IndexOutOfRangeException or NullReferenceException)
        {
            // A defect in an action, but a deterministic one: every node fails the same way, so it becomes a receipt.
            outcome = new ActionOutcome(ResultCodes.ActionFailed, $"{action.FullName} failed: {exception.GetType().Name}.", []);
        }

        if (outcome.Result.Length > Limits.ReceiptResultBytesMax)
        {
            outcome = new ActionOutcome(ResultCodes.ActionFailed, $"{action.FullName} returned a result above {Limits.ReceiptResultBytesMax} bytes.", []);
        }
        var message = Truncate(outcome.Message, Limits.ReceiptMessageBytesMax / 4);
        if (outcome.Succeeded)
        {
            scope.MergeInto(blockState);
            return new Receipt(transaction.Id, outcome.Code, message, outcome.Result, context.Events);
        }
        // Refused or unchanged: the action's writes and events are dropped; only the nonce advances, and what the
        // action asked to keep as a record of its refusal (bounded, see ActionContext.SetOnRefusal).
        foreach (var (key, value) in context.KeptOnRefusal)
        {
            blockState.Set(key, value);
        }
        return new Receipt(transaction.Id, outcome.Code, message, outcome.Result, []);
    }

    private static string Truncate(string text, int lengthMax) => text.Length <= lengthMax ? text : text[..lengthMax];
}

/// <summary>
/// A block being built by a proposer, or replayed by any node to check a proposal. Transactions are applied one
/// at a time; one that may not be included is refused and leaves no trace.
/// </summary>
public sealed class BlockExecution
{
    private readonly ExecutionEngine _engine;
    private readonly StateOverlay _state;
    private readonly List<Transaction> _transactions = [];
    private readonly List<Receipt> _receipts = [];
    private readonly List<DuplicateVoteEvidence> _evidence = [];
    private long _bytes;

    internal BlockExecution(ExecutionEngine engine, BlockContext block, IStateReader baseState)
    {
        _engine = engine;
        Block = block;
        _state = new StateOverlay(baseState);
        Parameters = engine.Parameters;
    }

    internal StateOverlay Overlay => _state;

    internal void FixParameters(ConsensusParameters parameters) => Parameters = parameters;

    /// <summary>The consensus parameters in force for this block.</summary>
    public ConsensusParameters Parameters { get; private set; }

    public BlockContext Block { get; }

    public IReadOnlyList<Transaction> Transactions => _transactions;

    public IReadOnlyList<Receipt> Receipts => _receipts;

    /// <summary>Equivocation evidence recorded by this block.</summary>
    public IReadOnlyList<DuplicateVoteEvidence> Evidence => _evidence;

    /// <summary>
    /// Records equivocation evidence the ledger has already checked (both signatures, same slot, a validator of the
    /// chain). Refused when the same misbehaviour is already recorded or the block holds the maximum of evidence.
    /// Evidence is applied before any transaction of the block.
    /// </summary>
    public Refusal? ApplyEvidence(DuplicateVoteEvidence evidence)
    {
        if (_transactions.Count > 0)
        {
            throw new InvalidOperationException("Evidence is applied before the block's transactions.");
        }
        if (_evidence.Count >= EvidenceList.PerBlockMax)
        {
            return new Refusal("EvidenceFull", "The block holds the maximum of evidence.");
        }
        var key = Misbehavior.Key(evidence.First);
        if (_state.Get(key) is not null)
        {
            return new Refusal("EvidenceAlreadyRecorded", "This misbehaviour is already recorded.");
        }
        _state.Set(key, Misbehavior.Encode(evidence, Block.Height));
        _evidence.Add(evidence);
        return null;
    }

    public long Bytes => _bytes;

    public IStateReader State => _state;

    /// <summary>The block is full for <paramref name="transaction"/> by count or bytes.</summary>
    public bool IsFullFor(Transaction transaction) =>
        _transactions.Count >= Parameters.BlockTransactionsMax ||
        _bytes + transaction.Size > Parameters.BlockBytesMax;

    /// <summary>Includes and executes <paramref name="transaction"/>, or returns why it may not be included.</summary>
    public Refusal? TryApply(Transaction transaction)
    {
        if (IsFullFor(transaction))
        {
            return new Refusal("BlockFull", "The block has no room for this transaction.");
        }
        var signerId = _engine.SignerId(transaction.Signer);
        var nonceKey = StateKeys.Nonce(signerId);
        var expectedNonce = checked(ExecutionEngine.ReadNonce(_state, signerId) + 1);
        var refusal = _engine.CheckInclusion(transaction, _state, Block.Height, Block.TimeMs, expectedNonce, signerId, Parameters);
        if (refusal is not null)
        {
            return refusal;
        }
        var nonceBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(nonceBytes, transaction.Nonce);
        _state.Set(nonceKey, nonceBytes);
        var receipt = _engine.Execute(Block, transaction, signerId, _transactions.Count, _state);
        _transactions.Add(transaction);
        _receipts.Add(receipt);
        _bytes += transaction.Size;
        return null;
    }

    /// <summary>Every state change of the block so far, in key order.</summary>
    public IReadOnlyList<StateWrite> WriteSet() => _state.ToWriteSet();
}

using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Ledger;
using Huilian.Execution.Host;

namespace Huilian.Ledger;

public sealed class MempoolOptions
{
    public int TransactionsMax { get; init; } = 100_000;

    public long BytesMax { get; init; } = 128L * 1024 * 1024;

    /// <summary>Pending transactions per signer; also how far ahead of its next nonce a signer may run.</summary>
    public int PerSignerMax { get; init; } = 2_000;
}

public enum AdmissionStatus
{
    /// <summary>New and valid: pending until a block includes it.</summary>
    Accepted,

    /// <summary>The same transaction is already pending: nothing changed.</summary>
    AlreadyPending,

    /// <summary>The same transaction is already committed: nothing changed.</summary>
    AlreadyCommitted,

    /// <summary>Invalid: see the refusal. Nothing changed.</summary>
    Refused,

    /// <summary>The mempool is full: retry later. Nothing changed.</summary>
    Busy,
}

public sealed record AdmissionResult(AdmissionStatus Status, Hash32 Id, Refusal? Refusal)
{
    public const string BusyCode = "MempoolFull";
    public const string NonceAlreadyPendingCode = "NonceAlreadyPending";
}

/// <summary>
/// Transactions waiting for a block. Admission decodes, verifies the signature (the only time this node does),
/// checks the transaction against the committed state, and holds it in its signer's queue by nonce. Bounded by
/// count, bytes and per signer; when full it answers Busy rather than queueing without bound. After each commit
/// it drops what was included and re-checks what remains.
/// </summary>
public sealed class Mempool
{
    private readonly Chain _chain;
    private readonly MempoolOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<Hash32, Transaction> _byId = [];
    private readonly Dictionary<Hash32, SignerQueue> _bySigner = [];

    /// <summary>Signers in the order their queue became non-empty: a block serves the longest-waiting first.</summary>
    private readonly LinkedList<SignerQueue> _signerOrder = new();
    private long _bytes;
    private long _version;

    public Mempool(Chain chain, MempoolOptions? options = null)
    {
        _chain = chain;
        _options = options ?? new MempoolOptions();
        chain.Committed += OnCommitted;
    }

    /// <summary>Raised, outside the lock, for each pending transaction dropped because it can no longer be included.</summary>
    public event Action<Hash32, Refusal>? Dropped;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Changes on every admission; the orderer waits on it.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Set on every admission; the orderer waits on it.</summary>
    public Signal Available { get; } = new();

    public AdmissionResult Admit(ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length > Limits.TransactionBytesMax)
        {
            return Refused(Hash32.Zero, ResultCodes.TransactionTooLarge, $"A transaction is at most {Limits.TransactionBytesMax} bytes; this one is {encoded.Length}.");
        }
        Transaction transaction;
        try
        {
            transaction = Transaction.Decode(encoded, _chain.Setup.Hash);
        }
        catch (EncodingException exception)
        {
            return Refused(Hash32.Zero, ResultCodes.TransactionMalformed, $"The transaction is not canonically encoded: {exception.Message}");
        }
        return Admit(transaction);
    }

    public AdmissionResult Admit(Transaction transaction)
    {
        if (_chain.ContainsTransaction(transaction.Id))
        {
            return new AdmissionResult(AdmissionStatus.AlreadyCommitted, transaction.Id, null);
        }
        lock (_gate)
        {
            if (_byId.ContainsKey(transaction.Id))
            {
                return new AdmissionResult(AdmissionStatus.AlreadyPending, transaction.Id, null);
            }
        }
        if (transaction.ChainId != _chain.Setup.ChainId)
        {
            return Refused(transaction.Id, ResultCodes.ChainIdMismatch, $"The transaction is for chain '{transaction.ChainId}'; this is '{_chain.Setup.ChainId}'.");
        }
        // Full: say so before spending a signature check on a transaction that cannot be kept anyway. Under overload
        // this keeps the CPU for ordering and committing what is already pending (checked again under the lock below).
        if (Count >= _options.TransactionsMax || Interlocked.Read(ref _bytes) + transaction.Size > _options.BytesMax)
        {
            return new AdmissionResult(AdmissionStatus.Busy, transaction.Id,
                new Refusal(AdmissionResult.BusyCode, "The node has too many pending transactions; retry shortly."));
        }
        // The one signature check this node makes for this transaction: outside the lock, so admissions run in parallel.
        if (!transaction.VerifySignature(_chain.Setup.Suite.Signatures))
        {
            return Refused(transaction.Id, ResultCodes.SignatureInvalid, "The signature does not verify against the signer's public key.");
        }

        var state = _chain.State;
        var head = _chain.Head;
        var nextHeight = head.Height + 1;
        var engine = _chain.Setup.Engine;
        var signerId = engine.SignerId(transaction.Signer);
        // The next block's time is at least the head's: a certificate expired by then is refused here already.
        var refusal = engine.CheckInclusion(transaction, state, nextHeight, head.TimeMs, transaction.Nonce, signerId)
            ?? engine.CheckPayloadAndPermission(transaction, state, signerId);
        if (refusal is not null)
        {
            return new AdmissionResult(AdmissionStatus.Refused, transaction.Id, refusal);
        }
        var committedNonce = ExecutionEngine.ReadNonce(state, signerId);
        if (transaction.Nonce <= committedNonce)
        {
            return Refused(transaction.Id, ResultCodes.NonceAlreadyUsed, $"Nonce {transaction.Nonce} is already used; the signer's next nonce is {committedNonce + 1}.");
        }
        if (transaction.Nonce > committedNonce + (ulong)_options.PerSignerMax)
        {
            return Refused(transaction.Id, ResultCodes.NonceTooHigh, $"Nonce {transaction.Nonce} is more than {_options.PerSignerMax} ahead of the signer's next nonce, {committedNonce + 1}.");
        }

        lock (_gate)
        {
            if (_byId.ContainsKey(transaction.Id))
            {
                return new AdmissionResult(AdmissionStatus.AlreadyPending, transaction.Id, null);
            }
            if (_byId.Count >= _options.TransactionsMax || _bytes + transaction.Size > _options.BytesMax)
            {
                return new AdmissionResult(AdmissionStatus.Busy, transaction.Id,
                    new Refusal(AdmissionResult.BusyCode, "The node has too many pending transactions; retry shortly."));
            }
            if (!_bySigner.TryGetValue(signerId, out var queue))
            {
                queue = new SignerQueue(signerId);
                _bySigner[signerId] = queue;
            }
            if (queue.Pending.Count >= _options.PerSignerMax)
            {
                return new AdmissionResult(AdmissionStatus.Busy, transaction.Id,
                    new Refusal(AdmissionResult.BusyCode, $"This signer has {_options.PerSignerMax} pending transactions; retry after some commit."));
            }
            if (queue.Pending.TryGetValue(transaction.Nonce, out var other))
            {
                return Refused(transaction.Id, AdmissionResult.NonceAlreadyPendingCode, $"Another transaction ({other.Id.ToShortString()}) with nonce {transaction.Nonce} is already pending for this signer.");
            }
            queue.Pending.Add(transaction.Nonce, transaction);
            if (queue.Node is null)
            {
                queue.Node = _signerOrder.AddLast(queue);
            }
            _byId[transaction.Id] = transaction;
            _bytes += transaction.Size;
            _version++;
        }
        Available.Set();
        return new AdmissionResult(AdmissionStatus.Accepted, transaction.Id, null);
    }

    public bool Contains(in Hash32 id)
    {
        lock (_gate)
        {
            return _byId.ContainsKey(id);
        }
    }

    /// <summary>
    /// Ready transactions for the next block, in the order to execute them: signers longest-waiting first, each
    /// signer's transactions in nonce order from its next nonce, stopping at a gap. Nothing is removed.
    /// </summary>
    public List<Transaction> TakeBatch(int transactionsMax, long bytesMax)
    {
        var state = _chain.State;
        var batch = new List<Transaction>(Math.Min(transactionsMax, 4096));
        long bytes = 0;
        lock (_gate)
        {
            foreach (var queue in _signerOrder)
            {
                var next = ExecutionEngine.ReadNonce(state, queue.SignerId) + 1;
                foreach (var (nonce, transaction) in queue.Pending)
                {
                    if (nonce != next || batch.Count >= transactionsMax || bytes + transaction.Size > bytesMax)
                    {
                        break;
                    }
                    batch.Add(transaction);
                    bytes += transaction.Size;
                    next++;
                }
                if (batch.Count >= transactionsMax)
                {
                    break;
                }
            }
        }
        return batch;
    }

    private void OnCommitted(CommittedBlock block)
    {
        var dropped = new List<(Hash32, Refusal)>();
        var state = _chain.State;
        var nextHeight = block.Header.Height + 1;
        lock (_gate)
        {
            var touched = new HashSet<Hash32>();
            foreach (var transaction in block.Transactions)
            {
                if (_byId.Remove(transaction.Id, out var pending))
                {
                    _bytes -= pending.Size;
                }
                var signerId = _chain.Setup.Engine.SignerId(transaction.Signer);
                if (_bySigner.TryGetValue(signerId, out var queue))
                {
                    // Only this very transaction leaves here; another one with the same nonce is dropped below as stale.
                    if (queue.Pending.TryGetValue(transaction.Nonce, out var queued) && queued.Id == transaction.Id)
                    {
                        queue.Pending.Remove(transaction.Nonce);
                    }
                    touched.Add(signerId);
                }
            }
            // Re-check what remains: stale nonces (another transaction took them), expiry, and signers no longer known.
            var served = new List<SignerQueue>();
            var node = _signerOrder.First;
            while (node is not null)
            {
                var queue = node.Value;
                var nextNode = node.Next;
                var committedNonce = ExecutionEngine.ReadNonce(state, queue.SignerId);
                var signerRefusal = _chain.Setup.Engine.Policy.CheckSigner(state, queue.SignerId, nextHeight, block.Header.TimeMs);
                List<ulong>? remove = null;
                foreach (var (nonce, transaction) in queue.Pending)
                {
                    Refusal? refusal = signerRefusal;
                    if (refusal is null && nonce <= committedNonce)
                    {
                        refusal = new Refusal(ResultCodes.NonceAlreadyUsed, $"Nonce {nonce} was used by another committed transaction.");
                    }
                    if (refusal is null && transaction.ExpiryHeight < nextHeight)
                    {
                        refusal = new Refusal(ResultCodes.TransactionExpired, $"The transaction expired at height {transaction.ExpiryHeight} before a block included it.");
                    }
                    if (refusal is not null)
                    {
                        (remove ??= []).Add(nonce);
                        dropped.Add((transaction.Id, refusal));
                        _byId.Remove(transaction.Id);
                        _bytes -= transaction.Size;
                    }
                }
                if (remove is not null)
                {
                    foreach (var nonce in remove)
                    {
                        queue.Pending.Remove(nonce);
                    }
                }
                if (queue.Pending.Count == 0)
                {
                    _signerOrder.Remove(node);
                    queue.Node = null;
                    _bySigner.Remove(queue.SignerId);
                }
                else if (touched.Contains(queue.SignerId))
                {
                    served.Add(queue);
                }
                node = nextNode;
            }
            // Signers served by this block go to the back of the line, in the order they were served.
            foreach (var queue in served)
            {
                _signerOrder.Remove(queue.Node!);
                queue.Node = _signerOrder.AddLast(queue);
            }
        }
        foreach (var (id, refusal) in dropped)
        {
            Dropped?.Invoke(id, refusal);
        }
    }

    /// <summary>Drops a pending transaction that a block builder found it may not include.</summary>
    public void Remove(in Hash32 id, Refusal refusal)
    {
        lock (_gate)
        {
            if (!_byId.Remove(id, out var transaction))
            {
                return;
            }
            _bytes -= transaction.Size;
            var signerId = _chain.Setup.Engine.SignerId(transaction.Signer);
            if (_bySigner.TryGetValue(signerId, out var queue))
            {
                queue.Pending.Remove(transaction.Nonce);
                if (queue.Pending.Count == 0)
                {
                    _signerOrder.Remove(queue.Node!);
                    queue.Node = null;
                    _bySigner.Remove(signerId);
                }
            }
        }
        Dropped?.Invoke(id, refusal);
    }

    private static AdmissionResult Refused(in Hash32 id, string code, string message) =>
        new(AdmissionStatus.Refused, id, new Refusal(code, message));

    private sealed class SignerQueue(Hash32 signerId)
    {
        public Hash32 SignerId { get; } = signerId;

        public SortedDictionary<ulong, Transaction> Pending { get; } = [];

        public LinkedListNode<SignerQueue>? Node { get; set; }
    }
}

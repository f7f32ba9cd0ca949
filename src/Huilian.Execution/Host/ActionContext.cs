using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Core.State;

namespace Huilian.Execution.Host;

/// <summary>The block an action runs in. Its time is the block time agreed by consensus, never the wall clock.</summary>
public sealed record BlockContext(string ChainId, ulong Height, long TimeMs, byte[] Proposer);

/// <summary>
/// Everything an action may see and do: the transaction and its signer, the block, reads and writes of state
/// through a transactional overlay, and events. Writes and events are kept only if the action succeeds.
/// </summary>
public sealed class ActionContext
{
    private readonly StateOverlay _state;
    private readonly List<LedgerEvent> _events = [];

    internal ActionContext(ICryptoSuite suite, BlockContext block, Transaction transaction, Hash32 signerId, int index, StateOverlay state)
    {
        Hash = suite.Hash;
        Certificates = suite.Certificates;
        Signatures = suite.Signatures;
        Block = block;
        Transaction = transaction;
        SignerId = signerId;
        Index = index;
        _state = state;
    }

    public BlockContext Block { get; }

    /// <summary>The chain's hash function (SHA-256 or SM3).</summary>
    public IHashFunction Hash { get; }

    /// <summary>The chain's X.509 certificate rules (P-256 or SM2).</summary>
    public ICertificateVerifier Certificates { get; }

    /// <summary>The chain's signature scheme (to check that a public key is a point of its curve).</summary>
    public ISignatureScheme Signatures { get; }

    public Transaction Transaction { get; }

    /// <summary>The hash of the signer's public key: the signer's identity in state keys.</summary>
    public Hash32 SignerId { get; }

    /// <summary>The transaction's position in its block.</summary>
    public int Index { get; }

    public IStateReader State => _state;

    public byte[]? Get(byte[] key) => _state.Get(key);

    public void Set(byte[] key, byte[] value)
    {
        if (key.Length == 0 || key.Length > Limits.StateKeyBytesMax)
        {
            throw new InvalidOperationException($"State keys are 1 to {Limits.StateKeyBytesMax} bytes.");
        }
        if (value.Length > Limits.StateValueBytesMax)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"A state value is at most {Limits.StateValueBytesMax} bytes.");
        }
        _state.Set(key, value);
    }

    public void Delete(byte[] key) => _state.Delete(key);

    private readonly SortedDictionary<byte[], byte[]> _keptOnRefusal = new(ByteArrayComparer.Instance);

    /// <summary>
    /// Writes <paramref name="value"/> under <paramref name="key"/> only if this action is then refused: a record that
    /// the refusal happened (e.g. an over-financing alert for the regulator). A successful action drops it. Reads of
    /// the key through this context see it.
    /// </summary>
    public void SetOnRefusal(byte[] key, byte[] value)
    {
        if (key.Length == 0 || key.Length > Limits.StateKeyBytesMax || value.Length > Limits.StateValueBytesMax || _keptOnRefusal.Count >= KeptOnRefusalMax)
        {
            throw new InvalidOperationException($"A record kept on refusal is bounded: {KeptOnRefusalMax} entries, keys of 1 to {Limits.StateKeyBytesMax} bytes.");
        }
        _keptOnRefusal[key] = value;
    }

    /// <summary>The value a refusal record holds for <paramref name="key"/>, else the state's.</summary>
    public byte[]? GetIncludingRefusalRecords(byte[] key) => _keptOnRefusal.TryGetValue(key, out var value) ? value : _state.Get(key);

    /// <summary>The most entries one action may keep on refusal.</summary>
    public const int KeptOnRefusalMax = 4;

    internal IEnumerable<KeyValuePair<byte[], byte[]>> KeptOnRefusal => _keptOnRefusal;

    public void Emit(string type, params EventAttribute[] attributes)
    {
        if (_events.Count >= Limits.EventsPerReceiptMax || attributes.Length > Limits.EventAttributesMax)
        {
            throw new InvalidOperationException("Too many events or attributes for one receipt.");
        }
        _events.Add(new LedgerEvent(type, attributes));
    }

    internal IReadOnlyList<LedgerEvent> Events => _events;
}

/// <summary>
/// Decides whether a signer is a current member and may run an action. The membership module's policy reads
/// organisations, certificates and the role matrix from state.
/// </summary>
public interface IPermissionPolicy
{
    /// <summary>
    /// Null when the signer may sign in the block at <paramref name="height"/> with time <paramref name="timeMs"/>:
    /// its certificate is registered, valid at that time and not revoked, and its user and organisation are active.
    /// </summary>
    Refusal? CheckSigner(IStateReader state, in Hash32 signerId, ulong height, long timeMs);

    /// <summary>Null when the signer may run <paramref name="action"/>; otherwise a refusal naming the role required.</summary>
    Refusal? Authorize(IStateReader state, in Hash32 signerId, ActionDefinition action);
}

/// <summary>Writes the initial state from the genesis document.</summary>
public sealed class GenesisWriter(ICryptoSuite suite)
{
    /// <summary>The chain's hash function.</summary>
    public IHashFunction Hash { get; } = suite.Hash;

    /// <summary>The chain's certificate rules.</summary>
    public ICertificateVerifier Certificates { get; } = suite.Certificates;

    public ISignatureScheme Signatures { get; } = suite.Signatures;

    public byte[]? Get(byte[] key) => _writes.GetValueOrDefault(key);

    /// <summary>Writes a key that an earlier module may already have written (e.g. an index).</summary>
    public void Put(byte[] key, byte[] value) => _writes[key] = value;

    private readonly SortedDictionary<byte[], byte[]> _writes = new(ByteArrayComparer.Instance);

    public void Set(byte[] key, byte[] value)
    {
        if (!_writes.TryAdd(key, value))
        {
            throw new InvalidOperationException("Genesis writes a state key twice.");
        }
    }

    public IReadOnlyList<StateWrite> ToWriteSet()
    {
        var writes = new List<StateWrite>(_writes.Count);
        foreach (var (key, value) in _writes)
        {
            writes.Add(new StateWrite(key, value));
        }
        return writes;
    }
}

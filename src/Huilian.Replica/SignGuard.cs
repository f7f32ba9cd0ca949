using System.Buffers.Binary;
using Huilian.Core;
using Huilian.Core.Codec;
using Huilian.Core.Crypto;

namespace Huilian.Replica;

/// <summary>Within a round a validator signs at most once per step, in this order.</summary>
public enum SignStep : byte
{
    Proposal = 1,
    Prevote = 2,
    Precommit = 3,
}

/// <summary>
/// What a validator's consensus state was when it last signed: its lock and valid value (rounds -1 when none). Kept
/// with the signatures so that a restart within the height resumes with them.
/// </summary>
public sealed record SignContext(int LockedRound, Hash32 LockedValue, int ValidRound, Hash32 ValidValue)
{
    public static readonly SignContext None = new(-1, Hash32.Zero, -1, Hash32.Zero);
}

/// <summary>One message signed in the latest round: its step, the bytes, the signature and the block it names (zero for nil).</summary>
public sealed record SignedMessage(SignStep Step, byte[] SignBytes, byte[] Signature, Hash32 BlockHash);

/// <summary>
/// Everything a validator signed in the latest (height, round) it signed in, in step order, and its lock as of the
/// last signature. The latest slot is (Height, Round, the last message's step).
/// </summary>
public sealed record SignState(ulong Height, uint Round, IReadOnlyList<SignedMessage> Signed, SignContext Context)
{
    public const byte FormatVersion = 2;

    public SignStep Step => Signed[^1].Step;

    public SignedMessage? At(SignStep step) => Signed.FirstOrDefault(m => m.Step == step);

    public int CompareSlot(ulong height, uint round, SignStep step) =>
        (Height, Round, (byte)Step).CompareTo((height, round, (byte)step));

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(Signed.Sum(m => m.SignBytes.Length + m.Signature.Length + 48) + 96);
        writer.WriteU8(FormatVersion);
        writer.WriteU64(Height);
        writer.WriteU32(Round);
        writer.WriteCount(Signed.Count);
        foreach (var message in Signed)
        {
            writer.WriteU8((byte)message.Step);
            writer.WriteBytes(message.SignBytes);
            writer.WriteBytes(message.Signature);
            writer.WriteHash(message.BlockHash);
        }
        writer.WriteU32(checked((uint)(Context.LockedRound + 1)));
        writer.WriteHash(Context.LockedValue);
        writer.WriteU32(checked((uint)(Context.ValidRound + 1)));
        writer.WriteHash(Context.ValidValue);
        return writer.ToArray();
    }

    public static SignState Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        var version = reader.ReadU8();
        if (version is not (1 or FormatVersion))
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown sign-state format.");
        }
        var height = reader.ReadU64();
        var round = reader.ReadU32();
        if (version == 1)
        {
            // Format 1 kept only the last message, without the block hash or the lock.
            var step = ReadStep(ref reader);
            var bytes = reader.ReadBytesArray(4096, "signBytes");
            var signature = reader.ReadBytesArray(Limits.SignatureLengthMax, "signature");
            reader.End();
            return new SignState(height, round, [new SignedMessage(step, bytes, signature, Hash32.Zero)], SignContext.None);
        }
        var count = reader.ReadCount(3, "signed");
        if (count == 0)
        {
            throw new EncodingException(EncodingErrors.InvalidValue, "A sign state holds at least one signed message.");
        }
        var signed = new SignedMessage[count];
        for (var i = 0; i < count; i++)
        {
            signed[i] = new SignedMessage(ReadStep(ref reader), reader.ReadBytesArray(4096, "signBytes"),
                reader.ReadBytesArray(Limits.SignatureLengthMax, "signature"), reader.ReadHash());
            if (i > 0 && signed[i].Step <= signed[i - 1].Step)
            {
                throw new EncodingException(EncodingErrors.InvalidValue, "Signed messages must be in step order.");
            }
        }
        var lockedRound = (int)Math.Min(reader.ReadU32(), int.MaxValue) - 1;
        var lockedValue = reader.ReadHash();
        var validRound = (int)Math.Min(reader.ReadU32(), int.MaxValue) - 1;
        var validValue = reader.ReadHash();
        reader.End();
        return new SignState(height, round, signed, new SignContext(lockedRound, lockedValue, validRound, validValue));
    }

    private static SignStep ReadStep(ref CanonicalReader reader)
    {
        var step = reader.ReadU8();
        if (step is < (byte)SignStep.Proposal or > (byte)SignStep.Precommit)
        {
            throw new EncodingException(EncodingErrors.InvalidValue, "Unknown sign step.");
        }
        return (SignStep)step;
    }
}

/// <summary>The block a validator precommitted (its proposal message) and the prevotes that made it lock on it.</summary>
public sealed record LockedBlockRecord(byte[] Proposal, IReadOnlyList<byte[]> Votes)
{
    public const byte FormatVersion = 1;

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(Proposal.Length + Votes.Sum(v => v.Length + 4) + 16);
        writer.WriteU8(FormatVersion);
        writer.WriteBytes(Proposal);
        writer.WriteCount(Votes.Count);
        foreach (var vote in Votes)
        {
            writer.WriteBytes(vote);
        }
        return writer.ToArray();
    }

    public static LockedBlockRecord Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown locked-block format.");
        }
        var proposal = reader.ReadBytesArray(int.MaxValue, "proposal");
        var count = reader.ReadCount(Limits.ValidatorsMax, "votes");
        var votes = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            votes[i] = reader.ReadBytesArray(4096, "vote");
        }
        reader.End();
        return new LockedBlockRecord(proposal, votes);
    }
}

/// <summary>Where the sign state lives. <see cref="Save"/> returns only once the state is durable.</summary>
public interface ISignStateStore
{
    SignState? Load();

    void Save(SignState state);

    /// <summary>The block this validator last precommitted (an encoded proposal message), or null.</summary>
    byte[]? LoadLockedBlock();

    /// <summary>Keeps the block a validator is about to precommit, durably, so that after a restart it can still
    /// re-propose and serve the value it is locked on.</summary>
    void SaveLockedBlock(byte[] block);
}

/// <summary>
/// Keeps a validator from ever signing two different messages for one slot (height, round, step), or anything
/// for an earlier slot, even across crashes: the slot and bytes are made durable before the signature leaves.
/// Asked again for exactly the same bytes, it returns the same signature, so re-sending after a restart is safe.
/// </summary>
public sealed class SignGuard
{
    private readonly ISigningKey _key;
    private readonly ISignStateStore _store;
    private SignState? _last;

    public SignGuard(ISigningKey key, ISignStateStore store)
    {
        _key = key;
        _store = store;
        _last = store.Load();
    }

    public byte[] PublicKey => _key.PublicKey;

    public SignState? Last => _last;

    public byte[]? LoadLockedBlock() => _store.LoadLockedBlock();

    public void SaveLockedBlock(byte[] block) => _store.SaveLockedBlock(block);

    /// <summary>The signature, or null when signing would contradict something already signed.</summary>
    public byte[]? Sign(ulong height, uint round, SignStep step, byte[] signBytes) =>
        Sign(height, round, step, signBytes, Hash32.Zero, SignContext.None);

    /// <summary>
    /// The signature, or null when signing would contradict something already signed: a different message for a
    /// slot already signed, or any slot before the latest one signed.
    /// </summary>
    public byte[]? Sign(ulong height, uint round, SignStep step, byte[] signBytes, Hash32 blockHash, SignContext context)
    {
        IReadOnlyList<SignedMessage> earlier = [];
        if (_last is { } last)
        {
            if (last.Height == height && last.Round == round && last.At(step) is { } same)
            {
                return same.SignBytes.AsSpan().SequenceEqual(signBytes) ? same.Signature : null;
            }
            if (last.CompareSlot(height, round, step) > 0)
            {
                return null; // An earlier slot than one already signed.
            }
            if (last.Height == height && last.Round == round)
            {
                earlier = last.Signed;
            }
        }
        var signature = _key.Sign(signBytes);
        var state = new SignState(height, round, [.. earlier, new SignedMessage(step, signBytes, signature, blockHash)], context);
        _store.Save(state); // Durable before the signature can be sent.
        _last = state;
        return signature;
    }
}

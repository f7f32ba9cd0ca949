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
/// What a validator's consensus state was when it signed: the block hash it signed for (zero for nil), and its lock
/// and valid value (rounds -1 when none). Kept with the signature so a restart within the height resumes with them.
/// </summary>
public sealed record SignContext(Hash32 BlockHash, int LockedRound, Hash32 LockedValue, int ValidRound, Hash32 ValidValue)
{
    public static readonly SignContext None = new(Hash32.Zero, -1, Hash32.Zero, -1, Hash32.Zero);
}

/// <summary>The last thing a validator signed: its slot, the bytes and the signature, and the context it signed in.</summary>
public sealed record SignState(ulong Height, uint Round, SignStep Step, byte[] SignBytes, byte[] Signature, SignContext Context)
{
    public const byte FormatVersion = 2;

    public int CompareSlot(ulong height, uint round, SignStep step) =>
        (Height, Round, (byte)Step).CompareTo((height, round, (byte)step));

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(SignBytes.Length + Signature.Length + 160);
        writer.WriteU8(FormatVersion);
        writer.WriteU64(Height);
        writer.WriteU32(Round);
        writer.WriteU8((byte)Step);
        writer.WriteBytes(SignBytes);
        writer.WriteBytes(Signature);
        writer.WriteHash(Context.BlockHash);
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
        var step = reader.ReadU8();
        if (step is < (byte)SignStep.Proposal or > (byte)SignStep.Precommit)
        {
            throw new EncodingException(EncodingErrors.InvalidValue, "Unknown sign step.");
        }
        var signBytes = reader.ReadBytesArray(4096, "signBytes");
        var signature = reader.ReadBytesArray(Limits.SignatureLengthMax, "signature");
        var context = SignContext.None;
        if (version == FormatVersion)
        {
            var blockHash = reader.ReadHash();
            var lockedRound = (int)Math.Min(reader.ReadU32(), int.MaxValue) - 1;
            var lockedValue = reader.ReadHash();
            var validRound = (int)Math.Min(reader.ReadU32(), int.MaxValue) - 1;
            var validValue = reader.ReadHash();
            context = new SignContext(blockHash, lockedRound, lockedValue, validRound, validValue);
        }
        reader.End();
        return new SignState(height, round, (SignStep)step, signBytes, signature, context);
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
    public byte[]? Sign(ulong height, uint round, SignStep step, byte[] signBytes) => Sign(height, round, step, signBytes, SignContext.None);

    /// <summary>The signature, or null when signing would contradict something already signed.</summary>
    public byte[]? Sign(ulong height, uint round, SignStep step, byte[] signBytes, SignContext context)
    {
        if (_last is { } last)
        {
            var order = last.CompareSlot(height, round, step);
            if (order > 0)
            {
                return null; // An earlier slot than one already signed.
            }
            if (order == 0)
            {
                return last.SignBytes.AsSpan().SequenceEqual(signBytes) ? last.Signature : null;
            }
        }
        var signature = _key.Sign(signBytes);
        var state = new SignState(height, round, step, signBytes, signature, context);
        _store.Save(state); // Durable before the signature can be sent.
        _last = state;
        return signature;
    }
}

/// <summary>The sign state in a file, replaced atomically (write, fsync, rename, fsync the directory).</summary>
public sealed class FileSignStateStore(string path) : ISignStateStore
{
    public SignState? Load()
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return SignState.Decode(File.ReadAllBytes(path));
        }
        catch (EncodingException exception)
        {
            // Refusing to start is the only safe answer: guessing could mean signing twice.
            throw new InvalidOperationException($"The sign state at {path} is damaged ({exception.Message}); restore it or remove it knowingly.");
        }
    }

    public void Save(SignState state) => WriteDurably(path, state.Encode());

    public byte[]? LoadLockedBlock()
    {
        var blockPath = path + ".locked-block";
        return File.Exists(blockPath) ? File.ReadAllBytes(blockPath) : null;
    }

    public void SaveLockedBlock(byte[] block) => WriteDurably(path + ".locked-block", block);

    private static void WriteDurably(string target, byte[] content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(target))!;
        Directory.CreateDirectory(directory);
        var temporary = target + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, target, overwrite: true);
        FlushDirectory(directory);
    }

    private static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        // A rename is durable once its directory is: open the directory and fsync it.
        var handle = Interop.Open(directory);
        if (handle >= 0)
        {
            Interop.Fsync(handle);
            Interop.Close(handle);
        }
    }

    private static class Interop
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int OpenNative(string path, int flags);

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        public static extern int Fsync(int fd);

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);

        public static int Open(string path) => OpenNative(path, 0 /* O_RDONLY */);
    }
}

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

/// <summary>The last thing a validator signed: its slot, the bytes and the signature.</summary>
public sealed record SignState(ulong Height, uint Round, SignStep Step, byte[] SignBytes, byte[] Signature)
{
    public const byte FormatVersion = 1;

    public int CompareSlot(ulong height, uint round, SignStep step) =>
        (Height, Round, (byte)Step).CompareTo((height, round, (byte)step));

    public byte[] Encode()
    {
        var writer = new CanonicalWriter(SignBytes.Length + Signature.Length + 32);
        writer.WriteU8(FormatVersion);
        writer.WriteU64(Height);
        writer.WriteU32(Round);
        writer.WriteU8((byte)Step);
        writer.WriteBytes(SignBytes);
        writer.WriteBytes(Signature);
        return writer.ToArray();
    }

    public static SignState Decode(ReadOnlySpan<byte> encoded)
    {
        var reader = new CanonicalReader(encoded);
        if (reader.ReadU8() != FormatVersion)
        {
            throw new EncodingException(EncodingErrors.UnsupportedVersion, "Unknown sign-state format.");
        }
        var state = new SignState(reader.ReadU64(), reader.ReadU32(), (SignStep)reader.ReadU8(), reader.ReadBytesArray(4096, "signBytes"), reader.ReadBytesArray(Limits.SignatureLengthMax, "signature"));
        reader.End();
        return state;
    }
}

/// <summary>Where the sign state lives. <see cref="Save"/> returns only once the state is durable.</summary>
public interface ISignStateStore
{
    SignState? Load();

    void Save(SignState state);
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

    /// <summary>The signature, or null when signing would contradict something already signed.</summary>
    public byte[]? Sign(ulong height, uint round, SignStep step, byte[] signBytes)
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
        var state = new SignState(height, round, step, signBytes, signature);
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

    public void Save(SignState state)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            stream.Write(state.Encode());
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
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

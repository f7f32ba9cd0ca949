using Huilian.Core.Codec;
using Huilian.Replica;

namespace Huilian.Node.Hosting;

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

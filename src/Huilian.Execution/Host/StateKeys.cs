using System.Text;
using Huilian.Core;

namespace Huilian.Execution.Host;

/// <summary>Every state key is "module/" then the module's own suffix, so modules never collide.</summary>
public static class StateKeys
{
    public static byte[] For(string module, ReadOnlySpan<byte> suffix)
    {
        var prefixLength = Encoding.ASCII.GetByteCount(module) + 1;
        var key = new byte[prefixLength + suffix.Length];
        Encoding.ASCII.GetBytes(module, key);
        key[prefixLength - 1] = (byte)'/';
        suffix.CopyTo(key.AsSpan(prefixLength));
        return key;
    }

    public static byte[] For(string module, in Hash32 id)
    {
        Span<byte> suffix = stackalloc byte[Hash32.Length];
        id.CopyTo(suffix);
        return For(module, suffix);
    }

    /// <summary>The last nonce a signer used.</summary>
    public static byte[] Nonce(in Hash32 signerId) => For("sys.nonce", signerId);
}

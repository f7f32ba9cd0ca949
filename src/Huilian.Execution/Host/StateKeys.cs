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

    /// <summary>A protocol parameter changed by governance (8-byte big-endian value).</summary>
    public static byte[] Parameter(string name) => For("sys.param", Encoding.ASCII.GetBytes(name));

    /// <summary>The last nonce a signer used.</summary>
    public static byte[] Nonce(in Hash32 signerId) => For("sys.nonce", signerId);
}

/// <summary>The protocol parameters governance may change, by the name proposals use.</summary>
public static class ParameterNames
{
    public const string BlockTransactionsMax = "consensus.blockTransactionsMax";
    public const string ExpiryWindowBlocksMax = "consensus.expiryWindowBlocksMax";
    public const string VotingPeriodBlocks = "governance.votingPeriodBlocks";
    public const string CreditGrantDaysMax = "credit.grantDaysMax";

    public static IReadOnlyList<string> All { get; } = [BlockTransactionsMax, ExpiryWindowBlocksMax, VotingPeriodBlocks, CreditGrantDaysMax];

    /// <summary>The inclusive range a parameter may take.</summary>
    public static (ulong Min, ulong Max) Range(string name) => name switch
    {
        BlockTransactionsMax => (1, (ulong)Limits.BlockTransactionsMax),
        ExpiryWindowBlocksMax => (1, Limits.ExpiryWindowBlocksMax),
        VotingPeriodBlocks => (1, 10_000_000),
        CreditGrantDaysMax => (1, 3_660),
        _ => throw new ArgumentException($"There is no parameter '{name}'.", nameof(name)),
    };
}

namespace Huilian.Core.State;

/// <summary>Read access to state entries. Execution reads through this and nothing else.</summary>
public interface IStateReader
{
    /// <summary>The value stored under <paramref name="key"/>, or null.</summary>
    byte[]? Get(ReadOnlySpan<byte> key);
}

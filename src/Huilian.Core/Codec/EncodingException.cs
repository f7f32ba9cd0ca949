namespace Huilian.Core.Codec;

/// <summary>Bytes that are not the canonical encoding of what was expected. <see cref="Code"/> is stable.</summary>
public sealed class EncodingException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

public static class EncodingErrors
{
    public const string Truncated = "EncodingTruncated";
    public const string TrailingBytes = "EncodingTrailingBytes";
    public const string LengthExceedsLimit = "EncodingLengthExceedsLimit";
    public const string InvalidBoolean = "EncodingInvalidBoolean";
    public const string InvalidUtf8 = "EncodingInvalidUtf8";
    public const string InvalidIdentifier = "EncodingInvalidIdentifier";
    public const string UnsupportedVersion = "EncodingUnsupportedVersion";
    public const string InvalidValue = "EncodingInvalidValue";
}

using Huilian.Core.Crypto;

namespace Huilian.Crypto;

/// <summary>Finds a suite by the name genesis gives it, and makes keys for it.</summary>
public static class CryptoSuites
{
    public static IReadOnlyList<string> Names { get; } = ["intl", "gm"];

    public static ICryptoSuite Get(string name) => name switch
    {
        "intl" => IntlSuite.Instance,
        "gm" => GmSuite.Instance,
        _ => throw new ArgumentException($"Crypto suite '{name}' is unknown; use 'intl' or 'gm'.", nameof(name)),
    };

    public static ISigningKey GenerateKey(string suite) => suite switch
    {
        "intl" => EcdsaP256.Generate(),
        "gm" => Sm2Sm3.Generate(),
        _ => throw new ArgumentException($"Crypto suite '{suite}' is unknown; use 'intl' or 'gm'.", nameof(suite)),
    };

    public static ISigningKey ImportKey(string suite, ReadOnlySpan<byte> privateKey) => suite switch
    {
        "intl" => EcdsaP256.Import(privateKey),
        "gm" => Sm2Sm3.Import(privateKey),
        _ => throw new ArgumentException($"Crypto suite '{suite}' is unknown; use 'intl' or 'gm'.", nameof(suite)),
    };
}

// Shared helpers for the crypto tests: hex, vector file paths, a NIST .rsp reader, fixed-output randomness.
// No test cases live here.

using Org.BouncyCastle.Security;

namespace Huilian.Crypto.Tests;

internal static class Hex
{
    public static byte[] Decode(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}

internal static class Vectors
{
    /// <summary>Absolute path of a file under Vectors/ in the test output directory.</summary>
    public static string PathOf(params string[] parts)
    {
        var path = Path.Combine([AppContext.BaseDirectory, "Vectors", .. parts]);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Test vector file missing from the output directory: {path}");
        }
        return path;
    }
}

/// <summary>
/// Reads NIST CAVP response files: "[...]" section headers, "Name = value" lines, and bare flag lines (FAIL).
/// A record ends at a blank line. Accepts CRLF or LF line endings.
/// </summary>
internal static class RspFile
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        var records = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        foreach (var rawLine in File.ReadAllLines(path))
        {
            var line = rawLine.Trim();
            if (line.Length == 0)
            {
                if (current is not null)
                {
                    records.Add(current);
                    current = null;
                }
                continue;
            }
            if (line.StartsWith('#') || line.StartsWith('['))
            {
                continue;
            }
            current ??= new Dictionary<string, string>(StringComparer.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                current[line] = string.Empty;
            }
            else
            {
                current[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }
        if (current is not null)
        {
            records.Add(current);
        }
        return records;
    }
}

/// <summary>
/// A SecureRandom whose output is a fixed byte string, repeated: used to feed a standard's fixed "random"
/// k into BouncyCastle's SM2Signer (RandomDsaKCalculator draws exactly 32 bytes per attempt).
/// </summary>
internal sealed class FixedSecureRandom(byte[] output) : SecureRandom
{
    public int Calls { get; private set; }

    public override void NextBytes(byte[] buf) => NextBytes(buf, 0, buf.Length);

    public override void NextBytes(byte[] buf, int off, int len)
    {
        Calls++;
        for (var i = 0; i < len; i++)
        {
            buf[off + i] = output[i % output.Length];
        }
    }
}

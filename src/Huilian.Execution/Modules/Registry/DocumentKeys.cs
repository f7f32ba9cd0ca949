using System.Text;
using Huilian.Core;
using Huilian.Core.Crypto;

namespace Huilian.Execution.Modules.Registry;

/// <summary>
/// How a document's registry key and field commitments are derived from what its holder knows: the document number
/// and the secret the publisher handed to the owner. Only the key and the commitments reach the ledger; without the
/// secret, a member can neither find a document by its number nor test a guess of a field's value.
/// These functions run at the client (publisher, bank); execution only compares their outputs.
/// </summary>
public static class DocumentKeys
{
    public const int CommitmentBytes = 16;
    public const int SecretLengthMin = 16;
    public const int SecretLengthMax = 128;
    public const int NumberLengthMax = 64;

    /// <summary>key = H("huilian/registry/key/v1" ‖ 0 ‖ type ‖ 0 ‖ number ‖ 0 ‖ secret).</summary>
    public static Hash32 Key(IHashFunction hash, string type, string number, string secret) => Derive(hash, "huilian/registry/key/v1", type, number, secret);

    /// <summary>The salt of the field commitments: a second hash of the same inputs under another domain, never published.</summary>
    public static Hash32 Salt(IHashFunction hash, string type, string number, string secret) => Derive(hash, "huilian/registry/salt/v1", type, number, secret);

    /// <summary>commitment = the first 16 bytes of H("huilian/registry/field/v1" ‖ 0 ‖ salt ‖ field ‖ 0 ‖ value).</summary>
    public static byte[] Commit(IHashFunction hash, in Hash32 salt, string field, string value)
    {
        var domain = Encoding.ASCII.GetBytes("huilian/registry/field/v1\0");
        var fieldBytes = Encoding.UTF8.GetBytes(field + "\0" + value);
        var input = new byte[domain.Length + Hash32.Length + fieldBytes.Length];
        domain.CopyTo(input, 0);
        salt.CopyTo(input.AsSpan(domain.Length));
        fieldBytes.CopyTo(input, domain.Length + Hash32.Length);
        return hash.Hash(input).ToArray().AsSpan(0, CommitmentBytes).ToArray();
    }

    /// <summary>
    /// The "fields" object of a publish, verify or apply payload: each field's commitment (hex) under the document's
    /// salt, in the order given. Field names are the type's (plain identifiers); values are what the caller claims.
    /// </summary>
    public static string CommitmentsJson(IHashFunction hash, string type, string number, string secret, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var salt = Salt(hash, type, number, secret);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (field, value) in fields)
            {
                writer.WriteString(field, Convert.ToHexStringLower(Commit(hash, salt, field, value)));
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Hash32 Derive(IHashFunction hash, string domain, string type, string number, string secret)
    {
        if (number.Length is 0 or > NumberLengthMax || secret.Length is < SecretLengthMin or > SecretLengthMax)
        {
            throw new ArgumentException($"A document number is 1 to {NumberLengthMax} characters and its secret {SecretLengthMin} to {SecretLengthMax}.");
        }
        return hash.Hash(Encoding.UTF8.GetBytes(domain + "\0" + type + "\0" + number + "\0" + secret));
    }
}

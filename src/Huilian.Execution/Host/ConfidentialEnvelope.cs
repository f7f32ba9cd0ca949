using System.Text;
using Huilian.Core;
using Huilian.Core.State;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Host;

/// <summary>A data key wrapped for one recipient organisation, named by the id (hash) of its data-encryption key.</summary>
public sealed record EnvelopeRecipient(Hash32 KeyId, byte[] WrappedKey);

/// <summary>
/// The confidential section of a transaction: a plaintext encrypted under a fresh data key (AES-256-GCM or SM4-GCM),
/// and that key wrapped for each entitled organisation (ECDH+HKDF on P-256, or SM2 encryption). The ledger keeps only
/// this: ciphertext and the recipients' key ids. The regulator is always a recipient; execution refuses an
/// envelope without it. Encryption happens at the client, because it needs randomness.
/// </summary>
public sealed record ConfidentialEnvelope(IReadOnlyList<EnvelopeRecipient> Recipients, byte[] Nonce, byte[] Ciphertext)
{
    public const int RecipientsMax = 16;
    public const int WrappedKeyBytesMax = 256;
    public const int CiphertextBytesMax = 48 * 1024;
    public const string MissingRegulator = "ConfidentialLacksRegulator";
    public const string UnknownRecipient = "ConfidentialRecipientUnknown";

    /// <summary>The associated data the section's AEAD binds: the chain and the action, so a section cannot be moved.</summary>
    public static byte[] AssociatedData(string chainId, string module, string action) =>
        Encoding.ASCII.GetBytes("huilian/confidential/v1\0" + chainId + "\0" + module + "." + action);

    /// <summary>Reads the optional "confidential" field of a payload, strictly; null when the payload has none.</summary>
    public static ConfidentialEnvelope? ReadOptional(PayloadReader payload, string field = "confidential")
    {
        var section = payload.OptionalObject(field);
        if (section is null)
        {
            return null;
        }
        var recipients = new List<EnvelopeRecipient>();
        foreach (var item in section.RequiredObjectList("recipients", RecipientsMax))
        {
            var recipient = new EnvelopeRecipient(item.RequiredHash("keyId"), item.RequiredBase64("wrappedKey", WrappedKeyBytesMax));
            item.EnsureNoUnknownFields();
            if (recipients.Any(r => r.KeyId == recipient.KeyId))
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Recipient {recipient.KeyId.ToShortString()}… is listed twice.");
            }
            recipients.Add(recipient);
        }
        var nonce = section.RequiredBase64("nonce", 12);
        if (nonce.Length != 12)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "Field 'confidential.nonce' must be 12 bytes.");
        }
        var ciphertext = section.RequiredBase64("ciphertext", CiphertextBytesMax);
        if (ciphertext.Length < 16)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "Field 'confidential.ciphertext' must hold at least the 16-byte tag.");
        }
        section.EnsureNoUnknownFields();
        if (recipients.Count == 0)
        {
            throw new ActionRefusedException(MissingRegulator, "A confidential section needs recipients, the regulator among them.");
        }
        return new ConfidentialEnvelope(recipients, nonce, ciphertext);
    }

    /// <summary>
    /// Refuses an envelope whose recipients are not member organisations' current data-encryption keys, or that
    /// leaves out the regulator. Returns the recipient organisations, in envelope order.
    /// </summary>
    public IReadOnlyList<string> CheckRecipients(IStateReader state)
    {
        var regulator = MembershipState.ReadRegulator(state);
        var organisations = new List<string>(Recipients.Count);
        foreach (var recipient in Recipients)
        {
            var owner = MembershipState.ReadEncryptionKeyOwner(state, recipient.KeyId)
                ?? throw new ActionRefusedException(UnknownRecipient, $"Key {recipient.KeyId.ToShortString()}… is not the data-encryption key of a member organisation.");
            organisations.Add(owner);
        }
        if (regulator is null || !organisations.Contains(regulator))
        {
            throw new ActionRefusedException(MissingRegulator, "Every confidential section is readable by the regulator: wrap the data key for its data-encryption key too.");
        }
        return organisations;
    }
}

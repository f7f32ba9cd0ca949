using System.Text;
using Huilian.Core;
using Huilian.Core.State;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Host;

/// <summary>
/// A data key wrapped for one recipient organisation, named by the id (hash) of its data-encryption key. The wrapped
/// key is null when the envelope was read for checking only (execution never unwraps).
/// </summary>
public sealed record EnvelopeRecipient(Hash32 KeyId, byte[]? WrappedKey);

/// <summary>
/// The confidential section of a transaction: a plaintext encrypted under a fresh data key (AES-256-GCM or SM4-GCM),
/// and that key wrapped for each entitled organisation (ECDH+HKDF on P-256, or SM2 encryption). The ledger keeps only
/// this: ciphertext and the recipients' key ids. The regulator is always a recipient; execution refuses an
/// envelope without it. Encryption happens at the client, because it needs randomness.
/// </summary>
public sealed record ConfidentialEnvelope(IReadOnlyList<EnvelopeRecipient> Recipients, byte[]? Nonce, byte[]? Ciphertext)
{
    public const int RecipientsMax = 16;
    public const int WrappedKeyBytesMax = 256;
    public const int CiphertextBytesMax = 48 * 1024;
    public const string MissingRegulator = "ConfidentialLacksRegulator";
    public const string UnknownRecipient = "ConfidentialRecipientUnknown";
    public const string SuspendedRecipient = "ConfidentialRecipientSuspended";

    /// <summary>The associated data the section's AEAD binds: the chain and the action, so a section cannot be moved.</summary>
    public static byte[] AssociatedData(string chainId, string module, string action) =>
        Encoding.ASCII.GetBytes("huilian/confidential/v1\0" + chainId + "\0" + module + "." + action);

    /// <summary>
    /// Reads the optional "confidential" field of a payload, strictly; null when the payload has none. With
    /// <paramref name="decode"/> false (execution) the base64 fields are checked and bounded but not decoded.
    /// </summary>
    public static ConfidentialEnvelope? ReadOptional(PayloadReader payload, string field = "confidential", bool decode = false)
    {
        var section = payload.OptionalObject(field);
        if (section is null)
        {
            return null;
        }
        var recipients = new List<EnvelopeRecipient>();
        foreach (var item in section.RequiredObjectList("recipients", RecipientsMax))
        {
            var keyId = item.RequiredHash("keyId");
            byte[]? wrappedKey = null;
            if (decode)
            {
                wrappedKey = item.RequiredBase64("wrappedKey", WrappedKeyBytesMax);
            }
            else
            {
                item.RequiredBase64Length("wrappedKey", WrappedKeyBytesMax);
            }
            var recipient = new EnvelopeRecipient(keyId, wrappedKey);
            item.EnsureNoUnknownFields();
            if (recipients.Any(r => r.KeyId == recipient.KeyId))
            {
                throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, $"Recipient {recipient.KeyId.ToShortString()}… is listed twice.");
            }
            recipients.Add(recipient);
        }
        var nonce = decode ? section.RequiredBase64("nonce", 12) : null;
        if ((nonce?.Length ?? section.RequiredBase64Length("nonce", 12)) != 12)
        {
            throw new ActionRefusedException(ResultCodes.PayloadFieldOutOfRange, "Field 'confidential.nonce' must be 12 bytes.");
        }
        var ciphertext = decode ? section.RequiredBase64("ciphertext", CiphertextBytesMax) : null;
        if ((ciphertext?.Length ?? section.RequiredBase64Length("ciphertext", CiphertextBytesMax)) < 16)
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
            if (MembershipState.ReadOrganisation(state, owner) is { Suspended: true })
            {
                throw new ActionRefusedException(SuspendedRecipient, $"Organisation '{owner}' is suspended; new confidential sections are not shared with it.");
            }
            organisations.Add(owner);
        }
        if (regulator is null || !organisations.Contains(regulator))
        {
            throw new ActionRefusedException(MissingRegulator, "Every confidential section is readable by the regulator: wrap the data key for its data-encryption key too.");
        }
        return organisations;
    }
}

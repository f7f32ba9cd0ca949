using System.Text;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Evidence;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Tests.Modules;

// Rules, for both suites (intl: P-256 ECDH + AES-256-GCM; gm: SM2 + SM4-GCM): an evidence.record may carry a
// confidential section sealed for member organisations' data-encryption keys; the regulator must be among them
// (ConfidentialLacksRegulator otherwise, nothing written) and every recipient must be a member organisation's key
// (ConfidentialRecipientUnknown otherwise, nothing written). The recipients' private keys open the section, no other
// key does — not even by claiming another recipient's wrapped key — and the section is bound to its chain and
// action. Adversarial: the plaintext (and no 8-byte window of it) appears nowhere in the state, in any transaction
// or in any receipt, while the regulator recovers it from the transaction alone.
public sealed class ConfidentialTests
{
    private const string Secret = "HL-SECRET acme>bank-a USD 987,654.32 #Q7";

    private static byte[] AssociatedData() => ConfidentialEnvelope.AssociatedData(TestChain.ChainId, "evidence", "record");

    private static (TestChain Chain, ISigningKey Clerk) NewChain(string suite)
    {
        var chain = new TestChain(suite);
        var clerk = chain.RegisterUser("bank-a", "clerk", RoleNames.EvidenceRecorder);
        return (chain, clerk);
    }

    private static byte[] EncryptionKey(TestChain chain, string organisation) => chain.Organisation(organisation).EncryptionKey.PublicKey;

    private static string Section(SealedSection section) => section.ToJson();

    private static string Payload(Hash32 hash, SealedSection section) =>
        $"{{\"hash\":\"{hash}\",\"owner\":\"acme\",\"type\":\"invoice\",\"label\":\"public label\",\"confidential\":{Section(section)}}}";

    private static SealedSection Seal(TestChain chain, params byte[][] recipients) =>
        ConfidentialSections.Seal(chain.Suite.Name, Encoding.ASCII.GetBytes(Secret), recipients, AssociatedData());

    /// <summary>The section as read back from a transaction payload: what any node (or the regulator) sees.</summary>
    private static SealedSection ReadSection(byte[] payload)
    {
        using var document = JsonDocument.Parse(payload);
        var section = document.RootElement.GetProperty("confidential");
        var recipients = section.GetProperty("recipients").EnumerateArray()
            .Select(r => (Hash32.Parse(r.GetProperty("keyId").GetString()!), Convert.FromBase64String(r.GetProperty("wrappedKey").GetString()!)))
            .ToArray();
        return new SealedSection(recipients, Convert.FromBase64String(section.GetProperty("nonce").GetString()!), Convert.FromBase64String(section.GetProperty("ciphertext").GetString()!));
    }

    private static byte[]? Open(TestChain chain, ISigningKey key, SealedSection section, byte[]? associatedData = null) =>
        ConfidentialSections.Open(chain.Suite.Name, key, section.Recipients, section.Nonce, section.Ciphertext, associatedData ?? AssociatedData());

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void ASectionForBankAAndTheRegulatorIsRecorded(string suite)
    {
        var (chain, clerk) = NewChain(suite);
        var hash = Hash32.Parse(new string('a', 64));
        var receipt = chain.Run(chain.Tx(clerk, 1, "evidence", "record", Payload(hash, Seal(chain, EncryptionKey(chain, "bank-a"), EncryptionKey(chain, "regulator"))), chain.Height + 10));
        Assert.True(receipt.Code == ResultCodes.Ok, receipt.Message);
        var record = EvidenceRecord.Decode(chain.State.Get(EvidenceModule.Key(hash))!);
        Assert.Equal(("acme", "invoice", "public label"), (record.Owner, record.Type, record.Label));
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void ASectionWithoutTheRegulatorIsRefusedAndWritesNothing(string suite)
    {
        var (chain, clerk) = NewChain(suite);
        var hash = Hash32.Parse(new string('b', 64));
        var (execution, refusals) = chain.RunBlock(chain.Tx(clerk, 1, "evidence", "record", Payload(hash, Seal(chain, EncryptionKey(chain, "bank-a"), EncryptionKey(chain, "bank-b"))), chain.Height + 10));
        Assert.Null(refusals[0]);
        Assert.Equal(ConfidentialEnvelope.MissingRegulator, execution.Receipts[0].Code);
        Assert.Empty(execution.Receipts[0].Events);
        Assert.Single(execution.WriteSet()); // the nonce only
        Assert.Null(chain.State.Get(EvidenceModule.Key(hash)));
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void ARecipientThatIsNotAnOrganisationsDataKeyIsRefusedAndWritesNothing(string suite)
    {
        var (chain, clerk) = NewChain(suite);
        var stranger = CryptoSuites.GenerateKey(suite).PublicKey;
        var signingKeyOfAUser = clerk.PublicKey;
        var caKey = chain.Organisation("bank-a").CaKey.PublicKey;
        var nonce = 1UL;
        foreach (var notAnOrganisationKey in new[] { stranger, signingKeyOfAUser, caKey })
        {
            var hash = Hash32.Parse(new string('c', 63) + nonce.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var section = Seal(chain, EncryptionKey(chain, "bank-a"), EncryptionKey(chain, "regulator"), notAnOrganisationKey);
            var (execution, refusals) = chain.RunBlock(chain.Tx(clerk, nonce++, "evidence", "record", Payload(hash, section), chain.Height + 10));
            Assert.Null(refusals[0]);
            Assert.Equal(ConfidentialEnvelope.UnknownRecipient, execution.Receipts[0].Code);
            Assert.Single(execution.WriteSet());
            Assert.Null(chain.State.Get(EvidenceModule.Key(hash)));
        }
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void AMalformedSectionIsRefusedBeforeExecution(string suite)
    {
        var (chain, clerk) = NewChain(suite);
        var hash = Hash32.Parse(new string('d', 64));
        var good = Seal(chain, EncryptionKey(chain, "bank-a"), EncryptionKey(chain, "regulator"));
        var duplicated = new SealedSection([good.Recipients[0], good.Recipients[0], good.Recipients[1]], good.Nonce, good.Ciphertext);
        var noRecipients = new SealedSection([], good.Nonce, good.Ciphertext);
        var shortNonce = new SealedSection(good.Recipients, good.Nonce[..8], good.Ciphertext);
        foreach (var (section, code) in new[]
        {
            (duplicated, ResultCodes.PayloadFieldOutOfRange),
            (noRecipients, ConfidentialEnvelope.MissingRegulator),
            (shortNonce, ResultCodes.PayloadFieldOutOfRange),
        })
        {
            var transaction = chain.Tx(clerk, 1, "evidence", "record", Payload(hash, section), chain.Height + 10);
            Assert.Equal(code, chain.Engine.CheckPayloadAndPermission(transaction, chain.State, chain.IdOf(clerk))?.Code);
        }
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void OnlyTheRecipientsKeysOpenTheSectionAndOnlyForItsChainAndAction(string suite)
    {
        var (chain, _) = NewChain(suite);
        var section = Seal(chain, EncryptionKey(chain, "bank-a"), EncryptionKey(chain, "regulator"));
        var plaintext = Encoding.ASCII.GetBytes(Secret);
        Assert.Equal(plaintext, Open(chain, chain.Organisation("regulator").EncryptionKey, section));
        Assert.Equal(plaintext, Open(chain, chain.Organisation("bank-a").EncryptionKey, section));
        Assert.Null(Open(chain, chain.Organisation("bank-b").EncryptionKey, section));
        Assert.Null(Open(chain, chain.Organisation("acme").EncryptionKey, section));
        // bank-b relabels the regulator's wrapped key as its own: still cannot unwrap it.
        var bankB = chain.Organisation("bank-b");
        var stolen = new SealedSection([(bankB.EncryptionKeyId, section.Recipients[1].WrappedKey)], section.Nonce, section.Ciphertext);
        Assert.Null(Open(chain, bankB.EncryptionKey, stolen));
        // A recipient cannot open the section as if it belonged to another action or chain.
        Assert.Null(Open(chain, chain.Organisation("regulator").EncryptionKey, section, ConfidentialEnvelope.AssociatedData(TestChain.ChainId, "credit", "query")));
        Assert.Null(Open(chain, chain.Organisation("regulator").EncryptionKey, section, ConfidentialEnvelope.AssociatedData("other-chain", "evidence", "record")));
        // A tampered ciphertext does not open.
        var tampered = (byte[])section.Ciphertext.Clone();
        tampered[0] ^= 1;
        Assert.Null(Open(chain, chain.Organisation("regulator").EncryptionKey, section with { Ciphertext = tampered }));
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void ThePlaintextIsNowhereOnTheLedgerButTheRegulatorRecoversItFromTheTransactionAlone(string suite)
    {
        var plaintext = Encoding.ASCII.GetBytes(Secret);
        Assert.Equal(40, plaintext.Length);
        var (chain, clerk) = NewChain(suite);
        var regulatorKey = EncryptionKey(chain, "regulator");
        var bankAKey = EncryptionKey(chain, "bank-a");
        var hash = Hash32.Parse(new string('e', 64));
        var refused = chain.Tx(clerk, 1, "evidence", "record", Payload(Hash32.Parse(new string('f', 64)), Seal(chain, bankAKey)), chain.Height + 10);
        var recorded = chain.Tx(clerk, 2, "evidence", "record", Payload(hash, Seal(chain, bankAKey, regulatorKey)), chain.Height + 10);
        var again = chain.Tx(clerk, 3, "evidence", "record", Payload(hash, Seal(chain, regulatorKey, bankAKey)), chain.Height + 10);
        var (execution, refusals) = chain.RunBlock(refused, recorded, again);
        Assert.Equal([null, null, null], refusals);
        Assert.Equal([ConfidentialEnvelope.MissingRegulator, ResultCodes.Ok, EvidenceModule.AlreadyRecorded], execution.Receipts.Select(r => r.Code));

        var corpus = new List<(string Where, byte[] Bytes)>();
        foreach (var (key, value) in chain.State.Snapshot())
        {
            corpus.Add(("state key " + Convert.ToHexStringLower(key), key));
            corpus.Add(("state value at " + Convert.ToHexStringLower(key), value));
        }
        foreach (var transaction in chain.Offered)
        {
            corpus.Add(($"transaction {transaction.Id} payload", transaction.Payload));
            corpus.Add(($"transaction {transaction.Id}", transaction.EncodedArray));
        }
        foreach (var receipt in chain.Receipts)
        {
            corpus.Add(($"receipt {receipt.TransactionId}", receipt.Encode()));
        }
        Assert.True(corpus.Count > 20);
        var leaks = new List<string>();
        var needles = new List<byte[]> { plaintext, Encoding.ASCII.GetBytes(Convert.ToHexStringLower(plaintext)), Encoding.ASCII.GetBytes(Convert.ToBase64String(plaintext)) };
        for (var i = 0; i + 8 <= plaintext.Length; i++)
        {
            needles.Add(plaintext[i..(i + 8)]);
        }
        foreach (var needle in needles)
        {
            foreach (var (where, bytes) in corpus)
            {
                if (bytes.AsSpan().IndexOf(needle) >= 0)
                {
                    leaks.Add($"'{Encoding.ASCII.GetString(needle)}' in {where}");
                }
            }
        }
        Assert.Empty(leaks);

        // The regulator needs nothing but the committed transaction's bytes and its own data-encryption key.
        var decoded = Transaction.Decode(recorded.EncodedArray, chain.Suite.Hash);
        var section = ReadSection(decoded.Payload);
        Assert.Contains(section.Recipients, r => r.KeyId == chain.Organisation("regulator").EncryptionKeyId);
        Assert.Equal(plaintext, Open(chain, chain.Organisation("regulator").EncryptionKey, section));
        Assert.Equal(plaintext, Open(chain, chain.Organisation("bank-a").EncryptionKey, section));
        Assert.Null(Open(chain, chain.Organisation("bank-b").EncryptionKey, section));
        Assert.Equal(plaintext, Open(chain, chain.Organisation("regulator").EncryptionKey, ReadSection(again.Payload)));
    }
}

using System.Text.Json;
using Huilian.Core;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;
using Huilian.Crypto;
using Huilian.Execution.Modules.Evidence;

namespace Huilian.Execution.Tests.Modules;

// Cases: recording stores the record (hash, owner, type, label, signer, height, block time, transaction id) and
// emits evidence.recorded; recording the same hash again — by the same or another signer, with other metadata —
// returns the first record with code EvidenceAlreadyRecorded and writes nothing but the nonce; optional fields
// default to empty; each bad payload (missing hash, bad hash, over-long owner/type/label, unknown field) is refused
// with its code and writes nothing; a signer without evidence.recorder gets SignerLacksRole; the record's encoding
// round-trips; accounts: an admin registers a recorder who can then record; a non-admin cannot register;
// registering a key twice is refused.
public sealed class EvidenceModuleTests
{
    private readonly TestChain _chain = new();

    [Fact]
    public void RecordingStoresTheRecordAndEmitsAnEvent()
    {
        var hash = Hash32.Parse(new string('a', 64));
        var transaction = _chain.Tx(_chain.Admin, 1, "evidence", "record", TestChain.EvidencePayload(hash, "Acme 出口", "contract", "C-7"));
        var (execution, _) = _chain.RunBlock(transaction);
        var receipt = execution.Receipts[0];
        Assert.Equal(ResultCodes.Ok, receipt.Code);
        Assert.Equal("evidence.recorded", Assert.Single(receipt.Events).Type);
        var record = EvidenceRecord.Decode(_chain.State.Get(EvidenceModule.Key(hash))!);
        Assert.Equal(hash, record.DocumentHash);
        Assert.Equal("Acme 出口", record.Owner);
        Assert.Equal("contract", record.Type);
        Assert.Equal("C-7", record.Label);
        Assert.Equal(_chain.Admin.PublicKey, record.Signer);
        Assert.Equal(1UL, record.Height);
        Assert.Equal(1_700_000_001_000, record.TimeMs);
        Assert.Equal(transaction.Id, record.TransactionId);
        using var result = JsonDocument.Parse(receipt.Result);
        Assert.True(result.RootElement.GetProperty("firstRecord").GetBoolean());
        Assert.Equal(1UL, result.RootElement.GetProperty("height").GetUInt64());
        Assert.Equal(record.Time, result.RootElement.GetProperty("time").GetString());
    }

    [Fact]
    public void RecordingTheSameHashAgainReturnsTheFirstRecordAndChangesNothing()
    {
        var hash = Hash32.Parse(new string('b', 64));
        var first = _chain.Tx(_chain.Admin, 1, "evidence", "record", TestChain.EvidencePayload(hash, owner: "first"));
        _chain.RunBlock(first);
        var stored = _chain.State.Get(EvidenceModule.Key(hash))!;
        var (execution, _) = _chain.RunBlock(_chain.Tx(_chain.Admin, 2, "evidence", "record", TestChain.EvidencePayload(hash, owner: "second")));
        var receipt = execution.Receipts[0];
        Assert.Equal(EvidenceModule.AlreadyRecorded, receipt.Code);
        Assert.Empty(receipt.Events);
        Assert.Equal(stored, _chain.State.Get(EvidenceModule.Key(hash)));
        using var result = JsonDocument.Parse(receipt.Result);
        Assert.False(result.RootElement.GetProperty("firstRecord").GetBoolean());
        Assert.Equal("first", result.RootElement.GetProperty("record").GetProperty("owner").GetString());
        Assert.Equal(first.Id.ToString(), result.RootElement.GetProperty("record").GetProperty("transactionId").GetString());
        Assert.Single(execution.WriteSet());
    }

    [Fact]
    public void OptionalFieldsDefaultToEmpty()
    {
        var hash = Hash32.Parse(new string('c', 64));
        _chain.RunBlock(_chain.Tx(_chain.Admin, 1, "evidence", "record", $"{{\"hash\":\"{hash}\"}}"));
        var record = EvidenceRecord.Decode(_chain.State.Get(EvidenceModule.Key(hash))!);
        Assert.Equal(("", "", ""), (record.Owner, record.Type, record.Label));
    }

    [Theory]
    [InlineData("{}", ResultCodes.PayloadFieldMissing)]
    [InlineData("{\"hash\":123}", ResultCodes.PayloadFieldWrongType)]
    [InlineData("{\"hash\":\"abc\"}", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("{\"hash\":\"HASH\"}", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("{\"hash\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"extra\":1}", ResultCodes.PayloadFieldUnknown)]
    [InlineData("{\"hash\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\"owner\":7}", ResultCodes.PayloadFieldWrongType)]
    [InlineData("not json", ResultCodes.PayloadMalformed)]
    public void BadPayloadsAreRefusedAndWriteNothing(string payload, string code)
    {
        var transaction = _chain.Tx(_chain.Admin, 1, "evidence", "record", payload);
        Assert.Equal(code, _chain.Engine.CheckPayloadAndPermission(transaction, _chain.State, _chain.IdOf(_chain.Admin))!.Code);
        var (execution, _) = _chain.RunBlock(transaction);
        Assert.Equal(code, execution.Receipts[0].Code);
        Assert.Single(execution.WriteSet());
    }

    [Fact]
    public void OverlongMetadataIsRefused()
    {
        var hash = Hash32.Parse(new string('d', 64));
        foreach (var payload in new[]
        {
            TestChain.EvidencePayload(hash, owner: new string('o', 129)),
            TestChain.EvidencePayload(hash, type: new string('t', 65)),
            TestChain.EvidencePayload(hash, label: new string('l', 257)),
        })
        {
            var transaction = _chain.Tx(_chain.Admin, 1, "evidence", "record", payload);
            Assert.Equal(ResultCodes.PayloadFieldOutOfRange, _chain.Engine.CheckPayloadAndPermission(transaction, _chain.State, _chain.IdOf(_chain.Admin))!.Code);
        }
        var atLimit = _chain.Tx(_chain.Admin, 1, "evidence", "record", TestChain.EvidencePayload(hash, new string('o', 128), new string('t', 64), new string('l', 256)));
        Assert.Null(_chain.Engine.CheckPayloadAndPermission(atLimit, _chain.State, _chain.IdOf(_chain.Admin)));
    }

    [Fact]
    public void RecordEncodingRoundTrips()
    {
        var record = new EvidenceRecord(Hash32.Parse(new string('e', 64)), "所有者", "发票", "标签", _chain.Admin.PublicKey, 9, 1_700_000_000_123, Hash32.Parse(new string('f', 64)));
        var decoded = EvidenceRecord.Decode(record.Encode());
        Assert.Equal(record.Encode(), decoded.Encode());
        Assert.Equal("2023-11-14T22:13:20.123Z", decoded.Time);
    }

    [Fact]
    public void AdminRegistersARecorderWhoCanThenRecord()
    {
        var clerk = _chain.RegisterUser("bank-a", "clerk", EvidenceModule.RecorderRole);
        var (record, refusals) = _chain.RunBlock(_chain.Tx(clerk, 1, "evidence", "record", TestChain.EvidencePayload(Hash32.Parse(new string('9', 64)))));
        Assert.Null(refusals[0]);
        Assert.Equal(ResultCodes.Ok, record.Receipts[0].Code);
        Assert.Equal("clerk", MembershipState.ReadSigner(_chain.State, _chain.IdOf(clerk))!.Holder);
    }

    [Fact]
    public void OnlyAnOrganisationAdminMayRegister()
    {
        var key = CryptoSuites.GenerateKey("intl");
        var certificate = _chain.Consortium.Organisation("bank-a").Issue(key.PublicKey, "x", DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs), DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs).AddYears(1));
        var payload = $"{{\"name\":\"x\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[]}}";
        var transaction = _chain.Tx(_chain.User, 1, "membership", "register-user", payload);
        var refusal = _chain.Engine.CheckPayloadAndPermission(transaction, _chain.State, _chain.IdOf(_chain.User));
        Assert.Equal(ResultCodes.SignerLacksRole, refusal!.Code);
        Assert.Contains("'organisation-admin'", refusal.Message);
        var (execution, _) = _chain.RunBlock(transaction);
        Assert.Equal(ResultCodes.SignerLacksRole, execution.Receipts[0].Code);
        Assert.Null(MembershipState.ReadSigner(_chain.State, _chain.IdOf(key)));
    }
}

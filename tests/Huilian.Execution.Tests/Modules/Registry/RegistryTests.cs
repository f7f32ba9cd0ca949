using System.Text;
using System.Text.Json;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Execution.Tests.Modules.Registry;

// Rules: a document is published by its source (customs: declarations; tax authority: invoices and tax filings;
// insurer: policies; carrier: transport documents), singly or in batches, under key = H(type, number, secret); its
// value and currency are public, its fields only salted commitments. A batch is all or nothing: a duplicate key (in
// the batch or already registered), a type published through another action, a missing, extra or malformed field,
// a zero value or a bad currency refuse it whole. A publisher of the wrong kind cannot even hold the role
// (SignerLacksRole). The number never reaches the ledger. A bank verifies by key and claimed field commitments:
// Match, FieldMismatch:<field>, NotFound (wrong number, secret or type alike), ValueMismatch, CurrencyMismatch,
// AlreadyFinancedInFull, with the financed share; every verification batch is recorded with its outcomes.
public sealed class RegistryTests
{
    private readonly TradeChain _trade = new();

    private static TestDocument D(string number, ulong value = 100_000_00) => TestDocument.Declaration(number, value);

    private Receipt Verify(string user, params string[] items) =>
        _trade.Run(user, "registry", "verify", "{\"enterprise\":\"acme\",\"branch\":\"shanghai\",\"documents\":[" + string.Join(",", items) + "]}");

    private static string[] Outcomes(Receipt receipt)
    {
        using var document = JsonDocument.Parse(receipt.Result);
        return document.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("outcome").GetString()!).ToArray();
    }

    [Fact]
    public void CustomsPublishesABatchAndEveryDocumentIsRegisteredWithItsValueAndCommitments()
    {
        var documents = Enumerable.Range(1, 50).Select(i => D("222020261000" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), (ulong)i * 1000)).ToArray();
        var receipt = _trade.Publish(documents);
        Assert.True(receipt.Code == ResultCodes.Ok, receipt.Message);
        foreach (var document in documents)
        {
            var record = _trade.Document(document)!;
            Assert.Equal((DocumentTypes.CustomsDeclaration, "customs", "USD", document.Value, 0UL), (record.Type, record.Publisher, record.Currency, record.Value, record.FinancedActive));
            Assert.Equal(["owner", "goods", "export-date", "port"], record.Fields.Select(f => f.Name));
            Assert.Equal(record.Encode(), DocumentRecord.Decode(record.Encode()).Encode());
        }
    }

    [Fact]
    public void TheDocumentNumberAndTheFieldValuesNeverReachTheLedger()
    {
        var document = D("222020261000424242");
        Assert.Equal(ResultCodes.Ok, _trade.Publish(document).Code);
        Assert.Equal(ResultCodes.Ok, _trade.Enable("bank-a").Code);
        Assert.Equal(ResultCodes.Ok, Verify("bank-a/reviewer", document.VerifyItem(_trade)).Code);
        _trade.Disbursed("bank-a", 10_000_00, document.ApplicationItem(_trade, 10_000_00));
        var everything = new List<byte[]>();
        foreach (var (key, value) in _trade.State.Snapshot())
        {
            everything.Add(key);
            everything.Add(value);
        }
        everything.AddRange(_trade.Chain.Offered.Select(t => t.Payload.ToArray()));
        everything.AddRange(_trade.Chain.Receipts.Select(r => r.Result));
        foreach (var secret in new[] { document.Number, "0424242", document.Fields["goods"], document.Fields["port"], "2026-11-02" })
        {
            var needle = Encoding.UTF8.GetBytes(secret);
            Assert.DoesNotContain(everything, bytes => bytes.AsSpan().IndexOf(needle) >= 0);
        }
    }

    [Fact]
    public void EachSourcePublishesItsOwnTypes()
    {
        static TestDocument Of(string type, string number) => new(type, number, "secret-" + number + "-abcdefgh", 5_000_00, "EUR",
            new(StringComparer.Ordinal) { ["owner"] = "acme", ["buyer"] = "Müller GmbH", ["goods"] = "textiles", ["issue-date"] = "2026-10-01", ["valid-until"] = "2027-10-01",
                ["consignee"] = "Müller GmbH", ["route"] = "CNSHA-DEHAM", ["ship-date"] = "2026-10-03", ["counterparty"] = "Müller GmbH", ["service"] = "consulting", ["filing-date"] = "2026-10-04" });
        foreach (var (user, action, type) in new[]
        {
            ("tax/publisher", "publish-invoice", DocumentTypes.CommercialInvoice),
            ("tax/publisher", "publish-tax-filing", DocumentTypes.TaxFiling),
            ("sinosure/publisher", "publish-policy", DocumentTypes.CreditInsurancePolicy),
            ("cosco/publisher", "publish-transport", DocumentTypes.BillOfLading),
            ("cosco/publisher", "publish-transport", DocumentTypes.RailWaybill),
            ("cosco/publisher", "publish-transport", DocumentTypes.FreightInvoice),
        })
        {
            var full = Of(type, type + "-0001");
            var typeFields = DocumentTypes.Find(type)!.Fields;
            var document = full with { Fields = new SortedDictionary<string, string>(full.Fields.Where(f => typeFields.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value), StringComparer.Ordinal) };
            var receipt = _trade.Run(user, "registry", action, "{\"documents\":[" + document.PublishItem(_trade) + "]}");
            Assert.True(receipt.Code == ResultCodes.Ok, $"{type}: {receipt.Code} {receipt.Message}");
            Assert.Equal(type, _trade.Document(document)!.Type);
        }
    }

    [Fact]
    public void APublisherOfTheWrongKindIsRefusedAndNothingIsPublished()
    {
        var before = _trade.Snapshot();
        var document = D("1");
        var payload = "{\"documents\":[" + document.PublishItem(_trade) + "]}";
        foreach (var user in new[] { "bank-a/proxy", "cosco/publisher", "tax/publisher", "acme/admin" })
        {
            Assert.Equal(ResultCodes.SignerLacksRole, _trade.Run(user, "registry", "publish-declaration", payload).Code);
        }
        // A carrier's publisher publishing a declaration through its own action: the type is not its action's.
        var refused = _trade.Run("cosco/publisher", "registry", "publish-transport", payload);
        Assert.Equal(RegistryCodes.DocumentTypeNotForAction, refused.Code);
        Assert.Equal(before, _trade.Snapshot());
        Assert.Null(_trade.Document(document));
    }

    [Fact]
    public void ARetriedBatchIsAnsweredUnchangedAndADifferentOneWithTheSameKeyIsRefused()
    {
        var documents = new[] { D("200"), D("201") };
        Assert.Equal(ResultCodes.Ok, _trade.Publish(documents).Code);
        var before = _trade.Snapshot();
        var retry = _trade.Publish(documents);
        Assert.Equal(RegistryCodes.DocumentsAlreadyPublished, retry.Code);
        Assert.Empty(retry.Events);
        // Same key, another value: not a retry.
        Assert.Equal(RegistryCodes.DocumentAlreadyPublished, _trade.Publish(documents[0] with { Value = 1 }, documents[1]).Code);
        Assert.Equal(before, _trade.Snapshot());
    }

    [Fact]
    public void ADuplicateKeyRefusesTheWholeBatch()
    {
        var first = D("100");
        Assert.Equal(ResultCodes.Ok, _trade.Publish(first).Code);
        var before = _trade.Snapshot();
        var fresh = D("101");
        Assert.Equal(RegistryCodes.DocumentAlreadyPublished, _trade.Publish(fresh, first).Code);
        Assert.Equal(RegistryCodes.DocumentAlreadyPublished, _trade.Publish(fresh, D("102"), fresh).Code);
        Assert.Equal(before, _trade.Snapshot());
        Assert.Null(_trade.Document(fresh));
    }

    [Theory]
    [InlineData("missing-field", RegistryCodes.DocumentFieldsInvalid)]
    [InlineData("extra-field", RegistryCodes.DocumentFieldsInvalid)]
    [InlineData("short-commitment", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("not-hex", RegistryCodes.DocumentFieldsInvalid)]
    [InlineData("zero-value", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("huge-value", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("lower-currency", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("unknown-type", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("bad-key", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("unknown-member", ResultCodes.PayloadFieldUnknown)]
    [InlineData("empty", ResultCodes.PayloadFieldOutOfRange)]
    public void AMalformedDocumentRefusesTheBatchWithAStableCode(string defect, string code)
    {
        var good = D("7");
        var bad = D("8");
        var key = bad.Key(_trade).ToString();
        var fields = bad.FieldsJson(_trade);
        var commitment = fields.Substring(fields.IndexOf("\"goods\":\"", StringComparison.Ordinal) + 9, 32);
        var item = defect switch
        {
            "missing-field" => $"{{\"key\":\"{key}\",\"type\":\"customs-declaration\",\"value\":1,\"currency\":\"USD\",\"fields\":{bad.FieldsJson(_trade, only: ["owner", "goods", "port"])}}}",
            "extra-field" => $"{{\"key\":\"{key}\",\"type\":\"customs-declaration\",\"value\":1,\"currency\":\"USD\",\"fields\":{fields[..^1]},\"buyer\":\"{commitment}\"}}}}",
            "short-commitment" => bad.PublishItem(_trade).Replace(commitment, commitment[..30], StringComparison.Ordinal),
            "not-hex" => bad.PublishItem(_trade).Replace(commitment, "zz" + commitment[2..], StringComparison.Ordinal),
            "zero-value" => bad.PublishItem(_trade).Replace($"\"value\":{bad.Value}", "\"value\":0", StringComparison.Ordinal),
            "huge-value" => bad.PublishItem(_trade).Replace($"\"value\":{bad.Value}", "\"value\":1000000000000000001", StringComparison.Ordinal),
            "lower-currency" => bad.PublishItem(_trade).Replace("\"USD\"", "\"usd\"", StringComparison.Ordinal),
            "unknown-type" => bad.PublishItem(_trade).Replace("customs-declaration", "customs-receipt", StringComparison.Ordinal),
            "bad-key" => bad.PublishItem(_trade).Replace(key, key[..62] + "xy", StringComparison.Ordinal),
            "unknown-member" => bad.PublishItem(_trade)[..^1] + ",\"exporter\":\"acme\"}",
            _ => "",
        };
        var before = _trade.Snapshot();
        var payload = defect == "empty" ? "{\"documents\":[]}" : "{\"documents\":[" + good.PublishItem(_trade) + "," + item + "]}";
        var receipt = _trade.Run("customs/publisher", "registry", "publish-declaration", payload);
        Assert.True(receipt.Code == code, $"{defect}: {receipt.Code} {receipt.Message}");
        Assert.Equal(before, _trade.Snapshot());
        Assert.Null(_trade.Document(good));
    }

    [Fact]
    public void ADocumentsDetailsTravelSealedForItsOwnerItsBanksAndTheRegulator()
    {
        var document = D("222020261000400400");
        var details = Encoding.UTF8.GetBytes("{\"number\":\"" + document.Number + "\",\"goods\":\"8471.30 portable computers, 400 units\"}");
        string Sealed(params string[] organisations) => ConfidentialSections.Seal(_trade.Chain.Suite.Name, details,
            organisations.Select(o => _trade.Chain.Organisation(o).EncryptionKey.PublicKey).ToArray(),
            ConfidentialEnvelope.AssociatedData(TestChain.ChainId, "registry", "publish-declaration")).ToJson();
        string Payload(string section) => "{\"documents\":[" + document.PublishItem(_trade)[..^1] + ",\"confidential\":" + section + "}]}";

        var before = _trade.Snapshot();
        Assert.Equal(ConfidentialEnvelope.MissingRegulator, _trade.Run("customs/publisher", "registry", "publish-declaration", Payload(Sealed("acme", "bank-a"))).Code);
        Assert.Equal(before, _trade.Snapshot());
        Assert.Equal(ResultCodes.Ok, _trade.Run("customs/publisher", "registry", "publish-declaration", Payload(Sealed("acme", "bank-a", "regulator"))).Code);
        Assert.NotNull(_trade.Document(document));
        // Sealed: the number is in the section's plaintext, and still nowhere on the ledger.
        Assert.DoesNotContain(_trade.Chain.Offered, t => t.Payload.AsSpan().IndexOf(Encoding.UTF8.GetBytes(document.Number)) >= 0);
    }

    [Fact]
    public void ABatchAboveItsBoundIsRefused()
    {
        var items = Enumerable.Range(0, RegistryModule.VerifyBatchMax + 1).Select(i => $"{{\"key\":\"{D("v" + i).Key(_trade)}\",\"type\":\"customs-declaration\"}}").ToArray();
        var receipt = _trade.Chain.Engine.CheckPayloadAndPermission(
            _trade.By("bank-a/reviewer", "registry", "verify", "{\"documents\":[" + string.Join(",", items) + "]}"), _trade.State, _trade.Chain.IdOf(_trade.Chain.KeyFor("bank-a/reviewer")));
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, receipt?.Code);
        _trade.Chain.Resync("bank-a/reviewer");
    }

    [Fact]
    public void VerificationGivesEachOutcomeAndRecordsTheBatch()
    {
        var published = D("300");
        var financed = D("301", 1_000_00);
        Assert.Equal(ResultCodes.Ok, _trade.Publish(published, financed).Code);
        Assert.Equal(ResultCodes.Ok, _trade.Enable("bank-a").Code);
        _trade.Disbursed("bank-a", 1_000_00, financed.ApplicationItem(_trade, 1_000_00));

        var receipt = Verify("bank-b/reviewer",
            published.VerifyItem(_trade),
            published.VerifyItem(_trade, new Dictionary<string, string> { ["goods"] = "8471.30 portable computers, 4000 units" }),
            published.VerifyItem(_trade, secret: "not-the-secret-0123456789"),
            D("399").VerifyItem(_trade),
            published.VerifyItem(_trade, type: DocumentTypes.BillOfLading),
            (published with { Value = 99 }).VerifyItem(_trade),
            (published with { Currency = "EUR" }).VerifyItem(_trade),
            financed.VerifyItem(_trade));
        Assert.Equal(ResultCodes.Ok, receipt.Code);
        Assert.Equal(["Match", "FieldMismatch:goods", "NotFound", "NotFound", "NotFound", "ValueMismatch", "CurrencyMismatch", "AlreadyFinancedInFull"], Outcomes(receipt));

        var record = RegistryModule.ReadVerification(_trade.State, RegistryModule.ReadVerificationCount(_trade.State))!;
        Assert.Equal(("bank-b", "shanghai", "bank-b/reviewer", "acme", _trade.Chain.Height), (record.Bank, record.Branch, record.User, record.Enterprise, record.Height));
        Assert.Equal(["Match", "FieldMismatch:goods", "NotFound", "NotFound", "NotFound", "ValueMismatch", "CurrencyMismatch", "AlreadyFinancedInFull"], record.Items.Select(i => i.OutcomeWithReason));
        Assert.Equal(10_000UL, record.Items[^1].FinancedBasisPoints);
        Assert.Equal(record.Encode(), VerificationRecord.Decode(record.Encode()).Encode());
    }

    [Fact]
    public void VerificationReportsThePartlyFinancedShare()
    {
        var document = D("310");
        _trade.Publish(document);
        _trade.Enable("bank-a");
        _trade.Disbursed("bank-a", 25_000_00, document.ApplicationItem(_trade, 25_000_00));
        var receipt = Verify("bank-b/reviewer", document.VerifyItem(_trade));
        using var json = JsonDocument.Parse(receipt.Result);
        var item = json.RootElement.GetProperty("items")[0];
        Assert.Equal(("Match", 2_500), (item.GetProperty("outcome").GetString(), item.GetProperty("financedBp").GetInt32()));
    }

    [Fact]
    public void OnlyABanksVerifyingClerkVerifiesAndARefusalRecordsNothing()
    {
        var document = D("320");
        _trade.Publish(document);
        var before = _trade.Snapshot();
        foreach (var user in new[] { "customs/publisher", "acme/admin", "bank-a/acceptor", "bank-a/statistician", "regulator/analyst" })
        {
            Assert.Equal(ResultCodes.SignerLacksRole, Verify(user, document.VerifyItem(_trade)).Code);
        }
        Assert.Equal(before, _trade.Snapshot());
        Assert.Equal(0UL, RegistryModule.ReadVerificationCount(_trade.State));
        Assert.Equal(ResultCodes.Ok, Verify("bank-a/proxy", document.VerifyItem(_trade)).Code);
        Assert.Equal(1UL, RegistryModule.ReadVerificationCount(_trade.State));
        // The enterprise and branch are ids (records and reports keep ids, bounded), not free text.
        var named = _trade.Run("bank-a/proxy", "registry", "verify", "{\"enterprise\":\"艾克米出口有限公司\",\"documents\":[" + document.VerifyItem(_trade) + "]}");
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, named.Code);
        Assert.Equal(1UL, RegistryModule.ReadVerificationCount(_trade.State));
    }
}

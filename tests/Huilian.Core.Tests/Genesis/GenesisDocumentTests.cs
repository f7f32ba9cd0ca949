// GenesisDocument. Valid: a full document parses (both suites; omitted organisations, power, roles and parameters, or
// single parameters, take their documented defaults; boundary parameters; a 64-character chain id), ToJson then Parse gives the same document and hash, the
// validator set it creates matches. Invalid, each refused with GenesisException: bad chain ids (uppercase, leading
// digit, empty, space, 65 characters), unknown suite, no validators, 129 validators, bad validator/organisation key hex
// (short, long, not hex, compressed 02 prefix), zero power, duplicate, empty or non-identifier user names, bad organisations (unknown kind, duplicate id, bad CA, no or two regulators, unknown validator organisation), bad governance rules,
// invalid roles, unknown JSON fields at the top, in a validator, a user and the parameters, duplicate JSON
// properties, missing required fields, JSON nulls where a value is required, malformed JSON, an empty document, and
// parameters out of range (each bound just below and just above). Hash: ComputeHash is stable across parse/serialize,
// differs between suites' hash functions, and changes when any field changes (chain id, suite, time by 1 ms,
// validator name/key/power/order, organisation and user fields, governance rules, each parameter); equals H(domain ‖ 00 ‖ the fields).

using Huilian.Core.Codec;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;

namespace Huilian.Core.Tests.Genesis;

public sealed class GenesisDocumentTests
{
    private const string KeyA = TestKeys.Rfc6979PublicKey;
    private static readonly string KeyB = "04" + new string('b', 128);
    private static readonly string KeyC = "04" + new string('c', 128);

    private static string Json(
        string chainId = "\"huilian-local\"",
        string suite = "\"intl\"",
        string? validators = null,
        string? organisations = null,
        string? parameters = null,
        string extra = "") =>
        $$"""
        {
          "chainId": {{chainId}},
          "suite": {{suite}},
          "genesisTime": "2025-11-22T08:26:40+00:00",
          "validators": {{validators ?? $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": 10 }, { "name": "v1", "publicKey": "{{KeyB}}", "power": 5 }]"""}},
          "organisations": {{organisations ?? $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": "admin", "certificate": "BAUG", "roles": ["organisation-admin", "evidence-recorder"] }] }]"""}},
          "parameters": {{parameters ?? """{ "blockTransactionsMax": 1000, "blockBytesMax": 4194304, "expiryWindowBlocksMax": 500 }"""}}{{extra}}
        }
        """;

    private static GenesisDocument Document() => GenesisDocument.Parse(Json());

    private static void Refused(string json) => Assert.Throws<GenesisException>(() => GenesisDocument.Parse(json));

    // ---- Valid.

    [Fact]
    public void ValidDocumentParses()
    {
        var document = Document();
        Assert.Equal("huilian-local", document.ChainId);
        Assert.Equal("intl", document.Suite);
        Assert.Equal(1763800000000, document.GenesisTimeMs);
        Assert.Equal(2, document.Validators.Count);
        Assert.Equal("v0", document.Validators[0].Name);
        Assert.Equal(KeyA, document.Validators[0].PublicKey);
        Assert.Equal(10UL, document.Validators[0].Power);
        Assert.Equal(5UL, document.Validators[1].Power);
        Assert.Equal(["organisation-admin", "evidence-recorder"], document.Organisations[0].Users[0].Roles);
        Assert.Equal("regulator", document.Organisations[0].Kind);
        Assert.Equal(1000, document.Parameters.BlockTransactionsMax);
        Assert.Equal(4194304, document.Parameters.BlockBytesMax);
        Assert.Equal(500UL, document.Parameters.ExpiryWindowBlocksMax);
        Assert.Contains("huilian-local", document.ToString());
    }

    [Fact]
    public void OmittedOptionalFieldsTakeDefaults()
    {
        var document = GenesisDocument.Parse($$"""
            {"chainId":"c","suite":"gm","genesisTime":"2025-01-01T00:00:00Z","validators":[{"name":"v","publicKey":"{{KeyA}}"}]}
            """);
        Assert.Equal("gm", document.Suite);
        Assert.Empty(document.Organisations);
        Assert.True(document.Governance.RegulatorRequired);
        Assert.Equal(1UL, document.Validators[0].Power);
        Assert.Equal(5_000, document.Parameters.BlockTransactionsMax);
        Assert.Equal(8L * 1024 * 1024, document.Parameters.BlockBytesMax);
        Assert.Equal(10_000UL, document.Parameters.ExpiryWindowBlocksMax);

        // Defaults also apply field by field inside organisations, users and parameters.
        var partial = GenesisDocument.Parse(Json(
            organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": "a", "certificate": "BAUG" }] }]""",
            parameters: """{ "blockTransactionsMax": 7 }"""));
        Assert.Empty(partial.Organisations[0].Users[0].Roles);
        Assert.Equal(7, partial.Parameters.BlockTransactionsMax);
        Assert.Equal(8L * 1024 * 1024, partial.Parameters.BlockBytesMax);
        Assert.Equal(10_000UL, partial.Parameters.ExpiryWindowBlocksMax);
        Assert.Equal(partial.ComputeHash(TestKeys.Sha256), GenesisDocument.Parse(partial.ToJson()).ComputeHash(TestKeys.Sha256));
    }

    [Theory]
    [InlineData("1", "66048", "1")]
    [InlineData("10000", "16777216", "100000")]
    public void BoundaryParametersAreAccepted(string transactions, string bytes, string expiry) =>
        GenesisDocument.Parse(Json(parameters: $$"""{ "blockTransactionsMax": {{transactions}}, "blockBytesMax": {{bytes}}, "expiryWindowBlocksMax": {{expiry}} }"""));

    [Fact]
    public void LongestChainIdAndUppercaseKeyHexAreAccepted()
    {
        var chainId = "a" + new string('9', 63);
        Assert.Equal(chainId, GenesisDocument.Parse(Json(chainId: $"\"{chainId}\"")).ChainId);
        GenesisDocument.Parse(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA.ToUpperInvariant()}}", "power": 1 }]"""));
    }

    [Fact]
    public void SerializeThenParseKeepsTheDocumentAndHash()
    {
        var document = Document();
        var json = document.ToJson();
        var again = GenesisDocument.Parse(json);
        Assert.Equal(json, again.ToJson());
        Assert.Equal(document.ComputeHash(TestKeys.Sha256), again.ComputeHash(TestKeys.Sha256));
        Assert.Equal(document.ComputeHash(TestKeys.Sm3), again.ComputeHash(TestKeys.Sm3));
        Assert.NotEqual(document.ComputeHash(TestKeys.Sha256), document.ComputeHash(TestKeys.Sm3));
        // Whitespace and property order in the file do not matter.
        var reordered = GenesisDocument.Parse($$"""
            {"parameters":{"expiryWindowBlocksMax":500,"blockBytesMax":4194304,"blockTransactionsMax":1000},
             "organisations":[{"users":[{"roles":["organisation-admin","evidence-recorder"],"certificate":"BAUG","name":"admin"}],"encryptionKey":"{{KeyC}}","caCertificate":"AQID","kind":"regulator","name":"SAFE","id":"regulator"}],
             "validators":[{"power":10,"publicKey":"{{KeyA}}","name":"v0"},{"power":5,"name":"v1","publicKey":"{{KeyB}}"}],
             "genesisTime":"2025-11-22T16:26:40+08:00","suite":"intl","chainId":"huilian-local"}
            """);
        Assert.Equal(document.ComputeHash(TestKeys.Sha256), reordered.ComputeHash(TestKeys.Sha256));
    }

    [Fact]
    public void NodeCertificatesArePartOfTheHashAndEachNodeNeedsItsOwn()
    {
        var document = Document();
        var before = document.ComputeHash(TestKeys.Sha256);
        var certificate = Convert.ToBase64String([0x30, 0x03, 0x02, 0x01, 0x01]);
        document.Nodes = [new GenesisNode { Name = "v0", Certificate = certificate }];
        document.Validate();
        Assert.NotEqual(before, document.ComputeHash(TestKeys.Sha256));
        Assert.Equal(64, document.Nodes[0].Fingerprint().Length);

        document.Nodes = [new GenesisNode { Name = "v0", Certificate = certificate }, new GenesisNode { Name = "v1", Certificate = certificate }];
        Assert.Contains("same certificate", Assert.Throws<GenesisException>(document.Validate).Message, StringComparison.Ordinal);
        document.Nodes = [new GenesisNode { Name = "v0", Certificate = "not base64!" }];
        Assert.Throws<GenesisException>(document.Validate);
        document.Nodes = [new GenesisNode { Name = "v0", Certificate = certificate }, new GenesisNode { Name = "v0", Certificate = Convert.ToBase64String([1]) }];
        Assert.Throws<GenesisException>(document.Validate);
    }

    [Fact]
    public void HashIsTheDomainTaggedEncodingOfTheFields()
    {
        var document = Document();
        var writer = new CanonicalWriter();
        writer.WriteString("huilian-local");
        writer.WriteString("intl");
        writer.WriteI64(1763800000000);
        writer.WriteCount(2);
        writer.WriteString("v0");
        writer.WriteBytes(Hex.Decode(KeyA));
        writer.WriteU64(10);
        writer.WriteString("v1");
        writer.WriteBytes(Hex.Decode(KeyB));
        writer.WriteU64(5);
        writer.WriteCount(1); // organisations
        writer.WriteString("regulator");
        writer.WriteString("SAFE");
        writer.WriteString("regulator");
        writer.WriteBytes([1, 2, 3]); // CA certificate (base64 AQID)
        writer.WriteBytes(Hex.Decode(KeyC));
        writer.WriteCount(1); // users
        writer.WriteString("admin");
        writer.WriteBytes([4, 5, 6]); // certificate (base64 BAUG)
        writer.WriteCount(2);
        writer.WriteString("organisation-admin");
        writer.WriteString("evidence-recorder");
        writer.WriteBool(true); // governance: regulator required, 2/3 of validator-running organisations, 100,000 blocks
        writer.WriteU32(2);
        writer.WriteU32(3);
        writer.WriteU64(100_000);
        writer.WriteString(""); // validator organisations: none named
        writer.WriteString("");
        writer.WriteCount(0); // nodes: none for this chain
        writer.WriteU32(1000);
        writer.WriteU64(4194304);
        writer.WriteU64(500);
        Assert.Equal(TestKeys.Sha256.HashDomain(HashDomain.Genesis, writer.ToArray()), document.ComputeHash(TestKeys.Sha256));
    }

    [Fact]
    public void HashChangesWhenAnyFieldChanges()
    {
        var baseline = Document();
        var parameters = baseline.Parameters;
        var validator = baseline.Validators[0];
        var organisation = baseline.Organisations[0];
        var user = organisation.Users[0];
        GenesisDocument With(
            string? chainId = null, string? suite = null, DateTimeOffset? time = null,
            IReadOnlyList<GenesisValidator>? validators = null, IReadOnlyList<GenesisOrganisation>? organisations = null, ConsensusParameters? p = null, GovernanceRules? g = null) => new()
        {
            ChainId = chainId ?? baseline.ChainId,
            Suite = suite ?? baseline.Suite,
            GenesisTime = time ?? baseline.GenesisTime,
            Validators = validators ?? baseline.Validators,
            Organisations = organisations ?? baseline.Organisations,
            Governance = g ?? baseline.Governance,
            Parameters = p ?? baseline.Parameters,
        };
        GenesisValidator V(string? name = null, string? key = null, ulong? power = null) =>
            new() { Name = name ?? validator.Name, PublicKey = key ?? validator.PublicKey, Power = power ?? validator.Power };
        GenesisUser U(string? name = null, string? certificate = null, IReadOnlyList<string>? roles = null) =>
            new() { Name = name ?? user.Name, Certificate = certificate ?? user.Certificate, Roles = roles ?? user.Roles };
        GenesisOrganisation O(string? id = null, string? name = null, string? kind = null, string? ca = null, string? key = null, IReadOnlyList<GenesisUser>? users = null) =>
            new() { Id = id ?? organisation.Id, Name = name ?? organisation.Name, Kind = kind ?? organisation.Kind, CaCertificate = ca ?? organisation.CaCertificate, EncryptionKey = key ?? organisation.EncryptionKey, Users = users ?? organisation.Users };
        ConsensusParameters P(int? transactions = null, long? bytes = null, ulong? expiry = null) => new()
        {
            BlockTransactionsMax = transactions ?? parameters.BlockTransactionsMax,
            BlockBytesMax = bytes ?? parameters.BlockBytesMax,
            ExpiryWindowBlocksMax = expiry ?? parameters.ExpiryWindowBlocksMax,
        };

        var variants = new[]
        {
            baseline,
            With(chainId: "huilian-locak"),
            With(suite: "gm"),
            With(time: baseline.GenesisTime.AddMilliseconds(1)),
            With(time: baseline.GenesisTime.AddMilliseconds(-1)),
            With(validators: [V(name: "v9"), baseline.Validators[1]]),
            With(validators: [V(key: KeyC), baseline.Validators[1]]),
            With(validators: [V(power: 11), baseline.Validators[1]]),
            With(validators: [baseline.Validators[1], baseline.Validators[0]]),
            With(validators: [baseline.Validators[0]]),
            With(organisations: [O(users: [U(name: "root")])]),
            With(organisations: [O(users: [U(certificate: "BAUH")])]),
            With(organisations: [O(users: [U(roles: ["organisation-admin"])])]),
            With(organisations: [O(users: [U(roles: ["evidence-recorder", "organisation-admin"])])]),
            With(organisations: [O(users: [U(roles: [])])]),
            With(organisations: [O(users: [])]),
            With(organisations: [O(users: [user, U(name: "second")])]),
            With(organisations: [O(id: "safe")]),
            With(organisations: [O(name: "SAFE HQ")]),
            With(organisations: [O(ca: "AQIE")]),
            With(organisations: [O(key: KeyB)]),
            With(organisations: []),
            With(g: new GovernanceRules { RegulatorRequired = false }),
            With(g: new GovernanceRules { ValidatorOrganisationsNumerator = 1, ValidatorOrganisationsDenominator = 2 }),
            With(g: new GovernanceRules { VotingPeriodBlocks = 99 }),
            With(p: P(transactions: 1001)),
            With(p: P(bytes: 4194305)),
            With(p: P(expiry: 501)),
        };
        foreach (var variant in variants)
        {
            variant.Validate();
        }
        var hashes = variants.Select(v => v.ComputeHash(TestKeys.Sha256)).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        Assert.Equal(hashes[0], With().ComputeHash(TestKeys.Sha256));
    }

    [Fact]
    public void CreatesTheMatchingValidatorSet()
    {
        var set = Document().CreateValidatorSet(TestKeys.Sha256);
        Assert.Equal(2, set.Count);
        Assert.Equal(15UL, set.TotalPower);
        Assert.Equal(Hex.Decode(KeyA), set.Validators[0].PublicKey);
        Assert.Equal("v1", set.Validators[1].Name);
    }

    // ---- Invalid.

    [Theory]
    [InlineData("\"Huilian\"")]
    [InlineData("\"1huilian\"")]
    [InlineData("\"\"")]
    [InlineData("\"huilian local\"")]
    [InlineData("\"huilian/local\"")]
    [InlineData("\"a1234567890123456789012345678901234567890123456789012345678901234\"")]
    [InlineData("null")]
    [InlineData("42")]
    public void BadChainIdsAreRefused(string chainId) => Refused(Json(chainId: chainId));

    [Theory]
    [InlineData("\"INTL\"")]
    [InlineData("\"sm\"")]
    [InlineData("\"\"")]
    [InlineData("\"intl \"")]
    [InlineData("null")]
    public void UnknownSuitesAreRefused(string suite) => Refused(Json(suite: suite));

    [Fact]
    public void ValidatorCountOutOfRangeIsRefused()
    {
        Refused(Json(validators: "[]"));
        var many = string.Join(",", Enumerable.Range(0, Limits.ValidatorsMax + 1).Select(i => $$"""{"name":"v{{i}}","publicKey":"04{{i:x128}}"}"""));
        Refused(Json(validators: $"[{many}]"));
        var most = string.Join(",", Enumerable.Range(0, Limits.ValidatorsMax).Select(i => $$"""{"name":"v{{i}}","publicKey":"04{{i:x128}}"}"""));
        Assert.Equal(Limits.ValidatorsMax, GenesisDocument.Parse(Json(validators: $"[{most}]")).Validators.Count);
    }

    public static TheoryData<string> BadKeys => new()
    {
        "",
        "04",
        KeyA[..128],
        KeyA + "00",
        "02" + KeyA[2..],
        "05" + KeyA[2..],
        KeyA[..129] + "g",
        KeyA[..64] + " " + KeyA[65..],
        "0x" + KeyA[2..],
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void BadKeyHexIsRefused(string key)
    {
        Refused(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{key}}", "power": 1 }]"""));
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{key}}", "users": [{ "name": "admin", "certificate": "BAUG", "roles": ["organisation-admin", "evidence-recorder"] }] }]"""));
    }

    [Fact]
    public void ZeroPowerIsRefused()
    {
        Refused(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": 0 }]"""));
        Refused(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": -1 }]"""));
    }

    [Theory]
    [InlineData("\"admin\"", "\"admin\"")]
    [InlineData("\"Admin\"", "\"b\"")]
    [InlineData("\"管理员\"", "\"b\"")]
    [InlineData("\"\"", "\"b\"")]
    [InlineData("\"a b\"", "\"b\"")]
    [InlineData("\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", "\"b\"")]
    public void BadOrDuplicateUserNamesAreRefused(string first, string second) =>
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": {{first}}, "certificate": "BAUG" }, { "name": {{second}}, "certificate": "BAUH" }] }]"""));

    [Fact]
    public void OrganisationsAreChecked()
    {
        // Unknown kind, duplicate id, bad CA base64, no regulator, two regulators, a validator naming an unknown organisation.
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "bank-ish", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": "admin", "certificate": "BAUG", "roles": ["organisation-admin", "evidence-recorder"] }] }]"""));
        Refused(Json(organisations: $$"""[{ "id": "a", "name": "A", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}" }, { "id": "a", "name": "B", "kind": "bank", "caCertificate": "AQID", "encryptionKey": "{{KeyB}}" }]"""));
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "not base64!", "encryptionKey": "{{KeyC}}", "users": [{ "name": "admin", "certificate": "BAUG", "roles": ["organisation-admin", "evidence-recorder"] }] }]"""));
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "bank", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": "admin", "certificate": "BAUG", "roles": ["organisation-admin", "evidence-recorder"] }] }]"""));
        Refused(Json(organisations: $$"""[{ "id": "a", "name": "A", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}" }, { "id": "b", "name": "B", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyB}}" }]"""));
        Refused(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": 1, "organisation": "nobody" }]"""));
        Assert.Equal("regulator", GenesisDocument.Parse(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": 1, "organisation": "regulator" }]""")).Validators[0].Organisation);
        Refused(Json(extra: ",\n  \"governance\": { \"validatorOrganisationsNumerator\": 3, \"validatorOrganisationsDenominator\": 2 }"));
        Refused(Json(extra: ",\n  \"governance\": { \"votingPeriodBlocks\": 0 }"));
    }

    [Theory]
    [InlineData("\"Admin\"")]
    [InlineData("\"1admin\"")]
    [InlineData("\"\"")]
    [InlineData("\"ad min\"")]
    [InlineData("\"管理\"")]
    [InlineData("\"a12345678901234567890123456789012345678901234567890123456789012345\"")]
    [InlineData("null")]
    public void InvalidRolesAreRefused(string role) =>
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": "a", "certificate": "BAUG", "roles": ["organisation-admin", {{role}}] }] }]"""));

    [Fact]
    public void UnknownJsonFieldsAreRefused()
    {
        Refused(Json(extra: ",\n  \"comment\": \"x\""));
        Refused(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": 1, "weight": 2 }]"""));
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": "a", "certificate": "BAUG", "role": "admin" }] }]"""));
        Refused(Json(parameters: """{ "blockTransactionsMax": 1000, "blockTimeMs": 1000 }"""));
        Refused(Json(extra: ",\n  \"ChainId\": \"other\""));
    }

    [Fact]
    public void DuplicatePropertiesAreRefused()
    {
        Refused(Json(extra: ",\n  \"chainId\": \"other\""));
        Refused(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": 1, "power": 100 }]"""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{\"chainId\":\"c\",\"suite\":\"intl\",\"validators\":[]}")]
    [InlineData("{\"chainId\":\"c\",\"suite\":\"intl\",\"genesisTime\":\"yesterday\",\"validators\":[]}")]
    public void MalformedDocumentsAreRefused(string json) => Refused(json);

    [Fact]
    public void MissingRequiredValidatorFieldsAreRefused()
    {
        Refused(Json(validators: """[{ "name": "v0", "power": 1 }]"""));
        Refused(Json(validators: $$"""[{ "publicKey": "{{KeyA}}", "power": 1 }]"""));
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": "a" }] }]"""));
    }

    [Fact]
    public void NullsWhereValuesAreRequiredAreRefused()
    {
        Refused(Json(validators: "null"));
        Refused(Json(validators: "[null]"));
        Refused(Json(validators: $$"""[{ "name": null, "publicKey": "{{KeyA}}", "power": 1 }]"""));
        Refused(Json(validators: """[{ "name": "v0", "publicKey": null, "power": 1 }]"""));
        Refused(Json(organisations: "null"));
        Refused(Json(organisations: "[null]"));
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": null, "certificate": "BAUG" }] }]"""));
        Refused(Json(organisations: $$"""[{ "id": "regulator", "name": "SAFE", "kind": "regulator", "caCertificate": "AQID", "encryptionKey": "{{KeyC}}", "users": [{ "name": "a", "certificate": "BAUG", "roles": null }] }]"""));
        Refused(Json(parameters: "null"));
    }

    [Theory]
    [InlineData("0", "8388608", "10000")]
    [InlineData("10001", "8388608", "10000")]
    [InlineData("-1", "8388608", "10000")]
    [InlineData("5000", "66047", "10000")]
    [InlineData("5000", "16777217", "10000")]
    [InlineData("5000", "0", "10000")]
    [InlineData("5000", "8388608", "0")]
    [InlineData("5000", "8388608", "100001")]
    public void ParametersOutOfRangeAreRefused(string transactions, string bytes, string expiry) =>
        Refused(Json(parameters: $$"""{ "blockTransactionsMax": {{transactions}}, "blockBytesMax": {{bytes}}, "expiryWindowBlocksMax": {{expiry}} }"""));

    [Fact]
    public void ParametersValidateDirectly()
    {
        new ConsensusParameters().Validate();
        Assert.Throws<GenesisException>(() => new ConsensusParameters { BlockTransactionsMax = 0 }.Validate());
        Assert.Throws<GenesisException>(() => new ConsensusParameters { BlockBytesMax = Limits.TransactionBytesMax - 1 }.Validate());
        Assert.Throws<GenesisException>(() => new ConsensusParameters { ExpiryWindowBlocksMax = Limits.ExpiryWindowBlocksMax + 1 }.Validate());
    }

    [Fact]
    public void ValidatorSetsThatCouldNotBeBuiltAreRefusedAtValidation()
    {
        Refused(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": 1 }, { "name": "v0", "publicKey": "{{KeyB}}", "power": 1 }]"""));
        Refused(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": 1 }, { "name": "v1", "publicKey": "{{KeyA}}", "power": 1 }]"""));
        Refused(Json(validators: $$"""[{ "name": "", "publicKey": "{{KeyA}}", "power": 1 }]"""));
        Refused(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": {{GenesisDocument.ValidatorPowerMax + 1}} }]"""));
        Assert.Single(GenesisDocument.Parse(Json(validators: $$"""[{ "name": "v0", "publicKey": "{{KeyA}}", "power": {{GenesisDocument.ValidatorPowerMax}} }]""")).Validators);
    }
}

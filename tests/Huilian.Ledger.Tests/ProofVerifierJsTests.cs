using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Modules.Evidence;
using Huilian.Execution.Modules.Governance;
using Huilian.Ledger.Proofs;

namespace Huilian.Ledger.Tests;

// The portal's in-browser verifier (src/Huilian.Portal/front/src/proof-core.js) against the C# one, under both suites:
// real proofs from a chain verify in JavaScript with the same height, block and record; every tampering the C# tests
// use (the readable record, the state value and a sibling, the header, a commit signature, the format, the genesis
// hash, bad hex), a proof checked against another chain's genesis or a genesis altered by one millisecond, a high-S
// twin of a P-256 signature, an unknown property, a proof of absence, a record without its height or with it as
// text, and genesis files that cannot be read, fail in JavaScript with the code C# gives (and the same genesis at
// another UTC offset, or a proof with null or empty transitions, still verifies); a proof across two validator-set changes verifies, and dropping, reordering or forging its
// transitions fails with C#'s code. Each case runs `node front/test/verify-cli.mjs PROOF GENESIS`.
public sealed class ProofVerifierJsTests
{
    private static readonly Lazy<string> FrontDirectory = new(FindFront);

    private static string FindFront()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Huilian.slnx")))
        {
            directory = directory.Parent;
        }
        if (directory is null)
        {
            throw new InvalidOperationException($"No Huilian.slnx above {AppContext.BaseDirectory}: the tests find the portal's front/ from the repository root.");
        }
        var front = Path.Combine(directory.FullName, "src", "Huilian.Portal", "front");
        if (!Directory.Exists(Path.Combine(front, "node_modules")))
        {
            throw new InvalidOperationException(
                $"{front}/node_modules is missing: build the solution (or `dotnet build src/Huilian.Portal`, which runs `npm ci` there) before these tests.");
        }
        return front;
    }

    /// <summary>What the C# verifier says: "ok" or a code, and on success the verified evidence.</summary>
    private static (string Code, VerifiedEvidence? Verified) VerifyInCSharp(string proofJson, string genesisJson)
    {
        GenesisDocument genesis;
        try
        {
            genesis = GenesisDocument.Parse(genesisJson);
        }
        catch (GenesisException)
        {
            return ("GenesisInvalid", null);
        }
        try
        {
            return ("ok", EvidenceProof.Parse(proofJson).Verify(genesis));
        }
        catch (ProofException exception)
        {
            return (exception.Code, null);
        }
    }

    private static JsonElement VerifyInJavaScript(string proofJson, string genesisJson)
    {
        var directory = Path.Combine(Path.GetTempPath(), "huilian-proof-js", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var proofPath = Path.Combine(directory, "proof.json");
            var genesisPath = Path.Combine(directory, "genesis.json");
            File.WriteAllText(proofPath, proofJson);
            File.WriteAllText(genesisPath, genesisJson);
            var start = new ProcessStartInfo("node", [Path.Combine("test", "verify-cli.mjs"), proofPath, genesisPath])
            {
                WorkingDirectory = FrontDirectory.Value,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                throw new TimeoutException("node test/verify-cli.mjs took over 60 s.");
            }
            Assert.True(process.ExitCode == 0, $"node test/verify-cli.mjs exited {process.ExitCode}: {stderr.Result}");
            return JsonDocument.Parse(stdout).RootElement.Clone();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Both verifiers on the same files: the same outcome, and on success the same facts.</summary>
    private static string Compare(string proofJson, string genesisJson)
    {
        var (code, verified) = VerifyInCSharp(proofJson, genesisJson);
        var js = VerifyInJavaScript(proofJson, genesisJson);
        var jsOk = js.GetProperty("ok").GetBoolean();
        var jsCode = jsOk ? "ok" : js.GetProperty("code").GetString();
        Assert.True(code == jsCode, $"C# says {code}, JavaScript says {jsCode}: {js}");
        if (verified is not null)
        {
            var record = EvidenceProofRecord.From(verified.Record);
            var jsRecord = js.GetProperty("record");
            Assert.Equal(record.Hash, jsRecord.GetProperty("hash").GetString());
            Assert.Equal(record.Owner, jsRecord.GetProperty("owner").GetString());
            Assert.Equal(record.Type, jsRecord.GetProperty("type").GetString());
            Assert.Equal(record.Label, jsRecord.GetProperty("label").GetString());
            Assert.Equal(record.Signer, jsRecord.GetProperty("signer").GetString());
            Assert.Equal(record.Height, jsRecord.GetProperty("height").GetUInt64());
            Assert.Equal(record.Time, jsRecord.GetProperty("time").GetString());
            Assert.Equal(record.TransactionId, jsRecord.GetProperty("transactionId").GetString());
            Assert.Equal(verified.ProvenAtHeight, js.GetProperty("height").GetUInt64());
            Assert.Equal(verified.ProvenAtBlock.ToString(), js.GetProperty("blockHash").GetString());
            Assert.Equal(verified.ProvenAtTimeMs, js.GetProperty("timeMs").GetInt64());
            Assert.Equal(verified.CommitSignatures, js.GetProperty("signatures").GetInt32());
            Assert.Equal(verified.Validators, js.GetProperty("validators").GetInt32());
            Assert.Equal(verified.Transitions, js.GetProperty("transitions").GetInt32());
        }
        return code;
    }

    private static string MakeProof(LedgerFixture fixture, Core.Hash32 hash)
    {
        var state = fixture.Chain.State;
        var block = fixture.Chain.GetBlock(state.Height)!;
        return EvidenceProof.Create(fixture.Setup, state.Prove(EvidenceModule.Key(hash)), BlockHeader.Decode(block.Header), CommitCertificate.Decode(block.Commit),
            EvidenceProof.TransitionsFor(fixture.Chain, block.Height)).ToJson();
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void AValidProofVerifiesInJavaScriptAsInCSharp(string suite)
    {
        using var fixture = new LedgerFixture(suite);
        var hash = LedgerFixture.HashOf(42);
        fixture.CommitBlock(fixture.Evidence(hash));
        fixture.CommitEvidenceBlocks(2, 3, start: 1000);
        var genesis = fixture.Genesis.ToJson();
        var js = VerifyInJavaScript(MakeProof(fixture, hash), genesis);
        Assert.True(js.GetProperty("ok").GetBoolean(), js.ToString());
        Assert.Equal(3UL, js.GetProperty("height").GetUInt64());
        Assert.Equal(hash.ToString(), js.GetProperty("record").GetProperty("hash").GetString());
        Assert.Equal(fixture.Setup.GenesisHash.ToString(), js.GetProperty("genesisHash").GetString());
        Assert.Equal("ok", Compare(MakeProof(fixture, hash), genesis));
    }

    public static TheoryData<string, string, string> Tamperings()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var suite in new[] { "intl", "gm" })
        {
            data.Add(suite, "record.owner", "ProofRecordAltered");
            data.Add(suite, "record.height", "ProofRecordAltered");
            data.Add(suite, "record.label", "ProofRecordAltered");
            data.Add(suite, "stateProof.value", "ProofStateInvalid");
            data.Add(suite, "stateProof.sibling", "ProofStateInvalid");
            data.Add(suite, "header", "ProofCommitInvalid");
            data.Add(suite, "commit", "ProofCommitInvalid");
            data.Add(suite, "commit.signature", "ProofCommitInvalid");
            data.Add(suite, "format", "ProofFormatUnknown");
            data.Add(suite, "genesisHash", "ProofWrongChain");
            data.Add(suite, "suite", "ProofWrongChain");
            data.Add(suite, "header.hex", "ProofMalformed");
            data.Add(suite, "unknown-property", "ProofMalformed");
            data.Add(suite, "not-json", "ProofMalformed");
            data.Add(suite, "genesis.time", "ProofWrongChain");
            data.Add(suite, "genesis.same-instant", "ok");
            data.Add(suite, "genesis.unreadable", "GenesisInvalid");
            data.Add(suite, "genesis.null-list", "GenesisInvalid");
            data.Add(suite, "stateProof.absent", "ProofShowsAbsence");
            data.Add(suite, "record.height-missing", "ProofRecordAltered");
            data.Add(suite, "record.height-text", "ProofMalformed");
            data.Add(suite, "record.lone-surrogate", "ProofMalformed");
            data.Add(suite, "transitions.null", "ok");
            data.Add(suite, "transitions.empty", "ok");
            data.Add(suite, "header.null", "ProofMalformed");
            data.Add(suite, "commit.null", "ProofMalformed");
            data.Add(suite, "stateProof.null", "ProofMalformed");
        }
        data.Add("intl", "commit.high-s", "ProofCommitInvalid");
        return data;
    }

    [Theory]
    [MemberData(nameof(Tamperings))]
    public void ATamperedProofFailsInJavaScriptWithTheCodeOfCSharp(string suite, string part, string code)
    {
        using var fixture = new LedgerFixture(suite);
        var hash = LedgerFixture.HashOf(7);
        fixture.CommitBlock(fixture.Evidence(hash), fixture.Evidence(LedgerFixture.HashOf(8)), fixture.Evidence(LedgerFixture.HashOf(9)));
        var node = JsonNode.Parse(MakeProof(fixture, hash))!.AsObject();
        var genesis = JsonNode.Parse(fixture.Genesis.ToJson())!.AsObject();
        string? proofText = null;
        switch (part)
        {
            case "record.owner":
                node["record"]!["owner"] = "somebody else";
                break;
            case "record.height":
                node["record"]!["height"] = 99;
                break;
            case "record.label":
                node["record"]!["label"] = "l ";
                break;
            case "stateProof.value":
                node["stateProof"] = FlipHex(node["stateProof"]!.GetValue<string>(), 60);
                break;
            case "stateProof.sibling":
                node["stateProof"] = FlipHex(node["stateProof"]!.GetValue<string>(), -3);
                break;
            case "header":
                node["header"] = FlipHex(node["header"]!.GetValue<string>(), 40);
                break;
            case "commit":
                node["commit"] = FlipHex(node["commit"]!.GetValue<string>(), -3);
                break;
            case "commit.signature":
                // The first byte of r: still a well-formed certificate, a signature that does not verify.
                node["commit"] = FlipHex(node["commit"]!.GetValue<string>(), -64);
                break;
            case "commit.high-s":
                node["commit"] = HighS(node["commit"]!.GetValue<string>());
                break;
            case "format":
                node["format"] = "something/v9";
                break;
            case "genesisHash":
                node["genesisHash"] = new string('0', 64);
                break;
            case "suite":
                node["suite"] = suite == "gm" ? "intl" : "gm";
                break;
            case "header.hex":
                node["header"] = "zz";
                break;
            case "unknown-property":
                node["comment"] = "not part of the format";
                break;
            case "not-json":
                proofText = node.ToJsonString()[..^1];
                break;
            case "genesis.time":
                genesis["genesisTime"] = fixture.Genesis.GenesisTime.AddMilliseconds(1).ToString("O");
                break;
            case "genesis.same-instant":
                genesis["genesisTime"] = fixture.Genesis.GenesisTime.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz");
                break;
            case "genesis.unreadable":
                genesis["validatorz"] = 1;
                break;
            case "genesis.null-list":
                genesis["nodes"] = null;
                break;
            case "stateProof.absent":
                // A valid proof that nothing is stored under another hash's key, against the same state root.
                node["stateProof"] = Convert.ToHexStringLower(fixture.Chain.State.Prove(EvidenceModule.Key(LedgerFixture.HashOf(1234))).Encode());
                break;
            case "record.height-missing":
                node["record"]!.AsObject().Remove("height");
                break;
            case "record.lone-surrogate":
                proofText = node.ToJsonString().Replace("\"owner\":\"o\"", "\"owner\":\"o\\ud800\"", StringComparison.Ordinal);
                Assert.Contains("\\ud800", proofText, StringComparison.Ordinal);
                break;
            case "record.height-text":
                node["record"]!["height"] = "1";
                break;
            case "transitions.null":
                node["transitions"] = null;
                break;
            case "transitions.empty":
                node["transitions"] = new JsonArray();
                break;
            case "header.null" or "commit.null" or "stateProof.null":
                node[part[..^".null".Length]] = null;
                break;
        }
        Assert.Equal(code, Compare(proofText ?? node.ToJsonString(), genesis.ToJsonString()));
    }

    [Theory]
    [InlineData("intl")]
    [InlineData("gm")]
    public void AProofFromAnotherChainFailsInJavaScriptAsInCSharp(string suite)
    {
        using var fixture = new LedgerFixture(suite);
        using var other = new LedgerFixture(suite);
        var hash = LedgerFixture.HashOf(5);
        fixture.CommitBlock(fixture.Evidence(hash));
        Assert.Equal("ProofWrongChain", Compare(MakeProof(fixture, hash), other.Genesis.ToJson()));
    }

    public static TheoryData<string, string, string> TransitionTamperings()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var suite in new[] { "intl", "gm" })
        {
            data.Add(suite, "kept", "ok");
            data.Add(suite, "none", "ProofValidatorsUnknown");
            data.Add(suite, "first-dropped", "ProofTransitionInvalid");
            data.Add(suite, "last-dropped", "ProofValidatorsUnknown");
            data.Add(suite, "reordered", "ProofTransitionInvalid");
            data.Add(suite, "set-value", "ProofTransitionInvalid");
            data.Add(suite, "commit", "ProofTransitionInvalid");
            data.Add(suite, "header-hex", "ProofMalformed");
            data.Add(suite, "null-element", "ProofMalformed");
        }
        return data;
    }

    /// <summary>
    /// A solo chain (v0) adds v1 by governance and then removes v0 ({v0} → {v0, v1} → {v1}), records evidence, and
    /// proves it with two transitions, as ValidatorTransitionTests does; each tampering is that test's.
    /// </summary>
    [Theory]
    [MemberData(nameof(TransitionTamperings))]
    public void AProofAcrossValidatorChangesVerifiesInJavaScriptAsInCSharp(string suite, string tampering, string code)
    {
        using var fixture = new LedgerFixture(suite);
        var v1 = CryptoSuites.GenerateKey(suite);
        fixture.OtherValidators.Add(v1);
        fixture.CommitBlock();
        ulong proposals = 0;
        void Decide(string change)
        {
            var id = ++proposals;
            fixture.CommitBlock(fixture.Governance("propose", change), fixture.Governance("vote", $"{{\"proposal\":{id},\"approve\":true}}"));
            Assert.Equal(ProposalStatus.Passed, GovernanceModule.ReadProposal(fixture.Chain.State, id)!.Status);
        }
        Decide($"{{\"kind\":\"add-validator\",\"name\":\"v1\",\"publicKey\":\"{Convert.ToHexStringLower(v1.PublicKey)}\",\"power\":10,\"organisation\":\"regulator\"}}");
        fixture.CommitBlock();
        fixture.CommitBlock();
        Decide("{\"kind\":\"remove-validator\",\"name\":\"v0\"}");
        fixture.CommitBlock();
        fixture.CommitBlock(fixture.Evidence(LedgerFixture.HashOf(7)));

        var proof = JsonNode.Parse(MakeProof(fixture, LedgerFixture.HashOf(7)))!.AsObject();
        var transitions = proof["transitions"]!.AsArray();
        Assert.Equal(2, transitions.Count);
        switch (tampering)
        {
            case "none":
                proof.Remove("transitions");
                break;
            case "first-dropped":
                transitions.RemoveAt(0);
                break;
            case "null-element":
                transitions[0] = null;
                break;
            case "last-dropped":
                transitions.RemoveAt(1);
                break;
            case "reordered":
                var first = transitions[0]!.DeepClone();
                transitions.RemoveAt(0);
                transitions.Add(first);
                break;
            case "set-value":
                var stateProof = Core.State.StateProof.Decode(Convert.FromHexString(transitions[1]!["validators"]!.GetValue<string>()));
                var forged = stateProof with { Value = fixture.Setup.GenesisValidators.EncodeState() };
                transitions[1]!["validators"] = Convert.ToHexStringLower(forged.Encode());
                break;
            case "commit":
                var commit = Convert.FromHexString(transitions[0]!["commit"]!.GetValue<string>());
                commit[^1] ^= 1;
                transitions[0]!["commit"] = Convert.ToHexStringLower(commit);
                break;
            case "header-hex":
                transitions[0]!["header"] = "zz";
                break;
        }
        Assert.Equal(code, Compare(proof.ToJsonString(), fixture.Genesis.ToJson()));
    }

    private static string FlipHex(string hex, int index)
    {
        var bytes = Convert.FromHexString(hex);
        bytes[index < 0 ? bytes.Length + index : index] ^= 0x01;
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The commit with its last signature's s replaced by n − s: the same signature mathematically, refused as high-S.</summary>
    private static string HighS(string hex)
    {
        var commit = CommitCertificate.Decode(Convert.FromHexString(hex));
        var order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
        var signatures = commit.Signatures.ToArray();
        var last = signatures[^1].Signature.ToArray();
        var s = new BigInteger(last.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var high = (order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        last.AsSpan(32).Clear();
        high.CopyTo(last.AsSpan(64 - high.Length));
        signatures[^1] = signatures[^1] with { Signature = last };
        return Convert.ToHexStringLower((commit with { Signatures = signatures }).Encode());
    }
}

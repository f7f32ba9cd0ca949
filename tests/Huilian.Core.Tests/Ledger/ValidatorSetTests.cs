// ValidatorSet and VerifyCommit, with four fixed P-256 keys. QuorumPower: the least power above two thirds, table of
// totals (1→1, 2→2, 3→3, 4→3, 5→4, 6→5, 7→5, 10→7, 40→27, 100→67, 101→68) and the extreme ulong.MaxValue, checked
// against the definition 3·q > 2·total ≥ 3·(q−1). Construction: refuses no validators, more than 128, zero power,
// duplicate keys, a total above ulong.MaxValue; Hash = H("huilian/validators/v1" ‖ 00 ‖ encoding) and changes with
// order, name, key, power; IndexOf. Four validators of power 10: 3 or 4 valid signatures (any order) verify; 2 give
// CommitInsufficientPower; none too; a repeated index CommitDuplicateSignature; index 4 or uint.MaxValue
// CommitUnknownValidator; a flipped byte, an empty signature or a key's signature in another's slot
// CommitInvalidSignature; signatures over another round, height, block or chain CommitInvalidSignature; a commit
// for another height or block CommitHeightMismatch / CommitBlockHashMismatch. Unequal powers (1, 1, 1, 7): the power
// holder alone is insufficient (7 < 8), with one more it passes, the three small ones are not enough. A solo set
// needs its one signature. SM2 signatures verify in a gm set.

using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;

namespace Huilian.Core.Tests.Ledger;

public sealed class ValidatorSetTests : IDisposable
{
    private const string Chain = "huilian-local";
    private static readonly Hash32 Block = TestKeys.Filled(0x66);
    private readonly ISigningKey[] _keys;

    public ValidatorSetTests()
    {
        _keys = Enumerable.Range(1, 4).Select(i => (ISigningKey)EcdsaP256.Import(Key(i))).ToArray();
    }

    public void Dispose()
    {
        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    private static byte[] Key(int i)
    {
        var bytes = new byte[32];
        bytes[0] = 0x11;
        bytes[31] = (byte)i;
        return bytes;
    }

    private ValidatorSet Set(params ulong[] powers) =>
        new(powers.Select((power, i) => new Validator($"v{i}", _keys[i].PublicKey, power)), TestKeys.Sha256);

    private CommitSignature Sign(int index, ulong height = 7, uint round = 0, Hash32? block = null, string chain = Chain) =>
        new((uint)index, _keys[index].Sign(VoteSigning.PrecommitBytes(chain, height, round, block ?? Block)));

    private static CommitCertificate Commit(params CommitSignature[] signatures) => new(7, 0, Block, signatures);

    private static string? Verify(ValidatorSet set, CommitCertificate commit) =>
        set.VerifyCommit(Chain, 7, Block, commit, TestKeys.Ecdsa)?.Code;

    // ---- Quorum.

    [Theory]
    [InlineData(1UL, 1UL)]
    [InlineData(2UL, 2UL)]
    [InlineData(3UL, 3UL)]
    [InlineData(4UL, 3UL)]
    [InlineData(5UL, 4UL)]
    [InlineData(6UL, 5UL)]
    [InlineData(7UL, 5UL)]
    [InlineData(10UL, 7UL)]
    [InlineData(40UL, 27UL)]
    [InlineData(100UL, 67UL)]
    [InlineData(101UL, 68UL)]
    [InlineData(ulong.MaxValue, 12297829382473034411UL)]
    public void QuorumPowerIsTheLeastPowerAboveTwoThirds(ulong total, ulong quorum)
    {
        var set = new ValidatorSet([new Validator("solo", _keys[0].PublicKey, total)], TestKeys.Sha256);
        Assert.Equal(total, set.TotalPower);
        Assert.Equal(quorum, set.QuorumPower);
        // Definition: 3q > 2·total and 3(q−1) ≤ 2·total.
        Assert.True((UInt128)quorum * 3 > (UInt128)total * 2);
        Assert.True((UInt128)(quorum - 1) * 3 <= (UInt128)total * 2);
    }

    [Fact]
    public void QuorumOfRandomTotalsMatchesTheDefinition()
    {
        var random = new Random(5150);
        for (var i = 0; i < 1000; i++)
        {
            var powers = Enumerable.Range(0, 4).Select(_ => (ulong)random.NextInt64(1, long.MaxValue / 4)).ToArray();
            var set = Set(powers);
            var total = (UInt128)powers[0] + powers[1] + powers[2] + powers[3];
            Assert.Equal((ulong)total, set.TotalPower);
            Assert.True((UInt128)set.QuorumPower * 3 > total * 2);
            Assert.True((UInt128)(set.QuorumPower - 1) * 3 <= total * 2);
        }
    }

    [Fact]
    public void HugePowerCommitVerifies()
    {
        var set = new ValidatorSet([new Validator("solo", _keys[0].PublicKey, ulong.MaxValue)], TestKeys.Sha256);
        Assert.Null(Verify(set, Commit(Sign(0))));
        Assert.Equal("CommitInsufficientPower", Verify(set, Commit()));
    }

    // ---- Construction.

    [Fact]
    public void ConstructorRefusesInvalidSets()
    {
        Assert.Throws<ArgumentException>(() => new ValidatorSet([], TestKeys.Sha256));
        Assert.Throws<ArgumentException>(() => Set(10, 0, 10));
        Assert.Throws<ArgumentException>(() => Set(0));
        Assert.Throws<ArgumentException>(() => new ValidatorSet(
            [new Validator("a", _keys[0].PublicKey, 1), new Validator("b", _keys[1].PublicKey, 1), new Validator("c", _keys[0].PublicKey.ToArray(), 1)], TestKeys.Sha256));
        var tooMany = Enumerable.Range(0, Limits.ValidatorsMax + 1).Select(i => new Validator($"v{i}", BitConverter.GetBytes(i), 1));
        Assert.Throws<ArgumentException>(() => new ValidatorSet(tooMany, TestKeys.Sha256));
        Assert.Throws<OverflowException>(() => Set(ulong.MaxValue, 1));
    }

    [Fact]
    public void LargestSetIsAccepted()
    {
        var validators = Enumerable.Range(0, Limits.ValidatorsMax).Select(i => new Validator($"v{i}", BitConverter.GetBytes(i), 1)).ToArray();
        var set = new ValidatorSet(validators, TestKeys.Sha256);
        Assert.Equal(Limits.ValidatorsMax, set.Count);
        Assert.Equal(86UL, set.QuorumPower);
    }

    [Fact]
    public void HashCoversTheEncodingUnderItsDomain()
    {
        var set = Set(10, 10, 10, 10);
        Assert.Equal(TestKeys.Sha256.HashDomain(HashDomain.ValidatorSet, set.Encode()), set.Hash);
        var encoding = set.Encode();
        Assert.Equal("00000004" + "000000027630" + "00000041" + Hex.Encode(_keys[0].PublicKey) + "000000000000000a", Hex.Encode(encoding.AsSpan(0, 4 + 6 + 4 + 65 + 8)));
        var hashes = new[]
        {
            set.Hash,
            Set(10, 10, 10, 11).Hash,
            Set(10, 10, 10).Hash,
            new ValidatorSet(set.Validators.Reverse(), TestKeys.Sha256).Hash,
            new ValidatorSet(set.Validators.Select((v, i) => i == 0 ? v with { Name = "w0" } : v), TestKeys.Sha256).Hash,
            new ValidatorSet(set.Validators.Select((v, i) => i == 0 ? v with { PublicKey = [.. v.PublicKey[..64], 0x00] } : v), TestKeys.Sha256).Hash,
            new ValidatorSet(set.Validators, TestKeys.Sm3).Hash,
        };
        Assert.Equal(hashes.Length, hashes.Distinct().Count());
        Assert.Equal(set.Hash, Set(10, 10, 10, 10).Hash);
    }

    [Fact]
    public void IndexOfFindsKeys()
    {
        var set = Set(10, 10, 10);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(i, set.IndexOf(_keys[i].PublicKey));
        }
        Assert.Equal(-1, set.IndexOf(_keys[3].PublicKey));
        Assert.Equal(-1, set.IndexOf([]));
    }

    // ---- VerifyCommit: four equal validators.

    [Fact]
    public void ThreeOrFourOfFourSignaturesVerify()
    {
        var set = Set(10, 10, 10, 10);
        Assert.Equal(40UL, set.TotalPower);
        Assert.Equal(27UL, set.QuorumPower);
        Assert.Null(Verify(set, Commit(Sign(0), Sign(1), Sign(2))));
        Assert.Null(Verify(set, Commit(Sign(3), Sign(1), Sign(0))));
        Assert.Null(Verify(set, Commit(Sign(1), Sign(2), Sign(3))));
        Assert.Null(Verify(set, Commit(Sign(0), Sign(1), Sign(2), Sign(3))));
        // Round and the commit's encoding round trip do not matter.
        var roundFive = new CommitCertificate(7, 5, Block, [Sign(0, round: 5), Sign(2, round: 5), Sign(3, round: 5)]);
        Assert.Null(Verify(set, CommitCertificate.Decode(roundFive.Encode())));
    }

    [Fact]
    public void TwoOrFewerSignaturesAreInsufficient()
    {
        var set = Set(10, 10, 10, 10);
        Assert.Equal("CommitInsufficientPower", Verify(set, Commit(Sign(0), Sign(1))));
        Assert.Equal("CommitInsufficientPower", Verify(set, Commit(Sign(3))));
        Assert.Equal("CommitInsufficientPower", Verify(set, Commit()));
    }

    [Fact]
    public void DuplicateIndexIsRefused()
    {
        var set = Set(10, 10, 10, 10);
        var signature = Sign(1);
        Assert.Equal("CommitDuplicateSignature", Verify(set, Commit(Sign(0), signature, signature)));
        // Even with a second, different valid signature by the same validator.
        Assert.Equal("CommitDuplicateSignature", Verify(set, Commit(Sign(0), Sign(1), Sign(1), Sign(2))));
    }

    [Theory]
    [InlineData(4U)]
    [InlineData(128U)]
    [InlineData(uint.MaxValue)]
    public void UnknownIndexIsRefused(uint index)
    {
        var set = Set(10, 10, 10, 10);
        Assert.Equal("CommitUnknownValidator", Verify(set, Commit(Sign(0), Sign(1), Sign(2), new CommitSignature(index, Sign(3).Signature))));
    }

    [Fact]
    public void WrongSignaturesAreRefused()
    {
        var set = Set(10, 10, 10, 10);
        var flipped = Sign(2);
        flipped.Signature[10] ^= 0x01;
        Assert.Equal("CommitInvalidSignature", Verify(set, Commit(Sign(0), Sign(1), flipped)));
        Assert.Equal("CommitInvalidSignature", Verify(set, Commit(Sign(0), Sign(1), new CommitSignature(2, []))));
        Assert.Equal("CommitInvalidSignature", Verify(set, Commit(Sign(0), Sign(1), new CommitSignature(2, new byte[64]))));
        // Validator 3's signature presented as validator 2's.
        Assert.Equal("CommitInvalidSignature", Verify(set, Commit(Sign(0), Sign(1), new CommitSignature(2, Sign(3).Signature))));
    }

    [Fact]
    public void SignaturesOverOtherVotesAreRefused()
    {
        var set = Set(10, 10, 10, 10);
        Assert.Equal("CommitInvalidSignature", Verify(set, Commit(Sign(0), Sign(1), Sign(2, round: 1))));
        Assert.Equal("CommitInvalidSignature", Verify(set, Commit(Sign(0), Sign(1), Sign(2, height: 8))));
        Assert.Equal("CommitInvalidSignature", Verify(set, Commit(Sign(0), Sign(1), Sign(2, block: TestKeys.Filled(0x67)))));
        Assert.Equal("CommitInvalidSignature", Verify(set, Commit(Sign(0), Sign(1), Sign(2, chain: "huilian-other"))));
        // A prevote for the same block is not a precommit.
        var prevote = new CommitSignature(2, _keys[2].Sign(VoteSigning.VoteBytes(VoteSigning.Prevote, Chain, 7, 0, Block)));
        Assert.Equal("CommitInvalidSignature", Verify(set, Commit(Sign(0), Sign(1), prevote)));
        // A whole commit for round 0 relabelled as round 1.
        var relabelled = new CommitCertificate(7, 1, Block, [Sign(0), Sign(1), Sign(2)]);
        Assert.Equal("CommitInvalidSignature", Verify(set, relabelled));
        // Verified for another chain id.
        Assert.Equal("CommitInvalidSignature", set.VerifyCommit("huilian-other", 7, Block, Commit(Sign(0), Sign(1), Sign(2)), TestKeys.Ecdsa)?.Code);
    }

    [Fact]
    public void CommitForAnotherHeightOrBlockIsRefused()
    {
        var set = Set(10, 10, 10, 10);
        var commit = Commit(Sign(0), Sign(1), Sign(2));
        Assert.Equal("CommitHeightMismatch", set.VerifyCommit(Chain, 8, Block, commit, TestKeys.Ecdsa)?.Code);
        Assert.Equal("CommitBlockHashMismatch", set.VerifyCommit(Chain, 7, TestKeys.Filled(0x67), commit, TestKeys.Ecdsa)?.Code);
        // A commit whose own fields name height 8, with signatures over height 8, still fails for height 7.
        var eight = new CommitCertificate(8, 0, Block, [Sign(0, height: 8), Sign(1, height: 8), Sign(2, height: 8)]);
        Assert.Equal("CommitHeightMismatch", Verify(set, eight));
        Assert.Null(set.VerifyCommit(Chain, 8, Block, eight, TestKeys.Ecdsa));
    }

    // ---- Unequal powers.

    [Fact]
    public void UnequalPowersCountPowerNotHeads()
    {
        var set = Set(1, 1, 1, 7);
        Assert.Equal(10UL, set.TotalPower);
        Assert.Equal(7UL, set.QuorumPower);
        Assert.Null(Verify(set, Commit(Sign(3))));
        Assert.Equal("CommitInsufficientPower", Verify(set, Commit(Sign(0), Sign(1), Sign(2))));

        var heavy = Set(1, 1, 2, 8);
        Assert.Equal(12UL, heavy.TotalPower);
        Assert.Equal(9UL, heavy.QuorumPower);
        Assert.Equal("CommitInsufficientPower", Verify(heavy, Commit(Sign(3))));
        Assert.Null(Verify(heavy, Commit(Sign(3), Sign(0))));
        Assert.Equal("CommitInsufficientPower", Verify(heavy, Commit(Sign(0), Sign(1), Sign(2))));
    }

    [Fact]
    public void SoloSetNeedsItsSignature()
    {
        var set = Set(1);
        Assert.Null(Verify(set, Commit(Sign(0))));
        Assert.Equal("CommitInsufficientPower", Verify(set, Commit()));
        Assert.Equal("CommitUnknownValidator", Verify(set, Commit(Sign(0), Sign(1))));
    }

    [Fact]
    public void GmSetVerifiesSm2Signatures()
    {
        using var gm0 = Sm2Sm3.Import(Key(1));
        using var gm1 = Sm2Sm3.Import(Key(2));
        var set = new ValidatorSet([new Validator("a", gm0.PublicKey, 1), new Validator("b", gm1.PublicKey, 1)], TestKeys.Sm3);
        var bytes = VoteSigning.PrecommitBytes(Chain, 7, 0, Block);
        var commit = Commit(new CommitSignature(0, gm0.Sign(bytes)), new CommitSignature(1, gm1.Sign(bytes)));
        Assert.Null(set.VerifyCommit(Chain, 7, Block, commit, GmSuite.Instance.Signatures));
        Assert.Equal("CommitInvalidSignature", set.VerifyCommit(Chain, 7, Block, commit, TestKeys.Ecdsa)?.Code);
    }

    // ---- The state form (ADR 0012): every field, the organisation included; the hash covers name, key and power only.

    [Fact]
    public void TheStateFormRoundTripsAndTheOrganisationIsNotHashed()
    {
        var set = new ValidatorSet([new Validator("a", _keys[0].PublicKey, 3, "bank-a"), new Validator("b", _keys[1].PublicKey, 5)], TestKeys.Sha256);
        var decoded = ValidatorSet.DecodeState(set.EncodeState(), TestKeys.Sha256);
        Assert.Equal(set.EncodeState(), decoded.EncodeState());
        Assert.Equal(("bank-a", ""), (decoded.Validators[0].Organisation, decoded.Validators[1].Organisation));
        Assert.Equal(set.Hash, decoded.Hash);
        var otherOrganisation = new ValidatorSet([new Validator("a", _keys[0].PublicKey, 3, "bank-b"), new Validator("b", _keys[1].PublicKey, 5)], TestKeys.Sha256);
        Assert.Equal(set.Hash, otherOrganisation.Hash);
        Assert.Equal(1, set.IndexOf("b"));
        Assert.Equal(-1, set.IndexOf("c"));
    }

    [Fact]
    public void AStateFormThatIsNotAValidSetIsRefused()
    {
        var good = new ValidatorSet([new Validator("a", _keys[0].PublicKey, 3)], TestKeys.Sha256).EncodeState();
        var wrongVersion = good.ToArray();
        wrongVersion[0] = 9;
        Assert.Equal(Huilian.Core.Codec.EncodingErrors.UnsupportedVersion, Assert.Throws<Huilian.Core.Codec.EncodingException>(() => ValidatorSet.DecodeState(wrongVersion, TestKeys.Sha256)).Code);
        Assert.Throws<Huilian.Core.Codec.EncodingException>(() => ValidatorSet.DecodeState(good.AsSpan(0, good.Length - 1), TestKeys.Sha256));
        Assert.Throws<Huilian.Core.Codec.EncodingException>(() => ValidatorSet.DecodeState([.. good, 0], TestKeys.Sha256));
        var empty = new byte[] { 1, 0, 0, 0, 0 };
        Assert.Throws<Huilian.Core.Codec.EncodingException>(() => ValidatorSet.DecodeState(empty, TestKeys.Sha256));
        Assert.Throws<ArgumentException>(() => new ValidatorSet([new Validator("a", _keys[0].PublicKey, 3), new Validator("a", _keys[1].PublicKey, 3)], TestKeys.Sha256));
    }
}

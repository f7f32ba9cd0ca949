using Huilian.Execution.Modules.Workflow;

namespace Huilian.Execution.Tests.Modules.Workflow;

// Rules: a partial repayment lowers claims in proportion (largest remainder, ties to the earlier claim); the lowered
// claims sum to the new outstanding exactly, none grows, none goes below its floor share; claims that do not sum to
// the outstanding, or a "repayment" that raises it, are refused.
public sealed class ClaimReleaseTests
{
    [Fact]
    public void ThirdsRoundToTheLargestRemainder()
    {
        Assert.Equal([5_333_333UL, 2_666_667UL], ClaimRelease.Proportional([8_000_000, 4_000_000], 12_000_000, 8_000_000));
        Assert.Equal([1UL, 1UL, 0UL], ClaimRelease.Proportional([1, 1, 1], 3, 2)); // a tie goes to the earlier claims
        Assert.Equal([0UL, 0UL], ClaimRelease.Proportional([5, 7], 12, 0));
        Assert.Equal([5UL, 7UL], ClaimRelease.Proportional([5, 7], 12, 12));
    }

    [Fact]
    public void ManyRandomRepaymentsKeepTheSumAndNeverRaiseAClaim()
    {
        var random = new Random(20261128);
        for (var round = 0; round < 2_000; round++)
        {
            var count = random.Next(1, 65);
            var claims = new ulong[count];
            ulong total = 0;
            for (var i = 0; i < count; i++)
            {
                claims[i] = (ulong)random.NextInt64(1, round % 2 == 0 ? 1_000 : 1_000_000_000_000_000);
                total += claims[i];
            }
            var after = (ulong)random.NextInt64(0, (long)Math.Min(total, long.MaxValue - 1) + 1);
            var lowered = ClaimRelease.Proportional(claims, total, after);
            Assert.Equal(after, lowered.Aggregate(0UL, (sum, c) => checked(sum + c)));
            for (var i = 0; i < count; i++)
            {
                Assert.True(lowered[i] <= claims[i], $"round {round}: claim {i} grew");
                var floor = (ulong)((UInt128)claims[i] * after / total);
                Assert.True(lowered[i] == floor || lowered[i] == floor + 1, $"round {round}: claim {i} is not its share");
            }
        }
    }

    [Fact]
    public void InconsistentInputsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => ClaimRelease.Proportional([5, 7], 13, 6));
        Assert.Throws<ArgumentException>(() => ClaimRelease.Proportional([5, 7], 12, 13));
    }
}

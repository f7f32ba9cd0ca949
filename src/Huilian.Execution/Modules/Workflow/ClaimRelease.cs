namespace Huilian.Execution.Modules.Workflow;

/// <summary>How a partial repayment lowers a financing's claims: in proportion, in whole minor units, deterministically.</summary>
public static class ClaimRelease
{
    /// <summary>
    /// The claims after the outstanding principal falls from <paramref name="outstanding"/> to
    /// <paramref name="outstandingAfter"/>: each claim c becomes ⌊c·after/outstanding⌋, and the units the rounding
    /// left over go one each to the claims with the largest remainders (ties to the earlier claim). The results sum
    /// to <paramref name="outstandingAfter"/> exactly when the claims summed to <paramref name="outstanding"/>, and no
    /// claim grows (a claim gets an extra unit only if its exact share had a fraction).
    /// </summary>
    public static ulong[] Proportional(IReadOnlyList<ulong> claims, ulong outstanding, ulong outstandingAfter)
    {
        if (outstandingAfter > outstanding)
        {
            throw new ArgumentException("A repayment cannot raise the outstanding principal.");
        }
        var result = new ulong[claims.Count];
        if (outstanding == 0)
        {
            return result;
        }
        var remainders = new UInt128[claims.Count];
        UInt128 sum = 0;
        UInt128 total = 0;
        for (var i = 0; i < claims.Count; i++)
        {
            var product = (UInt128)claims[i] * outstandingAfter;
            result[i] = (ulong)(product / outstanding);
            remainders[i] = product % outstanding;
            sum += result[i];
            total += claims[i];
        }
        if (total != outstanding)
        {
            throw new ArgumentException("The claims do not sum to the outstanding principal.");
        }
        var leftover = (ulong)(outstandingAfter - sum);
        for (ulong unit = 0; unit < leftover; unit++)
        {
            var best = -1;
            for (var i = 0; i < claims.Count; i++)
            {
                if (remainders[i] != 0 && (best < 0 || remainders[i] > remainders[best]))
                {
                    best = i;
                }
            }
            result[best]++;
            remainders[best] = 0;
        }
        return result;
    }
}

using Huilian.Core.Ledger;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Matching;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Tests.Modules.Matching;

// Rules: a bank's branch-information clerk records a branch of its own bank with a name and a GB/T 2260 region
// (six digits, not starting 00); recording it again as it is changes nothing (BranchUnchanged); a new region
// replaces the old; a region that is not six digits, or starts 00, is refused (RegionMalformed or
// PayloadFieldOutOfRange) and nothing is written; a user without the role is refused; a branch never recorded has
// region "unknown".
public sealed class MatchingTests
{
    private readonly TestChain _chain = new();

    public MatchingTests()
    {
        _chain.RegisterUser("bank-a", "branches", "branch-information-clerk");
        _chain.RegisterUser("bank-a", "reviewer", "financing-review-clerk");
    }

    private Receipt Maintain(string region, string user = "bank-a/branches", string branch = "pudong", string name = "Pudong Branch 浦东支行") =>
        _chain.Run(_chain.By(user, "matching", "maintain-branches", $"{{\"branch\":\"{branch}\",\"name\":\"{name}\",\"region\":\"{region}\"}}"));

    [Fact]
    public void ABankRecordsItsBranchAndItsRegion()
    {
        Assert.Equal(MatchingModule.UnknownRegion, MatchingModule.RegionOf(_chain.State, "bank-a", "pudong"));
        Assert.Equal(ResultCodes.Ok, Maintain("310115").Code);
        var branch = MatchingModule.ReadBranch(_chain.State, "bank-a", "pudong")!;
        Assert.Equal(("bank-a", "pudong", "Pudong Branch 浦东支行", "310115", "bank-a/branches"), (branch.Bank, branch.Branch, branch.Name, branch.Region, branch.MaintainedBy));
        Assert.Equal("310115", MatchingModule.RegionOf(_chain.State, "bank-a", "pudong"));
        Assert.Equal(MatchingModule.UnknownRegion, MatchingModule.RegionOf(_chain.State, "bank-b", "pudong"));

        Assert.Equal(MatchingModule.BranchUnchanged, Maintain("310115").Code);
        Assert.Equal(ResultCodes.Ok, Maintain("310112").Code);
        Assert.Equal("310112", MatchingModule.RegionOf(_chain.State, "bank-a", "pudong"));
    }

    [Theory]
    [InlineData("31011x", MatchingModule.RegionMalformed)]
    [InlineData("001234", MatchingModule.RegionMalformed)]
    [InlineData("31011", ResultCodes.PayloadFieldOutOfRange)]
    [InlineData("3101150", ResultCodes.PayloadFieldOutOfRange)]
    public void AMalformedRegionIsRefusedAndNothingIsWritten(string region, string code)
    {
        Assert.Equal(code, Maintain(region).Code);
        Assert.Null(MatchingModule.ReadBranch(_chain.State, "bank-a", "pudong"));
    }

    [Fact]
    public void AMalformedBranchIdIsRefused()
    {
        Assert.Equal(ResultCodes.PayloadFieldOutOfRange, Maintain("310115", branch: "Pudong").Code);
        Assert.Null(MatchingModule.ReadBranch(_chain.State, "bank-a", "Pudong"));
    }

    [Fact]
    public void OnlyTheBranchInformationClerkMaintainsBranches()
    {
        Assert.Equal(ResultCodes.SignerLacksRole, Maintain("310115", user: "bank-a/reviewer").Code);
        Assert.Null(MatchingModule.ReadBranch(_chain.State, "bank-a", "pudong"));
    }
}

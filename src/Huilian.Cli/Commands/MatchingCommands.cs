using System.CommandLine;
using System.Text.Json.Nodes;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian matching maintain-branch</c>: a bank's branch-information clerk records a branch's name and region
/// (matching.maintain-branches, 融资授信业务办理银行信息维护); the regulator's statistics per region read it
/// (<c>huilian receivables regions</c>).
/// </summary>
internal static class MatchingCommands
{
    public static Command Create() => new("matching", "Bank–enterprise financing matching (融资授信银企对接): so far, a bank's branches and their regions.")
    {
        MaintainBranch(),
    };

    private static Command MaintainBranch()
    {
        var member = new MemberOptions();
        var branch = new Option<string>("--branch") { Description = "The branch id the bank's applications name, e.g. pudong.", Required = true };
        var name = new Option<string>("--name") { Description = "The branch's name.", Required = true };
        var region = new Option<string>("--region") { Description = "Its GB/T 2260 administrative-division code, six digits, e.g. 310115 (Shanghai Pudong).", Required = true };
        var command = member.AddTo(new Command("maintain-branch",
            "Record (or change) a branch of the signer's bank and its region (matching.maintain-branches, by the branch-information clerk, e.g. --as bank-a/branches).")
        {
            branch, name, region,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["branch"] = parse.GetValue(branch), ["name"] = parse.GetValue(name), ["region"] = parse.GetValue(region) };
            if (await member.Submit(parse, "matching", "maintain-branches", payload, cancellationToken) is { } result)
            {
                Console.WriteLine($"Branch {result.GetProperty("branch").GetString()} of {result.GetProperty("bank").GetString()} is in region {result.GetProperty("region").GetString()}.");
            }
            return 0;
        }));
        return command;
    }
}

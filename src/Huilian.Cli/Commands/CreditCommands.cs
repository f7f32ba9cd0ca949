using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Huilian.Execution.Modules.Credit;
using Spectre.Console;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian credit enable | disable | grant | revoke | query | log</c>: enterprise credit information under the
/// enterprise's grant. A bank's enabling clerk enables the enterprise (开通); the enterprise grants the bank read
/// access for some days; the bank's review clerk queries, and every query is logged where the enterprise and the
/// regulator can read it.
/// </summary>
internal static class CreditCommands
{
    public static Command Create() => new("credit", "Enterprise credit information: enabling, grants, logged queries.")
    {
        Enable(enable: true), Enable(enable: false), Grant(), Revoke(), Query(), Log(),
    };

    private static Option<string> EnterpriseOption() => new("--enterprise") { Description = "The enterprise's organisation id, e.g. acme.", Required = true };

    private static Option<string> BankOption() => new("--bank") { Description = "The bank's organisation id, e.g. bank-a.", Required = true };

    private static Command Enable(bool enable)
    {
        var member = new MemberOptions();
        var enterprise = EnterpriseOption();
        var command = member.AddTo(new Command(enable ? "enable" : "disable", enable
            ? "Enable an enterprise for export financing and credit-information authorisation at the signer's bank (credit.enable, by an enabling clerk, e.g. --as bank-a/enabler)."
            : "Withdraw the signer's bank's enabling of an enterprise (credit.disable, by an enabling clerk).")
        {
            enterprise,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            if (await member.Submit(parse, "credit", enable ? "enable" : "disable", new JsonObject { ["enterprise"] = parse.GetValue(enterprise) }, cancellationToken) is { } result)
            {
                Console.WriteLine(enable
                    ? $"Bank {result.GetProperty("bank").GetString()} enabled enterprise {result.GetProperty("enterprise").GetString()}."
                    : $"Withdrew the enabling of enterprise {result.GetProperty("enterprise").GetString()}.");
            }
            return 0;
        }));
        return command;
    }

    private static Command Grant()
    {
        var member = new MemberOptions();
        var bank = BankOption();
        var days = new Option<ulong>("--days") { Description = "How many days the grant lasts (at most the chain's credit.grantDaysMax, 366 by default).", DefaultValueFactory = _ => 30 };
        var command = member.AddTo(new Command("grant",
            "Grant a bank read access to the signer's enterprise credit information for some days (credit.grant, by an enterprise user, e.g. --as acme/treasurer); the bank must have enabled the enterprise.")
        {
            bank, days,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["bank"] = parse.GetValue(bank), ["days"] = parse.GetValue(days) };
            if (await member.Submit(parse, "credit", "grant", payload, cancellationToken) is { } result)
            {
                Console.WriteLine($"{result.GetProperty("enterprise").GetString()} granted {result.GetProperty("bank").GetString()} access until {result.GetProperty("until").GetString()}.");
            }
            return 0;
        }));
        return command;
    }

    private static Command Revoke()
    {
        var member = new MemberOptions();
        var bank = BankOption();
        var command = member.AddTo(new Command("revoke", "Revoke the signer's enterprise's grant to a bank, from the next block (credit.revoke, by an enterprise user).") { bank });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            if (await member.Submit(parse, "credit", "revoke", new JsonObject { ["bank"] = parse.GetValue(bank) }, cancellationToken) is { } result)
            {
                Console.WriteLine($"Revoked the grant to {result.GetProperty("bank").GetString()} at height {result.GetProperty("revokedAt")}.");
            }
            return 0;
        }));
        return command;
    }

    private static Command Query()
    {
        var member = new MemberOptions();
        var enterprise = EnterpriseOption();
        var purpose = new Option<string>("--purpose") { Description = "Why: " + string.Join(", ", CreditModule.Purposes) + ".", Required = true };
        purpose.AcceptOnlyFromAmong([.. CreditModule.Purposes]);
        var command = member.AddTo(new Command("query",
            "Query an enterprise's credit information under its grant to the signer's bank (credit.query, by a review clerk, e.g. --as bank-a/reviewer); the query is logged on the ledger.")
        {
            enterprise, purpose,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["enterprise"] = parse.GetValue(enterprise), ["purpose"] = parse.GetValue(purpose) };
            if (await member.Submit(parse, "credit", "query", payload, cancellationToken) is { } result)
            {
                Console.WriteLine($"Query {result.GetProperty("query")} of {result.GetProperty("enterprise").GetString()} logged; the grant runs until {result.GetProperty("grantUntil").GetString()}.");
            }
            return 0;
        }));
        return command;
    }

    private static Command Log()
    {
        var member = new MemberOptions();
        var enterprise = new Option<string?>("--enterprise") { Description = "The enterprise (default: the signed-in user's organisation)." };
        var after = new Option<long>("--after") { Description = "Only queries after this sequence number." };
        var limit = new Option<int>("--limit") { Description = "At most this many queries.", DefaultValueFactory = _ => 100 };
        var json = CommandSupport.JsonOption();
        var command = member.AddTo(new Command("log",
            "Who queried an enterprise's credit information, when and why (signs in; the enterprise's own users, e.g. --as acme/treasurer, and the regulator's analysts).")
        {
            enterprise, after, limit, json,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var (client, session) = await member.SignIn(parse, cancellationToken);
            using (client)
            {
                var of = parse.GetValue(enterprise) ?? session.GetProperty("organisation").GetString()!;
                var body = await client.GetJson(string.Create(CultureInfo.InvariantCulture,
                    $"/v1/credit/{Uri.EscapeDataString(of)}/queries?after={parse.GetValue(after)}&limit={parse.GetValue(limit)}"), cancellationToken);
                if (parse.GetValue(json))
                {
                    MemberOptions.PrintJson(body);
                    return 0;
                }
                var table = new Table().AddColumns("#", "time", "height", "bank", "user", "purpose", "transaction");
                foreach (var query in body.GetProperty("queries").EnumerateArray())
                {
                    table.AddRow(query.GetProperty("sequence").ToString(), MemberOptions.Time(query.GetProperty("time")), query.GetProperty("height").ToString(),
                        Markup.Escape(query.GetProperty("bank").GetString()!), Markup.Escape(query.GetProperty("user").GetString()!),
                        query.GetProperty("purpose").GetString()!, query.GetProperty("transactionId").GetString()![..16] + "…");
                }
                MemberOptions.Write(table);
                Console.WriteLine($"{body.GetProperty("count")} quer{(body.GetProperty("count").GetUInt64() == 1 ? "y" : "ies")} of {of}'s credit information in all.");
                return 0;
            }
        }));
        return command;
    }
}

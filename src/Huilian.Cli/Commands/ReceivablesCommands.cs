using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian receivables apply | accept | review | disburse | repay | cancel | show | statistics | report |
/// failures | alerts</c>: export receivables financing (出口应收账款融资), each step by its Table 08-02 clerk
/// (--as bank-a/proxy, bank-a/acceptor, ...), and the bank statistician's reports. Amounts are minor units (cents).
/// </summary>
internal static class ReceivablesCommands
{
    public static Command Create() => new("receivables", "Export receivables financing: apply, accept, review, disburse, repay, cancel; reports.")
    {
        Apply(), Step("accept", "Accept an application (receivables.accept, by the acceptance clerk)."),
        Review(), Disburse(), Repay(),
        Step("cancel", "Cancel a financing and release its claims (receivables.cancel, by the proxy or disbursement clerk).", reason: true),
        Show(), Report("statistics", "Enterprise financing statistics (企业融资信息统计)."), Report("report", "Enterprise financing status report (企业融资情况报表)."),
        Report("declaration-failures", "Customs-declaration verification-failure statistics (报关单核验失败统计)."),
        Report("regions", "Statistics per region: the handling branch's region as its bank maintains it (huilian matching maintain-branch), per bank and currency."),
        Report("alerts", "Refused duplicate or over-financing attempts (the regulator: all banks; a statistician: its own)."),
    };

    private static Option<string> FinancingOption() => new("--financing") { Description = "The financing's id, e.g. rf-00000001.", Required = true };

    private static Command Apply()
    {
        var member = new MemberOptions();
        var enterprise = new Option<string>("--enterprise") { Description = "The enterprise applied for (enabled at the signer's bank).", Required = true };
        var currency = new Option<string>("--currency") { Description = "The financing's currency: every document's (ADR 0013).", Required = true };
        var document = new Option<string[]>("--document")
        {
            Description = "A document and the claim on it: type:number:secret:claim (repeatable; the claims sum to the amount).",
            Required = true,
        };
        var owner = new Option<string?>("--owner") { Description = "The documents' owner field as published (default: the enterprise id)." };
        var branch = new Option<string?>("--branch") { Description = "The handling branch (网点)." };
        var command = member.AddTo(new Command("apply",
            "Apply on the enterprise's behalf with its documents (receivables.apply, by the proxy-application clerk, e.g. --as bank-a/proxy).")
        {
            enterprise, currency, document, owner, branch,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            using var client = new NodeClient(member.NodeUrl(parse));
            var hash = CryptoSuites.Get((await client.GetChainInfo(cancellationToken)).Suite).Hash;
            var documents = new JsonArray();
            ulong amount = 0;
            foreach (var spec in parse.GetValue(document)!)
            {
                var parts = spec.Split(':');
                if (parts.Length != 4 || DocumentTypes.Find(parts[0]) is null || !ulong.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var claim))
                {
                    throw new CliException($"'{spec}' is not type:number:secret:claim.");
                }
                amount = checked(amount + claim);
                var fields = new SortedDictionary<string, string>(StringComparer.Ordinal) { [DocumentTypes.OwnerField] = parse.GetValue(owner) ?? parse.GetValue(enterprise)! };
                documents.Add(new JsonObject
                {
                    ["key"] = DocumentKeys.Key(hash, parts[0], parts[1], parts[2]).ToString(),
                    ["claim"] = claim,
                    ["fields"] = RegistryCommands.Commitments(hash, parts[0], parts[1], parts[2], fields),
                });
            }
            var payload = new JsonObject
            {
                ["enterprise"] = parse.GetValue(enterprise),
                ["currency"] = parse.GetValue(currency),
                ["amount"] = amount,
                ["documents"] = documents,
            };
            if (parse.GetValue(branch) is { } atBranch)
            {
                payload["branch"] = atBranch;
            }
            if (await member.Submit(parse, "receivables", "apply", payload, cancellationToken) is { } result)
            {
                Print(result);
            }
            return 0;
        }));
        return command;
    }

    /// <summary>"rf-00000001 is applied; next: accept, cancel." (the receipt lists the next steps comma-separated; a final state has none).</summary>
    private static void Print(System.Text.Json.JsonElement result)
    {
        var next = result.GetProperty("next").GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries);
        Console.WriteLine($"{result.GetProperty("financing").GetString()} is {result.GetProperty("state").GetString()}; next: {(next.Length == 0 ? "none (final)" : string.Join(", ", next))}.");
    }

    private static Command Step(string action, string description, bool reason = false)
    {
        var member = new MemberOptions();
        var financing = FinancingOption();
        var reasonOption = new Option<string>("--reason") { Description = "Why.", Required = true };
        var command = member.AddTo(new Command(action, description) { financing });
        if (reason)
        {
            command.Options.Add(reasonOption);
        }
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["financing"] = parse.GetValue(financing) };
            if (reason)
            {
                payload["reason"] = parse.GetValue(reasonOption);
            }
            if (await member.Submit(parse, "receivables", action, payload, cancellationToken) is { } result)
            {
                Print(result);
            }
            return 0;
        }));
        return command;
    }

    private static Command Review()
    {
        var member = new MemberOptions();
        var financing = FinancingOption();
        var decision = new Option<string>("--decision") { Description = "approve or reject.", Required = true };
        decision.AcceptOnlyFromAmong("approve", "reject");
        var reason = new Option<string?>("--reason") { Description = "Why (required to reject)." };
        var command = member.AddTo(new Command("review", "Approve or reject an accepted application (receivables.review, by the review clerk).") { financing, decision, reason });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["financing"] = parse.GetValue(financing), ["decision"] = parse.GetValue(decision) };
            if (parse.GetValue(reason) is { } why)
            {
                payload["reason"] = why;
            }
            if (await member.Submit(parse, "receivables", "review", payload, cancellationToken) is { } result)
            {
                Print(result);
            }
            return 0;
        }));
        return command;
    }

    private static Command Disburse()
    {
        var member = new MemberOptions();
        var financing = FinancingOption();
        var amount = new Option<ulong>("--amount") { Description = "The amount disbursed, in minor units (at most the amount applied for).", Required = true };
        var date = new Option<string>("--value-date") { Description = "The value date, yyyy-MM-dd.", Required = true };
        var rate = new Option<ulong>("--rate-bp") { Description = "The interest rate in basis points a year (425 = 4.25%).", Required = true };
        var term = new Option<ulong>("--term-days") { Description = "The term in days.", Required = true };
        var command = member.AddTo(new Command("disburse",
            "Register a disbursement; the financing's claims on its documents become active (receivables.disburse, by the disbursement clerk).")
        {
            financing, amount, date, rate, term,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject
            {
                ["financing"] = parse.GetValue(financing),
                ["amount"] = parse.GetValue(amount),
                ["value-date"] = parse.GetValue(date),
                ["rate-bp"] = parse.GetValue(rate),
                ["term-days"] = parse.GetValue(term),
            };
            if (await member.Submit(parse, "receivables", "disburse", payload, cancellationToken) is { } result)
            {
                Print(result);
            }
            return 0;
        }));
        return command;
    }

    private static Command Repay()
    {
        var member = new MemberOptions();
        var financing = FinancingOption();
        var amount = new Option<ulong>("--amount") { Description = "The amount repaid, in minor units (at most the outstanding amount).", Required = true };
        var date = new Option<string>("--value-date") { Description = "The value date, yyyy-MM-dd.", Required = true };
        var command = member.AddTo(new Command("repay",
            "Register a repayment, partial or full; the claims fall in proportion (receivables.repay, by the repayment clerk).")
        {
            financing, amount, date,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["financing"] = parse.GetValue(financing), ["amount"] = parse.GetValue(amount), ["value-date"] = parse.GetValue(date) };
            if (await member.Submit(parse, "receivables", "repay", payload, cancellationToken) is { } result)
            {
                Print(result);
            }
            return 0;
        }));
        return command;
    }

    private static Command Show()
    {
        var member = new MemberOptions();
        var financing = FinancingOption();
        var command = member.AddTo(new Command("show", "Show a financing (its own bank's users, or the regulator; signs in).") { financing });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var (client, _) = await member.SignIn(parse, cancellationToken);
            using (client)
            {
                MemberOptions.PrintJson(await client.GetJson("/v1/receivables/financings/" + Uri.EscapeDataString(parse.GetValue(financing)!), cancellationToken));
                return 0;
            }
        }));
        return command;
    }

    private static Command Report(string name, string description)
    {
        var member = new MemberOptions();
        var from = new Option<string?>("--from") { Description = "From this date, yyyy-MM-dd (UTC)." };
        var until = new Option<string?>("--until") { Description = "Until this date, exclusive." };
        var bank = new Option<string?>("--bank") { Description = "One bank (a statistician: only its own)." };
        var branch = new Option<string?>("--branch") { Description = "One branch." };
        var enterprise = new Option<string?>("--enterprise") { Description = "One enterprise." };
        var csv = new Option<bool>("--csv") { Description = "Print CSV (RFC 4180) instead of JSON." };
        var command = member.AddTo(new Command(name, description + " Signs in, e.g. --as bank-a/statistician or regulator/analyst.")
        {
            from, until, bank, branch, enterprise,
        });
        if (name != "alerts")
        {
            command.Options.Add(csv);
        }
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var query = new List<string>();
            foreach (var (key, option) in new[] { ("from", from), ("until", until), ("bank", bank), ("branch", branch), ("enterprise", enterprise) })
            {
                if (parse.GetValue(option) is { } value)
                {
                    query.Add(key + "=" + Uri.EscapeDataString(value));
                }
            }
            var asCsv = name != "alerts" && parse.GetValue(csv);
            if (asCsv)
            {
                query.Add("format=csv");
            }
            var path = $"/v1/receivables/{name}" + (query.Count == 0 ? "" : "?" + string.Join("&", query));
            var (client, _) = await member.SignIn(parse, cancellationToken);
            using (client)
            {
                if (asCsv)
                {
                    Console.Write(await client.GetText(path, cancellationToken));
                    return 0;
                }
                MemberOptions.PrintJson(await client.GetJson(path, cancellationToken));
                return 0;
            }
        }));
        return command;
    }
}

using System.Text.Json;
using System.CommandLine;
using System.Globalization;
using Huilian.Node.Hosting;
using Spectre.Console;

namespace Huilian.Cli.Commands;

/// <summary>
/// The signed-in reads: <c>huilian whoami</c> (who the node takes the signer for), <c>huilian confidential read</c>
/// (a confidential section decrypted by the reader's organisation's node, logged) and <c>huilian audit log</c> (that
/// log, for the regulator's analysts).
/// </summary>
internal static class AccessCommands
{
    public static Command WhoAmI()
    {
        var member = new MemberOptions();
        var json = CommandSupport.JsonOption();
        var command = member.AddTo(new Command("whoami",
            "Sign in and show who the node takes the signer for: user, organisation, roles and the resources they grant (refused for unknown keys and suspended users or organisations).")
        {
            json,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var (client, _) = await member.SignIn(parse, cancellationToken);
            using (client)
            {
                var me = await client.GetJson("/v1/me", cancellationToken);
                if (parse.GetValue(json))
                {
                    MemberOptions.PrintJson(me);
                    return 0;
                }
                var organisation = me.GetProperty("organisation");
                Console.WriteLine($"user          {me.GetProperty("user").GetString()}");
                Console.WriteLine($"organisation  {organisation.GetProperty("id").GetString()} ({organisation.GetProperty("name").GetString()}), {organisation.GetProperty("kind").GetString()}");
                Console.WriteLine($"roles         {string.Join(", ", me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()))}");
                var resources = me.GetProperty("resources").EnumerateArray().ToArray();
                Console.WriteLine(resources.Length == 0 ? "resources     none" : "resources");
                foreach (var resource in resources)
                {
                    var planned = resource.GetProperty("planned").ValueKind == System.Text.Json.JsonValueKind.True ? " (planned)" : "";
                    Console.WriteLine($"  {resource.GetProperty("id").GetString(),-34} {resource.GetProperty("kind").GetString(),-6} {resource.GetProperty("en").GetString()}{planned}");
                }
                Console.WriteLine($"session until {MemberOptions.Time(me.GetProperty("sessionExpiresAt"))} UTC; this node {(me.GetProperty("hostsOrganisationKey").GetBoolean() ? "holds" : "does not hold")} the organisation's data key.");
                return 0;
            }
        }));
        return command;
    }

    public static Command Confidential()
    {
        var member = new MemberOptions();
        var transaction = new Argument<string>("transaction") { Description = "The transaction's id (64 hex)." };
        var purpose = new Option<string>("--purpose") { Description = "Why you read it: " + string.Join(", ", AccessLog.Purposes) + ".", Required = true };
        purpose.AcceptOnlyFromAmong([.. AccessLog.Purposes]);
        var json = CommandSupport.JsonOption();
        var read = member.AddTo(new Command("read",
            "Read a transaction's confidential section, decrypted by the node that holds your organisation's data key; only recipient organisations may, and every read is logged (signs in).")
        {
            transaction, purpose, json,
        });
        read.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var (client, _) = await member.SignIn(parse, cancellationToken);
            using (client)
            {
                var body = await client.GetJson($"/v1/confidential/{Uri.EscapeDataString(parse.GetValue(transaction)!.Trim())}?purpose={Uri.EscapeDataString(parse.GetValue(purpose)!)}", cancellationToken);
                if (parse.GetValue(json))
                {
                    MemberOptions.PrintJson(body);
                    return 0;
                }
                Console.Error.WriteLine($"{body.GetProperty("action").GetString()} at height {body.GetProperty("height")}, readable by {string.Join(", ", body.GetProperty("recipients").EnumerateArray().Select(r => r.ToString()))}; logged as access {body.GetProperty("accessLogSequence")}.");
                Console.WriteLine(body.GetProperty("text").GetString() ?? body.GetProperty("base64").GetString());
                return 0;
            }
        }));
        return new Command("confidential", "Confidential sections of transactions.") { read };
    }

    public static Command Audit()
    {
        var member = new MemberOptions(defaultUser: "regulator/analyst");
        var after = new Option<long>("--after") { Description = "Only entries after this sequence number." };
        var limit = new Option<int>("--limit") { Description = "At most this many entries.", DefaultValueFactory = _ => 100 };
        var organisation = new Option<string?>("--organisation") { Description = "Only reads by this organisation." };
        var json = CommandSupport.JsonOption();
        var log = member.AddTo(new Command("log",
            "The node's hash-chained log of confidential reads: who read what, when, why and whether it was allowed (signs in; regulator analysts, default --as regulator/analyst).")
        {
            after, limit, organisation, json,
        });
        log.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            // Each node keeps its own log: without --node, read every node of the network directory.
            var layout = member.Layout(parse);
            var urls = parse.GetResult(member.Node) is { Implicit: false } || !File.Exists(layout.NetworkPath)
                ? [parse.GetValue(member.Node)!]
                : layout.LoadManifest().Nodes.Select(n => n.Url).ToArray();
            using var key = member.LoadKey(parse);
            var table = new Table().AddColumns("node", "#", "time", "user", "resource", "subject", "purpose", "outcome");
            var bodies = new List<JsonElement>();
            var allIntact = true;
            var summaries = new List<string>();
            foreach (var url in urls)
            {
                using var client = new NodeClient(url);
                await client.SignIn(key, cancellationToken);
                var path = string.Create(CultureInfo.InvariantCulture, $"/v1/audit/access-log?after={parse.GetValue(after)}&limit={parse.GetValue(limit)}");
                if (parse.GetValue(organisation) is { } only)
                {
                    path += "&organisation=" + Uri.EscapeDataString(only);
                }
                var body = await client.GetJson(path, cancellationToken);
                bodies.Add(body);
                var node = body.GetProperty("node").GetString()!;
                foreach (var entry in body.GetProperty("entries").EnumerateArray())
                {
                    var subject = entry.GetProperty("subject").GetString()!;
                    table.AddRow(Markup.Escape(node), entry.GetProperty("sequence").ToString(), MemberOptions.Time(entry.GetProperty("time")), Markup.Escape(entry.GetProperty("user").GetString()!),
                        entry.GetProperty("resource").GetString()!, Markup.Escape(subject.Length > 16 ? subject[..16] + "…" : subject),
                        entry.GetProperty("purpose").GetString()!, Markup.Escape(entry.GetProperty("outcome").GetString()!));
                }
                var intact = body.GetProperty("chainIntact").GetBoolean();
                allIntact &= intact;
                summaries.Add($"Node {node}: {body.GetProperty("total")} entr{(body.GetProperty("total").GetInt64() == 1 ? "y" : "ies")}; hash chain {(intact ? "intact" : "BROKEN")}.");
            }
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new { nodes = bodies }, MemberOptions.Indented));
                return allIntact ? 0 : 1;
            }
            MemberOptions.Write(table);
            foreach (var summary in summaries)
            {
                Console.WriteLine(summary);
            }
            return allIntact ? 0 : 1;
        }));
        return new Command("audit", "Audit the reads of confidential data.") { log };
    }
}

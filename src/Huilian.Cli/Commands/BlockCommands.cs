using System.CommandLine;
using System.Text.Json;
using Spectre.Console;

namespace Huilian.Cli.Commands;

/// <summary><c>huilian block show</c>.</summary>
internal static class BlockCommands
{
    public static Command Create()
    {
        var which = new Argument<string>("block") { Description = "A height, a block hash, or 'latest'.", DefaultValueFactory = _ => "latest" };
        var node = CommandSupport.NodeOption();
        var json = CommandSupport.JsonOption();
        var show = new Command("show", "Show a committed block: header, commit certificate, transactions.") { which, node, json };
        show.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            using var client = new NodeClient(parse.GetValue(node)!);
            var given = parse.GetValue(which)!;
            var path = given == "latest" ? "/v1/blocks/latest" : given.Length == 64 ? "/v1/blocks/by-hash/" + given : "/v1/blocks/" + given;
            var block = await client.GetJson(path, cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(block, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            var header = block.GetProperty("header");
            var table = new Table().AddColumn("field").AddColumn("value").HideHeaders().Border(TableBorder.Simple);
            foreach (var name in new[] { "height", "hash", "previousHash", "time", "transactionCount", "transactionRoot", "stateRoot", "receiptRoot", "proposerName", "validatorSetHash" })
            {
                table.AddRow(name, Markup.Escape(header.GetProperty(name).ToString()));
            }
            var commit = block.GetProperty("commit");
            table.AddRow("commit", Markup.Escape($"round {commit.GetProperty("round")}, {commit.GetProperty("signatures").GetArrayLength()} signature(s)"));
            AnsiConsole.Write(table);
            foreach (var transaction in block.GetProperty("transactions").EnumerateArray().Take(20))
            {
                Console.WriteLine($"  {transaction.GetProperty("index"),5}  {transaction.GetProperty("id").GetString()}  {transaction.GetProperty("code").GetString()}");
            }
            var count = block.GetProperty("transactions").GetArrayLength();
            if (count > 20)
            {
                Console.WriteLine($"  … and {count - 20} more");
            }
            return 0;
        }));
        return new Command("block", "Inspect blocks.") { show };
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Core.Genesis;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Spectre.Console;

namespace Huilian.Cli.Commands;

/// <summary>
/// <c>huilian gov propose | vote | list</c>: governance by the member organisations. An organisation admin proposes
/// admitting, suspending or reinstating an organisation, setting a protocol parameter, or adding, removing or
/// re-weighting a validator (ADR 0012); each organisation's admin
/// votes once; a passed proposal applies at the start of its effective height on every node.
/// </summary>
internal static class GovCommands
{
    public static Command Create()
    {
        var propose = new Command("propose", "Propose a governance change (gov.propose, signed by an organisation admin); votes are cast with `huilian gov vote`.")
        {
            AdmitOrganisation(), OrganisationChange("suspend-organisation"), OrganisationChange("reinstate-organisation"), SetParameter(),
            AddValidator(), RemoveValidator(), SetValidatorPower(),
        };
        return new Command("gov", "Governance: propose changes to the consortium, vote on them, list proposals.") { propose, Vote(), List() };
    }

    /// <summary>The options every proposal has: a summary and the height to apply at.</summary>
    private sealed class ProposalOptions
    {
        public MemberOptions Member { get; } = new();

        public Option<string?> Summary { get; } = new("--summary") { Description = "A sentence for the voters (default: a description of the change)." };

        public Option<ulong?> ApplyAt { get; } = new("--apply-at") { Description = "Apply at the start of this height, if passed by then (default: the block after the deciding vote)." };

        public Command AddTo(Command command)
        {
            command.Options.Add(Summary);
            command.Options.Add(ApplyAt);
            return Member.AddTo(command);
        }

        /// <summary>Submits the proposal and prints its number.</summary>
        public async Task<int> Submit(ParseResult parse, string kind, JsonObject payload, CancellationToken cancellationToken)
        {
            payload["kind"] = kind;
            if (parse.GetValue(Summary) is { } summary)
            {
                payload["summary"] = summary;
            }
            if (parse.GetValue(ApplyAt) is { } height)
            {
                payload["applyAtHeight"] = height;
            }
            if (await Member.Submit(parse, GovernanceModuleName, "propose", payload, cancellationToken) is { } result)
            {
                var id = result.GetProperty("proposal").GetUInt64();
                Console.WriteLine($"Proposal {id} ({result.GetProperty("kind").GetString()}): {result.GetProperty("summary").GetString()}");
                Console.WriteLine($"Voting ends at height {result.GetProperty("votingEndsAtHeight")}. Each organisation's admin votes with `huilian gov vote --proposal {id} --approve` (or --reject).");
            }
            return 0;
        }
    }

    private const string GovernanceModuleName = "gov";

    private static Command OrganisationChange(string kind)
    {
        var proposal = new ProposalOptions();
        var organisation = new Option<string>("--organisation") { Description = "The organisation's id.", Required = true };
        var command = proposal.AddTo(new Command(kind, kind == "suspend-organisation"
            ? "Propose suspending an organisation: once applied, none of its users can sign or sign in (the regulator cannot be suspended)."
            : "Propose reinstating a suspended organisation.")
        {
            organisation,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(() =>
            proposal.Submit(parse, kind, new JsonObject { ["organisation"] = parse.GetValue(organisation) }, cancellationToken)));
        return command;
    }

    private static Command SetParameter()
    {
        var proposal = new ProposalOptions();
        var parameter = new Option<string>("--parameter") { Description = "The parameter: " + string.Join(", ", ParameterNames.All) + ".", Required = true };
        parameter.AcceptOnlyFromAmong([.. ParameterNames.All]);
        var value = new Option<ulong>("--value") { Description = "The new value (a whole number in the parameter's range).", Required = true };
        var command = proposal.AddTo(new Command("set-parameter", "Propose changing a protocol parameter.") { parameter, value });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(() =>
            proposal.Submit(parse, "set-parameter", new JsonObject { ["parameter"] = parse.GetValue(parameter), ["value"] = parse.GetValue(value) }, cancellationToken)));
        return command;
    }

    private static Option<string> ValidatorName() =>
        new("--name") { Description = "The validator's name, as in genesis or in the proposal that added it (see `huilian status`).", Required = true };

    private static Option<ulong> Power(string description) => new("--power") { Description = description, Required = true };

    private static Command AddValidator()
    {
        var proposal = new ProposalOptions();
        var name = ValidatorName();
        var key = new Option<string>("--key")
        {
            Description = "The new validator's consensus public key (hex), or its validator.key keystore (only the public key is read). "
                + "Its node must already be a peer (listed in genesis, e.g. an observer): it starts voting at the height after the change applies.",
            Required = true,
        };
        var power = Power("Its voting power (1 to 2^48); a commit needs more than two thirds of the total.");
        var organisation = new Option<string>("--organisation") { Description = "The member organisation that runs it.", Required = true };
        var command = proposal.AddTo(new Command("add-validator", "Propose adding a validator; the new set decides from the height after the change applies.")
        {
            name, key, power, organisation,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(() =>
            proposal.Submit(parse, "add-validator", new JsonObject
            {
                ["name"] = parse.GetValue(name),
                ["publicKey"] = PublicKey(parse.GetValue(key)!),
                ["power"] = parse.GetValue(power),
                ["organisation"] = parse.GetValue(organisation),
            }, cancellationToken)));
        return command;
    }

    private static Command RemoveValidator()
    {
        var proposal = new ProposalOptions();
        var name = ValidatorName();
        var command = proposal.AddTo(new Command("remove-validator",
            "Propose removing a validator (for example one caught equivocating: see GET /v1/misbehavior). Its node stays a peer and follows the chain without voting.")
        {
            name,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(() =>
            proposal.Submit(parse, "remove-validator", new JsonObject { ["name"] = parse.GetValue(name) }, cancellationToken)));
        return command;
    }

    private static Command SetValidatorPower()
    {
        var proposal = new ProposalOptions();
        var name = ValidatorName();
        var power = Power("The new voting power (1 to 2^48).");
        var command = proposal.AddTo(new Command("set-validator-power", "Propose changing a validator's voting power.") { name, power });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(() =>
            proposal.Submit(parse, "set-validator-power", new JsonObject { ["name"] = parse.GetValue(name), ["power"] = parse.GetValue(power) }, cancellationToken)));
        return command;
    }

    /// <summary>A public key given as hex or as a keystore file (whose public key is stored in clear).</summary>
    private static string PublicKey(string given)
    {
        if (File.Exists(given))
        {
            return Keystore.Load(given).PublicKey;
        }
        var hex = given.Trim().ToLowerInvariant();
        if (hex.Length is < 2 or > 130 || hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new CliException("--key is a public key in hex (130 digits starting 04 for intl and gm) or a keystore file.", 2);
        }
        return hex;
    }

    private static Command AdmitOrganisation()
    {
        var proposal = new ProposalOptions();
        var id = new Option<string>("--id") { Description = "The new organisation's id.", Required = true };
        var name = new Option<string>("--name") { Description = "Its name.", Required = true };
        var kind = new Option<string>("--kind") { Description = "Its kind: " + string.Join(", ", OrganisationKinds.All) + ".", Required = true };
        kind.AcceptOnlyFromAmong([.. OrganisationKinds.All]);
        var ca = new Option<string>("--ca") { Description = "Its self-signed CA certificate (PEM), e.g. ca.pem from `huilian org ca init`.", Required = true };
        var dataKey = new Option<string>("--data-key") { Description = "Its data-encryption public key (hex), or its data.key keystore (only the public key is read).", Required = true };
        var admins = new Option<string[]>("--admin")
        {
            Description = "A first admin as NAME=FILE.pem, the certificate issued by its CA (repeatable, at most 4).",
            Required = true,
        };
        var command = proposal.AddTo(new Command("admit-organisation",
            "Propose admitting a new organisation with its CA, data-encryption key and first admin(s); `huilian org ca init` and `huilian org user issue` prepare them.")
        {
            id, name, kind, ca, dataKey, admins,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(() =>
        {
            var caPath = parse.GetValue(ca)!;
            if (!File.Exists(caPath))
            {
                throw new CliException($"No CA certificate at {caPath}.");
            }
            var adminList = new JsonArray();
            foreach (var admin in parse.GetValue(admins)!)
            {
                var separator = admin.IndexOf('=', StringComparison.Ordinal);
                if (separator <= 0 || separator == admin.Length - 1)
                {
                    throw new CliException($"--admin takes NAME=FILE.pem; got '{admin}'.", 2);
                }
                var file = admin[(separator + 1)..];
                if (!File.Exists(file))
                {
                    throw new CliException($"No certificate file at {file}.");
                }
                adminList.Add(new JsonObject { ["name"] = admin[..separator], ["certificate"] = Convert.ToBase64String(CertificateAuthority.FromPem(File.ReadAllText(file))) });
            }
            var payload = new JsonObject
            {
                ["organisation"] = new JsonObject
                {
                    ["id"] = parse.GetValue(id),
                    ["name"] = parse.GetValue(name),
                    ["kind"] = parse.GetValue(kind),
                    ["caCertificate"] = Convert.ToBase64String(CertificateAuthority.FromPem(File.ReadAllText(caPath))),
                    ["encryptionKey"] = DataKey(parse.GetValue(dataKey)!),
                },
                ["admins"] = adminList,
            };
            return proposal.Submit(parse, "admit-organisation", payload, cancellationToken);
        }));
        return command;
    }

    /// <summary>A data-encryption public key given as hex or as a keystore file (whose public key is stored in clear).</summary>
    private static string DataKey(string given)
    {
        if (File.Exists(given))
        {
            return Keystore.Load(given).PublicKey;
        }
        var hex = given.Trim().ToLowerInvariant();
        if (hex.Length != 130 || !hex.StartsWith("04", StringComparison.Ordinal) || !hex.All(char.IsAsciiHexDigit))
        {
            throw new CliException("--data-key is an uncompressed public key (130 hex digits starting 04) or a data.key keystore file.", 2);
        }
        return hex;
    }

    private static Command Vote()
    {
        var member = new MemberOptions();
        var proposal = new Option<ulong>("--proposal") { Description = "The proposal's number.", Required = true };
        var approve = new Option<bool>("--approve") { Description = "Vote for the proposal." };
        var reject = new Option<bool>("--reject") { Description = "Vote against the proposal." };
        var command = member.AddTo(new Command("vote",
            "Vote for the signer's organisation on an open proposal (gov.vote, by an organisation admin; one vote per organisation). Prints the tally and, once passed, the height it applies at.")
        {
            proposal, approve, reject,
        });
        command.Validators.Add(result =>
        {
            if (result.GetValue(approve) == result.GetValue(reject))
            {
                result.AddError("Give exactly one of --approve and --reject.");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var payload = new JsonObject { ["proposal"] = parse.GetValue(proposal), ["approve"] = parse.GetValue(approve) };
            if (await member.Submit(parse, GovernanceModuleName, "vote", payload, cancellationToken) is { } result)
            {
                var status = result.GetProperty("status").GetString();
                Console.WriteLine($"Proposal {result.GetProperty("proposal")}: {status}. {result.GetProperty("tally").GetString()}");
                if (result.TryGetProperty("effectiveHeight", out var effective))
                {
                    Console.WriteLine($"It applies at the start of height {effective}.");
                }
            }
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var member = new MemberOptions();
        var json = CommandSupport.JsonOption();
        var limit = new Option<int>("--limit") { Description = "How many proposals, newest first.", DefaultValueFactory = _ => 50 };
        var command = member.AddTo(new Command("list", "List governance proposals, newest first: kind, summary, status, votes and the height the change applies at (signs in).")
        {
            json, limit,
        });
        command.SetAction((parse, cancellationToken) => CommandSupport.Run(async () =>
        {
            var (client, _) = await member.SignIn(parse, cancellationToken);
            using (client)
            {
                var body = await client.GetJson(string.Create(CultureInfo.InvariantCulture, $"/v1/gov/proposals?limit={parse.GetValue(limit)}"), cancellationToken);
                if (parse.GetValue(json))
                {
                    MemberOptions.PrintJson(body);
                    return 0;
                }
                var table = new Table().AddColumns("id", "kind", "summary", "status", "votes", "effective height");
                foreach (var proposal in body.GetProperty("proposals").EnumerateArray())
                {
                    var votes = proposal.GetProperty("votes").EnumerateArray()
                        .Select(v => $"{v.GetProperty("organisation").GetString()} {(v.GetProperty("approve").GetBoolean() ? "yes" : "no")}").ToArray();
                    var status = proposal.GetProperty("status").GetString()!;
                    var shownStatus = status switch
                    {
                        "applied" or "passed" => $"[green]{status}[/]",
                        "failed" => $"[red]failed[/]\n{Markup.Escape(proposal.GetProperty("outcome").GetString() ?? "")}",
                        "rejected" or "expired" => $"[red]{status}[/]",
                        _ => status,
                    };
                    table.AddRow(proposal.GetProperty("id").ToString(), proposal.GetProperty("kind").GetString()!, Markup.Escape(proposal.GetProperty("summary").GetString()!),
                        shownStatus, Markup.Escape(votes.Length == 0 ? "-" : string.Join("\n", votes)), MemberOptions.Text(proposal, "effectiveHeight"));
                }
                MemberOptions.Write(table);
                Console.WriteLine($"{body.GetProperty("count")} proposal(s); height {body.GetProperty("height")}.");
                return 0;
            }
        }));
        return command;
    }
}

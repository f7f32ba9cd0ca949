using System.Globalization;
using System.Text;
using Huilian.Core;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Execution.Modules.Credit;
using Huilian.Execution.Modules.Matching;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.PolicyFinancing;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Registry;
using Huilian.Execution.Modules.Workflow;
using Huilian.Node.Hosting;

namespace Huilian.Node.Api;

/// <summary>
/// The reads the workspaces of banks, enterprises and document publishers need, authorised like
/// <see cref="ReceivablesApi"/>: a bank's users see only their own bank's financings, branches and credit relations;
/// an enterprise's users only the financings for their enterprise and their own grants; a publisher only what its
/// organisation published; the regulator (audit.see-through) every financing. Lists are paged (limit ≤ 500) and say
/// how many there are; a bad query is RequestMalformed. A financing of another bank answers as not found.
/// </summary>
public static class WorkspaceApi
{
    /// <summary>The largest page a list returns.</summary>
    public const int PageMax = 500;

    /// <summary>The most blocks a financing's history scans (from its application to its last step).</summary>
    public const ulong HistoryBlocksMax = 20_000;

    /// <summary>The most verification records a financing's page looks back over.</summary>
    public const ulong VerificationsScannedMax = 20_000;

    /// <summary>The financing processes run by the workflow engine, by module name.</summary>
    public static IReadOnlyDictionary<string, WorkflowDefinition> Processes { get; } = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal)
    {
        [ReceivablesProcess.ModuleName] = ReceivablesProcess.Definition,
        [PolicyFinancingProcess.ModuleName] = PolicyFinancingProcess.Definition,
    };

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/workspace/financings", Financings).WithName("WorkspaceFinancings")
            .WithSummary("Financings of one process visible to the caller, newest first: its own bank's (bank users), its own (enterprise users), all (regulator); ?process=receivables|policy-financing&state= (one or more, comma-separated)&enterprise=&offset=&limit= (≤ 500)");
        v1.MapGet("/workspace/financings/{process}/{id}", Financing).WithName("WorkspaceFinancing")
            .WithSummary("A financing of either process with its documents, the verifications its bank recorded on them and its history (each step: action, from, to, who, when, transaction); its bank's users, its enterprise's users, the regulator");
        v1.MapGet("/workspace/published", Published).WithName("WorkspacePublished")
            .WithSummary("Documents the caller's organisation published, newest first: key, type, value, currency, financed share; ?type=&offset=&limit= (≤ 500); publishers only");
        v1.MapGet("/workspace/credit", Credit).WithName("WorkspaceCredit")
            .WithSummary("The caller's credit relations: an enterprise's enabling and grant at each bank, or a bank's enabling of and grant from each enterprise");
        v1.MapGet("/workspace/branches", Branches).WithName("WorkspaceBranches")
            .WithSummary("The caller's bank's branches as maintained on the ledger (matching.maintain-branches): id, name, GB/T 2260 region, who, when");
    }

    private static bool TryPage(HttpContext http, out int offset, out int limit, out IResult? problem)
    {
        offset = 0;
        limit = 50;
        problem = null;
        var query = http.Request.Query;
        if (query["offset"].ToString() is { Length: > 0 } o && (!int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            problem = Problems.For("RequestMalformed", "'offset' is a whole number, 0 or more.");
            return false;
        }
        if (query["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > PageMax))
        {
            problem = Problems.For("RequestMalformed", string.Create(CultureInfo.InvariantCulture, $"'limit' is a whole number from 1 to {PageMax}."));
            return false;
        }
        return true;
    }

    /// <summary>What the caller may see of a process: "bank" (its own bank's), "enterprise" (its own), "all" (regulator), or null.</summary>
    private static string? Scope(MemberApi.Caller caller, WorkflowDefinition definition)
    {
        if (caller.IsRegulator && caller.Holds(ReceivablesReports.SeeThroughResource))
        {
            return "all";
        }
        if (caller.Organisation.Kind == OrganisationKinds.Bank &&
            (definition.Transitions.Any(t => caller.Holds(t.Resource)) || caller.Holds(ReceivablesReports.StatusReportResource)))
        {
            return "bank";
        }
        return caller.Organisation.Kind == OrganisationKinds.Enterprise ? "enterprise" : null;
    }

    private static bool Visible(string scope, MemberApi.Caller caller, FinancingRecord financing) => scope switch
    {
        "all" => true,
        "bank" => financing.Bank == caller.Organisation.Id,
        "enterprise" => financing.Enterprise == caller.Organisation.Id,
        _ => false,
    };

    private static IResult Financings(HttpContext http, NodeRuntime node)
    {
        if (MemberApi.Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        var query = http.Request.Query;
        var process = query["process"].ToString();
        if (process.Length == 0)
        {
            process = ReceivablesProcess.ModuleName;
        }
        if (!Processes.TryGetValue(process, out var definition))
        {
            return Problems.For("RequestMalformed", $"'process' is one of {string.Join(", ", Processes.Keys)}.");
        }
        var states = query["state"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (states.Length > definition.States.Count || states.Any(s => definition.FindState(s) is null))
        {
            return Problems.For("RequestMalformed", $"'state' is one or more (comma-separated) of {string.Join(", ", definition.States.Select(s => s.Id))}.");
        }
        var enterprise = query["enterprise"].ToString();
        if (enterprise.Length > 0 && !Identifier.IsValid(enterprise, 64))
        {
            return Problems.For("RequestMalformed", "'enterprise' is an organisation id.");
        }
        if (!TryPage(http, out var offset, out var limit, out var pageProblem))
        {
            return pageProblem!;
        }
        var scope = Scope(caller!, definition);
        if (scope is null)
        {
            return Problems.For(MemberApi.NotEntitled, $"'{caller!.User.Id}' holds no role that shows {definition.Id} financings.", 403);
        }
        var snapshot = node.Chain.State;
        var matching = WorkflowModule.ReadAll(snapshot, definition)
            .Where(f => Visible(scope, caller!, f) && (states.Length == 0 || states.Contains(f.State)) && (enterprise.Length == 0 || f.Enterprise == enterprise))
            .Reverse()
            .ToArray();
        return Results.Json(new
        {
            height = snapshot.Height,
            process = definition.Id,
            scope,
            total = matching.Length,
            offset,
            limit,
            financings = matching.Skip(offset).Take(limit).Select(f => Summary(definition, f)),
        });
    }

    private static object Summary(WorkflowDefinition definition, FinancingRecord f) => new
    {
        id = f.Id,
        process = definition.Id,
        state = f.State,
        bank = f.Bank,
        branch = f.Branch,
        enterprise = f.Enterprise,
        currency = f.Currency,
        appliedMinor = f.AppliedAmount,
        disbursedMinor = f.DisbursedAmount,
        outstandingMinor = f.Outstanding,
        repaidMinor = f.Repaid,
        documents = f.Claims.Count,
        keys = f.Claims.Select(c => c.Key.ToString()),
        appliedTimeMs = f.AppliedTimeMs,
        updatedTimeMs = f.UpdatedTimeMs,
        lastUser = f.LastUser,
    };

    private static IResult Financing(HttpContext http, NodeRuntime node, string process, string id)
    {
        if (MemberApi.Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        if (!Processes.TryGetValue(process, out var definition))
        {
            return Problems.For("FinancingNotFound", $"There is no financing process '{process}'.");
        }
        var snapshot = node.Chain.State;
        var financing = id.Length is > 0 and <= 32 ? WorkflowModule.ReadFinancing(snapshot, definition.Id, id) : null;
        var scope = Scope(caller!, definition);
        // Not found and not entitled answer alike: another bank learns nothing of a financing's existence.
        if (financing is null || scope is null || !Visible(scope, caller!, financing))
        {
            return Problems.For("FinancingNotFound", $"No {definition.Id} financing '{id}' is visible to '{caller!.User.Id}'.");
        }
        var documents = financing.Claims.Select(c =>
        {
            var document = FinancingGuard.ReadDocument(snapshot, c.Key);
            return new
            {
                key = c.Key.ToString(),
                requestedMinor = c.Requested,
                activeMinor = c.Active,
                type = document?.Type,
                publisher = document?.Publisher,
                currency = document?.Currency,
                valueMinor = document?.Value,
                financedMinor = document?.FinancedActive,
                financedBp = document?.FinancedBasisPoints,
            };
        }).ToArray();
        return Results.Json(new
        {
            id = financing.Id,
            process = definition.Id,
            state = financing.State,
            terminal = definition.FindState(financing.State)?.Terminal ?? false,
            next = definition.NextActions(financing.State),
            bank = financing.Bank,
            branch = financing.Branch,
            enterprise = financing.Enterprise,
            currency = financing.Currency,
            appliedMinor = financing.AppliedAmount,
            disbursedMinor = financing.DisbursedAmount,
            outstandingMinor = financing.Outstanding,
            repaidMinor = financing.Repaid,
            rateBp = financing.RateBasisPoints,
            termDays = financing.TermDays,
            valueDate = financing.ValueDate,
            reason = financing.Reason,
            appliedAt = financing.AppliedAt,
            appliedTimeMs = financing.AppliedTimeMs,
            disbursedAt = financing.DisbursedAt,
            updatedAt = financing.UpdatedAt,
            updatedTimeMs = financing.UpdatedTimeMs,
            lastUser = financing.LastUser,
            steps = financing.Steps,
            documents,
            verifications = Verifications(snapshot, financing),
            history = History(node, snapshot, definition, financing, out var historyComplete),
            historyComplete,
        });
    }

    /// <summary>The verifications the financing's bank recorded on its documents, newest first.</summary>
    private static IReadOnlyList<object> Verifications(Core.State.IStateReader state, FinancingRecord financing)
    {
        var keys = financing.Claims.Select(c => c.Key).ToHashSet();
        var found = new List<object>();
        var count = RegistryModule.ReadVerificationCount(state);
        var last = count > VerificationsScannedMax ? count - VerificationsScannedMax : 0;
        for (var sequence = count; sequence > last; sequence--)
        {
            if (RegistryModule.ReadVerification(state, sequence) is not { } record || record.Bank != financing.Bank)
            {
                continue;
            }
            foreach (var item in record.Items.Where(i => keys.Contains(i.Key)))
            {
                found.Add(new
                {
                    sequence = record.Sequence,
                    key = item.Key.ToString(),
                    type = item.Type,
                    outcome = item.OutcomeWithReason,
                    financedBp = item.FinancedBasisPoints,
                    user = record.User,
                    branch = record.Branch,
                    enterprise = record.Enterprise,
                    height = record.Height,
                    timeMs = record.TimeMs,
                    transaction = record.TransactionId.ToString(),
                });
            }
        }
        return found;
    }

    /// <summary>
    /// The financing's steps as the ledger recorded them: the events its transitions emitted, found in the blocks from
    /// its application to its last step, each with its signer and the block's time.
    /// </summary>
    private static IReadOnlyList<object> History(NodeRuntime node, Core.State.IStateReader state, WorkflowDefinition definition, FinancingRecord financing, out bool complete)
    {
        var steps = new List<object>();
        var from = Math.Max(1, financing.AppliedAt);
        var until = Math.Min(financing.UpdatedAt, node.Chain.Head.Height);
        complete = until - from < HistoryBlocksMax;
        if (!complete)
        {
            from = until - HistoryBlocksMax + 1;
        }
        var prefix = definition.Id + ".";
        for (var height = from; height <= until; height++)
        {
            var block = node.Chain.GetBlock(height);
            if (block is null || block.TransactionCount == 0)
            {
                continue;
            }
            var timeMs = BlockHeader.Decode(block.Header).TimeMs;
            foreach (var record in node.Chain.GetBlockTransactions(block))
            {
                var receipt = Receipt.Decode(record.Receipt);
                if (!receipt.Succeeded)
                {
                    continue;
                }
                foreach (var e in receipt.Events)
                {
                    if (!e.Type.StartsWith(prefix, StringComparison.Ordinal) || Attribute(e, "financing") != financing.Id)
                    {
                        continue;
                    }
                    var transaction = Transaction.Decode(record.Transaction, node.Setup.Hash);
                    var signer = MembershipState.ReadSigner(state, node.Setup.Hash.Hash(transaction.Signer));
                    steps.Add(new
                    {
                        action = e.Type[prefix.Length..],
                        from = Attribute(e, "from"),
                        to = Attribute(e, "to"),
                        user = signer is null ? "" : signer.Organisation + "/" + signer.Holder,
                        height,
                        timeMs,
                        transaction = record.Id.ToString(),
                        payload = PublicPayload(transaction.Payload),
                    });
                }
            }
        }
        return steps;
    }

    /// <summary>The step's own fields (decision, reason, amount, dates, rate, term), not the documents' commitments or a confidential section.</summary>
    private static Dictionary<string, string>? PublicPayload(byte[] payload)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(payload);
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (property.Name is "documents" or "confidential" or "financing")
                {
                    continue;
                }
                fields[property.Name] = property.Value.ValueKind == System.Text.Json.JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
            return fields;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Attribute(LedgerEvent e, string key) => e.Attributes.FirstOrDefault(a => a.Key == key)?.Value ?? "";

    private static IResult Published(HttpContext http, NodeRuntime node)
    {
        if (MemberApi.Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        var type = http.Request.Query["type"].ToString();
        if (type.Length > 0 && DocumentTypes.Find(type) is null)
        {
            return Problems.For("RequestMalformed", $"'type' is one of {string.Join(", ", DocumentTypes.All.Select(t => t.Id))}.");
        }
        if (!TryPage(http, out var offset, out var limit, out var pageProblem))
        {
            return pageProblem!;
        }
        if (!DocumentTypes.PublishActions.Any(a => caller!.Holds(RegistryModule.ModuleName + "." + a)))
        {
            return Problems.For(MemberApi.NotEntitled, $"'{caller!.User.Id}' holds no publishing role.", 403);
        }
        var snapshot = node.Chain.State;
        var prefix = Encoding.ASCII.GetBytes(RegistryModule.ModuleName + "/doc/");
        var organisation = caller!.Organisation.Id;
        var documents = new List<(Hash32 Key, DocumentRecord Record)>();
        foreach (var entry in snapshot.Enumerate())
        {
            if (entry.Key.Length != prefix.Length + Hash32.Length || !entry.Key.AsSpan().StartsWith(prefix))
            {
                continue;
            }
            var record = DocumentRecord.Decode(entry.Value);
            if (record.Publisher == organisation && (type.Length == 0 || record.Type == type))
            {
                documents.Add((new Hash32(entry.Key.AsSpan(prefix.Length)), record));
            }
        }
        var ordered = documents.OrderByDescending(d => d.Record.PublishedAt).ThenBy(d => d.Key.ToString(), StringComparer.Ordinal).ToArray();
        return Results.Json(new
        {
            height = snapshot.Height,
            publisher = organisation,
            total = ordered.Length,
            offset,
            limit,
            documents = ordered.Skip(offset).Take(limit).Select(d => new
            {
                key = d.Key.ToString(),
                type = d.Record.Type,
                currency = d.Record.Currency,
                valueMinor = d.Record.Value,
                financedMinor = d.Record.FinancedActive,
                financedBp = d.Record.FinancedBasisPoints,
                publishedAt = d.Record.PublishedAt,
                publishedTimeMs = d.Record.PublishedTimeMs,
            }),
        });
    }

    private static IResult Credit(HttpContext http, NodeRuntime node)
    {
        if (MemberApi.Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        var snapshot = node.Chain.State;
        var me = caller!.Organisation;
        var bank = me.Kind == OrganisationKinds.Bank;
        if (!bank && me.Kind != OrganisationKinds.Enterprise)
        {
            return Problems.For(MemberApi.NotEntitled, "Credit relations are between banks and enterprises.", 403);
        }
        var others = MembershipState.ReadOrganisationIds(snapshot).Select(id => MembershipState.ReadOrganisation(snapshot, id)!)
            .Where(o => o.Kind == (bank ? OrganisationKinds.Enterprise : OrganisationKinds.Bank)).ToArray();
        var nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return Results.Json(new
        {
            height = snapshot.Height,
            organisation = me.Id,
            kind = me.Kind,
            relations = others.Select(o =>
            {
                var (bankId, enterpriseId) = bank ? (me.Id, o.Id) : (o.Id, me.Id);
                var enabling = CreditModule.ReadEnabling(snapshot, bankId, enterpriseId);
                var grant = CreditModule.ReadGrant(snapshot, enterpriseId, bankId);
                return new
                {
                    organisation = o.Id,
                    name = o.Name,
                    enabled = enabling is { Withdrawn: false },
                    enabledBy = enabling?.EnabledBy,
                    enabledAt = enabling?.EnabledAt,
                    grant = grant is null ? null : new
                    {
                        grantedBy = grant.GrantedBy,
                        fromMs = grant.FromMs,
                        untilMs = grant.UntilMs,
                        grantedAt = grant.GrantedAt,
                        revokedAt = grant.RevokedAt,
                        active = grant.RevokedAt == 0 && nowMs <= grant.UntilMs,
                    },
                };
            }),
        });
    }

    private static IResult Branches(HttpContext http, NodeRuntime node)
    {
        if (MemberApi.Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        if (caller!.Organisation.Kind != OrganisationKinds.Bank)
        {
            return Problems.For(MemberApi.NotEntitled, "Branches are a bank's.", 403);
        }
        var snapshot = node.Chain.State;
        var prefix = Encoding.ASCII.GetBytes(MatchingModule.ModuleName + "/branch/" + caller.Organisation.Id + "/");
        var branches = new List<BranchRecord>();
        foreach (var entry in snapshot.Enumerate())
        {
            if (entry.Key.AsSpan().StartsWith(prefix))
            {
                branches.Add(BranchRecord.Decode(entry.Value));
            }
        }
        return Results.Json(new
        {
            height = snapshot.Height,
            bank = caller.Organisation.Id,
            branches = branches.OrderBy(b => b.Branch, StringComparer.Ordinal).Select(b => new
            {
                branch = b.Branch,
                name = b.Name,
                region = b.Region,
                maintainedBy = b.MaintainedBy,
                maintainedAt = b.MaintainedAt,
            }),
        });
    }
}

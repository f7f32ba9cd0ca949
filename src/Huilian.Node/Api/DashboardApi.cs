using System.Globalization;
using Huilian.Core;
using Huilian.Execution.Modules.PolicyFinancing;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Registry;
using Huilian.Execution.Modules.Workflow;
using Huilian.Node.Hosting;

namespace Huilian.Node.Api;

/// <summary>
/// The regulator's dashboard reads (issue 6): financing volumes over time by bank, scenario and currency; verification
/// outcomes and refused over-financing attempts over time; and a paged, filtered list of financings to drill down
/// from. Each is computed in one pass over the ledger's state on the node, so the dashboard stays fast with 100,000
/// financings and never ships them to the browser. Authorised like the statistician's reports
/// (<see cref="ReceivablesReports.Authorize"/>): a regulator analyst (audit.see-through) sees every bank, a bank's
/// statistician its own bank only (its bank filled in), anyone else is refused.
/// </summary>
public static class DashboardApi
{
    /// <summary>The scenarios (financing processes) the dashboard counts, in the order it shows them.</summary>
    public static readonly IReadOnlyList<WorkflowDefinition> Scenarios = [ReceivablesProcess.Definition, PolicyFinancingProcess.Definition];

    /// <summary>The most rows a series returns (a period × bank × scenario × currency is a row); more is cut and says so.</summary>
    public const int SeriesRowsMax = 10_000;

    /// <summary>The most financings one page of the drill-down list returns.</summary>
    public const int PageMax = 200;

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/dashboard/volumes", Volumes).WithName("DashboardVolumes")
            .WithSummary("Financing volumes over time: per period (?period=day|month, by block time, UTC), bank, scenario (receivables, policy-financing) and currency — applications, "
                + "applied, disbursed and outstanding amounts — and per scenario the financings in each state; ?from=&until= (yyyy-MM-dd, until exclusive), &bank=. "
                + "Regulator analysts: every bank; a bank statistician: its own")
            .Produces(200).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
        v1.MapGet("/dashboard/verifications", Verifications).WithName("DashboardVerifications")
            .WithSummary("Document verifications over time: per period and bank, documents verified and failed (by outcome), and refused duplicate or over-financing attempts (alerts); "
                + "same filters and entitlements as /dashboard/volumes")
            .Produces(200).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
        v1.MapGet("/dashboard/financings", Financings).WithName("DashboardFinancings")
            .WithSummary("Financings of every scenario for drill-down, newest first, one page at a time (?offset=&limit=, at most 200): "
                + "?scenario=&bank=&branch=&enterprise=&state=&document= (a registry key the financing claims) &from=&until=; the total matched is counted")
            .Produces(200).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403);
    }

    /// <summary>One row of the volumes series; amounts in minor units of <see cref="Currency"/>.</summary>
    public sealed record VolumeRow(string Period, string Bank, string Scenario, string Currency, int Applications, ulong AppliedMinor, int Disbursed, ulong DisbursedMinor, ulong OutstandingMinor);

    /// <summary>One row of the verification series.</summary>
    public sealed record VerificationRow(string Period, string Bank, int Verifications, int Documents, int Failed, int NotFound, int FieldMismatch, int AlreadyFinancedInFull, int OtherMismatch, int Alerts);

    /// <summary>A row being summed: mutable, so that 100,000 financings cost no copies.</summary>
    private sealed class VolumeSum
    {
        public int Applications;
        public ulong Applied;
        public int Disbursed;
        public ulong DisbursedAmount;
        public ulong Outstanding;
    }

    private sealed class VerificationSum
    {
        public int Verifications;
        public int Documents;
        public int Failed;
        public int NotFound;
        public int FieldMismatch;
        public int AlreadyFinancedInFull;
        public int OtherMismatch;
        public int Alerts;
    }

    private static IResult Volumes(HttpContext http, NodeRuntime node)
    {
        if (Prepare(http, node, ReceivablesReports.StatisticsResource, out var filter, out var period) is { } problem)
        {
            return problem;
        }
        var state = node.Chain.State;
        var monthly = period == "month";
        var sums = new Dictionary<(long Period, string Bank, int Scenario, string Currency), VolumeSum>();
        var states = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        var truncated = false;
        var financings = 0;
        for (var s = 0; s < Scenarios.Count; s++)
        {
            var scenario = Scenarios[s];
            var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var x in scenario.States)
            {
                counts[x.Id] = 0;
            }
            states[scenario.Id] = counts;
            foreach (var financing in WorkflowModule.ReadAll(state, scenario))
            {
                if (!filter.Covers(financing.AppliedTimeMs, financing.Bank, financing.Branch, financing.Enterprise))
                {
                    continue;
                }
                financings++;
                counts[financing.State] = counts.GetValueOrDefault(financing.State) + 1;
                // Applications count in the period they were made; disbursements in the period they were registered.
                if (Sum(PeriodKey(financing.AppliedTimeMs, monthly), financing.Bank, s, financing.Currency) is { } applied)
                {
                    applied.Applications++;
                    applied.Applied = checked(applied.Applied + financing.AppliedAmount);
                }
                if (financing.DisbursedAt > 0 && Sum(PeriodKey(financing.DisbursedTimeMs, monthly), financing.Bank, s, financing.Currency) is { } disbursed)
                {
                    disbursed.Disbursed++;
                    disbursed.DisbursedAmount = checked(disbursed.DisbursedAmount + financing.DisbursedAmount);
                    disbursed.Outstanding = checked(disbursed.Outstanding + financing.Outstanding);
                }
            }
        }

        VolumeSum? Sum(long at, string bank, int scenario, string currency)
        {
            if (!sums.TryGetValue((at, bank, scenario, currency), out var sum))
            {
                if (sums.Count >= SeriesRowsMax)
                {
                    truncated = true;
                    return null;
                }
                sums[(at, bank, scenario, currency)] = sum = new VolumeSum();
            }
            return sum;
        }

        var rows = sums.OrderBy(e => e.Key.Period).ThenBy(e => e.Key.Bank, StringComparer.Ordinal).ThenBy(e => Scenarios[e.Key.Scenario].Id, StringComparer.Ordinal).ThenBy(e => e.Key.Currency, StringComparer.Ordinal)
            .Select(e => new VolumeRow(PeriodText(e.Key.Period, monthly), e.Key.Bank, Scenarios[e.Key.Scenario].Id, e.Key.Currency,
                e.Value.Applications, e.Value.Applied, e.Value.Disbursed, e.Value.DisbursedAmount, e.Value.Outstanding));
        return Results.Json(new
        {
            height = state.Height,
            period,
            filter,
            scenarios = Scenarios.Select(s => new { id = s.Id, zh = s.Chinese, en = s.English, states = s.States.Select(x => new { id = x.Id, zh = x.Chinese, en = x.English }) }),
            financings,
            states,
            truncated,
            rows,
        });
    }

    private static IResult Verifications(HttpContext http, NodeRuntime node)
    {
        if (Prepare(http, node, ReceivablesReports.DeclarationFailuresResource, out var filter, out var period) is { } problem)
        {
            return problem;
        }
        var state = node.Chain.State;
        var monthly = period == "month";
        var sums = new Dictionary<(long Period, string Bank), VerificationSum>();
        var truncated = false;
        VerificationSum? Sum(long at, string bank)
        {
            if (!sums.TryGetValue((at, bank), out var sum))
            {
                if (sums.Count >= SeriesRowsMax)
                {
                    truncated = true;
                    return null;
                }
                sums[(at, bank)] = sum = new VerificationSum();
            }
            return sum;
        }
        var count = RegistryModule.ReadVerificationCount(state);
        for (ulong sequence = 1; sequence <= count; sequence++)
        {
            var record = RegistryModule.ReadVerification(state, sequence);
            if (record is null || !filter.Covers(record.TimeMs, record.Bank, record.Branch, record.Enterprise) || Sum(PeriodKey(record.TimeMs, monthly), record.Bank) is not { } sum)
            {
                continue;
            }
            sum.Verifications++;
            sum.Documents += record.Items.Count;
            foreach (var item in record.Items)
            {
                switch (item.Outcome)
                {
                    case VerificationOutcomes.Match:
                        continue;
                    case VerificationOutcomes.NotFound:
                        sum.NotFound++;
                        break;
                    case VerificationOutcomes.FieldMismatch:
                        sum.FieldMismatch++;
                        break;
                    case VerificationOutcomes.AlreadyFinancedInFull:
                        sum.AlreadyFinancedInFull++;
                        break;
                    case VerificationOutcomes.CurrencyMismatch or VerificationOutcomes.ValueMismatch:
                        sum.OtherMismatch++;
                        break;
                }
                sum.Failed++;
            }
        }
        var alerts = ReceivablesReports.Alerts(state, filter);
        foreach (var alert in alerts)
        {
            if (Sum(PeriodKey(alert.TimeMs, monthly), alert.Bank) is { } sum)
            {
                sum.Alerts++;
            }
        }
        var rows = sums.OrderBy(e => e.Key.Period).ThenBy(e => e.Key.Bank, StringComparer.Ordinal)
            .Select(e => new VerificationRow(PeriodText(e.Key.Period, monthly), e.Key.Bank, e.Value.Verifications, e.Value.Documents, e.Value.Failed, e.Value.NotFound,
                e.Value.FieldMismatch, e.Value.AlreadyFinancedInFull, e.Value.OtherMismatch, e.Value.Alerts));
        return Results.Json(new
        {
            height = state.Height,
            period,
            filter,
            truncated,
            alerts = alerts.Count,
            rows,
        });
    }

    private static IResult Financings(HttpContext http, NodeRuntime node)
    {
        if (Prepare(http, node, ReceivablesReports.StatusReportResource, out var filter, out _) is { } problem)
        {
            return problem;
        }
        var query = http.Request.Query;
        var scenarioId = Text(query["scenario"]);
        var stateFilter = Text(query["state"]);
        var documentText = Text(query["document"]);
        Hash32 document = default;
        if (scenarioId is not null && Scenarios.All(s => s.Id != scenarioId))
        {
            return Problems.For("RequestMalformed", $"'scenario' is one of {string.Join(", ", Scenarios.Select(s => s.Id))}.");
        }
        if (stateFilter is not null && Scenarios.All(s => s.States.All(x => x.Id != stateFilter)))
        {
            return Problems.For("RequestMalformed", $"'state' is one of {string.Join(", ", Scenarios.SelectMany(s => s.States).Select(x => x.Id).Distinct())}.");
        }
        if (documentText is not null && !Hash32.TryParse(documentText, out document))
        {
            return Problems.For("RequestMalformed", "'document' is a registry key, 64 hexadecimal characters.");
        }
        if (!TryInt(query["offset"], 0, int.MaxValue, 0, out var offset) || !TryInt(query["limit"], 1, PageMax, 50, out var limit))
        {
            return Problems.For("RequestMalformed", $"'offset' is a whole number and 'limit' 1 to {PageMax}.");
        }
        var state = node.Chain.State;
        var matched = new List<FinancingRecord>();
        foreach (var scenario in Scenarios.Where(s => scenarioId is null || s.Id == scenarioId))
        {
            foreach (var financing in WorkflowModule.ReadAll(state, scenario))
            {
                if (filter.Covers(financing.AppliedTimeMs, financing.Bank, financing.Branch, financing.Enterprise) &&
                    (stateFilter is null || financing.State == stateFilter) &&
                    (documentText is null || financing.Claims.Any(c => c.Key == document)))
                {
                    matched.Add(financing);
                }
            }
        }
        // Newest first: by the time applied, then by id.
        var page = matched.OrderByDescending(f => f.AppliedTimeMs).ThenByDescending(f => f.Id, StringComparer.Ordinal).Skip(offset).Take(limit);
        return Results.Json(new
        {
            height = state.Height,
            filter,
            total = matched.Count,
            offset,
            limit,
            financings = page.Select(f => new
            {
                id = f.Id,
                scenario = f.Process,
                state = f.State,
                bank = f.Bank,
                branch = f.Branch,
                enterprise = f.Enterprise,
                currency = f.Currency,
                appliedMinor = f.AppliedAmount,
                disbursedMinor = f.DisbursedAmount,
                outstandingMinor = f.Outstanding,
                appliedTime = JsonViews.Time(f.AppliedTimeMs),
                appliedTimeMs = f.AppliedTimeMs,
                appliedAt = f.AppliedAt,
                documents = f.Claims.Select(c => c.Key.ToString()),
            }),
        });
    }

    /// <summary>Authenticates, reads the common filters (from, until, bank, branch, enterprise, period) and authorises them.</summary>
    private static IResult? Prepare(HttpContext http, NodeRuntime node, string resource, out ReportFilter filter, out string period)
    {
        filter = new ReportFilter();
        period = "day";
        if (MemberApi.Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        var query = http.Request.Query;
        if (!TryDate(query["from"], out var from) || !TryDate(query["until"], out var until))
        {
            return Problems.For("RequestMalformed", "'from' and 'until' are dates, yyyy-MM-dd (UTC; until is exclusive).");
        }
        period = Text(query["period"]) ?? "day";
        if (period is not ("day" or "month"))
        {
            return Problems.For("RequestMalformed", "'period' is day or month.");
        }
        var requested = new ReportFilter(from, until, Text(query["bank"]), Text(query["branch"]), Text(query["enterprise"]));
        var refusal = ReceivablesReports.Authorize(caller!.User, caller.Organisation, resource, requested, out filter);
        return refusal is null ? null : Problems.For(refusal.Code, refusal.Message, 403);
    }

    private const long DayMs = 86_400_000;

    /// <summary>The period a time falls in, UTC, as a number: days since the epoch, or months (year × 12 + month − 1).</summary>
    public static long PeriodKey(long timeMs, bool monthly)
    {
        var day = Math.DivRem(timeMs, DayMs, out var rest) - (rest < 0 ? 1 : 0);
        if (!monthly)
        {
            return day;
        }
        var date = DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)day);
        return date.Year * 12L + date.Month - 1;
    }

    /// <summary>A period key as text: yyyy-MM-dd or yyyy-MM.</summary>
    public static string PeriodText(long key, bool monthly) => monthly
        ? new DateOnly((int)(key / 12), (int)(key % 12) + 1, 1).ToString("yyyy-MM", CultureInfo.InvariantCulture)
        : DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)key).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 || string.IsNullOrEmpty(value[0]) ? null : value[0];

    private static bool TryInt(Microsoft.Extensions.Primitives.StringValues value, int min, int max, int fallback, out int result)
    {
        result = fallback;
        if (Text(value) is not { } text)
        {
            return true;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;
    }

    private static bool TryDate(Microsoft.Extensions.Primitives.StringValues value, out long? ms)
    {
        ms = null;
        if (Text(value) is not { } text)
        {
            return true;
        }
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }
        ms = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        return true;
    }
}

using System.Globalization;
using Huilian.Core;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Registry;
using Huilian.Execution.Modules.Workflow;
using Huilian.Node.Hosting;

namespace Huilian.Node.Api;

/// <summary>
/// Registry and export receivables financing reads, authorised like <see cref="MemberApi"/>: a document's public
/// entry (value, currency, financed share) for any signed-in member; a financing for its own bank's users and the
/// regulator; the bank statistician's three Table 08-02 reports (own bank only) and the refused-attempt alerts,
/// which a regulator analyst reads across banks. Reports answer JSON, or CSV with ?format=csv.
/// </summary>
public static class ReceivablesApi
{
    /// <summary>The most rows a report returns; a larger result is cut and says so ("truncated": true, or the X-Huilian-Truncated header on CSV): narrow the filter.</summary>
    public const int ReportRowsMax = 10_000;

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapGet("/registry/documents/{key}", Document).WithName("RegistryDocument")
            .WithSummary("A registered document by its key (hash of type, number and secret): type, publisher, value, currency, financed share");
        v1.MapGet("/receivables/financings/{id}", Financing).WithName("ReceivablesFinancing")
            .WithSummary("An export receivables financing: state, amounts, claims (its own bank's users, or the regulator)");
        v1.MapGet("/receivables/statistics", (HttpContext http, NodeRuntime node) => Report(http, node, ReceivablesReports.StatisticsResource))
            .WithName("ReceivablesStatistics")
            .WithSummary("Enterprise financing statistics (企业融资信息统计); ?from=&until= (yyyy-MM-dd, until exclusive), &bank=&branch=&enterprise=, &format=csv");
        v1.MapGet("/receivables/report", (HttpContext http, NodeRuntime node) => Report(http, node, ReceivablesReports.StatusReportResource))
            .WithName("ReceivablesReport")
            .WithSummary("Enterprise financing status report (企业融资情况报表), one row per financing; same filters, &format=csv");
        v1.MapGet("/receivables/declaration-failures", (HttpContext http, NodeRuntime node) => Report(http, node, ReceivablesReports.DeclarationFailuresResource))
            .WithName("ReceivablesDeclarationFailures")
            .WithSummary("Customs-declaration verification-failure statistics (报关单核验失败统计); same filters, &format=csv");
        v1.MapGet("/receivables/regions", (HttpContext http, NodeRuntime node) => Report(http, node, "regions"))
            .WithName("ReceivablesRegions")
            .WithSummary("Statistics per region (the handling branch's GB/T 2260 code, as its bank maintains it; 'unknown' if not), bank and currency; same filters, &format=csv");
        v1.MapGet("/receivables/alerts", (HttpContext http, NodeRuntime node) => Report(http, node, "alerts"))
            .WithName("ReceivablesAlerts")
            .WithSummary("Refused duplicate or over-financing attempts: all of them for the regulator, a bank's own for its statistician");
    }

    private static IResult Document(HttpContext http, NodeRuntime node, string key)
    {
        if (MemberApi.Authenticate(http, node, out _) is { } problem)
        {
            return problem;
        }
        if (!Hash32.TryParse(key, out var hash))
        {
            return Problems.For("RequestMalformed", "A registry key is 64 hexadecimal characters.");
        }
        var document = FinancingGuard.ReadDocument(node.Chain.State, hash);
        if (document is null)
        {
            return Problems.For("DocumentNotFound", "No document is registered under this key (a wrong number or secret gives another key).");
        }
        return Results.Json(new
        {
            key = hash.ToString(),
            type = document.Type,
            publisher = document.Publisher,
            currency = document.Currency,
            valueMinor = document.Value,
            financedMinor = document.FinancedActive,
            financedBp = document.FinancedBasisPoints,
            financed = FinancingGuard.Percent(document.FinancedBasisPoints),
            publishedAt = document.PublishedAt,
            fields = document.Fields.Select(f => f.Name),
        });
    }

    private static IResult Financing(HttpContext http, NodeRuntime node, string id)
    {
        if (MemberApi.Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        var financing = WorkflowModule.ReadFinancing(node.Chain.State, ReceivablesProcess.ModuleName, id);
        var seeThrough = caller!.IsRegulator && caller.Holds(ReceivablesReports.SeeThroughResource);
        var ownBank = financing is not null && financing.Bank == caller.Organisation.Id &&
            (ReceivablesProcess.Definition.Transitions.Any(t => caller.Holds(t.Resource)) || caller.Holds(ReceivablesReports.StatusReportResource));
        // Not found and not entitled answer alike to another bank: a financing's existence is not its business.
        if (financing is null || !(seeThrough || ownBank))
        {
            return Problems.For("FinancingNotFound", $"No financing '{id}' is visible to '{caller.User.Id}'.");
        }
        return Results.Json(new
        {
            id = financing.Id,
            state = financing.State,
            next = ReceivablesProcess.Definition.NextActions(financing.State),
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
            updatedAt = financing.UpdatedAt,
            claims = financing.Claims.Select(c => new { key = c.Key.ToString(), requestedMinor = c.Requested, activeMinor = c.Active }),
        });
    }

    private static IResult Report(HttpContext http, NodeRuntime node, string resource)
    {
        if (MemberApi.Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        var query = http.Request.Query;
        if (!TryDate(query["from"], out var from) || !TryDate(query["until"], out var until))
        {
            return Problems.For("RequestMalformed", "'from' and 'until' are dates, yyyy-MM-dd (UTC; until is exclusive).");
        }
        var format = query["format"].ToString();
        if (format is not ("" or "json" or "csv"))
        {
            return Problems.For("RequestMalformed", "'format' is json (the default) or csv.");
        }
        var filter = new ReportFilter(from, until, Text(query["bank"]), Text(query["branch"]), Text(query["enterprise"]));
        // Alerts: the regulator's, or a bank statistician's own (the statistics resource decides).
        var refusal = ReceivablesReports.Authorize(caller!.User, caller.Organisation, resource is "alerts" or "regions" ? ReceivablesReports.StatisticsResource : resource, filter, out var effective);
        if (refusal is not null)
        {
            return Problems.For(refusal.Code, refusal.Message, 403);
        }
        var state = node.Chain.State;
        var csv = format == "csv";
        var truncated = false;
        IReadOnlyList<T> Cut<T>(IReadOnlyList<T> all)
        {
            truncated = all.Count > ReportRowsMax;
            return truncated ? all.Take(ReportRowsMax).ToArray() : all;
        }
        IResult Csv(string text)
        {
            if (truncated)
            {
                http.Response.Headers["X-Huilian-Truncated"] = "true";
            }
            return Results.Text(text, "text/csv; charset=utf-8");
        }
        switch (resource)
        {
            case ReceivablesReports.StatisticsResource:
                var statistics = Cut(ReceivablesReports.FinancingStatistics(state, effective));
                return csv ? Csv(ReceivablesReports.StatisticsCsv(statistics)) : Results.Json(new { height = state.Height, filter = effective, truncated, rows = statistics });
            case ReceivablesReports.StatusReportResource:
                var rows = Cut(ReceivablesReports.FinancingReport(state, effective));
                return csv ? Csv(ReceivablesReports.ReportCsv(rows))
                    : Results.Json(new { height = state.Height, filter = effective, truncated, rows = rows.Select(r => new { id = r.Id, r.State, r.Bank, r.Branch, r.Enterprise, r.Currency, appliedMinor = r.AppliedAmount, disbursedMinor = r.DisbursedAmount, outstandingMinor = r.Outstanding, repaidMinor = r.Repaid, rateBp = r.RateBasisPoints, r.TermDays, r.ValueDate, documents = r.Claims.Count }) });
            case ReceivablesReports.DeclarationFailuresResource:
                var failures = Cut(ReceivablesReports.DeclarationFailures(state, effective));
                return csv ? Csv(ReceivablesReports.DeclarationFailuresCsv(failures)) : Results.Json(new { height = state.Height, filter = effective, truncated, rows = failures });
            case "regions":
                var regions = Cut(ReceivablesReports.RegionStatistics(state, effective));
                return csv ? Csv(ReceivablesReports.RegionStatisticsCsv(regions)) : Results.Json(new { height = state.Height, filter = effective, truncated, rows = regions });
            default:
                var alerts = Cut(ReceivablesReports.Alerts(state, effective));
                return Results.Json(new
                {
                    height = state.Height,
                    filter = effective,
                    truncated,
                    alerts = alerts.Select(a => new { sequence = a.Sequence, a.Code, a.Bank, a.Branch, a.User, a.Enterprise, a.Action, documentKey = a.DocumentKey.ToString(), a.Currency, requestedMinor = a.Requested, financedMinor = a.FinancedActive, valueMinor = a.Value, height = a.Height, transaction = a.TransactionId.ToString() }),
                });
        }
    }

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 || value[0] is null or "" ? null : value[0];

    private static bool TryDate(Microsoft.Extensions.Primitives.StringValues value, out long? ms)
    {
        ms = null;
        if (value.Count == 0 || string.IsNullOrEmpty(value[0]))
        {
            return true;
        }
        if (!DateOnly.TryParseExact(value[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }
        ms = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        return true;
    }
}

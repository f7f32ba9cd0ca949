using System.Globalization;
using System.Text;
using Huilian.Core.Genesis;
using Huilian.Core.State;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Matching;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Registry;
using Huilian.Execution.Modules.Workflow;

namespace Huilian.Execution.Modules.Receivables;

/// <summary>The export receivables financing process: its definition (receivables.json) run by the workflow engine.</summary>
public static class ReceivablesProcess
{
    public const string ModuleName = "receivables";

    public static WorkflowDefinition Definition { get; } = WorkflowDefinition.LoadEmbedded(ModuleName, RoleCatalog.Default);

    public static WorkflowModule CreateModule() => new(Definition);
}

/// <summary>Which records a report covers: a period of block time [from, until), a bank, a branch, an enterprise (null: any).</summary>
public sealed record ReportFilter(long? FromMs = null, long? UntilMs = null, string? Bank = null, string? Branch = null, string? Enterprise = null)
{
    public bool Covers(long timeMs, string bank, string branch, string enterprise) =>
        (FromMs is null || timeMs >= FromMs) && (UntilMs is null || timeMs < UntilMs) && (Bank is null || bank == Bank) &&
        (Branch is null || branch == Branch) && (Enterprise is null || enterprise == Enterprise);
}

/// <summary>One line of enterprise financing statistics (企业融资信息统计): per bank, enterprise and currency; amounts in minor units.</summary>
public sealed record FinancingStatisticsRow(string Bank, string Enterprise, string Currency, int Applications, int Rejected, int Cancelled, int Disbursed,
    ulong DisbursedAmount, ulong Repaid, ulong Outstanding, int RefusedAttempts);

/// <summary>
/// One line of the statistics per region: per region (the GB/T 2260 code of the handling branch, as its bank maintains
/// it, or "unknown"), bank and currency; amounts in minor units.
/// </summary>
public sealed record RegionStatisticsRow(string Region, string Bank, string Currency, int Applications, int Disbursed, ulong DisbursedAmount, ulong Outstanding, int RefusedAttempts);

/// <summary>One line of customs-declaration verification-failure statistics (报关单核验失败统计): per bank, branch and enterprise.</summary>
public sealed record VerificationFailureRow(string Bank, string Branch, string Enterprise, int Verified, int Failed, int NotFound, int FieldMismatch,
    int AlreadyFinancedInFull, int OtherMismatch);

/// <summary>
/// The bank statistician's three resources of Table 08-02 and the regulator's view, as queries over state. A bank's
/// statistician reports on its own bank only; a regulator analyst (audit.see-through) on any bank or all of them.
/// Every report exports as CSV.
/// </summary>
public static class ReceivablesReports
{
    public const string StatisticsResource = "receivables.financing-statistics";
    public const string StatusReportResource = "receivables.financing-report";
    public const string DeclarationFailuresResource = "receivables.declaration-failures";
    public const string SeeThroughResource = "audit.see-through";
    public const string NotEntitled = "NotEntitled";

    /// <summary>
    /// Null when <paramref name="user"/> of <paramref name="organisation"/> may run the report <paramref name="resource"/>
    /// with <paramref name="filter"/>; <paramref name="effective"/> is the filter to use (a bank's own bank filled in).
    /// </summary>
    public static Refusal? Authorize(UserRecord user, OrganisationRecord organisation, string resource, ReportFilter filter, out ReportFilter effective)
    {
        effective = filter;
        var catalog = RoleCatalog.Default;
        if (organisation.Kind == OrganisationKinds.Regulator && catalog.Grants(user.Roles, SeeThroughResource))
        {
            return null;
        }
        if (!catalog.Grants(user.Roles, resource))
        {
            return new MembershipPolicy(catalog).AuthorizeResource(user, resource);
        }
        if (organisation.Kind != OrganisationKinds.Bank)
        {
            return new Refusal(NotEntitled, $"{resource} is a bank's report; '{organisation.Id}' is a {organisation.Kind}.");
        }
        if (filter.Bank is not null && filter.Bank != organisation.Id)
        {
            return new Refusal(NotEntitled, $"A statistician of '{organisation.Id}' reports on '{organisation.Id}' only, not on '{filter.Bank}'.");
        }
        effective = filter with { Bank = organisation.Id };
        return null;
    }

    public static IReadOnlyList<FinancingRecord> FinancingReport(IStateReader state, ReportFilter filter) =>
        WorkflowModule.ReadAll(state, ReceivablesProcess.Definition).Where(f => filter.Covers(f.AppliedTimeMs, f.Bank, f.Branch, f.Enterprise)).ToArray();

    public static IReadOnlyList<FinancingStatisticsRow> FinancingStatistics(IStateReader state, ReportFilter filter)
    {
        var rows = new SortedDictionary<string, FinancingStatisticsRow>(StringComparer.Ordinal);
        foreach (var financing in FinancingReport(state, filter))
        {
            var key = financing.Bank + "\0" + financing.Enterprise + "\0" + financing.Currency;
            var row = rows.GetValueOrDefault(key) ?? new FinancingStatisticsRow(financing.Bank, financing.Enterprise, financing.Currency, 0, 0, 0, 0, 0, 0, 0, 0);
            rows[key] = row with
            {
                Applications = row.Applications + 1,
                Rejected = row.Rejected + (financing.State == "rejected" ? 1 : 0),
                Cancelled = row.Cancelled + (financing.State == "cancelled" ? 1 : 0),
                Disbursed = row.Disbursed + (financing.DisbursedAt > 0 ? 1 : 0),
                DisbursedAmount = checked(row.DisbursedAmount + financing.DisbursedAmount),
                Repaid = checked(row.Repaid + financing.Repaid),
                Outstanding = checked(row.Outstanding + financing.Outstanding),
            };
        }
        foreach (var alert in Alerts(state, filter))
        {
            var key = alert.Bank + "\0" + alert.Enterprise + "\0" + alert.Currency;
            var row = rows.GetValueOrDefault(key) ?? new FinancingStatisticsRow(alert.Bank, alert.Enterprise, alert.Currency, 0, 0, 0, 0, 0, 0, 0, 0);
            rows[key] = row with { RefusedAttempts = row.RefusedAttempts + 1 };
        }
        return rows.Values.ToArray();
    }

    /// <summary>
    /// Statistics per region (issue 5, item 6): financings and refused attempts grouped by the region of the branch
    /// named in them, read from the branch as its bank maintains it (matching.maintain-branches) when the report runs,
    /// so a branch's later move re-attributes its history; a branch never maintained counts as "unknown", not hidden.
    /// </summary>
    public static IReadOnlyList<RegionStatisticsRow> RegionStatistics(IStateReader state, ReportFilter filter)
    {
        var rows = new SortedDictionary<string, RegionStatisticsRow>(StringComparer.Ordinal);
        RegionStatisticsRow Row(string region, string bank, string currency)
        {
            var key = region + "\0" + bank + "\0" + currency;
            return rows.GetValueOrDefault(key) ?? new RegionStatisticsRow(region, bank, currency, 0, 0, 0, 0, 0);
        }
        foreach (var financing in FinancingReport(state, filter))
        {
            var region = MatchingModule.RegionOf(state, financing.Bank, financing.Branch);
            var row = Row(region, financing.Bank, financing.Currency);
            rows[region + "\0" + financing.Bank + "\0" + financing.Currency] = row with
            {
                Applications = row.Applications + 1,
                Disbursed = row.Disbursed + (financing.DisbursedAt > 0 ? 1 : 0),
                DisbursedAmount = checked(row.DisbursedAmount + financing.DisbursedAmount),
                Outstanding = checked(row.Outstanding + financing.Outstanding),
            };
        }
        foreach (var alert in Alerts(state, filter))
        {
            var region = MatchingModule.RegionOf(state, alert.Bank, alert.Branch);
            var row = Row(region, alert.Bank, alert.Currency);
            rows[region + "\0" + alert.Bank + "\0" + alert.Currency] = row with { RefusedAttempts = row.RefusedAttempts + 1 };
        }
        return rows.Values.ToArray();
    }

    /// <summary>Refused over-financing attempts, in order. The regulator sees all; a bank's filter keeps its own.</summary>
    public static IReadOnlyList<AlertRecord> Alerts(IStateReader state, ReportFilter filter)
    {
        var alerts = new List<AlertRecord>();
        var count = FinancingGuard.ReadAlertCount(state);
        for (ulong sequence = 1; sequence <= count; sequence++)
        {
            if (FinancingGuard.ReadAlert(state, sequence) is { } alert && filter.Covers(alert.TimeMs, alert.Bank, alert.Branch, alert.Enterprise))
            {
                alerts.Add(alert);
            }
        }
        return alerts;
    }

    /// <summary>Verifications of customs declarations that did not match, counted per bank, branch and enterprise.</summary>
    public static IReadOnlyList<VerificationFailureRow> DeclarationFailures(IStateReader state, ReportFilter filter)
    {
        var rows = new SortedDictionary<string, VerificationFailureRow>(StringComparer.Ordinal);
        var count = RegistryModule.ReadVerificationCount(state);
        for (ulong sequence = 1; sequence <= count; sequence++)
        {
            var record = RegistryModule.ReadVerification(state, sequence);
            if (record is null || !filter.Covers(record.TimeMs, record.Bank, record.Branch, record.Enterprise))
            {
                continue;
            }
            foreach (var item in record.Items)
            {
                if (item.Type != DocumentTypes.CustomsDeclaration)
                {
                    continue;
                }
                var key = record.Bank + "\0" + record.Branch + "\0" + record.Enterprise;
                var row = rows.GetValueOrDefault(key) ?? new VerificationFailureRow(record.Bank, record.Branch, record.Enterprise, 0, 0, 0, 0, 0, 0);
                var failed = item.Outcome != VerificationOutcomes.Match;
                rows[key] = row with
                {
                    Verified = row.Verified + 1,
                    Failed = row.Failed + (failed ? 1 : 0),
                    NotFound = row.NotFound + (item.Outcome == VerificationOutcomes.NotFound ? 1 : 0),
                    FieldMismatch = row.FieldMismatch + (item.Outcome == VerificationOutcomes.FieldMismatch ? 1 : 0),
                    AlreadyFinancedInFull = row.AlreadyFinancedInFull + (item.Outcome == VerificationOutcomes.AlreadyFinancedInFull ? 1 : 0),
                    OtherMismatch = row.OtherMismatch + (item.Outcome is VerificationOutcomes.CurrencyMismatch or VerificationOutcomes.ValueMismatch ? 1 : 0),
                };
            }
        }
        return rows.Values.ToArray();
    }

    // ---- CSV (RFC 4180: comma-separated, CRLF, fields quoted when they hold a comma, quote or line break) ----

    public static string StatisticsCsv(IReadOnlyList<FinancingStatisticsRow> rows) =>
        Csv(["bank", "enterprise", "currency", "applications", "rejected", "cancelled", "disbursed", "disbursedAmountMinor", "repaidMinor", "outstandingMinor", "refusedAttempts"],
            rows.Select(r => new[] { r.Bank, r.Enterprise, r.Currency, N(r.Applications), N(r.Rejected), N(r.Cancelled), N(r.Disbursed), N(r.DisbursedAmount), N(r.Repaid), N(r.Outstanding), N(r.RefusedAttempts) }));

    public static string ReportCsv(IReadOnlyList<FinancingRecord> rows) =>
        Csv(["financing", "bank", "branch", "enterprise", "state", "currency", "appliedMinor", "disbursedMinor", "outstandingMinor", "repaidMinor", "rateBp", "termDays", "valueDate", "documents", "appliedAtHeight"],
            rows.Select(r => new[] { r.Id, r.Bank, r.Branch, r.Enterprise, r.State, r.Currency, N(r.AppliedAmount), N(r.DisbursedAmount), N(r.Outstanding), N(r.Repaid), N(r.RateBasisPoints), N(r.TermDays), r.ValueDate, N(r.Claims.Count), N(r.AppliedAt) }));

    public static string RegionStatisticsCsv(IReadOnlyList<RegionStatisticsRow> rows) =>
        Csv(["region", "bank", "currency", "applications", "disbursed", "disbursedAmountMinor", "outstandingMinor", "refusedAttempts"],
            rows.Select(r => new[] { r.Region, r.Bank, r.Currency, N(r.Applications), N(r.Disbursed), N(r.DisbursedAmount), N(r.Outstanding), N(r.RefusedAttempts) }));

    public static string DeclarationFailuresCsv(IReadOnlyList<VerificationFailureRow> rows) =>
        Csv(["bank", "branch", "enterprise", "verified", "failed", "notFound", "fieldMismatch", "alreadyFinancedInFull", "otherMismatch"],
            rows.Select(r => new[] { r.Bank, r.Branch, r.Enterprise, N(r.Verified), N(r.Failed), N(r.NotFound), N(r.FieldMismatch), N(r.AlreadyFinancedInFull), N(r.OtherMismatch) }));

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string N(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Csv(string[] header, IEnumerable<string[]> rows)
    {
        var builder = new StringBuilder();
        builder.Append(string.Join(",", header)).Append("\r\n");
        foreach (var row in rows)
        {
            builder.Append(string.Join(",", row.Select(Quote))).Append("\r\n");
        }
        return builder.ToString();
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

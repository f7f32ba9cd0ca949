using System.Globalization;
using System.Text.Json;
using Huilian.Portal.Pages.Watch;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Regulator;

/// <summary>
/// The regulator's dashboard: financing volumes over time by bank and scenario (counts, and amounts per currency),
/// verification failures and refused duplicate-financing attempts over time, the financings in each state — each
/// figure computed by the node in one pass (/v1/dashboard/*), drawn with ECharts and given again as tables (the
/// charts' text alternative). Every figure links to the list it counts.
/// </summary>
[ForKinds("regulator")]
[Requires("audit.see-through")]
public sealed class DashboardModel : ReportFilterPage
{
    [BindProperty(SupportsGet = true)]
    public string? Period { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Currency { get; set; }

    public JsonElement Volumes { get; private set; }

    public JsonElement Verifications { get; private set; }

    /// <summary>Totals per bank, scenario and currency over the whole period.</summary>
    public IReadOnlyList<Total> Totals { get; private set; } = [];

    public IReadOnlyList<string> Currencies { get; private set; } = [];

    public IReadOnlyList<string> Periods { get; private set; } = [];

    /// <summary>The charts' data, for dashboard.js (a JSON block on the page).</summary>
    public string ChartJson { get; private set; } = "{}";

    public IReadOnlyList<Chart> Charts { get; private set; } = [];

    public sealed record Total(string Bank, string Scenario, string Currency, long Applications, ulong Applied, long Disbursed, ulong DisbursedAmount, ulong Outstanding);

    public sealed record Series(string Name, string Type, string? Stack, IReadOnlyList<decimal> Data);

    public sealed record Chart(string Id, string Title, string Unit, IReadOnlyList<string> Categories, IReadOnlyList<Series> Series);

    public async Task<IActionResult> OnGet(CancellationToken cancellationToken)
    {
        Period = Period is "month" ? "month" : "day";
        if (Currency is not null && !Money.IsCurrencyCode(Currency))
        {
            Fail("currency", "dashboard.error.currency");
        }
        if (!FiltersValid() || FieldErrors.Count > 0)
        {
            Response.StatusCode = 422;
            return Page();
        }
        var query = FilterQuery(("period", Period));
        var volumes = Api.Get(Me, "/v1/dashboard/volumes?" + query, cancellationToken);
        var verifications = Api.Get(Me, "/v1/dashboard/verifications?" + query, cancellationToken);
        Volumes = await volumes;
        Verifications = await verifications;
        Build();
        return Page();
    }

    public string ScenarioName(string id) =>
        Volumes.Items("scenarios").Where(s => s.Str("id") == id).Select(Show.Pick).FirstOrDefault() ?? id;

    public string StateName(string scenario, string state) =>
        Volumes.Items("scenarios").Where(s => s.Str("id") == scenario).SelectMany(s => s.Items("states")).Where(x => x.Str("id") == state).Select(Show.Pick).FirstOrDefault() ?? state;

    /// <summary>A period as shown: a date or a month per the culture.</summary>
    public string PeriodLabel(string period)
    {
        if (period.Length == 7 && DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return month.ToString(PortalText.IsChinese ? "yyyy年M月" : "MMM yyyy", CultureInfo.CurrentCulture);
        }
        return Money.Date(period);
    }

    private static decimal Major(ulong minor, string currency) => minor / (decimal)Math.Pow(10, Money.Decimals(currency));

    private void Build()
    {
        var rows = Volumes.Items("rows").ToArray();
        var verificationRows = Verifications.Items("rows").ToArray();
        Totals = rows.GroupBy(r => (Bank: r.Str("bank"), Scenario: r.Str("scenario"), Currency: r.Str("currency")))
            .Select(g => new Total(g.Key.Bank, g.Key.Scenario, g.Key.Currency, g.Sum(r => r.I64("applications")), g.Aggregate(0UL, (s, r) => s + r.U64("appliedMinor")),
                g.Sum(r => r.I64("disbursed")), g.Aggregate(0UL, (s, r) => s + r.U64("disbursedMinor")), g.Aggregate(0UL, (s, r) => s + r.U64("outstandingMinor"))))
            .OrderBy(t => t.Bank, StringComparer.Ordinal).ThenBy(t => t.Scenario, StringComparer.Ordinal).ThenBy(t => t.Currency, StringComparer.Ordinal).ToArray();
        // The currency of the amounts chart: the one asked for, else the one with the most disbursed financings.
        Currencies = Totals.GroupBy(t => t.Currency).OrderByDescending(g => g.Sum(t => t.Disbursed)).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).ToArray();
        Currency = Currency is not null && Currencies.Contains(Currency) ? Currency : Currencies.FirstOrDefault();
        Periods = rows.Select(r => r.Str("period")).Concat(verificationRows.Select(r => r.Str("period"))).Distinct().Order(StringComparer.Ordinal).ToArray();
        var labels = Periods.Select(PeriodLabel).ToArray();
        var index = Periods.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);

        Series Sum(string name, string type, string? stack, IEnumerable<JsonElement> source, Func<JsonElement, decimal> value)
        {
            var data = new decimal[Periods.Count];
            foreach (var row in source)
            {
                data[index[row.Str("period")]] += value(row);
            }
            return new Series(name, type, stack, data);
        }

        var groups = rows.GroupBy(r => (Bank: r.Str("bank"), Scenario: r.Str("scenario"))).OrderBy(g => g.Key.Bank, StringComparer.Ordinal).ThenBy(g => g.Key.Scenario, StringComparer.Ordinal).ToArray();
        var applications = groups.Select(g => Sum($"{g.Key.Bank} · {ScenarioName(g.Key.Scenario)}", "bar", "applications", g, r => r.I64("applications"))).Where(s => s.Data.Any(d => d != 0)).ToArray();
        var amounts = Currency is null ? [] : groups.Select(g => Sum($"{g.Key.Bank} · {ScenarioName(g.Key.Scenario)}", "bar", "amounts", g.Where(r => r.Str("currency") == Currency), r => Major(r.U64("disbursedMinor"), Currency)))
            .Where(s => s.Data.Any(d => d != 0)).ToArray();
        var checks = new[]
        {
            Sum(T["dashboard.series.verified"], "bar", null, verificationRows, r => r.I64("documents") - r.I64("failed")),
            Sum(T["dashboard.series.failed"], "bar", null, verificationRows, r => r.I64("failed")),
            Sum(T["dashboard.series.alerts"], "line", null, verificationRows, r => r.I64("alerts")),
        };
        Charts =
        [
            new Chart("chart-applications", T["dashboard.chart.applications"], T["dashboard.unit.financings"], labels, applications),
            new Chart("chart-amounts", T.Format("dashboard.chart.amounts", Currency ?? ""), Currency ?? "", labels, amounts),
            new Chart("chart-verifications", T["dashboard.chart.verifications"], T["dashboard.unit.documents"], labels, checks),
        ];
        ChartJson = JsonSerializer.Serialize(new
        {
            language = PortalText.Language,
            empty = T["dashboard.chart.empty"],
            charts = Charts.Select(c => new
            {
                id = c.Id,
                title = c.Title,
                unit = c.Unit,
                lineUnit = T["dashboard.series.alerts"],
                categories = c.Categories,
                series = c.Series.Select(s => new { name = s.Name, type = s.Type, stack = s.Stack, data = s.Data }),
            }),
        });
    }

    public ulong DisbursedIn(string currency) => Totals.Where(t => t.Currency == currency).Aggregate(0UL, (s, t) => s + t.DisbursedAmount);

    public ulong OutstandingIn(string currency) => Totals.Where(t => t.Currency == currency).Aggregate(0UL, (s, t) => s + t.Outstanding);

    public long Failed => Verifications.Items("rows").Sum(r => r.I64("failed"));

    public long Documents => Verifications.Items("rows").Sum(r => r.I64("documents"));
}

using System.Text;
using System.Text.Json;
using Huilian.Portal.Pages.Watch;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Reports;

/// <summary>
/// A statistician's report (SAFE Table 08-02) or the regulator's view of it: the filters checked on the server, the
/// rows from the node's report API (a bank's statistician gets its own bank; the regulator any or all), and the same
/// report as a CSV download (?handler=csv).
/// </summary>
public abstract class ReportPage : ReportFilterPage
{
    /// <summary>The most rows shown on the page; the CSV has them all (up to the API's bound).</summary>
    public const int RowsShown = 500;

    /// <summary>The report's API path, e.g. /v1/receivables/statistics.</summary>
    protected abstract string ApiPath { get; }

    /// <summary>The CSV file's name, without extension.</summary>
    protected abstract string FileName { get; }

    public JsonElement Report { get; private set; }

    public async Task<IActionResult> OnGet(CancellationToken cancellationToken)
    {
        if (!FiltersValid())
        {
            return Page();
        }
        Report = await Api.Get(Me, ApiPath + "?" + FilterQuery(), cancellationToken);
        await LoadMore(cancellationToken);
        return Page();
    }

    /// <summary>Anything else the page shows (the regulator's regions report).</summary>
    protected virtual Task LoadMore(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<IActionResult> OnGetCsv(string? report, CancellationToken cancellationToken)
    {
        if (!FiltersValid())
        {
            return Page();
        }
        var path = report == "regions" && AcrossBanks ? "/v1/receivables/regions" : ApiPath;
        var csv = await Api.GetText(Me, path + "?" + FilterQuery(("format", "csv")), cancellationToken);
        var name = (report == "regions" && AcrossBanks ? "regions" : FileName) + "-" + (AcrossBanks ? Bank ?? "all-banks" : Me.Organisation) + ".csv";
        return File(new UTF8Encoding(false).GetBytes(csv), "text/csv; charset=utf-8", name);
    }

    /// <summary>The link to this report's CSV with the current filters.</summary>
    public string CsvLink(string? report = null) =>
        Request.Path + "?handler=csv" + (FilterQuery() is { Length: > 0 } query ? "&" + query : "") + (report is null ? "" : "&report=" + report);

    public IReadOnlyList<JsonElement> Rows => Report.Items("rows").ToArray();
}

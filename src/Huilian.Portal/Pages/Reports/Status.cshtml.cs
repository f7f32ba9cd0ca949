namespace Huilian.Portal.Pages.Reports;

/// <summary>Enterprise financing status report (企业融资情况报表): one row per financing, each opening its record page.</summary>
[Requires("receivables.financing-report", "audit.see-through")]
public sealed class StatusModel : ReportPage
{
    protected override string ApiPath => "/v1/receivables/report";

    protected override string FileName => "financing-status";
}

using System.Text.Json;

namespace Huilian.Portal.Pages.Reports;

/// <summary>Enterprise financing statistics (企业融资信息统计): per bank, enterprise and currency; for the regulator, every bank and the statistics per region.</summary>
[Requires("receivables.financing-statistics", "audit.see-through")]
public sealed class StatisticsModel : ReportPage
{
    protected override string ApiPath => "/v1/receivables/statistics";

    protected override string FileName => "financing-statistics";

    public JsonElement Regions { get; private set; }

    protected override async Task LoadMore(CancellationToken cancellationToken)
    {
        if (AcrossBanks)
        {
            Regions = await Api.Get(Me, "/v1/receivables/regions?" + FilterQuery(), cancellationToken);
        }
    }
}

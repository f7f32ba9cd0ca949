namespace Huilian.Portal.Pages.Reports;

/// <summary>Customs-declaration verification-failure statistics (报关单核验失败统计): per bank, branch and enterprise.</summary>
[Requires("receivables.declaration-failures", "audit.see-through")]
public sealed class DeclarationFailuresModel : ReportPage
{
    protected override string ApiPath => "/v1/receivables/declaration-failures";

    protected override string FileName => "declaration-failures";
}

using Huilian.Portal.Sessions;
using Huilian.Portal.Text;

namespace Huilian.Portal.Hosting;

/// <summary>One entry of the navigation: its label, where it goes, and whether it is built yet.</summary>
public sealed record NavItem(string Label, string Href, bool Available = true);

public sealed record NavSection(string Title, IReadOnlyList<NavItem> Items);

/// <summary>
/// The navigation a user sees: only what the user's roles grant. A bank user's entries are the resources of SAFE
/// Table 08-02 the roles hold, labelled from the role catalogue; a resource whose scenario is not built yet shows,
/// unavailable, so the table stays whole. Every user sees the explorer.
/// </summary>
public static class Navigation
{
    /// <summary>The page of each resource. Several resources may share a page (the page then offers what the user holds).</summary>
    public static readonly IReadOnlyDictionary<string, string> PageOfResource = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["receivables.apply"] = "/financing/receivables/apply",
        ["receivables.accept"] = "/financing/receivables/queue/accept",
        ["receivables.review"] = "/financing/receivables/queue/review",
        ["receivables.disburse"] = "/financing/receivables/queue/disburse",
        ["receivables.repay"] = "/financing/receivables/queue/repay",
        ["receivables.cancel"] = "/financing/receivables/queue/cancel",
        ["policy-financing.apply"] = "/financing/policy-financing/apply",
        ["policy-financing.accept"] = "/financing/policy-financing/queue/accept",
        ["policy-financing.review"] = "/financing/policy-financing/queue/review",
        ["policy-financing.disburse"] = "/financing/policy-financing/queue/disburse",
        ["policy-financing.repay"] = "/financing/policy-financing/queue/repay",
        ["policy-financing.cancel"] = "/financing/policy-financing/queue/cancel",
        ["receivables.financing-statistics"] = "/reports/statistics",
        ["receivables.financing-report"] = "/reports/status",
        ["receivables.declaration-failures"] = "/reports/declaration-failures",
        ["credit.enable"] = "/credit/enabling",
        ["credit.disable"] = "/credit/enabling",
        ["credit.query"] = "/credit/query",
        ["matching.maintain-branches"] = "/matching/branches",
        ["registry.verify"] = "/registry/verify",
        ["registry.publish-declaration"] = "/registry/publish",
        ["registry.publish-tax-filing"] = "/registry/publish",
        ["registry.publish-invoice"] = "/registry/publish",
        ["registry.publish-policy"] = "/registry/publish",
        ["registry.publish-transport"] = "/registry/publish",
        ["credit.grant"] = "/enterprise/grants",
        ["credit.revoke"] = "/enterprise/grants",
        ["credit.query-log"] = "/enterprise/grants",
        ["membership.register-user"] = "/admin/users",
        ["membership.set-roles"] = "/admin/users",
        ["membership.add-certificate"] = "/admin/users",
        ["membership.revoke-certificate"] = "/admin/users",
        ["membership.suspend-user"] = "/admin/users",
        ["membership.reinstate-user"] = "/admin/users",
        ["membership.list-users"] = "/admin/users",
        ["membership.register-node"] = "/admin/nodes",
        ["gov.propose"] = "/governance",
        ["gov.vote"] = "/governance",
        ["evidence.record"] = "/evidence",
        ["audit.access-log"] = "/regulator/access-log",
        ["audit.see-through"] = "/regulator/dashboard",
    };

    public static IReadOnlyList<NavSection> For(PortalSession? session, PortalText text)
    {
        var sections = new List<NavSection>();
        if (session is null)
        {
            sections.Add(new NavSection(text["nav.explorer"], ExplorerItems(text)));
            return sections;
        }
        sections.Add(new NavSection(text["nav.workspace"], [new NavItem(text["nav.home"], "/")]));

        // Bank users: the Table 08-02 rows their roles hold, one entry each, in the table's order.
        var table = session.Resources.Where(r => r.Id is not null && RoleTable(r)).ToArray();
        if (table.Length > 0)
        {
            var items = table.Select(r => new NavItem(PortalText.Pick(r.Chinese, r.English), PageOfResource.GetValueOrDefault(r.Id, ""), !r.Planned && PageOfResource.ContainsKey(r.Id))).ToList();
            if (session.Holds("receivables.cancel"))
            {
                items.Add(new NavItem(text["nav.cancel"], PageOfResource["receivables.cancel"]));
            }
            if (session.Holds("registry.verify"))
            {
                items.Add(new NavItem(text["nav.verify"], PageOfResource["registry.verify"]));
            }
            sections.Add(new NavSection(text["nav.table0802"], items));
        }

        var business = new List<NavItem>();
        if (session.IsKind("enterprise"))
        {
            business.Add(new NavItem(text["nav.myDocuments"], "/enterprise/documents"));
            business.Add(new NavItem(text["nav.myFinancings"], "/enterprise/financings"));
        }
        if (session.Holds("credit.grant"))
        {
            business.Add(new NavItem(text["nav.grants"], "/enterprise/grants"));
        }
        if (session.Resources.Any(r => r.Id.StartsWith("registry.publish-", StringComparison.Ordinal)))
        {
            business.Add(new NavItem(text["nav.publish"], "/registry/publish"));
            business.Add(new NavItem(text["nav.upload"], "/registry/upload"));
            business.Add(new NavItem(text["nav.published"], "/registry/published"));
        }
        if (session.Holds("audit.see-through"))
        {
            business.Add(new NavItem(text["nav.dashboard"], "/regulator/dashboard"));
            business.Add(new NavItem(text["nav.alerts"], "/regulator/alerts"));
            business.Add(new NavItem(text["nav.financings"], "/regulator/financings"));
            business.Add(new NavItem(text["nav.reports"], "/reports/statistics"));
        }
        if (session.Holds("audit.access-log"))
        {
            business.Add(new NavItem(text["nav.accessLog"], "/regulator/access-log"));
        }
        if (session.Holds("evidence.record"))
        {
            business.Add(new NavItem(text["nav.evidence"], "/evidence"));
        }
        if (session.Holds("currency.issue"))
        {
            business.Add(new NavItem(text["nav.currency"], "", Available: false));
        }
        if (business.Count > 0)
        {
            sections.Add(new NavSection(text["nav.business"], business));
        }

        var admin = new List<NavItem>();
        if (session.Holds("membership.list-users") || session.Holds("membership.register-user"))
        {
            admin.Add(new NavItem(text["nav.users"], "/admin/users"));
        }
        if (session.Holds("membership.register-node"))
        {
            admin.Add(new NavItem(text["nav.nodes"], "/admin/nodes"));
        }
        if (session.Holds("gov.propose") || session.Holds("gov.vote"))
        {
            admin.Add(new NavItem(text["nav.governance"], "/governance"));
        }
        if (admin.Count > 0)
        {
            sections.Add(new NavSection(text["nav.administration"], admin));
        }
        sections.Add(new NavSection(text["nav.explorer"], ExplorerItems(text)));
        return sections;
    }

    /// <summary>Table 08-02's rows are the bank resources the catalogue marks with table "08-02".</summary>
    private static bool RoleTable(GrantedResource resource) => resource.Table == "08-02";

    private static IReadOnlyList<NavItem> ExplorerItems(PortalText text) =>
    [
        new NavItem(text["nav.blocks"], "/explorer"),
        new NavItem(text["nav.validators"], "/explorer/validators"),
        new NavItem(text["nav.network"], "/explorer/network"),
        new NavItem(text["nav.verifyProof"], "/explorer/verify"),
    ];
}

using Huilian.Core.Genesis;
using Huilian.Crypto;

namespace Huilian.Cli;

/// <summary>
/// The consortium `huilian up` and `huilian init` create: a regulator, a central bank, three banks, four exporters,
/// customs, a tax authority, an insurer and a carrier, each with an admin and the users its work needs (for banks,
/// one clerk per Table 08-02 role of export receivables financing, and <see cref="Banks"/>' branches). Validators are run by
/// the regulator, the central bank and banks A and B; organisations without a validator are served by one of those
/// nodes. <see cref="DemoSeed"/> fills a new network made by `huilian up` with documents and financings.
/// </summary>
public static class DemoConsortium
{
    /// <summary>The regulator's admin: its key is also keys/admin.key, the default key of CLI commands.</summary>
    public const string OperatorAdmin = "regulator/admin";

    private static readonly (string Id, string Name, string Kind, int Node, (string User, string[] Roles)[] Users)[] Members =
    [
        ("regulator", "SAFE Shanghai Branch 外汇局上海分局", OrganisationKinds.Regulator, 0,
            [("admin", ["organisation-admin", "evidence-recorder"]), ("analyst", ["regulator-analyst"]), ("operator", ["node-operator"])]),
        ("central-bank", "People's Bank of China 中国人民银行", OrganisationKinds.CentralBank, 1,
            [("admin", ["organisation-admin"]), ("issuer", ["central-bank-issuer"])]),
        ("bank-a", "Huilian Bank A 汇链银行", OrganisationKinds.Bank, 2,
            [("admin", ["organisation-admin"]), ("enabler", ["enabling-clerk"]), ("proxy", ["financing-proxy-clerk"]),
             ("acceptor", ["financing-acceptance-clerk"]), ("reviewer", ["financing-review-clerk"]), ("disburser", ["financing-disbursement-clerk"]),
             ("repayer", ["financing-repayment-clerk"]), ("statistician", ["bank-statistician"]), ("branches", ["branch-information-clerk"]),
             ("recorder", ["evidence-recorder"])]),
        ("bank-b", "Eastern Bank B 东方银行", OrganisationKinds.Bank, 3,
            [("admin", ["organisation-admin"]), ("enabler", ["enabling-clerk"]), ("proxy", ["financing-proxy-clerk"]),
             ("acceptor", ["financing-acceptance-clerk"]), ("reviewer", ["financing-review-clerk"]), ("disburser", ["financing-disbursement-clerk"]),
             ("repayer", ["financing-repayment-clerk"]), ("statistician", ["bank-statistician"]), ("branches", ["branch-information-clerk"]),
             ("recorder", ["evidence-recorder"])]),
        ("bank-c", "Southern Bank C 南方银行", OrganisationKinds.Bank, 1,
            [("admin", ["organisation-admin"]), ("enabler", ["enabling-clerk"]), ("proxy", ["financing-proxy-clerk"]),
             ("acceptor", ["financing-acceptance-clerk"]), ("reviewer", ["financing-review-clerk"]), ("disburser", ["financing-disbursement-clerk"]),
             ("repayer", ["financing-repayment-clerk"]), ("statistician", ["bank-statistician"]), ("branches", ["branch-information-clerk"]),
             ("recorder", ["evidence-recorder"])]),
        ("acme", "Acme Export Co. 艾克米出口有限公司", OrganisationKinds.Enterprise, 2,
            [("admin", ["organisation-admin"]), ("treasurer", ["enterprise-user", "evidence-recorder"])]),
        ("huaxia-textiles", "Huaxia Textiles Co. 华夏纺织有限公司", OrganisationKinds.Enterprise, 3,
            [("admin", ["organisation-admin"]), ("treasurer", ["enterprise-user", "evidence-recorder"])]),
        ("pearl-machinery", "Pearl River Machinery Co. 珠江机械有限公司", OrganisationKinds.Enterprise, 1,
            [("admin", ["organisation-admin"]), ("treasurer", ["enterprise-user", "evidence-recorder"])]),
        ("yangtze-solar", "Yangtze Solar Co. 长江光伏有限公司", OrganisationKinds.Enterprise, 0,
            [("admin", ["organisation-admin"]), ("treasurer", ["enterprise-user", "evidence-recorder"])]),
        ("customs", "Shanghai Customs 上海海关", OrganisationKinds.Customs, 0,
            [("admin", ["organisation-admin"]), ("publisher", ["customs-publisher"])]),
        ("tax", "Shanghai Tax Bureau 上海市税务局", OrganisationKinds.TaxAuthority, 0,
            [("admin", ["organisation-admin"]), ("publisher", ["tax-publisher"])]),
        ("insurer", "China Export Credit Insurance 中国信保", OrganisationKinds.Insurer, 1,
            [("admin", ["organisation-admin"]), ("publisher", ["insurer-publisher"])]),
        ("carrier", "COSCO Shipping Lines 中远海运", OrganisationKinds.Carrier, 1,
            [("admin", ["organisation-admin"]), ("publisher", ["carrier-publisher"])]),
    ];

    /// <summary>
    /// The banks, each with its branches (网点) as (id, name, region: GB/T 2260 code), which each bank's
    /// branch-information clerk maintains on chain when the demo is seeded (matching.maintain-branches).
    /// </summary>
    public static IReadOnlyList<(string Bank, (string Id, string Name, string Region)[] Branches)> Banks { get; } =
    [
        ("bank-a", [("pudong", "Shanghai Pudong Branch 浦东支行", "310115"), ("huangpu", "Shanghai Huangpu Branch 黄浦支行", "310101")]),
        ("bank-b", [("futian", "Shenzhen Futian Branch 福田支行", "440304"), ("tianhe", "Guangzhou Tianhe Branch 天河支行", "440106")]),
        ("bank-c", [("haishu", "Ningbo Haishu Branch 海曙支行", "330203"), ("minhang", "Shanghai Minhang Branch 闵行支行", "310112")]),
    ];

    /// <summary>The exporters (enterprises) of the demo.</summary>
    public static IReadOnlyList<string> Exporters { get; } = ["acme", "huaxia-textiles", "pearl-machinery", "yangtze-solar"];

    private static readonly string[] ValidatorOrganisations = ["regulator", "central-bank", "bank-a", "bank-b"];

    /// <summary>The organisation running validator <paramref name="index"/> (cycling through the four that run them).</summary>
    public static string ValidatorOrganisation(int index) => ValidatorOrganisations[index % ValidatorOrganisations.Length];

    /// <summary>Adds every member and user; returns which node (index) serves each organisation, given the validator count.</summary>
    public static Func<string, int> Build(ConsortiumBuilder builder, int validators)
    {
        foreach (var member in Members)
        {
            builder.AddOrganisation(member.Id, member.Name, member.Kind);
            foreach (var (user, roles) in member.Users)
            {
                builder.AddUser(member.Id, user, roles);
            }
        }
        return id => Math.Min(Members.First(m => m.Id == id).Node, validators - 1);
    }
}

using Huilian.Core.Genesis;

namespace Huilian.Execution.Modules.Registry;

/// <summary>
/// A kind of trade document the registry holds: who publishes it (the organisation kind that is its source), by which
/// action, and the fields committed (as salted hashes) beside its public value and currency.
/// </summary>
public sealed record DocumentType(string Id, string SourceKind, string PublishAction, IReadOnlyList<string> Fields);

/// <summary>
/// The document types, fixed by the protocol. Every type commits an "owner" field (the exporter, the insured, the
/// shipper, the filer) so a bank can check whose document it is without the ledger naming the owner.
/// Commercial invoices are published by the tax authority: in China the electronic invoice is issued through the tax
/// authority's system, which makes it the invoice's authoritative source (docs/REGISTRY.md).
/// </summary>
public static class DocumentTypes
{
    public const string CustomsDeclaration = "customs-declaration";
    public const string CommercialInvoice = "commercial-invoice";
    public const string CreditInsurancePolicy = "credit-insurance-policy";
    public const string FreightInvoice = "freight-invoice";
    public const string BillOfLading = "bill-of-lading";
    public const string RailWaybill = "rail-waybill";
    public const string TaxFiling = "tax-filing";

    public const string OwnerField = "owner";

    public static IReadOnlyList<DocumentType> All { get; } =
    [
        new(CustomsDeclaration, OrganisationKinds.Customs, "publish-declaration", [OwnerField, "goods", "export-date", "port"]),
        new(CommercialInvoice, OrganisationKinds.TaxAuthority, "publish-invoice", [OwnerField, "buyer", "goods", "issue-date"]),
        new(CreditInsurancePolicy, OrganisationKinds.Insurer, "publish-policy", [OwnerField, "buyer", "valid-until"]),
        new(FreightInvoice, OrganisationKinds.Carrier, "publish-transport", [OwnerField, "consignee", "route", "ship-date"]),
        new(BillOfLading, OrganisationKinds.Carrier, "publish-transport", [OwnerField, "consignee", "route", "ship-date"]),
        new(RailWaybill, OrganisationKinds.Carrier, "publish-transport", [OwnerField, "consignee", "route", "ship-date"]),
        new(TaxFiling, OrganisationKinds.TaxAuthority, "publish-tax-filing", [OwnerField, "counterparty", "service", "filing-date"]),
    ];

    public static DocumentType? Find(string id)
    {
        foreach (var type in All)
        {
            if (type.Id == id)
            {
                return type;
            }
        }
        return null;
    }

    /// <summary>The publish actions, in a fixed order, each with the types it may publish.</summary>
    public static IReadOnlyList<string> PublishActions { get; } = ["publish-declaration", "publish-invoice", "publish-policy", "publish-transport", "publish-tax-filing"];
}

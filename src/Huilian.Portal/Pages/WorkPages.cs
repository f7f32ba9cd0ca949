using System.Globalization;
using System.Text.Json;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Workflow;
using Huilian.Node.Api;
using Huilian.Portal.Hosting;
using Huilian.Portal.Text;

namespace Huilian.Portal.Pages;

/// <summary>
/// Helpers shared by the business workspaces (financing, registry, enterprise, credit, matching): the process
/// definitions (data, not the ledger), labels of states and actions from the definitions and the role catalogue,
/// and reading the API's JSON answers.
/// </summary>
public static class WorkPages
{
    /// <summary>The most rows a list page shows at once.</summary>
    public const int PageSize = 50;

    /// <summary>The process of a route, or a 404 refusal (an unknown process is a record nobody has).</summary>
    public static WorkflowDefinition Process(string? process, PortalText text) =>
        process is not null && WorkspaceApi.Processes.TryGetValue(process, out var definition)
            ? definition
            : throw new PortalProblem("ProcessNotFound", text.Format("error.ProcessNotFound", process ?? ""), 404);

    public static string ProcessName(WorkflowDefinition definition) => PortalText.Pick(definition.Chinese, definition.English);

    public static string StateName(WorkflowDefinition definition, string state) =>
        definition.FindState(state) is { } found ? PortalText.Pick(found.Chinese, found.English) : state;

    /// <summary>The label of an action: the role catalogue's name of its resource (Table 08-02's row).</summary>
    public static string ActionName(WorkflowDefinition definition, string action) =>
        RoleCatalog.Default.FindResource(definition.Id + "." + action) is { } resource ? PortalText.Pick(resource.Chinese, resource.English) : action;

    /// <summary>The states a step's queue lists: those the step's action leaves from.</summary>
    public static IReadOnlyList<string> QueueStates(WorkflowDefinition definition, string step) =>
        definition.Transitions.Where(t => t.Action == step && !t.Creates).SelectMany(t => t.From).Distinct(StringComparer.Ordinal).ToArray();

    public static string Badge(string state) => state switch
    {
        "repaid" or "approved" or "disbursed" => "badge ok",
        "rejected" or "cancelled" => "badge bad",
        "applied" or "accepted" => "badge warn",
        _ => "badge",
    };

    public static string Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    public static ulong U64(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetUInt64() : 0;

    public static long I64(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : 0;

    public static bool Bool(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    /// <summary>A basis-point share as a percentage per the culture ("80.00%").</summary>
    public static string Percent(ulong basisPoints) => (basisPoints / 10_000m).ToString("P2", CultureInfo.CurrentCulture);

    /// <summary>A date typed as yyyy-MM-dd (the form's date field), or null.</summary>
    public static string? IsoDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;

    /// <summary>An identifier as the ledger takes them (a-z first; a-z, 0-9, '.', '_', '-'; at most 64).</summary>
    public static bool IsIdentifier(string? text) => Core.Identifier.IsValid(text, 64);

    /// <summary>The member organisations of a kind (id, name), from the API.</summary>
    public static async Task<IReadOnlyList<(string Id, string Name)>> Organisations(PortalApi api, Sessions.PortalSession session, string kind, CancellationToken cancellationToken)
    {
        var answer = await api.Get(session, "/v1/organisations", cancellationToken);
        return Array(answer, "organisations").Where(o => Str(o, "kind") == kind && Str(o, "status") == "active")
            .Select(o => (Str(o, "id"), Str(o, "name"))).ToArray();
    }
}

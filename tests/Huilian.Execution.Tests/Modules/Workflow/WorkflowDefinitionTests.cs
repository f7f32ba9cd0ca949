using System.Text.Json;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Receivables;
using Huilian.Execution.Modules.Workflow;

namespace Huilian.Execution.Tests.Modules.Workflow;

// Rules: the receivables definition loads and names, for each Table 08-02 action of its row, the transition it takes
// (apply, accept, review, disburse, repay, plus cancel); every transition's resource is an action of roles.json held
// by a bank role. A definition that names an unknown state, guard, effect, selector or field type, a resource not in
// the catalogue, leaves a terminal state, or shares an action between transitions without distinct selectors is
// refused when loaded.
public sealed class WorkflowDefinitionTests
{
    [Fact]
    public void TheReceivablesDefinitionCoversItsTableRow()
    {
        var definition = ReceivablesProcess.Definition;
        Assert.Equal(["apply", "accept", "review", "disburse", "repay", "cancel"], definition.Actions);
        Assert.Equal(["applied", "accepted", "approved", "rejected", "disbursed", "repaid", "cancelled"], definition.States.Select(s => s.Id));
        foreach (var transition in definition.Transitions)
        {
            var resource = RoleCatalog.Default.FindResource(transition.Resource)!;
            Assert.Equal("action", resource.Kind);
            Assert.False(resource.Planned);
            Assert.All(RoleCatalog.Default.RolesHolding(transition.Resource), role => Assert.Equal(["bank"], RoleCatalog.Default.FindRole(role)!.OrganisationKinds));
        }
        Assert.Equal(["accept", "cancel"], definition.NextActions("applied"));
        Assert.Equal(["repay", "cancel"], definition.NextActions("disbursed"));
        Assert.Empty(definition.NextActions("repaid"));
    }

    private const string Good = """
        { "id": "receivables", "idPrefix": "rf", "zh": "z", "en": "e", "documentTypes": ["customs-declaration"],
          "states": [ { "id": "applied", "zh": "z", "en": "e" }, { "id": "done", "zh": "z", "en": "e", "terminal": true } ],
          "transitions": [
            { "action": "apply", "from": [], "to": "applied", "fields": { "enterprise": "organisation", "currency": "currency", "amount": "amount", "documents": "documents" }, "guards": [], "effects": ["open-financing"] },
            { "action": "accept", "from": ["applied"], "to": "done", "fields": { "financing": "financing" }, "guards": ["same-bank"], "effects": [] } ] }
        """;

    [Theory]
    [InlineData("\"to\": \"done\"", "\"to\": \"nowhere\"", "unknown state")]
    [InlineData("\"guards\": [\"same-bank\"]", "\"guards\": [\"trust-me\"]", "unknown guard")]
    [InlineData("\"effects\": [\"open-financing\"]", "\"effects\": [\"mint-money\"]", "unknown effect")]
    [InlineData("\"action\": \"accept\"", "\"action\": \"approve-all\"", "no action resource")]
    [InlineData("\"enterprise\": \"organisation\"", "\"enterprise\": \"blob\"", "unknown type")]
    [InlineData("\"from\": [\"applied\"]", "\"from\": [\"done\"]", "leaves terminal state")]
    [InlineData("\"financing\": \"financing\"", "\"reason\": \"text\"", "requires it")]
    [InlineData("\"action\": \"accept\"", "\"action\": \"accept\", \"when\": \"sometimes\"", "unknown selector")]
    [InlineData("\"effects\": [\"open-financing\"]", "\"effects\": []", "opens the financing")]
    [InlineData("\"amount\": \"amount\", ", "", "needs the required field 'amount'")]
    [InlineData("[\"customs-declaration\"]", "[\"customs-receipt\"]", "'documentTypes'")]
    [InlineData("[\"customs-declaration\"]", "[]", "'documentTypes'")]
    [InlineData("\"guards\": [\"same-bank\"]", "\"guards\": [\"same-bank\", \"repayment-within-outstanding\"]", "needs the required field 'amount'")]
    [InlineData("\"guards\": [\"same-bank\"], \"effects\": []", "\"guards\": [\"same-bank\"], \"effects\": [\"open-financing\"]", "opens the financing")]
    public void ABadDefinitionIsRefusedWhenLoaded(string from, string to, string problem)
    {
        using var good = JsonDocument.Parse(Good);
        Assert.NotNull(WorkflowDefinition.Parse(good.RootElement, RoleCatalog.Default));
        Assert.Contains(from, Good, StringComparison.Ordinal);
        using var bad = JsonDocument.Parse(Good.Replace(from, to, StringComparison.Ordinal));
        var error = Assert.Throws<InvalidOperationException>(() => WorkflowDefinition.Parse(bad.RootElement, RoleCatalog.Default));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransitionsSharingAnActionNeedDistinctSelectors()
    {
        var twice = Good.Replace("\"effects\": [] } ] }",
            "\"effects\": [] }, { \"action\": \"accept\", \"from\": [\"applied\"], \"to\": \"done\", \"fields\": { \"financing\": \"financing\" }, \"guards\": [], \"effects\": [] } ] }", StringComparison.Ordinal);
        Assert.NotEqual(Good, twice);
        using var bad = JsonDocument.Parse(twice);
        var error = Assert.Throws<InvalidOperationException>(() => WorkflowDefinition.Parse(bad.RootElement, RoleCatalog.Default));
        Assert.Contains("distinct 'when'", error.Message, StringComparison.Ordinal);
    }
}

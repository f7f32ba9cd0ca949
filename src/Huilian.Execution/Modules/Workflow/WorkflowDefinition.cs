using System.Text.Json;
using Huilian.Execution.Modules.Membership;

namespace Huilian.Execution.Modules.Workflow;

/// <summary>A state of a process; a terminal state has no way out.</summary>
public sealed record WorkflowState(string Id, string Chinese, string English, bool Terminal);

/// <summary>A payload field a transition reads: its name, its type from <see cref="WorkflowVocabulary.FieldTypes"/>, and whether it is required.</summary>
public sealed record WorkflowField(string Name, string Type, bool Required);

/// <summary>
/// One step of a process: the action that takes it (its resource, "module.action", decides who may), the states it
/// leaves from (none: it creates an instance), the state it enters, its fields, the guards that must pass, and the
/// effects it has. Transitions sharing an action are told apart by <see cref="When"/>.
/// </summary>
public sealed record WorkflowTransition(string Action, string Resource, string? When, IReadOnlyList<string> From, string To,
    IReadOnlyList<WorkflowField> Fields, IReadOnlyList<string> Guards, IReadOnlyList<string> Effects)
{
    public bool Creates => From.Count == 0;
}

/// <summary>
/// The names a definition may use, each implemented once in code (<see cref="WorkflowModule"/>): a definition is data
/// written in this vocabulary, so a new financing scenario is a new file, and code only when it needs a new word.
/// </summary>
public static class WorkflowVocabulary
{
    public static IReadOnlyList<string> FieldTypes { get; } =
        ["organisation", "branch", "currency", "amount", "documents", "financing", "decision", "text", "date", "rate-bp", "term-days", "confidential"];

    public static IReadOnlyList<string> Guards { get; } =
        ["signer-is-bank", "enterprise-is-enterprise", "enterprise-enabled", "documents-match", "claims-sum-to-amount", "claims-within-balance",
         "same-bank", "amount-within-application", "repayment-within-outstanding"];

    public static IReadOnlyList<string> Whens { get; } = ["decision=approve", "decision=reject", "settles", "leaves-outstanding"];

    public static IReadOnlyList<string> Effects { get; } =
        ["open-financing", "record-reason", "record-disbursement", "post-claims", "release-proportional", "release-all"];

    /// <summary>
    /// The fields a word reads from the request (by name, as the vocabulary's implementations do), on a creating
    /// transition or another; <c>Optional</c> when the word copes with the field's absence. A definition that uses a
    /// word without its fields is refused when loaded, not when a transaction first takes the step.
    /// </summary>
    public static (string[] Fields, bool Optional) FieldsNeeded(string word, bool creates) => word switch
    {
        "enterprise-is-enterprise" => (["enterprise"], false),
        "enterprise-enabled" => (creates ? ["enterprise"] : [], false),
        "documents-match" => (["documents"], false),
        "claims-sum-to-amount" => (["documents", "amount"], false),
        "claims-within-balance" => (creates ? ["documents", "currency", "enterprise"] : [], false),
        "amount-within-application" or "repayment-within-outstanding" or "settles" or "leaves-outstanding" or "release-proportional" => (["amount"], false),
        "decision=approve" or "decision=reject" => (["decision"], false),
        "open-financing" => (["enterprise", "currency", "amount", "documents"], false),
        "record-disbursement" => (["amount", "value-date", "rate-bp", "term-days"], false),
        "record-reason" => (["reason"], true),
        _ => ([], false),
    };
}

/// <summary>A financing process as data: its states and transitions, loaded from an embedded JSON file and checked whole.</summary>
public sealed class WorkflowDefinition
{
    private WorkflowDefinition(string id, string idPrefix, string chinese, string english, IReadOnlyList<string> documentTypes,
        IReadOnlyList<WorkflowState> states, IReadOnlyList<WorkflowTransition> transitions)
    {
        Id = id;
        DocumentTypes = documentTypes;
        IdPrefix = idPrefix;
        Chinese = chinese;
        English = english;
        States = states;
        Transitions = transitions;
    }

    /// <summary>The module name: transitions are the actions "&lt;id&gt;.&lt;action&gt;".</summary>
    public string Id { get; }

    /// <summary>The prefix of instance ids, e.g. "rf" for "rf-00000001".</summary>
    public string IdPrefix { get; }

    public string Chinese { get; }

    public string English { get; }

    /// <summary>The registry document types this process finances against (the "documents-match" guard refuses others).</summary>
    public IReadOnlyList<string> DocumentTypes { get; }

    public IReadOnlyList<WorkflowState> States { get; }

    public IReadOnlyList<WorkflowTransition> Transitions { get; }

    public WorkflowState? FindState(string id) => States.FirstOrDefault(s => s.Id == id);

    /// <summary>The distinct action names, in definition order.</summary>
    public IReadOnlyList<string> Actions => Transitions.Select(t => t.Action).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>The actions that may be taken from <paramref name="state"/>, in definition order.</summary>
    public IReadOnlyList<string> NextActions(string state) =>
        Transitions.Where(t => t.From.Contains(state)).Select(t => t.Action).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Loads an embedded definition ("Huilian.Execution.workflow.&lt;id&gt;.json") and checks it against the role catalogue.</summary>
    public static WorkflowDefinition LoadEmbedded(string id, RoleCatalog catalog)
    {
        using var stream = typeof(WorkflowDefinition).Assembly.GetManifestResourceStream("Huilian.Execution.workflow." + id + ".json")
            ?? throw new InvalidOperationException($"Workflow definition '{id}' is not embedded in this build.");
        using var document = JsonDocument.Parse(stream);
        return Parse(document.RootElement, catalog);
    }

    /// <summary>Reads and checks a definition; throws <see cref="InvalidOperationException"/> naming the first problem.</summary>
    public static WorkflowDefinition Parse(JsonElement root, RoleCatalog catalog)
    {
        var id = Text(root, "id");
        if (!Core.Identifier.IsValid(id))
        {
            Fail(id, "its id is not a valid identifier");
        }
        var states = new List<WorkflowState>();
        foreach (var item in root.GetProperty("states").EnumerateArray())
        {
            var state = new WorkflowState(Text(item, "id"), Text(item, "zh"), Text(item, "en"), item.TryGetProperty("terminal", out var terminal) && terminal.GetBoolean());
            if (!Core.Identifier.IsValid(state.Id) || states.Any(s => s.Id == state.Id))
            {
                Fail(id, $"state '{state.Id}' is invalid or listed twice");
            }
            states.Add(state);
        }
        var transitions = new List<WorkflowTransition>();
        foreach (var item in root.GetProperty("transitions").EnumerateArray())
        {
            transitions.Add(ReadTransition(id, item, states, catalog));
        }
        var documentTypes = root.TryGetProperty("documentTypes", out var types) && types.ValueKind == JsonValueKind.Array
            ? types.EnumerateArray().Select(t => t.GetString() ?? "").ToArray() : [];
        if (documentTypes.Length == 0 || documentTypes.Any(t => Registry.DocumentTypes.Find(t) is null) || documentTypes.Distinct(StringComparer.Ordinal).Count() != documentTypes.Length)
        {
            Fail(id, "'documentTypes' must list registry document types, each once");
        }
        var definition = new WorkflowDefinition(id, Text(root, "idPrefix"), Text(root, "zh"), Text(root, "en"), documentTypes, states, transitions);
        CheckWhole(definition);
        return definition;
    }

    private static WorkflowTransition ReadTransition(string id, JsonElement item, List<WorkflowState> states, RoleCatalog catalog)
    {
        var action = Text(item, "action");
        var resource = id + "." + action;
        if (!Core.Identifier.IsValid(action) || catalog.FindResource(resource) is not { Kind: "action" })
        {
            Fail(id, $"action '{action}' has no action resource '{resource}' in roles.json");
        }
        var when = item.TryGetProperty("when", out var whenElement) ? whenElement.GetString() : null;
        if (when is not null && !WorkflowVocabulary.Whens.Contains(when))
        {
            Fail(id, $"'{action}' uses unknown selector '{when}'");
        }
        var from = item.GetProperty("from").EnumerateArray().Select(s => s.GetString()!).ToArray();
        var to = Text(item, "to");
        foreach (var state in from.Append(to))
        {
            if (!states.Any(s => s.Id == state))
            {
                Fail(id, $"'{action}' names unknown state '{state}'");
            }
        }
        foreach (var state in from)
        {
            if (states.First(s => s.Id == state).Terminal)
            {
                Fail(id, $"'{action}' leaves terminal state '{state}'");
            }
        }
        var fields = new List<WorkflowField>();
        foreach (var property in item.GetProperty("fields").EnumerateObject())
        {
            var type = property.Value.GetString()!;
            var required = !type.EndsWith('?');
            type = type.TrimEnd('?');
            if (!WorkflowVocabulary.FieldTypes.Contains(type))
            {
                Fail(id, $"'{action}' field '{property.Name}' has unknown type '{type}'");
            }
            fields.Add(new WorkflowField(property.Name, type, required));
        }
        var guards = Names(item, "guards");
        var effects = Names(item, "effects");
        if (guards.FirstOrDefault(g => !WorkflowVocabulary.Guards.Contains(g)) is { } unknownGuard)
        {
            Fail(id, $"'{action}' uses unknown guard '{unknownGuard}'");
        }
        if (effects.FirstOrDefault(e => !WorkflowVocabulary.Effects.Contains(e)) is { } unknownEffect)
        {
            Fail(id, $"'{action}' uses unknown effect '{unknownEffect}'");
        }
        if ((from.Length == 0) != effects.Contains("open-financing"))
        {
            Fail(id, $"'{action}': a creating transition (from: []) opens the financing ('open-financing'), no other one does");
        }
        foreach (var word in guards.Concat(effects).Append(when ?? ""))
        {
            var (needed, optional) = WorkflowVocabulary.FieldsNeeded(word, from.Length == 0);
            foreach (var name in needed)
            {
                if (!fields.Any(f => f.Name == name && (f.Required || optional)))
                {
                    Fail(id, $"'{action}' uses '{word}', which needs the {(optional ? "" : "required ")}field '{name}'");
                }
            }
        }
        var hasInstance = fields.Any(f => f.Type == "financing" && f.Required);
        if ((from.Length == 0) == hasInstance)
        {
            Fail(id, $"'{action}': a creating transition (from: []) has no 'financing' field, every other one requires it");
        }
        return new WorkflowTransition(action, resource, when, from, to, fields, guards, effects);
    }

    private static void CheckWhole(WorkflowDefinition definition)
    {
        foreach (var group in definition.Transitions.GroupBy(t => t.Action, StringComparer.Ordinal))
        {
            var list = group.ToList();
            var shape = string.Join(",", list[0].Fields.Select(f => f.Name + ":" + f.Type));
            if (list.Any(t => string.Join(",", t.Fields.Select(f => f.Name + ":" + f.Type)) != shape))
            {
                Fail(definition.Id, $"the transitions of '{group.Key}' must read the same fields (they may differ in which are required)");
            }
            if (list.Count > 1 && (list.Any(t => t.When is null) || list.Select(t => t.When).Distinct(StringComparer.Ordinal).Count() != list.Count))
            {
                Fail(definition.Id, $"the transitions of '{group.Key}' must each have a distinct 'when'");
            }
            if (list.Any(t => t.Creates) && list.Count > 1)
            {
                Fail(definition.Id, $"the creating action '{group.Key}' has one transition");
            }
        }
        if (!definition.Transitions.Any(t => t.Creates))
        {
            Fail(definition.Id, "no transition creates an instance");
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new InvalidOperationException($"Workflow definition: '{name}' is missing.");

    private static string[] Names(JsonElement element, string name) => element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static void Fail(string id, string problem) => throw new InvalidOperationException($"Workflow definition '{id}': {problem}.");
}

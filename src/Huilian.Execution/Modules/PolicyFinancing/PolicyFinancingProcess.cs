using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Workflow;

namespace Huilian.Execution.Modules.PolicyFinancing;

/// <summary>
/// Export credit-insurance policy financing (出口信保保单融资): the second process on the workflow engine, a definition
/// only (policy-financing.json). Its claims go through the same guard as every other financing, so a declaration
/// financed under export receivables financing is not financed again here beyond its value.
/// </summary>
public static class PolicyFinancingProcess
{
    public const string ModuleName = "policy-financing";

    public static WorkflowDefinition Definition { get; } = WorkflowDefinition.LoadEmbedded(ModuleName, RoleCatalog.Default);

    public static WorkflowModule CreateModule() => new(Definition);
}

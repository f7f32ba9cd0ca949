using System.Text.Json;
using Huilian.Execution.Modules.Workflow;
using Huilian.Node.Api;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Enterprise;

/// <summary>The financings for my enterprise, of every process and bank, newest first, by state.</summary>
[ForKinds("enterprise")]
public sealed class FinancingsModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Process { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Offset { get; set; }

    public WorkflowDefinition Definition { get; private set; } = null!;

    public IReadOnlyList<JsonElement> Financings { get; private set; } = [];

    public int Total { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(Process) || !WorkspaceApi.Processes.ContainsKey(Process))
        {
            if (!string.IsNullOrEmpty(Process))
            {
                Fail("process", "enterprise.processUnknown");
            }
            Process = WorkspaceApi.Processes.Keys.First();
        }
        Definition = WorkspaceApi.Processes[Process];
        if (!string.IsNullOrEmpty(State) && Definition.FindState(State) is null)
        {
            Fail("state", "enterprise.stateUnknown");
            State = null;
        }
        Offset = Math.Max(0, Offset);
        var answer = await Api.Get(Me, $"/v1/workspace/financings?process={Process}&offset={Offset}&limit={WorkPages.PageSize}" + (string.IsNullOrEmpty(State) ? "" : "&state=" + State), cancellationToken);
        Total = (int)WorkPages.U64(answer, "total");
        Financings = WorkPages.Array(answer, "financings").ToArray();
    }

    public string PageLink(int offset) => $"?process={Process}&offset={offset}" + (string.IsNullOrEmpty(State) ? "" : "&state=" + State);
}

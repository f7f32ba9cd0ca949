using System.Text.Json;
using Huilian.Execution.Modules.Workflow;
using Huilian.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Financing;

/// <summary>
/// A step's queue (to accept, to review, to disburse, to register repayment, to cancel): the caller's bank's financings
/// in the states the step leaves from, newest first, with amounts and links to the record page. The states come from
/// the process definition, so every process has the same queues.
/// </summary>
[ForKinds("bank")]
public sealed class QueueModel : PortalPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Process { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Step { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Offset { get; set; }

    public WorkflowDefinition Definition { get; private set; } = null!;

    public IReadOnlyList<string> States { get; private set; } = [];

    public IReadOnlyList<JsonElement> Financings { get; private set; } = [];

    public int Total { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Definition = WorkPages.Process(Process, T);
        States = Step is null ? [] : WorkPages.QueueStates(Definition, Step);
        if (States.Count == 0)
        {
            throw new PortalProblem("QueueNotFound", T.Format("error.QueueNotFound", Step ?? ""), 404);
        }
        if (!Me.Holds(Definition.Id + "." + Step))
        {
            throw new PortalProblem("NotEntitled", T.Format("error.NotEntitled.page", Me.UserId), 403);
        }
        Offset = Math.Max(0, Offset);
        var answer = await Api.Get(Me, $"/v1/workspace/financings?process={Definition.Id}&state={string.Join(',', States)}&offset={Offset}&limit={WorkPages.PageSize}", cancellationToken);
        Total = (int)WorkPages.U64(answer, "total");
        Financings = WorkPages.Array(answer, "financings").ToArray();
    }
}

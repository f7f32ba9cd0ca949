using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Execution.Modules.Workflow;
using Huilian.Portal.Hosting;
using Huilian.Portal.Text;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Portal.Pages.Financing;

/// <summary>
/// A financing's record page, for either process: its state, amounts, documents and claims, the verifications its bank
/// recorded, its history as the ledger gives it, and the steps the user's roles allow in this state (accept; approve or
/// reject with a reason; disburse with amount, value date, rate and term; repay with amount and value date; cancel with
/// a reason). Another bank's financing is not found by the API, and the page is refused with 404.
/// </summary>
public sealed class RecordModel : PortalPageModel
{
    public const int ReasonLengthMax = 256;

    [BindProperty(SupportsGet = true)]
    public string? Process { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty]
    public string? Decision { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Amount { get; set; }

    [BindProperty]
    public string? ValueDate { get; set; }

    [BindProperty]
    public string? Rate { get; set; }

    [BindProperty]
    public string? Term { get; set; }

    public WorkflowDefinition Definition { get; private set; } = null!;

    public JsonElement Financing { get; private set; }

    public string State => WorkPages.Str(Financing, "state");

    public string Currency => WorkPages.Str(Financing, "currency");

    /// <summary>The steps open in this state that the user's roles allow.</summary>
    public IReadOnlyList<string> Actions { get; private set; } = [];

    /// <summary>The action whose form was posted (its errors show beside it).</summary>
    public string? Posted { get; private set; }

    private async Task Load(CancellationToken cancellationToken)
    {
        Definition = WorkPages.Process(Process, T);
        if (string.IsNullOrEmpty(Id) || Id.Length > 32)
        {
            throw new PortalProblem("FinancingNotFound", T.Format("error.FinancingNotFound", Id ?? ""), 404);
        }
        Financing = await Api.Get(Me, $"/v1/workspace/financings/{Definition.Id}/{Uri.EscapeDataString(Id)}", cancellationToken);
        var bank = WorkPages.Str(Financing, "bank");
        Actions = WorkPages.Array(Financing, "next").Select(a => a.GetString()!)
            .Where(a => bank == Me.Organisation && Me.Holds(Definition.Id + "." + a)).ToArray();
    }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await Load(cancellationToken);

    private async Task<IActionResult> Step(string action, JsonObject payload, CancellationToken cancellationToken)
    {
        payload["financing"] = Id;
        var receipt = await Api.Submit(Me, Definition.Id, action, payload, cancellationToken);
        var state = WorkPages.Str(receipt.Result, "state");
        Notice = T.Format("financing.stepDone", WorkPages.ActionName(Definition, action), Id!, WorkPages.StateName(Definition, state));
        return Redirect($"/financing/{Definition.Id}/{Uri.EscapeDataString(Id!)}");
    }

    private async Task<bool> Begin(string action, CancellationToken cancellationToken)
    {
        await Load(cancellationToken);
        Posted = action;
        if (!Me.Holds(Definition.Id + "." + action))
        {
            throw new PortalProblem("NotEntitled", T.Format("error.NotEntitled.page", Me.UserId), 403);
        }
        return true;
    }

    private IActionResult Invalid()
    {
        Response.StatusCode = 422;
        return Page();
    }

    private bool CheckReason(string field, bool required)
    {
        Reason = Reason?.Trim();
        if (string.IsNullOrEmpty(Reason))
        {
            return !required || Fail(field, "financing.reasonMissing");
        }
        if (Reason.Length > ReasonLengthMax || Reason.Any(char.IsControl))
        {
            return Fail(field, "financing.reasonMalformed");
        }
        return true;
    }

    private bool CheckAmount(out ulong minor)
    {
        if (!Money.TryParse(Amount, Currency, out minor, out var error))
        {
            return Fail("amount", "error." + error);
        }
        return true;
    }

    private bool CheckDate(out string date)
    {
        date = WorkPages.IsoDate(ValueDate) ?? "";
        return date.Length > 0 || Fail("valueDate", string.IsNullOrWhiteSpace(ValueDate) ? "financing.valueDateMissing" : "financing.valueDateMalformed");
    }

    public async Task<IActionResult> OnPostAcceptAsync(CancellationToken cancellationToken)
    {
        await Begin("accept", cancellationToken);
        return await Step("accept", [], cancellationToken);
    }

    public async Task<IActionResult> OnPostReviewAsync(CancellationToken cancellationToken)
    {
        await Begin("review", cancellationToken);
        if (Decision is not ("approve" or "reject"))
        {
            Fail("decision", "financing.decisionMissing");
        }
        CheckReason("reviewReason", required: Decision == "reject");
        if (FieldErrors.Count > 0)
        {
            return Invalid();
        }
        var payload = new JsonObject { ["decision"] = Decision };
        if (!string.IsNullOrEmpty(Reason))
        {
            payload["reason"] = Reason;
        }
        return await Step("review", payload, cancellationToken);
    }

    public async Task<IActionResult> OnPostDisburseAsync(CancellationToken cancellationToken)
    {
        await Begin("disburse", cancellationToken);
        CheckAmount(out var amount);
        CheckDate(out var date);
        // The rate is typed in percent a year, at most two decimals (4.25 = 425 basis points).
        ulong rateBp = 0;
        if (string.IsNullOrWhiteSpace(Rate))
        {
            Fail("rate", "financing.rateMissing");
        }
        else if (!decimal.TryParse(Rate.Trim().TrimEnd('%'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
            || percent * 100 != decimal.Truncate(percent * 100) || percent * 100 > WorkflowModule.RateBasisPointsMax)
        {
            Fail("rate", "financing.rateMalformed");
        }
        else
        {
            rateBp = (ulong)(percent * 100);
        }
        if (string.IsNullOrWhiteSpace(Term))
        {
            Fail("term", "financing.termMissing");
        }
        else if (!ulong.TryParse(Term.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days is 0 or > WorkflowModule.TermDaysMax)
        {
            Fail("term", "financing.termMalformed");
        }
        if (FieldErrors.Count > 0)
        {
            return Invalid();
        }
        return await Step("disburse", new JsonObject
        {
            ["amount"] = amount,
            ["value-date"] = date,
            ["rate-bp"] = rateBp,
            ["term-days"] = ulong.Parse(Term!.Trim(), CultureInfo.InvariantCulture),
        }, cancellationToken);
    }

    public async Task<IActionResult> OnPostRepayAsync(CancellationToken cancellationToken)
    {
        await Begin("repay", cancellationToken);
        CheckAmount(out var amount);
        CheckDate(out var date);
        if (FieldErrors.Count > 0)
        {
            return Invalid();
        }
        return await Step("repay", new JsonObject { ["amount"] = amount, ["value-date"] = date }, cancellationToken);
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken cancellationToken)
    {
        await Begin("cancel", cancellationToken);
        if (!CheckReason("cancelReason", required: true))
        {
            return Invalid();
        }
        return await Step("cancel", new JsonObject { ["reason"] = Reason }, cancellationToken);
    }
}

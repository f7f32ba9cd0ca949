using System.Text.Json;
using Huilian.Portal.Hosting;
using Huilian.Portal.Pages.Watch;

namespace Huilian.Portal.Pages.Explorer;

/// <summary>
/// The validators: every set the chain has had (governance changes them from a stated height), and for the current
/// set each validator's last votes — its prevote and precommit in the round in progress as this node saw them, and
/// whether it signed the newest block's commit — and any equivocation committed on chain.
/// </summary>
[Anonymous]
public sealed class ValidatorsModel : PortalPageModel
{
    public JsonElement Validators { get; private set; }

    public JsonElement Consensus { get; private set; }

    public JsonElement Latest { get; private set; }

    public JsonElement Misbehavior { get; private set; }

    /// <summary>Names of the validators that signed the newest block's commit.</summary>
    public IReadOnlySet<string> SignedLatest { get; private set; } = new HashSet<string>();

    public async Task OnGet(CancellationToken cancellationToken)
    {
        Validators = await Api.GetPublic("/v1/validators", cancellationToken);
        Misbehavior = await Api.GetPublic("/v1/misbehavior", cancellationToken);
        try
        {
            Consensus = await Api.GetPublic("/v1/consensus", cancellationToken);
        }
        catch (PortalProblem problem) when (problem.Status == 503)
        {
            Consensus = default;
        }
        try
        {
            Latest = await Api.GetPublic("/v1/blocks/latest", cancellationToken);
            SignedLatest = Latest.Prop("commit").Items("signatures").Select(s => s.Str("validator")).ToHashSet(StringComparer.Ordinal);
        }
        catch (PortalProblem problem) when (problem.Status == 404)
        {
            Latest = default;
        }
    }

    /// <summary>The vote of validator <paramref name="name"/> in the round in progress, or null.</summary>
    public JsonElement? VoteOf(string name) => Consensus.Items("votes").Where(v => v.Str("name") == name).Select(v => (JsonElement?)v).FirstOrDefault();
}

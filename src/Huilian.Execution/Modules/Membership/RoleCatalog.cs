using System.Text.Json;

namespace Huilian.Execution.Modules.Membership;

/// <summary>One business action or query a role may hold. Its id is the action's "module.action" name.</summary>
public sealed record ResourceDefinition(string Id, string Kind, string Chinese, string English, string? Table, string? TableModule, bool Planned);

/// <summary>A role: the kinds of organisation whose users may hold it, and the resources it grants.</summary>
public sealed record RoleDefinition(string Id, string Chinese, string English, IReadOnlyList<string> OrganisationKinds, IReadOnlyList<string> Resources);

/// <summary>
/// The permission matrix, loaded as data from roles.json: for bank users it is SAFE Table 08-02, one resource per
/// business action, one role per column of the table; the other organisations' roles follow the same shape. The
/// catalogue is part of the protocol (every node decides with the same one); changing it is a software upgrade.
/// </summary>
public sealed class RoleCatalog
{
    private readonly SortedDictionary<string, ResourceDefinition> _resources = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, RoleDefinition> _roles = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string[]> _holders = new(StringComparer.Ordinal);

    private RoleCatalog(JsonElement root)
    {
        foreach (var item in root.GetProperty("resources").EnumerateArray())
        {
            var resource = new ResourceDefinition(
                item.GetProperty("id").GetString()!,
                item.GetProperty("kind").GetString()!,
                item.GetProperty("zh").GetString()!,
                item.GetProperty("en").GetString()!,
                item.TryGetProperty("table", out var table) ? table.GetString() : null,
                item.TryGetProperty("module", out var module) ? module.GetString() : null,
                item.TryGetProperty("planned", out var planned) && planned.GetBoolean());
            if (!Core.Identifier.IsValid(resource.Id, 64) || resource.Kind is not ("action" or "query") || !_resources.TryAdd(resource.Id, resource))
            {
                throw new InvalidOperationException($"roles.json: resource '{resource.Id}' is invalid or listed twice.");
            }
        }
        var holders = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var item in root.GetProperty("roles").EnumerateArray())
        {
            var role = new RoleDefinition(
                item.GetProperty("id").GetString()!,
                item.GetProperty("zh").GetString()!,
                item.GetProperty("en").GetString()!,
                item.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()!).ToArray(),
                item.GetProperty("resources").EnumerateArray().Select(r => r.GetString()!).ToArray());
            if (!Core.Identifier.IsValid(role.Id, 64) || !_roles.TryAdd(role.Id, role))
            {
                throw new InvalidOperationException($"roles.json: role '{role.Id}' is invalid or listed twice.");
            }
            foreach (var kind in role.OrganisationKinds)
            {
                if (!Core.Genesis.OrganisationKinds.IsKnown(kind))
                {
                    throw new InvalidOperationException($"roles.json: role '{role.Id}' names unknown organisation kind '{kind}'.");
                }
            }
            foreach (var resource in role.Resources)
            {
                if (!_resources.ContainsKey(resource))
                {
                    throw new InvalidOperationException($"roles.json: role '{role.Id}' holds unknown resource '{resource}'.");
                }
                if (!holders.TryGetValue(resource, out var list))
                {
                    holders[resource] = list = [];
                }
                list.Add(role.Id);
            }
        }
        foreach (var (resource, list) in holders)
        {
            _holders[resource] = [.. list];
        }
    }

    /// <summary>The catalogue compiled into this build.</summary>
    public static RoleCatalog Default { get; } = Load();

    public IEnumerable<ResourceDefinition> Resources => _resources.Values;

    public IEnumerable<RoleDefinition> Roles => _roles.Values;

    public ResourceDefinition? FindResource(string id) => _resources.GetValueOrDefault(id);

    public RoleDefinition? FindRole(string id) => _roles.GetValueOrDefault(id);

    /// <summary>The roles that grant <paramref name="resource"/>, in id order (empty when none does).</summary>
    public IReadOnlyList<string> RolesHolding(string resource) => Holders(resource);

    private string[] Holders(string resource) => _holders.TryGetValue(resource, out var roles) ? roles : [];

    /// <summary>Whether a user holding <paramref name="roles"/> may use <paramref name="resource"/>.</summary>
    public bool Grants(IReadOnlyList<string> roles, string resource)
    {
        var holders = Holders(resource);
        foreach (var role in roles)
        {
            if (Array.IndexOf(holders, role) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Null when a user of an organisation of <paramref name="kind"/> may hold <paramref name="role"/>.</summary>
    public string? CheckRoleForKind(string role, string kind)
    {
        var definition = FindRole(role);
        if (definition is null)
        {
            return $"There is no role '{role}'.";
        }
        return definition.OrganisationKinds.Contains(kind) ? null : $"Role '{role}' is for {string.Join(", ", definition.OrganisationKinds)} organisations, not a {kind}.";
    }

    private static RoleCatalog Load()
    {
        using var stream = typeof(RoleCatalog).Assembly.GetManifestResourceStream("Huilian.Execution.roles.json")
            ?? throw new InvalidOperationException("roles.json is not embedded in this build.");
        using var document = JsonDocument.Parse(stream);
        return new RoleCatalog(document.RootElement);
    }
}

/// <summary>Role ids the code refers to by name (the rest live only in roles.json).</summary>
public static class RoleNames
{
    public const string OrganisationAdmin = "organisation-admin";
    public const string RegulatorAnalyst = "regulator-analyst";
    public const string EnterpriseUser = "enterprise-user";
    public const string EnablingClerk = "enabling-clerk";
    public const string EvidenceRecorder = "evidence-recorder";
    public const string NodeOperator = "node-operator";
}

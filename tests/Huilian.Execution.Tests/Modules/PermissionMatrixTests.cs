using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;
using Xunit.Abstractions;

namespace Huilian.Execution.Tests.Modules;

/// <summary>
/// One chain with one organisation of every kind and, for every role of the catalogue and every kind of
/// organisation the role is for, a user holding only that role (named after the role). Built once for the class.
/// </summary>
public sealed class PermissionMatrixFixture
{
    /// <summary>The organisation of each kind the matrix uses.</summary>
    public static IReadOnlyDictionary<string, string> OrganisationOfKind { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [OrganisationKinds.Regulator] = "regulator",
        [OrganisationKinds.Bank] = "bank-a",
        [OrganisationKinds.Enterprise] = "acme",
        [OrganisationKinds.Customs] = "customs",
        [OrganisationKinds.CentralBank] = "pboc",
        [OrganisationKinds.TaxAuthority] = "tax",
        [OrganisationKinds.Insurer] = "sinosure",
        [OrganisationKinds.Carrier] = "cosco",
    };

    public PermissionMatrixFixture()
    {
        Chain = new TestChain("intl",
            [("pboc", OrganisationKinds.CentralBank), ("tax", OrganisationKinds.TaxAuthority), ("sinosure", OrganisationKinds.Insurer), ("cosco", OrganisationKinds.Carrier)],
            [], null);
        foreach (var role in RoleCatalog.Default.Roles)
        {
            foreach (var kind in role.OrganisationKinds)
            {
                var organisation = OrganisationOfKind[kind];
                Chain.RegisterUser(organisation, role.Id, role.Id);
                Users.Add((role.Id, kind, organisation + "/" + role.Id));
            }
        }
    }

    internal TestChain Chain { get; }

    /// <summary>(role, organisation kind, user id) of every single-role user.</summary>
    public List<(string Role, string Kind, string User)> Users { get; } = [];

    public UserRecord Record(string user)
    {
        var parts = user.Split('/');
        return MembershipState.ReadUser(Chain.State, parts[0], parts[1]) ?? throw new InvalidOperationException($"No user {user}.");
    }
}

// Rules: (a) for every role R and every registered action A, a user holding only R (at an organisation of each kind
// R is for) is authorised for A iff R's resources include A's "module.action" name; otherwise the refusal is
// SignerLacksRole and names A and every role that holds it. The engine applies the same decision to a submitted
// transaction before it reads the payload. (b) SAFE Table 08-02: 19 resources, each held by exactly one bank-only
// role, the roles being the table's 17 by English name; AuthorizeResource decides every 08-02 resource (planned or
// not) and, more widely, every catalogue resource, for every role. (c) Every registered action is a non-planned
// action resource some role holds, every non-planned action resource is registered, and no role can be given to a
// user of an organisation kind the role is not for (RoleNotAllowed), at register-user and at set-roles.
public sealed class PermissionMatrixTests(PermissionMatrixFixture fixture, ITestOutputHelper output) : IClassFixture<PermissionMatrixFixture>
{
    private static readonly RoleCatalog Catalog = RoleCatalog.Default;

    /// <summary>The actions the chain's modules register (an engine is cheap to build: no genesis).</summary>
    private static IReadOnlyList<ActionDefinition> RegisteredActions() =>
        new ExecutionEngine(TestChain.ChainId, CryptoSuites.Get("intl"), new ConsensusParameters(), new MembershipPolicy(), TestChain.ChainModules()).Actions.Actions.ToArray();

    public static TheoryData<string, string> RoleActionPairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in Catalog.Roles)
        {
            foreach (var action in RegisteredActions())
            {
                data.Add(role.Id, action.FullName);
            }
        }
        return data;
    }

    /// <summary>The roles holding a resource, read from the role definitions (not from the catalogue's own index).</summary>
    private static string[] HoldersByDefinition(string resource) =>
        Catalog.Roles.Where(r => r.Resources.Contains(resource)).Select(r => r.Id).ToArray();

    [Theory]
    [MemberData(nameof(RoleActionPairs))]
    public void UserHoldingOnlyRoleIsAuthorisedForActionIffCatalogueGrantsIt(string roleId, string actionName)
    {
        var role = Catalog.FindRole(roleId)!;
        var action = fixture.Chain.Engine.Actions.Actions.Single(a => a.FullName == actionName);
        var granted = role.Resources.Contains(actionName);
        var policy = new MembershipPolicy();
        foreach (var (_, kind, user) in fixture.Users.Where(u => u.Role == roleId))
        {
            var record = fixture.Record(user);
            Assert.Equal([roleId], record.Roles);
            var refusal = policy.Authorize(fixture.Chain.State, record.Signers[0], action);
            if (granted)
            {
                Assert.True(refusal is null, $"{user} ({kind}) holding {roleId} should be allowed {actionName}: {refusal?.Message}");
                continue;
            }
            Assert.NotNull(refusal);
            Assert.Equal(ResultCodes.SignerLacksRole, refusal.Code);
            Assert.Contains(actionName, refusal.Message, StringComparison.Ordinal);
            var holders = HoldersByDefinition(actionName);
            Assert.NotEmpty(holders);
            foreach (var holder in holders)
            {
                Assert.Contains("'" + holder + "'", refusal.Message, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("'" + roleId + "'", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryRoleOfTheCatalogueHasAUserAtEveryKindItIsFor()
    {
        var expected = Catalog.Roles.Sum(r => r.OrganisationKinds.Count);
        Assert.Equal(expected, fixture.Users.Count);
        Assert.Equal(27, Catalog.Roles.Count());
        Assert.Equal(34, RegisteredActions().Count);
    }

    [Fact]
    public void EngineRefusesEveryUngrantedActionBeforeReadingThePayloadAndReadsThePayloadOfEveryGrantedOne()
    {
        // "{}" is a bad payload for every action, so a granted action ends PayloadFieldMissing, an ungranted one
        // SignerLacksRole: the permission check comes first. The block is not committed.
        var chain = fixture.Chain;
        var height = chain.Height + 1;
        var execution = chain.Engine.BeginBlock(new BlockContext(TestChain.ChainId, height, TestChain.GenesisMs + ((long)height * 1000), chain.Validator.PublicKey), chain.State);
        var mismatches = new List<string>();
        var keys = fixture.Users.ToDictionary(u => u.User, u => fixture.Record(u.User));
        var nonces = new Dictionary<string, ulong>();
        var cases = 0;
        foreach (var (role, kind, user) in fixture.Users)
        {
            var definition = Catalog.FindRole(role)!;
            var signer = keys[user].Signers[0];
            foreach (var action in chain.Engine.Actions.Actions)
            {
                var nonce = nonces[user] = nonces.GetValueOrDefault(user, ExecutionEngine.ReadNonce(chain.State, signer)) + 1;
                var transaction = chain.Tx(chain.KeyFor(user), nonce, action.Module, action.Action, "{}", height + 10);
                var refusal = execution.TryApply(transaction);
                if (refusal is not null)
                {
                    mismatches.Add($"{user} {action.FullName}: not included: {refusal.Code} {refusal.Message}");
                    continue;
                }
                cases++;
                var code = execution.Receipts[^1].Code;
                var expected = definition.Resources.Contains(action.FullName) ? ResultCodes.PayloadFieldMissing : ResultCodes.SignerLacksRole;
                if (code != expected)
                {
                    mismatches.Add($"{user} ({kind}) {action.FullName}: expected {expected}, got {code}: {execution.Receipts[^1].Message}");
                }
            }
        }
        foreach (var mismatch in mismatches)
        {
            output.WriteLine(mismatch);
        }
        Assert.Empty(mismatches);
        Assert.Equal(fixture.Users.Count * chain.Engine.Actions.Actions.Count(), cases);
    }

    // ---- (b) SAFE Table 08-02 ----

    private static readonly string[] Table0802RoleNames =
    [
        "Policy-financing proxy-application clerk",
        "Policy-financing acceptance clerk",
        "Policy-financing review clerk",
        "Policy-financing disbursement-registration clerk",
        "Policy-financing repayment-registration clerk",
        "Freight FX-payment bank clerk",
        "Financing proxy-application clerk",
        "Financing acceptance clerk",
        "Financing review clerk",
        "Financing disbursement-registration clerk",
        "Financing repayment-registration clerk",
        "Bank statistician",
        "Enabling clerk",
        "Branch-information clerk",
        "Credit-matching clerk",
        "Credit-acceptance clerk",
        "Credit-enabling clerk",
    ];

    private static ResourceDefinition[] Table0802Resources() => Catalog.Resources.Where(r => r.Table == "08-02").ToArray();

    [Fact]
    public void Table0802HasNineteenResourcesEachHeldByExactlyOneBankOnlyRole()
    {
        var resources = Table0802Resources();
        Assert.Equal(19, resources.Length);
        Assert.Equal(19, resources.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
        foreach (var resource in resources)
        {
            var holders = HoldersByDefinition(resource.Id);
            var holder = Assert.Single(holders);
            Assert.Equal([holder], Catalog.RolesHolding(resource.Id));
            Assert.Equal([OrganisationKinds.Bank], Catalog.FindRole(holder)!.OrganisationKinds);
            Assert.False(string.IsNullOrEmpty(resource.TableModule), $"{resource.Id} names no module of the table");
        }
    }

    [Fact]
    public void Table0802RolesAreTheTablesSeventeenRolesByEnglishName()
    {
        var holders = Table0802Resources().Select(r => HoldersByDefinition(r.Id).Single()).Distinct(StringComparer.Ordinal).ToArray();
        var names = holders.Select(id => Catalog.FindRole(id)!.English).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(17, Table0802RoleNames.Length);
        Assert.Equal(Table0802RoleNames.Order(StringComparer.Ordinal), names);
        // The bank-only roles are exactly the table's roles.
        var bankOnly = Catalog.Roles.Where(r => r.OrganisationKinds.SequenceEqual([OrganisationKinds.Bank])).Select(r => r.English).Order(StringComparer.Ordinal);
        Assert.Equal(Table0802RoleNames.Order(StringComparer.Ordinal), bankOnly);
        // The statistician holds the table's three statistics queries; every other table role one table resource.
        foreach (var id in holders)
        {
            var count = Table0802Resources().Count(r => HoldersByDefinition(r.Id).Contains(id));
            Assert.True(count == (Catalog.FindRole(id)!.English == "Bank statistician" ? 3 : 1), $"{id} holds {count} table resources");
        }
    }

    [Fact]
    public void AuthorizeResourceDecidesEveryTable0802ResourceForEveryRole()
    {
        var policy = new MembershipPolicy();
        var checkedPairs = 0;
        foreach (var resource in Table0802Resources())
        {
            foreach (var (role, _, user) in fixture.Users)
            {
                var record = fixture.Record(user);
                var refusal = policy.AuthorizeResource(record, resource.Id);
                var holds = Catalog.FindRole(role)!.Resources.Contains(resource.Id);
                Assert.True(holds == (refusal is null), $"{user} ({role}) on {resource.Id}: {(refusal is null ? "allowed" : refusal.Message)}");
                if (refusal is not null)
                {
                    Assert.Equal(ResultCodes.SignerLacksRole, refusal.Code);
                    Assert.Contains("'" + HoldersByDefinition(resource.Id).Single() + "'", refusal.Message, StringComparison.Ordinal);
                }
                checkedPairs++;
            }
        }
        Assert.Equal(19 * fixture.Users.Count, checkedPairs);
    }

    [Fact]
    public void AuthorizeResourceDecidesEveryCatalogueResourceForEveryRole()
    {
        var policy = new MembershipPolicy();
        var mismatches = new List<string>();
        foreach (var resource in Catalog.Resources)
        {
            foreach (var (role, _, user) in fixture.Users)
            {
                var allowed = policy.AuthorizeResource(fixture.Record(user), resource.Id) is null;
                if (allowed != Catalog.FindRole(role)!.Resources.Contains(resource.Id))
                {
                    mismatches.Add($"{role} on {resource.Id}: {(allowed ? "allowed" : "refused")}");
                }
            }
        }
        Assert.Empty(mismatches);
    }

    [Fact]
    public void EveryCatalogueResourceIsHeldByAtLeastOneRole()
    {
        var orphans = Catalog.Resources.Where(r => HoldersByDefinition(r.Id).Length == 0).Select(r => r.Id).ToArray();
        Assert.Empty(orphans);
    }

    [Fact]
    public void AUserWithoutRolesIsRefusedEveryResourceAndTheMessageSaysNoRoleHoldsAnUnknownOne()
    {
        var policy = new MembershipPolicy();
        var nobody = new UserRecord("bank-a", "nobody", [], false, 1, []);
        foreach (var resource in Catalog.Resources)
        {
            Assert.Equal(ResultCodes.SignerLacksRole, policy.AuthorizeResource(nobody, resource.Id)?.Code);
        }
        var unknown = policy.AuthorizeResource(new UserRecord("bank-a", "all", Catalog.Roles.Select(r => r.Id).ToArray(), false, 1, []), "nothing.here");
        Assert.Equal(ResultCodes.SignerLacksRole, unknown?.Code);
        Assert.Contains("not in the role catalogue", unknown!.Message, StringComparison.Ordinal);
    }

    // ---- (c) reachability and kinds ----

    [Fact]
    public void EveryRegisteredActionIsANonPlannedActionResourceSomeRoleHolds()
    {
        var problems = new List<string>();
        foreach (var action in RegisteredActions())
        {
            var resource = Catalog.FindResource(action.FullName);
            if (resource is null)
            {
                problems.Add($"{action.FullName}: not in the catalogue (unreachable)");
                continue;
            }
            if (resource.Kind != "action")
            {
                problems.Add($"{action.FullName}: catalogue kind is '{resource.Kind}'");
            }
            if (resource.Planned)
            {
                problems.Add($"{action.FullName}: registered but marked planned");
            }
            if (HoldersByDefinition(action.FullName).Length == 0)
            {
                problems.Add($"{action.FullName}: no role holds it");
            }
        }
        Assert.Empty(problems);
    }

    [Fact]
    public void EveryNonPlannedActionResourceIsARegisteredAction()
    {
        var registered = RegisteredActions().Select(a => a.FullName).ToHashSet(StringComparer.Ordinal);
        var missing = Catalog.Resources.Where(r => r.Kind == "action" && !r.Planned && !registered.Contains(r.Id)).Select(r => r.Id).ToArray();
        Assert.Empty(missing);
        var plannedButRegistered = Catalog.Resources.Where(r => r.Planned && registered.Contains(r.Id)).Select(r => r.Id).ToArray();
        Assert.Empty(plannedButRegistered);
    }

    [Fact]
    public void FinancingReviewClerkCannotBeRegisteredAtAnEnterprise()
    {
        var chain = new TestChain();
        var key = CryptoSuites.GenerateKey("intl");
        var certificate = chain.Organisation("acme").Issue(key.PublicKey, "reviewer", DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs - 1000), DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs).AddYears(1));
        var receipt = chain.Run(chain.Next("acme/admin", "membership", "register-user",
            $"{{\"name\":\"reviewer\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[\"financing-review-clerk\"]}}"));
        Assert.Equal(MembershipCodes.RoleNotAllowed, receipt.Code);
        Assert.Contains("financing-review-clerk", receipt.Message, StringComparison.Ordinal);
        Assert.Null(MembershipState.ReadUser(chain.State, "acme", "reviewer"));
    }

    [Fact]
    public void NoRoleCanBeGivenAtAnOrganisationKindItIsNotFor()
    {
        // Every (role, kind the role is not for): register-user and set-roles at that kind's organisation are refused.
        var chain = fixture.Chain;
        var height = chain.Height + 1;
        var execution = chain.Engine.BeginBlock(new BlockContext(TestChain.ChainId, height, TestChain.GenesisMs + ((long)height * 1000), chain.Validator.PublicKey), chain.State);
        var nonces = new Dictionary<string, ulong>();
        var mismatches = new List<string>();
        var cases = 0;
        foreach (var role in Catalog.Roles)
        {
            foreach (var (kind, organisation) in PermissionMatrixFixture.OrganisationOfKind)
            {
                if (role.OrganisationKinds.Contains(kind))
                {
                    continue;
                }
                Assert.NotNull(Catalog.CheckRoleForKind(role.Id, kind));
                var admin = organisation + "/admin";
                var adminKey = chain.Key(admin);
                var signer = chain.IdOf(adminKey);
                var key = CryptoSuites.GenerateKey("intl");
                var certificate = chain.Organisation(organisation).Issue(key.PublicKey, "wrong-kind", DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs - 1000), DateTimeOffset.FromUnixTimeMilliseconds(TestChain.GenesisMs).AddYears(1));
                foreach (var (action, payload) in new[]
                {
                    ("register-user", $"{{\"name\":\"wrong-kind\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[\"{role.Id}\"]}}"),
                    ("set-roles", $"{{\"user\":\"admin\",\"roles\":[\"organisation-admin\",\"{role.Id}\"]}}"),
                })
                {
                    var nonce = nonces[admin] = nonces.GetValueOrDefault(admin, ExecutionEngine.ReadNonce(chain.State, signer)) + 1;
                    Assert.Null(execution.TryApply(chain.Tx(adminKey, nonce, "membership", action, payload, height + 10)));
                    cases++;
                    var receipt = execution.Receipts[^1];
                    if (receipt.Code != MembershipCodes.RoleNotAllowed)
                    {
                        mismatches.Add($"{role.Id} at {organisation} ({kind}) by {action}: {receipt.Code} {receipt.Message}");
                    }
                }
            }
        }
        Assert.Empty(mismatches);
        Assert.Equal(2 * Catalog.Roles.Sum(r => PermissionMatrixFixture.OrganisationOfKind.Count - r.OrganisationKinds.Count), cases);
        Assert.True(cases > 0);
    }

    [Fact]
    public void EveryRoleCanBeRegisteredAtEveryKindItIsFor()
    {
        // The fixture registered them all through the engine; each record holds its single role at the right kind.
        foreach (var (role, kind, user) in fixture.Users)
        {
            var record = fixture.Record(user);
            Assert.Equal([role], record.Roles);
            Assert.Equal(kind, MembershipState.ReadOrganisation(fixture.Chain.State, record.Organisation)!.Kind);
            Assert.Null(fixture.Chain.Engine.Policy.CheckSigner(fixture.Chain.State, record.Signers[0], fixture.Chain.Height + 1, fixture.Chain.NowMs));
        }
    }
}

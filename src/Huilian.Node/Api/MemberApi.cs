using System.Globalization;
using System.Text;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Credit;
using Huilian.Execution.Modules.Governance;
using Huilian.Execution.Modules.Membership;
using Huilian.Ledger;
using Huilian.Node.Hosting;

namespace Huilian.Node.Api;

/// <summary>
/// The authenticated part of the API: sign-in by signed challenge, and queries authorised by the caller's
/// organisation and roles — its users, governance, confidential sections addressed to it (decrypted here, logged),
/// credit-query logs, and for the regulator the access log. A bank's clerk cannot read another bank's records.
/// </summary>
public static class MemberApi
{
    public const string Unauthenticated = "Unauthenticated";
    public const string NotEntitled = "NotEntitled";

    public static void Map(RouteGroupBuilder v1)
    {
        v1.MapPost("/auth/challenge", Challenge).WithName("AuthChallenge")
            .WithSummary("A single-use challenge to sign with a registered certificate's key (valid 2 minutes)");
        v1.MapPost("/auth/token", Token).WithName("AuthToken")
            .WithSummary("Exchanges a signed challenge for a bearer token (valid 30 minutes) naming the user and organisation");
        v1.MapGet("/me", Me).WithName("Me").WithSummary("The signed-in user: organisation, roles and the resources they grant");
        v1.MapGet("/roles", Roles).WithName("Roles").WithSummary("The role catalogue: every role, the organisation kinds that may hold it, its resources (SAFE Table 08-02 for banks)");
        v1.MapGet("/organisations", Organisations).WithName("Organisations").WithSummary("Member organisations: id, name, kind, status, users (signed-in members)");
        v1.MapGet("/organisations/{id}/users", Users).WithName("OrganisationUsers")
            .WithSummary("An organisation's users, roles and certificates: its own admins, or the regulator");
        v1.MapGet("/gov/proposals", Proposals).WithName("GovernanceProposals").WithSummary("Governance proposals, newest first, with votes and outcome");
        v1.MapGet("/confidential/{transactionId}", Confidential).WithName("ReadConfidential")
            .WithSummary("Decrypts a transaction's confidential section for a recipient organisation's user (?purpose= why-code); every call is logged");
        v1.MapPost("/confidential/read", ConfidentialPage).WithName("ReadConfidentialPage")
            .WithSummary("Decrypts up to 100 transactions' confidential sections in one call ({\"ids\": [...], \"purpose\": why-code}); each read is logged");
        v1.MapGet("/credit/{enterprise}/queries", CreditQueries).WithName("CreditQueries")
            .WithSummary("Who queried an enterprise's credit information: the enterprise's own users, or the regulator");
        v1.MapGet("/audit/access-log", AccessLogEntries).WithName("AccessLog")
            .WithSummary("This node's log of confidential reads (regulator analysts); ?after=&limit=&organisation=");
    }

    private static IResult Challenge(NodeRuntime node)
    {
        var challenge = node.Sessions.NewChallenge();
        return challenge is null
            ? Problems.For(AdmissionResult.BusyCode, "Too many sign-ins are in progress; retry shortly.")
            : Results.Json(new { challenge = challenge.Value.Challenge, expiresAt = challenge.Value.ExpiresAt, signs = Core.Crypto.SignIn.Domain + "\\0<chainId>\\0<challenge>" });
    }

    public sealed record TokenRequest(string? PublicKey, string? Challenge, string? Signature);

    private static async Task<IResult> Token(HttpContext http, NodeRuntime node)
    {
        TokenRequest? request;
        try
        {
            if (http.Request.ContentLength is > 4096)
            {
                return Problems.For("RequestTooLarge", "A token request is at most 4 KiB.");
            }
            request = await JsonSerializer.DeserializeAsync<TokenRequest>(http.Request.Body, new JsonSerializerOptions(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow });
        }
        catch (JsonException)
        {
            return Problems.For("RequestMalformed", "Send {\"publicKey\": hex, \"challenge\": hex, \"signature\": hex}.");
        }
        if (request?.PublicKey is not { Length: 130 } || request.Challenge is not { Length: 64 } || request.Signature is not { Length: > 0 and <= 144 })
        {
            return Problems.For("RequestMalformed", "Send {\"publicKey\": 130 hex, \"challenge\": 64 hex, \"signature\": hex r‖s}.");
        }
        byte[] publicKey, signature;
        try
        {
            publicKey = Convert.FromHexString(request.PublicKey);
            signature = Convert.FromHexString(request.Signature);
        }
        catch (FormatException)
        {
            return Problems.For("RequestMalformed", "The public key and signature are hexadecimal.");
        }
        // The challenge is spent whatever happens next: a failed attempt cannot be retried with it.
        if (!node.Sessions.TakeChallenge(request.Challenge))
        {
            return Problems.For(Unauthenticated, "The challenge is unknown, used or expired; ask for a new one.", 401);
        }
        if (!node.Setup.Suite.Signatures.Verify(publicKey, SessionStore.SignedMessage(node.Setup.ChainId, request.Challenge), signature))
        {
            return Problems.For(Unauthenticated, "The signature over the challenge does not verify with this key.", 401);
        }
        var signerId = node.Setup.Engine.SignerId(publicKey);
        var refusal = CheckSigner(node, signerId, out var user, out _);
        if (refusal is not null)
        {
            return Problems.For(refusal.Code, refusal.Message, 401);
        }
        var session = node.Sessions.Create(signerId, user!.Organisation, user.Name);
        return session is null
            ? Problems.For(AdmissionResult.BusyCode, "Too many sessions are open; retry shortly.")
            : Results.Json(new { token = session.Token, expiresAt = session.ExpiresAt, user = user.Id, organisation = user.Organisation, roles = user.Roles });
    }

    private static Refusal? CheckSigner(NodeRuntime node, Hash32 signerId, out UserRecord? user, out OrganisationRecord? organisation)
    {
        var state = node.Chain.State;
        var policy = node.Setup.Engine.Policy as MembershipPolicy ?? new MembershipPolicy();
        // Queries use the same rule as transactions, at the next block: a revoked or expired certificate, a suspended
        // user or organisation loses access to reads as it loses the right to sign.
        return policy.Resolve(state, signerId, state.Height + 1, Math.Max(node.Chain.Head.TimeMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), out user, out organisation);
    }

    /// <summary>The caller, from its bearer token, re-checked against the newest state.</summary>
    internal sealed record Caller(Session Session, UserRecord User, OrganisationRecord Organisation)
    {
        public bool Holds(string resource) => RoleCatalog.Default.Grants(User.Roles, resource);

        public bool IsRegulator => Organisation.Kind == OrganisationKinds.Regulator;
    }

    internal static IResult? Authenticate(HttpContext http, NodeRuntime node, out Caller? caller)
    {
        caller = null;
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return Problems.For(Unauthenticated, "Sign in first: POST /v1/auth/challenge, sign it, POST /v1/auth/token, then send Authorization: Bearer <token>.", 401);
        }
        var session = node.Sessions.Find(header["Bearer ".Length..].Trim());
        if (session is null)
        {
            return Problems.For(Unauthenticated, "The token is unknown or expired; sign in again.", 401);
        }
        var refusal = CheckSigner(node, session.SignerId, out var user, out var organisation);
        if (refusal is not null)
        {
            node.Sessions.End(session.Token);
            return Problems.For(refusal.Code, refusal.Message + " The session is closed.", 401);
        }
        caller = new Caller(session, user!, organisation!);
        return null;
    }

    private static IResult Forbidden(string detail) => Problems.For(NotEntitled, detail, 403);

    private static IResult Me(HttpContext http, NodeRuntime node)
    {
        if (Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        var resources = RoleCatalog.Default.Resources.Where(r => caller!.Holds(r.Id)).Select(r => new { id = r.Id, r.Kind, zh = r.Chinese, en = r.English, planned = r.Planned, table = r.Table });
        return Results.Json(new
        {
            user = caller!.User.Id,
            organisation = new { id = caller.Organisation.Id, name = caller.Organisation.Name, kind = caller.Organisation.Kind },
            roles = caller.User.Roles,
            resources,
            hostsOrganisationKey = node.HostedKeys.ContainsKey(caller.Organisation.Id),
            sessionExpiresAt = caller.Session.ExpiresAt,
        });
    }

    private static IResult Roles() => Results.Json(new
    {
        roles = RoleCatalog.Default.Roles.Select(r => new { id = r.Id, zh = r.Chinese, en = r.English, organisationKinds = r.OrganisationKinds, resources = r.Resources }),
        resources = RoleCatalog.Default.Resources.Select(r => new { id = r.Id, kind = r.Kind, zh = r.Chinese, en = r.English, table = r.Table, tableModule = r.TableModule, planned = r.Planned }),
    });

    private static IResult Organisations(HttpContext http, NodeRuntime node)
    {
        if (Authenticate(http, node, out _) is { } problem)
        {
            return problem;
        }
        var state = node.Chain.State;
        return Results.Json(new
        {
            height = state.Height,
            organisations = MembershipState.ReadOrganisationIds(state).Select(id => MembershipState.ReadOrganisation(state, id)!).Select(o => new
            {
                id = o.Id,
                name = o.Name,
                kind = o.Kind,
                status = o.Suspended ? "suspended" : "active",
                users = o.UserCount,
                admittedAt = o.AdmittedAt,
                encryptionKeyId = node.Setup.Hash.Hash(o.EncryptionKey).ToString(),
                encryptionKey = Convert.ToHexStringLower(o.EncryptionKey),
            }),
        });
    }

    private static IResult Users(HttpContext http, NodeRuntime node, string id)
    {
        if (Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        var own = caller!.Organisation.Id == id;
        if (!caller.Holds("membership.list-users") || (!own && !caller.IsRegulator))
        {
            return Forbidden(own
                ? $"Listing users needs the role organisation-admin; '{caller.User.Id}' does not hold it."
                : $"'{caller.User.Id}' may list only its own organisation's users.");
        }
        var state = node.Chain.State;
        var organisation = MembershipState.ReadOrganisation(state, id);
        if (organisation is null)
        {
            return Problems.For("OrganisationNotFound", $"There is no organisation '{id}'.", 404);
        }
        var now = node.Chain.Head.TimeMs;
        return Results.Json(new
        {
            organisation = id,
            users = MembershipState.ReadUserNames(state, organisation).Select(name => MembershipState.ReadUser(state, id, name)!).Select(u => new
            {
                name = u.Name,
                roles = u.Roles,
                status = u.Suspended ? "suspended" : "active",
                registeredAt = u.RegisteredAt,
                certificates = u.Signers.Select(signer => (Id: signer, Record: MembershipState.ReadSigner(state, signer)!)).Select(entry => (entry.Id, c: entry.Record)).Select(entry => new
                {
                    keyId = entry.Id.ToString(),
                    serial = entry.c.SerialNumber,
                    notBefore = DateTimeOffset.FromUnixTimeMilliseconds(entry.c.NotBeforeMs),
                    notAfter = DateTimeOffset.FromUnixTimeMilliseconds(entry.c.NotAfterMs),
                    status = entry.c.RevokedAt != 0 ? "revoked" : entry.c.NotAfterMs < now ? "expired" : "valid",
                    revokedAt = entry.c.RevokedAt == 0 ? (ulong?)null : entry.c.RevokedAt,
                }),
            }),
        });
    }

    private static IResult Proposals(HttpContext http, NodeRuntime node, int? limit)
    {
        if (Authenticate(http, node, out _) is { } problem)
        {
            return problem;
        }
        var state = node.Chain.State;
        var count = GovernanceModule.ReadCount(state);
        var take = (ulong)Math.Clamp(limit ?? 50, 1, 500);
        var proposals = new List<object>();
        for (var id = count; id >= 1 && (ulong)proposals.Count < take; id--)
        {
            var p = GovernanceModule.ReadProposal(state, id)!;
            var tally = GovernanceModule.Tally(state, p.Votes);
            proposals.Add(new
            {
                id = p.Id,
                kind = p.Kind,
                summary = p.Summary,
                proposer = p.Proposer,
                createdAt = p.CreatedAt,
                votingEndsAt = p.Deadline,
                applyAtHeight = p.ApplyAtHeight == 0 ? (ulong?)null : p.ApplyAtHeight,
                status = p.Status == ProposalStatus.Open && state.Height > p.Deadline ? "expired" : p.Status.ToString().ToLowerInvariant(),
                effectiveHeight = p.EffectiveHeight == 0 ? (ulong?)null : p.EffectiveHeight,
                outcome = p.Outcome,
                tally = p.Status == ProposalStatus.Open ? tally.Explanation : null,
                votes = p.Votes.Select(v => new { organisation = v.Organisation, voter = v.Voter, approve = v.Approve, height = v.Height }),
            });
        }
        return Results.Json(new { height = state.Height, count, proposals });
    }

    private static IResult Confidential(HttpContext http, NodeRuntime node, string transactionId, string? purpose)
    {
        if (Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        if (purpose is null || !AccessLog.Purposes.Contains(purpose))
        {
            return Problems.For("PurposeRequired", $"Say why you read this: ?purpose= one of {string.Join(", ", AccessLog.Purposes)}.");
        }
        if (!Hash32.TryParse(transactionId, out var id))
        {
            return Problems.For("RequestMalformed", "A transaction id is 64 hexadecimal characters.");
        }
        var opened = OpenFor(node, caller!, id);
        // Logged and flushed before any data leaves the node; refused attempts are logged too.
        var entry = node.AccessLog.Append(DateTimeOffset.UtcNow, caller!.User.Id, caller.Organisation.Id, "confidential.read", id.ToString(), purpose, opened.Outcome);
        var readers = string.Join(", ", opened.Recipients);
        switch (opened.Outcome)
        {
            case Outcomes.NotFound:
                return Problems.For("TransactionNotFound", $"No committed transaction has id {id}.");
            case Outcomes.NoSection:
                return Problems.For("NoConfidentialSection", "This transaction has no confidential section.", 404);
            case Outcomes.NotRecipient:
                return Forbidden($"Organisation '{caller.Organisation.Id}' is not a recipient of this section; it is readable by {readers}.");
            case Outcomes.NotHosted:
                return Problems.For("KeyNotHostedHere", $"This node does not hold the data key of '{caller.Organisation.Id}'; read through your organisation's node.", 409);
            case Outcomes.Unreadable:
                return Problems.For("ConfidentialUnreadable", "The section's key or ciphertext does not open with this organisation's key (it was sealed wrongly).", 422);
        }
        var plaintext = opened.Plaintext!;
        string? text = null;
        try
        {
            text = new UTF8Encoding(false, true).GetString(plaintext);
        }
        catch (DecoderFallbackException)
        {
        }
        return Results.Json(new
        {
            transactionId = id.ToString(),
            height = opened.Height,
            action = opened.Action,
            recipients = opened.Recipients,
            text,
            base64 = text is null ? Convert.ToBase64String(plaintext) : null,
            accessLogSequence = entry.Sequence,
        });
    }

    public sealed record PageRequest(IReadOnlyList<string>? Ids, string? Purpose);

    /// <summary>The outcomes of opening a section, as the access log records them.</summary>
    private static class Outcomes
    {
        public const string Read = "read";
        public const string NotFound = "not found";
        public const string NoSection = "no confidential section";
        public const string NotRecipient = "refused: not a recipient";
        public const string NotHosted = "refused: key not hosted here";
        public const string Unreadable = "failed: does not decrypt";
    }

    /// <summary>One transaction's section as opened for a caller: the plaintext, or why not (<see cref="Outcomes"/>).</summary>
    private sealed record Opened(byte[]? Plaintext, string Outcome, string[] Recipients, ulong Height, string? Action);

    /// <summary>Opens one transaction's section for the caller, if its organisation is a recipient served by this node.</summary>
    private static Opened OpenFor(NodeRuntime node, Caller caller, Hash32 id)
    {
        var record = node.Chain.GetTransaction(id);
        if (record is null)
        {
            return new Opened(null, Outcomes.NotFound, [], 0, null);
        }
        var transaction = Transaction.Decode(record.Transaction, node.Setup.Hash);
        var action = transaction.Module + "." + transaction.Action;
        ConfidentialEnvelope? envelope;
        try
        {
            envelope = ConfidentialEnvelope.ReadOptional(PayloadReader.Parse(transaction.Payload), decode: true);
        }
        catch (ActionRefusedException)
        {
            envelope = null;
        }
        if (envelope is null)
        {
            return new Opened(null, Outcomes.NoSection, [], record.Height, action);
        }
        var state = node.Chain.State;
        var recipients = envelope.Recipients.Select(r => MembershipState.ReadEncryptionKeyOwner(state, r.KeyId) ?? "?").ToArray();
        if (!recipients.Contains(caller.Organisation.Id))
        {
            return new Opened(null, Outcomes.NotRecipient, recipients, record.Height, action);
        }
        if (!node.HostedKeys.TryGetValue(caller.Organisation.Id, out var key))
        {
            return new Opened(null, Outcomes.NotHosted, recipients, record.Height, action);
        }
        var plaintext = ConfidentialSections.Open(node.Setup.Suite.Name, key, envelope.Recipients.Select(r => (r.KeyId, r.WrappedKey!)).ToArray(),
            envelope.Nonce!, envelope.Ciphertext!, ConfidentialEnvelope.AssociatedData(node.Setup.ChainId, transaction.Module, transaction.Action));
        return new Opened(plaintext, plaintext is null ? Outcomes.Unreadable : Outcomes.Read, recipients, record.Height, action);
    }

    private static async Task<IResult> ConfidentialPage(HttpContext http, NodeRuntime node)
    {
        if (Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        PageRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<PageRequest>(http.Request.Body, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        catch (JsonException)
        {
            return Problems.For("RequestMalformed", "Send {\"ids\": [transaction ids], \"purpose\": why-code}.");
        }
        if (request?.Purpose is null || !AccessLog.Purposes.Contains(request.Purpose))
        {
            return Problems.For("PurposeRequired", $"Say why you read this: purpose is one of {string.Join(", ", AccessLog.Purposes)}.");
        }
        if (request.Ids is not { Count: > 0 and <= 100 })
        {
            return Problems.For("RequestMalformed", "Give 1 to 100 transaction ids.");
        }
        var ids = new List<Hash32>(request.Ids.Count);
        foreach (var text in request.Ids)
        {
            if (!Hash32.TryParse(text, out var id))
            {
                return Problems.For("RequestMalformed", $"'{text}' is not a transaction id (64 hexadecimal characters).");
            }
            ids.Add(id);
        }
        var opened = ids.Select(id => (Id: id, Result: OpenFor(node, caller!, id))).ToArray();
        // One flush for the page, before any plaintext leaves the node.
        node.AccessLog.AppendMany(DateTimeOffset.UtcNow, caller!.User.Id, caller.Organisation.Id, "confidential.read",
            opened.Select(o => (o.Id.ToString(), o.Result.Outcome)).ToArray(), request.Purpose);
        return Results.Json(new
        {
            items = opened.Select(o => new
            {
                transactionId = o.Id.ToString(),
                outcome = o.Result.Outcome,
                height = o.Result.Height,
                recipients = o.Result.Recipients,
                base64 = o.Result.Plaintext is null ? null : Convert.ToBase64String(o.Result.Plaintext),
            }),
        });
    }

    private static IResult CreditQueries(HttpContext http, NodeRuntime node, string enterprise, long? after, int? limit)
    {
        if (Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        var own = caller!.Organisation.Id == enterprise;
        if (!caller.Holds("credit.query-log") || (!own && !caller.IsRegulator))
        {
            return Forbidden($"The credit-query log of '{enterprise}' is visible to its own users and to the regulator.");
        }
        var state = node.Chain.State;
        var count = CreditModule.ReadQueryCount(state, enterprise);
        var start = (ulong)Math.Max(0, after ?? 0) + 1;
        var take = (ulong)Math.Clamp(limit ?? 100, 1, 1000);
        var queries = new List<object>();
        for (var sequence = start; sequence <= count && (ulong)queries.Count < take; sequence++)
        {
            var q = CreditModule.ReadQuery(state, enterprise, sequence)!;
            queries.Add(new
            {
                sequence = q.Sequence,
                bank = q.Bank,
                user = q.User,
                purpose = q.Purpose,
                height = q.Height,
                time = DateTimeOffset.FromUnixTimeMilliseconds(q.TimeMs),
                transactionId = q.TransactionId.ToString(),
            });
        }
        return Results.Json(new { enterprise, count, queries });
    }

    private static IResult AccessLogEntries(HttpContext http, NodeRuntime node, long? after, int? limit, string? organisation)
    {
        if (Authenticate(http, node, out var caller) is { } problem)
        {
            return problem;
        }
        if (!caller!.Holds("audit.access-log"))
        {
            return Forbidden("The access log is for regulator analysts (resource audit.access-log).");
        }
        var entries = node.AccessLog.Read(Math.Max(0, after ?? 0), Math.Clamp(limit ?? 100, 1, 1000), organisation);
        return Results.Json(new { node = node.Config.Name, total = node.AccessLog.Count, chainIntact = node.AccessLog.Verify() is null, entries });
    }
}

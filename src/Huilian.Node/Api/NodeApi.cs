using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Ledger;
using Huilian.Execution.Host;
using Huilian.Execution.Modules.Membership;
using Huilian.Execution.Modules.Evidence;
using Huilian.Ledger;
using Huilian.Ledger.Proofs;
using Huilian.Node.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Huilian.Node.Api;

/// <summary>The REST API of a node, version 1. Every error is problem+json with a stable code.</summary>
public static class NodeApi
{
    private static readonly TimeSpan WaitDefault = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WaitMax = TimeSpan.FromSeconds(60);

    public static void Map(WebApplication app)
    {
        var v1 = app.MapGroup("/v1");

        v1.MapPost("/transactions", SubmitTransaction)
            .WithName("SubmitTransaction")
            .WithSummary("Submit a signed transaction")
            .WithDescription("Body: the canonical transaction bytes (application/octet-stream) or {\"transaction\": \"<hex>\"}. "
                + "With ?wait=true the call returns once the transaction commits (or is dropped), up to timeoutMs. "
                + "Submitting an identical transaction again returns the same answer.")
            .Produces(200).Produces(202).ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(409).ProducesProblem(413).ProducesProblem(503);

        v1.MapPost("/transactions/batch", SubmitBatch)
            .WithName("SubmitTransactionBatch")
            .WithSummary("Submit up to 1,000 signed transactions at once; each gets its own result")
            .WithMetadata(new RequestSizeLimitAttribute(Limits.SubmitBatchBytesMax))
            .Produces(200).ProducesProblem(400).ProducesProblem(413);

        v1.MapGet("/transactions/{id}", GetTransaction)
            .WithName("GetTransaction")
            .WithSummary("A transaction, its status and receipt; ?proof=true adds its inclusion proof in the block")
            .Produces(200).ProducesProblem(400).ProducesProblem(404);

        v1.MapGet("/blocks/latest", (NodeRuntime node) => BlockAt(node, node.Chain.Head.Height))
            .WithName("GetLatestBlock").WithSummary("The newest committed block").Produces(200).ProducesProblem(404);
        v1.MapGet("/blocks/{height}", (NodeRuntime node, string height) =>
                ulong.TryParse(height, out var value) ? BlockAt(node, value) : Problems.For("RequestMalformed", "A block height is a whole number."))
            .WithName("GetBlockByHeight").WithSummary("A committed block by height").Produces(200).ProducesProblem(400).ProducesProblem(404);
        v1.MapGet("/blocks/by-hash/{hash}", GetBlockByHash)
            .WithName("GetBlockByHash").WithSummary("A committed block by hash").Produces(200).ProducesProblem(400).ProducesProblem(404);

        v1.MapGet("/state/{key}", GetState)
            .WithName("GetStateEntry")
            .WithSummary("A state entry by its key in hex; ?proof=true adds a proof against the newest header and its commit certificate")
            .Produces(200).ProducesProblem(400).ProducesProblem(404);

        v1.MapGet("/evidence/{hash}", GetEvidence)
            .WithName("GetEvidence")
            .WithSummary("The evidence record of a document hash, with a proof that verifies offline against the genesis validators")
            .Produces(200).ProducesProblem(400).ProducesProblem(404);

        v1.MapGet("/accounts/{account}", GetAccount)
            .WithName("GetAccount")
            .WithSummary("An account by id (hash of its public key) or public key, with its next nonce")
            .Produces(200).ProducesProblem(400).ProducesProblem(404);

        MemberApi.Map(v1);
        ReceivablesApi.Map(v1);
        WorkspaceApi.Map(v1);
        DashboardApi.Map(v1);
        ExplorerApi.Map(v1);

        v1.MapGet("/stream/blocks", (HttpContext http, BlockStream stream) => stream.Serve(http))
            .WithName("StreamBlocks")
            .WithSummary("Committed blocks as server-sent events: height, hash, time, transaction ids and result codes");

        v1.MapGet("/status", GetStatus).WithName("GetStatus").WithSummary("The node: chain, height, last hash, validators, consensus round, peers, version");
        v1.MapGet("/consensus", GetConsensus).WithName("GetConsensus")
            .WithSummary("The consensus round in progress: height, round, step, proposer, each validator's prevote and precommit as this node saw them, peers' rounds");
        v1.MapGet("/network/peers", GetPeers).WithName("GetPeers")
            .WithSummary("The node's peers from genesis: connected or not, address, frames in and out, penalty, ban, their last reported height and round");
        v1.MapGet("/genesis", GetGenesis).WithName("GetGenesis")
            .WithSummary("The chain's genesis document as this node has it: the trust anchor evidence proofs are verified against (compare its hash out of band)");
        v1.MapGet("/validators", GetValidators).WithName("GetValidators")
            .WithSummary("Every validator set of the chain, with the height each decides from (governance changes them, ADR 0012)");
        v1.MapGet("/misbehavior", GetMisbehavior).WithName("GetMisbehavior")
            .WithSummary("Every equivocation committed on chain: the validator, height, round, vote type, both conflicting votes, and the block that recorded it");
        app.MapGet("/health", (NodeRuntime node) => Results.Json(new { status = "ok", height = node.Chain.Head.Height }))
            .WithName("Health").WithSummary("200 while the node serves");
        app.MapGet("/metrics", (NodeRuntime node) =>
            {
                Interlocked.Exchange(ref node.Metrics.MempoolTransactions, node.Mempool.Count);
                Interlocked.Exchange(ref node.Metrics.MempoolBytes, node.Mempool.Bytes);
                return Results.Text(node.Metrics.Render(), "text/plain; version=0.0.4; charset=utf-8");
            })
            .WithName("Metrics").WithSummary("Prometheus text format");
    }

    public sealed record SubmitRequest(string Transaction);

    public sealed record SubmitBatchRequest(IReadOnlyList<string> Transactions);

    private static async Task<IResult> SubmitTransaction(HttpContext http, NodeRuntime node, bool? wait, int? timeoutMs)
    {
        var body = await ReadBody(http, Limits.RequestBodyBytesMax);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        byte[] encoded;
        if (IsJson(http.Request.ContentType))
        {
            var parsed = ParseSubmitJson(body.Bytes!);
            if (parsed.Problem is not null)
            {
                return parsed.Problem;
            }
            encoded = parsed.Bytes!;
        }
        else if (http.Request.ContentType is null || http.Request.ContentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            encoded = body.Bytes!;
        }
        else
        {
            return Problems.For("UnsupportedMediaType", "Send application/octet-stream (the transaction bytes) or application/json ({\"transaction\": \"<hex>\"}).");
        }

        var result = node.Mempool.Admit(encoded);
        node.Metrics.CountAdmission(result.Status == AdmissionStatus.Refused ? result.Refusal!.Code : result.Status.ToString());
        if (result.Status == AdmissionStatus.Accepted)
        {
            node.NotifyAdmitted(encoded);
        }
        switch (result.Status)
        {
            case AdmissionStatus.Refused:
                return Problems.For(result.Refusal!);
            case AdmissionStatus.Busy:
                http.Response.Headers.RetryAfter = "1";
                return Problems.For(result.Refusal!);
            case AdmissionStatus.AlreadyCommitted:
                return Committed(node, result.Id);
        }
        if (wait != true)
        {
            return Results.Json(new { id = result.Id.ToString(), status = "pending" }, statusCode: 202);
        }
        var timeout = timeoutMs is > 0 ? TimeSpan.FromMilliseconds(Math.Min(timeoutMs.Value, WaitMax.TotalMilliseconds)) : WaitDefault;
        var waiter = node.WaitFor(result.Id);
        // The transaction may have committed between admission and registering the waiter.
        if (node.Chain.ContainsTransaction(result.Id))
        {
            node.StopWaiting(result.Id);
            return Committed(node, result.Id);
        }
        try
        {
            var outcome = await waiter.WaitAsync(timeout, http.RequestAborted);
            return outcome.Dropped is not null ? Problems_For(outcome.Dropped, 409) : Committed(node, result.Id);
        }
        catch (TimeoutException)
        {
            return Results.Json(new { id = result.Id.ToString(), status = "pending" }, statusCode: 202);
        }
    }

    private static IResult Problems_For(Refusal refusal, int status) => Problems.For(refusal.Code, refusal.Message, status);

    private static async Task<IResult> SubmitBatch(HttpContext http, NodeRuntime node)
    {
        var body = await ReadBody(http, Limits.SubmitBatchBytesMax);
        if (body.Problem is not null)
        {
            return body.Problem;
        }
        List<string?> items;
        if (http.Request.ContentType is { } binary && binary.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            // Binary batch: each transaction as a 4-byte big-endian length and its canonical bytes. Half the bytes of
            // hex in JSON, and no text to decode: for bank systems sending in bulk, and the load generator.
            var split = SplitBinaryBatch(body.Bytes!);
            if (split.Problem is not null)
            {
                return split.Problem;
            }
            return AdmitBatch(node, split.Transactions!);
        }
        if (!IsJson(http.Request.ContentType))
        {
            return Problems.For("UnsupportedMediaType", "Send application/json: {\"transactions\": [\"<hex>\", ...]}, or application/octet-stream: (u32 length ‖ transaction)*.");
        }
        try
        {
            using var document = JsonDocument.Parse(body.Bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("transactions", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return Problems.For("RequestMalformed", "The body must be {\"transactions\": [\"<hex>\", ...]}.");
            }
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != "transactions")
                {
                    return Problems.For("RequestMalformed", $"Field '{property.Name}' is not known.");
                }
            }
            if (list.GetArrayLength() > Limits.SubmitBatchTransactionsMax)
            {
                return Problems.For("RequestTooLarge", $"A batch holds at most {Limits.SubmitBatchTransactionsMax} transactions.", 413);
            }
            items = [];
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    return Problems.For("RequestMalformed", "Each transaction is a hex string.");
                }
                items.Add(item.GetString());
            }
        }
        catch (JsonException exception)
        {
            return Problems.For("RequestMalformed", $"The body is not valid JSON: {exception.Message}");
        }

        var decoded = new byte[]?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            try
            {
                decoded[i] = Convert.FromHexString(items[i]!);
            }
            catch (FormatException)
            {
                decoded[i] = null;
            }
        }
        return AdmitBatch(node, decoded);
    }

    /// <summary>Splits (u32 big-endian length ‖ bytes)* (<see cref="TransactionBatch"/>) into transactions, bounded by the batch limits.</summary>
    private static (byte[]?[]? Transactions, IResult? Problem) SplitBinaryBatch(byte[] body)
    {
        var list = new List<byte[]?>();
        var position = 0;
        while (position < body.Length)
        {
            if (body.Length - position < 4)
            {
                return (null, Problems.For("RequestMalformed", "A binary batch is (4-byte big-endian length ‖ transaction)*; the body ends inside a length."));
            }
            var length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(position, 4));
            position += 4;
            if (length == 0 || length > Limits.TransactionBytesMax || length > body.Length - position)
            {
                return (null, Problems.For("RequestMalformed", $"A transaction in the batch claims {length} bytes; each is 1 to {Limits.TransactionBytesMax} and within the body."));
            }
            if (list.Count == Limits.SubmitBatchTransactionsMax)
            {
                return (null, Problems.For("RequestTooLarge", $"A batch holds at most {Limits.SubmitBatchTransactionsMax} transactions.", 413));
            }
            list.Add(body.AsSpan(position, (int)length).ToArray());
            position += (int)length;
        }
        return ([.. list], null);
    }

    private static IResult AdmitBatch(NodeRuntime node, byte[]?[] transactions)
    {
        var results = new object[transactions.Length];
        Parallel.For(0, transactions.Length, i =>
        {
            var encoded = transactions[i];
            if (encoded is null)
            {
                results[i] = new { id = (string?)null, status = "refused", code = ResultCodes.TransactionMalformed, message = "Not hexadecimal." };
                return;
            }
            var result = node.Mempool.Admit(encoded);
            node.Metrics.CountAdmission(result.Status == AdmissionStatus.Refused ? result.Refusal!.Code : result.Status.ToString());
            if (result.Status == AdmissionStatus.Accepted)
            {
                node.NotifyAdmitted(encoded);
            }
            results[i] = result.Status switch
            {
                AdmissionStatus.Accepted or AdmissionStatus.AlreadyPending => new { id = (string?)result.Id.ToString(), status = "pending", code = (string?)null, message = (string?)null },
                AdmissionStatus.AlreadyCommitted => new { id = (string?)result.Id.ToString(), status = "committed", code = (string?)null, message = (string?)null },
                AdmissionStatus.Busy => new { id = (string?)result.Id.ToString(), status = "busy", code = (string?)result.Refusal!.Code, message = (string?)result.Refusal.Message },
                _ => new { id = result.Id.IsZero ? null : (string?)result.Id.ToString(), status = "refused", code = (string?)result.Refusal!.Code, message = (string?)result.Refusal.Message },
            };
        });
        return Results.Json(new { results });
    }

    private static IResult Committed(NodeRuntime node, Hash32 id)
    {
        var record = node.Chain.GetTransaction(id);
        if (record is null)
        {
            return Results.Json(new { id = id.ToString(), status = "pending" }, statusCode: 202);
        }
        return Results.Json(new
        {
            id = id.ToString(),
            status = "committed",
            height = record.Height,
            index = record.Index,
            receipt = JsonViews.Receipt(Receipt.Decode(record.Receipt)),
        });
    }

    private static IResult GetTransaction(NodeRuntime node, string id, bool? proof)
    {
        if (!Hash32.TryParse(id, out var hash))
        {
            return Problems.For("RequestMalformed", "A transaction id is 64 hexadecimal characters.");
        }
        var record = node.Chain.GetTransaction(hash);
        if (record is null)
        {
            return node.Mempool.Contains(hash)
                ? Results.Json(new { id = hash.ToString(), status = "pending" })
                : Problems.For("TransactionNotFound", $"No committed or pending transaction has id {hash}.");
        }
        var transaction = Transaction.Decode(record.Transaction, node.Setup.Hash);
        return Results.Json(new
        {
            id = hash.ToString(),
            status = "committed",
            height = record.Height,
            index = record.Index,
            sequence = record.Sequence,
            transaction = JsonViews.Transaction(transaction, node.Setup.Engine.SignerId(transaction.Signer)),
            receipt = JsonViews.Receipt(Receipt.Decode(record.Receipt)),
            inclusionProof = proof == true ? JsonViews.MerkleProof(node.Chain.ProveTransaction(record)) : null,
            encoded = JsonViews.Hex(record.Transaction),
        });
    }

    private static IResult BlockAt(NodeRuntime node, ulong height)
    {
        var block = node.Chain.GetBlock(height);
        return block is null
            ? Problems.For("BlockNotFound", $"No block at height {height}; the newest is {node.Chain.Head.Height}.")
            : Results.Json(JsonViews.Block(block, node.Chain.ValidatorsAt(block.Height), node.Chain.GetBlockTransactions(block)));
    }

    private static IResult GetBlockByHash(NodeRuntime node, string hash)
    {
        if (!Hash32.TryParse(hash, out var value))
        {
            return Problems.For("RequestMalformed", "A block hash is 64 hexadecimal characters.");
        }
        var block = node.Chain.GetBlock(value);
        return block is null
            ? Problems.For("BlockNotFound", $"No block has hash {value}.")
            : Results.Json(JsonViews.Block(block, node.Chain.ValidatorsAt(block.Height), node.Chain.GetBlockTransactions(block)));
    }

    private static IResult GetState(NodeRuntime node, string key, bool? proof)
    {
        byte[] keyBytes;
        try
        {
            keyBytes = Convert.FromHexString(key);
        }
        catch (FormatException)
        {
            return Problems.For("RequestMalformed", "A state key is given in hexadecimal.");
        }
        if (keyBytes.Length == 0 || keyBytes.Length > Limits.StateKeyBytesMax)
        {
            return Problems.For("RequestMalformed", $"A state key is 1 to {Limits.StateKeyBytesMax} bytes.");
        }
        var state = node.Chain.State;
        var entry = state.GetEntry(keyBytes);
        if (entry is null && proof != true)
        {
            return Problems.For("StateEntryNotFound", "No state entry has this key.");
        }
        object? proofView = null;
        if (proof == true)
        {
            var block = node.Chain.GetBlock(state.Height);
            proofView = block is null ? null : new
            {
                height = state.Height,
                stateProof = JsonViews.Hex(state.Prove(keyBytes).Encode()),
                header = JsonViews.Hex(block.Header),
                commit = JsonViews.Hex(block.Commit),
            };
        }
        return Results.Json(new
        {
            key = JsonViews.Hex(keyBytes),
            exists = entry is not null,
            value = entry is null ? null : JsonViews.Hex(entry.Value),
            version = entry?.Version,
            height = state.Height,
            stateRoot = state.Root.ToString(),
            proof = proofView,
        });
    }

    private static IResult GetEvidence(NodeRuntime node, string hash)
    {
        if (!Hash32.TryParse(hash, out var documentHash))
        {
            return Problems.For("RequestMalformed", "A document hash is 64 hexadecimal characters.");
        }
        var state = node.Chain.State;
        var key = EvidenceModule.Key(documentHash);
        var value = state.Get(key);
        if (value is null)
        {
            return Problems.For("EvidenceNotFound", $"No evidence is recorded for {documentHash}.");
        }
        var block = node.Chain.GetBlock(state.Height);
        if (block is null)
        {
            return Problems.For("InternalError", "The block of the newest state is not readable.");
        }
        var proof = EvidenceProof.Create(node.Setup, state.Prove(key), BlockHeader.Decode(block.Header), CommitCertificate.Decode(block.Commit),
            EvidenceProof.TransitionsFor(node.Chain, block.Height));
        return Results.Json(new { record = proof.Record, proof });
    }

    private static IResult GetAccount(NodeRuntime node, string account)
    {
        Hash32 accountId;
        if (account.Length == 130)
        {
            try
            {
                accountId = node.Setup.Engine.SignerId(Convert.FromHexString(account));
            }
            catch (FormatException)
            {
                return Problems.For("RequestMalformed", "A public key is 130 hexadecimal characters.");
            }
        }
        else if (!Hash32.TryParse(account, out accountId))
        {
            return Problems.For("RequestMalformed", "Give an account id (64 hex) or a public key (130 hex).");
        }
        var state = node.Chain.State;
        var signer = MembershipState.ReadSigner(state, accountId);
        if (signer is null)
        {
            return Problems.For("AccountNotFound", $"No certificate is registered for key id {accountId}.");
        }
        var user = signer.IsNode ? null : MembershipState.ReadUser(state, signer.Organisation, signer.Holder);
        var organisation = MembershipState.ReadOrganisation(state, signer.Organisation);
        var nonce = ExecutionEngine.ReadNonce(state, accountId);
        var refusal = signer.IsNode ? null : node.Setup.Engine.Policy.CheckSigner(state, accountId, state.Height + 1, node.Chain.Head.TimeMs);
        return Results.Json(new
        {
            accountId = accountId.ToString(),
            organisation = signer.Organisation,
            organisationKind = organisation?.Kind,
            holder = signer.Holder,
            name = signer.Organisation + "/" + signer.Holder,
            kind = signer.IsNode ? "node" : "user",
            roles = user?.Roles ?? [],
            certificate = new
            {
                serial = signer.SerialNumber,
                notBefore = DateTimeOffset.FromUnixTimeMilliseconds(signer.NotBeforeMs),
                notAfter = DateTimeOffset.FromUnixTimeMilliseconds(signer.NotAfterMs),
                registeredAt = signer.RegisteredAt,
                revokedAt = signer.RevokedAt == 0 ? (ulong?)null : signer.RevokedAt,
            },
            canSign = refusal is null && !signer.IsNode,
            refusal = refusal is null ? null : new { code = refusal.Code, message = refusal.Message },
            nonce,
            nextNonce = nonce + 1,
            height = state.Height,
        });
    }

    private static IResult GetStatus(NodeRuntime node)
    {
        var head = node.Chain.Head;
        return Results.Json(new
        {
            node = node.Config.Name,
            version = NodeRuntime.Version,
            chainId = node.Setup.ChainId,
            suite = node.Setup.Suite.Name,
            genesisHash = node.Setup.GenesisHash.ToString(),
            height = head.Height,
            lastHash = head.Hash.ToString(),
            lastTime = head.Height == 0 ? null : JsonViews.Time(head.TimeMs),
            transactions = head.TransactionCount,
            stateRoot = head.StateRoot.ToString(),
            stateEntries = node.Chain.State.Count,
            ordering = node.Chain.NextValidators.Count == 1 ? "solo" : "bft",
            validatorIndex = node.ValidatorIndex,
            validatorSetHash = node.Chain.NextValidators.Hash.ToString(),
            validators = node.Chain.NextValidators.Validators.Select((v, i) => new { index = i, name = v.Name, publicKey = JsonViews.Hex(v.PublicKey), power = v.Power, organisation = v.Organisation.Length > 0 ? v.Organisation : null }),
            mempool = new { transactions = node.Mempool.Count, bytes = node.Mempool.Bytes },
            consensus = node.ReplicaStatus is { } replica
                ? new { height = replica.Height, round = replica.Round, step = replica.Step, proposer = replica.Proposer, syncing = replica.Syncing }
                : null,
            peers = new { connected = node.Transport.ConnectedPeers.Count, known = node.Setup.Genesis.Nodes.Count(n => n.Name != node.Config.Name) },
            startedAt = node.StartedAt.ToString("O"),
        });
    }

    private static IResult GetConsensus(NodeRuntime node)
    {
        if (node.ReplicaStatus is not { } replica)
        {
            return Problems.For("ConsensusNotStarted", "Consensus has not started yet on this node.", StatusCodes.Status503ServiceUnavailable);
        }
        return Results.Json(new
        {
            committedHeight = replica.CommittedHeight,
            height = replica.Height,
            round = replica.Round,
            step = replica.Step,
            proposer = replica.Proposer,
            proposerName = replica.Votes.FirstOrDefault(v => v.Index == replica.Proposer)?.Name,
            hasProposal = replica.HasProposal,
            lockedRound = replica.LockedRound,
            validRound = replica.ValidRound,
            validatorIndex = replica.ValidatorIndex,
            syncing = replica.Syncing,
            evidencePending = replica.EvidencePending,
            votes = replica.Votes.Select(v => new { index = v.Index, name = v.Name, power = v.Power, prevote = v.Prevote, precommit = v.Precommit }),
            peers = replica.Peers.Select(p => new { name = p.Name, committedHeight = p.CommittedHeight, height = p.Height, round = p.Round, step = p.Step }),
        });
    }

    private static IResult GetPeers(NodeRuntime node)
    {
        var views = node.ReplicaStatus?.Peers.ToDictionary(p => p.Name, StringComparer.Ordinal) ?? [];
        return Results.Json(new
        {
            node = node.Config.Name,
            peers = node.Transport.Describe().Select(p => new
            {
                name = p.Name,
                connected = p.Connected,
                remote = p.RemoteEndPoint,
                framesIn = p.FramesIn,
                framesOut = p.FramesOut,
                bytesIn = p.BytesIn,
                bytesOut = p.BytesOut,
                penalty = p.Penalty,
                bannedUntil = p.BannedUntil?.ToString("O"),
                committedHeight = views.TryGetValue(p.Name, out var view) ? view.CommittedHeight : (ulong?)null,
                height = view?.Height,
                round = view?.Round,
            }),
        });
    }

    private static IResult GetGenesis(NodeRuntime node) => Results.Text(node.Setup.Genesis.ToJson(), "application/json; charset=utf-8");

    private static IResult GetValidators(NodeRuntime node)
    {
        var history = node.Chain.Validators;
        var next = node.Chain.Head.Height + 1;
        return Results.Json(new
        {
            nextHeight = next,
            sets = history.Sets.Select(set => new
            {
                fromHeight = set.FromHeight,
                hash = set.Set.Hash.ToString(),
                totalPower = set.Set.TotalPower,
                quorumPower = set.Set.QuorumPower,
                validators = set.Set.Validators.Select((v, i) => new
                {
                    index = i,
                    name = v.Name,
                    publicKey = JsonViews.Hex(v.PublicKey),
                    power = v.Power,
                    organisation = v.Organisation.Length > 0 ? v.Organisation : null,
                }),
            }),
        });
    }

    private static IResult GetMisbehavior(NodeRuntime node)
    {
        return Results.Json(new
        {
            misbehavior = node.Chain.Misbehavior.Select(m => new
            {
                recordedAtHeight = m.Height,
                kind = "duplicate-vote",
                validator = m.Evidence.First.ValidatorIndex,
                // The index is into the set of the height the votes were cast at (sets change by governance).
                validatorName = node.Chain.ValidatorsAt(m.Evidence.First.Height) is var validators && m.Evidence.First.ValidatorIndex < validators.Count
                    ? validators.Validators[(int)m.Evidence.First.ValidatorIndex].Name : null,
                height = m.Evidence.First.Height,
                round = m.Evidence.First.Round,
                type = m.Evidence.First.Type.ToString().ToLowerInvariant(),
                votes = new[] { m.Evidence.First, m.Evidence.Second }.Select(v => new
                {
                    blockHash = v.IsNil ? "nil" : v.BlockHash.ToString(),
                    signature = JsonViews.Hex(v.Signature),
                }),
            }),
        });
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    private readonly record struct BodyRead(byte[]? Bytes, IResult? Problem);

    private static async Task<BodyRead> ReadBody(HttpContext http, long limit)
    {
        var feature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }
        if (http.Request.ContentLength > limit)
        {
            return new BodyRead(null, Problems.For("RequestTooLarge", $"The body is {http.Request.ContentLength} bytes; the limit is {limit}.", 413));
        }
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return new BodyRead(null, Problems.For("RequestTooLarge", $"The body exceeds the limit of {limit} bytes.", 413));
                }
                buffer.Write(chunk, 0, read);
            }
            return new BodyRead(buffer.ToArray(), null);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new BodyRead(null, Problems.For("RequestTooLarge", $"The body exceeds the limit of {limit} bytes.", 413));
        }
    }

    private static BodyRead ParseSubmitJson(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new BodyRead(null, Problems.For("RequestMalformed", "The body must be {\"transaction\": \"<hex>\"}."));
            }
            string? hex = null;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name != "transaction" || property.Value.ValueKind != JsonValueKind.String || hex is not null)
                {
                    return new BodyRead(null, Problems.For("RequestMalformed", $"The body must be {{\"transaction\": \"<hex>\"}}; field '{property.Name}' is not expected here."));
                }
                hex = property.Value.GetString();
            }
            if (hex is null)
            {
                return new BodyRead(null, Problems.For("RequestMalformed", "Field 'transaction' is required."));
            }
            return new BodyRead(Convert.FromHexString(hex), null);
        }
        catch (JsonException exception)
        {
            return new BodyRead(null, Problems.For("RequestMalformed", $"The body is not valid JSON: {exception.Message}"));
        }
        catch (FormatException)
        {
            return new BodyRead(null, Problems.For("RequestMalformed", "Field 'transaction' must be hexadecimal."));
        }
    }
}

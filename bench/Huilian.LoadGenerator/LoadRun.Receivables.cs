using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Modules.Registry;

namespace Huilian.LoadGenerator;

/// <summary>
/// The <c>receivables</c> workload: the whole export receivables financing lifecycle with document claims. Each
/// client is a customs publisher and a bank clerk holding the five Table 08-02 roles of the process; in each round
/// it takes <see cref="LoadOptions.Batch"/> fresh declarations through seven steps — publish (customs), verify,
/// apply with a claim of 80 % of the declaration, accept, review (approve), register the disbursement (the claim
/// becomes active under the guard), register full repayment (the claim is released) — one transaction per
/// declaration per step, each step's transactions in one request, waiting for their commits before the next step.
/// The committed rate counts every step's transactions; a lifecycle is seven of them.
/// </summary>
public sealed partial class LoadRun
{
    public const int ReceivablesStepsPerLifecycle = 7;

    private const long DeclarationValue = 10_000_000;   // US$100,000.00 in cents
    private const long FinancedAmount = 8_000_000;      // 80 %

    private static readonly string[] ClerkRoles =
        ["financing-proxy-clerk", "financing-acceptance-clerk", "financing-review-clerk", "financing-disbursement-clerk", "financing-repayment-clerk", "enabling-clerk"];

    private sealed class TradeClient(ISigningKey customs, ISigningKey clerk)
    {
        public ISigningKey Customs { get; } = customs;

        public ulong CustomsNonce { get; set; }

        public ISigningKey Clerk { get; } = clerk;

        public ulong ClerkNonce { get; set; }
    }

    private long _lifecycles;

    /// <summary>Registers a customs publisher and a bank clerk per client, and has the bank enable the enterprise (开通).</summary>
    private async Task<TradeClient[]> RegisterTradeClients(NodeApi api, CommitTracker tracker, ICryptoSuite suite, string chainId, CancellationToken cancellationToken)
    {
        var trade = options.Receivables ?? throw new InvalidOperationException("The receivables workload needs the bank's and customs' admins and CAs.");
        var clients = Enumerable.Range(0, options.Clients)
            .Select(_ => new TradeClient(CryptoSuites.GenerateKey(suite.Name), CryptoSuites.GenerateKey(suite.Name))).ToArray();
        await RegisterUsers(api, tracker, suite, chainId, trade.CustomsAdmin, trade.Customs, clients.Select(c => c.Customs).ToArray(), ["customs-publisher"], cancellationToken);
        await RegisterUsers(api, tracker, suite, chainId, trade.BankAdmin, trade.Bank, clients.Select(c => c.Clerk).ToArray(), ClerkRoles, cancellationToken);
        var first = clients[0];
        var enable = Transaction.Create(suite.Hash, first.Clerk, chainId, ++first.ClerkNonce, tracker.LatestHeight + ExpiryMarginBlocks, "credit", "enable",
            Encoding.UTF8.GetBytes($"{{\"enterprise\":\"{trade.Enterprise}\"}}"));
        var (_, code) = await SubmitAndWait(api, tracker, [enable], cancellationToken);
        if (code is not ("Ok" or "EnterpriseAlreadyEnabled"))
        {
            throw new InvalidOperationException($"Enabling enterprise '{trade.Enterprise}' at the bank failed: {code}.");
        }
        return clients;
    }

    private async Task RegisterUsers(NodeApi api, CommitTracker tracker, ICryptoSuite suite, string chainId, ISigningKey admin, OrganisationCredentials organisation,
        ISigningKey[] keys, string[] roles, CancellationToken cancellationToken)
    {
        var account = await api.Get("/v1/accounts/" + Convert.ToHexStringLower(admin.PublicKey), cancellationToken);
        var nonce = account.GetProperty("nextNonce").GetUInt64();
        var now = DateTimeOffset.UtcNow;
        var roleList = string.Join(",", roles.Select(r => $"\"{r}\""));
        foreach (var chunk in keys.Chunk(500))
        {
            var transactions = chunk.Select(key =>
            {
                var name = "bench-" + Convert.ToHexStringLower(key.PublicKey.AsSpan(1, 8));
                var certificate = organisation.Issue(key.PublicKey, name, now.AddMinutes(-10), now.AddDays(2));
                return Transaction.Create(suite.Hash, admin, chainId, nonce++, tracker.LatestHeight + ExpiryMarginBlocks, "membership", "register-user",
                    Encoding.UTF8.GetBytes($"{{\"name\":\"{name}\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[{roleList}]}}"));
            }).ToArray();
            var (_, code) = await SubmitAndWait(api, tracker, transactions, cancellationToken);
            if (code != "Ok")
            {
                throw new InvalidOperationException($"Registering {organisation.Id} users failed: {code}.");
            }
        }
    }

    /// <summary>Submits and waits for every commit; returns the first receipt code that is not Ok (or Ok).</summary>
    private static async Task<(string[] Codes, string Code)> SubmitAndWait(NodeApi api, CommitTracker tracker, Transaction[] transactions, CancellationToken cancellationToken)
    {
        var waits = transactions.Select(t => tracker.Track(t.Id, Stopwatch.GetTimestamp())).ToArray();
        var outcomes = await api.SubmitBatch(transactions.Select(t => t.EncodedArray).ToArray(), cancellationToken);
        if (outcomes.Any(o => !o.Accepted))
        {
            var refused = outcomes.First(o => !o.Accepted);
            foreach (var transaction in transactions)
            {
                tracker.Forget(transaction.Id);
            }
            return ([], refused.Code ?? refused.Status ?? "Refused");
        }
        var results = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(120), cancellationToken);
        var codes = results.Select(r => r.Code).ToArray();
        return (codes, codes.FirstOrDefault(c => c != "Ok") ?? "Ok");
    }

    private async Task ReceivablesWorker(TradeClient client, int index, NodeApi api, CommitTracker tracker, ICryptoSuite suite, string chainId, CancellationToken stop)
    {
        var trade = options.Receivables!;
        var hash = suite.Hash;
        var round = 0;
        while (!stop.IsCancellationRequested)
        {
            round++;
            var count = options.Batch;
            var numbers = Enumerable.Range(0, count).Select(i => $"{index}-{round}-{i}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4))}").ToArray();
            var secrets = Enumerable.Range(0, count).Select(_ => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12))).ToArray();
            var keys = numbers.Select((number, i) => DocumentKeys.Key(hash, DocumentTypes.CustomsDeclaration, number, secrets[i]).ToString()).ToArray();
            string Fields(int i, bool all) => DeclarationFields(hash, numbers[i], secrets[i], trade.Enterprise, all);

            // Publish (customs), verify, apply: payloads known up front.
            if (!await Step(client, api, tracker, suite, chainId, stop, customs: true, "registry", "publish-declaration", i =>
                    $"{{\"documents\":[{{\"key\":\"{keys[i]}\",\"type\":\"{DocumentTypes.CustomsDeclaration}\",\"value\":{DeclarationValue},\"currency\":\"USD\",\"fields\":{Fields(i, all: true)}}}]}}", count)
                || !await Step(client, api, tracker, suite, chainId, stop, customs: false, "registry", "verify", i =>
                    $"{{\"enterprise\":\"{trade.Enterprise}\",\"documents\":[{{\"key\":\"{keys[i]}\",\"type\":\"{DocumentTypes.CustomsDeclaration}\",\"value\":{DeclarationValue},\"currency\":\"USD\",\"fields\":{Fields(i, all: true)}}}]}}", count))
            {
                continue;
            }
            var applies = await StepWithIds(client, api, tracker, suite, chainId, stop, "receivables", "apply", i =>
                $"{{\"enterprise\":\"{trade.Enterprise}\",\"currency\":\"USD\",\"amount\":{FinancedAmount},\"documents\":[{{\"key\":\"{keys[i]}\",\"claim\":{FinancedAmount},\"fields\":{Fields(i, all: false)}}}]}}", count);
            if (applies is null)
            {
                continue;
            }
            // The financing ids come from the apply receipts (the ledger numbers financings).
            var financings = new string[count];
            for (var i = 0; i < count; i++)
            {
                var receipt = await api.Get("/v1/transactions/" + applies[i], CancellationToken.None);
                financings[i] = receipt.GetProperty("receipt").GetProperty("result").GetProperty("financing").GetString()!;
            }
            var ok = await Step(client, api, tracker, suite, chainId, stop, customs: false, "receivables", "accept", i => $"{{\"financing\":\"{financings[i]}\"}}", count)
                && await Step(client, api, tracker, suite, chainId, stop, customs: false, "receivables", "review", i => $"{{\"financing\":\"{financings[i]}\",\"decision\":\"approve\"}}", count)
                && await Step(client, api, tracker, suite, chainId, stop, customs: false, "receivables", "disburse", i =>
                    $"{{\"financing\":\"{financings[i]}\",\"amount\":{FinancedAmount},\"value-date\":\"2026-11-28\",\"rate-bp\":450,\"term-days\":90}}", count)
                && await Step(client, api, tracker, suite, chainId, stop, customs: false, "receivables", "repay", i =>
                    $"{{\"financing\":\"{financings[i]}\",\"amount\":{FinancedAmount},\"value-date\":\"2027-02-26\"}}", count);
            if (ok)
            {
                Interlocked.Add(ref _lifecycles, count);
            }
        }
    }

    private async Task<bool> Step(TradeClient client, NodeApi api, CommitTracker tracker, ICryptoSuite suite, string chainId, CancellationToken stop,
        bool customs, string module, string action, Func<int, string> payload, int count) =>
        await Submit(client, api, tracker, suite, chainId, stop, customs, module, action, payload, count) is not null;

    private Task<string[]?> StepWithIds(TradeClient client, NodeApi api, CommitTracker tracker, ICryptoSuite suite, string chainId, CancellationToken stop,
        string module, string action, Func<int, string> payload, int count) =>
        Submit(client, api, tracker, suite, chainId, stop, customs: false, module, action, payload, count);

    /// <summary>One step for the round's declarations: signs, submits, waits for the commits. Null when the step did not go through.</summary>
    private async Task<string[]?> Submit(TradeClient client, NodeApi api, CommitTracker tracker, ICryptoSuite suite, string chainId, CancellationToken stop,
        bool customs, string module, string action, Func<int, string> payload, int count)
    {
        if (stop.IsCancellationRequested)
        {
            return null;
        }
        var expiry = tracker.LatestHeight + ExpiryMarginBlocks;
        var transactions = new Transaction[count];
        for (var i = 0; i < count; i++)
        {
            var (key, nonce) = customs ? (client.Customs, ++client.CustomsNonce) : (client.Clerk, ++client.ClerkNonce);
            transactions[i] = Transaction.Create(suite.Hash, key, chainId, nonce, expiry, module, action, Encoding.UTF8.GetBytes(payload(i)));
            Interlocked.Add(ref _transactionBytes, transactions[i].Size);
            Interlocked.Increment(ref _transactionsBuilt);
        }
        var submitted = Stopwatch.GetTimestamp();
        var commits = transactions.Select(t => Observe(tracker, t.Id, submitted)).ToArray();
        var (delivered, refusedOtherwise) = await SubmitUntilAccepted(api, tracker, transactions, stop);
        Interlocked.Add(ref _submitted, count);
        string?[] codes;
        try
        {
            codes = await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(120), CancellationToken.None);
        }
        catch (TimeoutException)
        {
            codes = [];
        }
        if (!delivered || refusedOtherwise)
        {
            // Nonces of refused transactions were not used: continue from the node's view of both signers.
            await Resync(api, client);
            return null;
        }
        // A step whose receipts are not all Ok (counted by code in the report) ends this round's lifecycles.
        return codes.Length == count && codes.All(c => c == "Ok") ? transactions.Select(t => t.Id.ToString()).ToArray() : null;
    }

    /// <summary>
    /// Issue 5's batch-verification figure, end to end through a node: customs publishes <paramref name="documents"/>
    /// declarations (200 per transaction), then the bank's clerks verify all of them by key, value, currency and every
    /// field commitment (200 per transaction, the clients in parallel); the verify phase is timed from the first
    /// submission to the last commit. Every outcome is then read back from the receipts and counted.
    /// </summary>
    public async Task<BatchVerificationSummary> MeasureBatchVerification(int documents, IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        const int perTransaction = 200;
        var startedAt = DateTimeOffset.UtcNow;
        using var api = new NodeApi(options.Nodes[0]);
        var status = await api.Get("/v1/status", cancellationToken);
        var chainId = status.GetProperty("chainId").GetString()!;
        var suite = CryptoSuites.Get(status.GetProperty("suite").GetString()!);
        await using var tracker = new CommitTracker();
        await tracker.Start(api.Http, status.GetProperty("height").GetUInt64());
        progress?.Report(new LoadProgress("Registering users", 0, 0, 0, 0, 0));
        var clients = await RegisterTradeClients(api, tracker, suite, chainId, cancellationToken);
        var trade = options.Receivables!;
        var hash = suite.Hash;
        var numbers = Enumerable.Range(0, documents).Select(i => $"bv-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6))}-{i}").ToArray();
        var secrets = Enumerable.Range(0, documents).Select(_ => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12))).ToArray();
        string Item(int i)
        {
            var key = DocumentKeys.Key(hash, DocumentTypes.CustomsDeclaration, numbers[i], secrets[i]);
            var fields = DeclarationFields(hash, numbers[i], secrets[i], trade.Enterprise, all: true);
            return $"{{\"key\":\"{key}\",\"type\":\"{DocumentTypes.CustomsDeclaration}\",\"value\":{DeclarationValue},\"currency\":\"USD\",\"fields\":{fields}}}";
        }
        var chunks = Enumerable.Range(0, documents).Chunk(perTransaction).ToArray();

        // Each client takes every n-th chunk; its transactions go in requests of --batch, each request's commits awaited.
        async Task<(double Seconds, List<string> Ids)> Phase(string phase, bool customs, string action, Func<int[], string> payload)
        {
            var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
            {
                var mine = chunks.Where((_, c) => c % clients.Length == index).ToArray();
                foreach (var request in mine.Chunk(Math.Max(1, options.Batch)))
                {
                    var expiry = tracker.LatestHeight + ExpiryMarginBlocks;
                    var transactions = request.Select(chunk =>
                    {
                        var (key, nonce) = customs ? (client.Customs, ++client.CustomsNonce) : (client.Clerk, ++client.ClerkNonce);
                        return Transaction.Create(suite.Hash, key, chainId, nonce, expiry, "registry", action, Encoding.UTF8.GetBytes(payload(chunk)));
                    }).ToArray();
                    var (codes, code) = await SubmitAndWait(api, tracker, transactions, cancellationToken);
                    if (code != "Ok")
                    {
                        throw new InvalidOperationException($"{phase}: a transaction was refused or failed ({code}).");
                    }
                    foreach (var transaction in transactions)
                    {
                        ids.Add(transaction.Id.ToString());
                    }
                }
            }, cancellationToken)));
            var seconds = clock.Elapsed.TotalSeconds;
            progress?.Report(new LoadProgress(phase, seconds, ids.Count, 0, ids.Count / Math.Max(0.001, seconds), 0));
            return (seconds, ids.ToList());
        }

        progress?.Report(new LoadProgress("Publishing", 0, 0, 0, 0, 0));
        var (publishSeconds, _) = await Phase("Published", customs: true, "publish-declaration", chunk => $"{{\"documents\":[{string.Join(",", chunk.Select(Item))}]}}");
        progress?.Report(new LoadProgress("Verifying", 0, 0, 0, 0, 0));
        var (verifySeconds, verifyIds) = await Phase("Verified", customs: false, "verify",
            chunk => $"{{\"enterprise\":\"{trade.Enterprise}\",\"documents\":[{string.Join(",", chunk.Select(Item))}]}}");
        long matched = 0, failed = 0;
        foreach (var id in verifyIds)
        {
            var result = (await api.Get("/v1/transactions/" + id, cancellationToken)).GetProperty("receipt").GetProperty("result");
            matched += result.GetProperty("matched").GetInt64();
            failed += result.GetProperty("failed").GetInt64();
        }
        return new BatchVerificationSummary(documents, perTransaction, clients.Length, publishSeconds, verifySeconds, documents / verifySeconds, matched, failed,
            startedAt.ToString("O"));
    }

    /// <summary>The field commitments of a workload declaration: all four fields as published, or the owner alone (an application's claim).</summary>
    private static string DeclarationFields(IHashFunction hash, string number, string secret, string enterprise, bool all)
    {
        var values = new Dictionary<string, string> { [DocumentTypes.OwnerField] = enterprise };
        if (all)
        {
            values["goods"] = "garments";
            values["export-date"] = "2026-11-20";
            values["port"] = "CNSHA";
        }
        return DocumentKeys.CommitmentsJson(hash, DocumentTypes.CustomsDeclaration, number, secret, values);
    }

    private static async Task Resync(NodeApi api, TradeClient client)
    {
        client.CustomsNonce = (await api.Get("/v1/accounts/" + Convert.ToHexStringLower(client.Customs.PublicKey), CancellationToken.None)).GetProperty("nextNonce").GetUInt64() - 1;
        client.ClerkNonce = (await api.Get("/v1/accounts/" + Convert.ToHexStringLower(client.Clerk.PublicKey), CancellationToken.None)).GetProperty("nextNonce").GetUInt64() - 1;
    }
}

/// <summary>Who the receivables workload acts as: the bank and customs admins (with their CAs, to issue users) and the enterprise financed.</summary>
public sealed record ReceivablesParties(ISigningKey BankAdmin, OrganisationCredentials Bank, ISigningKey CustomsAdmin, OrganisationCredentials Customs, string Enterprise);

/// <summary>What the batch-verification measurement found: documents verified per second through the node, end to end.</summary>
public sealed record BatchVerificationSummary(
    int Documents,
    int DocumentsPerTransaction,
    int Clients,
    double PublishSeconds,
    double VerifySeconds,
    double DocumentsVerifiedPerSecond,
    long Matched,
    long Failed,
    string StartedAt);

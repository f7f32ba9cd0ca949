using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Crypto;

namespace Huilian.LoadGenerator;

/// <summary>
/// One load run: registers a key per client, warms up, measures for a fixed duration, drains, checks that every
/// acknowledged transaction is on the chain, and measures the machine's verification ceiling.
/// Closed loop: each client submits a request and waits for its commits before the next. Open loop: transactions
/// are due at a fixed rate whatever the node does, so queueing shows up as latency.
/// </summary>
public sealed partial class LoadRun(LoadOptions options)
{
    private const int ExpiryMarginBlocks = 5_000;

    private readonly ConcurrentDictionary<string, long> _refusals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _receiptCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<(long Commit, double LatencyMs)> _samples = [];
    private readonly ConcurrentBag<Hash32> _acknowledged = [];
    private long _submitted;
    private long _committed;

    public async Task<LoadReport> Run(IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var apis = options.Nodes.Select(url => new NodeApi(url)).ToArray();
        try
        {
            var status = await apis[0].Get("/v1/status", cancellationToken);
            var chainId = status.GetProperty("chainId").GetString()!;
            var suiteName = status.GetProperty("suite").GetString()!;
            var suite = CryptoSuites.Get(suiteName);
            var validators = Math.Max(options.Validators, status.GetProperty("validators").GetArrayLength());

            progress?.Report(new LoadProgress("Measuring the verification ceiling", 0, 0, 0, 0, 0));
            var ceilingRate = MeasureVerificationRate(suiteName, options.CeilingMeasurement);

            await using var tracker = new CommitTracker();
            var startHeight = status.GetProperty("height").GetUInt64();
            await tracker.Start(apis[0].Http, startHeight);

            progress?.Report(new LoadProgress("Registering client keys", 0, 0, 0, 0, 0));
            var receivables = options.Workload == "receivables";
            if (receivables && options.Rate is not null)
            {
                throw new InvalidOperationException("The receivables workload runs closed loop only: each step waits for the one before.");
            }
            var clients = receivables && options.Preload == 0 ? [] : await RegisterClients(apis[0], tracker, suite, chainId, cancellationToken);
            var trade = receivables ? await RegisterTradeClients(apis[0], tracker, suite, chainId, cancellationToken) : null;
            // The keys were registered through the first node: the others must have those blocks before they are sent
            // the clients' transactions, or they refuse them as from unknown signers.
            await WaitForHeight(apis, tracker.LatestHeight, cancellationToken);
            SealSections(suite, chainId);

            if (options.Preload > 0)
            {
                await Preload(apis, tracker, clients, suite, chainId, progress, cancellationToken);
            }
            if (options.PresignedBatches > 0)
            {
                progress?.Report(new LoadProgress("Presigning", 0, 0, 0, 0, 0));
                Presign(clients, suite, chainId, tracker.LatestHeight + ExpiryMarginBlocks);
            }

            var entriesAtStart = (await apis[0].Get("/v1/status", cancellationToken)).GetProperty("stateEntries").GetInt64();
            var clock = Stopwatch.StartNew();
            var warmupEnd = Stopwatch.GetTimestamp() + ToTicks(options.Warmup);
            var measureEnd = warmupEnd + ToTicks(options.Duration);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var pacer = options.Rate is { } rate ? new Pacer(rate, clients.Length) : null;
            var workers = trade is not null
                ? trade.Select((client, index) => Task.Run(() =>
                    ReceivablesWorker(client, index, apis[index % apis.Length], tracker, suite, chainId, stop.Token))).ToArray()
                : clients.Select((client, index) => Task.Run(() =>
                    Worker(client, index, apis[index % apis.Length], tracker, suite, chainId, pacer, stop.Token))).ToArray();

            var reporter = Task.Run(async () =>
            {
                long lastCommitted = 0;
                var lastTime = clock.Elapsed.TotalSeconds;
                while (!stop.IsCancellationRequested)
                {
                    await Task.Delay(1000, CancellationToken.None);
                    var now = clock.Elapsed.TotalSeconds;
                    var committed = Interlocked.Read(ref _committed);
                    var recent = _samples.Where(s => s.Commit >= Stopwatch.GetTimestamp() - Stopwatch.Frequency).Select(s => s.LatencyMs).ToArray();
                    var phase = Stopwatch.GetTimestamp() < warmupEnd ? "Warming up" : Stopwatch.GetTimestamp() < measureEnd ? "Measuring" : "Draining";
                    progress?.Report(new LoadProgress(phase, now, committed, _refusals.Values.Sum(), (committed - lastCommitted) / Math.Max(0.001, now - lastTime), Percentile(recent, 0.99)));
                    lastCommitted = committed;
                    lastTime = now;
                }
            }, CancellationToken.None);

            var remaining = measureEnd - Stopwatch.GetTimestamp();
            if (remaining > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency), cancellationToken);
            }
            await stop.CancelAsync();
            await Task.WhenAll(workers);
            var drainUntil = Stopwatch.GetTimestamp() + ToTicks(options.Drain);
            while (tracker.InFlight > 0 && Stopwatch.GetTimestamp() < drainUntil)
            {
                await Task.Delay(50, CancellationToken.None);
            }
            // What has not committed by now is not waited for. Every observation then finishes (committed or given
            // up), and the counts below are read only once all have been recorded: in open loop nothing else awaits them.
            tracker.ForgetAll();
            while (Interlocked.Read(ref _observing) > 0)
            {
                await Task.Delay(5, CancellationToken.None);
            }
            await reporter;

            var endHeight = tracker.LatestHeight;
            var entriesAtEnd = (await apis[0].Get("/v1/status", cancellationToken)).GetProperty("stateEntries").GetInt64();
            progress?.Report(new LoadProgress("Checking acknowledged transactions on chain", clock.Elapsed.TotalSeconds, Interlocked.Read(ref _committed), 0, 0, 0));
            var verification = await VerifyOnChain(apis[0], startHeight, endHeight, cancellationToken);
            var pageRead = await MeasurePageRead(apis[0], chainId, suite, cancellationToken);

            var window = _samples.Where(s => s.Commit >= warmupEnd && s.Commit < measureEnd).ToArray();
            var latencies = window.Select(s => s.LatencyMs).Order().ToArray();
            var committedPerSecond = window.Length / options.Duration.TotalSeconds;
            return new LoadReport
            {
                Workload = options.Workload,
                Mode = options.Rate is null ? "closed-loop" : "open-loop",
                TargetRatePerSecond = options.Rate,
                Clients = options.Clients,
                Batch = options.Batch,
                WarmupSeconds = options.Warmup.TotalSeconds,
                DurationSeconds = options.Duration.TotalSeconds,
                ChainId = chainId,
                Suite = suiteName,
                Nodes = apis.Length,
                Validators = validators,
                StartHeight = startHeight,
                EndHeight = endHeight,
                StateEntriesAtStart = entriesAtStart,
                StateEntriesAtEnd = entriesAtEnd,
                Submitted = Interlocked.Read(ref _submitted),
                Committed = Interlocked.Read(ref _committed),
                CommittedPerSecond = committedPerSecond,
                Latency = new LatencySummary(latencies.Length, Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99),
                    latencies.Length == 0 ? 0 : latencies[^1], latencies.Length == 0 ? 0 : latencies.Average()),
                Refusals = new SortedDictionary<string, long>(_refusals, StringComparer.Ordinal),
                ReceiptCodes = new SortedDictionary<string, long>(_receiptCodes, StringComparer.Ordinal),
                Timeline = Timeline(window, warmupEnd),
                Ceiling = new CeilingSummary(suite.Signatures.Name, Environment.ProcessorCount, ceilingRate, validators, ceilingRate / validators,
                    ceilingRate == 0 ? 0 : committedPerSecond / (ceilingRate / validators)),
                Verification = verification,
                Machine = new MachineSummary(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription),
                StartedAt = startedAt.ToString("O"),
                TransactionBytesMean = Interlocked.Read(ref _transactionsBuilt) == 0 ? 0 : (double)Interlocked.Read(ref _transactionBytes) / Interlocked.Read(ref _transactionsBuilt),
                ConfidentialPageRead = pageRead,
                LifecyclesCompleted = receivables ? Interlocked.Read(ref _lifecycles) : null,
                PresignedBatches = receivables ? 0 : options.PresignedBatches,
            };
        }
        finally
        {
            foreach (var api in apis)
            {
                api.Dispose();
            }
        }
    }

    private static async Task WaitForHeight(NodeApi[] apis, ulong height, CancellationToken cancellationToken)
    {
        foreach (var api in apis.Skip(1))
        {
            var deadline = Stopwatch.StartNew();
            while ((await api.Get("/v1/status", cancellationToken)).GetProperty("height").GetUInt64() < height)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"The node at {api.BaseUrl} did not reach height {height} within 60 s.");
                }
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private sealed class Client(ISigningKey key)
    {
        public ISigningKey Key { get; } = key;

        public ulong Nonce { get; set; }

        /// <summary>Transactions signed before the run (<see cref="LoadOptions.PresignedBatches"/> batches' worth), taken in nonce order.</summary>
        public Queue<Transaction> Presigned { get; } = new();
    }

    /// <summary>
    /// Signs each client's first batches before warm-up, so that in the window the generator, which shares the
    /// machine's cores with the nodes, does not spend them on signatures. Payloads are as the worker builds them.
    /// </summary>
    private void Presign(Client[] clients, ICryptoSuite suite, string chainId, ulong expiry)
    {
        if (options.PresignedBatches <= 0 || options.Workload == "receivables")
        {
            return;
        }
        Parallel.ForEach(clients, client =>
        {
            var payloadHash = new byte[32];
            for (var i = 0; i < options.PresignedBatches * options.Batch; i++)
            {
                client.Presigned.Enqueue(EvidenceTransaction(client, suite, chainId, expiry, payloadHash));
            }
        });
    }

    private Transaction EvidenceTransaction(Client client, ICryptoSuite suite, string chainId, ulong expiry, byte[] payloadHash)
    {
        // Fresh random document hashes: runs against the same chain must not collide with earlier ones.
        System.Security.Cryptography.RandomNumberGenerator.Fill(payloadHash);
        ++client.Nonce;
        var transaction = Transaction.Create(suite.Hash, client.Key, chainId, client.Nonce, expiry, "evidence", "record",
            Encoding.UTF8.GetBytes($"{{\"hash\":\"{Convert.ToHexStringLower(payloadHash)}\",\"type\":\"bench\"{Section(client.Nonce)}}}"));
        Interlocked.Add(ref _transactionBytes, transaction.Size);
        Interlocked.Increment(ref _transactionsBuilt);
        return transaction;
    }

    private async Task<Client[]> RegisterClients(NodeApi api, CommitTracker tracker, ICryptoSuite suite, string chainId, CancellationToken cancellationToken)
    {
        var account = await api.Get("/v1/accounts/" + Convert.ToHexStringLower(options.Admin.PublicKey), cancellationToken);
        var nonce = account.GetProperty("nextNonce").GetUInt64();
        var clients = Enumerable.Range(0, options.Clients).Select(_ => new Client(CryptoSuites.GenerateKey(suite.Name))).ToArray();
        var expiry = tracker.LatestHeight + ExpiryMarginBlocks;
        var now = DateTimeOffset.UtcNow;
        foreach (var chunk in clients.Chunk(500))
        {
            var transactions = chunk.Select(client =>
            {
                var name = "bench-" + Convert.ToHexStringLower(client.Key.PublicKey.AsSpan(1, 8));
                var certificate = options.Organisation.Issue(client.Key.PublicKey, name, now.AddMinutes(-10), now.AddDays(2));
                return Transaction.Create(suite.Hash, options.Admin, chainId, nonce++, expiry, "membership", "register-user",
                    Encoding.UTF8.GetBytes($"{{\"name\":\"{name}\",\"certificate\":\"{Convert.ToBase64String(certificate)}\",\"roles\":[\"evidence-recorder\"]}}"));
            }).ToArray();
            var waits = transactions.Select(t => tracker.Track(t.Id, Stopwatch.GetTimestamp())).ToArray();
            var outcomes = await api.SubmitBatch(transactions.Select(t => t.EncodedArray).ToArray(), cancellationToken);
            if (outcomes.FirstOrDefault(o => !o.Accepted) is { Status: not null } failed && !failed.Accepted)
            {
                throw new InvalidOperationException($"Registering client keys was refused: {failed.Code}.");
            }
            var results = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            if (results.FirstOrDefault(r => r.Code != "Ok") is { Code: not null } bad && bad.Code != "Ok")
            {
                throw new InvalidOperationException($"Registering client keys failed: {bad.Code}.");
            }
        }
        return clients;
    }

    /// <summary>
    /// Confidential sections sealed before the run (sealing costs the client two ECDH per record; sharing these two
    /// cores with the node, that would measure the client). Each record carries one of them, in turn.
    /// </summary>
    private string[] _sections = [];

    private void SealSections(ICryptoSuite suite, string chainId)
    {
        if (options.Workload != "evidence-confidential")
        {
            return;
        }
        if (options.ConfidentialRecipients.Count == 0)
        {
            throw new InvalidOperationException("The evidence-confidential workload needs recipients' data-encryption keys.");
        }
        var associatedData = Execution.Host.ConfidentialEnvelope.AssociatedData(chainId, "evidence", "record");
        _sections = Enumerable.Range(0, 256).Select(i =>
        {
            var plaintext = System.Security.Cryptography.RandomNumberGenerator.GetBytes(options.ConfidentialBytes);
            return ",\"confidential\":" + ConfidentialSections.Seal(suite.Name, plaintext, options.ConfidentialRecipients, associatedData).ToJson();
        }).ToArray();
    }

    private const int PageReadRecords = 100;

    /// <summary>The first records committed with receipt Ok: the page the confidential reader reads.</summary>
    private readonly ConcurrentQueue<Hash32> _sampleIds = new();
    private long _observing;
    private long _transactionBytes;
    private long _transactionsBuilt;

    /// <summary>Signs in as the reader and reads the first 100 records committed with receipt Ok in one call, five times.</summary>
    private async Task<PageReadSummary?> MeasurePageRead(NodeApi api, string chainId, ICryptoSuite suite, CancellationToken cancellationToken)
    {
        if (options.ConfidentialReader is not { } reader || _sections.Length == 0)
        {
            return null;
        }
        using var challengeResponse = await api.Http.PostAsync("/v1/auth/challenge", null, cancellationToken);
        using var challengeJson = System.Text.Json.JsonDocument.Parse(await challengeResponse.Content.ReadAsStringAsync(cancellationToken));
        var challenge = challengeJson.RootElement.GetProperty("challenge").GetString()!;
        var signature = reader.Sign(SignIn.Message(chainId, challenge));
        using var tokenResponse = await api.Http.PostAsync("/v1/auth/token", new StringContent(System.Text.Json.JsonSerializer.Serialize(new
        {
            publicKey = Convert.ToHexStringLower(reader.PublicKey),
            challenge,
            signature = Convert.ToHexStringLower(signature),
        }), Encoding.UTF8, "application/json"), cancellationToken);
        using var tokenJson = System.Text.Json.JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync(cancellationToken));
        if (!tokenResponse.IsSuccessStatusCode)
        {
            throw new InvalidOperationException("The confidential reader could not sign in: " + tokenJson.RootElement);
        }
        var token = tokenJson.RootElement.GetProperty("token").GetString()!;
        var user = tokenJson.RootElement.GetProperty("user").GetString()!;
        var ids = _sampleIds.Take(PageReadRecords).Select(id => id.ToString()).ToArray();
        if (ids.Length == 0)
        {
            throw new InvalidOperationException("No confidential record was committed with receipt Ok: there is no page to read.");
        }
        var body = System.Text.Json.JsonSerializer.Serialize(new { ids, purpose = "audit" });
        var times = new List<double>();
        var decrypted = 0;
        for (var run = 0; run < 5; run++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/confidential/read") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var started = Stopwatch.GetTimestamp();
            using var response = await api.Http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            using var page = System.Text.Json.JsonDocument.Parse(text);
            var read = response.IsSuccessStatusCode ? page.RootElement.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("outcome").GetString() == "read") : 0;
            if (read == 0)
            {
                throw new InvalidOperationException($"The page read decrypted none of {ids.Length} records: {text[..Math.Min(400, text.Length)]}");
            }
            decrypted = read;
        }
        var sorted = times.Order().ToArray();
        // Records counts what decrypted: every record of the page was committed, so all of them unless a read failed.
        return new PageReadSummary(user, decrypted, sorted.Length, sorted[sorted.Length / 2], sorted[0], sorted[^1]);
    }

    private string Section(ulong nonce) => _sections.Length == 0 ? "" : _sections[(int)(nonce % (ulong)_sections.Length)];

    private async Task Worker(Client client, int index, NodeApi api, CommitTracker tracker, ICryptoSuite suite, string chainId,
        Pacer? pacer, CancellationToken stop)
    {
        var payloadHash = new byte[32];
        var inFlight = new List<Task>();
        while (!stop.IsCancellationRequested)
        {
            var count = options.Batch;
            if (pacer is not null)
            {
                count = await pacer.Take(index, options.Batch, stop);
                if (count == 0)
                {
                    continue;
                }
            }
            var expiry = tracker.LatestHeight + ExpiryMarginBlocks;
            // Presigned transactions first, in nonce order; once they run out, signed now (their nonces follow).
            var transactions = new Transaction[count];
            for (var i = 0; i < count; i++)
            {
                transactions[i] = client.Presigned.TryDequeue(out var presigned) ? presigned : EvidenceTransaction(client, suite, chainId, expiry, payloadHash);
            }
            var submitted = Stopwatch.GetTimestamp();
            var commits = transactions.Select(t => Observe(tracker, t.Id, submitted)).ToArray();
            var (delivered, refusedOtherwise) = await SubmitUntilAccepted(api, tracker, transactions, stop);
            if (!delivered)
            {
                break;
            }
            if (refusedOtherwise && pacer is null)
            {
                // A refused transaction did not use its nonce. In closed loop nothing else of this client is in
                // flight once its commits are awaited, so continue from the node's view of the signer.
                await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(120), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
                var account = await api.Get("/v1/accounts/" + Convert.ToHexStringLower(client.Key.PublicKey), CancellationToken.None);
                client.Nonce = account.GetProperty("nextNonce").GetUInt64() - 1;
            }
            Interlocked.Add(ref _submitted, count);
            if (pacer is null)
            {
                await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(120), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            else
            {
                inFlight.AddRange(commits);
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }
    }

    /// <summary>Waits for the transaction's commit and records it; returns its receipt code, or null when it did not commit.</summary>
    private async Task<string?> Observe(CommitTracker tracker, Hash32 id, long submitted)
    {
        // Counted before the first await: the run waits for every observation before it reads the counts.
        Interlocked.Increment(ref _observing);
        try
        {
            long commit;
            string code;
            try
            {
                (commit, code) = await tracker.Track(id, submitted);
            }
            catch (TaskCanceledException)
            {
                return null; // Refused at admission (counted there), or not committed when the run ended.
            }
            Interlocked.Increment(ref _committed);
            _receiptCodes.AddOrUpdate(code, 1, (_, n) => n + 1);
            _acknowledged.Add(id);
            _samples.Add((commit, (commit - submitted) * 1000.0 / Stopwatch.Frequency));
            if (code == "Ok" && _sampleIds.Count < PageReadRecords)
            {
                _sampleIds.Enqueue(id);
            }
            return code;
        }
        finally
        {
            Interlocked.Decrement(ref _observing);
        }
    }

    /// <summary>Submits; a busy node gets the same transactions again after a pause; other refusals are counted and dropped.</summary>
    private async Task<(bool Delivered, bool RefusedOtherwise)> SubmitUntilAccepted(NodeApi api, CommitTracker tracker, Transaction[] transactions, CancellationToken stop)
    {
        var remaining = transactions.ToList();
        var refusedOtherwise = false;
        while (remaining.Count > 0)
        {
            SubmitOutcome[] outcomes;
            try
            {
                outcomes = remaining.Count == 1 && options.Batch == 1
                    ? [await api.Submit(remaining[0].EncodedArray, CancellationToken.None)]
                    : await api.SubmitBatch(remaining.Select(t => t.EncodedArray).ToArray(), CancellationToken.None);
            }
            catch (HttpRequestException)
            {
                foreach (var transaction in remaining)
                {
                    tracker.Forget(transaction.Id);
                }
                return (false, refusedOtherwise);
            }
            var retry = new List<Transaction>();
            for (var i = 0; i < outcomes.Length; i++)
            {
                if (outcomes[i].Accepted)
                {
                    continue;
                }
                _refusals.AddOrUpdate(outcomes[i].Code ?? outcomes[i].Status, 1, (_, n) => n + 1);
                if (outcomes[i].Status == "busy")
                {
                    retry.Add(remaining[i]);
                }
                else
                {
                    tracker.Forget(remaining[i].Id);
                    refusedOtherwise = true;
                }
            }
            remaining = retry;
            if (remaining.Count > 0)
            {
                if (stop.IsCancellationRequested)
                {
                    foreach (var transaction in remaining)
                    {
                        tracker.Forget(transaction.Id);
                    }
                    return (false, refusedOtherwise);
                }
                await Task.Delay(20, CancellationToken.None);
            }
        }
        return (true, refusedOtherwise);
    }

    /// <summary>Commits <see cref="LoadOptions.Preload"/> records before the run, to measure at a given state size.</summary>
    private async Task Preload(NodeApi[] apis, CommitTracker tracker, Client[] clients, ICryptoSuite suite, string chainId,
        IProgress<LoadProgress>? progress, CancellationToken cancellationToken)
    {
        const int batch = 200;
        long committed = 0;
        var clock = Stopwatch.StartNew();
        var perClient = (options.Preload + clients.Length - 1) / clients.Length;
        var tasks = clients.Select((client, index) => Task.Run(async () =>
        {
            var payloadHash = new byte[32];
            for (long done = 0; done < perClient && !cancellationToken.IsCancellationRequested;)
            {
                var count = (int)Math.Min(batch, perClient - done);
                var expiry = tracker.LatestHeight + ExpiryMarginBlocks;
                var transactions = new Transaction[count];
                for (var i = 0; i < count; i++)
                {
                    System.Security.Cryptography.RandomNumberGenerator.Fill(payloadHash);
                    transactions[i] = Transaction.Create(suite.Hash, client.Key, chainId, ++client.Nonce, expiry, "evidence", "record",
                        Encoding.UTF8.GetBytes($"{{\"hash\":\"{Convert.ToHexStringLower(payloadHash)}\",\"type\":\"preload\"}}"));
                }
                var commits = transactions.Select(t => tracker.Track(t.Id, Stopwatch.GetTimestamp())).ToArray();
                var api = apis[index % apis.Length];
                var (delivered, refusedOtherwise) = await SubmitUntilAccepted(api, tracker, transactions, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                // A preload that quietly stopped would measure at a smaller state than asked for: fail loudly instead.
                if (!delivered)
                {
                    throw new InvalidOperationException($"Preloading stopped: the node at {api.BaseUrl} could not be reached ({done} of {perClient} records of client {index} committed).");
                }
                if (refusedOtherwise)
                {
                    throw new InvalidOperationException("Preloading stopped: the node refused records (" +
                        string.Join(", ", _refusals.Select(r => $"{r.Key} × {r.Value}")) + ").");
                }
                await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(300), cancellationToken);
                done += count;
                var total = Interlocked.Add(ref committed, count);
                if (index == 0)
                {
                    progress?.Report(new LoadProgress("Preloading", clock.Elapsed.TotalSeconds, total, 0, total / clock.Elapsed.TotalSeconds, 0));
                }
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(tasks);
        _refusals.Clear();
    }

    private async Task<VerificationSummary> VerifyOnChain(NodeApi api, ulong startHeight, ulong endHeight, CancellationToken cancellationToken)
    {
        var onChain = new HashSet<Hash32>();
        for (var height = startHeight + 1; height <= endHeight; height++)
        {
            onChain.UnionWith(await api.BlockTransactionIds(height, cancellationToken));
        }
        var acknowledged = _acknowledged.ToArray();
        var found = acknowledged.LongCount(onChain.Contains);
        return new VerificationSummary(acknowledged.Length, found, acknowledged.Length - found, endHeight - startHeight);
    }

    /// <summary>Signature verifications per second on every core, the physical bound on admission.</summary>
    public static double MeasureVerificationRate(string suiteName, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return 0;
        }
        var suite = CryptoSuites.Get(suiteName);
        using var key = CryptoSuites.GenerateKey(suiteName);
        var messages = Enumerable.Range(0, 256).Select(i => Encoding.UTF8.GetBytes($"ceiling message {i} {new string('x', 200)}")).ToArray();
        var signatures = messages.Select(m => key.Sign(m)).ToArray();
        long total = 0;
        var deadline = Stopwatch.GetTimestamp() + ToTicks(duration);
        var clock = Stopwatch.StartNew();
        Parallel.For(0, Environment.ProcessorCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, _ =>
        {
            long count = 0;
            var i = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                if (!suite.Signatures.Verify(key.PublicKey, messages[i], signatures[i]))
                {
                    throw new InvalidOperationException("A freshly made signature did not verify.");
                }
                i = (i + 1) % messages.Length;
                count++;
            }
            Interlocked.Add(ref total, count);
        });
        return total / clock.Elapsed.TotalSeconds;
    }

    private static IReadOnlyList<TimelinePoint> Timeline((long Commit, double LatencyMs)[] window, long start) =>
        window.GroupBy(s => (int)((s.Commit - start) / Stopwatch.Frequency))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var sorted = g.Select(s => s.LatencyMs).Order().ToArray();
                return new TimelinePoint(g.Key, sorted.Length, Percentile(sorted, 0.5), Percentile(sorted, 0.99));
            })
            .ToArray();

    internal static double Percentile(double[] values, double quantile)
    {
        if (values.Length == 0)
        {
            return 0;
        }
        var sorted = values.IsSorted() ? values : values.Order().ToArray();
        var rank = (int)Math.Ceiling(quantile * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Hands out transactions as they fall due at a fixed rate, round-robin over clients.</summary>
    private sealed class Pacer(double ratePerSecond, int clients)
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private readonly long[] _taken = new long[clients];

        public async Task<int> Take(int client, int batchMax, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var elapsed = (double)(Stopwatch.GetTimestamp() - _start) / Stopwatch.Frequency;
                var due = (long)(elapsed * ratePerSecond / clients);
                var available = due - _taken[client];
                if (available > 0)
                {
                    var take = (int)Math.Min(available, batchMax);
                    _taken[client] += take;
                    return take;
                }
                await Task.Delay(2, CancellationToken.None);
            }
            return 0;
        }
    }
}

internal static class ArrayExtensions
{
    public static bool IsSorted(this double[] values)
    {
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                return false;
            }
        }
        return true;
    }
}

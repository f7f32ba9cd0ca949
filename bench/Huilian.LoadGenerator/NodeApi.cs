using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Huilian.Core;

namespace Huilian.LoadGenerator;

/// <summary>The few node API calls the load generator makes.</summary>
internal sealed class NodeApi : IDisposable
{
    private readonly HttpClient _http;

    public NodeApi(string baseUrl)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1024,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            EnableMultipleHttp2Connections = true,
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(120) };
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public HttpClient Http => _http;

    public async Task<JsonElement> Get(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {text}");
        }
        return document.RootElement.Clone();
    }

    /// <summary>Submits one transaction without waiting; returns (status word, code).</summary>
    public async Task<SubmitOutcome> Submit(byte[] transaction, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(transaction);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await _http.PostAsync("/v1/transactions", content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if ((int)response.StatusCode is 200 or 202)
        {
            return new SubmitOutcome(root.GetProperty("status").GetString()!, null);
        }
        return new SubmitOutcome((int)response.StatusCode == 503 ? "busy" : "refused", root.TryGetProperty("code", out var code) ? code.GetString() : "Http" + (int)response.StatusCode);
    }

    /// <summary>Submits many transactions in one request; one outcome per transaction, in order.</summary>
    public async Task<SubmitOutcome[]> SubmitBatch(IReadOnlyList<byte[]> transactions, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(Core.Ledger.TransactionBatch.Encode(transactions));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var response = await _http.PostAsync("/v1/transactions/batch", content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var failed = new SubmitOutcome[transactions.Count];
            Array.Fill(failed, new SubmitOutcome("refused", "Http" + (int)response.StatusCode));
            return failed;
        }
        using var document = JsonDocument.Parse(text);
        var results = document.RootElement.GetProperty("results");
        var outcomes = new SubmitOutcome[transactions.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            var item = results[i];
            outcomes[i] = new SubmitOutcome(item.GetProperty("status").GetString()!, item.TryGetProperty("code", out var code) ? code.GetString() : null);
        }
        return outcomes;
    }

    public async Task<HashSet<Hash32>> BlockTransactionIds(ulong height, CancellationToken cancellationToken)
    {
        var block = await Get("/v1/blocks/" + height, cancellationToken);
        var ids = new HashSet<Hash32>();
        foreach (var transaction in block.GetProperty("transactions").EnumerateArray())
        {
            ids.Add(Hash32.Parse(transaction.GetProperty("id").GetString()!));
        }
        return ids;
    }

    public void Dispose() => _http.Dispose();
}

internal readonly record struct SubmitOutcome(string Status, string? Code)
{
    public bool Accepted => Status is "pending" or "committed";
}

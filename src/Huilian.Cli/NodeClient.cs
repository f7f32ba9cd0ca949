using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Node.Hosting;

namespace Huilian.Cli;

/// <summary>A thin client of the node's REST API, for the CLI and the load generator.</summary>
public sealed class NodeClient : IDisposable
{
    private readonly HttpClient _http;

    public NodeClient(string baseUrl, TimeSpan? timeout = null)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw new CliException($"'{baseUrl}' is not a node URL such as http://127.0.0.1:{NetworkLayout.DefaultPort}.");
        }
        _http = new HttpClient { BaseAddress = uri, Timeout = timeout ?? TimeSpan.FromSeconds(70) };
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public async Task<JsonElement> GetJson(string path, CancellationToken cancellationToken = default)
    {
        using var response = await Send(() => _http.GetAsync(path, cancellationToken));
        return await ReadJson(response, cancellationToken);
    }

    /// <summary>GET of a text answer (a CSV export); a problem answer becomes a <see cref="CliException"/>.</summary>
    public async Task<string> GetText(string path, CancellationToken cancellationToken = default)
    {
        using var response = await Send(() => _http.GetAsync(path, cancellationToken));
        if (!response.IsSuccessStatusCode)
        {
            await ReadJson(response, cancellationToken);
        }
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>GET that returns null on 404 instead of failing.</summary>
    public async Task<JsonElement?> TryGetJson(string path, CancellationToken cancellationToken = default)
    {
        using var response = await Send(() => _http.GetAsync(path, cancellationToken));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        return await ReadJson(response, cancellationToken);
    }

    public async Task<(int Status, JsonElement Body)> Submit(byte[] transaction, bool wait, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(transaction);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Send(() => _http.PostAsync(wait ? "/v1/transactions?wait=true&timeoutMs=30000" : "/v1/transactions", content, cancellationToken));
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text.Length == 0 ? "{}" : text);
        return ((int)response.StatusCode, document.RootElement.Clone());
    }

    /// <summary>Submits up to 1,000 transactions in one request (the binary batch form); one result per transaction, in order.</summary>
    public async Task<JsonElement[]> SubmitBatch(IReadOnlyList<byte[]> transactions, CancellationToken cancellationToken = default)
    {
        using var content = new ByteArrayContent(Core.Ledger.TransactionBatch.Encode(transactions));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Send(() => _http.PostAsync("/v1/transactions/batch", content, cancellationToken));
        var results = (await ReadJson(response, cancellationToken)).GetProperty("results");
        return results.EnumerateArray().ToArray();
    }

    public async Task<ChainInfo> GetChainInfo(CancellationToken cancellationToken = default)
    {
        var status = await GetJson("/v1/status", cancellationToken);
        return new ChainInfo(status.GetProperty("chainId").GetString()!, status.GetProperty("suite").GetString()!, status.GetProperty("height").GetUInt64());
    }

    /// <summary>Builds, signs and submits a transaction with the signer's next nonce.</summary>
    public async Task<(int Status, JsonElement Body, Transaction Transaction)> SignAndSubmit(
        ISigningKey key, IHashFunction hash, string module, string action, string payloadJson, bool wait, ulong expiryBlocks = 1000,
        CancellationToken cancellationToken = default)
    {
        var chain = await GetChainInfo(cancellationToken);
        var account = await TryGetJson("/v1/accounts/" + Convert.ToHexStringLower(key.PublicKey), cancellationToken);
        var nonce = account is { } found ? found.GetProperty("nextNonce").GetUInt64() : 1;
        var transaction = Transaction.Create(hash, key, chain.ChainId, nonce, chain.Height + expiryBlocks, module, action, Encoding.UTF8.GetBytes(payloadJson));
        var (status, body) = await Submit(transaction.EncodedArray, wait, cancellationToken);
        return (status, body, transaction);
    }

    /// <summary>
    /// Signs in with <paramref name="key"/>: asks for a challenge, signs it (bound to the chain id) and exchanges it for
    /// a bearer token, which every later request of this client sends. Returns the token response (user, organisation,
    /// roles). A refused sign-in (unknown key, suspended user or organisation…) throws with the node's code.
    /// </summary>
    public async Task<JsonElement> SignIn(ISigningKey key, CancellationToken cancellationToken = default)
    {
        var chain = await GetChainInfo(cancellationToken);
        var challenge = (await PostJson("/v1/auth/challenge", "{}", cancellationToken)).GetProperty("challenge").GetString()!;
        var signature = key.Sign(SessionStore.SignedMessage(chain.ChainId, challenge));
        var request = new System.Text.Json.Nodes.JsonObject
        {
            ["publicKey"] = Convert.ToHexStringLower(key.PublicKey),
            ["challenge"] = challenge,
            ["signature"] = Convert.ToHexStringLower(signature),
        };
        var session = await PostJson("/v1/auth/token", request.ToJsonString(), cancellationToken);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        return session;
    }

    private async Task<JsonElement> PostJson(string path, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Send(() => _http.PostAsync(path, content, cancellationToken));
        return await ReadJson(response, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> Send(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException exception)
        {
            throw new CliException($"Cannot reach the node at {_http.BaseAddress}: {exception.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new CliException($"The node at {_http.BaseAddress} did not answer in time.");
        }
    }

    private static async Task<JsonElement> ReadJson(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new CliException($"The node answered {(int)response.StatusCode} with something that is not JSON.");
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new CliException(DescribeProblem((int)response.StatusCode, body));
        }
        return body;
    }

    public static string DescribeProblem(int status, JsonElement body)
    {
        var code = body.TryGetProperty("code", out var c) ? c.GetString() : null;
        var detail = body.TryGetProperty("detail", out var d) ? d.GetString() : null;
        return $"{code ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {detail ?? "the node refused the request."}";
    }
}

public sealed record ChainInfo(string ChainId, string Suite, ulong Height);

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Huilian.Core.Crypto;
using Huilian.Core.Ledger;
using Huilian.Node.Hosting;
using Huilian.Portal.Sessions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Huilian.Portal.Hosting;

/// <summary>A refusal from the node, carried to the page: its stable code, the node's message, the HTTP status.</summary>
public sealed class PortalProblem(string code, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;
}

/// <summary>The receipt of a committed transaction: Ok with its result, or an "unchanged" code (already so).</summary>
public sealed record PortalReceipt(string Code, string Message, JsonElement Result, string TransactionId, ulong Height)
{
    public bool Unchanged => Code != "Ok";
}

/// <summary>
/// The portal's only way to the ledger: the node's own REST API over loopback, as any client would use it (ADR 0015).
/// Reads carry the session's bearer token, so the API's authorisation decides what a portal user sees; writes are
/// transactions the portal builds and signs with the session's key and submits with wait=true.
/// </summary>
public sealed class PortalApi : IDisposable
{
    private readonly NodeRuntime _node;
    private readonly IServer _server;
    private HttpClient? _http;

    public PortalApi(NodeRuntime node, IServer server)
    {
        _node = node;
        _server = server;
    }

    public NodeRuntime Node => _node;

    private HttpClient Http
    {
        get
        {
            if (_http is not null)
            {
                return _http;
            }
            var address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("The node is not listening yet.");
            address = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)
                .Replace("://+", "://127.0.0.1", StringComparison.Ordinal).Replace("://*", "://127.0.0.1", StringComparison.Ordinal);
            var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
            return Interlocked.CompareExchange(ref _http, client, null) ?? client;
        }
    }

    /// <summary>Signs in to the API with <paramref name="key"/> (challenge, signature, token). Returns the token and /v1/me.</summary>
    public async Task<(string Token, JsonElement Me)> SignIn(ISigningKey key, CancellationToken cancellationToken)
    {
        var challenge = (await Send(HttpMethod.Post, "/v1/auth/challenge", null, "{}", cancellationToken)).GetProperty("challenge").GetString()!;
        var signature = key.Sign(SessionStore.SignedMessage(_node.Setup.ChainId, challenge));
        var request = new JsonObject
        {
            ["publicKey"] = Convert.ToHexStringLower(key.PublicKey),
            ["challenge"] = challenge,
            ["signature"] = Convert.ToHexStringLower(signature),
        };
        var token = (await Send(HttpMethod.Post, "/v1/auth/token", null, request.ToJsonString(), cancellationToken)).GetProperty("token").GetString()!;
        var me = await Send(HttpMethod.Get, "/v1/me", token, null, cancellationToken);
        return (token, me);
    }

    /// <summary>GET of a JSON answer as the session's user; a refusal throws <see cref="PortalProblem"/>.</summary>
    public Task<JsonElement> Get(PortalSession session, string path, CancellationToken cancellationToken) =>
        AsUser(session, token => Send(HttpMethod.Get, path, token, null, cancellationToken), cancellationToken);

    /// <summary>POST of a JSON body as the session's user.</summary>
    public Task<JsonElement> Post(PortalSession session, string path, string json, CancellationToken cancellationToken) =>
        AsUser(session, token => Send(HttpMethod.Post, path, token, json, cancellationToken), cancellationToken);

    /// <summary>GET of a public JSON answer (blocks, status): no sign-in needed.</summary>
    public Task<JsonElement> GetPublic(string path, CancellationToken cancellationToken) => Send(HttpMethod.Get, path, null, null, cancellationToken);

    /// <summary>GET of a text answer (a CSV export) as the session's user.</summary>
    public Task<string> GetText(PortalSession session, string path, CancellationToken cancellationToken) =>
        AsUser(session, async token =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await Http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw ProblemOf(response.StatusCode, text);
            }
            return text;
        }, cancellationToken);

    /// <summary>
    /// Builds <paramref name="module"/>.<paramref name="action"/> with <paramref name="payload"/>, signs it with the session's
    /// key and the signer's next nonce, submits it and waits for its receipt. A refusal — at admission or in the
    /// receipt — throws <see cref="PortalProblem"/> with the node's code; an "already so" code returns a receipt with
    /// <see cref="PortalReceipt.Unchanged"/>.
    /// </summary>
    public async Task<PortalReceipt> Submit(PortalSession session, string module, string action, JsonObject payload, CancellationToken cancellationToken)
    {
        await session.SubmitLock.WaitAsync(cancellationToken);
        try
        {
            var account = await Send(HttpMethod.Get, "/v1/accounts/" + Convert.ToHexStringLower(session.Key.PublicKey), null, null, cancellationToken, notFoundAsNull: true);
            var nonce = account.ValueKind == JsonValueKind.Object ? account.GetProperty("nextNonce").GetUInt64() : 1;
            var transaction = Transaction.Create(_node.Setup.Hash, session.Key, _node.Setup.ChainId, nonce, _node.Chain.Head.Height + 1000,
                module, action, Encoding.UTF8.GetBytes(payload.ToJsonString()));
            using var content = new ByteArrayContent(transaction.EncodedArray);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await Http.PostAsync("/v1/transactions?wait=true&timeoutMs=30000", content, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw ProblemOf(response.StatusCode, text);
            }
            using var document = JsonDocument.Parse(text);
            var body = document.RootElement.Clone();
            if ((int)response.StatusCode == 202)
            {
                throw new PortalProblem("TransactionPending", $"Transaction {transaction.Id} is still pending; it may still commit.", 202);
            }
            var receipt = body.GetProperty("receipt");
            var code = receipt.GetProperty("code").GetString()!;
            var message = receipt.TryGetProperty("message", out var m) ? m.GetString() ?? "" : "";
            var height = body.TryGetProperty("height", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetUInt64() : 0;
            var result = receipt.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Object ? r : JsonDocument.Parse("{}").RootElement;
            if (code == "Ok" || Execution.Host.ResultCodes.AlreadySo.Contains(code))
            {
                return new PortalReceipt(code, message, result, transaction.Id.ToString(), height);
            }
            throw new PortalProblem(code, message, 422);
        }
        catch (HttpRequestException exception)
        {
            throw new PortalProblem("NodeUnreachable", exception.Message, 503);
        }
        finally
        {
            session.SubmitLock.Release();
        }
    }

    private async Task<T> AsUser<T>(PortalSession session, Func<string, Task<T>> call, CancellationToken cancellationToken)
    {
        if (session.ApiToken is null)
        {
            session.ApiToken = (await SignIn(session.Key, cancellationToken)).Token;
        }
        try
        {
            return await call(session.ApiToken);
        }
        catch (PortalProblem problem) when (problem.Status == 401)
        {
            // The API's token lives 30 minutes; the portal session may outlive it. Sign in again once, with the key.
            session.ApiToken = (await SignIn(session.Key, cancellationToken)).Token;
            return await call(session.ApiToken);
        }
    }

    private async Task<JsonElement> Send(HttpMethod method, string path, string? token, string? json, CancellationToken cancellationToken, bool notFoundAsNull = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        HttpResponseMessage response;
        try
        {
            response = await Http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new PortalProblem("NodeUnreachable", exception.Message, 503);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (notFoundAsNull && response.StatusCode == HttpStatusCode.NotFound)
            {
                return default;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw ProblemOf(response.StatusCode, text);
            }
            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                throw new PortalProblem("InternalError", $"The node answered {path} with something that is not JSON.", 502);
            }
        }
    }

    private static PortalProblem ProblemOf(HttpStatusCode status, string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var code = root.TryGetProperty("code", out var c) ? c.GetString() : null;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return new PortalProblem(code ?? "Http" + (int)status, detail ?? "", (int)status);
        }
        catch (JsonException)
        {
            return new PortalProblem("Http" + (int)status, text.Length > 200 ? text[..200] : text, (int)status);
        }
    }

    public void Dispose() => _http?.Dispose();
}

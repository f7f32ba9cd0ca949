using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Huilian.Core;
using Huilian.Core.Crypto;
using Huilian.Core.Genesis;
using Huilian.Core.Ledger;
using Huilian.Crypto;
using Huilian.Execution.Modules.Evidence;
using Huilian.Node.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Huilian.Node.Tests;

/// <summary>A real node on a loopback port in this process: genesis, encrypted validator key, data directory, Kestrel.</summary>
public sealed class NodeFixture : IAsyncDisposable
{
    private const string Password = "node-tests-password";

    private NodeFixture(string directory, WebApplication app, NodeRuntime runtime, ISigningKey admin, ISigningKey outsider, GenesisDocument genesis)
    {
        Directory = directory;
        App = app;
        Runtime = runtime;
        Admin = admin;
        Outsider = outsider;
        Genesis = genesis;
        BaseUrl = NodeHost.BaseUrl(app);
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public string Directory { get; }

    public WebApplication App { get; }

    public NodeRuntime Runtime { get; }

    public ISigningKey Admin { get; }

    public ISigningKey Outsider { get; }

    public GenesisDocument Genesis { get; }

    public string BaseUrl { get; }

    public HttpClient Http { get; }

    private ulong _nonce;

    /// <summary>
    /// Starts a solo node. With <paramref name="consortium"/> (whose "regulator/admin" user becomes <see cref="Admin"/>),
    /// genesis lists its organisations and the node serves all of them (holds every data-encryption key).
    /// </summary>
    public static async Task<NodeFixture> Start(string suite = "intl", MempoolConfig? mempool = null, ConsortiumBuilder? consortium = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "huilian-node-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        using var validator = CryptoSuites.GenerateKey(suite);
        var admin = consortium?.User("regulator/admin").Key ?? CryptoSuites.GenerateKey(suite);
        var outsider = CryptoSuites.GenerateKey(suite);
        Keystore.Encrypt(suite, validator, Password, scryptN: 1024).Save(Path.Combine(directory, "validator.key"));
        File.WriteAllText(Path.Combine(directory, "password"), Password);
        var genesis = new GenesisDocument
        {
            ChainId = "node-test",
            Suite = suite,
            GenesisTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            Validators = [new GenesisValidator { Name = "node0", PublicKey = Convert.ToHexStringLower(validator.PublicKey), Power = 10 }],
            Organisations = consortium?.ToGenesis() ?? ConsortiumBuilder.SoloOrganisation(suite, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), admin),
        };
        var hosted = new List<HostedOrganisation>();
        foreach (var organisation in consortium?.Organisations ?? [])
        {
            Keystore.Encrypt(suite, organisation.EncryptionKey, Password, scryptN: 1024).Save(Path.Combine(directory, organisation.Id + ".data.key"));
            hosted.Add(new HostedOrganisation { Id = organisation.Id, DataKey = organisation.Id + ".data.key" });
        }
        File.WriteAllText(Path.Combine(directory, "genesis.json"), genesis.ToJson());
        var config = new NodeConfig
        {
            Name = "node0",
            Listen = "http://127.0.0.1:0",
            Genesis = "genesis.json",
            ValidatorKey = "validator.key",
            PasswordFile = "password",
            Consensus = new ConsensusConfig { BatchWindowMs = 2 },
            Mempool = mempool ?? new MempoolConfig(),
            Organisations = hosted,
        };
        config.Save(directory);
        var runtime = NodeRuntime.Open(NodeConfig.Load(directory));
        var app = NodeHost.Build(runtime, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return new NodeFixture(directory, app, runtime, admin, outsider, genesis);
    }

    public Transaction Evidence(Hash32 hash, ISigningKey? key = null, ulong? nonce = null, ulong expiry = 1_000, string? chainId = null, string? payload = null) =>
        Transaction.Create(Runtime.Setup.Hash, key ?? Admin, chainId ?? Runtime.Setup.ChainId, nonce ?? ++_nonce, expiry, "evidence", "record",
            Encoding.UTF8.GetBytes(payload ?? $"{{\"hash\":\"{hash}\",\"owner\":\"Acme\",\"type\":\"contract\",\"label\":\"合同 7\"}}"));

    public static Hash32 HashOf(int i)
    {
        var bytes = new byte[32];
        BitConverter.TryWriteBytes(bytes, i);
        bytes[31] = 0x77;
        return new Hash32(bytes);
    }

    public async Task<(int Status, JsonElement Body, string? ContentType)> Submit(byte[] transaction, bool wait = false)
    {
        using var content = new ByteArrayContent(transaction);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await Http.PostAsync(wait ? "/v1/transactions?wait=true" : "/v1/transactions", content);
        return ((int)response.StatusCode, await ReadJson(response), response.Content.Headers.ContentType?.MediaType);
    }

    public async Task<(int Status, JsonElement Body, string? ContentType)> Get(string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await ReadJson(response), response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Signs in with <paramref name="key"/> (challenge, signature, token); returns the token or throws with the problem.</summary>
    public async Task<string> SignIn(ISigningKey key)
    {
        var (status, body) = await TrySignIn(key);
        Assert.True(status == 200, body.ToString());
        return body.GetProperty("token").GetString()!;
    }

    public async Task<(int Status, JsonElement Body)> TrySignIn(ISigningKey key, Func<string, string>? alterChallenge = null)
    {
        using var challengeResponse = await Http.PostAsync("/v1/auth/challenge", null);
        var challenge = (await ReadJson(challengeResponse)).GetProperty("challenge").GetString()!;
        var signature = key.Sign(SessionStore.SignedMessage(Runtime.Setup.ChainId, alterChallenge?.Invoke(challenge) ?? challenge));
        using var content = new StringContent(JsonSerializer.Serialize(new
        {
            publicKey = Convert.ToHexStringLower(key.PublicKey),
            challenge,
            signature = Convert.ToHexStringLower(signature),
        }), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/v1/auth/token", content);
        return ((int)response.StatusCode, await ReadJson(response));
    }

    public static async Task<JsonElement> ReadJson(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Runtime.Dispose();
        Admin.Dispose();
        Outsider.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

using System.Text.Encodings.Web;
using Huilian.Core;
using Huilian.Node.Api;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Huilian.Node.Hosting;

/// <summary>Builds the ASP.NET Core application around an opened <see cref="NodeRuntime"/>.</summary>
public static class NodeHost
{
    public static WebApplication Build(NodeRuntime runtime, Action<ILoggingBuilder>? logging = null, IReadOnlyList<INodeExtension>? extensions = null)
    {
        extensions ??= [];
        Limits.Check();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = runtime.Config.BaseDirectory,
            EnvironmentName = "Production",
            // No appsettings reload: its file watcher covers the content root recursively, data directory included,
            // and read an inotify event for every SQLite and access-log write (6-8 % of a loaded node's CPU in a profile).
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.WebHost.UseUrls(runtime.Config.Listen);
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Limits.MaxRequestBodySize = Limits.RequestBodyBytesMax;
            options.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            options.AddServerHeader = false;
        });
        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            });
            // Standard output carries only what scripts read (the base URL); the log goes to standard error.
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.None);
        }
        else
        {
            logging(builder.Logging);
        }
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton(new BlockStream(runtime));
        builder.Services.AddHostedService<ReplicaService>();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            options.SerializerOptions.TypeInfoResolverChain.Add(new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver());
        });
        builder.Services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Huilian node API";
                document.Info.Version = "v1";
                document.Info.Description = "Submit signed transactions, read blocks, transactions, state and evidence with proofs. "
                    + "Errors are application/problem+json with a stable 'code'.";
                return Task.CompletedTask;
            });
            // The submit endpoints read their bodies themselves (so that any content type gets a problem+json answer,
            // not a routing 415); describe the bodies they take here.
            options.AddOperationTransformer((operation, context, _) =>
            {
                var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
                if (name is "SubmitTransaction" or "SubmitTransactionBatch")
                {
                    var body = new Microsoft.OpenApi.OpenApiRequestBody { Required = true, Content = new Dictionary<string, Microsoft.OpenApi.OpenApiMediaType>() };
                    body.Content["application/json"] = new Microsoft.OpenApi.OpenApiMediaType
                    {
                        Schema = new Microsoft.OpenApi.OpenApiSchema
                        {
                            Type = Microsoft.OpenApi.JsonSchemaType.Object,
                            Description = name == "SubmitTransaction"
                                ? "{\"transaction\": \"<hex of the canonical transaction bytes>\"}"
                                : "{\"transactions\": [\"<hex>\", ...]} (at most 1,000)",
                        },
                    };
                    if (name == "SubmitTransaction")
                    {
                        body.Content["application/octet-stream"] = new Microsoft.OpenApi.OpenApiMediaType
                        {
                            Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.String, Format = "binary" },
                        };
                    }
                    operation.RequestBody = body;
                }
                return Task.CompletedTask;
            });
        });

        foreach (var extension in extensions)
        {
            extension.AddServices(builder, runtime);
        }

        var app = builder.Build();
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            if (exception is not BadHttpRequestException)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Huilian.Node.Api")
                    .LogError(exception, "Unhandled error serving {Method} {Path}", context.Request.Method, context.Request.Path);
            }
            var result = exception is BadHttpRequestException bad
                ? Problems.For(bad.StatusCode == 413 ? "RequestTooLarge" : "RequestMalformed", bad.Message, bad.StatusCode)
                : Problems.For("InternalError", "The node failed to handle the request; see its log.");
            await result.ExecuteAsync(context);
        }));
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref runtime.Metrics.HttpRequests);
            await next(context);
        });
        NodeApi.Map(app);
        app.MapOpenApi("/openapi/{documentName}.json");
        foreach (var extension in extensions)
        {
            extension.Map(app, runtime);
        }
        if (extensions.Count == 0)
        {
            app.MapGet("/", () => Results.Content(LandingPage(runtime), "text/html; charset=utf-8")).ExcludeFromDescription();
        }
        app.MapFallback((HttpContext context) => Problems.For("RouteNotFound", $"Nothing is served at {context.Request.Path}."));
        return app;
    }

    /// <summary>The address the node actually listens on (after port 0 is resolved).</summary>
    public static string BaseUrl(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        return addresses?.FirstOrDefault()?.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)
            ?? throw new InvalidOperationException("The node is not listening.");
    }

    private static string LandingPage(NodeRuntime runtime)
    {
        static string E(object? value) => System.Net.WebUtility.HtmlEncode(value?.ToString() ?? "");
        var head = runtime.Chain.Head;
        var consensus = runtime.ReplicaStatus;
        var peers = runtime.Transport.Describe();
        var rows = new System.Text.StringBuilder();
        for (var height = head.Height; height >= 1 && height + 10 > head.Height; height--)
        {
            if (runtime.Chain.GetBlock(height) is not { } block)
            {
                break;
            }
            var header = Core.Ledger.BlockHeader.Decode(block.Header);
            var set = runtime.Chain.ValidatorsAt(height);
            var proposer = set.IndexOf(header.Proposer) is var index and >= 0 ? set.Validators[index].Name : "?";
            rows.Append($"<tr><td><a href=\"/v1/blocks/{height}\">{height}</a></td><td>{E(DateTimeOffset.FromUnixTimeMilliseconds(header.TimeMs).ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture))}</td>"
                + $"<td>{header.TransactionCount}</td><td>{E(proposer)}</td><td><code>{E(block.Hash.ToShortString())}</code></td></tr>");
        }
        var round = consensus is null ? "not started" : $"height {consensus.Height}, round {consensus.Round}, {consensus.Step}";
        var peerList = peers.Count == 0 ? "none (a single-validator chain)"
            : string.Join(", ", peers.Select(p => $"{E(p.Name)} {(p.Connected ? "✓" : "✗")}"));
        return $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>Huilian node {{E(runtime.Config.Name)}}</title>
            <style>body{font:15px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .25rem}
            table{border-collapse:collapse}td,th{padding:.1rem .8rem;text-align:left;border-bottom:1px solid #ddd}</style></head>
            <body><h1>Huilian 汇链 — node {{E(runtime.Config.Name)}}</h1>
            <p>Chain <code>{{E(runtime.Setup.ChainId)}}</code> ({{E(runtime.Setup.Suite.Name)}} suite), {{runtime.Chain.NextValidators.Count}} validators;
            height <b>{{head.Height}}</b>, {{head.TransactionCount}} transactions. Consensus: {{E(round)}}. Peers: {{peerList}}.
            This page refreshes every 2 s.</p>
            <table><tr><th>height</th><th>time (UTC)</th><th>transactions</th><th>proposer</th><th>hash</th></tr>{{rows}}</table>
            <ul>
            <li><a href="/v1/status">/v1/status</a> — the node and its chain</li>
            <li><a href="/v1/consensus">/v1/consensus</a> — the round in progress and every validator's votes</li>
            <li><a href="/v1/network/peers">/v1/network/peers</a> — peers, traffic and penalties</li>
            <li><a href="/v1/misbehavior">/v1/misbehavior</a> — equivocations committed on chain</li>
            <li><a href="/v1/blocks/latest">/v1/blocks/latest</a> — the newest block</li>
            <li><a href="/openapi/v1.json">/openapi/v1.json</a> — the API description</li>
            <li><a href="/metrics">/metrics</a> — Prometheus metrics</li>
            <li><a href="/health">/health</a></li>
            </ul></body></html>
            """;
    }
}

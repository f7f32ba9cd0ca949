using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Huilian.Portal.Hosting;

/// <summary>
/// The portal's browser files, embedded in the assembly (assets/NAME): its own stylesheet and scripts, and the bundles
/// front/ builds from npm packages. Each is served with a version (a hash of its bytes) in its URL, so browsers may
/// keep it for a year and see a change at once.
/// </summary>
public sealed class PortalAssets
{
    private readonly FrozenDictionary<string, (byte[] Bytes, string Version, string ContentType)> _assets;

    public PortalAssets()
    {
        var assembly = typeof(PortalAssets).Assembly;
        var assets = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var name = resource["assets/".Length..];
            assets[name] = (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12], ContentTypeOf(name));
        }
        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _assets.Keys;

    /// <summary>The URL of an asset, with its version; throws for an asset that is not embedded (a build problem).</summary>
    public string Url(string name) => _assets.TryGetValue(name, out var asset)
        ? $"/assets/{name}?v={asset.Version}"
        : throw new InvalidOperationException($"The portal asset '{name}' is not embedded; was front/ built?");

    public int Size(string name) => _assets[name].Bytes.Length;

    public IResult Serve(string name, HttpContext http)
    {
        if (!_assets.TryGetValue(name, out var asset))
        {
            return Results.NotFound();
        }
        http.Response.Headers.CacheControl = http.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache";
        http.Response.Headers.ETag = "\"" + asset.Version + "\"";
        if (http.Request.Headers.IfNoneMatch.ToString() == "\"" + asset.Version + "\"")
        {
            return Results.StatusCode(304);
        }
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".js" => "application/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".txt" => "text/plain; charset=utf-8",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}

using Huilian.Node.Hosting;

namespace Huilian.Portal.Hosting;

/// <summary>
/// The demo network's users, for the sign-in picker: the keystores under the node's <c>portal.demoUsers</c> directory
/// (&lt;org&gt;/&lt;user&gt;.key) and the password in <c>portal.demoPasswordFile</c>. A node configured without them
/// offers no picker: its users sign in with their own keystore file and password.
/// </summary>
public sealed class DemoUsers
{
    private readonly string? _directory;
    private readonly string? _passwordFile;
    private readonly IReadOnlyDictionary<string, string> _files = new Dictionary<string, string>(StringComparer.Ordinal);

    public DemoUsers(NodeConfig config)
    {
        if (config.Portal is { DemoUsers: { } directory, DemoPasswordFile: { } passwordFile } portal)
        {
            _directory = config.Resolve(directory);
            _passwordFile = config.Resolve(passwordFile);
            _files = (portal.DemoUserFiles ?? new Dictionary<string, string>()).ToDictionary(e => e.Key, e => config.Resolve(e.Value), StringComparer.Ordinal);
        }
    }

    public bool Enabled => _directory is not null && Directory.Exists(_directory) && File.Exists(_passwordFile);

    /// <summary>Every demo user, org/user, by organisation then user.</summary>
    public IReadOnlyList<(string Organisation, string User)> List()
    {
        if (!Enabled)
        {
            return [];
        }
        return Directory.EnumerateDirectories(_directory!)
            .SelectMany(org => Directory.EnumerateFiles(org, "*.key").Select(file => (Path.GetFileName(org), Path.GetFileNameWithoutExtension(file))))
            .Concat(_files.Where(e => File.Exists(e.Value) && e.Key.Split('/') is { Length: 2 }).Select(e => (e.Key.Split('/')[0], e.Key.Split('/')[1])))
            .Distinct()
            .OrderBy(u => u.Item1, StringComparer.Ordinal).ThenBy(u => u.Item2, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The keystore JSON and password of a listed demo user; null for anything not listed.</summary>
    public (string KeystoreJson, string Password)? Find(string userId)
    {
        if (!Enabled)
        {
            return null;
        }
        var match = List().FirstOrDefault(u => u.Organisation + "/" + u.User == userId);
        if (match == default)
        {
            return null;
        }
        var path = _files.TryGetValue(userId, out var file) ? file : Path.Combine(_directory!, match.Organisation, match.User + ".key");
        return (File.ReadAllText(path), File.ReadAllText(_passwordFile!).TrimEnd('\r', '\n'));
    }
}

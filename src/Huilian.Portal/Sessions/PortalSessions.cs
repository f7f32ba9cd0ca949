using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Huilian.Portal.Sessions;

/// <summary>
/// The portal's signed-in users, in this node's memory only (a restart signs everyone out). A session ends after
/// <see cref="IdleLifetime"/> without a request, after <see cref="AbsoluteLifetime"/> in any case, or at sign-out; its key
/// is disposed then. Bounded by <see cref="SessionsMax"/>.
/// </summary>
public sealed class PortalSessions
{
    public const string CookieName = "hl_session";
    public const int SessionsMax = 2_000;
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(10);

    private readonly ConcurrentDictionary<string, PortalSession> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public PortalSessions(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Adds a session; false (and the session disposed) when the portal is full.</summary>
    public bool Add(PortalSession session)
    {
        Prune();
        if (_sessions.Count >= SessionsMax)
        {
            session.Dispose();
            return false;
        }
        _sessions[session.Id] = session;
        return true;
    }

    /// <summary>The live session with this id, its idle clock restarted; null when unknown or expired.</summary>
    public PortalSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || !_sessions.TryGetValue(id, out var session))
        {
            return null;
        }
        var now = _time.GetUtcNow();
        if (Expired(session, now))
        {
            End(id);
            return null;
        }
        session.LastSeen = now;
        return session;
    }

    public void End(string id)
    {
        if (_sessions.TryRemove(id, out var session))
        {
            session.Dispose();
        }
    }

    public int Count => _sessions.Count;

    private static bool Expired(PortalSession session, DateTimeOffset now) =>
        now - session.LastSeen > IdleLifetime || now - session.Created > AbsoluteLifetime;

    private void Prune()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, session) in _sessions)
        {
            if (Expired(session, now))
            {
                End(id);
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Huilian.Core;

namespace Huilian.Node.Hosting;

/// <summary>A signed-in user: who, for which organisation, until when.</summary>
public sealed record Session(string Token, Hash32 SignerId, string Organisation, string User, DateTimeOffset ExpiresAt)
{
    public string UserId => Organisation + "/" + User;
}

/// <summary>
/// Sign-in by signed challenge: the node hands out a random challenge; a user signs
/// "huilian/auth/v1\0" ‖ chain id ‖ "\0" ‖ challenge with a key whose certificate its organisation registered, and gets a
/// short-lived bearer token. Challenges are single-use and expire; both maps are bounded. Tokens live in this node's
/// memory only: a restart signs everyone out, which is the safe direction.
/// </summary>
public sealed class SessionStore
{
    public const int ChallengesMax = 10_000;
    public const int SessionsMax = 10_000;
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _challenges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public SessionStore(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The bytes a user signs to answer <paramref name="challenge"/> on chain <paramref name="chainId"/>.</summary>
    public static byte[] SignedMessage(string chainId, string challenge) => Core.Crypto.SignIn.Message(chainId, challenge);

    public (string Challenge, DateTimeOffset ExpiresAt)? NewChallenge()
    {
        Prune();
        if (_challenges.Count >= ChallengesMax)
        {
            return null;
        }
        var challenge = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var expires = _time.GetUtcNow() + ChallengeLifetime;
        _challenges[challenge] = expires;
        return (challenge, expires);
    }

    /// <summary>Consumes a challenge: true once, while it has not expired.</summary>
    public bool TakeChallenge(string challenge) =>
        _challenges.TryRemove(challenge, out var expires) && expires > _time.GetUtcNow();

    public Session? Create(Hash32 signerId, string organisation, string user)
    {
        Prune();
        if (_sessions.Count >= SessionsMax)
        {
            return null;
        }
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var session = new Session(token, signerId, organisation, user, _time.GetUtcNow() + SessionLifetime);
        _sessions[token] = session;
        return session;
    }

    public Session? Find(string token) =>
        _sessions.TryGetValue(token, out var session) && session.ExpiresAt > _time.GetUtcNow() ? session : null;

    public void End(string token) => _sessions.TryRemove(token, out _);

    private void Prune()
    {
        var now = _time.GetUtcNow();
        foreach (var (challenge, expires) in _challenges)
        {
            if (expires <= now)
            {
                _challenges.TryRemove(challenge, out _);
            }
        }
        foreach (var (token, session) in _sessions)
        {
            if (session.ExpiresAt <= now)
            {
                _sessions.TryRemove(token, out _);
            }
        }
    }
}

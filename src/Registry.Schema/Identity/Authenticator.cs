using Microsoft.EntityFrameworkCore;
using Registry.Schema.Caching;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

/// <summary>
/// <see cref="Blocked"/>: a valid token whose user an administrator blocked (GitLab answers every API call 403); the
/// actor is anonymous, so nothing that forgets to refuse it can act as the user.
/// </summary>
public enum AuthenticationOutcome { Anonymous, Authenticated, Invalid, Blocked }

public sealed record AuthenticationResult(AuthenticationOutcome Outcome, Actor Actor, Credentials? Credentials)
{
    public static readonly AuthenticationResult None = new(AuthenticationOutcome.Anonymous, Actor.Anonymous, null);

    /// <summary>GitLab's words for a blocked user's API call (<c>Gitlab::Auth::UserAccessDeniedReason</c>).</summary>
    public const string BlockedMessage = "Your account has been blocked.";

    /// <summary>The refusal of a blocked user's call, the same on every transport: 403 with GitLab's words.</summary>
    public static RegistryError BlockedError() => RegistryError.Forbidden(BlockedMessage, restDetail: true);
}

/// <summary>Turns presented credentials into an <see cref="Actor"/>. Every token kind is looked up by digest.</summary>
public sealed class Authenticator(RegistryDbContext db, TimeProvider clock, HotPathCache cache)
{
    public async Task<AuthenticationResult> AuthenticateAsync(Credentials? credentials, CancellationToken ct)
    {
        if (credentials is null || string.IsNullOrEmpty(credentials.Token)) return AuthenticationResult.None;
        var actor = await ResolveAsync(credentials, ct);
        return actor is null ? new AuthenticationResult(AuthenticationOutcome.Invalid, Actor.Anonymous, credentials)
            // Decided after the cache: a block writes the user's row, which ends every cached entry on this instance.
            : actor.User is { IsBlocked: true } ? new AuthenticationResult(AuthenticationOutcome.Blocked, Actor.Anonymous, credentials)
            : new AuthenticationResult(AuthenticationOutcome.Authenticated, actor, credentials);
    }

    /// <summary>
    /// Cached (<see cref="HotPathCache"/>) under the token's digest, never the token itself, and never past the
    /// token's expiry.
    /// </summary>
    private Task<Actor?> ResolveAsync(Credentials c, CancellationToken ct)
    {
        var digest = TokenSecrets.Digest(c.Token);
        return cache.GetOrLoadAsync<Actor?>(("token", c.Source, c.BasicUsername, Convert.ToHexString(digest)), CacheScope.Identity, async () =>
        {
            var (actor, expiresAt) = await LookUpAsync(c, digest, ct);
            return (actor, true, expiresAt);
        });
    }

    private async Task<(Actor?, DateTime? ExpiresAt)> LookUpAsync(Credentials c, byte[] digest, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // The header names the kind; Bearer and Basic may carry any kind, so try them in turn.
        bool personal = c.Source is CredentialSource.PrivateToken or CredentialSource.Bearer or CredentialSource.Basic;
        bool job = c.Source is CredentialSource.JobToken or CredentialSource.Bearer or CredentialSource.Basic;
        bool deploy = c.Source is CredentialSource.DeployToken or CredentialSource.Bearer or CredentialSource.Basic;

        if (personal)
        {
            var pat = await db.PersonalAccessTokens.Include(t => t.User).AsNoTracking()
                .FirstOrDefaultAsync(t => t.Digest == digest, ct);
            if (pat is not null && TokenSecrets.Matches(pat.Digest, digest) && pat.IsActive(now))
                return (new Actor(ActorKind.User, pat.User, pat.Scopes), pat.ExpiresAt);
        }
        if (job)
        {
            var jt = await db.CiJobTokens.Include(t => t.User).AsNoTracking().FirstOrDefaultAsync(t => t.Digest == digest, ct);
            if (jt is not null && TokenSecrets.Matches(jt.Digest, digest) && jt.IsActive(now)
                && (c.Source != CredentialSource.Basic || c.BasicUsername == "gitlab-ci-token"))
                return (new Actor(ActorKind.JobToken, jt.User, TokenScopes.Api, JobToken: jt), jt.ExpiresAt);
        }
        if (deploy)
        {
            var dt = await db.DeployTokens.AsNoTracking().FirstOrDefaultAsync(t => t.Digest == digest, ct);
            if (dt is not null && TokenSecrets.Matches(dt.Digest, digest) && dt.IsActive(now)
                && (c.Source != CredentialSource.Basic || string.Equals(c.BasicUsername, dt.Username, StringComparison.Ordinal)))
                return (new Actor(ActorKind.DeployToken, null, dt.Scopes, DeployToken: dt), dt.ExpiresAt);
        }
        return (null, null);
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

public enum SignInOutcome { SignedIn, Invalid, LockedOut, Blocked }

/// <param name="Secret">The new session's secret, for the browser's cookie; only its digest is stored.</param>
public sealed record SignInResult(SignInOutcome Outcome, string? Secret = null, DateTime? ExpiresAt = null, DateTime? LockedUntil = null);

/// <summary>
/// Password sign-in for the web UI and the sessions it opens. The failed-attempt count and the lock live in the user's
/// row and sessions are rows keyed by a digest, so every instance on the database sees the same state.
/// </summary>
public sealed class SignInService(RegistryDbContext db, IOptions<RegistryOptions> options, TimeProvider clock)
{
    private RegistryOptions Options => options.Value;
    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <param name="clientAddress">where the attempt comes from: failures lock the account for that address only</param>
    public async Task<SignInResult> SignInAsync(string username, string password, string clientAddress, CancellationToken ct)
    {
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Username == username, ct);
        var now = Now;
        if (user is not null && await db.SignInThrottles.AsNoTracking()
                .Where(t => t.UserId == user.Id && t.ClientAddress == clientAddress).Select(t => t.LockedUntil).FirstOrDefaultAsync(ct)
                is { } lockedUntil && lockedUntil > now)
            return new SignInResult(SignInOutcome.LockedOut, LockedUntil: lockedUntil);
        if (!Passwords.Verify(user, password, out var rehash))
        {
            if (user is not null) await CountFailureAsync(user.Id, clientAddress, now, ct);
            return new SignInResult(SignInOutcome.Invalid);
        }

        // Only with the right password: a blocked account is not revealed to someone guessing.
        if (user!.IsBlocked) return new SignInResult(SignInOutcome.Blocked);
        var secret = TokenSecrets.New("");
        var session = new WebSession { Digest = TokenSecrets.Digest(secret), UserId = user!.Id, CreatedAt = now, ExpiresAt = now + Options.SessionLifetime };
        db.WebSessions.Add(session);
        await db.SaveChangesAsync(ct);
        if (rehash is not null)
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, rehash), ct);
        await db.SignInThrottles.Where(t => t.UserId == user.Id && t.ClientAddress == clientAddress).ExecuteDeleteAsync(ct);
        // Expired sessions of this user go now; nothing else needs them.
        await db.WebSessions.Where(s => s.UserId == user.Id && s.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        return new SignInResult(SignInOutcome.SignedIn, secret, session.ExpiresAt);
    }

    /// <summary>
    /// One atomic update, so failures racing on several instances all count: the attempt that reaches the limit locks
    /// the account for this address and starts the count again (GitLab's Devise lockable does the same per account).
    /// The first failure from an address inserts the row; two first failures racing go through <see cref="RacingInsert"/>.
    /// </summary>
    private Task CountFailureAsync(long userId, string clientAddress, DateTime now, CancellationToken ct)
    {
        var max = Math.Max(1, Options.MaxFailedSignIns);
        DateTime? until = now + Options.SignInLockout;
        return db.RetryAsync(async _ =>
        {
            var counted = await db.SignInThrottles.Where(t => t.UserId == userId && t.ClientAddress == clientAddress).ExecuteUpdateAsync(s => s
                .SetProperty(t => t.LockedUntil, t => t.FailedAttempts + 1 >= max ? until : t.LockedUntil)
                .SetProperty(t => t.FailedAttempts, t => t.FailedAttempts + 1 >= max ? 0 : t.FailedAttempts + 1)
                .SetProperty(t => t.UpdatedAt, now), ct);
            if (counted == 0)
            {
                db.SignInThrottles.Add(new SignInThrottle
                {
                    UserId = userId, ClientAddress = clientAddress, FailedAttempts = max == 1 ? 0 : 1, LockedUntil = max == 1 ? until : null, UpdatedAt = now,
                });
                await db.SaveChangesAsync(ct);
            }
            return counted;
        }, ct);
    }

    /// <summary>The session a cookie names, with its user; null when unknown or expired.</summary>
    public async Task<WebSession?> FindSessionAsync(string secret, CancellationToken ct)
    {
        var digest = TokenSecrets.Digest(secret);
        var now = Now;
        var session = await db.WebSessions.AsNoTracking().Include(s => s.User).FirstOrDefaultAsync(s => s.Digest == digest, ct);
        // A blocked user's sessions are deleted with the block; the check covers one racing it.
        return session is not null && TokenSecrets.Matches(session.Digest, digest) && session.ExpiresAt > now && !session.User.IsBlocked ? session : null;
    }

    public async Task SignOutAsync(string secret, CancellationToken ct)
    {
        var digest = TokenSecrets.Digest(secret);
        await db.WebSessions.Where(s => s.Digest == digest).ExecuteDeleteAsync(ct);
    }

    /// <summary>
    /// The CSRF token of a session: an HMAC of a fixed label keyed with the session's secret. The page reads it once
    /// and sends it with every write; another site can neither read the HttpOnly cookie nor compute it, and every
    /// instance derives the same value without storing anything.
    /// </summary>
    public static string CsrfToken(string secret) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "registry-csrf"u8))
            .Replace('+', '-').Replace('/', '_').TrimEnd('=');

    public static bool CsrfTokenMatches(string secret, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(CsrfToken(secret)), Encoding.UTF8.GetBytes(presented));

    /// <summary>
    /// Gives root its first password when no user has one yet (a new database, or one from before passwords): the
    /// configured one, or a generated one that is returned to be logged once. The conditional update lets only one of
    /// several instances starting together set it.
    /// </summary>
    public async Task<string?> BootstrapRootPasswordAsync(CancellationToken ct)
    {
        var configured = string.IsNullOrEmpty(Options.RootPassword) ? null : Options.RootPassword;
        if (await db.Users.AnyAsync(u => u.PasswordHash != null, ct)) return null;
        var password = configured ?? TokenSecrets.New("")[..20];
        var hash = Passwords.Hash(password);
        var updated = await db.Users.Where(u => u.Username == "root" && u.PasswordHash == null)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, hash), ct);
        return updated == 1 && configured is null ? password : null;
    }
}

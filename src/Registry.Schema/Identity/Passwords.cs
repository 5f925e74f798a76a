using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

/// <summary>
/// Users' passwords: ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2 with HMAC-SHA512, 100,000
/// iterations, a random salt per hash), GitLab's length rule, and who may set whose.
/// </summary>
public sealed class Passwords(RegistryDbContext db)
{
    public const int MinLength = 8;   // GitLab's default minimum
    public const int MaxLength = 128; // GitLab's maximum

    private static readonly PasswordHasher<User> Hasher = new();

    /// <summary>Verifying against this when the user is unknown or has no password keeps the answer's timing the same.</summary>
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-password-of-anyone");

    /// <summary>The hash to store for a new password, after checking GitLab's length rule.</summary>
    public static string Hash(string password)
    {
        if (password.Length < MinLength) throw RegistryError.BadRequest($"Password is too short (minimum is {MinLength} characters)");
        if (password.Length > MaxLength) throw RegistryError.BadRequest($"Password is too long (maximum is {MaxLength} characters)");
        return Hasher.HashPassword(null!, password);
    }

    /// <summary>Whether <paramref name="password"/> is the user's; a hash in an older format is upgraded in <paramref name="rehash"/>.</summary>
    public static bool Verify(User? user, string password, out string? rehash)
    {
        rehash = null;
        if (user?.PasswordHash is not { } stored)
        {
            Hasher.VerifyHashedPassword(null!, DummyHash, password);
            return false;
        }
        var result = Hasher.VerifyHashedPassword(user, stored, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded) rehash = Hasher.HashPassword(user, password);
        return result != PasswordVerificationResult.Failed;
    }

    /// <summary>
    /// A user changes their own password (giving the current one when they have one); an administrator sets anyone's.
    /// Every session of that user but the caller's own ends.
    /// </summary>
    public async Task<User> SetPasswordAsync(Actor actor, string? username, string? currentPassword, string password,
        long? keepSessionId, CancellationToken ct)
    {
        var caller = actor.RequireApiWriter();
        var target = string.IsNullOrEmpty(username) || username == caller.Username
            ? await db.Users.FirstAsync(u => u.Id == caller.Id, ct)
            : await db.Users.FirstOrDefaultAsync(u => u.Username == username, ct) ?? throw RegistryError.NotFound("User", $"User {username} not found");
        if (target.Id != caller.Id && !caller.IsAdmin) throw RegistryError.Forbidden("Only administrators can set other users' passwords", restDetail: true);
        if (target.Id == caller.Id && target.PasswordHash is not null && !caller.IsAdmin
            && !Verify(target, currentPassword ?? "", out _))
            throw RegistryError.BadRequest("Current password is invalid");
        target.PasswordHash = Hash(password);
        await db.SaveChangesAsync(ct);
        await db.SignInThrottles.Where(t => t.UserId == target.Id).ExecuteDeleteAsync(ct);
        await db.WebSessions.Where(s => s.UserId == target.Id && s.Id != keepSessionId).ExecuteDeleteAsync(ct);
        return target;
    }
}

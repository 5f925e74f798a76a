using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

/// <summary>
/// What only administrators do to users, groups and projects (issue 27, item 10): block and unblock users here,
/// deletion in AdminActions.Deletion.cs. Every method checks the administrator itself, so REST and GraphQL share the rule.
/// </summary>
public sealed partial class AdminActions(RegistryDbContext db, ProjectLocator locator, TimeProvider clock, AuditLog audit,
    Packages.PackageDestroyer destroyer, Uploads.ResumableUploads uploads)
{
    public const string OnlyAdministratorsBlockUsers = "Only administrators can block and unblock users";

    /// <summary>GitLab's refusal (<c>POST /users/:id/block</c> on oneself).</summary>
    public const string CannotBlockYourself = "The API initiating user cannot be blocked by the API";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private static User RequireAdministrator(Actor actor, string denied) =>
        AccessRules.IsAdministrator(actor, write: true) ? actor.User! : throw RegistryError.Forbidden(denied, restDetail: true);

    private async Task<User> FindUserAsync(AdminTarget target, CancellationToken ct)
    {
        var user = target.Id is long id
            ? await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct)
            : await db.Users.FirstOrDefaultAsync(u => u.Username == target.Path, ct);
        return user ?? throw RegistryError.NotFound("User", $"User {target} not found");
    }

    /// <summary>
    /// Blocks a user: from the moment this returns, their personal access tokens, their CI job tokens and their
    /// browser sessions are refused (sessions are deleted; tokens stay, to work again after an unblock). The write to
    /// the user's row ends this instance's cached authentications at once; another instance's within
    /// <see cref="RegistryOptions.HotCacheTtl"/>. Deploy tokens and the bots of access tokens are not the user's, and
    /// keep working, as in GitLab. Blocking a blocked user changes nothing.
    /// </summary>
    public async Task<User> BlockAsync(Actor actor, AdminTarget target, CancellationToken ct)
    {
        var admin = RequireAdministrator(actor, OnlyAdministratorsBlockUsers);
        var user = await FindUserAsync(target, ct);
        if (user.Id == admin.Id) throw RegistryError.Forbidden(CannotBlockYourself, restDetail: true);
        if (user.IsBlocked) return user;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.BlockedAt = Now;
        await db.WebSessions.Where(s => s.UserId == user.Id).ExecuteDeleteAsync(ct);
        audit.Add(actor, AuditEntity.For(user), AuditEventNames.UserBlocked, new AuditTarget("User", user.Id, user.Username));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return user;
    }

    /// <summary>Unblocks a user: their unexpired, unrevoked tokens work again; sessions need a new sign-in.</summary>
    public async Task<User> UnblockAsync(Actor actor, AdminTarget target, CancellationToken ct)
    {
        RequireAdministrator(actor, OnlyAdministratorsBlockUsers);
        var user = await FindUserAsync(target, ct);
        if (!user.IsBlocked) return user;
        user.BlockedAt = null;
        audit.Add(actor, AuditEntity.For(user), AuditEventNames.UserUnblocked, new AuditTarget("User", user.Id, user.Username));
        await db.SaveChangesAsync(ct);
        return user;
    }
}

/// <summary>
/// Whom or what an administrator acts on: by path (a username or a full path, as GraphQL names things) or by id (REST's
/// <c>:id</c>), kept apart so that an all-digit username or group path is never read as an id.
/// </summary>
public readonly record struct AdminTarget(string? Path, long? Id)
{
    public static AdminTarget ByPath(string path) => new(path, null);
    public static AdminTarget ById(long id) => new(null, id);
    public override string ToString() => Path ?? Id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
}

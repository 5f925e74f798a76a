using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

/// <summary>A direct membership with its user, as the UI's member lists show it.</summary>
public sealed record MemberRecord(Membership Membership, User User, string Source);

/// <summary>
/// What the web UI lists about people and credentials (users, members, a user's personal access tokens, deploy
/// tokens), with GitLab's rules on who sees what, and the administrators' changes to users.
/// </summary>
public sealed class UserDirectory(RegistryDbContext db, Permissions permissions, TimeProvider clock)
{
    /// <summary>A user by id (an audit event's author), whoever asks: events are shown only to those who may read them.</summary>
    public Task<User?> FindAsync(long id, CancellationToken ct) => db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);

    /// <summary>Signed-in users see the users (GitLab's users are public to them); anonymous visitors see none.</summary>
    public async Task<List<User>> UsersAsync(Actor actor, string? search, bool? admins, CancellationToken ct)
    {
        if (actor.Kind != ActorKind.User) return [];
        var query = db.Users.AsNoTracking();
        if (admins == true) query = query.Where(u => u.IsAdmin);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim().ToLowerInvariant();
            query = query.Where(u => u.Username.ToLower().Contains(s) || u.Name.ToLower().Contains(s));
        }
        return await query.OrderBy(u => u.Id).Take(1000).ToListAsync(ct);
    }

    /// <summary>A user's personal access tokens, newest first, to that user and to administrators only.</summary>
    public async Task<List<PersonalAccessToken>?> PersonalAccessTokensAsync(Actor actor, long userId, CancellationToken ct)
    {
        if (actor is not { Kind: ActorKind.User, User: { } caller } || (caller.Id != userId && !caller.IsAdmin)) return null;
        return await db.PersonalAccessTokens.AsNoTracking().Where(t => t.UserId == userId)
            .OrderByDescending(t => t.Id).ToListAsync(ct);
    }

    /// <summary>A project's deploy tokens, to its Maintainers and Owners only (as GitLab's Settings page).</summary>
    public async Task<List<DeployToken>?> DeployTokensAsync(Actor actor, Project project, CancellationToken ct)
    {
        if (actor is not { Kind: ActorKind.User, User: { } caller }
            || await permissions.ProjectRoleAsync(caller, project, ct) is not >= AccessLevel.Maintainer) return null;
        return await db.DeployTokens.AsNoTracking().Where(t => t.ProjectId == project.Id).OrderByDescending(t => t.Id).ToListAsync(ct);
    }

    public async Task<List<DeployToken>?> DeployTokensAsync(Actor actor, Namespace group, CancellationToken ct)
    {
        if (await permissions.NamespaceRoleAsync(actor.Kind == ActorKind.User ? actor.User : null, group, ct) is not >= AccessLevel.Maintainer)
            return null;
        return await db.DeployTokens.AsNoTracking().Where(t => t.NamespaceId == group.Id).OrderByDescending(t => t.Id).ToListAsync(ct);
    }

    /// <summary>Members of a project: its own and those of the groups above it (GitLab's inherited members).</summary>
    public async Task<List<MemberRecord>> ProjectMembersAsync(Project project, CancellationToken ct)
    {
        var ancestors = await permissions.AncestorIdsAsync(project.NamespaceId, ct);
        return await MembersAsync(m => m.ProjectId == project.Id || (m.NamespaceId != null && ancestors.Contains(m.NamespaceId.Value)), ct);
    }

    public async Task<List<MemberRecord>> GroupMembersAsync(Namespace group, CancellationToken ct)
    {
        var ancestors = await permissions.AncestorIdsAsync(group.Id, ct);
        return await MembersAsync(m => m.NamespaceId != null && ancestors.Contains(m.NamespaceId.Value), ct);
    }

    private async Task<List<MemberRecord>> MembersAsync(System.Linq.Expressions.Expression<Func<Membership, bool>> which, CancellationToken ct)
    {
        var rows = await db.Memberships.AsNoTracking().Where(which)
            .Join(db.Users.AsNoTracking(), m => m.UserId, u => u.Id, (m, u) => new { m, u })
            .ToListAsync(ct);
        var namespaceIds = rows.Where(r => r.m.NamespaceId != null).Select(r => r.m.NamespaceId!.Value).Distinct().ToList();
        var paths = await db.Namespaces.AsNoTracking().Where(n => namespaceIds.Contains(n.Id)).ToDictionaryAsync(n => n.Id, n => n.FullPath, ct);
        return rows.Select(r => new MemberRecord(r.m, r.u, r.m.NamespaceId is long ns ? paths[ns] : ""))
            .OrderBy(r => r.User.Username, StringComparer.Ordinal).ThenByDescending(r => r.Membership.AccessLevel).ToList();
    }

    public const string OnlyAdministratorsChangeUsers = "Only administrators can change users";

    /// <summary>An administrator changes a user's name or administrator flag; nobody removes the last administrator.</summary>
    public async Task<User> UpdateUserAsync(Actor actor, string username, string? name, bool? admin, CancellationToken ct)
    {
        if (!AccessRules.IsAdministrator(actor, write: true)) throw RegistryError.Forbidden(OnlyAdministratorsChangeUsers, restDetail: true);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Username == username, ct) ?? throw RegistryError.NotFound("User", $"User {username} not found");
        if (admin == false && user.IsAdmin && await db.Users.CountAsync(u => u.IsAdmin, ct) <= 1)
            throw RegistryError.Conflict("The last administrator cannot lose administrator rights");
        if (name is not null) user.Name = string.IsNullOrWhiteSpace(name) ? user.Username : name.Trim();
        if (admin is { } a) user.IsAdmin = a;
        await db.SaveChangesAsync(ct);
        return user;
    }

    public DateTime Now => clock.GetUtcNow().UtcDateTime;
}

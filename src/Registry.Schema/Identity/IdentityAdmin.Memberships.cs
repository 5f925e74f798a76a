using Microsoft.EntityFrameworkCore;

namespace Registry.Schema.Identity;

/// <summary>Memberships of groups and projects: Owners add to groups, Maintainers to projects.</summary>
public sealed partial class IdentityAdmin
{
    public async Task AddGroupMemberAsync(Actor actor, string groupPath, string username, AccessLevel level, CancellationToken ct)
    {
        var user = RequireWriter(actor);
        var group = await locator.FindNamespaceAsync(groupPath, ct);
        if (group is null || group.Kind != NamespaceKind.Group || !await permissions.CanSeeNamespaceAsync(actor, group, ct))
            throw RegistryError.NotFound("Group", "Group not found");
        if (await permissions.NamespaceRoleAsync(user, group, ct) is not AccessLevel.Owner)
            throw RegistryError.Forbidden("Only the group's owners can add members", restDetail: true);
        var member = await FindUserAsync(username, ct);
        await UpsertMembershipAsync(member.Id, group.Id, null, level, ct);
    }

    public async Task AddProjectMemberAsync(Actor actor, string projectPath, string username, AccessLevel level, CancellationToken ct)
    {
        var user = RequireWriter(actor);
        var project = await locator.FindProjectAsync(projectPath, ct);
        if (project is null || !await permissions.CanSeeProjectAsync(actor, project, ct)) throw RegistryError.NotFound("Project", "Project not found");
        var role = await permissions.ProjectRoleAsync(user, project, ct);
        if (role is not >= AccessLevel.Maintainer || (level == AccessLevel.Owner && role != AccessLevel.Owner))
            throw RegistryError.Forbidden("You do not have permission to add this member", restDetail: true);
        var member = await FindUserAsync(username, ct);
        await UpsertMembershipAsync(member.Id, null, project.Id, level, ct);
    }

    private async Task UpsertMembershipAsync(long userId, long? namespaceId, long? projectId, AccessLevel level, CancellationToken ct)
    {
        // A token's bot is a member of its own project or group only; its role there is the token's.
        if (await db.Users.AnyAsync(u => u.Id == userId && u.Type != UserType.Human, ct))
            throw RegistryError.BadRequest("Bot users cannot be added as members");
        var existing = await db.Memberships.FirstOrDefaultAsync(m => m.UserId == userId && m.NamespaceId == namespaceId && m.ProjectId == projectId, ct);
        if (existing is null)
            db.Memberships.Add(new Membership { UserId = userId, NamespaceId = namespaceId, ProjectId = projectId, AccessLevel = level, CreatedAt = Now });
        else
            existing.AccessLevel = level;
        await db.SaveChangesAsync(ct);
    }
}

using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Identity;

namespace Registry.Schema.Access;

/// <summary>
/// What an actor may do with one project: see it (<see cref="CanSee"/> separates 404 from 403), read, publish and
/// delete its packages, and maintain it (settings, tokens, rules: a Maintainer's user token with the api scope).
/// </summary>
public sealed record ProjectAccess(bool CanSee, bool CanRead, bool CanPublish, bool CanDelete, AccessLevel? Role, bool CanMaintain = false)
{
    public static readonly ProjectAccess None = new(false, false, false, false, null);

    /// <summary>Whether this access allows <paramref name="action"/>: the one mapping every transport uses.</summary>
    public bool Allows(ProjectAction action) => action switch
    {
        ProjectAction.View => CanSee,
        ProjectAction.ReadPackages => CanRead,
        ProjectAction.PublishPackages => CanPublish,
        ProjectAction.DeletePackages => CanDelete,
        _ => CanMaintain,
    };
}

/// <summary>
/// GitLab's permission model, simplified: group roles apply to everything below the group, the highest role wins,
/// administrators can do everything, the owner of a personal namespace owns its projects.
/// </summary>
public sealed class Permissions(RegistryDbContext db)
{
    public async Task<ProjectAccess> ForProjectAsync(Actor actor, Project project, CancellationToken ct)
    {
        // The facts the decision needs, each asked only when it does (AccessRules decides).
        var role = AccessRules.NeedsRole(actor, project) ? await ProjectRoleAsync(actor.User!, project, ct) : null;
        var deployTokenApplies = actor is { Kind: ActorKind.DeployToken, DeployToken: { } token }
            && AccessRules.DeployTokenApplies(token, project,
                AccessRules.NeedsAncestors(token, project) ? await AncestorIdsAsync(project.NamespaceId, ct) : []);
        return AccessRules.ForProject(actor, project, role, deployTokenApplies);
    }

    /// <summary>
    /// The projects among <paramref name="projects"/> whose packages the actor may read, with one membership query for
    /// a user however many projects there are (group lists), instead of one per project.
    /// </summary>
    public async Task<List<long>> ReadableProjectIdsAsync(Actor actor, IReadOnlyList<Project> projects, CancellationToken ct)
    {
        if (actor.IsAdmin) return projects.Select(p => p.Id).ToList();
        // Bots and tokens without a read scope follow ForProjectAsync's narrower rules, project by project.
        if (actor.Kind != ActorKind.User || actor.User!.IsBot || (actor.Scopes & (TokenScopes.Api | TokenScopes.ReadApi)) == 0)
        {
            var readable = new List<long>();
            foreach (var project in projects)
                if ((await ForProjectAsync(actor, project, ct)).CanRead) readable.Add(project.Id);
            return readable;
        }
        var user = actor.User!;
        var ancestors = new Dictionary<long, List<long>>();
        foreach (var namespaceId in projects.Select(p => p.NamespaceId).Distinct())
            ancestors[namespaceId] = await AncestorIdsAsync(namespaceId, ct);
        var projectIds = projects.Select(p => p.Id).ToList();
        var namespaceIds = ancestors.Values.SelectMany(ids => ids).Distinct().ToList();
        var memberships = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == user.Id && ((m.ProjectId != null && projectIds.Contains(m.ProjectId.Value))
                || (m.NamespaceId != null && namespaceIds.Contains(m.NamespaceId.Value))))
            .Select(m => new { m.ProjectId, m.NamespaceId }).ToListAsync(ct);
        return projects.Where(p => p.Visibility != Visibility.Private || p.NamespaceId == user.NamespaceId
                || memberships.Any(m => m.ProjectId == p.Id || (m.NamespaceId is long ns && ancestors[p.NamespaceId].Contains(ns))))
            .Select(p => p.Id).ToList();
    }

    public async Task<AccessLevel?> ProjectRoleAsync(User user, Project project, CancellationToken ct)
    {
        if (AccessRules.ImpliedProjectRole(user, project) is { } implied) return implied;
        var ancestors = await AncestorIdsAsync(project.NamespaceId, ct);
        var levels = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == user.Id && (m.ProjectId == project.Id || (m.NamespaceId != null && ancestors.Contains(m.NamespaceId.Value))))
            .Select(m => m.AccessLevel).ToListAsync(ct);
        return AccessRules.HighestRole(levels);
    }

    /// <summary>
    /// The user's own memberships that give them a role in the project (GitLab's <c>permissions</c> of
    /// <c>GET /projects/:id</c>): the direct one, and the highest one in the project's group or a group above it.
    /// </summary>
    public async Task<(AccessLevel? Project, AccessLevel? Group)> MembershipLevelsAsync(User user, Project project, CancellationToken ct)
    {
        var ancestors = await AncestorIdsAsync(project.NamespaceId, ct);
        var rows = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == user.Id && (m.ProjectId == project.Id || (m.NamespaceId != null && ancestors.Contains(m.NamespaceId.Value))))
            .Select(m => new { m.ProjectId, m.AccessLevel }).ToListAsync(ct);
        AccessLevel? direct = rows.Where(r => r.ProjectId != null).Select(r => (AccessLevel?)r.AccessLevel).Max();
        AccessLevel? group = rows.Where(r => r.ProjectId == null).Select(r => (AccessLevel?)r.AccessLevel).Max();
        return (direct, group);
    }

    /// <summary>The user's role in a namespace: inherited from groups above it; Owner of their own namespace.</summary>
    public async Task<AccessLevel?> NamespaceRoleAsync(User? user, Namespace ns, CancellationToken ct)
    {
        if (user is null) return null;
        if (AccessRules.ImpliedNamespaceRole(user, ns) is { } implied) return implied;
        if (ns.Kind == NamespaceKind.User) return null;
        var ancestors = await AncestorIdsAsync(ns.Id, ct);
        var levels = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == user.Id && m.NamespaceId != null && ancestors.Contains(m.NamespaceId.Value))
            .Select(m => m.AccessLevel).ToListAsync(ct);
        return AccessRules.HighestRole(levels);
    }

    public async Task<bool> CanSeeNamespaceAsync(Actor actor, Namespace ns, CancellationToken ct)
    {
        if (AccessRules.NamespaceVisibleWithoutMembership(actor, ns) is { } visible) return visible;
        return await NamespaceRoleAsync(actor.User, ns, ct) is not null || await HasAccessBelowAsync(actor.User!, ns, ct);
    }

    /// <summary>
    /// GitLab lets a member of a project or subgroup read the private groups above it (GroupPolicy's <c>has_projects</c>);
    /// what they then see inside is still checked project by project.
    /// </summary>
    private async Task<bool> HasAccessBelowAsync(User user, Namespace ns, CancellationToken ct)
    {
        if (ns.Kind != NamespaceKind.Group) return false;
        var projectIds = db.Projects.InGroup(ns).Select(p => (long?)p.Id);
        var namespaceIds = db.Namespaces.Below(ns).Select(n => (long?)n.Id);
        return await db.Memberships.AsNoTracking().AnyAsync(m => m.UserId == user.Id
            && (projectIds.Contains(m.ProjectId) || namespaceIds.Contains(m.NamespaceId)), ct);
    }

    public async Task<bool> CanSeeProjectAsync(Actor actor, Project project, CancellationToken ct) =>
        (await ForProjectAsync(actor, project, ct)).CanSee;

    /// <summary>The namespace and every group above it, found by full-path prefixes in one query.</summary>
    public async Task<List<long>> AncestorIdsAsync(long namespaceId, CancellationToken ct)
    {
        // Scoped per request: a list of many projects in few groups asks for the same ancestors again and again.
        if (_ancestors.TryGetValue(namespaceId, out var known)) return known;
        var ids = await LoadAncestorIdsAsync(namespaceId, ct);
        _ancestors[namespaceId] = ids;
        return ids;
    }

    private readonly Dictionary<long, List<long>> _ancestors = new();

    private async Task<List<long>> LoadAncestorIdsAsync(long namespaceId, CancellationToken ct)
    {
        var fullPathKey = await db.Namespaces.AsNoTracking().Where(n => n.Id == namespaceId).Select(n => n.FullPathKey).FirstAsync(ct);
        var prefixes = AccessRules.PathPrefixes(fullPathKey);
        return await db.Namespaces.AsNoTracking().Where(n => prefixes.Contains(n.FullPathKey)).Select(n => n.Id).ToListAsync(ct);
    }
}

using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

/// <summary>
/// What an actor may do with one project: see it (<see cref="CanSee"/> separates 404 from 403), read, publish and
/// delete its packages, and maintain it (settings, tokens, rules: a Maintainer's user token with the api scope).
/// </summary>
public sealed record ProjectAccess(bool CanSee, bool CanRead, bool CanPublish, bool CanDelete, AccessLevel? Role, bool CanMaintain = false)
{
    public static readonly ProjectAccess None = new(false, false, false, false, null);
}

/// <summary>
/// GitLab's permission model, simplified: group roles apply to everything below the group, the highest role wins,
/// administrators can do everything, the owner of a personal namespace owns its projects.
/// </summary>
public sealed class Permissions(RegistryDbContext db)
{
    public async Task<ProjectAccess> ForProjectAsync(Actor actor, Project project, CancellationToken ct)
    {
        // Internal projects are visible to signed-in users; a job token is limited to its own project.
        var publicOrInternal = project.Visibility == Visibility.Public
            || (project.Visibility == Visibility.Internal && actor.Kind == ActorKind.User);
        var anonymousView = new ProjectAccess(publicOrInternal, publicOrInternal, false, false, null);

        switch (actor.Kind)
        {
            case ActorKind.Anonymous:
                return anonymousView;
            case ActorKind.DeployToken:
            {
                var dt = actor.DeployToken!;
                var applies = dt.ProjectId == project.Id
                    || (dt.NamespaceId is long ns && (await AncestorIdsAsync(project.NamespaceId, ct)).Contains(ns));
                if (!applies) return anonymousView with { CanSee = project.Visibility == Visibility.Public, CanRead = project.Visibility == Visibility.Public };
                var write = dt.Scopes.HasFlag(TokenScopes.WritePackageRegistry);
                return new ProjectAccess(true, true, write, write, null);
            }
            case ActorKind.JobToken when actor.JobToken!.ProjectId != project.Id:
                return anonymousView;
        }

        var user = actor.User!;
        AccessLevel? role = user.IsAdmin ? AccessLevel.Owner : await ProjectRoleAsync(user, project, ct);
        if (role is null) return anonymousView;
        var writeScope = actor.Kind == ActorKind.JobToken || actor.Scopes.HasFlag(TokenScopes.Api);
        return new ProjectAccess(true, true,
            writeScope && role >= AccessLevel.Developer,
            writeScope && role >= AccessLevel.Maintainer,
            role,
            CanMaintain: actor.CanWriteApi && role >= AccessLevel.Maintainer);
    }

    /// <summary>
    /// The projects among <paramref name="projects"/> whose packages the actor may read, with one membership query for
    /// a user however many projects there are (group lists), instead of one per project.
    /// </summary>
    public async Task<List<long>> ReadableProjectIdsAsync(Actor actor, IReadOnlyList<Project> projects, CancellationToken ct)
    {
        if (actor.IsAdmin) return projects.Select(p => p.Id).ToList();
        if (actor.Kind != ActorKind.User)
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
        if (user.IsAdmin) return AccessLevel.Owner;
        if (project.NamespaceId == user.NamespaceId) return AccessLevel.Owner;
        var ancestors = await AncestorIdsAsync(project.NamespaceId, ct);
        var levels = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == user.Id && (m.ProjectId == project.Id || (m.NamespaceId != null && ancestors.Contains(m.NamespaceId.Value))))
            .Select(m => m.AccessLevel).ToListAsync(ct);
        return levels.Count == 0 ? null : levels.Max();
    }

    /// <summary>The user's role in a namespace: inherited from groups above it; Owner of their own namespace.</summary>
    public async Task<AccessLevel?> NamespaceRoleAsync(User? user, Namespace ns, CancellationToken ct)
    {
        if (user is null) return null;
        if (user.IsAdmin || ns.Id == user.NamespaceId) return AccessLevel.Owner;
        if (ns.Kind == NamespaceKind.User) return null;
        var ancestors = await AncestorIdsAsync(ns.Id, ct);
        var levels = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == user.Id && m.NamespaceId != null && ancestors.Contains(m.NamespaceId.Value))
            .Select(m => m.AccessLevel).ToListAsync(ct);
        return levels.Count == 0 ? null : levels.Max();
    }

    public async Task<bool> CanSeeNamespaceAsync(Actor actor, Namespace ns, CancellationToken ct)
    {
        if (ns.Visibility == Visibility.Public) return true;
        if (actor.User is null) return false;
        if (ns.Visibility == Visibility.Internal) return true;
        return await NamespaceRoleAsync(actor.User, ns, ct) is not null || await HasAccessBelowAsync(actor.User, ns, ct);
    }

    /// <summary>
    /// GitLab lets a member of a project or subgroup read the private groups above it (GroupPolicy's <c>has_projects</c>);
    /// what they then see inside is still checked project by project.
    /// </summary>
    private async Task<bool> HasAccessBelowAsync(User user, Namespace ns, CancellationToken ct)
    {
        if (ns.Kind != NamespaceKind.Group) return false;
        var prefix = ns.FullPathKey + "/";
        var projectIds = db.Projects.Where(p => p.NamespaceId == ns.Id || p.Namespace.FullPathKey.StartsWith(prefix)).Select(p => (long?)p.Id);
        var namespaceIds = db.Namespaces.Where(n => n.FullPathKey.StartsWith(prefix)).Select(n => (long?)n.Id);
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
        var prefixes = PathPrefixes(fullPathKey);
        return await db.Namespaces.AsNoTracking().Where(n => prefixes.Contains(n.FullPathKey)).Select(n => n.Id).ToListAsync(ct);
    }

    public static List<string> PathPrefixes(string fullPath)
    {
        var result = new List<string>();
        for (var i = fullPath.IndexOf('/'); i >= 0; i = fullPath.IndexOf('/', i + 1)) result.Add(fullPath[..i]);
        result.Add(fullPath);
        return result;
    }
}

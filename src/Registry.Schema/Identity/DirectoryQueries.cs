using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;

namespace Registry.Schema.Identity;

/// <summary>
/// The project and group lists (GitLab's <c>GET /projects</c>, <c>/groups</c>, <c>/groups/:id/projects</c> and
/// GraphQL's <c>Query.projects</c>, <c>Query.groups</c>, <c>Group.projects</c>): which ones the actor may see, as one
/// query each, by the same rules <see cref="Permissions"/> applies to a single project or group (a private one is seen
/// only by its members, members of a group above it, and, for groups, members of something below it).
/// </summary>
public sealed class DirectoryQueries(RegistryDbContext db, Permissions permissions)
{
    public async Task<IQueryable<Project>> ProjectsAsync(Actor actor, ProjectListFilter filter, CancellationToken ct)
    {
        var query = db.Projects.AsNoTracking().Include(p => p.Namespace).AsQueryable();
        query = await VisibleProjectsAsync(query, actor, ct);

        if (actor.Kind == ActorKind.User && (filter.Membership || filter.Owned))
        {
            var user = actor.User!;
            var memberships = await MembershipsAsync(user.Id, ct);
            var groups = memberships.Where(m => m.GroupKey is not null && (!filter.Owned || m.Level == AccessLevel.Owner))
                .Select(m => m.GroupKey!).ToList();
            var projectIds = filter.Owned ? [] : memberships.Where(m => m.ProjectId is not null).Select(m => m.ProjectId!.Value).ToList();
            var below = db.Namespaces.Where(PathPredicates.NamespaceAtOrBelow(groups)).Select(n => n.Id);
            query = query.Where(p => p.NamespaceId == user.NamespaceId || projectIds.Contains(p.Id) || below.Contains(p.NamespaceId));
        }
        if (filter.GroupId is { } groupId)
        {
            var groupKey = await db.Namespaces.Where(n => n.Id == groupId).Select(n => n.FullPathKey).FirstAsync(ct);
            query = query.InGroup(groupId, groupKey, filter.IncludeSubgroups);
        }
        if (filter.Visibility is { } visibility) query = query.Where(p => p.Visibility == visibility);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var s = filter.Search.Trim().ToLowerInvariant();
            query = filter.SearchNamespaces
                ? query.Where(p => p.Name.ToLower().Contains(s) || p.FullPathKey.Contains(s) || p.Namespace.Name.ToLower().Contains(s))
                : query.Where(p => p.Name.ToLower().Contains(s) || p.Path.ToLower().Contains(s));
        }
        return (filter.Order, filter.Descending) switch
        {
            (ProjectOrder.Name, false) => query.OrderBy(p => p.Name).ThenBy(p => p.Id),
            (ProjectOrder.Name, true) => query.OrderByDescending(p => p.Name).ThenByDescending(p => p.Id),
            (ProjectOrder.Path, false) => query.OrderBy(p => p.Path).ThenBy(p => p.Id),
            (ProjectOrder.Path, true) => query.OrderByDescending(p => p.Path).ThenByDescending(p => p.Id),
            (ProjectOrder.CreatedAt, false) => query.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id),
            (ProjectOrder.CreatedAt, true) => query.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id),
            (_, false) => query.OrderBy(p => p.Id),
            (_, true) => query.OrderByDescending(p => p.Id),
        };
    }

    public async Task<IQueryable<Namespace>> GroupsAsync(Actor actor, GroupListFilter filter, CancellationToken ct)
    {
        var query = db.Namespaces.AsNoTracking().Where(n => n.Kind == NamespaceKind.Group);
        var user = actor.User;
        if (!actor.IsAdmin)
        {
            if (user is null) query = query.Where(n => n.Visibility == Visibility.Public);
            else
            {
                var memberships = await MembershipsAsync(user.Id, ct);
                var groupKeys = memberships.Where(m => m.GroupKey is not null).Select(m => m.GroupKey!).ToList();
                // Private groups above a membership are visible too (GitLab's has_projects); see Permissions.
                var above = memberships.Select(m => m.GroupKey ?? m.ProjectNamespaceKey!).SelectMany(AccessRules.PathPrefixes).Distinct().ToList();
                var atOrBelow = PathPredicates.NamespaceAtOrBelow(groupKeys);
                var reached = db.Namespaces.Where(atOrBelow).Select(n => n.Id);
                query = filter.AllAvailable
                    ? query.Where(n => n.Visibility != Visibility.Private || reached.Contains(n.Id) || above.Contains(n.FullPathKey))
                    : query.Where(n => reached.Contains(n.Id) || above.Contains(n.FullPathKey));
            }
        }
        else if (!filter.AllAvailable)
        {
            var memberships = await MembershipsAsync(user!.Id, ct);
            var keys = memberships.Where(m => m.GroupKey is not null).Select(m => m.GroupKey!).ToList();
            var reached = db.Namespaces.Where(PathPredicates.NamespaceAtOrBelow(keys)).Select(n => n.Id);
            query = query.Where(n => reached.Contains(n.Id));
        }

        var minimum = filter.Owned ? AccessLevel.Owner : filter.MinAccessLevel;
        if (minimum is { } level)
        {
            // Memberships, as GitLab counts them: an administrator's implicit rights do not make them an owner here.
            if (user is null) return query.Where(_ => false).OrderBy(n => n.Id);
            var keys = (await MembershipsAsync(user.Id, ct)).Where(m => m.GroupKey is not null && m.Level >= level).Select(m => m.GroupKey!).ToList();
            var withRole = db.Namespaces.Where(PathPredicates.NamespaceAtOrBelow(keys)).Select(n => n.Id);
            query = query.Where(n => withRole.Contains(n.Id));
        }
        if (filter.TopLevelOnly) query = query.Where(n => n.ParentId == null);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var s = filter.Search.Trim().ToLowerInvariant();
            query = query.Where(n => n.Name.ToLower().Contains(s) || n.Path.ToLower().Contains(s));
        }
        return (filter.Order, filter.Descending) switch
        {
            (GroupOrder.Name, false) => query.OrderBy(n => n.Name).ThenBy(n => n.Id),
            (GroupOrder.Name, true) => query.OrderByDescending(n => n.Name).ThenByDescending(n => n.Id),
            (GroupOrder.Path, false) => query.OrderBy(n => n.Path).ThenBy(n => n.Id),
            (GroupOrder.Path, true) => query.OrderByDescending(n => n.Path).ThenByDescending(n => n.Id),
            (_, false) => query.OrderBy(n => n.Id),
            (_, true) => query.OrderByDescending(n => n.Id),
        };
    }

    /// <summary>
    /// The display names of the namespaces on the way to each full path (GitLab's <c>full_name</c> and
    /// <c>name_with_namespace</c>, "Acme / Tools"), for many paths in one query.
    /// </summary>
    public async Task<FullNames> FullNamesAsync(IEnumerable<string> fullPathKeys, CancellationToken ct)
    {
        var prefixes = fullPathKeys.SelectMany(AccessRules.PathPrefixes).Distinct().ToList();
        var names = prefixes.Count == 0 ? new Dictionary<string, string>()
            : await db.Namespaces.AsNoTracking().Where(n => prefixes.Contains(n.FullPathKey)).ToDictionaryAsync(n => n.FullPathKey, n => n.Name, ct);
        return new FullNames(names);
    }

    /// <summary>The users whose personal namespaces hold these projects (GitLab's <c>owner</c>), in one query.</summary>
    public async Task<Dictionary<long, User>> PersonalOwnersAsync(IReadOnlyCollection<Project> projects, CancellationToken ct)
    {
        var ids = projects.Where(p => p.Namespace.Kind == NamespaceKind.User).Select(p => p.NamespaceId).Distinct().ToList();
        return ids.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => ids.Contains(u.NamespaceId)).ToDictionaryAsync(u => u.NamespaceId, ct);
    }

    /// <summary>The project's namespace: the one it was read with, or read now.</summary>
    public async Task<Namespace> NamespaceOfAsync(Project project, CancellationToken ct) =>
        project.Namespace ?? await db.Namespaces.AsNoTracking().FirstAsync(n => n.Id == project.NamespaceId, ct);

    /// <summary>Limits <paramref name="query"/> to what <see cref="Permissions.ForProjectAsync"/> lets the actor see.</summary>
    private async Task<IQueryable<Project>> VisibleProjectsAsync(IQueryable<Project> query, Actor actor, CancellationToken ct)
    {
        if (actor.IsAdmin) return query;
        switch (actor.Kind)
        {
            case ActorKind.User:
            {
                var user = actor.User!;
                var memberships = await MembershipsAsync(user.Id, ct);
                var projectIds = memberships.Where(m => m.ProjectId is not null).Select(m => m.ProjectId!.Value).ToList();
                var groups = memberships.Where(m => m.GroupKey is not null).Select(m => m.GroupKey!).ToList();
                var below = db.Namespaces.Where(PathPredicates.NamespaceAtOrBelow(groups)).Select(n => n.Id);
                return query.Where(p => p.Visibility != Visibility.Private || p.NamespaceId == user.NamespaceId
                    || projectIds.Contains(p.Id) || below.Contains(p.NamespaceId));
            }
            case ActorKind.JobToken:
            {
                // A job token sees public projects and its own one while its user still has a role there.
                var own = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == actor.JobToken!.ProjectId, ct);
                var ownId = own is not null && (await permissions.ForProjectAsync(actor, own, ct)).CanSee ? own.Id : -1;
                return query.Where(p => p.Visibility == Visibility.Public || p.Id == ownId);
            }
            case ActorKind.DeployToken:
            {
                var token = actor.DeployToken!;
                var projectId = token.ProjectId ?? -1;
                var keys = token.NamespaceId is long ns
                    ? await db.Namespaces.Where(n => n.Id == ns).Select(n => n.FullPathKey).ToListAsync(ct)
                    : [];
                var below = db.Namespaces.Where(PathPredicates.NamespaceAtOrBelow(keys)).Select(n => n.Id);
                return query.Where(p => p.Visibility == Visibility.Public || p.Id == projectId || below.Contains(p.NamespaceId));
            }
            default:
                return query.Where(p => p.Visibility == Visibility.Public);
        }
    }

    private sealed record MembershipRow(long? ProjectId, string? GroupKey, string? ProjectNamespaceKey, AccessLevel Level);

    private async Task<List<MembershipRow>> MembershipsAsync(long userId, CancellationToken ct)
    {
        if (_memberships.TryGetValue(userId, out var known)) return known;
        var rows = await (
            from m in db.Memberships.AsNoTracking()
            where m.UserId == userId
            join n in db.Namespaces on m.NamespaceId equals (long?)n.Id into groups
            from g in groups.DefaultIfEmpty()
            join p in db.Projects on m.ProjectId equals (long?)p.Id into projects
            from p in projects.DefaultIfEmpty()
            select new MembershipRow(m.ProjectId, g == null ? null : g.FullPathKey, p == null ? null : p.Namespace.FullPathKey, m.AccessLevel))
            .ToListAsync(ct);
        _memberships[userId] = rows;
        return rows;
    }

    private readonly Dictionary<long, List<MembershipRow>> _memberships = new();
}

/// <summary>Namespace names by lower-cased full path, joined GitLab's way ("Acme / Tools").</summary>
public sealed class FullNames(IReadOnlyDictionary<string, string> names)
{
    public string Of(string fullPathKey) =>
        string.Join(" / ", AccessRules.PathPrefixes(fullPathKey).Select(k => names.TryGetValue(k, out var n) ? n : k[(k.LastIndexOf('/') + 1)..]));

    /// <summary>A project's <c>name_with_namespace</c>: its namespace's full name, then its own name.</summary>
    public string OfProject(Project project) => Of(project.Namespace.FullPathKey) + " / " + project.Name;
}

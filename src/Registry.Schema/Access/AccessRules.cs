using Registry.Schema.Identity;

namespace Registry.Schema.Access;

/// <summary>
/// The decisions of the permission model, apart from the queries that gather their facts (<see cref="Permissions"/>
/// asks the database for roles and ancestors, then asks these): pure functions, tested without a server or a database.
/// </summary>
public static class AccessRules
{
    /// <summary>
    /// What <paramref name="actor"/> may do with <paramref name="project"/>. Internal projects are visible to signed-in
    /// users; a job token acts with its user's role in its own project only; a deploy token reads (and with the write
    /// scope publishes and deletes) where it applies.
    /// </summary>
    /// <param name="role">The user's role in the project (administrators: Owner), when <see cref="NeedsRole"/>; else null.</param>
    /// <param name="deployTokenApplies">For a deploy token: <see cref="DeployTokenApplies"/>.</param>
    public static ProjectAccess ForProject(Actor actor, Project project, AccessLevel? role, bool deployTokenApplies)
    {
        var publicOrInternal = project.Visibility == Visibility.Public
            || (project.Visibility == Visibility.Internal && actor.Kind == ActorKind.User);
        var anonymousView = new ProjectAccess(publicOrInternal, publicOrInternal, false, false, null);

        switch (actor.Kind)
        {
            case ActorKind.Anonymous:
                return anonymousView;
            case ActorKind.DeployToken:
            {
                if (!deployTokenApplies) return anonymousView;
                var write = actor.DeployToken!.Scopes.HasFlag(TokenScopes.WritePackageRegistry);
                return new ProjectAccess(true, true, write, write, null);
            }
            case ActorKind.JobToken when actor.JobToken!.ProjectId != project.Id:
                return anonymousView;
        }

        if (role is null) return anonymousView;
        var writeScope = actor.Kind == ActorKind.JobToken || actor.Scopes.HasFlag(TokenScopes.Api);
        // The seed: a project (or group) access token reads packages with read_api (or api) and at least Reporter.
        // A token with only registry scopes reads nothing through the API (GitLab's insufficient_scope).
        var readScope = actor.Kind == ActorKind.JobToken || (actor.Scopes & (TokenScopes.Api | TokenScopes.ReadApi)) != 0;
        var readRole = actor.User is not { IsBot: true } || role >= AccessLevel.Reporter;
        return new ProjectAccess(true, anonymousView.CanRead || (readScope && readRole),
            writeScope && role >= AccessLevel.Developer,
            writeScope && role >= AccessLevel.Maintainer,
            role,
            CanMaintain: actor.CanWriteApi && role >= AccessLevel.Maintainer);
    }

    /// <summary>An administrator; to change things, with a token that may write through the API.</summary>
    public static bool IsAdministrator(Actor actor, bool write) => actor.IsAdmin && (!write || actor.CanWriteApi);

    /// <summary>Whether <see cref="ForProject"/> needs the actor's role: for a user, or a job token of this very project.</summary>
    public static bool NeedsRole(Actor actor, Project project) =>
        actor.Kind == ActorKind.User || (actor.Kind == ActorKind.JobToken && actor.JobToken!.ProjectId == project.Id);

    /// <summary>Whether a deploy token of a project or group applies to a project in the namespace with these ancestors.</summary>
    /// <param name="ancestorIds">The project's namespace and every group above it (see <see cref="NeedsAncestors"/>).</param>
    public static bool DeployTokenApplies(DeployToken token, Project project, IReadOnlyCollection<long> ancestorIds) =>
        token.ProjectId == project.Id || (token.NamespaceId is long ns && ancestorIds.Contains(ns));

    /// <summary>Whether <see cref="DeployTokenApplies"/> needs the project's ancestors (a group token, not of this project).</summary>
    public static bool NeedsAncestors(DeployToken token, Project project) => token.ProjectId != project.Id && token.NamespaceId is not null;

    /// <summary>A role that needs no membership: administrators and the owner of a personal namespace are Owners.</summary>
    public static AccessLevel? ImpliedProjectRole(User user, Project project) =>
        user.IsAdmin || project.NamespaceId == user.NamespaceId ? AccessLevel.Owner : null;

    /// <summary>The same for a namespace: administrators and the user of a personal namespace are its Owners.</summary>
    public static AccessLevel? ImpliedNamespaceRole(User user, Namespace ns) =>
        user.IsAdmin || ns.Id == user.NamespaceId ? AccessLevel.Owner : null;

    /// <summary>The highest of the memberships that apply (a group's role applies below it); none: no role.</summary>
    public static AccessLevel? HighestRole(IReadOnlyCollection<AccessLevel> levels) => levels.Count == 0 ? null : levels.Max();

    /// <summary>
    /// Whether a namespace is visible without looking at memberships: public ones to everyone, internal ones to any
    /// signed-in user; null when it depends on the user's memberships (a private group).
    /// </summary>
    public static bool? NamespaceVisibleWithoutMembership(Actor actor, Namespace ns) =>
        ns.Visibility == Visibility.Public ? true
        : actor.User is null ? false
        : ns.Visibility == Visibility.Internal ? true
        : null;

    /// <summary><c>a/b/c</c> → <c>a</c>, <c>a/b</c>, <c>a/b/c</c>: the full paths of a namespace and the groups above it.</summary>
    public static List<string> PathPrefixes(string fullPath)
    {
        var result = new List<string>();
        for (var i = fullPath.IndexOf('/'); i >= 0; i = fullPath.IndexOf('/', i + 1)) result.Add(fullPath[..i]);
        result.Add(fullPath);
        return result;
    }
}

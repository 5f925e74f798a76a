using Registry.Schema.Caching;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.Access;

/// <summary>
/// The status-code rules (docs/api-contract.md, Access), shared by every transport: 401 for missing or invalid credentials
/// where some are needed, 404 where the caller may not know the project exists, 403 where the role or scope is too low.
/// </summary>
public sealed class PackageAuthorizer(ProjectLocator locator, Permissions permissions, HotPathCache cache)
{
    public async Task<(Project Project, ProjectAccess Access)> AuthorizeAsync(
        AuthenticationResult auth, string projectIdOrPath, ProjectAction action, CancellationToken ct)
    {
        var actor = auth.Actor;
        Project? project;
        ProjectAccess? known = null;
        if (auth.Outcome != AuthenticationOutcome.Invalid)
            (project, known) = await ProjectAndAccessAsync(actor, projectIdOrPath, ct);
        else
            project = await locator.FindProjectAsync(projectIdOrPath, ct);
        if (auth.Outcome == AuthenticationOutcome.Invalid)
        {
            // GitLab lets a public download through when a tool sends a stale Basic password.
            var basicOnPublicRead = action is ProjectAction.View or ProjectAction.ReadPackages && auth.Credentials?.Source == CredentialSource.Basic
                && project?.Visibility == Visibility.Public;
            if (!basicOnPublicRead) throw RegistryError.Unauthorized();
            actor = Actor.Anonymous;
        }

        var reads = action is ProjectAction.View or ProjectAction.ReadPackages;
        if (actor.Kind == ActorKind.Anonymous && !reads) throw RegistryError.Unauthorized();
        // GitLab's GET /projects/:id answers a private project 404 to anyone who may not see it, signed in or not; the
        // package routes ask an anonymous caller to sign in first.
        var askToSignIn = actor.Kind == ActorKind.Anonymous && action != ProjectAction.View;
        if (project is null) throw askToSignIn ? RegistryError.Unauthorized() : RegistryError.NotFound("Project");

        var access = known ?? await permissions.ForProjectAsync(actor, project, ct);
        if (!access.CanSee) throw askToSignIn ? RegistryError.Unauthorized() : RegistryError.NotFound("Project");
        if (!access.Allows(action)) throw actor.Kind == ActorKind.Anonymous ? RegistryError.Unauthorized() : RegistryError.Forbidden();
        return (project, access);
    }

    /// <summary>
    /// The project at <paramref name="fullPath"/> when the actor may see it, else null: GraphQL's <c>project(fullPath:)</c>.
    /// It shares the downloads' cached answer (<see cref="HotPathCache"/>, ended by any identity write on this instance),
    /// which saves a GraphQL package list the four queries of the lookup and the membership check.
    /// </summary>
    public async Task<Project?> VisibleProjectAsync(Actor actor, string fullPath, CancellationToken ct)
    {
        // A full path names a namespace too, so it is never all digits (which the shared lookup would read as an id).
        if (!fullPath.Contains('/')) return null;
        var (project, access) = await ProjectAndAccessAsync(actor, fullPath, ct);
        return project is not null && access is { CanSee: true } ? project : null;
    }

    /// <summary>
    /// The namespace at <paramref name="fullPath"/> when the actor may see it, else null (GraphQL's <c>group</c> and
    /// <c>namespace</c>), cached as <see cref="VisibleProjectAsync"/> is.
    /// </summary>
    public Task<Namespace?> VisibleNamespaceAsync(Actor actor, string fullPath, CancellationToken ct) =>
        cache.GetOrLoadAsync<Namespace?>(("namespace-visible", ActorKey(actor), ProjectLocator.PathKey(fullPath)), CacheScope.Identity, async () =>
        {
            var ns = await locator.FindNamespaceAsync(fullPath, ct);
            return (ns is not null && await permissions.CanSeeNamespaceAsync(actor, ns, ct) ? ns : null, true, null);
        });

    /// <summary>
    /// The project and what the actor may do there, cached (<see cref="HotPathCache"/>): every download and upload
    /// starts here, and the answer changes only when identities, memberships or projects do.
    /// </summary>
    private Task<(Project?, ProjectAccess?)> ProjectAndAccessAsync(Actor actor, string projectIdOrPath, CancellationToken ct) =>
        cache.GetOrLoadAsync<(Project?, ProjectAccess?)>(("project-access", ActorKey(actor), projectIdOrPath.ToLowerInvariant()), CacheScope.Identity, async () =>
        {
            var project = await locator.FindProjectAsync(projectIdOrPath, ct);
            var access = project is null ? null : await permissions.ForProjectAsync(actor, project, ct);
            return ((project, access), true, null);
        });

    /// <summary>What a project's access depends on: the user and the token's scopes, or the token itself.</summary>
    internal static (ActorKind, long, TokenScopes) ActorKey(Actor actor) => actor.Kind switch
    {
        ActorKind.User => (actor.Kind, actor.User!.Id, actor.Scopes),
        ActorKind.JobToken => (actor.Kind, actor.JobToken!.Id, actor.Scopes),
        ActorKind.DeployToken => (actor.Kind, actor.DeployToken!.Id, actor.Scopes),
        _ => (actor.Kind, 0, TokenScopes.None),
    };

    /// <summary>
    /// A group the caller may see: 401 for invalid credentials; for a group they cannot see, 404, except that the package
    /// list asks an anonymous caller to sign in (401). Which projects below it are readable is decided per project.
    /// </summary>
    public async Task<Namespace> AuthorizeGroupAsync(AuthenticationResult auth, string groupIdOrPath, GroupAction action, CancellationToken ct)
    {
        if (auth.Outcome == AuthenticationOutcome.Invalid) throw RegistryError.Unauthorized();
        var group = await locator.FindGroupAsync(groupIdOrPath, ct);
        if (group is null || !await permissions.CanSeeNamespaceAsync(auth.Actor, group, ct))
            throw auth.Actor.Kind == ActorKind.Anonymous && action == GroupAction.ReadPackages ? RegistryError.Unauthorized() : RegistryError.NotFound("Group");
        return group;
    }
}

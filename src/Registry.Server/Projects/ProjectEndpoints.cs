using Registry.Schema.Access;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Server.Access;
using Registry.Server.EntityJson;
using Registry.Server.Hosting;
using Registry.Server.OpenApi;
using Registry.Server.PackagesApi;
using Registry.Server.Responses;
using MessageJson = Registry.Server.Hooks.HookEndpoints.MessageJson;

namespace Registry.Server.Projects;

/// <summary>
/// GitLab's <c>GET /projects</c> (what the caller may see, with GitLab's filters and paging headers) and
/// <c>GET /projects/:id</c> (by id or URL-encoded path; a project the caller may not see is 404). The lists come from
/// <see cref="DirectoryQueries"/>, which GraphQL's <c>Query.projects</c> uses too.
/// </summary>
public static class ProjectEndpoints
{
    public static IEndpointRouteBuilder MapProjects(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v4/projects", List).RequireCaller().ProducesJson<List<GitLabEntity>>();
        app.MapGet("/api/v4/projects/{id}", Get).RequireProject(ProjectAction.View).ProducesJson<GitLabEntity>();
        // Administrators only (AdminActions): a project the caller cannot see is 404 first, as GitLab.
        app.MapDelete("/api/v4/projects/{id}", Delete).RequireProject(ProjectAction.View).ProducesJson<MessageJson>(StatusCodes.Status202Accepted);
        return app;
    }

    /// <summary>GitLab answers 202 (its deletion is a background job); here everything is gone when it answers.</summary>
    private static async Task<GitLabJson<MessageJson>> Delete(ProjectScope scope, HttpContext http, AdminActions admin)
    {
        await admin.DeleteProjectAsync(scope.Actor, AdminTarget.ById(scope.Project.Id), http.RequestAborted);
        return GitLabJson.Status(new MessageJson("202 Accepted"), StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> List(CallerScope scope, ProjectListParameters parameters, OffsetPagination paging,
        HttpContext http, DirectoryQueries directory)
    {
        var ct = http.RequestAborted;
        var query = await directory.ProjectsAsync(scope.Actor, parameters.Filter with { GroupId = null }, ct);
        var page = await paging.ApplyAsync(http, query, ct);
        return GitLabJson.Ok(await RenderAsync(page, parameters.Simple, http, directory, ct));
    }

    private static async Task<IResult> Get(ProjectScope scope, HttpContext http, DirectoryQueries directory, Permissions permissions)
    {
        var ct = http.RequestAborted;
        var project = scope.Project;
        project.Namespace ??= await directory.NamespaceOfAsync(project, ct);
        var json = new DirectoryJson(PublicUrl.Root(http.Request), await directory.FullNamesAsync([project.Namespace.FullPathKey], ct));
        var (direct, group) = scope.Actor.User is { } user ? await permissions.MembershipLevelsAsync(user, project, ct) : (null, null);
        var owners = await directory.PersonalOwnersAsync([project], ct);
        return GitLabJson.Ok(json.ProjectWithAccess(project, owners.GetValueOrDefault(project.NamespaceId), direct, group));
    }

    /// <summary>A page of projects as GitLab's <c>Project</c> (or, with <c>simple=true</c>, <c>BasicProjectDetails</c>) entities.</summary>
    public static async Task<List<GitLabEntity>> RenderAsync(List<Project> page, bool simple, HttpContext http, DirectoryQueries directory,
        CancellationToken ct)
    {
        var json = new DirectoryJson(PublicUrl.Root(http.Request), await directory.FullNamesAsync(page.Select(p => p.Namespace.FullPathKey), ct));
        if (simple) return page.Select(json.BasicProject).ToList();
        var owners = await directory.PersonalOwnersAsync(page, ct);
        return page.Select(p => json.Project(p, owners.GetValueOrDefault(p.NamespaceId))).ToList();
    }
}

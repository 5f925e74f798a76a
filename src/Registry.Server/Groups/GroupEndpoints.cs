using Registry.Schema.Access;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Server.Access;
using Registry.Server.EntityJson;
using Registry.Server.Hosting;
using Registry.Server.OpenApi;
using Registry.Server.PackagesApi;
using Registry.Server.Projects;
using Registry.Server.Responses;
using Microsoft.EntityFrameworkCore;
using MessageJson = Registry.Server.Hooks.HookEndpoints.MessageJson;

namespace Registry.Server.Groups;

/// <summary>
/// GitLab's <c>GET /groups</c>, <c>GET /groups/:id</c> (with its projects, as GitLab's <c>GroupDetail</c>) and
/// <c>GET /groups/:id/projects</c>; a group the caller may not see is 404. Lists come from <see cref="DirectoryQueries"/>.
/// </summary>
public static class GroupEndpoints
{
    /// <summary>GitLab's <c>GroupDetail</c> lists at most this many of the group's projects.</summary>
    public const int DetailProjectLimit = 100;

    public static IEndpointRouteBuilder MapGroups(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v4/groups", List).RequireCaller().ProducesJson<List<GitLabEntity>>();
        app.MapGet("/api/v4/groups/{id}", Get).RequireGroup(GroupAction.View).ProducesJson<GitLabEntity>();
        app.MapGet("/api/v4/groups/{id}/projects", Projects).RequireGroup(GroupAction.View).ProducesJson<List<GitLabEntity>>();
        // Administrators only (AdminActions): a group the caller cannot see is 404 first, as GitLab.
        app.MapDelete("/api/v4/groups/{id}", Delete).RequireGroup(GroupAction.View).ProducesJson<MessageJson>(StatusCodes.Status202Accepted);
        return app;
    }

    /// <summary>GitLab answers 202 (its deletion is a background job); here everything is gone when it answers.</summary>
    private static async Task<GitLabJson<MessageJson>> Delete(GroupScope scope, HttpContext http, AdminActions admin)
    {
        await admin.DeleteGroupAsync(scope.Actor, AdminTarget.ById(scope.Group.Id), http.RequestAborted);
        return GitLabJson.Status(new MessageJson("202 Accepted"), StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> List(CallerScope scope, GroupListParameters parameters, OffsetPagination paging, HttpContext http,
        DirectoryQueries directory)
    {
        var ct = http.RequestAborted;
        var page = await paging.ApplyAsync(http, await directory.GroupsAsync(scope.Actor, parameters.ToFilter(scope.Actor), ct), ct);
        var json = new DirectoryJson(PublicUrl.Root(http.Request), await directory.FullNamesAsync(page.Select(g => g.FullPathKey), ct));
        return GitLabJson.Ok(page.Select(json.Group).ToList());
    }

    private static async Task<IResult> Get(GroupScope scope, HttpContext http, DirectoryQueries directory)
    {
        var ct = http.RequestAborted;
        var projects = await (await directory.ProjectsAsync(scope.Actor, new ProjectListFilter(GroupId: scope.Group.Id), ct))
            .Take(DetailProjectLimit).ToListAsync(ct);
        var rendered = await ProjectEndpoints.RenderAsync(projects, simple: false, http, directory, ct);
        var json = new DirectoryJson(PublicUrl.Root(http.Request), await directory.FullNamesAsync([scope.Group.FullPathKey], ct));
        return GitLabJson.Ok(json.GroupDetail(scope.Group, rendered));
    }

    private static async Task<IResult> Projects(GroupScope scope, ProjectListParameters parameters, OffsetPagination paging, HttpContext http,
        DirectoryQueries directory)
    {
        var ct = http.RequestAborted;
        var query = await directory.ProjectsAsync(scope.Actor, parameters.Filter with { GroupId = scope.Group.Id }, ct);
        var page = await paging.ApplyAsync(http, query, ct);
        return GitLabJson.Ok(await ProjectEndpoints.RenderAsync(page, parameters.Simple, http, directory, ct));
    }
}

using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Server.Access;
using Registry.Server.Responses;

namespace Registry.Server.PackagesApi;

/// <summary><c>GET /groups/:id/packages</c>: packages of the readable projects below a group.</summary>
internal static class GroupPackageEndpoints
{
    public static async Task<GitLabJson<List<PackageJson>>> List(GroupScope scope, PackageListParameters parameters,
        OffsetPagination paging, HttpContext http, PackageQueries queries, Permissions permissions, OffsetPageReader reader)
    {
        var ct = http.RequestAborted;
        var list = await queries.ListForGroupAsync(scope.Actor, scope.Group, parameters.Filter, parameters.IncludeSubgroups, ct);
        var page = await parameters.PageAsync(reader, list, list.Query.Include(p => p.Project), paging, http, ct);

        var canDelete = new Dictionary<long, bool>();
        var result = new List<PackageJson>(page.Count);
        foreach (var package in page)
        {
            if (!canDelete.TryGetValue(package.ProjectId, out var allowed))
                canDelete[package.ProjectId] = allowed = (await permissions.ForProjectAsync(scope.Actor, package.Project, ct)).CanDelete;
            result.Add(PackageJson.From(package, http.Request, allowed, inGroupList: true));
        }
        return GitLabJson.Ok(result);
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Server.Authentication;

namespace Registry.Server.PackagesApi;

/// <summary><c>GET /groups/:id/packages</c>: packages of the readable projects below a group.</summary>
internal static class GroupPackageEndpoints
{
    public static async Task<Ok<List<PackageJson>>> List(string id, HttpContext http, PackageAuthorizer authorizer,
        PackageQueries queries, Permissions permissions)
    {
        var parameters = PackageListParameters.Parse(http.Request.Query, forGroup: true);
        var excludeSubgroups = QueryParameters.Boolean(http.Request.Query, "exclude_subgroups", false);
        var paging = OffsetPagination.Parse(http.Request.Query);
        var auth = await http.AuthenticateRegistryAsync();
        var ct = http.RequestAborted;
        var group = await authorizer.AuthorizeGroupAsync(auth, PackagesApiEndpoints.Decode(id), ct);
        var packages = await queries.ForGroupAsync(auth.Actor, group, parameters.Filter, includeSubgroups: !excludeSubgroups, ct);
        var page = await paging.ApplyAsync(http, parameters.Apply(packages.Include(p => p.Project)), ct);

        var canDelete = new Dictionary<long, bool>();
        var result = new List<PackageJson>(page.Count);
        foreach (var package in page)
        {
            if (!canDelete.TryGetValue(package.ProjectId, out var allowed))
                canDelete[package.ProjectId] = allowed = (await permissions.ForProjectAsync(auth.Actor, package.Project, ct)).CanDelete;
            result.Add(PackageJson.From(package, http.Request, allowed, inGroupList: true));
        }
        return TypedResults.Ok(result);
    }
}

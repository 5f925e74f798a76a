using Microsoft.AspNetCore.Http.HttpResults;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Server.Authentication;

namespace Registry.Server.PackagesApi;

/// <summary><c>GET /projects/:id/packages</c>, <c>GET|DELETE /projects/:id/packages/:package_id</c>.</summary>
internal static class ProjectPackageEndpoints
{
    public static async Task<Ok<List<PackageJson>>> List(string id, HttpContext http, PackageAuthorizer authorizer, PackageQueries queries)
    {
        var parameters = PackageListParameters.Parse(http.Request.Query, forGroup: false);
        var paging = OffsetPagination.Parse(http.Request.Query);
        var auth = await http.AuthenticateRegistryAsync();
        var (project, access) = await authorizer.AuthorizeAsync(auth, PackagesApiEndpoints.Decode(id), PackageAction.Read, http.RequestAborted);
        var page = await paging.ApplyAsync(http, parameters.Apply(queries.ForProject(project.Id, parameters.Filter)), http.RequestAborted);
        return TypedResults.Ok(page.Select(p =>
        {
            p.Project = project;
            return PackageJson.From(p, http.Request, access.CanDelete, inGroupList: false);
        }).ToList());
    }

    public static async Task<Ok<PackageJson>> Get(string id, string package_id, HttpContext http, PackageAuthorizer authorizer, PackageQueries queries)
    {
        var packageId = QueryParameters.Id(package_id, "package_id");
        var auth = await http.AuthenticateRegistryAsync();
        var (project, access) = await authorizer.AuthorizeAsync(auth, PackagesApiEndpoints.Decode(id), PackageAction.Read, http.RequestAborted);
        var package = await PackageLookup.InProjectAsync(queries, auth.Actor, project, packageId, includeHidden: false, http.RequestAborted);
        return TypedResults.Ok(PackageJson.From(package, http.Request, access.CanDelete, inGroupList: false));
    }

    /// <summary>
    /// Marks the package for destruction. The role is checked first (403 before 404, as GitLab does); hidden packages
    /// can be deleted, since a <c>status=hidden</c> list offers their <c>delete_api_path</c>.
    /// </summary>
    public static async Task<NoContent> Delete(string id, string package_id, HttpContext http, PackageAuthorizer authorizer,
        PackageQueries queries, PackageDestroyer destroyer)
    {
        var packageId = QueryParameters.Id(package_id, "package_id");
        var auth = await http.AuthenticateRegistryAsync();
        var (project, _) = await authorizer.AuthorizeAsync(auth, PackagesApiEndpoints.Decode(id), PackageAction.Delete, http.RequestAborted);
        var package = await PackageLookup.InProjectAsync(queries, auth.Actor, project, packageId, includeHidden: true, http.RequestAborted);
        try
        {
            await destroyer.DestroyPackagesAsync(auth.Actor, [package.Id], http.RequestAborted);
        }
        catch (AdminError)
        {
            // The role was checked above, so a refusal here means the package went away meanwhile.
            throw PackageLookup.NotFound();
        }
        return TypedResults.NoContent();
    }
}

using Registry.Schema.Packages;
using Registry.Server.Access;
using Registry.Server.Responses;

namespace Registry.Server.PackagesApi;

/// <summary><c>GET /projects/:id/packages</c>, <c>GET|DELETE /projects/:id/packages/:package_id</c>.</summary>
internal static class ProjectPackageEndpoints
{
    public static async Task<GitLabJson<List<PackageJson>>> List(ProjectScope scope, PackageListParameters parameters,
        OffsetPagination paging, HttpContext http, PackageQueries queries, OffsetPageReader reader)
    {
        var list = await queries.ListForProjectAsync(scope.Project.Id, parameters.Filter, http.RequestAborted);
        var page = await parameters.PageAsync(reader, list, list.Query, paging, http, http.RequestAborted);
        return GitLabJson.Ok(page.Select(p => PackageJson.From(p, scope.Project, http.Request, scope.Access.CanDelete, inGroupList: false)).ToList());
    }

    public static GitLabJson<PackageJson> Get(ProjectScope scope, HttpContext http) =>
        GitLabJson.Ok(PackageJson.From(scope.Package!, http.Request, scope.Access.CanDelete, inGroupList: false));

    /// <summary>
    /// Marks the package for destruction. The role is checked first (403 before 404, as GitLab does); hidden packages
    /// can be deleted, since a <c>status=hidden</c> list offers their <c>delete_api_path</c>.
    /// </summary>
    public static async Task<IResult> Delete(ProjectScope scope, PackageDestroyer destroyer, CancellationToken ct)
    {
        // The role was checked by the filter, so a refusal here means the package went away meanwhile.
        try { await destroyer.DestroyPackagesAsync(scope.Actor, [scope.Package!.Id], ct); }
        catch (RegistryError e) when (e.Kind == ErrorKind.NotFound) { throw RegistryError.RecordNotFound(); }
        return Results.NoContent();
    }
}

using Registry.Schema.Access;
using Registry.Schema.Packages;
using Registry.Server.Access;
using Registry.Server.OpenApi;

namespace Registry.Server.PackagesApi;

/// <summary>
/// GitLab's Packages API (docs/api-contract.md, Packages API): lists, details, files, downloads and deletes by id. Every handler is a
/// thin layer over the services GraphQL uses (<c>PackageQueries</c>, <c>PackageFinder</c>, <c>PackageDestroyer</c>);
/// the route groups declare what the caller needs.
/// </summary>
public static class PackagesApiEndpoints
{
    public static IEndpointRouteBuilder MapPackagesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v4/groups/{id}/packages", GroupPackageEndpoints.List).RequireGroup();

        // "generic" below /packages is the generic-package route's literal segment, which routing prefers.
        var read = app.MapGroup("/api/v4/projects/{id}/packages").RequireProject(ProjectAction.ReadPackages);
        read.MapGet("", ProjectPackageEndpoints.List);
        read.MapGet("/{package_id}", ProjectPackageEndpoints.Get);
        read.MapGet("/{package_id}/package_files", PackageFileEndpoints.List);
        read.MapMethods("/{package_id}/package_files/{package_file_id}/download", [HttpMethods.Get, HttpMethods.Head],
            PackageFileEndpoints.Download).ProducesFile();

        var delete = app.MapGroup("/api/v4/projects/{id}/packages").RequireProject(ProjectAction.DeletePackages);
        delete.MapDelete("/{package_id}", ProjectPackageEndpoints.Delete).ProducesNoContent();
        delete.MapDelete("/{package_id}/package_files/{package_file_id}", PackageFileEndpoints.Delete).ProducesNoContent();
        return app;
    }
}

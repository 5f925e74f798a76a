namespace Registry.Server.PackagesApi;

/// <summary>
/// GitLab's Packages API (CONTRACT section 4): lists, details, files, downloads and deletes by id. Every handler is a
/// thin layer over the services GraphQL uses (<c>PackageAuthorizer</c>, <c>PackageQueries</c>, <c>PackageFinder</c>,
/// <c>PackageDestroyer</c>).
/// </summary>
public static class PackagesApiEndpoints
{
    public static IEndpointRouteBuilder MapPackagesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v4/groups/{id}/packages", GroupPackageEndpoints.List);

        // "generic" below /packages is the generic-package route's literal segment, which routing prefers.
        var packages = app.MapGroup("/api/v4/projects/{id}/packages");
        packages.MapGet("", ProjectPackageEndpoints.List);
        packages.MapGet("/{package_id}", ProjectPackageEndpoints.Get);
        packages.MapDelete("/{package_id}", ProjectPackageEndpoints.Delete);
        packages.MapGet("/{package_id}/package_files", PackageFileEndpoints.List);
        packages.MapDelete("/{package_id}/package_files/{package_file_id}", PackageFileEndpoints.Delete);
        packages.MapMethods("/{package_id}/package_files/{package_file_id}/download", [HttpMethods.Get, HttpMethods.Head],
            PackageFileEndpoints.Download);
        return app;
    }

    /// <summary>Route values of <c>/api/v4/projects/:id</c> and <c>/groups/:id</c> arrive still percent-encoded.</summary>
    internal static string Decode(string id)
    {
        try { return Uri.UnescapeDataString(id); }
        catch (UriFormatException) { return id; }
    }
}

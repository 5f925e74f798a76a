using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Server.PackagesApi;

/// <summary>Finds the package a <c>:package_id</c> names within the project of the URL.</summary>
internal static class PackageLookup
{
    /// <summary>GitLab's body when a record lookup fails (<c>ActiveRecord::RecordNotFound</c>).</summary>
    public static RegistryProblem NotFound() => new(ProblemKind.NotFound, "404 Not found");

    /// <summary>
    /// The package, or 404 when it is missing, being destroyed, in another project, or hidden and
    /// <paramref name="includeHidden"/> is false (GitLab's API shows only displayable packages).
    /// </summary>
    public static async Task<Package> InProjectAsync(PackageQueries queries, Actor actor, Project project, long packageId,
        bool includeHidden, CancellationToken ct)
    {
        var package = await queries.FindReadableAsync(actor, packageId, ct);
        if (package is null || package.ProjectId != project.Id || (!includeHidden && package.Status == PackageStatus.Hidden))
            throw NotFound();
        return package;
    }
}

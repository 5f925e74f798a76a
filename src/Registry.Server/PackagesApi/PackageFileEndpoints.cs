using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Server.Access;
using Registry.Server.Generic;
using Registry.Server.Responses;

namespace Registry.Server.PackagesApi;

/// <summary><c>/projects/:id/packages/:package_id/package_files</c>: list, download, delete.</summary>
internal static class PackageFileEndpoints
{
    public static async Task<GitLabJson<List<PackageFileEntryJson>>> List(ProjectScope scope, PackageFileOrder order,
        OffsetPagination paging, HttpContext http, PackageQueries queries, IBlobStore blobs)
    {
        var package = scope.Package!;
        var page = await paging.ApplyAsync(http, order.Sort(queries.VisibleFilesOf(package.Id), queries.OrdinalCollation), http.RequestAborted);
        return GitLabJson.Ok(page.Select(f => PackageFileEntryJson.From(PackageFileRecord.From(f, package, blobs.FileStore))).ToList());
    }

    public static async Task<IResult> Download(ProjectScope scope, HttpContext http, PackageFinder finder, IBlobStore blobs)
    {
        var stored = await finder.FindFileByIdAsync(scope.Package!.Id, scope.PackageFileId!.Value, http.RequestAborted)
            ?? throw RegistryError.RecordNotFound();
        return await FileDownload.ServeAsync(http, blobs, stored);
    }

    public static async Task<IResult> Delete(ProjectScope scope, PackageFinder finder, PackageDestroyer destroyer, CancellationToken ct)
    {
        var fileId = scope.PackageFileId!.Value;
        _ = await finder.FindFileByIdAsync(scope.Package!.Id, fileId, ct) ?? throw RegistryError.NotFound();
        // The role was checked by the filter, so a refusal here means the file went away meanwhile.
        await destroyer.DestroyFilesAsync(scope.Actor, [fileId], scope.Project.Id, ct);
        return Results.NoContent();
    }
}

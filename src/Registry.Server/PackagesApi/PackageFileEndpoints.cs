using Microsoft.AspNetCore.Http.HttpResults;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Server.Authentication;
using Registry.Server.Generic;

namespace Registry.Server.PackagesApi;

/// <summary><c>/projects/:id/packages/:package_id/package_files</c>: list, download, delete.</summary>
internal static class PackageFileEndpoints
{
    private enum FileOrder { Id, CreatedAt, FileName }

    private static readonly Dictionary<string, FileOrder> Orders = new()
    {
        ["id"] = FileOrder.Id,
        ["created_at"] = FileOrder.CreatedAt,
        ["file_name"] = FileOrder.FileName,
    };

    public static async Task<Ok<List<PackageFileEntryJson>>> List(string id, string package_id, HttpContext http,
        PackageAuthorizer authorizer, PackageQueries queries, IBlobStore blobs)
    {
        var packageId = QueryParameters.Id(package_id, "package_id");
        var query = http.Request.Query;
        var order = QueryParameters.OneOf(query, "order_by", FileOrder.Id, Orders);
        var descending = QueryParameters.OneOf(query, "sort", false, QueryParameters.Sort);
        var paging = OffsetPagination.Parse(query);
        var auth = await http.AuthenticateRegistryAsync();
        var (project, _) = await authorizer.AuthorizeAsync(auth, PackagesApiEndpoints.Decode(id), PackageAction.Read, http.RequestAborted);
        var package = await PackageLookup.InProjectAsync(queries, auth.Actor, project, packageId, includeHidden: false, http.RequestAborted);

        var files = (await queries.FilesOfAsync([package.Id], blobs.FileStore, http.RequestAborted)).GetValueOrDefault(package.Id) ?? [];
        var sorted = Sort(files, order, descending);
        return TypedResults.Ok(paging.Apply(http, sorted).Select(PackageFileEntryJson.From).ToList());
    }

    public static async Task<IResult> Download(string id, string package_id, string package_file_id, HttpContext http,
        PackageAuthorizer authorizer, PackageQueries queries, PackageFinder finder, IBlobStore blobs)
    {
        var packageId = QueryParameters.Id(package_id, "package_id");
        var fileId = QueryParameters.Id(package_file_id, "package_file_id");
        var auth = await http.AuthenticateRegistryAsync();
        var (project, _) = await authorizer.AuthorizeAsync(auth, PackagesApiEndpoints.Decode(id), PackageAction.Read, http.RequestAborted);
        var package = await PackageLookup.InProjectAsync(queries, auth.Actor, project, packageId, includeHidden: false, http.RequestAborted);
        var stored = await finder.FindFileByIdAsync(package.Id, fileId, http.RequestAborted) ?? throw PackageLookup.NotFound();
        return await FileDownload.ServeAsync(http, blobs, stored);
    }

    public static async Task<NoContent> Delete(string id, string package_id, string package_file_id, HttpContext http,
        PackageAuthorizer authorizer, PackageQueries queries, PackageFinder finder, PackageDestroyer destroyer)
    {
        var packageId = QueryParameters.Id(package_id, "package_id");
        var fileId = QueryParameters.Id(package_file_id, "package_file_id");
        var auth = await http.AuthenticateRegistryAsync();
        var (project, _) = await authorizer.AuthorizeAsync(auth, PackagesApiEndpoints.Decode(id), PackageAction.Delete, http.RequestAborted);
        var package = await PackageLookup.InProjectAsync(queries, auth.Actor, project, packageId, includeHidden: true, http.RequestAborted);
        _ = await finder.FindFileByIdAsync(package.Id, fileId, http.RequestAborted)
            ?? throw new RegistryProblem(ProblemKind.NotFound, "404 Not Found");
        try
        {
            await destroyer.DestroyFilesAsync(auth.Actor, [fileId], project.Id, http.RequestAborted);
        }
        catch (AdminError)
        {
            // The role was checked above, so a refusal here means the file went away meanwhile.
            throw new RegistryProblem(ProblemKind.NotFound, "404 Not Found");
        }
        return TypedResults.NoContent();
    }

    private static List<PackageFileRecord> Sort(List<PackageFileRecord> files, FileOrder order, bool descending)
    {
        IOrderedEnumerable<PackageFileRecord> sorted = (order, descending) switch
        {
            (FileOrder.CreatedAt, false) => files.OrderBy(f => f.CreatedAt).ThenBy(f => f.Id),
            (FileOrder.CreatedAt, true) => files.OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id),
            (FileOrder.FileName, false) => files.OrderBy(f => f.FileName, StringComparer.Ordinal).ThenBy(f => f.Id),
            (FileOrder.FileName, true) => files.OrderByDescending(f => f.FileName, StringComparer.Ordinal).ThenByDescending(f => f.Id),
            (_, false) => files.OrderBy(f => f.Id),
            (_, true) => files.OrderByDescending(f => f.Id),
        };
        return sorted.ToList();
    }
}

using System.Text.Json.Serialization;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Server.Generic;
using Registry.Server.Hosting;

namespace Registry.Server.PackagesApi;

/// <summary>A package as GitLab's Packages API writes it; <c>project_id</c> and <c>project_path</c> only in group lists.</summary>
public sealed record PackageJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("package_type")] string PackageType,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("_links")] PackageJson.Links LinksJson,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("last_downloaded_at")] string? LastDownloadedAt,
    [property: JsonPropertyName("project_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? ProjectId,
    [property: JsonPropertyName("project_path"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ProjectPath,
    [property: JsonPropertyName("tags")] string[] Tags)
{
    public sealed record Links(
        [property: JsonPropertyName("web_path")] string WebPath,
        [property: JsonPropertyName("delete_api_path"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeleteApiPath);

    /// <param name="package">a package with its project loaded</param>
    /// <param name="canDelete">whether the caller may delete it (GitLab then adds <c>delete_api_path</c>)</param>
    /// <param name="inGroupList">adds <c>project_id</c> and <c>project_path</c></param>
    public static PackageJson From(Package package, HttpRequest request, bool canDelete, bool inGroupList) =>
        From(package, package.Project, request, canDelete, inGroupList);

    /// <param name="project">the package's project, when the package was read without it</param>
    public static PackageJson From(Package package, Project project, HttpRequest request, bool canDelete, bool inGroupList)
    {
        var deletePath = canDelete ? $"{PublicUrl.Root(request)}/api/v4/projects/{project.Id}/packages/{package.Id}" : null;
        return new PackageJson(package.Id, package.Name, package.Version, TypeName(package.PackageType), StatusName(package.Status),
            new Links(Schema.Identity.WebPaths.Package(project.FullPath, package.Id), deletePath),
            PackageFileJson.Timestamp(package.CreatedAt),
            package.LastDownloadedAt is { } t ? PackageFileJson.Timestamp(t) : null,
            inGroupList ? project.Id : null, inGroupList ? project.FullPath : null, []);
    }

    public static string TypeName(PackageType type) => type switch
    {
        Schema.Packages.PackageType.Generic => "generic",
        _ => type.ToString().ToLowerInvariant(),
    };

    public static string StatusName(PackageStatus status) => status switch
    {
        PackageStatus.PendingDestruction => "pending_destruction",
        _ => status.ToString().ToLowerInvariant(),
    };
}

/// <summary>A package file in the Packages API's <c>package_files</c> list, built from <see cref="PackageFileRecord"/>.</summary>
public sealed record PackageFileEntryJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("package_id")] long PackageId,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("file_name")] string FileName,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("file_md5")] string? FileMd5,
    [property: JsonPropertyName("file_sha1")] string? FileSha1,
    [property: JsonPropertyName("file_sha256")] string FileSha256)
{
    public static PackageFileEntryJson From(PackageFileRecord r) =>
        new(r.Id, r.PackageId, PackageFileJson.Timestamp(r.CreatedAt), r.FileName, r.Size, r.FileMd5, r.FileSha1, r.FileSha256);
}

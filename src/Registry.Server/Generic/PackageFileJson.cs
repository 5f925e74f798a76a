using System.Globalization;
using System.Text.Json.Serialization;
using Registry.Schema.Packages;

namespace Registry.Server.Generic;

/// <summary>The <c>select=package_file</c> body, field for field as GitLab writes it.</summary>
public sealed record PackageFileJson(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("package_id")] long PackageId,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("file_store")] int FileStore,
    [property: JsonPropertyName("file_md5")] string? FileMd5,
    [property: JsonPropertyName("file_sha1")] string? FileSha1,
    [property: JsonPropertyName("file_name")] string FileName,
    [property: JsonPropertyName("file")] PackageFileJson.FileUrl File,
    [property: JsonPropertyName("file_sha256")] string FileSha256)
{
    public sealed record FileUrl([property: JsonPropertyName("url")] string Url);

    public static PackageFileJson From(PackageFileRecord r) =>
        new(r.Id, r.PackageId, Timestamp(r.CreatedAt), Timestamp(r.UpdatedAt), r.Size, r.FileStore, r.FileMd5, r.FileSha1,
            r.FileName, new FileUrl(r.FileUrl), r.FileSha256);

    /// <summary>GitLab's JSON time format: UTC with milliseconds.</summary>
    public static string Timestamp(DateTime t) =>
        DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

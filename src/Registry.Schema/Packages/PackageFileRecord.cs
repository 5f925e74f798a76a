using System.Text.Json.Serialization;

namespace Registry.Schema.Packages;

/// <summary>
/// One package file as clients see it: the REST <c>select=package_file</c> body and GraphQL's <c>PackageFile</c>
/// both come from <see cref="From"/>, so the two can never disagree.
/// </summary>
public sealed record PackageFileRecord(
    long Id, long PackageId, long ProjectId, string PackageName, string PackageVersion,
    string FileName, long Size, string FileSha256, string? FileMd5, string? FileSha1,
    int FileStore, DateTime CreatedAt, DateTime UpdatedAt)
{
    /// <summary>Where the file is kept, in GitLab's form (a storage path, not a download URL).</summary>
    /// <remarks>Not serialized (nor <see cref="DownloadPath"/>): both are computed from the record again wherever it is read.</remarks>
    [JsonIgnore]
    public string FileUrl => $"/{ProjectId}/packages/{PackageId}/files/{Id}/{FileName}";

    [JsonIgnore]
    public string DownloadPath =>
        $"/api/v4/projects/{ProjectId}/packages/generic/{Uri.EscapeDataString(PackageName)}/{Uri.EscapeDataString(PackageVersion)}/{string.Join('/', FileName.Split('/').Select(Uri.EscapeDataString))}";

    public static PackageFileRecord From(PackageFile f, Package p, int fileStore) =>
        new(f.Id, p.Id, p.ProjectId, p.Name, p.Version, f.FileName, f.Size, f.FileSha256, f.FileMd5, f.FileSha1,
            fileStore, f.CreatedAt, f.UpdatedAt);
}

using Registry.Schema.Packages;

namespace Registry.Schema.Hooks;

/// <summary>
/// The data of a <see cref="PackageEventKind.FilesPublished"/> row: files a publish batch published one after another
/// to one package by one actor, each a <see cref="PackageEventKind.FilePublished"/> event of its own. One row for them,
/// not one per file: the batch's single writer inserted and committed a whole event row per upload, and with the
/// project, actor and package written once each file adds only its own part (docs/performance.md).
/// </summary>
/// <param name="Package">the package as each of the files left it (a change of it starts another row)</param>
public sealed record PublishedFiles(
    PackageEventData.UserData? User, string ProjectPath, PackageEventData.PackageData Package, List<PublishedFiles.FileData> Files)
{
    /// <summary>A file's part of its <see cref="PackageFileRecord"/>; the rest is the row's.</summary>
    /// <param name="Uuid">its event's, sent as <c>X-Gitlab-Event-UUID</c></param>
    public sealed record FileData(Guid Uuid, long Id, string FileName, long Size, string FileSha256, string? FileMd5, string? FileSha1,
        int FileStore, DateTime CreatedAt, DateTime UpdatedAt);

    public static FileData Of(Guid uuid, PackageFileRecord f) =>
        new(uuid, f.Id, f.FileName, f.Size, f.FileSha256, f.FileMd5, f.FileSha1, f.FileStore, f.CreatedAt, f.UpdatedAt);

    /// <summary><paramref name="file"/>'s event, as a row of its own would have recorded it.</summary>
    public PackageEventData EventOf(FileData file, long projectId) =>
        new(User, projectId, ProjectPath, Package,
            new PackageFileRecord(file.Id, Package.Id, projectId, Package.Name, Package.Version, file.FileName, file.Size, file.FileSha256,
                file.FileMd5, file.FileSha1, file.FileStore, file.CreatedAt, file.UpdatedAt));
}

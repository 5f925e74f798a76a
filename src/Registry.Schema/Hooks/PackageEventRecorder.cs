using System.Text.Json;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.Hooks;

/// <summary>
/// Adds package events to the caller's unit of work, so an event commits with the change it describes or not at all
/// (the outbox the <c>HookDispatcher</c> drains). The domain services call it where they save a publish or a delete;
/// one row per event whatever hooks exist, so a publish costs one insert and never waits on a receiver.
/// </summary>
public sealed class PackageEventRecorder(RegistryDbContext db, Storage.IBlobStore blobs, TimeProvider clock)
{
    /// <param name="package">the package, with its id assigned</param>
    public void FilePublished(Actor actor, Project project, Package package, PackageFile file) =>
        Add(PackageEventKind.FilePublished, actor, project, package, PackageFileRecord.From(file, package, blobs.FileStore));

    /// <param name="package">the package with its project loaded</param>
    public void PackageDeleted(Actor actor, Package package) =>
        Add(PackageEventKind.PackageDeleted, actor, package.Project, package, null);

    /// <param name="file">the file with its package and project loaded</param>
    public void FileDeleted(Actor actor, PackageFile file) =>
        Add(PackageEventKind.FileDeleted, actor, file.Package.Project, file.Package, PackageFileRecord.From(file, file.Package, blobs.FileStore));

    private void Add(PackageEventKind kind, Actor actor, Project project, Package package, PackageFileRecord? file)
    {
        var data = new PackageEventData(UserOf(actor), project.Id, project.FullPath,
            new PackageEventData.PackageData(package.Id, package.Name, package.Version, package.PackageType, package.Status,
                package.CreatedAt, package.LastDownloadedAt),
            file);
        db.PackageEvents.Add(new PackageEvent
        {
            Uuid = Guid.NewGuid(), Kind = kind, ProjectId = project.Id, NamespaceId = project.NamespaceId,
            Data = JsonSerializer.Serialize(data), CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
    }

    private static PackageEventData.UserData? UserOf(Actor actor) => actor.Kind switch
    {
        ActorKind.User or ActorKind.JobToken => new(actor.User!.Id, actor.User.Username, actor.User.Name),
        ActorKind.DeployToken => new(null, actor.DeployToken!.Username, actor.DeployToken.Username),
        _ => null,
    };
}

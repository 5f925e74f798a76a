using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Access;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Packages;

namespace Registry.Schema.Hooks;

/// <summary>
/// Adds package events to the caller's unit of work, so an event commits with the change it describes or not at all
/// (the outbox the <c>HookDispatcher</c> drains). The domain services call it where they save a publish or a delete,
/// inside their transaction. An event is recorded only where a hook wants it (the project's, or a group's above it, as
/// the transaction sees them): a row per upload for nobody was a large share of a small upload's CPU
/// (docs/performance.md).
/// </summary>
public sealed class PackageEventRecorder(RegistryDbContext db, Permissions permissions, Storage.IBlobStore blobs, TimeProvider clock,
    Caching.HotPathCache cache)
{
    private readonly Dictionary<long, bool> _wanted = new();

    /// <param name="package">the package, with its id assigned</param>
    public Task FilePublishedAsync(Actor actor, Project project, Package package, PackageFile file, CancellationToken ct) =>
        AddAsync(PackageEventKind.FilePublished, actor, project, package, () => PackageFileRecord.From(file, package, blobs.FileStore), ct);

    /// <param name="package">the package with its project loaded</param>
    public Task PackageDeletedAsync(Actor actor, Package package, CancellationToken ct) =>
        AddAsync(PackageEventKind.PackageDeleted, actor, package.Project, package, null, ct);

    /// <param name="file">the file with its package and project loaded</param>
    public Task FileDeletedAsync(Actor actor, PackageFile file, CancellationToken ct) =>
        AddAsync(PackageEventKind.FileDeleted, actor, file.Package.Project, file.Package,
            () => PackageFileRecord.From(file, file.Package, blobs.FileStore), ct);

    private async Task AddAsync(PackageEventKind kind, Actor actor, Project project, Package package, Func<PackageFileRecord>? file,
        CancellationToken ct)
    {
        if (!await WantedAsync(project, ct)) return;
        var data = new PackageEventData(UserOf(actor), project.Id, project.FullPath,
            new PackageEventData.PackageData(package.Id, package.Name, package.Version, package.PackageType, package.Status,
                package.CreatedAt, package.LastDownloadedAt),
            file?.Invoke());
        db.PackageEvents.Add(new PackageEvent
        {
            Uuid = Guid.NewGuid(), Kind = kind, ProjectId = project.Id, NamespaceId = project.NamespaceId,
            Data = JsonSerializer.Serialize(data), CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
    }

    /// <summary>
    /// Whether a hook of the project or of a group above it takes package events: once per project per scope, and a yes
    /// is kept for the instance a moment (<see cref="Caching.HotPathCache"/>; each batch of uploads asked again). Only a
    /// yes: a hook removed meanwhile costs an event nobody gets (the fan-out reads the hooks afresh), where a kept no
    /// would lose a new hook's first events.
    /// </summary>
    private async Task<bool> WantedAsync(Project project, CancellationToken ct)
    {
        if (_wanted.TryGetValue(project.Id, out var known)) return known;
        var wanted = await cache.GetOrLoadAsync(("hook-wants-package-events", project.Id), Caching.CacheScope.Identity, async () =>
        {
            var ancestors = await permissions.AncestorIdsAsync(project.NamespaceId, ct);
            var any = await db.WebHooks.AnyAsync(h => h.PackageEvents
                && (h.ProjectId == project.Id || (h.GroupId != null && ancestors.Contains(h.GroupId.Value))), ct);
            return (any, any, (DateTime?)null);
        });
        _wanted[project.Id] = wanted;
        return wanted;
    }

    private static PackageEventData.UserData? UserOf(Actor actor) => actor.Kind switch
    {
        ActorKind.User or ActorKind.JobToken => new(actor.User!.Id, actor.User.Username, actor.User.Name),
        ActorKind.DeployToken => new(null, actor.DeployToken!.Username, actor.DeployToken.Username),
        _ => null,
    };
}

using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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
public sealed class PackageEventRecorder(RegistryDbContext db, Storage.IBlobStore blobs, TimeProvider clock,
    Caching.HotPathCache cache)
{
    private readonly Dictionary<long, bool> _wanted = new();

    /// <param name="package">the package with its project loaded</param>
    public Task PackageDeletedAsync(Actor actor, Package package, CancellationToken ct) =>
        AddAsync(PackageEventKind.PackageDeleted, actor, package.Project, package, null, ct);

    /// <param name="file">the file with its package and project loaded</param>
    public Task FileDeletedAsync(Actor actor, PackageFile file, CancellationToken ct) =>
        AddAsync(PackageEventKind.FileDeleted, actor, file.Package.Project, file.Package,
            () => PackageFileRecord.From(file, file.Package, blobs.FileStore), ct);

    /// <summary>
    /// A published file's event, built but not added: every publish goes through the batch's single writer, and
    /// <see cref="Packages.PublishRecorder"/> inserts the batch's events together (<see cref="InsertAsync"/>) before its
    /// commit, each only once its upload's savepoint is released. Null where no hook wants it.
    /// </summary>
    public async Task<PublishedFileEvent?> FilePublishedEventAsync(Actor actor, Project project, Package package, PackageFile file, CancellationToken ct) =>
        await WantedAsync(project, ct)
            ? new PublishedFileEvent(project.Id, project.NamespaceId, project.FullPath, UserOf(actor), PackageDataOf(package),
                PublishedFiles.Of(RandomGuids.Next(), PackageFileRecord.From(file, package, blobs.FileStore)), clock.GetUtcNow().UtcDateTime)
            : null;

    /// <summary>
    /// Inserts <paramref name="events"/> in the caller's transaction: those of one project, actor and package that follow
    /// each other as one <see cref="PublishedFiles"/> row (a batch's uploads mostly go to one version), each row by one
    /// prepared single-row statement (<see cref="PreparedCommand"/>). Not EF's SaveChanges, which tracks each row and
    /// builds an INSERT apiece, nor one statement of the whole batch (<see cref="MultiRowInsert"/>), built and parsed
    /// again every batch: this runs in the publish batch's single writer.
    /// </summary>
    public async Task InsertAsync(IReadOnlyList<PublishedFileEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        await using var insert = PreparedCommand.Insert<PackageEvent>(db, InsertedColumns);
        for (var i = 0; i < events.Count;)
        {
            var first = events[i];
            var files = new List<PublishedFiles.FileData>();
            for (; i < events.Count && events[i].SharesRowWith(first); i++) files.Add(events[i].File);
            var data = JsonSerializer.Serialize(new PublishedFiles(first.User, first.ProjectPath, first.Package, files),
                PackageEventJsonContext.Default.PublishedFiles);
            // The row's own UUID; each file's event has its own in the data.
            await insert.NonQueryAsync(ct, RandomGuids.Next(), PackageEventKind.FilesPublished, first.ProjectId, first.NamespaceId, data,
                first.CreatedAt);
        }
    }

    /// <summary>What a new event sets; the rest (the id, the fan-out's columns) start as the database's defaults.</summary>
    private static readonly string[] InsertedColumns =
    [
        nameof(PackageEvent.Uuid), nameof(PackageEvent.Kind), nameof(PackageEvent.ProjectId), nameof(PackageEvent.NamespaceId),
        nameof(PackageEvent.Data), nameof(PackageEvent.CreatedAt),
    ];

    private async Task AddAsync(PackageEventKind kind, Actor actor, Project project, Package package, Func<PackageFileRecord>? file,
        CancellationToken ct)
    {
        if (await WantedAsync(project, ct)) db.PackageEvents.Add(Build(kind, actor, project, package, file?.Invoke()));
    }

    private PackageEvent Build(PackageEventKind kind, Actor actor, Project project, Package package, PackageFileRecord? file)
    {
        var data = new PackageEventData(UserOf(actor), project.Id, project.FullPath, PackageDataOf(package), file);
        return new PackageEvent
        {
            Uuid = RandomGuids.Next(), Kind = kind, ProjectId = project.Id, NamespaceId = project.NamespaceId,
            Data = JsonSerializer.Serialize(data, PackageEventJsonContext.Default.PackageEventData), CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
    }

    // Compiled: every publish batch asks it, and EF Core otherwise rebuilds and hashes the query's expression each time.
    // A group is above the project where its path is the project's namespace's or a prefix of it (AncestorIdsAsync's rule).
    private static readonly Func<RegistryDbContext, long, long, CancellationToken, Task<bool>> AnyHookWantsEvents =
        EF.CompileAsyncQuery((RegistryDbContext db, long projectId, long namespaceId, CancellationToken ct) =>
            db.WebHooks.Any(h => h.PackageEvents && (h.ProjectId == projectId
                || (h.GroupId != null && db.Namespaces.Any(g => g.Id == h.GroupId && db.Namespaces.Any(n => n.Id == namespaceId
                    && (n.FullPathKey == g.FullPathKey || n.FullPathKey.StartsWith(g.FullPathKey + "/"))))))));

    /// <summary>
    /// Whether a hook of the project or of a group above it takes package events: once per project per scope, and a yes
    /// is kept for the instance a moment (<see cref="Caching.HotPathCache"/>; each batch of uploads asked again). Only a
    /// yes: a hook removed meanwhile costs an event nobody gets (the fan-out reads the hooks afresh), where a kept no
    /// would lose a new hook's first events. So the no is asked by every batch, on a registry without hooks too: one
    /// query, the groups above the project found inside it (where there is no hook it ends at the empty hooks table).
    /// </summary>
    private async Task<bool> WantedAsync(Project project, CancellationToken ct)
    {
        if (_wanted.TryGetValue(project.Id, out var known)) return known;
        var wanted = await cache.GetOrLoadAsync(("hook-wants-package-events", project.Id), Caching.CacheScope.Identity, async () =>
        {
            var any = await AnyHookWantsEvents(db, project.Id, project.NamespaceId, ct);
            return (any, any, (DateTime?)null);
        });
        _wanted[project.Id] = wanted;
        return wanted;
    }

    private static PackageEventData.PackageData PackageDataOf(Package package) =>
        new(package.Id, package.Name, package.Version, package.PackageType, package.Status, package.CreatedAt, package.LastDownloadedAt);

    private static PackageEventData.UserData? UserOf(Actor actor) => actor.Kind switch
    {
        ActorKind.User or ActorKind.JobToken => new(actor.User!.Id, actor.User.Username, actor.User.Name),
        ActorKind.DeployToken => new(null, actor.DeployToken!.Username, actor.DeployToken.Username),
        _ => null,
    };
}

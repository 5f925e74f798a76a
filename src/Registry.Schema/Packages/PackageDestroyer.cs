using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Registry.Schema.Access;
using Registry.Schema.Audit;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Lifecycle;
using Registry.Schema.Storage;

namespace Registry.Schema.Packages;

/// <summary>
/// Deleting packages and files in two steps: rows are marked <c>PendingDestruction</c> at once (so they vanish from
/// downloads and lists in the same request), then <see cref="SweepAsync"/> removes each file's row and, once no file
/// refers to it any more, its stored content (<see cref="ContentStore.TryRemoveAsync"/>). Protection rules are
/// checked here, so every delete path (REST, GraphQL, delete by name, retention) obeys them; every deletion is audited.
/// </summary>
public sealed class PackageDestroyer(RegistryDbContext db, Permissions permissions, PackageProtection protection, IBlobStore blobs,
    ContentStore contents, AuditLog audit, DestroySignal signal, ILogger<PackageDestroyer> log,
    Hooks.PackageEventRecorder events)
{
    public const int MaxPackagesPerRequest = 20;
    public const int MaxFilesPerRequest = 100;

    /// <summary>
    /// Marks packages. A package a protection rule keeps from the actor is refused with GitLab's 403, or, with
    /// <paramref name="skipProtected"/> (GraphQL's <c>destroyPackages</c>, as GitLab), left alone and named in the result.
    /// </summary>
    /// <returns>GitLab's message for each package left alone</returns>
    public async Task<List<string>> DestroyPackagesAsync(Actor actor, IReadOnlyCollection<long> ids, CancellationToken ct, bool skipProtected = false)
    {
        var plan = await PlanPackagesAsync(actor, ids, null, ct);
        if (plan.Protected.Count > 0 && !skipProtected) throw RegistryError.Forbidden(PackageProtection.DeleteProtectedMessage, restDetail: true);
        await MarkPackagesAsync(actor, plan.Going, AuditEventNames.PackageDestroyed, null, ct);
        return plan.Protected.Select(p => $"Package '{p.Name}' is deletion protected.").ToList();
    }

    /// <summary>
    /// What <see cref="DestroyPackagesAsync"/> with <c>skipProtected</c> would do with these ids now, by the same rules:
    /// the packages that go with their files and bytes, and those a protection rule keeps. The whole batch is refused
    /// ("not found") when one id is missing, of another project than <paramref name="projectId"/>, or in a project where
    /// the actor may not delete packages, so a deletion either takes every package it may or none.
    /// </summary>
    public async Task<PackageDestroyPlan> PlanPackagesAsync(Actor actor, IReadOnlyCollection<long> ids, long? projectId, CancellationToken ct)
    {
        if (ids.Count == 0) throw RegistryError.BadRequest("ids can't be blank");
        if (ids.Count > MaxPackagesPerRequest) throw RegistryError.BadRequest($"Cannot delete more than {MaxPackagesPerRequest} packages at once");
        var packages = await db.Packages.AsNoTracking().Include(p => p.Project)
            .Where(p => ids.Contains(p.Id) && p.Status != PackageStatus.PendingDestruction)
            .OrderBy(p => p.Name).ThenBy(p => p.Id).ToListAsync(ct); // a preview lists them in one order on every database
        var inProject = projectId is not { } pid || packages.All(p => p.ProjectId == pid);
        await RequireDeleteAsync(actor, packages.Select(p => p.Project), inProject && packages.Count == ids.Distinct().Count(), ct);
        var going = new List<Package>();
        var kept = new List<Package>();
        foreach (var package in packages)
            (await protection.IsDeleteProtectedAsync(actor, package.Project, package.Name, ct) ? kept : going).Add(package);
        var goingIds = going.Select(p => p.Id).ToList();
        // The files marking takes with the packages (every one not already on its way out).
        var files = await db.PackageFiles.AsNoTracking()
            .Where(f => goingIds.Contains(f.PackageId) && f.Status != PackageFileStatus.PendingDestruction)
            .GroupBy(f => 1).Select(g => new { Count = g.Count(), Bytes = g.Sum(f => f.Size) }).FirstOrDefaultAsync(ct);
        return new PackageDestroyPlan(going, kept, files?.Count ?? 0, files?.Bytes ?? 0);
    }

    /// <summary>Marks files; with <paramref name="projectId"/> every file must belong to that project.</summary>
    /// <returns>GitLab's message for each package whose files were left alone (<paramref name="skipProtected"/>)</returns>
    public async Task<List<string>> DestroyFilesAsync(Actor actor, IReadOnlyCollection<long> ids, long? projectId, CancellationToken ct,
        bool skipProtected = false)
    {
        if (ids.Count == 0) throw RegistryError.BadRequest("ids can't be blank");
        if (ids.Count > MaxFilesPerRequest) throw RegistryError.BadRequest($"Cannot delete more than {MaxFilesPerRequest} files at once");
        var files = await db.PackageFiles.AsNoTracking().Include(f => f.Package).ThenInclude(p => p.Project)
            .Where(f => ids.Contains(f.Id) && f.Status == PackageFileStatus.Default && f.Package.Status != PackageStatus.PendingDestruction)
            .ToListAsync(ct);
        // A file of another project is refused like a missing one, so the answer does not reveal that it exists.
        var inProject = projectId is not { } pid || files.All(f => f.Package.ProjectId == pid);
        await RequireDeleteAsync(actor, files.Select(f => f.Package.Project), inProject && files.Count == ids.Distinct().Count(), ct);
        var refused = new List<string>();
        var allowed = new List<PackageFile>();
        foreach (var group in files.GroupBy(f => f.PackageId))
        {
            var package = group.First().Package;
            if (!await protection.IsDeleteProtectedAsync(actor, package.Project, package.Name, ct)) allowed.AddRange(group);
            else if (skipProtected) refused.Add($"Package '{package.Name}' is deletion protected.");
            else throw RegistryError.Forbidden(PackageProtection.DeleteProtectedMessage, restDetail: true);
        }
        await MarkFilesAsync(actor, allowed, AuditEventNames.PackageFileDestroyed, null, ct);
        return refused;
    }

    /// <summary>
    /// Marks packages for destruction on behalf of a background job (retention), which has decided protection itself.
    /// </summary>
    public Task MarkPackagesAsync(Actor actor, IReadOnlyList<Package> packages, string eventName, string? systemAuthor, CancellationToken ct,
        Func<Package, IReadOnlyDictionary<string, object?>>? details = null) =>
        MarkAsync(packages.Select(p => p.Id).ToList(), [], async () =>
        {
            foreach (var p in packages)
            {
                await events.PackageDeletedAsync(actor, p, ct);
                audit.Add(actor, AuditEntity.For(p.Project), eventName, new AuditTarget("Packages::Package", p.Id, $"{p.Name}/{p.Version}"),
                    Merge(new Dictionary<string, object?> { ["package_name"] = p.Name, ["package_version"] = p.Version }, details?.Invoke(p)),
                    systemAuthor);
            }
        }, ct);

    /// <summary>Marks files (each with its package and project loaded) on behalf of a user or a background job.</summary>
    public Task MarkFilesAsync(Actor actor, IReadOnlyList<PackageFile> files, string eventName, string? systemAuthor, CancellationToken ct,
        IReadOnlyDictionary<string, object?>? details = null) =>
        MarkAsync([], files.Select(f => f.Id).ToList(), async () =>
        {
            foreach (var f in files)
            {
                await events.FileDeletedAsync(actor, f, ct);
                audit.Add(actor, AuditEntity.For(f.Package.Project), eventName,
                    new AuditTarget("Packages::PackageFile", f.Id, $"{f.Package.Name}/{f.Package.Version}/{f.FileName}"),
                    Merge(new Dictionary<string, object?>
                    {
                        ["package_name"] = f.Package.Name, ["package_version"] = f.Package.Version, ["file_name"] = f.FileName,
                    }, details), systemAuthor);
            }
        }, ct);

    private async Task MarkAsync(List<long> packageIds, List<long> fileIds, Func<Task> addEvents, CancellationToken ct)
    {
        if (packageIds.Count == 0 && fileIds.Count == 0) return;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (packageIds.Count > 0)
            {
                await db.PackageFiles.Where(f => packageIds.Contains(f.PackageId))
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, PackageFileStatus.PendingDestruction), ct);
                await db.Packages.Where(p => packageIds.Contains(p.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PackageStatus.PendingDestruction), ct);
            }
            if (fileIds.Count > 0)
                await db.PackageFiles.Where(f => fileIds.Contains(f.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, PackageFileStatus.PendingDestruction), ct);
            await addEvents();
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        signal.Raise();
    }

    private static IReadOnlyDictionary<string, object?> Merge(Dictionary<string, object?> a, IReadOnlyDictionary<string, object?>? b)
    {
        foreach (var (k, v) in b ?? new Dictionary<string, object?>()) a[k] = v;
        return a;
    }

    internal async Task RequireDeleteAsync(Actor actor, IEnumerable<Project> projects, bool allFound, CancellationToken ct)
    {
        if (!allFound) throw RegistryError.NotFound();
        foreach (var project in projects.DistinctBy(p => p.Id))
        {
            var access = await permissions.ForProjectAsync(actor, project, ct);
            if (!access.CanDelete) throw RegistryError.NotFound();
        }
    }

    /// <summary>
    /// Removes the stored bytes of a file whose row is gone, unless another file still refers to them: its content blob
    /// (<see cref="ContentStore.TryRemoveAsync"/>), or, for a file from before content-addressed storage, its own blob.
    /// A crash before this leaves bytes no row refers to, which the orphan collections remove.
    /// </summary>
    public async Task RemoveStoredBytesAsync(long? contentBlobId, string blobKey, CancellationToken ct)
    {
        if (contentBlobId is long contentId) await contents.TryRemoveAsync(contentId, ct);
        else if (!await contents.IsContentKeyAsync(blobKey, ct) && !await db.PackageFiles.AnyAsync(f => f.BlobKey == blobKey, ct))
            await blobs.DeleteAsync(blobKey, ct);
    }

    /// <summary>
    /// Removes the rows of marked files and the stored content no file refers to any more, then marked packages left
    /// without files. Returns files removed.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var removed = 0;
        while (true)
        {
            var batch = await db.PackageFiles.AsNoTracking()
                .Where(f => f.Status == PackageFileStatus.PendingDestruction)
                .OrderBy(f => f.Id).Select(f => new { f.Id, f.BlobKey, f.ContentBlobId }).Take(100).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var file in batch)
            {
                if (file.ContentBlobId is long)
                    // The row first: the content goes only once no row refers to it.
                    await db.PackageFiles.Where(f => f.Id == file.Id).ExecuteDeleteAsync(ct);
                else if (await db.PackageFiles.Where(f => f.Id == file.Id && f.ContentBlobId == null).ExecuteDeleteAsync(ct) == 0)
                    // A file from before content-addressed storage that the migration just pointed at a content blob: not
                    // this file's own blob any more.
                    continue;
                await RemoveStoredBytesAsync(file.ContentBlobId, file.BlobKey, ct);
                removed++;
            }
        }
        await db.Packages.Where(p => p.Status == PackageStatus.PendingDestruction && !p.Files.Any()).ExecuteDeleteAsync(ct);
        if (removed > 0) log.LogInformation("Removed {Count} destroyed package files", removed);
        return removed;
    }
}

/// <summary>Tells this process's sweeper that rows were marked, so it sweeps soon instead of on its next tick.</summary>
public sealed class DestroySignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Raise()
    {
        try { _semaphore.Release(); }
        catch (SemaphoreFullException) { } // a sweep is already due
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);
}

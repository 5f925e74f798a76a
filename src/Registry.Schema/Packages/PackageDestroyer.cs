using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Storage;

namespace Registry.Schema.Packages;

/// <summary>
/// Deleting packages and files in two steps: rows are marked <c>PendingDestruction</c> at once (so they vanish from
/// downloads and lists in the same request), then <see cref="SweepAsync"/> removes each blob before its row. A crash
/// between the two leaves a marked row that the next sweep finishes, never a row without its blob.
/// </summary>
public sealed class PackageDestroyer(RegistryDbContext db, Permissions permissions, IBlobStore blobs, DestroySignal signal, ILogger<PackageDestroyer> log)
{
    public const int MaxPackagesPerRequest = 20;
    public const int MaxFilesPerRequest = 100;

    public async Task DestroyPackagesAsync(Actor actor, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) throw RegistryError.BadRequest("ids can't be blank");
        if (ids.Count > MaxPackagesPerRequest) throw RegistryError.BadRequest($"Cannot delete more than {MaxPackagesPerRequest} packages at once");
        var packages = await db.Packages.Include(p => p.Project)
            .Where(p => ids.Contains(p.Id) && p.Status != PackageStatus.PendingDestruction).ToListAsync(ct);
        await RequireDeleteAsync(actor, packages.Select(p => p.Project), packages.Count == ids.Distinct().Count(), ct);
        var found = packages.Select(p => p.Id).ToList();
        await db.PackageFiles.Where(f => found.Contains(f.PackageId))
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, PackageFileStatus.PendingDestruction), ct);
        await db.Packages.Where(p => found.Contains(p.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PackageStatus.PendingDestruction), ct);
        signal.Raise();
    }

    /// <summary>Marks files; with <paramref name="projectId"/> every file must belong to that project.</summary>
    public async Task DestroyFilesAsync(Actor actor, IReadOnlyCollection<long> ids, long? projectId, CancellationToken ct)
    {
        if (ids.Count == 0) throw RegistryError.BadRequest("ids can't be blank");
        if (ids.Count > MaxFilesPerRequest) throw RegistryError.BadRequest($"Cannot delete more than {MaxFilesPerRequest} files at once");
        var files = await db.PackageFiles.Include(f => f.Package).ThenInclude(p => p.Project)
            .Where(f => ids.Contains(f.Id) && f.Status == PackageFileStatus.Default && f.Package.Status != PackageStatus.PendingDestruction)
            .ToListAsync(ct);
        // A file of another project is refused like a missing one, so the answer does not reveal that it exists.
        var inProject = projectId is not { } pid || files.All(f => f.Package.ProjectId == pid);
        await RequireDeleteAsync(actor, files.Select(f => f.Package.Project), inProject && files.Count == ids.Distinct().Count(), ct);
        var found = files.Select(f => f.Id).ToList();
        await db.PackageFiles.Where(f => found.Contains(f.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, PackageFileStatus.PendingDestruction), ct);
        signal.Raise();
    }

    private async Task RequireDeleteAsync(Actor actor, IEnumerable<Project> projects, bool allFound, CancellationToken ct)
    {
        if (!allFound) throw RegistryError.NotFound();
        foreach (var project in projects.DistinctBy(p => p.Id))
        {
            var access = await permissions.ForProjectAsync(actor, project, ct);
            if (!access.CanDelete) throw RegistryError.NotFound();
        }
    }

    /// <summary>Removes the blobs and rows of marked files, then marked packages left without files. Returns files removed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var removed = 0;
        while (true)
        {
            var batch = await db.PackageFiles.AsNoTracking()
                .Where(f => f.Status == PackageFileStatus.PendingDestruction)
                .OrderBy(f => f.Id).Select(f => new { f.Id, f.BlobKey }).Take(100).ToListAsync(ct);
            if (batch.Count == 0) break;
            foreach (var file in batch)
            {
                await blobs.DeleteAsync(file.BlobKey, ct);
                await db.PackageFiles.Where(f => f.Id == file.Id).ExecuteDeleteAsync(ct);
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

using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Diagnostics;
using Registry.Schema.Identity;

namespace Registry.Schema.Storage;

/// <summary>What package files add up to, what is really stored for them, and the difference content addressing saves.</summary>
public sealed record StorageUsage(long PackageFilesSize, long StoredSize, long PackageFiles, long StoredBlobs)
{
    public long SavedSize => Math.Max(0, PackageFilesSize - StoredSize);
}

/// <summary>Measures <see cref="StorageUsage"/> from the database and hands the figures to <see cref="StorageMetrics"/>.</summary>
public sealed class StorageStatistics(RegistryDbContext db, StorageMetrics metrics)
{
    public async Task<StorageUsage> MeasureAsync(CancellationToken ct)
    {
        var usage = await MeasureAsync(db.PackageFiles.AsNoTracking(),
            db.ContentBlobs.AsNoTracking().Where(b => b.State == ContentBlobState.Live), ct);
        metrics.Observe(usage);
        return usage;
    }

    /// <summary>The project alone, as the query <see cref="MeasureProjectsAsync"/> takes.</summary>
    public IQueryable<long> ProjectIds(Identity.Project project) => db.Projects.Where(p => p.Id == project.Id).Select(p => p.Id);

    /// <summary>Every project of the group and of its subgroups.</summary>
    public IQueryable<long> GroupProjectIds(Identity.Namespace group)
    {
        var namespaces = db.Namespaces.AtOrBelow(group).Select(n => n.Id);
        return db.Projects.Where(p => namespaces.Contains(p.NamespaceId)).Select(p => p.Id);
    }

    /// <summary>
    /// The usage of the given projects' package files (a project's or a group's "Usage quotas"): each content they hold
    /// counts once among them, wherever else it is also held, so the figures say what these projects alone would take.
    /// </summary>
    public Task<StorageUsage> MeasureProjectsAsync(IQueryable<long> projectIds, CancellationToken ct)
    {
        var files = db.PackageFiles.AsNoTracking().Where(f => projectIds.Contains(f.Package.ProjectId));
        return MeasureAsync(files, db.ContentBlobs.AsNoTracking().Where(b => files.Any(f => f.ContentBlobId == b.Id)), ct);
    }

    /// <summary>
    /// <paramref name="files"/>' usage, stored as <paramref name="blobs"/> (their content, each once) plus the files from
    /// before content-addressed storage, whose blobs are their own.
    /// </summary>
    private static async Task<StorageUsage> MeasureAsync(IQueryable<Packages.PackageFile> files, IQueryable<ContentBlob> blobs, CancellationToken ct)
    {
        var logical = await files.SumAsync(f => (long?)f.Size, ct) ?? 0;
        var fileCount = await files.LongCountAsync(ct);
        var stored = (await blobs.SumAsync(b => (long?)b.Size, ct) ?? 0)
            + (await files.Where(f => f.ContentBlobId == null).SumAsync(f => (long?)f.Size, ct) ?? 0);
        var blobCount = await blobs.LongCountAsync(ct) + await files.LongCountAsync(f => f.ContentBlobId == null, ct);
        return new StorageUsage(logical, stored, fileCount, blobCount);
    }

    /// <summary>The <paramref name="count"/> packages of the given projects whose files add up to the most bytes, largest first.</summary>
    public async Task<List<(Packages.Package Package, long Size)>> LargestPackagesAsync(IQueryable<long> projectIds, int count, CancellationToken ct)
    {
        var sizes = await db.PackageFiles.AsNoTracking().Where(f => projectIds.Contains(f.Package.ProjectId))
            .GroupBy(f => f.PackageId).Select(g => new { PackageId = g.Key, Size = g.Sum(f => f.Size) })
            .OrderByDescending(g => g.Size).ThenBy(g => g.PackageId).Take(count).ToListAsync(ct);
        var ids = sizes.Select(s => s.PackageId).ToList();
        var packages = await db.Packages.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        return sizes.Where(s => packages.ContainsKey(s.PackageId)).Select(s => (packages[s.PackageId], s.Size)).ToList();
    }
}

/// <summary>
/// The storage figures as gauges on the registry's meter (<see cref="RegistryMetrics.MeterName"/>, exported at
/// <c>/-/metrics</c>): <c>registry.packages.storage.saved</c> and <c>registry.packages.storage.stored</c>, in bytes
/// (the files' total is <c>registry.files.stored.size</c>). They report the last measurement, which a background job
/// takes every <see cref="RegistryOptions.SweepInterval"/>, so a scrape never queries the database.
/// </summary>
public sealed class StorageMetrics
{
    private StorageUsage? _last;

    public StorageMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(RegistryMetrics.MeterName);
        Meter.CreateObservableGauge("registry.packages.storage.saved", () => Values(u => u.SavedSize), "By",
            "Bytes saved by storing identical content once: package files' total size less what is stored for them");
        Meter.CreateObservableGauge("registry.packages.storage.stored", () => Values(u => u.StoredSize), "By",
            "Bytes stored for package files, each content once");
    }

    public Meter Meter { get; }

    public StorageUsage? Last => Volatile.Read(ref _last);

    public void Observe(StorageUsage usage) => Volatile.Write(ref _last, usage);

    private IEnumerable<Measurement<long>> Values(Func<StorageUsage, long> pick) =>
        Last is { } usage ? [new Measurement<long>(pick(usage))] : [];
}

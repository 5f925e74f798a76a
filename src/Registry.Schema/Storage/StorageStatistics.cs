using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Diagnostics;

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
        var files = db.PackageFiles.AsNoTracking();
        var logical = await files.SumAsync(f => (long?)f.Size, ct) ?? 0;
        var fileCount = await files.LongCountAsync(ct);
        var live = db.ContentBlobs.AsNoTracking().Where(b => b.State == ContentBlobState.Live);
        var stored = (await live.SumAsync(b => (long?)b.Size, ct) ?? 0)
            + (await files.Where(f => f.ContentBlobId == null).SumAsync(f => (long?)f.Size, ct) ?? 0);
        var blobCount = await live.LongCountAsync(ct) + await files.LongCountAsync(f => f.ContentBlobId == null, ct);
        var usage = new StorageUsage(logical, stored, fileCount, blobCount);
        metrics.Observe(usage);
        return usage;
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

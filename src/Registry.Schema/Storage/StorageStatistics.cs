using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;

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
/// The storage figures as System.Diagnostics.Metrics gauges on the <see cref="MeterName"/> meter (exporters such as
/// Prometheus read them from there): <c>registry.packages.storage.saved</c>, <c>.logical</c> and <c>.stored</c>, in
/// bytes. They report the last measurement, which the background sweep takes every few minutes.
/// </summary>
public sealed class StorageMetrics : IDisposable
{
    public const string MeterName = "Registry";
    private StorageUsage? _last;

    public StorageMetrics()
    {
        Meter = new Meter(MeterName);
        Meter.CreateObservableGauge("registry.packages.storage.saved", () => Values(u => u.SavedSize), "By",
            "Bytes content-addressed storage saves: package files' total size less what is stored for them");
        Meter.CreateObservableGauge("registry.packages.storage.logical", () => Values(u => u.PackageFilesSize), "By",
            "Total size of all package files");
        Meter.CreateObservableGauge("registry.packages.storage.stored", () => Values(u => u.StoredSize), "By",
            "Bytes stored for package files, each content once");
    }

    public Meter Meter { get; }

    public StorageUsage? Last => Volatile.Read(ref _last);

    public void Observe(StorageUsage usage) => Volatile.Write(ref _last, usage);

    private IEnumerable<Measurement<long>> Values(Func<StorageUsage, long> pick) =>
        Last is { } usage ? [new Measurement<long>(pick(usage))] : [];

    public void Dispose() => Meter.Dispose();
}

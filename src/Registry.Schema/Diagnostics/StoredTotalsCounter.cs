using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Packages;

namespace Registry.Schema.Diagnostics;

/// <summary>Counts what the registry stores (visible packages and files, their bytes) for the stored-totals gauges.</summary>
public sealed class StoredTotalsCounter(RegistryDbContext db, RegistryMetrics metrics)
{
    public async Task<StoredTotals> CountAsync(CancellationToken ct)
    {
        var packages = await db.Packages.CountAsync(p => p.Status != PackageStatus.PendingDestruction, ct);
        var files = db.PackageFiles.Where(f => f.Status == PackageFileStatus.Default);
        var totals = new StoredTotals(packages, await files.LongCountAsync(ct), await files.SumAsync(f => (long?)f.Size, ct) ?? 0);
        metrics.Counted(totals);
        return totals;
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Registry.Schema.Data;
using Registry.Schema.Storage;

namespace Registry.Schema.Packages;

/// <summary>
/// Removes blobs that neither a package-file row nor a content blob refers to: what a crash between storing a blob and
/// writing its row leaves, or between removing a row and its blob.
/// Such blobs were never visible; only blobs older than <see cref="RegistryOptions.OrphanBlobMinAge"/> are touched, so
/// an upload being recorded at this moment, on any instance, keeps its blob.
/// </summary>
public sealed class OrphanBlobCollector(RegistryDbContext db, IBlobStore blobs, IOptions<RegistryOptions> options,
    TimeProvider clock, ILogger<OrphanBlobCollector> log)
{
    private const int BatchSize = 500;

    public async Task<int> CollectAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - options.Value.OrphanBlobMinAge;
        var removed = 0;
        var batch = new List<string>(BatchSize);
        await foreach (var blob in blobs.ListAsync(PackagePublisher.BlobKeyPrefix, ct))
        {
            if (blob.LastModifiedUtc > cutoff) continue;
            batch.Add(blob.Key);
            if (batch.Count == BatchSize) removed += await RemoveUnreferencedAsync(batch, ct);
        }
        if (batch.Count > 0) removed += await RemoveUnreferencedAsync(batch, ct);
        if (removed > 0) log.LogWarning("Removed {Count} stored blobs that no package file referred to", removed);
        return removed;
    }

    private async Task<int> RemoveUnreferencedAsync(List<string> keys, CancellationToken ct)
    {
        var referenced = (await db.PackageFiles.AsNoTracking().Where(f => keys.Contains(f.BlobKey)).Select(f => f.BlobKey)
            .Concat(db.ContentBlobs.AsNoTracking().Where(b => keys.Contains(b.StorageKey)).Select(b => b.StorageKey))
            .ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        foreach (var key in keys.Where(k => !referenced.Contains(k)))
        {
            await blobs.DeleteAsync(key, ct);
            removed++;
        }
        keys.Clear();
        return removed;
    }
}

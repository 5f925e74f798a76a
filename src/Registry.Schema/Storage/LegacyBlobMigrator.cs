using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Registry.Schema.Data;
using Registry.Schema.Packages;

namespace Registry.Schema.Storage;

/// <summary>
/// Moves files written before content-addressed storage (each with a blob of its own, no <c>ContentBlobId</c>) onto
/// content blobs, while the registry serves: no bytes are copied. For each digest, one existing blob becomes the
/// content blob (or the live one is referenced) and every file of that digest is pointed at it in one transaction;
/// the blobs that became redundant are deleted a little later (<see cref="ObsoleteBlobGrace"/>), so a download that
/// read a file's old key just before the switch still finds its bytes.
/// </summary>
public sealed class LegacyBlobMigrator(RegistryDbContext db, IBlobStore blobs, ContentStore contents, TimeProvider clock,
    ILogger<LegacyBlobMigrator> log)
{
    public static readonly TimeSpan ObsoleteBlobGrace = TimeSpan.FromSeconds(5);
    private const int BatchSize = 200;

    private sealed record LegacyFile(long Id, string Sha256, long Size, string BlobKey);

    /// <summary>Migrates every legacy file there is now; returns how many were pointed at content blobs.</summary>
    public async Task<int> MigrateAsync(CancellationToken ct)
    {
        var migrated = 0;
        long after = 0;
        var obsolete = new List<(string Key, DateTime Since)>();
        while (true)
        {
            var batch = await db.PackageFiles.AsNoTracking()
                .Where(f => f.Id > after && f.ContentBlobId == null && f.Status == PackageFileStatus.Default)
                .OrderBy(f => f.Id).Select(f => new LegacyFile(f.Id, f.FileSha256, f.Size, f.BlobKey)).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0) break;
            after = batch[^1].Id;
            foreach (var digest in batch.GroupBy(f => f.Sha256))
            {
                try
                {
                    migrated += await MigrateDigestAsync(digest.ToList(), obsolete, ct);
                }
                catch (DbUpdateException e)
                {
                    // An upload or another instance recorded these bytes at the same moment; the next run picks them up.
                    log.LogDebug(e, "Migrating files of {Sha256} raced; retrying later", digest.Key);
                    db.ChangeTracker.Clear();
                }
            }
            await DeleteObsoleteAsync(obsolete, clock.GetUtcNow().UtcDateTime - ObsoleteBlobGrace, ct);
        }
        if (obsolete.Count > 0)
        {
            await Task.Delay(ObsoleteBlobGrace, clock, ct);
            await DeleteObsoleteAsync(obsolete, DateTime.MaxValue, ct);
        }
        if (migrated > 0) log.LogInformation("Moved {Count} package files onto content-addressed storage", migrated);
        return migrated;
    }

    private async Task<int> MigrateDigestAsync(List<LegacyFile> files, List<(string, DateTime)> obsolete, CancellationToken ct)
    {
        // A blob that is not there (lost before the upgrade) must not become the one every copy of the digest points at.
        LegacyFile? keeper = null;
        foreach (var file in files)
        {
            await using var stream = await blobs.OpenReadAsync(file.BlobKey, ct);
            if (stream is null) continue;
            keeper = file;
            break;
        }
        if (keeper is null) return 0;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (content, adopted) = await contents.ClaimAsync(keeper.Sha256, keeper.Size, keeper.BlobKey, ct);
        if (adopted)
        {
            // The adopted blob must stay with a file that is still live and unmigrated at commit; else try later.
            var kept = await db.PackageFiles
                .Where(f => f.Id == keeper.Id && f.ContentBlobId == null && f.Status == PackageFileStatus.Default)
                .ExecuteUpdateAsync(s => s.SetProperty(f => f.ContentBlobId, content.Id), ct);
            if (kept == 0)
            {
                await tx.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                return 0;
            }
        }
        var ids = files.Select(f => f.Id).ToList();
        var moved = await db.PackageFiles
            .Where(f => ids.Contains(f.Id) && f.ContentBlobId == null && f.Status == PackageFileStatus.Default)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.ContentBlobId, content.Id).SetProperty(f => f.BlobKey, content.StorageKey), ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow().UtcDateTime;
        obsolete.AddRange(files.Where(f => f.BlobKey != content.StorageKey).Select(f => (f.BlobKey, now)));
        return moved + (adopted ? 1 : 0);
    }

    /// <summary>Deletes redundant blobs queued before <paramref name="dueBefore"/> that nothing refers to any more.</summary>
    private async Task DeleteObsoleteAsync(List<(string Key, DateTime Since)> obsolete, DateTime dueBefore, CancellationToken ct)
    {
        var due = obsolete.Where(o => o.Since <= dueBefore).ToList();
        foreach (var (key, _) in due)
        {
            // A file destroyed meanwhile kept its own key (its row is swept with its blob); a content blob may own it.
            if (!await db.PackageFiles.AnyAsync(f => f.BlobKey == key, ct) && !await contents.IsContentKeyAsync(key, ct))
                await blobs.DeleteAsync(key, ct);
        }
        obsolete.RemoveAll(o => o.Since <= dueBefore);
    }
}

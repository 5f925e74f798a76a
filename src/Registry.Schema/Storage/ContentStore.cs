using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Registry.Schema.Data;

namespace Registry.Schema.Storage;

/// <summary>
/// Content-addressed storage: one <see cref="ContentBlob"/> per SHA-256, shared by every package file with those bytes.
///
/// The dedup/GC race (an upload of some bytes while the last file holding them is removed) is settled in the database:
/// <list type="bullet">
/// <item>An upload writes its bytes under a key of its own first, then, in the transaction that records the file,
/// <see cref="ClaimAsync"/>s the digest: it bumps the live blob's <see cref="ContentBlob.Version"/> (which also locks
/// that row until the commit) and points the file at it, or, with no live blob, records its own bytes as the blob.</item>
/// <item><see cref="TryRemoveAsync"/> reads the version, checks that no file refers to the blob, and only then marks it
/// <see cref="ContentBlobState.Deleting"/> if the version is unchanged. A claim committed before the check shows up
/// in the check; one taken after it changed the version; one taken after the mark finds no live blob and keeps its
/// own bytes as a new blob. Bytes are deleted only after the mark, and storage keys are never reused, so a removal
/// can never touch bytes that a later upload relies on.</item>
/// </list>
/// </summary>
public sealed class ContentStore(RegistryDbContext db, IBlobStore blobs, TimeProvider clock, ILogger<ContentStore> log, Caching.HotPathCache cache)
    : IAsyncDisposable
{
    // Every upload claims its digest: the take, and the insert where no blob is live, are one statement each, prepared
    // once for the context's unit of work (the publish batch's single writer runs them for each upload), instead of EF
    // statements parsed again for every upload.
    private PreparedCommand? _take, _insert;

    private static readonly Func<RegistryDbContext, string, CancellationToken, Task<bool>> IsLive =
        EF.CompileAsyncQuery((RegistryDbContext db, string sha256, CancellationToken ct) =>
            db.ContentBlobs.Any(b => b.Sha256 == sha256 && b.State == ContentBlobState.Live));

    /// <summary>
    /// Takes a reference to the live blob of <paramref name="sha256"/>, or records the caller's bytes (already stored
    /// under <paramref name="storageKey"/>) as that blob. Call it inside the transaction that writes the referencing
    /// file: the version bump holds the blob's row until that commits.
    /// </summary>
    /// <param name="storageKey">where the caller stored the bytes; null when it stored none because
    /// <see cref="IsStoredAsync"/> said they were: then a blob removed since throws <see cref="ContentNotStoredException"/></param>
    /// <returns>the blob, and whether the caller's bytes became it (if not, the caller's copy is redundant)</returns>
    public Task<(ContentBlob Blob, bool Adopted)> ClaimAsync(string sha256, long size, string? storageKey, CancellationToken ct)
    {
        // Each attempt either takes the live blob or inserts one; both fail only when the blob changed state in between
        // (marked for removal, or inserted by a racing claim), and the next attempt sees the new state.
        return db.RetryAsync(async _ =>
        {
            if (await TakeLiveAsync(sha256, ct) is { } live) return (live, false);
            // No live blob (none yet, or marked for removal): our own copy becomes the live blob of these bytes.
            if (storageKey is null) throw new ContentNotStoredException(sha256);
            // Parallel first uploads of the same bytes are common (one build published as many versions): the insert
            // yields to a live blob another upload committed meanwhile, instead of failing on the unique index.
            var now = clock.GetUtcNow().UtcDateTime;
            _insert ??= new PreparedCommand(db, """
                INSERT INTO "ContentBlobs" ("Sha256", "Size", "StorageKey", "State", "Version", "CreatedAt")
                VALUES ({0}, {1}, {2}, 0, 1, {3})
                ON CONFLICT ("Sha256") WHERE "State" = 0 DO NOTHING
                RETURNING "Id"
                """, PreparedCommand.Property<ContentBlob>(db, nameof(ContentBlob.Sha256)), PreparedCommand.Property<ContentBlob>(db, nameof(ContentBlob.Size)),
                PreparedCommand.Property<ContentBlob>(db, nameof(ContentBlob.StorageKey)), PreparedCommand.Property<ContentBlob>(db, nameof(ContentBlob.CreatedAt)));
            if (await _insert.ScalarAsync(ct, sha256, size, storageKey, now) is not { } id || id is DBNull) throw new BlobChangedUnderClaim(sha256);
            return (new ContentBlob
            {
                Id = Convert.ToInt64(id), Sha256 = sha256, Size = size, StorageKey = storageKey, State = ContentBlobState.Live, Version = 1, CreatedAt = now,
            }, true);
        }, ct, log, keepTracked: true, lostRace: e => e is BlobChangedUnderClaim); // inside the caller's transaction
    }

    /// <summary>Bumps the version of the live blob of <paramref name="sha256"/>, which holds its row until the caller's
    /// commit; null when there is no live blob. The version bump passes none of EF's interceptors: it changes no answer
    /// a cache holds (the blob stays live).</summary>
    private async Task<ContentBlob?> TakeLiveAsync(string sha256, CancellationToken ct)
    {
        _take ??= new PreparedCommand(db, """
            UPDATE "ContentBlobs" SET "Version" = "Version" + 1 WHERE "Sha256" = {0} AND "State" = 0
            RETURNING "Id", "Size", "StorageKey", "Version", "CreatedAt"
            """, PreparedCommand.Property<ContentBlob>(db, nameof(ContentBlob.Sha256)));
        await using var reader = await _take.ReaderAsync(ct, sha256);
        if (!await reader.ReadAsync(ct)) return null;
        return new ContentBlob
        {
            Id = reader.GetInt64(0), Sha256 = sha256, Size = reader.GetInt64(1), StorageKey = reader.GetString(2),
            State = ContentBlobState.Live, Version = reader.GetInt64(3), CreatedAt = reader.GetDateTime(4),
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_take is not null) await _take.DisposeAsync();
        if (_insert is not null) await _insert.DisposeAsync();
    }

    /// <summary>The blob changed state between the look and the update (no statement failed: the transaction is intact).</summary>
    private sealed class BlobChangedUnderClaim(string sha256) : DbUpdateConcurrencyException($"The content blob of {sha256} changed under a claim");

    /// <summary>
    /// Removes the blob's bytes and row when no package file refers to it; finishes a removal a crash interrupted.
    /// Returns whether it removed the blob.
    /// </summary>
    public async Task<bool> TryRemoveAsync(long blobId, CancellationToken ct)
    {
        var blob = await db.ContentBlobs.AsNoTracking().FirstOrDefaultAsync(b => b.Id == blobId, ct);
        if (blob is null) return false;
        if (blob.State == ContentBlobState.Live)
        {
            if (await db.PackageFiles.AnyAsync(f => f.ContentBlobId == blobId, ct)) return false;
            var version = blob.Version;
            var marked = await db.ContentBlobs
                .Where(b => b.Id == blobId && b.State == ContentBlobState.Live && b.Version == version)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(b => b.State, ContentBlobState.Deleting)
                    .SetProperty(b => b.DeletingSince, clock.GetUtcNow().UtcDateTime), ct);
            if (marked == 0) return false; // an upload took a reference meanwhile
        }
        // Deleting: nothing can refer to it any more, and its key belongs to it alone, so any instance may finish.
        await blobs.DeleteAsync(blob.StorageKey, ct);
        await db.ContentBlobs.Where(b => b.Id == blobId && b.State == ContentBlobState.Deleting).ExecuteDeleteAsync(ct);
        return true;
    }

    /// <summary>
    /// Removes live blobs that no file refers to (a crash between removing a file's row and its blob) and finishes
    /// interrupted removals. Returns how many blobs went.
    /// </summary>
    public async Task<int> CollectUnreferencedAsync(CancellationToken ct)
    {
        var removed = 0;
        long after = 0;
        while (true)
        {
            var ids = await db.ContentBlobs.AsNoTracking()
                .Where(b => b.Id > after && (b.State == ContentBlobState.Deleting || !db.PackageFiles.Any(f => f.ContentBlobId == b.Id)))
                .OrderBy(b => b.Id).Select(b => b.Id).Take(500).ToListAsync(ct);
            if (ids.Count == 0) break;
            foreach (var id in ids)
                if (await TryRemoveAsync(id, ct)) removed++;
            after = ids[^1];
        }
        if (removed > 0) log.LogInformation("Removed {Count} stored contents no package file referred to", removed);
        return removed;
    }

    /// <summary>Whether the bytes of <paramref name="sha256"/> are stored (a live blob): an upload of them need not store
    /// them again. The blob may still go before the upload's claim, which then says so.</summary>
    /// <remarks>A yes is kept for the hot-path cache's moment, through package writes too (every publish batch is one):
    /// a yes gone stale costs nothing wrong, since the claim finds no live blob and the upload stores its bytes after
    /// all. A no is asked again each time.</remarks>
    public Task<bool> IsStoredAsync(string sha256, CancellationToken ct) =>
        cache.GetOrLoadAsync(("content-stored", sha256), Caching.CacheScope.Identity, async () =>
        {
            var stored = await IsLive(db, sha256, ct);
            return (stored, stored, (DateTime?)null);
        });

    /// <summary>Whether a storage key belongs to a content blob (live or being removed).</summary>
    public Task<bool> IsContentKeyAsync(string key, CancellationToken ct) => db.ContentBlobs.AnyAsync(b => b.StorageKey == key, ct);
}

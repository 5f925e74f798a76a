using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Registry.Schema.Audit;
using Registry.Schema.Data;
using Registry.Schema.Diagnostics;
using Registry.Schema.Identity;
using Registry.Schema.Lifecycle;
using Registry.Schema.Storage;

namespace Registry.Schema.Packages;

/// <param name="Actor">who publishes: protection rules and the audit log need to know</param>
public sealed record PublishCommand(Actor Actor, Project Project, string Name, string Version, string FileName, PackageStatus? Status,
    long? DeclaredLength, ExpectedDigests? Expected = null)
{
    public ExpectedDigests Expected { get; init; } = Expected ?? ExpectedDigests.None;
}

/// <summary>The file an upload resulted in; <see cref="Created"/> is false when an identical retry stored nothing.</summary>
public sealed record PublishResult(PackageFileRecord Record, bool Created);

/// <summary>
/// Publishes one file: streams the body into the blob store while hashing it, then records it. The database row is
/// written only after the blob is complete, so a file is never visible half-written; a failed write removes the blob.
/// Everything that can be refused is refused before the first read of the body (protection rules included), so a
/// refusal costs no transfer. Identical bytes are stored once: the file points at the content blob of its digest
/// (<see cref="ContentStore"/>), and a copy that turns out redundant is removed once the file is recorded. Files are
/// recorded by the <see cref="PublishBatcher"/>: uploads that finish together share one transaction.
/// </summary>
public sealed class PackagePublisher(
    IBlobStore blobs, PackageFinder finder, PackageProtection protection, ContentStore contents, PublishRecorder recorder, PublishBatcher batcher,
    AuditContext auditContext, IOptions<RegistryOptions> options, ILogger<PackagePublisher> log, RegistryMetrics metrics,
    Caching.HotPathCache cache)
{
    public async Task<PublishResult> PublishAsync(PublishCommand cmd, Stream body, CancellationToken ct)
    {
        if (await RefuseBeforeBodyAsync(cmd, ct) is { } existing)
            return await RetryOfExistingAsync(cmd, existing.Record, body, ct);
        if (cmd.DeclaredLength is long length and <= SmallBody) return await PublishSmallAsync(cmd, body, (int)length, ct);

        var key = NewBlobKey();
        // A checksum mismatch throws: the writer discards the bytes.
        var (digests, stored) = await StoreAsync(cmd, key, cmd.DeclaredLength, async writer =>
        {
            var digests = await CopyAsync(cmd, body, writer.WriteAsync, ct);
            // Bytes stored already (one build published under many versions): the file points at them, and this copy
            // is discarded before its flush, rename and removal, which cost more than receiving it.
            if (await contents.IsStoredAsync(digests.Sha256, ct))
            {
                try { return (digests, await RecordBlobAsync(cmd, digests, key: null)); }
                catch (ContentNotStoredException) { } // removed since the look: this copy is committed after all
            }
            return (digests, (PublishResult?)null);
        }, ct, commit: result => result.Item2 is null);
        return stored ?? await RecordBlobAsync(cmd, digests, key);
    }

    /// <summary>Writes a new blob under <paramref name="key"/> through <paramref name="write"/> and commits it; a full
    /// disk answers 507 (the writer discarded what it had written).</summary>
    /// <param name="commit">whether to keep what <paramref name="write"/> wrote, given its result (by default, always)</param>
    private async Task<T> StoreAsync<T>(PublishCommand cmd, string key, long? length, Func<IBlobWriter, Task<T>> write, CancellationToken ct,
        Func<T, bool>? commit = null)
    {
        try
        {
            await using var writer = await blobs.CreateAsync(key, length, ct);
            var result = await write(writer);
            if (commit?.Invoke(result) ?? true) await writer.CommitAsync(ct);
            return result;
        }
        catch (Exception e) when (InsufficientStorage.Is(e))
        {
            throw OutOfStorage(cmd, e);
        }
    }

    /// <summary>The largest body read into memory before it is stored, so that bytes stored already are not stored again.</summary>
    public const int SmallBody = 64 * 1024;

    /// <summary>
    /// A small body is read into memory and hashed, and goes to the publish batch with its bytes: the batch's claim of
    /// its digest points the file at the bytes where they are stored already (a build publishing one file under many
    /// versions) and writes nothing, and otherwise stores them in the database with the file's row
    /// (<see cref="DatabaseBodyStore"/>): no blob of their own. No "is it stored" look first: the claim answers it in
    /// the transaction anyway, and for new bytes the look was a query of its own on every upload.
    /// </summary>
    private async Task<PublishResult> PublishSmallAsync(PublishCommand cmd, Stream body, int length, CancellationToken ct)
    {
        var bytes = new MemoryStream(length);
        var digests = await CopyAsync(cmd, body, (chunk, _) =>
        {
            bytes.Write(chunk.Span);
            return ValueTask.CompletedTask;
        }, ct);
        var data = bytes.Length == bytes.Capacity ? bytes.GetBuffer() : bytes.ToArray();
        return await RecordBlobAsync(cmd, digests, DatabaseBodyStore.NewKey(), data);
    }

    /// <summary>
    /// Everything a publish refuses before the first byte of the body, in the PUT's order: names, the declared size,
    /// protection rules, and, where duplicates are forbidden, a declared SHA-256 that differs from the stored file of
    /// that name. The resumable (tus) creation calls this too, so both refuse alike.
    /// </summary>
    /// <returns>the stored file of the same name where duplicates are forbidden (only identical bytes may follow)</returns>
    public async Task<StoredFile?> RefuseBeforeBodyAsync(PublishCommand cmd, CancellationToken ct)
    {
        PackageNameRules.Validate(cmd.Name, cmd.Version);
        if (cmd.DeclaredLength is long declared && options.Value.IsTooLarge(declared)) throw metrics.Refused(UploadRefusal.Size, RegistryError.TooLarge());
        await protection.RequirePushAllowedAsync(cmd.Actor, cmd.Project, cmd.Name, ct);

        // The settings decide whether the duplicate lookups run at all (by default they do not).
        var strict = await DuplicatesForbiddenAtStartAsync(cmd, ct);
        if (!strict || await NewestOfNameAsync(cmd, ct) is not { } existing) return null;
        if (cmd.Expected.Sha256 is { } sha256 && sha256 != existing.Record.FileSha256)
            throw metrics.Refused(UploadRefusal.Duplicate, RegistryError.DuplicateNotAllowed());
        return existing;
    }

    /// <summary>
    /// Publishes bytes already complete in the blob store under <paramref name="key"/> (a resumable upload assembled
    /// them), with their digests: the same rules at this moment as a PUT, the same record, audit event and metrics.
    /// The blob is removed when the file is refused or its bytes were stored already.
    /// </summary>
    public async Task<PublishResult> PublishStoredBlobAsync(PublishCommand cmd, string key, ContentDigests digests, CancellationToken ct)
    {
        try
        {
            if (!cmd.Expected.Matches(digests)) throw metrics.Refused(UploadRefusal.Checksum, RegistryError.ChecksumMismatch());
            await RefuseBeforeBodyAsync(cmd with { DeclaredLength = digests.Length }, ct);
        }
        catch
        {
            await DeleteBlobQuietlyAsync(key);
            throw;
        }
        return await RecordBlobAsync(cmd, digests, key);
    }

    /// <summary>Records a complete blob; removes it when recording fails or when the same bytes were stored already.</summary>
    /// <param name="body">the bytes of a small upload, to keep in the database under <paramref name="key"/> (nothing is
    /// stored before the batch: there is nothing to remove)</param>
    private async Task<PublishResult> RecordBlobAsync(PublishCommand cmd, ContentDigests digests, string? key, byte[]? body = null)
    {
        PublishResult result;
        bool ownBytesKept;
        try
        {
            // The body is complete and the blob in place: record it whatever the client does now (the batch ignores the
            // request's cancellation). Cancelling here could land between the commit and the return, and the catch below
            // would delete a recorded blob.
            (result, ownBytesKept) = await batcher.RecordAsync(new PendingPublish(cmd, digests, key, auditContext.IpAddress) { Body = body });
        }
        catch (Exception e) when (e is not ContentNotStoredException)
        {
            await DeleteBlobQuietlyAsync(key);
            if (InsufficientStorage.Is(e)) throw OutOfStorage(cmd, e);
            throw;
        }
        // The same bytes were stored already and the file points at them: this copy is redundant.
        if (!ownBytesKept) await DeleteBlobQuietlyAsync(key);
        return result;
    }

    /// <summary>A full disk or database: one clear warning (no stack trace: nothing is broken) and a 507 for the client.</summary>
    private RegistryError OutOfStorage(PublishCommand cmd, Exception e)
    {
        log.LogWarning("Out of storage: the upload of {Name}/{Version}/{File} to project {ProjectId} was refused with 507 ({Reason})",
            cmd.Name, cmd.Version, cmd.FileName, cmd.Project.Id, e.GetBaseException().Message);
        return metrics.Refused(UploadRefusal.DiskFull, RegistryError.InsufficientStorage());
    }

    /// <summary>
    /// Duplicates are forbidden and the name exists: only a byte-identical retry succeeds, and it stores nothing. A
    /// declared SHA-256 decides without reading the body; otherwise the body is hashed and dropped.
    /// </summary>
    private async Task<PublishResult> RetryOfExistingAsync(PublishCommand cmd, PackageFileRecord existing, Stream body, CancellationToken ct)
    {
        // A declared SHA-256 that differs was refused before the body (RefuseBeforeBodyAsync).
        if (cmd.Expected.Sha256 is not null) return new PublishResult(existing, Created: false);
        var digests = await CopyAsync(cmd, body, static (_, _) => ValueTask.CompletedTask, ct); // a checksum mismatch throws
        if (digests.Sha256 != existing.FileSha256) throw metrics.Refused(UploadRefusal.Duplicate, RegistryError.DuplicateNotAllowed());
        return new PublishResult(existing, Created: false);
    }

    /// <summary>
    /// Streams the body into <paramref name="write"/> through the <see cref="ChunkPump"/>: each chunk is hashed (each
    /// digest on a thread of its own) while it is written and the next one is read.
    /// </summary>
    private async Task<ContentDigests> CopyAsync(PublishCommand cmd, Stream body, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write,
        CancellationToken ct)
    {
        var all = options.Value.PackageFileDigests == PackageFileDigestSet.All;
        using var hasher = new ContentHasher(sha1: all, md5: all || cmd.Expected.Md5 is not null);
        // A body of known, small length gets a buffer its size (one more byte, so its end is seen in one read).
        var size = cmd.DeclaredLength is long declared and >= 0 and < ChunkPump.ChunkSize ? (int)declared + 1 : ChunkPump.ChunkSize;
        long total = 0;
        try
        {
            await ChunkPump.RunAsync(body, size, options.Value.UploadIdleTimeout, chunk =>
            {
                total += chunk.Length;
                if (options.Value.IsTooLarge(total)) throw metrics.Refused(UploadRefusal.Size, RegistryError.TooLarge());
                return HashAndWriteAsync(hasher, chunk, write, ct);
            }, keepBroken: false, ct);
        }
        finally
        {
            metrics.Uploaded(hasher.Length);
        }
        var digests = hasher.Finish();
        if (!cmd.Expected.Matches(digests)) throw metrics.Refused(UploadRefusal.Checksum, RegistryError.ChecksumMismatch());
        // An MD5 computed only to check the client's Content-MD5 is not recorded where the operator chose SHA-256 alone.
        return all ? digests : digests with { Md5 = null };
    }

    private static async Task HashAndWriteAsync(ContentHasher hasher, ReadOnlyMemory<byte> chunk,
        Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> write, CancellationToken ct)
    {
        var hashing = hasher.AppendAsync(chunk);
        try { await write(chunk, ct); }
        finally { await hashing; }
    }

    /// <summary>
    /// The first look, when the upload starts, which only decides whether to look for the file before the body is read:
    /// an answer from the hot-path cache that duplicates are allowed is safe (the read when the file is recorded decides),
    /// one that they are forbidden is read again before anything is refused on it.
    /// </summary>
    private async Task<bool> DuplicatesForbiddenAtStartAsync(PublishCommand cmd, CancellationToken ct)
    {
        var cached = await cache.GetOrLoadAsync(("package-settings", cmd.Project.NamespaceId), Caching.CacheScope.Identity,
            async () => (await recorder.SettingsAsync(cmd.Project.NamespaceId, ct), true, (DateTime?)null));
        return PublishRecorder.DuplicatesForbidden(cached, cmd) && await recorder.DuplicatesForbiddenAsync(cmd, ct);
    }

    private Task<StoredFile?> NewestOfNameAsync(PublishCommand cmd, CancellationToken ct) =>
        finder.FindNewestAsync(cmd.Project.Id, cmd.Name, cmd.Version, cmd.FileName, ct);

    private async Task DeleteBlobQuietlyAsync(string? key)
    {
        // Bytes kept in the database are written only where the batch adopts them, and rolled back with it.
        if (key is null || DatabaseBodyStore.Holds(key)) return;
        try { await blobs.DeleteAsync(key, CancellationToken.None); }
        catch (Exception ex) { log.LogWarning(ex, "Could not remove blob {Key} of a failed upload", key); }
    }

    /// <summary>Every package file's blob lives under this prefix.</summary>
    public const string BlobKeyPrefix = "files/";

    /// <remarks>
    /// Two levels of folders (65,536). One level of 256 made a young instance's uploads cheaper on the file system (no
    /// mkdir for most), but s3rver, the S3 the tests run against, removes a folder it emptied and crashed when a write
    /// into the same folder raced the removal (ENOENT), which 256 folders made frequent.
    /// </remarks>
    public static string NewBlobKey()
    {
        var id = Guid.NewGuid().ToString("N");
        return $"{BlobKeyPrefix}{id[..2]}/{id[2..4]}/{id}";
    }
}

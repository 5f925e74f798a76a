using System.Data;
using Microsoft.EntityFrameworkCore;
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
/// (<see cref="ContentStore"/>), and a copy that turns out redundant is removed once the file is recorded.
/// </summary>
public sealed class PackagePublisher(
    RegistryDbContext db, IBlobStore blobs, PackageFinder finder, PackageProtection protection, ContentStore contents, AuditLog audit,
    IOptions<RegistryOptions> options, TimeProvider clock, ILogger<PackagePublisher> log, RegistryMetrics metrics, Caching.HotPathCache cache,
    Hooks.PackageEventRecorder events)
{
    public async Task<PublishResult> PublishAsync(PublishCommand cmd, Stream body, CancellationToken ct)
    {
        if (await RefuseBeforeBodyAsync(cmd, ct) is { } existing)
            return await RetryOfExistingAsync(cmd, existing.Record, body, ct);

        var key = NewBlobKey();
        ContentDigests digests;
        try
        {
            await using var writer = await blobs.CreateAsync(key, cmd.DeclaredLength, ct);
            digests = await CopyAsync(cmd, body, writer.WriteAsync, ct); // a checksum mismatch throws: the writer discards the bytes
            await writer.CommitAsync(ct);
        }
        catch (Exception e) when (InsufficientStorage.Is(e))
        {
            throw OutOfStorage(cmd, e); // the writer discarded what it had written
        }
        return await RecordBlobAsync(cmd, digests, key);
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
        if (cmd.DeclaredLength is long declared && options.Value.IsTooLarge(declared)) throw Refused(UploadRefusal.Size, RegistryError.TooLarge());
        await protection.RequirePushAllowedAsync(cmd.Actor, cmd.Project, cmd.Name, ct);

        // The settings decide whether the duplicate lookups run at all (by default they do not).
        var strict = await DuplicatesForbiddenAtStartAsync(cmd, ct);
        if (!strict || await NewestOfNameAsync(cmd, ct) is not { } existing) return null;
        if (cmd.Expected.Sha256 is { } sha256 && sha256 != existing.Record.FileSha256)
            throw Refused(UploadRefusal.Duplicate, RegistryError.DuplicateNotAllowed());
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
            if (!cmd.Expected.Matches(digests)) throw Refused(UploadRefusal.Checksum, RegistryError.ChecksumMismatch());
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
    private async Task<PublishResult> RecordBlobAsync(PublishCommand cmd, ContentDigests digests, string key)
    {
        PublishResult result;
        bool ownBytesKept;
        try
        {
            // The body is complete and the blob in place: record it whatever the client does now. Cancelling here could
            // land between the database commit and the return, and the catch below would delete a recorded blob.
            (result, ownBytesKept) = await RecordAsync(cmd, digests, key, CancellationToken.None);
        }
        catch (Exception e)
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
        return Refused(UploadRefusal.DiskFull, RegistryError.InsufficientStorage());
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
        if (digests.Sha256 != existing.FileSha256) throw Refused(UploadRefusal.Duplicate, RegistryError.DuplicateNotAllowed());
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
                if (options.Value.IsTooLarge(total)) throw Refused(UploadRefusal.Size, RegistryError.TooLarge());
                return HashAndWriteAsync(hasher, chunk, write, ct);
            }, keepBroken: false, ct);
        }
        finally
        {
            metrics.Uploaded(hasher.Length);
        }
        var digests = hasher.Finish();
        if (!cmd.Expected.Matches(digests)) throw Refused(UploadRefusal.Checksum, RegistryError.ChecksumMismatch());
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

    /// <returns>the result, and whether the bytes stored under <paramref name="key"/> are now referenced</returns>
    private async Task<(PublishResult, bool OwnBytesKept)> RecordAsync(PublishCommand cmd, ContentDigests digests, string key, CancellationToken ct)
    {
        // Where duplicates are refused (strict), the check and the insert must not interleave with a racing upload of
        // the same name: a serializable transaction (BEGIN IMMEDIATE on SQLite; on PostgreSQL the loser gets a
        // serialization failure and retries). Where they are allowed, the default isolation does: the content claim,
        // the package and the file commit together, and the claim holds the content blob's row until then. The
        // settings are read again: they may have changed while the body streamed, and they hold when the file is recorded.
        var strict = await DuplicatesForbiddenAsync(cmd, ct);
        // A racing upload may create the package or the content blob first (unique indexes) or win the serialization.
        return await db.RetryAsync(async _ =>
        {
            await using var transaction = strict
                ? await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, ct)
                : await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var package = await db.Packages.FirstOrDefaultAsync(p => p.ProjectId == cmd.Project.Id
                && p.PackageType == PackageType.Generic && p.Name == cmd.Name && p.Version == cmd.Version, ct);
            var wasHidden = package?.Status == PackageStatus.Hidden;
            if (package is null)
            {
                package = new Package
                {
                    ProjectId = cmd.Project.Id, PackageType = PackageType.Generic, Name = cmd.Name, Version = cmd.Version,
                    Status = cmd.Status ?? PackageStatus.Default, CreatedAt = now, UpdatedAt = now,
                };
                db.Packages.Add(package);
            }
            else
            {
                // Another upload may have added the same file while this body streamed.
                if (strict && await NewestOfNameAsync(cmd, ct) is { Record: var existing })
                {
                    if (existing.FileSha256 != digests.Sha256) throw Refused(UploadRefusal.Duplicate, RegistryError.DuplicateNotAllowed());
                    return (new PublishResult(existing, Created: false), false);
                }
                if (package.Status == PackageStatus.PendingDestruction) package.Status = cmd.Status ?? PackageStatus.Default;
                else if (cmd.Status is { } status) package.Status = status;
                package.UpdatedAt = now;
            }
            var (content, adopted) = await contents.ClaimAsync(digests.Sha256, digests.Length, key, ct);
            var file = new PackageFile
            {
                Package = package, FileName = cmd.FileName, Size = digests.Length, FileSha256 = digests.Sha256,
                FileSha1 = digests.Sha1, FileMd5 = digests.Md5, BlobKey = content.StorageKey, ContentBlobId = content.Id,
                CreatedAt = now, UpdatedAt = now,
            };
            db.PackageFiles.Add(file);
            await db.SaveChangesAsync(ct);
            Audit(cmd, package, file, hidden: !wasHidden && package.Status == PackageStatus.Hidden);
            await events.FilePublishedAsync(cmd.Actor, cmd.Project, package, file, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            metrics.Published();
            return (new PublishResult(PackageFileRecord.From(file, package, blobs.FileStore), Created: true), adopted);
        }, ct, log);
    }

    private void Audit(PublishCommand cmd, Package package, PackageFile file, bool hidden)
    {
        var entity = AuditEntity.For(cmd.Project);
        var details = new Dictionary<string, object?>
        {
            ["package_name"] = package.Name, ["package_version"] = package.Version, ["file_name"] = file.FileName,
            ["size"] = file.Size, ["file_sha256"] = file.FileSha256,
        };
        audit.Add(cmd.Actor, entity, AuditEventNames.PackagePublished,
            new AuditTarget("Packages::PackageFile", file.Id, $"{package.Name}/{package.Version}/{file.FileName}"), details);
        if (hidden)
            audit.Add(cmd.Actor, entity, AuditEventNames.PackageHidden,
                new AuditTarget("Packages::Package", package.Id, $"{package.Name}/{package.Version}"), details);
    }

    /// <summary>Counts a refusal by its reason (the error alone does not tell a duplicate from a size refusal).</summary>
    private RegistryError Refused(UploadRefusal reason, RegistryError error)
    {
        metrics.Refused(reason);
        return error;
    }

    /// <summary>
    /// Whether the namespace's settings refuse a second file of this name (GitLab's duplicate rule), read from the
    /// database: a change made on any instance holds for the next upload everywhere (MultiInstanceTests).
    /// </summary>
    private async Task<bool> DuplicatesForbiddenAsync(PublishCommand cmd, CancellationToken ct) =>
        !DuplicatePolicy.DuplicatesAllowed(await SettingsAsync(cmd, ct), cmd.Name, cmd.Version);

    /// <summary>
    /// The first look, when the upload starts, which only decides whether to look for the file before the body is read:
    /// an answer from the hot-path cache that duplicates are allowed is safe (the read when the file is recorded decides),
    /// one that they are forbidden is read again before anything is refused on it.
    /// </summary>
    private async Task<bool> DuplicatesForbiddenAtStartAsync(PublishCommand cmd, CancellationToken ct)
    {
        var cached = await cache.GetOrLoadAsync(("package-settings", cmd.Project.NamespaceId), Caching.CacheScope.Identity,
            async () => (await SettingsAsync(cmd, ct), true, (DateTime?)null));
        return !DuplicatePolicy.DuplicatesAllowed(cached, cmd.Name, cmd.Version) && await DuplicatesForbiddenAsync(cmd, ct);
    }

    private Task<NamespacePackageSettings?> SettingsAsync(PublishCommand cmd, CancellationToken ct) =>
        db.NamespacePackageSettings.AsNoTracking().FirstOrDefaultAsync(s => s.NamespaceId == cmd.Project.NamespaceId, ct);

    private Task<StoredFile?> NewestOfNameAsync(PublishCommand cmd, CancellationToken ct) =>
        finder.FindNewestAsync(cmd.Project.Id, cmd.Name, cmd.Version, cmd.FileName, ct);

    private async Task DeleteBlobQuietlyAsync(string key)
    {
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

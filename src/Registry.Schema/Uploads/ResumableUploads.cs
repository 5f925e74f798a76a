using System.Buffers;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Registry.Schema.Data;
using Registry.Schema.Diagnostics;
using Registry.Schema.Identity;
using Registry.Schema.Packages;
using Registry.Schema.Storage;

namespace Registry.Schema.Uploads;

/// <summary>A chunk checksum the client sent (<c>Upload-Checksum: sha256 &lt;base64&gt;</c>).</summary>
public sealed record ChunkChecksum(HashAlgorithmName Algorithm, byte[] Digest);

/// <summary>
/// Resumable (tus) uploads of generic package files: creation with the PUT's refusals, appends that keep what arrived
/// when a connection breaks, and completion through <see cref="PackagePublisher.PublishStoredBlobAsync"/>, so the
/// file is published exactly as a PUT would publish it. The state lives in the database (any instance continues an
/// upload); the bytes in the <see cref="IResumableBlobStore"/>.
/// </summary>
public sealed class ResumableUploads(
    RegistryDbContext db, IResumableBlobStore storage, IBlobStore blobs, PackagePublisher publisher, UploadHashes hashes,
    IOptions<RegistryOptions> options, TimeProvider clock, RegistryMetrics metrics, ILogger<ResumableUploads> log)
{
    /// <summary>
    /// A PATCH's chunk size, measured for PATCHes on their own: the pipeline's first chunk is read before hashing starts
    /// and its last one hashed after the last byte came, once per request, and a client waits for each PATCH's answer
    /// before it sends the next one, so 256 KiB beat 1 MiB (docs/performance.md). The PUT's smaller
    /// <see cref="ChunkPump.ChunkSize"/> came later and was not measured for PATCHes.
    /// </summary>
    private const int PatchChunkSize = 256 * 1024;

    /// <summary>How long a PATCH holds its upload; renewed while it reads, so only a crashed instance's lease runs out.</summary>
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(30);

    public async Task<ResumableUpload> CreateAsync(PublishCommand cmd, string owner, long length, CancellationToken ct)
    {
        if (length < 0) throw RegistryError.BadRequest("Upload-Length header is invalid");
        if (options.Value.IsTooLarge(length)) throw new ResumableUploadError(ResumableRefusal.TooLarge, "File is too large");
        await publisher.RefuseBeforeBodyAsync(cmd with { DeclaredLength = length }, ct);
        var now = Now;
        var unfinished = await db.ResumableUploads.CountAsync(u => u.Owner == owner && u.State == ResumableUploadState.Active && u.ExpiresAt > now, ct);
        if (unfinished >= options.Value.MaxUnfinishedUploads)
            throw new ResumableUploadError(ResumableRefusal.TooManyUploads,
                $"Too many unfinished uploads ({unfinished}): finish or terminate one, or wait for it to expire");
        var upload = new ResumableUpload
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), ProjectId = cmd.Project.Id, Owner = owner,
            PackageName = cmd.Name, PackageVersion = cmd.Version, FileName = cmd.FileName, PackageStatus = cmd.Status,
            Sha256 = cmd.Expected.Sha256, Length = length, BlobKey = PackagePublisher.NewBlobKey(), CreatedAt = now,
            ExpiresAt = now + options.Value.ResumableUploadExpiry,
        };
        db.ResumableUploads.Add(upload);
        await db.SaveChangesAsync(ct);
        db.Entry(upload).State = EntityState.Detached;
        return upload;
    }

    /// <summary>The caller's upload in the project; anyone else's, an expired one or a missing one is not found.</summary>
    public async Task<ResumableUpload> FindAsync(string id, long projectId, string owner, CancellationToken ct)
    {
        var now = Now;
        var upload = id.Length == 32
            ? await db.ResumableUploads.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct)
            : null;
        if (upload is null || upload.ProjectId != projectId || upload.Owner != owner || upload.ExpiresAt <= now) throw NotFound();
        return upload;
    }

    /// <summary>
    /// Appends <paramref name="body"/> at <paramref name="offset"/>. What arrived before a broken connection is kept
    /// (unless the chunk carries a checksum, which only a whole chunk can match). Reaching the length publishes.
    /// </summary>
    /// <param name="command">the publish command of the finished file, with the caller of this request as actor</param>
    public async Task<ResumableUpload> AppendAsync(ResumableUpload upload, long offset, Stream body, long? contentLength,
        ChunkChecksum? checksum, PublishCommand command, CancellationToken ct)
    {
        if (upload.State == ResumableUploadState.Completed) throw Conflict(upload, offset);
        if (offset != upload.Offset) throw Conflict(upload, offset);
        if (contentLength is long n && offset + n > upload.Length)
            throw new ResumableUploadError(ResumableRefusal.TooLarge, "The chunk goes past Upload-Length");
        var lease = await AcquireAsync(upload, offset, ct);
        var newOffset = offset;
        var state = upload.StorageState;
        Exception? broken = null;
        try
        {
            if (!upload.Assembled) (newOffset, state, broken) = await WriteAsync(upload, offset, body, checksum, lease, ct);
        }
        finally
        {
            // Saved bytes are acknowledged whatever happened to the request: record them. The upload stays taken while
            // it is published (a second PATCH at the end must not publish it twice); otherwise it is free again.
            var mine = db.ResumableUploads.Where(u => u.Id == upload.Id && u.LockedBy == lease);
            var expires = Now + options.Value.ResumableUploadExpiry;
            if (newOffset == upload.Length && broken is null)
                await mine.ExecuteUpdateAsync(s => s.SetProperty(u => u.Offset, newOffset).SetProperty(u => u.StorageState, state)
                    .SetProperty(u => u.ExpiresAt, expires), CancellationToken.None);
            else
                await mine.ExecuteUpdateAsync(s => s.SetProperty(u => u.Offset, newOffset).SetProperty(u => u.StorageState, state)
                    .SetProperty(u => u.ExpiresAt, expires)
                    .SetProperty(u => u.LockedUntil, (DateTime?)null).SetProperty(u => u.LockedBy, (string?)null), CancellationToken.None);
        }
        upload.Offset = newOffset;
        upload.StorageState = state;
        if (broken is not null)
        {
            log.LogDebug(broken, "Upload {Id} broke off at {Offset}; kept what arrived", upload.Id, newOffset);
            // The request ends as the PUT's would (a stalled body is a 408; a client that went away gets nothing).
            if (broken is OperationCanceledException && !ct.IsCancellationRequested) throw RegistryError.Stalled();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(broken);
        }
        if (newOffset < upload.Length) return upload;
        return await CompleteAsync(upload, command);
    }

    /// <returns>the saved offset and storage state, and the failure of a connection that broke (what arrived is saved)</returns>
    private async Task<(long Offset, string? State, Exception? Broken)> WriteAsync(ResumableUpload upload, long offset, Stream body, ChunkChecksum? checksum,
        string lease, CancellationToken ct)
    {
        var hasher = hashes.Take(upload.Id, offset);
        using var chunkHash = checksum is null ? null : IncrementalHash.CreateHash(checksum.Algorithm);
        long written = 0;
        var renewed = Now;
        await using var writer = await storage.OpenAsync(upload.Id, upload.BlobKey, upload.StorageState, offset, ct);
        try
        {
            var (_, broken) = await ChunkPump.RunAsync(body, PatchChunkSize, options.Value.UploadIdleTimeout, chunk =>
            {
                if (offset + written + chunk.Length > upload.Length)
                    throw new ResumableUploadError(ResumableRefusal.TooLarge, "The chunk goes past Upload-Length");
                chunkHash?.AppendData(chunk.Span);
                return HashAndWriteAsync(chunk);
            }, keepBroken: true, ct);
            metrics.Uploaded(written);
            if (checksum is not null && (broken is not null || !CryptographicOperations.FixedTimeEquals(chunkHash!.GetHashAndReset(), checksum.Digest)))
            {
                hasher?.Dispose();
                hasher = null;
                if (broken is not null) throw broken;
                throw new ResumableUploadError(ResumableRefusal.ChunkChecksumMismatch, "Checksum mismatch");
            }
            var state = await writer.SaveAsync(CancellationToken.None);
            if (hasher is not null) hashes.Put(upload.Id, hasher, offset + written);
            hasher = null;
            return (offset + written, state, broken);
        }
        finally
        {
            hasher?.Dispose(); // a refused chunk: the running digests no longer match the saved bytes
        }

        async Task HashAndWriteAsync(ReadOnlyMemory<byte> chunk)
        {
            var hashing = hasher is null ? Task.CompletedTask : hasher.AppendAsync(chunk);
            try { await writer.WriteAsync(chunk, CancellationToken.None); }
            finally { await hashing; }
            written += chunk.Length;
            if (Now - renewed > LeaseDuration / 3)
            {
                renewed = Now;
                await db.WithoutDurableCommitAsync(c => db.ResumableUploads.Where(u => u.Id == upload.Id && u.LockedBy == lease)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockedUntil, renewed + LeaseDuration), c), CancellationToken.None);
            }
        }
    }

    /// <summary>Publishes the complete bytes; a refusal then (checksum, duplicate, protection) ends the upload.</summary>
    private async Task<ResumableUpload> CompleteAsync(ResumableUpload upload, PublishCommand command)
    {
        var ct = CancellationToken.None; // the bytes are all here: finish whatever the client does now
        if (!upload.Assembled)
        {
            await storage.CompleteAsync(upload.Id, upload.BlobKey, upload.StorageState, upload.Length, ct);
            upload.Assembled = true;
            await db.ResumableUploads.Where(u => u.Id == upload.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.Assembled, true), ct);
        }
        var digests = await DigestsAsync(upload, ct);
        try
        {
            var result = await publisher.PublishStoredBlobAsync(command, upload.BlobKey, digests, ct);
            upload.State = ResumableUploadState.Completed;
            upload.PackageFileId = result.Record.Id;
            upload.PackageId = result.Record.PackageId;
            await db.ResumableUploads.Where(u => u.Id == upload.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.State, ResumableUploadState.Completed)
                .SetProperty(u => u.PackageFileId, result.Record.Id).SetProperty(u => u.PackageId, result.Record.PackageId)
                .SetProperty(u => u.LockedUntil, (DateTime?)null).SetProperty(u => u.LockedBy, (string?)null), ct);
            return upload;
        }
        catch (RegistryError)
        {
            // Refused: the publisher removed the bytes; the upload is over.
            await db.ResumableUploads.Where(u => u.Id == upload.Id).ExecuteDeleteAsync(ct);
            throw;
        }
    }

    /// <summary>
    /// The digests the registry records (GitLab's three by default): the running ones when this process saw every byte,
    /// else one read of the blob.
    /// </summary>
    private async Task<ContentDigests> DigestsAsync(ResumableUpload upload, CancellationToken ct)
    {
        var running = hashes.Take(upload.Id, upload.Length);
        if (running is not null && running.Length == upload.Length)
        {
            using (running) return running.Finish();
        }
        running?.Dispose();
        await using var stream = await blobs.OpenReadAsync(upload.BlobKey, ct)
            ?? throw new InvalidOperationException($"The assembled blob of upload {upload.Id} is missing");
        using var hasher = ContentHasher.Recorded(options.Value.PackageFileDigests);
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0) await hasher.AppendAsync(buffer.AsMemory(0, read));
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
        return hasher.Finish();
    }

    /// <summary>Termination: the bytes go, and the upload with them. A finished upload's record goes; its file stays.</summary>
    public async Task TerminateAsync(ResumableUpload upload, CancellationToken ct)
    {
        var lease = await AcquireAsync(upload, null, ct);
        hashes.Forget(upload.Id);
        if (upload.State == ResumableUploadState.Active && !upload.Assembled)
            await storage.DiscardAsync(upload.Id, upload.BlobKey, upload.StorageState, CancellationToken.None);
        await db.ResumableUploads.Where(u => u.Id == upload.Id && u.LockedBy == lease).ExecuteDeleteAsync(CancellationToken.None);
    }

    /// <summary>Removes expired uploads and their bytes (the sweep of partial uploads calls this). Returns how many.</summary>
    public async Task<int> SweepExpiredAsync(CancellationToken ct)
    {
        var removed = 0;
        while (true)
        {
            var now = Now;
            var expired = await db.ResumableUploads.AsNoTracking()
                .Where(u => u.ExpiresAt <= now && (u.LockedUntil == null || u.LockedUntil < now))
                .OrderBy(u => u.ExpiresAt).Take(100).ToListAsync(ct);
            if (expired.Count == 0) return removed;
            foreach (var upload in expired)
            {
                await DiscardBytesAsync(upload, ct);
                removed += await db.ResumableUploads.Where(u => u.Id == upload.Id && u.ExpiresAt <= now).ExecuteDeleteAsync(ct);
            }
        }
    }

    /// <summary>The bytes an unfinished upload holds (its record is the caller's to remove, or already gone with its project).</summary>
    public async Task DiscardBytesAsync(ResumableUpload upload, CancellationToken ct)
    {
        hashes.Forget(upload.Id);
        if (upload.State == ResumableUploadState.Active && !upload.Assembled)
            await storage.DiscardAsync(upload.Id, upload.BlobKey, upload.StorageState, ct);
        else if (upload.State == ResumableUploadState.Active)
            await blobs.DeleteAsync(upload.BlobKey, ct); // assembled, never published (a crash): nothing refers to it
    }

    /// <summary>Takes the upload for one request; 404 when it went, 409 when the offset moved, 423 while another request writes.</summary>
    private async Task<string> AcquireAsync(ResumableUpload upload, long? offset, CancellationToken ct)
    {
        var lease = Guid.NewGuid().ToString("N");
        var now = Now;
        // Not flushed to disk: a lease only has to outlive its request, which a crash ends too.
        var taken = await db.WithoutDurableCommitAsync(c => db.ResumableUploads
            .Where(u => u.Id == upload.Id && (offset == null || u.Offset == offset) && u.ExpiresAt > now
                && (u.LockedUntil == null || u.LockedUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.LockedUntil, now + LeaseDuration).SetProperty(u => u.LockedBy, lease), c), ct);
        if (taken == 1) return lease;
        var current = await db.ResumableUploads.AsNoTracking().FirstOrDefaultAsync(u => u.Id == upload.Id, ct);
        if (current is null || current.ExpiresAt <= now) throw NotFound();
        if (offset is long o && current.Offset != o) throw Conflict(current, o);
        throw new ResumableUploadError(ResumableRefusal.Locked, "Another request is writing to this upload");
    }

    private static ResumableUploadError NotFound() => new(ResumableRefusal.NotFound, "Upload not found");

    private static ResumableUploadError Conflict(ResumableUpload upload, long offset) =>
        new(ResumableRefusal.OffsetMismatch, $"Upload-Offset {offset} does not match the upload's offset {upload.Offset}");

    private DateTime Now => clock.GetUtcNow().UtcDateTime;
}

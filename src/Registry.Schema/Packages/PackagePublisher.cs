using System.Buffers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Registry.Schema.Data;
using Registry.Schema.Identity;
using Registry.Schema.Storage;

namespace Registry.Schema.Packages;

public sealed record PublishCommand(Project Project, string Name, string Version, string FileName, PackageStatus? Status, long? DeclaredLength);

/// <summary>
/// Publishes one file: streams the body into the blob store while hashing it, then records it. The database row is
/// written only after the blob is complete, so a file is never visible half-written; a failed write removes the blob.
/// </summary>
public sealed class PackagePublisher(
    RegistryDbContext db, IBlobStore blobs, IOptions<RegistryOptions> options, TimeProvider clock, ILogger<PackagePublisher> log)
{
    private const int BufferSize = 128 * 1024;
    private const int MaxCreateAttempts = 5;

    /// <summary>Everything that can be refused before the body is read, so a refusal costs no transfer.</summary>
    public async Task CheckBeforeBodyAsync(PublishCommand cmd, CancellationToken ct)
    {
        PackageNameRules.Validate(cmd.Name, cmd.Version);
        if (cmd.DeclaredLength is long declared && options.Value.IsTooLarge(declared)) throw RegistryProblem.TooLarge();
        await EnsureDuplicateAllowedAsync(cmd, ct);
    }

    public async Task<PackageFileRecord> PublishAsync(PublishCommand cmd, Stream body, CancellationToken ct)
    {
        await CheckBeforeBodyAsync(cmd, ct);
        var key = NewBlobKey();
        ContentDigests digests;
        await using (var writer = await blobs.CreateAsync(key, ct))
        {
            digests = await CopyAsync(body, writer, ct);
            await writer.CommitAsync(ct);
        }
        try
        {
            // The body is complete and the blob in place: record it whatever the client does now. Cancelling here could
            // land between the database commit and the return, and the catch below would delete a recorded blob.
            return await RecordAsync(cmd, digests, key, CancellationToken.None);
        }
        catch
        {
            await DeleteBlobQuietlyAsync(key);
            throw;
        }
    }

    private async Task<ContentDigests> CopyAsync(Stream body, IBlobWriter writer, CancellationToken ct)
    {
        using var hasher = new ContentHasher();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
                if (options.Value.IsTooLarge(hasher.Length)) throw RegistryProblem.TooLarge();
                await writer.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return hasher.Finish();
    }

    private async Task<PackageFileRecord> RecordAsync(PublishCommand cmd, ContentDigests digests, string key, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            // SQLite's BEGIN IMMEDIATE: the duplicate check and the insert run under the write lock, so two racing
            // uploads of one file name cannot both pass the check where duplicates are forbidden.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow().UtcDateTime;
            var package = await db.Packages.FirstOrDefaultAsync(p => p.ProjectId == cmd.Project.Id
                && p.PackageType == PackageType.Generic && p.Name == cmd.Name && p.Version == cmd.Version, ct);
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
                await EnsureDuplicateAllowedAsync(cmd, ct);
                if (cmd.Status is { } status && package.Status != status) package.Status = status;
                package.UpdatedAt = now;
            }
            var file = new PackageFile
            {
                Package = package, FileName = cmd.FileName, Size = digests.Length, FileSha256 = digests.Sha256,
                FileSha1 = digests.Sha1, FileMd5 = digests.Md5, BlobKey = key, CreatedAt = now, UpdatedAt = now,
            };
            db.PackageFiles.Add(file);
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return PackageFileRecord.From(file, package, blobs.FileStore);
            }
            catch (DbUpdateException ex) when (attempt < MaxCreateAttempts)
            {
                // A racing upload created the package first (unique index); take theirs and go again.
                log.LogDebug(ex, "Package {Name}/{Version} created concurrently, retrying", cmd.Name, cmd.Version);
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task EnsureDuplicateAllowedAsync(PublishCommand cmd, CancellationToken ct)
    {
        var exists = await db.PackageFiles.AnyAsync(f => f.FileName == cmd.FileName && f.Status == PackageFileStatus.Default
            && f.Package.ProjectId == cmd.Project.Id && f.Package.PackageType == PackageType.Generic
            && f.Package.Name == cmd.Name && f.Package.Version == cmd.Version, ct);
        if (!exists) return;
        var settings = await db.NamespacePackageSettings.AsNoTracking()
            .FirstOrDefaultAsync(s => s.NamespaceId == cmd.Project.NamespaceId, ct);
        if (!DuplicatePolicy.DuplicatesAllowed(settings, cmd.Name, cmd.Version)) throw RegistryProblem.DuplicateNotAllowed();
    }

    private async Task DeleteBlobQuietlyAsync(string key)
    {
        try { await blobs.DeleteAsync(key, CancellationToken.None); }
        catch (Exception ex) { log.LogWarning(ex, "Could not remove blob {Key} of a failed upload", key); }
    }

    private static string NewBlobKey()
    {
        var id = Guid.NewGuid().ToString("N");
        return $"files/{id[..2]}/{id[2..4]}/{id}";
    }
}

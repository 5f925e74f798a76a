using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Storage;

namespace Registry.Schema.Packages;

public enum BlobProblem { Missing, Corrupt, Orphaned }

/// <summary>One finding of <see cref="PackageFileVerifier"/>; <see cref="FileId"/> is null for an orphaned blob.</summary>
public sealed record BlobFinding(BlobProblem Problem, string BlobKey, long? FileId, string? Description);

public sealed record VerificationReport(int FilesChecked, long BytesChecked, IReadOnlyList<BlobFinding> Findings, int Marked)
{
    public int Count(BlobProblem problem) => Findings.Count(f => f.Problem == problem);
    public bool Clean => Findings.Count == 0;
}

/// <summary>
/// GitLab's <c>gitlab:packages:check</c>: reads every stored package file back and compares its size and SHA-256 with
/// its row, and lists blobs no row refers to. With <c>repair</c> it marks missing or corrupt files
/// <see cref="PackageFileStatus.Error"/> (no longer served; a new upload of the name replaces them) and never deletes a
/// row or a blob: orphaned blobs are left to the orphan collector, which removes them once old enough.
/// </summary>
public sealed class PackageFileVerifier(RegistryDbContext db, IBlobStore blobs, TimeProvider clock)
{
    private const int BatchSize = 200;

    public async Task<VerificationReport> VerifyAsync(bool repair, Action<BlobFinding>? found, CancellationToken ct)
    {
        var findings = new List<BlobFinding>();
        var broken = new List<long>();
        var checkedFiles = 0;
        var checkedBytes = 0L;
        var buffer = new byte[128 * 1024];
        var lastId = 0L;
        while (true)
        {
            var batch = await db.PackageFiles.AsNoTracking()
                .Where(f => f.Id > lastId && f.Status == PackageFileStatus.Default).OrderBy(f => f.Id).Take(BatchSize)
                .Select(f => new { f.Id, f.BlobKey, f.Size, f.FileSha256, f.FileName, f.Package.Name, f.Package.Version, Project = f.Package.Project.FullPath })
                .ToListAsync(ct);
            if (batch.Count == 0) break;
            lastId = batch[^1].Id;
            foreach (var file in batch)
            {
                var description = $"{file.Project}: {file.Name}/{file.Version}/{file.FileName} (file {file.Id})";
                checkedFiles++;
                await using var stream = await blobs.OpenReadAsync(file.BlobKey, ct);
                BlobFinding? finding = null;
                if (stream is null)
                {
                    finding = new BlobFinding(BlobProblem.Missing, file.BlobKey, file.Id, description);
                }
                else
                {
                    var (length, sha256) = await HashAsync(stream, buffer, ct);
                    checkedBytes += length;
                    if (length != file.Size || sha256 != file.FileSha256)
                        finding = new BlobFinding(BlobProblem.Corrupt, file.BlobKey, file.Id,
                            $"{description}: {length} bytes with SHA-256 {sha256}, recorded {file.Size} bytes with {file.FileSha256}");
                }
                if (finding is null) continue;
                findings.Add(finding);
                found?.Invoke(finding);
                broken.Add(file.Id);
            }
        }

        // Every key any row names (files being destroyed included): the rest is orphaned.
        var referenced = (await db.PackageFiles.AsNoTracking().Select(f => f.BlobKey).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        await foreach (var blob in blobs.ListAsync(PackagePublisher.BlobKeyPrefix, ct))
        {
            if (referenced.Contains(blob.Key)) continue;
            var finding = new BlobFinding(BlobProblem.Orphaned, blob.Key, null, $"no package file refers to it (stored {blob.LastModifiedUtc:u})");
            findings.Add(finding);
            found?.Invoke(finding);
        }

        var marked = 0;
        if (repair && broken.Count > 0)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var chunk in broken.Chunk(BatchSize))
                marked += await db.PackageFiles.Where(f => chunk.Contains(f.Id) && f.Status == PackageFileStatus.Default)
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, PackageFileStatus.Error).SetProperty(f => f.UpdatedAt, now), ct);
        }
        return new VerificationReport(checkedFiles, checkedBytes, findings, marked);
    }

    /// <summary>The length and SHA-256 of <paramref name="stream"/>, read to its end: verify's check, and backup's of the
    /// bytes it does not copy (those kept in the database).</summary>
    public static async Task<(long Length, string Sha256)> HashAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            length += read;
        }
        return (length, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Packages;
using Registry.Schema.Storage;
using Registry.Server.Data;

namespace Registry.Server.Operations;

/// <summary>
/// <c>backup &lt;dir&gt;</c>, safe while the server runs and takes uploads: SQLite's online backup copies the database
/// as of one instant, then every blob that copy refers to is copied (and its SHA-256 checked) into
/// <c>&lt;dir&gt;/blobs</c>. Blobs are written once and never changed, so the copy is consistent with the database
/// copy; uploads finished later are simply not in it. A file destroyed on the live server while the backup ran (its
/// blob already swept) is marked destroyed in the copy, as the server's sweeper will finish it after a restore. On
/// PostgreSQL use <c>pg_dump</c> and the bucket's versioning instead (README, Operations).
/// </summary>
public static class BackupCommand
{
    public const string DatabaseFile = "registry.db";
    public const string ManifestFile = "backup.json";
    public const string BlobFolder = "blobs";

    public static async Task<int> RunAsync(IServiceProvider services, string target, TextWriter output, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var live = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var blobs = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        if (!live.Database.IsSqlite())
        {
            await output.WriteLineAsync("backup copies a SQLite database; on PostgreSQL use pg_dump and the bucket's versioning (README, Operations).");
            return 2;
        }
        target = Path.GetFullPath(target);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
        {
            await output.WriteLineAsync($"{target} is not empty; back up into a new folder.");
            return 2;
        }
        Directory.CreateDirectory(target);
        var started = DateTime.UtcNow;

        // 1. The database as of one instant (SQLite's online backup API; writers are not blocked for long).
        var databasePath = Path.Combine(target, DatabaseFile);
        await using (var source = new SqliteConnection(live.Database.GetConnectionString()))
        await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString()))
        {
            await source.OpenAsync(ct);
            // The first read of a new connection takes a shared lock on the file, which the server's connections hold
            // off for moments (a connection closing checkpoints the log): wait, as they do, instead of failing.
            SqliteConnectionSetup.Configure(source);
            await copy.OpenAsync(ct);
            source.BackupDatabase(copy);
        }

        // 2. The blobs that copy refers to.
        var options = new DbContextOptionsBuilder<RegistryDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString()).Options;
        var files = 0;
        var bytes = 0L;
        var problems = new List<string>();
        var destroyedMeanwhile = new List<long>();
        await using (var snapshot = new RegistryDbContext(options))
        {
            var rows = await snapshot.PackageFiles.AsNoTracking()
                .Where(f => f.Status == PackageFileStatus.Default || f.Status == PackageFileStatus.PendingDestruction)
                .Select(f => new { f.Id, f.PackageId, f.BlobKey, f.Size, f.FileSha256, f.Status }).ToListAsync(ct);
            var buffer = new byte[128 * 1024];
            foreach (var row in rows)
            {
                await using var stream = await blobs.OpenReadAsync(row.BlobKey, ct);
                if (stream is null)
                {
                    if (row.Status == PackageFileStatus.PendingDestruction) continue;
                    var now = await live.PackageFiles.AsNoTracking().Where(f => f.Id == row.Id).Select(f => (PackageFileStatus?)f.Status).FirstOrDefaultAsync(ct);
                    if (now is null or PackageFileStatus.PendingDestruction) destroyedMeanwhile.Add(row.Id);
                    else problems.Add($"missing: {row.BlobKey} (file {row.Id})");
                    continue;
                }
                // Bytes kept in the database are in its copy already: they are only read back and checked.
                var (length, sha256) = DatabaseBodyStore.Holds(row.BlobKey)
                    ? await PackageFileVerifier.HashAsync(stream, buffer, ct)
                    : await CopyAsync(stream, Path.Combine(target, BlobFolder, row.BlobKey), buffer, ct);
                files++;
                bytes += length;
                if (length != row.Size || sha256 != row.FileSha256) problems.Add($"corrupt: {row.BlobKey} (file {row.Id}): {length} bytes, SHA-256 {sha256}");
            }
            foreach (var chunk in destroyedMeanwhile.Chunk(500))
                await snapshot.PackageFiles.Where(f => chunk.Contains(f.Id))
                    .ExecuteUpdateAsync(s => s.SetProperty(f => f.Status, PackageFileStatus.PendingDestruction), ct);
        }
        SqliteConnection.ClearAllPools();

        var manifest = new
        {
            format = 1, createdAt = started, finishedAt = DateTime.UtcNow, database = DatabaseFile, files, bytes,
            destroyedWhileBackingUp = destroyedMeanwhile.Count, problems,
        };
        await File.WriteAllTextAsync(Path.Combine(target, ManifestFile), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }), ct);
        foreach (var problem in problems) await output.WriteLineAsync(problem);
        await output.WriteLineAsync($"Backed up the database and {files} files ({bytes} bytes) to {target}" +
            (destroyedMeanwhile.Count > 0 ? $"; {destroyedMeanwhile.Count} files destroyed meanwhile are marked destroyed in the copy" : "") + ".");
        if (problems.Count > 0) await output.WriteLineAsync($"{problems.Count} stored files were missing or corrupt on the live server: run verify.");
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>Copies into a temporary file, flushed and renamed into place; returns the length and SHA-256 read.</summary>
    internal static async Task<(long Length, string Sha256)> CopyAsync(Stream source, string path, byte[] buffer, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".partial";
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        await using (var target = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
        {
            int read;
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                await target.WriteAsync(buffer.AsMemory(0, read), ct);
                length += read;
            }
            target.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        return (length, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }
}

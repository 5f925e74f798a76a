using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Registry.Schema.Data;
using Registry.Schema.Packages;
using Registry.Schema.Storage;

namespace Registry.Server.Operations;

/// <summary>
/// <c>restore &lt;dir&gt;</c>: a backup into an empty data folder (no database yet, no stored blobs): the database file
/// goes in place and every blob into the configured store. The next start migrates the database if the backup came
/// from an older version.
/// </summary>
public static class RestoreCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string source, TextWriter output, CancellationToken ct)
    {
        source = Path.GetFullPath(source);
        var backupDatabase = Path.Combine(source, BackupCommand.DatabaseFile);
        if (!File.Exists(Path.Combine(source, BackupCommand.ManifestFile)) || !File.Exists(backupDatabase))
        {
            await output.WriteLineAsync($"{source} is not a backup (no {BackupCommand.ManifestFile} and {BackupCommand.DatabaseFile}).");
            return 2;
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var blobs = scope.ServiceProvider.GetRequiredService<IBlobStore>();
        if (!db.Database.IsSqlite())
        {
            await output.WriteLineAsync("restore writes a SQLite database; on PostgreSQL restore with pg_restore (README, Operations).");
            return 2;
        }
        var databasePath = Path.GetFullPath(new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource);
        if (File.Exists(databasePath) && new FileInfo(databasePath).Length > 0)
        {
            await output.WriteLineAsync($"{databasePath} exists: restore only into an empty data folder.");
            return 2;
        }
        await foreach (var _ in blobs.ListAsync(PackagePublisher.BlobKeyPrefix, ct))
        {
            await output.WriteLineAsync("The blob store already holds package files: restore only into an empty store.");
            return 2;
        }

        var blobRoot = Path.Combine(source, BackupCommand.BlobFolder);
        var files = 0;
        var bytes = 0L;
        var buffer = new byte[128 * 1024];
        if (Directory.Exists(blobRoot))
        {
            foreach (var path in Directory.EnumerateFiles(blobRoot, "*", SearchOption.AllDirectories))
            {
                if (path.EndsWith(".partial", StringComparison.Ordinal)) continue;
                var key = Path.GetRelativePath(blobRoot, path).Replace(Path.DirectorySeparatorChar, '/');
                await using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
                await using var writer = await blobs.CreateAsync(key, input.Length, ct);
                int read;
                while ((read = await input.ReadAsync(buffer, ct)) > 0) await writer.WriteAsync(buffer.AsMemory(0, read), ct);
                await writer.CommitAsync(ct);
                files++;
                bytes += input.Length;
            }
        }
        // The database last: a restore cut short leaves no database, so it can simply run again.
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        File.Copy(backupDatabase, databasePath + ".restoring", overwrite: true);
        File.Move(databasePath + ".restoring", databasePath, overwrite: true);
        await output.WriteLineAsync($"Restored the database and {files} files ({bytes} bytes) from {source}; start the server to serve them.");
        return 0;
    }
}
